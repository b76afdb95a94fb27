"""The read model: the indexes the questions are answered from, built once per store revision.

Why snapshots: a CLI command or a GraphQL request asks many questions, and all of them should see the same
content. `ReadModel.snapshot()` reads the store's revision once (free in the embedded store, a round trip on
a remote one) and returns the indexes built at that revision; everything answered through that snapshot is
consistent, even if a write lands in the middle of the request.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field

from graph.catalog_index import CatalogIndex
from graph.mapping_index import MappingIndex
from graph.organisation_index import OrganisationIndex
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


_REBUILDS = 3


class ReadModel:
    """Holds the newest snapshot and rebuilds it when the store's revision has moved."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._current: Snapshot | None = None
        self._lock = threading.Lock()

    def snapshot(self) -> Snapshot:
        revision = self._store.revision
        current = self._current
        if current is not None and current.revision == revision:
            return current
        with self._lock:
            current = self._current
            if current is None or current.revision != revision:
                current = self._build(revision)
                self._current = current
        return current

    def _build(self, revision: int) -> Snapshot:
        """The indexes at `revision`, built again if another process wrote while they were being read.

        Why: the indexes come from several reads; on a shared database (the Neo4j store) a write can land
        between them, and a snapshot would mix two revisions. The revision is read again after the build
        (free on the embedded store, one indexed read on Neo4j); a few rebuilds at most, so a busy writer
        cannot starve a reader — the next request then builds again.
        """
        for _ in range(_REBUILDS):
            snapshot = self._indexes(revision)
            after = self._store.revision
            if after == revision:
                break
            revision = after
        return snapshot

    def _indexes(self, revision: int) -> Snapshot:
        catalog = CatalogIndex.build(self._store, revision)
        frameworks = {f.iri: f.id for f in catalog.frameworks.values()}
        return Snapshot(
            revision,
            catalog,
            MappingIndex.build(self._store, catalog),
            TimelineIndex.build(self._store, frameworks),
            OrganisationIndex.build(self._store),
            RulesIndex.build(self._store, frameworks),
        )

    def invalidate(self) -> None:
        self._current = None
