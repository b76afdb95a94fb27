"""The read model: the indexes the questions are answered from, built once per store revision.

Why snapshots: a CLI command or a GraphQL request asks many questions, and all of them should see the same
content. `ReadModel.snapshot()` reads the store's revision once (free in the embedded store, a round trip on
a remote one) and returns the indexes built at that revision; everything answered through that snapshot is
consistent, even if a write lands in the middle of the request.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Protocol

from core.records import GraphBatch
from graph.read.catalog_index import CatalogIndex
from graph.read.mapping_index import MappingIndex
from graph.read.node_source import BatchSource, NodeSource, SortedById
from graph.read.organisation_index import OrganisationIndex
from graph.read.propagation import TakenIn
from graph.read.rules_index import RulesIndex
from graph.read.timeline_index import TimelineIndex
from graph.stores.protocol import Store
from graph.views.read import DatesView, EvidenceView, ProvisionView
from mappings.model import Mapping

FRAMEWORK_LABELS = frozenset(
    {"Framework", "Provision", "MappingSet", "Mapping", "LegalAct", "DateRule", "ApplicabilityRule"}
)
"""What the catalog, mapping, timeline and rule indexes read: a write with none of these (an organisation's
records, an audit entry) leaves them as they are."""


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
    taken_in: dict[tuple[str, str], TakenIn] = field(default_factory=dict)  # facts taken in through uses
    # Answers worked out once per snapshot, so an asset's hundreds of obligations cost lookups, not walks:
    dates: dict[tuple[str, str, dt.date], DatesView] = field(default_factory=dict)
    evidence: dict[str, dict[str, list[EvidenceView]]] = field(default_factory=dict)  # org → provision → items
    candidates: dict[tuple[str, str], list[tuple[EvidenceView, str | None]]] = field(default_factory=dict)
    rule_provisions: dict[str, list[ProvisionView]] = field(default_factory=dict)


_REBUILDS = 3


class SnapshotKeeper(Protocol):
    """Somewhere built snapshots outlive the process (`graph.read.snapshot_cache`)."""

    def load(self, revision: int) -> Snapshot | None: ...

    def save(self, snapshot: Snapshot) -> None: ...

    def flush(self) -> None:
        """Wait for saves still under way (before the process ends)."""
        ...


class ReadModel:
    """Holds the newest snapshot and rebuilds it when the store's revision has moved.

    With a keeper, a snapshot built once is saved and later processes load it instead of rebuilding.
    """

    def __init__(self, store: Store, keeper: SnapshotKeeper | None = None) -> None:
        self._store = store
        self._keeper = keeper
        self._current: Snapshot | None = None
        self._lock = threading.RLock()
        self._writing = 0  # commits of this process under way (`writing`)
        self._counting = threading.Lock()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Around a commit of this process and its `after_write`: meanwhile readers keep the snapshot they
        would have had before it, instead of waiting for the commit or rebuilding from a store it is changing.

        Why that is right: the commit is not acknowledged to anyone until it is indexed, so no reader can
        have been told of it; and reads never wait for a write."""
        with self._counting:
            self._writing += 1
        try:
            yield
        finally:
            with self._counting:
                self._writing -= 1

    def snapshot(self) -> Snapshot:
        current = self._current
        if current is not None and self._writing:
            return current  # a commit of ours is under way: the snapshot before it, without waiting
        revision = self._store.revision
        if current is not None and current.revision == revision:
            return current
        with self._lock:
            current = self._current
            if current is None or current.revision != revision:
                current = self._keeper.load(revision) if self._keeper is not None else None
                if current is None:
                    current = self._build(revision)
                    if self._keeper is not None:
                        self._keeper.save(current)
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
            source = SortedById(self._store)
            snapshot = self._framework_part(source, revision, OrganisationIndex.build(source))
            after = self._store.revision
            if after == revision:
                break
            revision = after
        return snapshot

    @staticmethod
    def _framework_part(source: NodeSource, revision: int, organisations: OrganisationIndex) -> Snapshot:
        """The catalog, mapping, timeline and rule indexes from `source` (a few thousand nodes), around the
        organisation index given."""
        catalog = CatalogIndex.build(source, revision)
        frameworks = {f.iri: f.id for f in catalog.frameworks.values()}
        return Snapshot(
            revision,
            catalog,
            MappingIndex.build(source, catalog),
            TimelineIndex.build(source, frameworks),
            organisations,
            RulesIndex.build(source, frameworks),
        )

    def after_write(self, batch: GraphBatch, *, replace_all: bool, revision: int) -> None:
        """The writer's own write committed at `revision`: make its snapshot from what it wrote.

        Why: reading back what was just written is the slow part of a large write (100,000 assets: ~25 s
        from disk). A replacing write is indexed straight from the batch; an upsert patches the organisation
        index of the snapshot before it and rebuilds only the small framework indexes, and only if the batch
        touched them. When the revision moved by more than this write (another writer on a shared
        database), or a patch cannot be sure of its result, the next read builds afresh as before.
        """
        with self._lock:
            before = self._current
            if replace_all:
                source = SortedById(BatchSource.of(batch))
                fresh: Snapshot | None = self._framework_part(source, revision, OrganisationIndex.build(source))
            elif before is not None and revision == before.revision + 1:
                fresh = self._patched(before, batch, revision)
            else:
                fresh = None
            self._current = fresh
            if fresh is not None and self._keeper is not None:
                self._keeper.save(fresh)

    def _patched(self, before: Snapshot, batch: GraphBatch, revision: int) -> Snapshot | None:
        organisations = before.organisations.patched(batch.nodes, batch.deletes)
        if organisations is None:
            return None
        framework_ids = set(before.catalog.by_iri) | {f.iri for f in before.catalog.frameworks.values()}
        framework_ids |= {m.id for m in before.mappings.mappings} | {s.iri for s in before.mappings.sets.values()}
        framework_ids |= {iri for ids in before.timeline.node_ids.values() for iri in ids}
        framework_ids |= {rule.iri for rules in before.rules.by_framework.values() for rule in rules}
        touches_frameworks = any(
            FRAMEWORK_LABELS.intersection(n.labels) or n.id in framework_ids for n in batch.nodes
        ) or any(iri in framework_ids for iri in batch.deletes)
        if touches_frameworks:
            return self._framework_part(SortedById(self._store), revision, organisations)
        return Snapshot(
            revision,
            replace(before.catalog, revision=revision),
            replace(before.mappings, revision=revision),
            before.timeline,
            organisations,
            before.rules,
            # what was worked out from the framework content alone still holds; the rest is the organisations'
            inferred=before.inferred,
            dates=before.dates,
            rule_provisions=before.rule_provisions,
        )

    @property
    def lock(self) -> threading.RLock:
        """Held by a writer from its commit until `after_write`, so that no reader builds a snapshot of the
        new revision from the store in between (which would rebuild every index)."""
        return self._lock

    def close(self) -> None:
        if self._keeper is not None:
            self._keeper.flush()
