"""Crosswalk questions: mappings between frameworks (asserted, read backwards, inferred), coverage, the
matrix overview and the export of mapping sets."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from rdflib import URIRef

from graph.errors import NotFoundError, UsageError
from graph.service_base import ServiceBase
from graph.views import (
    CoverageView,
    CrosswalkMatrix,
    MappingView,
    MatrixCell,
    ProvisionView,
    VerdictView,
)
from loaders.mapping_set import MappingSetFile
from loaders.sssom import write_sssom
from mappings.coverage import assess
from mappings.inference import DEFAULT_DEPTH, infer_from
from mappings.model import Mapping
from mappings.relations import RANK, SKOS_MATCH, Relation
from ontology.namespaces import PREFIXES, provision_iri
from ontology.rdf import nodes_to_triples
from ontology.validate import to_rdflib

MAX_DEPTH = 5
"""Deepest inference allowed: paths beyond five hops say nothing and cost a great deal."""


class CrosswalkService(ServiceBase):
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
