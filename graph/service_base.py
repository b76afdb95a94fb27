"""The shared part of the service: the store, the indexes built from it, and the catalog questions.

Indexes are rebuilt whenever the store's revision moves, so every question reads the current content
without a store round-trip per object.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from graph.catalog_index import CatalogIndex
from graph.errors import NotFoundError, UsageError
from graph.mapping_index import MappingIndex, MappingSetView
from graph.refs import ref_key
from graph.store import Store
from graph.views import FrameworkView, ProvisionView
from mappings.model import Mapping
from ontology.namespaces import PREFIXES
from ontology.rdf import nodes_to_triples
from ontology.validate import to_rdflib

ProgressCallback = Callable[[str, int, int], None]
"""Called as (phase, done, total) while a long command runs."""


def no_progress(phase: str, done: int, total: int) -> None:
    return None


class ServiceBase:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._index: CatalogIndex | None = None
        self._mappings: MappingIndex | None = None
        self._inferred: dict[tuple[str, str, int], list[Mapping]] = {}

    # -- the catalog -------------------------------------------------------------------------------------
    @property
    def index(self) -> CatalogIndex:
        if self._index is None or self._index.revision != self.store.revision:
            self._index = CatalogIndex.build(self.store)
        return self._index

    def frameworks(self) -> list[FrameworkView]:
        return sorted(self.index.frameworks.values(), key=lambda f: f.id)

    def framework(self, framework_id: str) -> FrameworkView:
        found = self.index.frameworks.get(framework_id.strip().lower())
        if found is None:
            known = ", ".join(sorted(self.index.frameworks)) or "none loaded"
            raise NotFoundError("framework", framework_id, f"known frameworks: {known}")
        return found

    def provisions(self, framework_id: str, kind: str | None = None) -> list[ProvisionView]:
        """All provisions of a framework in document order, optionally of one kind."""
        fw = self.framework(framework_id)
        views = self.index.by_framework.get(fw.id, [])
        return [v for v in views if kind is None or v.kind == kind]

    def provision(self, framework_id: str, ref: str) -> ProvisionView:
        fw = self.framework(framework_id)
        found = self.index.resolve(fw.id, ref)
        if found is None:
            raise NotFoundError(
                "provision",
                f"{fw.id} {ref}",
                f"try `aimsgraph search {ref!r}` or list them with `aimsgraph provisions {fw.id}`",
            )
        return found

    def children(self, view: ProvisionView) -> list[ProvisionView]:
        keyed = self.index.by_key.get(view.framework, {})
        return [keyed[ref_key(ref)] for ref in view.children if ref_key(ref) in keyed]

    def provisions_by_iri(self, iris: Sequence[str]) -> list[ProvisionView | None]:
        """Batch lookup for DataLoaders: one call for many objects, in the order asked."""
        by_iri = self.index.by_iri
        return [by_iri.get(iri) for iri in iris]

    def search(self, text: str, framework_id: str | None = None, limit: int = 50) -> list[ProvisionView]:
        """Provisions whose ref matches the text, then those whose title or summary contain every word.

        Ref matches rank first (exact, then prefix); word matches rank titles above summaries.
        """
        needle = text.strip()
        if not needle:
            return []
        frameworks = [self.framework(framework_id).id] if framework_id else sorted(self.index.by_framework)
        key = ref_key(needle)
        words = needle.lower().split()
        scored: list[tuple[int, str, int, ProvisionView]] = []
        for fid in frameworks:
            for view in self.index.by_framework.get(fid, []):
                view_key = ref_key(view.ref)
                title = (view.title or "").lower()
                summary = (view.summary or "").lower()
                if view_key == key:
                    score = 0
                elif view_key.startswith(key) and len(key) > 1:
                    score = 1
                elif all(w in title for w in words):
                    score = 2
                elif all(w in title or w in summary for w in words):
                    score = 3
                else:
                    continue
                scored.append((score, fid, view.order, view))
        scored.sort(key=lambda item: item[:3])
        return [item[3] for item in scored[:limit]]

    # -- crosswalks -----------------------------------------------------------------------------------------
    @property
    def mapping_index(self) -> MappingIndex:
        catalog = self.index
        if self._mappings is None or self._mappings.revision != catalog.revision:
            self._mappings = MappingIndex.build(self.store, catalog)
            self._inferred.clear()
        return self._mappings

    def mapping_sets(self) -> list[MappingSetView]:
        return sorted(self.mapping_index.sets.values(), key=lambda s: s.id)

    def _framework_of(self, iri: str) -> str | None:
        view = self.index.by_iri.get(iri)
        return view.framework if view else None

    def _label(self, iri: str) -> str:
        view = self.index.by_iri.get(iri)
        return f"{view.framework} {view.ref}" if view else iri.rsplit("/", 1)[-1]

    # -- export ---------------------------------------------------------------------------------------------
    def export_graph(self, rdf_format: str = "turtle") -> str:
        """The whole graph as RDF (turtle, json-ld or nt) that validates against the bundled shapes."""
        formats = {"turtle": "turtle", "ttl": "turtle", "json-ld": "json-ld", "jsonld": "json-ld", "nt": "nt"}
        if rdf_format not in formats:
            raise UsageError(f"unknown export format {rdf_format!r}; choose one of turtle, json-ld, nt")
        graph = to_rdflib(nodes_to_triples(self.store.all_nodes()))
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        text: str = graph.serialize(format=formats[rdf_format])
        return text
