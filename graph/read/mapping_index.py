"""An in-memory index of the asserted mappings, rebuilt when the store's revision changes.

The crosswalk is small and changes rarely, so answering crosswalk, inference and coverage questions from
precomputed adjacency keeps them near the speed of plain dictionaries (the README's benchmark figures).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from core.records import Node
from graph.read.catalog_index import CatalogIndex
from graph.read.node_source import NodeSource
from graph.views.read import MappingSetView
from mappings.inference import adjacency
from mappings.model import Mapping, Provenance
from mappings.relations import Relation
from ontology.terms import RELATIONS_BY_IRI


def _text(node: Node, name: str) -> str | None:
    value = node.prop(name)
    return value if isinstance(value, str) else None


@dataclass(slots=True)
class MappingIndex:
    revision: int
    sets: dict[str, MappingSetView] = field(default_factory=dict)
    mappings: list[Mapping] = field(default_factory=list)
    absences: dict[str, list[Mapping]] = field(default_factory=dict)  # no-counterpart records by source
    edges: dict[str, list[Mapping]] = field(default_factory=dict)
    absent_in: dict[str, set[str]] = field(default_factory=dict)  # provision IRI → frameworks it has no counterpart in

    def declared_absent(self, provision: str, framework: str) -> bool:
        """Whether a curator recorded that `provision` has no counterpart in `framework`."""
        return framework in self.absent_in.get(provision, ())

    @classmethod
    def build(cls, source: NodeSource, catalog: CatalogIndex) -> MappingIndex:
        index = cls(revision=catalog.revision)
        frameworks_by_iri = {f.iri: f.id for f in catalog.frameworks.values()}
        set_nodes = {node.id: node for node in source.nodes("MappingSet")}
        provenance: dict[str, Provenance] = {}
        for iri, node in set_nodes.items():
            created = node.prop("created")
            provenance[iri] = Provenance(
                mapping_set=_text(node, "identifier") or iri,
                creators=tuple(str(c) for c in (node.prop("creator") or ())),  # type: ignore[union-attr]
                created=created if isinstance(created, dt.date) else None,
                review_status=_text(node, "review_status") or "asserted",
                authority=_text(node, "source"),
            )
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for node in source.nodes("Mapping"):
            set_iri = node.link("IN_MAPPING_SET") or ""
            base = provenance.get(set_iri)
            source_iri, target, relation = node.link("SOURCE"), node.link("TARGET"), node.link("RELATION")
            if base is None or source_iri is None or target is None or relation not in RELATIONS_BY_IRI:
                continue
            if node.prop("review_status") == "rejected":  # kept for the record; no crosswalk uses it
                continue
            strength = node.prop("strength")
            rationale_type = _text(node, "rationale_type")
            mapping = Mapping(
                id=node.id,
                source=source_iri,
                target=target,
                relation=RELATIONS_BY_IRI[relation],
                strength=strength if isinstance(strength, int) else None,
                rationale_type=rationale_type,
                rationale=_text(node, "rationale") or "",
                provenance=Provenance(
                    mapping_set=base.mapping_set,
                    creators=base.creators,
                    created=base.created,
                    review_status=_text(node, "review_status") or base.review_status,
                    authority=base.authority if node.prop("from_authority") is True else None,
                ),
                harmonized=node.prop("harmonized_structure") is True,
            )
            index.mappings.append(mapping)
            counts[set_iri][0 if mapping.relation is not Relation.NO_RELATIONSHIP else 1] += 1
        index.mappings.sort(
            key=lambda m: (m.provenance.mapping_set, _order(catalog, m.source), _order(catalog, m.target))
        )
        for mapping in index.mappings:
            if mapping.relation is Relation.NO_RELATIONSHIP:
                index.absences.setdefault(mapping.source, []).append(mapping)
                if mapping.target in frameworks_by_iri:
                    index.absent_in.setdefault(mapping.source, set()).add(frameworks_by_iri[mapping.target])
        index.edges = adjacency(index.mappings)
        for iri, node in set_nodes.items():
            created = node.prop("created")
            set_id = provenance[iri].mapping_set
            index.sets[set_id] = MappingSetView(
                id=set_id,
                iri=iri,
                title=_text(node, "title") or set_id,
                source_framework=frameworks_by_iri.get(node.link("SOURCE_FRAMEWORK") or "", ""),
                target_framework=frameworks_by_iri.get(node.link("TARGET_FRAMEWORK") or "", ""),
                creators=provenance[iri].creators,
                created=created if isinstance(created, dt.date) else dt.date.min,
                description=_text(node, "summary") or "",
                review_status=provenance[iri].review_status,
                authority=_text(node, "source"),
                authority_publisher=_text(node, "publisher"),
                authority_url=_text(node, "url"),
                mapping_count=counts[iri][0],
                no_counterpart_count=counts[iri][1],
            )
        return index


def _order(catalog: CatalogIndex, iri: str) -> int:
    view = catalog.by_iri.get(iri)
    return view.order if view else 0
