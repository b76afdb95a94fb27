"""The read model: the indexes the questions are answered from, built once per store revision.

Why snapshots: a CLI command or a GraphQL request asks many questions, and all of them should see the same
content. `ReadModel.snapshot()` reads the store's revision once (free in the embedded store, a round trip on
a remote one) and returns the indexes built at that revision; everything answered through that snapshot is
consistent, even if a write lands in the middle of the request.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.records import Node
from graph.catalog_index import CatalogIndex
from graph.mapping_index import MappingIndex
from graph.organisation_index import OrganisationIndex
from graph.organisation_patch import can_patch, patched
from graph.rules_index import RulesIndex
from graph.store import Store
from graph.timeline_index import TimelineIndex
from graph.views import DatesView, EvidenceView, ProvisionView
from mappings.model import Mapping


@dataclass(slots=True)
class Snapshot:
    """The graph's indexed content at one revision. Read-only by convention; `inferred` caches inference."""

    revision: int
    catalog: CatalogIndex
    mappings: MappingIndex
    timeline: TimelineIndex
    organisations: OrganisationIndex
    rules: RulesIndex
    inferred: dict[tuple[str, str, int], list[Mapping]] = field(default_factory=dict)
    taken_in: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)  # facts taken in through uses
    # Answers worked out once per snapshot, so an asset's hundreds of obligations cost lookups, not walks:
    dates: dict[tuple[str, str, dt.date], DatesView] = field(default_factory=dict)
    evidence: dict[str, dict[str, list[EvidenceView]]] = field(default_factory=dict)  # org → provision → items
    candidates: dict[tuple[str, str], list[tuple[EvidenceView, str | None]]] = field(default_factory=dict)
    rule_provisions: dict[str, list[ProvisionView]] = field(default_factory=dict)


class ReadModel:
    """Holds the newest snapshot and rebuilds it when the store's revision has moved."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._current: Snapshot | None = None
        self._lock = threading.RLock()
        # After writes that touched only organisations (API writes): the framework-side indexes still hold
        # at revision `_framework_valid_at`, so the next snapshot rebuilds the organisations alone.
        self._framework_side: Snapshot | None = None
        self._framework_valid_at = -1
        self._org_changes: list[tuple[Sequence[Node] | None, Sequence[str]]] = []  # since the framework side's snapshot

    def snapshot(self) -> Snapshot:
        revision = self._store.revision
        current = self._current
        if current is not None and current.revision == revision:
            return current
        with self._lock:
            current = self._current
            if current is None or current.revision != revision:
                side = self._framework_side
                if side is not None and self._framework_valid_at == revision:
                    current = Snapshot(
                        revision,
                        side.catalog,
                        side.mappings,
                        side.timeline,
                        self._organisations_after(side),
                        side.rules,
                        inferred=side.inferred,
                        dates=side.dates,
                        rule_provisions=side.rule_provisions,
                    )
                    self._current = current
                    self._framework_side, self._org_changes = current, []
                    return current
                catalog = CatalogIndex.build(self._store, revision)
                frameworks = {f.iri: f.id for f in catalog.frameworks.values()}
                current = Snapshot(
                    revision,
                    catalog,
                    MappingIndex.build(self._store, catalog),
                    TimelineIndex.build(self._store, frameworks),
                    OrganisationIndex.build(self._store),
                    RulesIndex.build(self._store, frameworks),
                )
                self._current = current
        return current

    @property
    def lock(self) -> threading.RLock:
        """Held by a writer from its commit until it has said what changed, so that no reader builds a
        snapshot of the new revision without knowing (which would rebuild every index)."""
        return self._lock

    def invalidate(self) -> None:
        self._current = None
        self._framework_side, self._org_changes = None, []

    def _organisations_after(self, side: Snapshot) -> OrganisationIndex:
        """The organisation index after the changes since `side`: patched when it can be, else rebuilt."""
        if not can_patch() or any(changed is None for changed, _ in self._org_changes):
            return OrganisationIndex.build(self._store)
        index = side.organisations
        for changed, deleted in self._org_changes:
            index = patched(index, self._store, changed or (), deleted)
        return index

    def organisations_changed(
        self, before: int, after: int, changed: Sequence[Node] | None = None, deleted: Sequence[str] = ()
    ) -> None:
        """A write from revision `before` to `after` changed organisation records only (assets, controls,
        evidence, and the audit trail and keys, which no index holds): keep the framework-side indexes.

        Why: rebuilding the catalog, crosswalk, timeline and rule indexes costs ~100 ms, and a GRC tool sends
        mutations in streams; the organisation index alone costs a few milliseconds for the demo.
        """
        with self._lock:
            current = self._current
            if current is not None and current.revision == before:
                self._framework_side, self._org_changes = current, []
            elif self._framework_side is None or self._framework_valid_at != before:
                self._framework_side, self._org_changes = None, []
            self._org_changes.append((changed, deleted))  # None: not known, the next snapshot rebuilds
            self._framework_valid_at = after
