"""Catalog questions: frameworks, provisions (by ref, leniently), their parts, and search."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from core import deadlines
from core.errors import NotFoundError, UsageError
from core.vocabulary import SCOPES
from graph.read.read_model import Snapshot
from graph.read.refs import ref_key
from graph.views.read import ActView, DatesView, FrameworkView, ProvisionView

SEARCH_LIMIT = 1000
"""Most results one search returns, whatever the caller asks for."""
SEARCH_TEXT_LIMIT = 200
"""Longest search text: a ref or a few words, never a document."""


class CatalogQueries:
    def __init__(self, snapshot: Snapshot) -> None:
        self._index = snapshot.catalog
        self._timeline = snapshot.timeline
        self._dates = snapshot.dates

    def frameworks(self) -> list[FrameworkView]:
        return sorted(self._index.frameworks.values(), key=lambda f: f.id)

    def framework(self, framework_id: str) -> FrameworkView:
        found = self._index.frameworks.get(framework_id.strip().lower())
        if found is None:
            known = ", ".join(sorted(self._index.frameworks)) or "none loaded"
            raise NotFoundError("framework", framework_id, f"known frameworks: {known}")
        return found

    def provisions(self, framework_id: str, kind: str | None = None) -> list[ProvisionView]:
        """All provisions of a framework in document order, optionally of one kind."""
        fw = self.framework(framework_id)
        views = self._index.by_framework.get(fw.id, [])
        return [v for v in views if kind is None or v.kind == kind]

    def provision(self, framework_id: str, ref: str) -> ProvisionView:
        fw = self.framework(framework_id)
        found = self._index.resolve(fw.id, ref)
        if found is None:
            raise NotFoundError(
                "provision", f"{fw.id} {ref}", f"search for it, or list the provisions of {fw.id} to see their refs"
            )
        return found

    def children(self, view: ProvisionView) -> list[ProvisionView]:
        keyed = self._index.by_key.get(view.framework, {})
        return [keyed[ref_key(ref)] for ref in view.children if ref_key(ref) in keyed]

    def parent(self, view: ProvisionView) -> ProvisionView | None:
        if view.parent is None:
            return None
        return self._index.by_key.get(view.framework, {}).get(ref_key(view.parent))

    def ancestors(self, view: ProvisionView) -> list[ProvisionView]:
        """The provisions a provision sits in, nearest first."""
        found: list[ProvisionView] = []
        current = self.parent(view)
        while current is not None:
            found.append(current)
            current = self.parent(current)
        return found

    def dates(self, view: ProvisionView, *, scope: str = "all", as_of: dt.date | None = None) -> DatesView:
        """When the provision applies, for `scope`, as the law stands on `as_of` (today by default).

        The answer names the rule (act and basis) it rests on, and what the law as first published said,
        so an amended date is always shown beside the original.
        """
        if scope not in SCOPES:
            raise UsageError(f"unknown scope {scope!r}; choose one of {', '.join(SCOPES)}")
        day = as_of or dt.date.today()
        key = (view.iri, scope, day)
        if key not in self._dates:
            self._dates[key] = self._work_out_dates(view, scope, day)
        return self._dates[key]

    def _work_out_dates(self, view: ProvisionView, scope: str, day: dt.date) -> DatesView:
        chain = [view.iri, *(a.iri for a in self.ancestors(view))]
        rule = self._timeline.rule_for(chain, scope, day)
        first = self._timeline.rule_for(chain, scope, dt.date.min)
        applies_from = rule.applies_from if rule else view.applies_from
        return DatesView(
            provision=view,
            scope=scope,
            as_of=day,
            applies_from=applies_from,
            rule=rule,
            original=first.applies_from if first else view.applies_from,
            in_force=applies_from is not None and applies_from <= day,
        )

    def acts(self, framework_id: str) -> list[ActView]:
        """The law as first published and the acts that amended it, oldest first."""
        fw = self.framework(framework_id)
        return [a for a in self._timeline.acts.values() if a.framework == fw.id]

    def provisions_by_iri(self, iris: Sequence[str]) -> list[ProvisionView | None]:
        """Batch lookup for DataLoaders: one call for many objects, in the order asked."""
        by_iri = self._index.by_iri
        return [by_iri.get(iri) for iri in iris]

    def frameworks_by_id(self, ids: Sequence[str]) -> list[FrameworkView | None]:
        """Batch lookup for DataLoaders; unknown ids give None."""
        return [self._index.frameworks.get(framework_id) for framework_id in ids]

    def framework_of(self, iri: str) -> str | None:
        view = self._index.by_iri.get(iri)
        return view.framework if view else None

    def label(self, iri: str) -> str:
        view = self._index.by_iri.get(iri)
        return f"{view.framework} {view.ref}" if view else iri.rsplit("/", 1)[-1]

    def search(self, text: str, framework_id: str | None = None, limit: int = 50) -> list[ProvisionView]:
        """Provisions whose ref matches the text, then those whose title or summary contain every word.

        Ref matches rank first (exact, then prefix); word matches rank titles above summaries.
        """
        needle = text.strip()
        if len(needle) > SEARCH_TEXT_LIMIT:
            raise UsageError(f"search text is limited to {SEARCH_TEXT_LIMIT} characters, not {len(needle):,}")
        if not needle:
            return []
        index = self._index
        frameworks = [self.framework(framework_id).id] if framework_id else sorted(index.by_framework)
        key = ref_key(needle)
        words = needle.lower().split()
        scored: list[tuple[int, str, int, ProvisionView]] = []
        for fid in frameworks:
            deadlines.check()  # a request's timeout stops the work between frameworks
            for view in index.by_framework.get(fid, []):
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
        return [item[3] for item in scored[: min(limit, SEARCH_LIMIT)]]
