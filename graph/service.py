"""The service layer: every question and command of the product, answered once.

The GraphQL API, the CLI and the reports all call this class; none of them holds logic of its own. It
talks to a `Store` only through the protocol and raises only `graph.errors` exceptions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from graph.catalog_index import CatalogIndex
from graph.errors import DataError, NotFoundError, Problem, UsageError
from graph.ingest import Ingest, add_catalog
from graph.records import GraphBatch
from graph.refs import ref_key
from graph.store import Store
from graph.views import FrameworkView, LoadReport, ProvisionView
from loaders.bundle import bundled_paths
from loaders.catalog import parse_catalog
from loaders.yaml_source import read_yaml
from ontology.namespaces import PREFIXES
from ontology.rdf import nodes_to_triples
from ontology.validate import to_rdflib, validate_graph

ProgressCallback = Callable[[str, int, int], None]
"""Called as (phase, done, total) while a long command runs."""


def no_progress(phase: str, done: int, total: int) -> None:
    return None


class Service:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._index: CatalogIndex | None = None

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

    # -- loading and validating --------------------------------------------------------------------------
    def _ingest(self, paths: Sequence[Path], progress: ProgressCallback) -> Ingest:
        """Read and check every file; collect all problems before giving up, so one run shows them all."""
        ingest = Ingest()
        problems: list[Problem] = []
        seen_frameworks: dict[str, str] = {}
        for done, path in enumerate(paths):
            progress("reading", done, len(paths))
            try:
                doc = read_yaml(path)
                if isinstance(doc.data, dict) and "framework" in doc.data:
                    catalog = parse_catalog(doc)
                    fid = catalog.framework.id
                    if fid in seen_frameworks:
                        problems.append(
                            doc.problem(
                                ("framework", "id"), f"framework {fid!r} is also defined in {seen_frameworks[fid]}"
                            )
                        )
                        continue
                    seen_frameworks[fid] = str(path)
                    add_catalog(ingest, catalog, doc)
                else:
                    problems.append(
                        doc.problem(
                            (), "not a file aimsgraph knows: a catalog has top-level `framework` and `provisions`"
                        )
                    )
            except DataError as error:
                problems.extend(error.problems)
        progress("reading", len(paths), len(paths))
        if problems:
            raise DataError(problems)
        return ingest

    def _shacl_problems(self, ingest: Ingest, progress: ProgressCallback) -> list[Problem]:
        progress("validating shapes", 0, 1)
        data = to_rdflib(nodes_to_triples(ingest.batch))
        in_batch = {node.id for node in ingest.batch}
        linked = {t for node in ingest.batch for targets in node.links.values() for t in targets} - in_batch
        context = self.store.get(linked) if linked else {}
        to_rdflib(nodes_to_triples(context.values()), data)
        problems = []
        for violation in validate_graph(data):
            if violation.focus not in in_batch:
                continue
            file, line = ingest.origins.get(violation.focus, ("<data>", None))
            where = f"{violation.focus.rsplit('/', 1)[-1]}" + (f" {violation.path}" if violation.path else "")
            problems.append(Problem(file, f"shape violation: {violation.message}", line=line, path=where))
        progress("validating shapes", 1, 1)
        return problems

    def check(self, paths: Sequence[Path], progress: ProgressCallback = no_progress) -> Ingest:
        """Parse, validate and SHACL-check files without writing; raise DataError listing every problem."""
        ingest = self._ingest(paths, progress)
        problems = self._shacl_problems(ingest, progress)
        if problems:
            raise DataError(problems)
        return ingest

    def validate(self, paths: Sequence[Path] | None = None, progress: ProgressCallback = no_progress) -> list[Problem]:
        """Every problem in the files (default: the bundled data); an empty list means all is valid."""
        try:
            self.check(list(paths) if paths else bundled_paths(), progress)
        except DataError as error:
            return error.problems
        return []

    def load(
        self,
        paths: Iterable[Path] = (),
        *,
        replace: bool = False,
        include_bundled: bool = False,
        progress: ProgressCallback = no_progress,
    ) -> LoadReport:
        """Load files in one transaction. Nothing is written unless every file is valid.

        Without `replace`, each framework in the files replaces that framework's provisions and the rest of
        the store stays; with `replace`, the files become the whole content.
        """
        started = time.perf_counter()
        files = list(paths)
        if include_bundled or not files:
            files = bundled_paths() + files
        ingest = self._ingest(files, progress)
        return self.write_checked(ingest, replace=replace, progress=progress, files=files, started=started)

    def write_checked(
        self,
        ingest: Ingest,
        *,
        replace: bool = False,
        progress: ProgressCallback = no_progress,
        files: Sequence[Path] = (),
        started: float | None = None,
    ) -> LoadReport:
        """SHACL-check an ingest and write it in one transaction, or raise DataError and write nothing."""
        started = time.perf_counter() if started is None else started
        problems = self._shacl_problems(ingest, progress)
        if problems:
            raise DataError(problems)
        batch = GraphBatch(nodes=list(ingest.batch))
        if not replace:
            incoming = {node.id for node in batch}
            for fid in ingest.framework_ids:
                batch.deletes.extend(
                    view.iri for view in self.index.by_framework.get(fid, []) if view.iri not in incoming
                )
        progress("writing", 0, 1)
        self.store.write(batch, replace=replace)
        progress("writing", 1, 1)
        self._index = None
        return LoadReport(
            files=tuple(str(f) for f in files),
            frameworks=tuple(ingest.framework_ids),
            nodes=len(batch),
            replaced=replace,
            revision=self.store.revision,
            seconds=time.perf_counter() - started,
        )

    def ensure_bootstrapped(self, progress: ProgressCallback = no_progress) -> LoadReport | None:
        """Fill an empty store from the bundled data; a store with content is left alone."""
        if not self.store.is_empty():
            return None
        return self.load(include_bundled=True, replace=True, progress=progress)
