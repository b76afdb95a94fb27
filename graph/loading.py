"""Loading and validating data files: all or nothing, every problem reported with file and line."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from graph.errors import DataError, Problem
from graph.ingest import RELATIONS_BY_IRI, Ingest, RefResolver, add_catalog, add_mapping_set
from graph.records import GraphBatch
from graph.service_base import ProgressCallback, ServiceBase, no_progress
from graph.views import LoadReport
from loaders.bundle import bundled_paths
from loaders.catalog import Catalog
from loaders.files import read_data_file
from loaders.mapping_set import MappingSetFile
from loaders.yaml_source import SourceDocument
from mappings.relations import Relation, invert
from ontology.rdf import nodes_to_triples
from ontology.validate import to_rdflib, validate_graph


class LoadingService(ServiceBase):
    # -- loading and validating --------------------------------------------------------------------------
    def _ingest(self, paths: Sequence[Path], progress: ProgressCallback, replace: bool = False) -> Ingest:
        """Read and check every file; collect all problems before giving up, so one run shows them all.

        Catalogs are taken first, so that mapping sets in the same load can name their provisions; without
        `replace`, frameworks already in the store count too.
        """
        ingest = Ingest()
        problems: list[Problem] = []
        catalogs: list[tuple[SourceDocument, Catalog]] = []
        mapping_sets: list[tuple[SourceDocument, MappingSetFile]] = []
        for done, path in enumerate(paths):
            progress("reading", done, len(paths))
            try:
                doc, parsed = read_data_file(path)
            except DataError as error:
                problems.extend(error.problems)
                continue
            if isinstance(parsed, Catalog):
                catalogs.append((doc, parsed))
            else:
                mapping_sets.append((doc, parsed))
        progress("reading", len(paths), len(paths))
        refs = RefResolver()
        if not replace:
            for framework, views in self.index.by_framework.items():
                refs.add_framework(framework, (v.ref for v in views))
        seen: dict[str, str] = {}
        for doc, catalog in catalogs:
            fid = catalog.framework.id
            if fid in seen:
                problems.append(doc.problem(("framework", "id"), f"framework {fid!r} is also defined in {seen[fid]}"))
                continue
            seen[fid] = doc.file
            add_catalog(ingest, catalog, doc)
            refs.add_framework(fid, (p.ref for p in catalog.provisions))
        seen_sets: dict[str, str] = {}
        for doc, mapping_set in mapping_sets:
            set_id = mapping_set.mapping_set.id
            if set_id in seen_sets:
                problems.append(
                    doc.problem(("mapping_set", "id"), f"mapping set {set_id!r} is also defined in {seen_sets[set_id]}")
                )
                continue
            seen_sets[set_id] = doc.file
            add_mapping_set(ingest, mapping_set, doc, refs)
            problems.extend(doc.problems)
        if not problems:
            problems.extend(self._contradictions(ingest, replace))
        if problems:
            raise DataError(problems)
        return ingest

    def _contradictions(self, ingest: Ingest, replace: bool) -> list[Problem]:
        """Pairs that two mappings describe differently (A `subset` B but B `subset` A, and the like).

        Read in one direction, every mapping between the same two provisions must say the same relation.
        """
        said: dict[tuple[str, str], tuple[str, str, str | None, int | None]] = {}
        problems: list[Problem] = []
        incoming_sets = set(ingest.mapping_set_ids)
        existing = (
            [] if replace else [m for m in self.mapping_index.mappings if m.provenance.mapping_set not in incoming_sets]
        )
        statements: list[tuple[str, str, str, str, str | None, int | None]] = [
            (m.source, m.target, m.relation.value, m.provenance.mapping_set, None, None)
            for m in existing
            if m.relation is not Relation.NO_RELATIONSHIP
        ]
        for node in ingest.batch:
            if "Mapping" not in node.labels:
                continue
            relation = RELATIONS_BY_IRI.get(node.link("RELATION") or "", "")
            if relation in ("", "no_relationship"):
                continue
            origin_file, origin_line = ingest.origins.get(node.id, ("<data>", None))
            statements.append(
                (node.link("SOURCE") or "", node.link("TARGET") or "", relation, origin_file, origin_file, origin_line)
            )
        for source, target, relation, where, file, line in statements:
            forward = source <= target
            key = (source, target) if forward else (target, source)
            reading = relation if forward else invert(Relation(relation)).value
            if key not in said:
                said[key] = (reading, where, file, line)
                continue
            earlier, earlier_where, _, earlier_line = said[key]
            if earlier != reading:
                a, b = (self._label(x) for x in key)
                first = f"{earlier_where}" + (f":{earlier_line}" if earlier_line else "")
                problems.append(
                    Problem(
                        file or where,
                        f"contradictory mappings: {a} {reading} {b} here, but {a} {earlier} {b} in {first}",
                        line=line,
                    )
                )
        return problems

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
        ingest = self._ingest(files, progress, replace)
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
            # A framework or mapping set in the files replaces its earlier version whole.
            for fid in ingest.framework_ids:
                batch.deletes.extend(
                    view.iri for view in self.index.by_framework.get(fid, []) if view.iri not in incoming
                )
            reloaded = set(ingest.mapping_set_ids)
            batch.deletes.extend(
                m.id
                for m in self.mapping_index.mappings
                if m.provenance.mapping_set in reloaded and m.id not in incoming
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
