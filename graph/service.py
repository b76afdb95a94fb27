"""The service layer: every question and command of the product, answered once.

The GraphQL API, the CLI and the reports all call this class; none of them holds logic of its own. It
talks to a `Store` only through the protocol and raises only `graph.errors` exceptions.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from rdflib import URIRef

from graph.catalog_index import CatalogIndex
from graph.errors import DataError, NotFoundError, Problem, UsageError
from graph.ingest import RELATIONS_BY_IRI, Ingest, RefResolver, add_catalog, add_mapping_set
from graph.mapping_index import MappingIndex, MappingSetView
from graph.records import GraphBatch
from graph.refs import ref_key
from graph.store import Store
from graph.views import (
    CoverageView,
    CrosswalkMatrix,
    FrameworkView,
    LoadReport,
    MappingView,
    MatrixCell,
    ProvisionView,
    VerdictView,
)
from loaders.bundle import bundled_paths
from loaders.catalog import Catalog
from loaders.files import read_data_file
from loaders.mapping_set import MappingSetFile
from loaders.sssom import write_sssom
from loaders.yaml_source import SourceDocument
from mappings.coverage import assess
from mappings.inference import DEFAULT_DEPTH, infer_from
from mappings.model import Mapping
from mappings.relations import RANK, SKOS_MATCH, Relation, invert
from ontology.namespaces import PREFIXES, provision_iri
from ontology.rdf import nodes_to_triples
from ontology.validate import to_rdflib, validate_graph

MAX_DEPTH = 5
"""Deepest inference allowed: paths beyond five hops say nothing and cost a great deal."""

ProgressCallback = Callable[[str, int, int], None]
"""Called as (phase, done, total) while a long command runs."""


def no_progress(phase: str, done: int, total: int) -> None:
    return None


class Service:
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

    def _inferred_from(self, source: str, target_framework: str, depth: int) -> list[Mapping]:
        key = (source, target_framework, depth)
        if key not in self._inferred:
            self._inferred[key] = infer_from(
                source, self.mapping_index.edges, lambda iri: self._framework_of(iri) == target_framework, depth
            )
        return self._inferred[key]

    def _view(self, mapping: Mapping) -> MappingView:
        by_iri = self.index.by_iri
        target = by_iri.get(mapping.target)
        return MappingView(
            source=by_iri[mapping.source],
            target=target,
            target_framework=target.framework if target else mapping.target.rsplit("/", 1)[-1],
            relation=mapping.relation.value,
            strength=mapping.strength,
            rationale_type=mapping.rationale_type,
            rationale=mapping.rationale,
            mapping_set=mapping.provenance.mapping_set,
            creators=mapping.provenance.creators,
            created=mapping.provenance.created,
            review_status=mapping.provenance.review_status,
            authority=mapping.provenance.authority,
            inferred=mapping.inferred,
            inverted=mapping.inverted,
            path=tuple(by_iri[iri] for iri in mapping.path if iri in by_iri),
        )

    @staticmethod
    def _check_depth(depth: int) -> None:
        if not 1 <= depth <= MAX_DEPTH:
            raise UsageError(f"inference depth must be between 1 and {MAX_DEPTH}, not {depth}")

    def crosswalk(
        self,
        source: str,
        target: str,
        *,
        include_inferred: bool = False,
        min_strength: int | None = None,
        depth: int = DEFAULT_DEPTH,
    ) -> list[MappingView]:
        """How the provisions of `source` relate to those of `target`.

        Asserted mappings first; mappings asserted the other way round are read backwards (marked
        inverted) unless the pair is asserted this way too; with `include_inferred`, compositions along
        paths of up to `depth` hops through any framework (marked inferred, with their path).
        """
        self._check_depth(depth)
        if min_strength is not None and not 1 <= min_strength <= 10:
            raise UsageError(f"minimum strength must be between 1 and 10, not {min_strength}")
        src, tgt = self.framework(source), self.framework(target)
        fw = self._framework_of
        found: list[Mapping] = []
        pairs: set[tuple[str, str]] = set()
        for mapping in self.mapping_index.mappings:
            if fw(mapping.source) != src.id:
                continue
            if fw(mapping.target) == tgt.id or mapping.target == tgt.iri:
                found.append(mapping)
                pairs.add((mapping.source, mapping.target))
        for mapping in self.mapping_index.mappings:
            if (
                mapping.relation is not Relation.NO_RELATIONSHIP
                and fw(mapping.source) == tgt.id
                and fw(mapping.target) == src.id
            ):
                inverse = mapping.inverse()
                if (inverse.source, inverse.target) not in pairs:
                    found.append(inverse)
                    pairs.add((inverse.source, inverse.target))
        if include_inferred:
            for view in self.index.by_framework.get(src.id, []):
                if view.iri in self.mapping_index.edges:
                    found.extend(
                        m for m in self._inferred_from(view.iri, tgt.id, depth) if (m.source, m.target) not in pairs
                    )
        if min_strength is not None:
            found = [m for m in found if m.strength is not None and m.strength >= min_strength]
        views = [self._view(m) for m in found]
        views.sort(key=lambda v: (v.source.order, v.target.order if v.target else 0, v.inferred))
        return views

    def mappings_of(self, iris: Sequence[str], include_inferred: bool = False) -> list[list[MappingView]]:
        """Each provision's mappings in both directions (incoming ones read backwards); batched for DataLoaders."""
        edges = self.mapping_index.edges
        answers: list[list[MappingView]] = []
        for iri in iris:
            found = list(edges.get(iri, ()))
            found += self.mapping_index.absences.get(iri, [])
            if include_inferred:
                frameworks = {f for f in self.index.frameworks if f != self._framework_of(iri)}
                for framework in sorted(frameworks):
                    found.extend(self._inferred_from(iri, framework, DEFAULT_DEPTH))
            answers.append([self._view(m) for m in found])
        return answers

    def coverage(
        self,
        want: str,
        *,
        have: str | None = None,
        have_refs: Sequence[str] = (),
        include_inferred: bool = False,
        depth: int = DEFAULT_DEPTH,
    ) -> CoverageView:
        """What of `want` is covered, partly covered or uncovered by what is implemented of `have`.

        `have` alone means the whole framework is implemented; with `have_refs`, only those provisions (and
        everything inside them). Mappings count in both directions; inferred ones only when asked.
        """
        self._check_depth(depth)
        if have is None:
            raise UsageError("say which framework is implemented (--have)")
        have_fw, want_fw = self.framework(have), self.framework(want)
        if have_fw.id == want_fw.id:
            raise UsageError("--have and --want name the same framework")
        catalog = self.index
        if have_refs:
            implemented: set[str] = set()
            for ref in have_refs:
                view = self.provision(have_fw.id, ref)
                implemented.add(view.iri)
                implemented.update(catalog.descendants(view.iri))
        else:
            implemented = {v.iri for v in catalog.by_framework.get(have_fw.id, [])}
        edges = self.mapping_index.edges
        reaching: list[Mapping] = []
        for iri in sorted(implemented):
            reaching.extend(m for m in edges.get(iri, ()) if self._framework_of(m.target) == want_fw.id)
            if include_inferred and iri in edges:
                reaching.extend(self._inferred_from(iri, want_fw.id, depth))
        result = assess(
            [u.iri for u in catalog.units(want_fw.id)],
            reaching,
            catalog.unit_of,
            catalog.units_under,
            catalog.parts_of,
        )
        return CoverageView(
            have=have_fw.id,
            have_refs=tuple(have_refs),
            want=want_fw.id,
            verdicts=tuple(
                VerdictView(catalog.by_iri[v.unit], v.status, tuple(self._view(m) for m in v.because))
                for v in result.verdicts
            ),
            ratio=result.ratio,
            reached_ratio=result.reached_ratio,
        )

    def _group(self, view: ProvisionView) -> ProvisionView:
        """The top-level group a provision sits in (chapter, clause, function, objective, theme, annex).

        An annex that only holds objectives or themes (ISO Annex A) is skipped, so its objectives group.
        """
        chain = [view]
        while chain[-1].parent is not None:
            chain.append(self.index.by_iri[provision_iri(view.framework, chain[-1].parent)])
        root = chain[-1]
        if root.kind == "annex" and len(chain) > 1:
            child = chain[-2]
            if child.kind in ("control_objective", "theme"):
                return child
        return root

    def crosswalk_matrix(self, views: Sequence[MappingView]) -> CrosswalkMatrix:
        """Counts of mappings between the top-level groups of two frameworks, for a terminal overview."""
        cells: dict[tuple[str, str], list[str]] = defaultdict(list)
        rows: dict[str, int] = {}
        columns: dict[str, int] = {}
        for view in views:
            if view.target is None:
                continue
            row, column = self._group(view.source), self._group(view.target)
            rows[row.ref] = row.order
            columns[column.ref] = column.order
            cells[(row.ref, column.ref)].append(view.relation)
        ordered_rows = sorted(rows, key=rows.__getitem__)
        ordered_columns = sorted(columns, key=columns.__getitem__)
        return CrosswalkMatrix(
            rows=tuple(ordered_rows),
            columns=tuple(ordered_columns),
            cells=tuple(
                tuple(
                    MatrixCell(
                        len(cells[(r, c)]),
                        max(cells[(r, c)], key=lambda rel: RANK[Relation(rel)]) if cells[(r, c)] else None,
                    )
                    for c in ordered_columns
                )
                for r in ordered_rows
            ),
        )

    def mapping_set_file(self, set_id: str) -> MappingSetFile:
        """A stored mapping set in its file form, as loaded (for export)."""
        index = self.mapping_index
        found = index.sets.get(set_id)
        if found is None:
            raise NotFoundError("mapping set", set_id, f"known sets: {', '.join(sorted(index.sets)) or 'none'}")
        by_iri = self.index.by_iri
        entries: list[dict[str, object]] = []
        absent: list[dict[str, object]] = []
        for mapping in index.mappings:
            if mapping.provenance.mapping_set != set_id:
                continue
            if mapping.relation is Relation.NO_RELATIONSHIP:
                absent.append({"source": by_iri[mapping.source].ref, "rationale": mapping.rationale})
                continue
            entry: dict[str, object] = {
                "source": by_iri[mapping.source].ref,
                "target": by_iri[mapping.target].ref,
                "relation": mapping.relation.value,
                "strength": mapping.strength,
                "rationale_type": mapping.rationale_type,
                "rationale": mapping.rationale,
            }
            if mapping.provenance.review_status != found.review_status:
                entry["review_status"] = mapping.provenance.review_status
            if mapping.provenance.authority:
                entry["from_authority"] = True
            entries.append(entry)
        header: dict[str, object] = {
            "id": found.id,
            "title": found.title,
            "source_framework": found.source_framework,
            "target_framework": found.target_framework,
            "creators": list(found.creators),
            "created": found.created,
            "review_status": found.review_status,
            "description": found.description,
        }
        if found.authority:
            header["authority"] = {
                "name": found.authority,
                "publisher": found.authority_publisher or "",
                "url": found.authority_url,
            }
        return MappingSetFile.model_validate({"mapping_set": header, "mappings": entries, "no_counterpart": absent})

    def export_mappings(self, set_id: str, fmt: str = "sssom") -> str:
        """One mapping set as SSSOM TSV (lossless; `load` reads it back) or SKOS Turtle."""
        if fmt not in ("sssom", "skos"):
            raise UsageError(f"unknown mapping export format {fmt!r}; choose sssom or skos")
        mapping_set = self.mapping_set_file(set_id)
        if fmt == "sssom":
            labels = {(v.framework, v.ref): v.display_title for v in self.index.by_iri.values()}
            return write_sssom(mapping_set, labels)
        found = self.mapping_index.sets[set_id]
        mappings = [m for m in self.mapping_index.mappings if m.provenance.mapping_set == set_id]
        nodes = self.store.get([found.iri, *(m.id for m in mappings)])
        graph = to_rdflib(nodes_to_triples(nodes.values()))
        for mapping in mappings:
            if mapping.relation in SKOS_MATCH:
                graph.add((URIRef(mapping.source), URIRef(SKOS_MATCH[mapping.relation]), URIRef(mapping.target)))
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        text: str = graph.serialize(format="turtle")
        return text

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

    def _label(self, iri: str) -> str:
        view = self.index.by_iri.get(iri)
        return f"{view.framework} {view.ref}" if view else iri.rsplit("/", 1)[-1]

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
