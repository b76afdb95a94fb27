"""An in-memory index of frameworks and provisions, built from the store and rebuilt when it changes.

The catalogs are small (a few thousand nodes) and change rarely, so answering from dictionaries keeps every
provision lookup, listing and search far from the store's round-trips. The index remembers the store
revision it was built at; the service rebuilds it after any write.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from core.records import Node
from core.vocabulary import LABEL_KINDS
from graph.read.node_source import NodeSource
from graph.read.refs import candidate_keys, ref_key
from graph.views.read import FrameworkView, ProvisionView
from ontology.namespaces import AGID, provision_iri


def _role(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _text(node: Node, name: str) -> str | None:
    value = node.prop(name)
    return value if isinstance(value, str) else None


def _framework_id(iri: str) -> str:
    return iri[len(AGID) :] if iri.startswith(AGID) else iri


@dataclass(slots=True)
class CatalogIndex:
    revision: int
    frameworks: dict[str, FrameworkView] = field(default_factory=dict)
    by_iri: dict[str, ProvisionView] = field(default_factory=dict)
    by_framework: dict[str, list[ProvisionView]] = field(default_factory=dict)
    by_key: dict[str, dict[str, ProvisionView]] = field(default_factory=dict)

    @classmethod
    def build(cls, source: NodeSource, revision: int) -> CatalogIndex:
        """The index of the store's content, which the caller read at `revision`."""
        index = cls(revision=revision)
        framework_nodes = {node.id: node for node in source.nodes("Framework")}
        ids_by_framework_iri = {iri: str(node.prop("framework_id")) for iri, node in framework_nodes.items()}
        provision_nodes = list(source.nodes("Provision"))
        ref_by_iri = {node.id: str(node.prop("ref")) for node in provision_nodes}
        children: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
        for node in provision_nodes:
            parent = node.link("PART_OF")
            if parent:
                order = node.prop("order")
                children[parent].append((order if isinstance(order, int) else 0, str(node.prop("ref")), node.id))
        own_dates = {n.id: d for n in provision_nodes if isinstance(d := n.prop("applies_from"), dt.date)}
        parents = {n.id: n.link("PART_OF") for n in provision_nodes}

        def inherited(iri: str) -> dt.date | None:
            """A part applies from its own date, else from the date of what it belongs to."""
            current: str | None = iri
            while current is not None:
                if current in own_dates:
                    return own_dates[current]
                current = parents.get(current)
            return None

        grouped: dict[str, list[ProvisionView]] = defaultdict(list)
        for node in provision_nodes:
            framework_iri = node.link("IN_FRAMEWORK") or ""
            framework = ids_by_framework_iri.get(framework_iri, _framework_id(framework_iri))
            parent_iri = node.link("PART_OF")
            kind = next((LABEL_KINDS[label] for label in node.labels if label in LABEL_KINDS), "provision")
            order = node.prop("order")
            view = ProvisionView(
                iri=node.id,
                framework=framework,
                ref=str(node.prop("ref")),
                kind=kind,
                title=_text(node, "title"),
                summary=_text(node, "summary"),
                parent=None if parent_iri is None else ref_by_iri.get(parent_iri, parent_iri),
                order=order if isinstance(order, int) else 0,
                addressees=tuple(_role(iri) for iri in node.links.get("ADDRESSEE", ())),
                applies_from=inherited(node.id),
                informative=node.prop("informative") is True,
                children=tuple(ref for _, ref, _ in sorted(children.get(node.id, []))),
                parent_iri=parent_iri,
                child_iris=tuple(iri for _, _, iri in sorted(children.get(node.id, []))),
                used_in=tuple(ref_by_iri.get(iri, iri) for iri in node.links.get("USED_IN", ())),
                used_in_iris=node.links.get("USED_IN", ()),
            )
            grouped[framework].append(view)
        for framework, views in grouped.items():
            views.sort(key=lambda v: v.order)
            index.by_framework[framework] = views
            index.by_key[framework] = {ref_key(v.ref): v for v in views}
            index.by_iri.update({v.iri: v for v in views})
        for iri, node in framework_nodes.items():
            fid = ids_by_framework_iri[iri]
            issued = node.prop("issued")
            if not isinstance(issued, dt.date):
                issued = dt.date.min
            index.frameworks[fid] = FrameworkView(
                id=fid,
                iri=iri,
                name=_text(node, "name") or fid,
                title=_text(node, "title") or "",
                version=_text(node, "version") or "",
                issued=issued,
                publisher=_text(node, "publisher") or "",
                source=_text(node, "source") or "",
                url=_text(node, "url"),
                binding=node.prop("binding") is True,
                default_addressees=tuple(_role(r) for r in node.links.get("ADDRESSEE", ())),
                provision_count=len(index.by_framework.get(fid, [])),
            )
        return index

    def resolve(self, framework: str, ref: str) -> ProvisionView | None:
        keyed = self.by_key.get(framework, {})
        for key in candidate_keys(ref):
            if key in keyed:
                return keyed[key]
        return None

    # -- coverage units: what a crosswalk's coverage is counted in ---------------------------------------
    def is_unit(self, view: ProvisionView) -> bool:
        """Controls, subcategories, articles, a profile's suggested actions, and clauses without subclauses carry
        requirements of their own."""
        if view.kind in ("control", "subcategory", "article", "action"):
            return True
        if view.kind == "clause":
            return not any(self.child(view, ref).kind == "clause" for ref in view.children)
        return False

    def child(self, view: ProvisionView, ref: str) -> ProvisionView:
        return self.by_iri[provision_iri(view.framework, ref)]

    def units(self, framework: str) -> list[ProvisionView]:
        return [v for v in self.by_framework.get(framework, []) if self.is_unit(v)]

    def unit_of(self, iri: str) -> str | None:
        """The unit a provision is or belongs to (a paragraph's article); None for groupings above units."""
        view = self.by_iri.get(iri)
        while view is not None:
            if self.is_unit(view):
                return view.iri
            view = self.by_iri.get(provision_iri(view.framework, view.parent)) if view.parent else None
        return None

    def units_under(self, iri: str) -> list[str]:
        view = self.by_iri.get(iri)
        if view is None:
            return []
        found: list[str] = []
        stack = [self.child(view, ref) for ref in reversed(view.children)]
        while stack:
            current = stack.pop()
            if self.is_unit(current):
                found.append(current.iri)
            else:
                stack.extend(self.child(current, ref) for ref in reversed(current.children))
        return found

    def parts_of(self, iri: str) -> list[str]:
        view = self.by_iri.get(iri)
        return [] if view is None else [provision_iri(view.framework, ref) for ref in view.children]

    def descendants(self, iri: str) -> list[str]:
        found: list[str] = []
        stack = self.parts_of(iri)
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(self.parts_of(current))
        return found
