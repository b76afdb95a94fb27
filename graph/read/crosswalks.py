"""Crosswalk questions: mappings between frameworks (asserted, read backwards, inferred), coverage, the
matrix overview and the mapping sets.

Curated absences win over inference: where a curator recorded that a provision has no counterpart in a
framework, no inferred mapping between that provision and that framework is shown (the absence and its
reason are), just as an asserted pair is never given an inferred one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from core import deadlines
from core.errors import UsageError
from graph.read.catalog_queries import CatalogQueries
from graph.read.read_model import Snapshot
from graph.views.read import (
    CoverageView,
    CrosswalkMatrix,
    MappingSetView,
    MappingView,
    MatrixCell,
    ProvisionView,
    VerdictView,
)
from mappings.coverage import assess
from mappings.inference import DEFAULT_DEPTH, MAX_DEPTH, infer_from
from mappings.model import Mapping
from mappings.relations import RANK, Relation


class Crosswalks:
    def __init__(self, snapshot: Snapshot, catalog: CatalogQueries) -> None:
        self._snapshot = snapshot
        self._index = snapshot.catalog
        self._mappings = snapshot.mappings
        self._catalog = catalog

    # -- building blocks -----------------------------------------------------------------------------------
    def _inferred_from(self, source: str, target_framework: str, depth: int) -> list[Mapping]:
        """Inferred mappings from one provision into a framework, cached on the snapshot."""
        key = (source, target_framework, depth)
        cache = self._snapshot.inferred
        if key not in cache:
            framework_of = self._catalog.framework_of
            source_framework = framework_of(source) or ""
            if self._mappings.declared_absent(source, target_framework):
                cache[key] = []
            else:
                cache[key] = infer_from(
                    source,
                    self._mappings.edges,
                    lambda iri: (
                        framework_of(iri) == target_framework
                        and not self._mappings.declared_absent(iri, source_framework)
                    ),
                    depth,
                )
        return cache[key]

    def _view(self, mapping: Mapping) -> MappingView:
        by_iri = self._index.by_iri
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
            harmonized=mapping.harmonized,
            path=tuple(by_iri[iri] for iri in mapping.path if iri in by_iri),
            iri=None if mapping.inferred else mapping.id,
        )

    @staticmethod
    def _check_depth(depth: int) -> None:
        if not 1 <= depth <= MAX_DEPTH:
            raise UsageError(f"inference depth must be between 1 and {MAX_DEPTH}, not {depth}")

    # -- questions -----------------------------------------------------------------------------------------
    def mapping_sets(self) -> list[MappingSetView]:
        return sorted(self._mappings.sets.values(), key=lambda s: s.id)

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
        src, tgt = self._catalog.framework(source), self._catalog.framework(target)
        if src.id == tgt.id:
            raise UsageError(f"a crosswalk relates two different frameworks; both sides name {src.id}")
        fw = self._catalog.framework_of
        found: list[Mapping] = []
        pairs: set[tuple[str, str]] = set()
        for number, mapping in enumerate(self._mappings.mappings):
            if number % 512 == 0:
                deadlines.check()  # a request's timeout stops the work inside the field
            if fw(mapping.source) != src.id:
                continue
            if fw(mapping.target) == tgt.id or mapping.target == tgt.iri:
                found.append(mapping)
                pairs.add((mapping.source, mapping.target))
        for mapping in self._mappings.mappings:
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
            for view in self._index.by_framework.get(src.id, []):
                deadlines.check()
                if view.iri in self._mappings.edges:
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
        edges = self._mappings.edges
        answers: list[list[MappingView]] = []
        for iri in iris:
            deadlines.check()
            found = list(edges.get(iri, ()))
            found += self._mappings.absences.get(iri, [])
            if include_inferred:
                own = self._catalog.framework_of(iri)
                for framework in sorted(f for f in self._index.frameworks if f != own):
                    found.extend(self._inferred_from(iri, framework, DEFAULT_DEPTH))
            answers.append([self._view(m) for m in found])
        return answers

    def coverage(
        self,
        want: str,
        *,
        have: str,
        have_refs: Sequence[str] = (),
        include_inferred: bool = False,
        depth: int = DEFAULT_DEPTH,
    ) -> CoverageView:
        """What of `want` is covered, partly covered or uncovered by what is implemented of `have`.

        `have` alone means the whole framework is implemented; with `have_refs`, only those provisions (and
        everything inside them). Mappings count in both directions; inferred ones only when asked.
        """
        self._check_depth(depth)
        have_fw, want_fw = self._catalog.framework(have), self._catalog.framework(want)
        if have_fw.id == want_fw.id:
            raise UsageError(f"the implemented and the assessed framework are both {have_fw.id}")
        catalog = self._index
        if have_refs:
            implemented: set[str] = set()
            for ref in have_refs:
                view = self._catalog.provision(have_fw.id, ref)
                implemented.add(view.iri)
                implemented.update(catalog.descendants(view.iri))
        else:
            implemented = {v.iri for v in catalog.by_framework.get(have_fw.id, [])}
        edges = self._mappings.edges
        fw = self._catalog.framework_of
        reaching: list[Mapping] = []
        for iri in sorted(implemented):
            deadlines.check()
            reaching.extend(m for m in edges.get(iri, ()) if fw(m.target) == want_fw.id)
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
            reuse_ratio=result.reuse_ratio,
            reached_ratio=result.reached_ratio,
        )

    def _group(self, view: ProvisionView) -> ProvisionView:
        """The top-level group a provision sits in (chapter, clause, function, objective, theme, annex).

        An annex that only holds objectives or themes (ISO Annex A) is skipped, so its objectives group.
        """
        chain = [view]
        while (parent := self._catalog.parent(chain[-1])) is not None:
            chain.append(parent)
        root = chain[-1]
        if root.kind == "annex" and len(chain) > 1:
            child = chain[-2]
            if child.kind in ("control_objective", "theme"):
                return child
        return root

    def matrix(self, views: Sequence[MappingView]) -> CrosswalkMatrix:
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
