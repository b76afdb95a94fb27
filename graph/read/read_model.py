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
from typing import Any, Protocol

from core.records import GraphBatch
from graph.read.catalog_index import CatalogIndex
from graph.read.mapping_index import MappingIndex
from graph.read.node_source import BatchSource, NodeSource, SortedById
from graph.read.organisation_index import OrganisationIndex
from graph.read.propagation import TakenIn
from graph.read.rules_index import RulesIndex
from graph.read.timeline_index import TimelineIndex
from graph.stores.protocol import Store
from graph.views.read import AssetObligations, DatesView, EvidenceView, GapView, ProvisionView
from mappings.model import Mapping

FRAMEWORK_LABELS = frozenset(
    {"Framework", "Provision", "MappingSet", "Mapping", "LegalAct", "DateRule", "ApplicabilityRule"}
)
"""What the catalog, mapping, timeline and rule indexes read: a write with none of these (an organisation's
records, an audit entry) leaves them as they are."""

UNREAD_LABELS = frozenset({"AuditEntry", "ApiKey", "Webhook"})
"""Records no index or worked-out answer is made from: a write of only these (a key made or revoked, a webhook
registered or its delivery progress, and every change's own audit entry) leaves every answer of the snapshot
before it standing."""

MEMO_BUDGET = 60_000
"""How many obligations a snapshot keeps worked out (`Snapshot.answered`), across every asset: an asset's answer
is a few hundred obligations of a few hundred bytes, so the demo's assets fit many times over, while `gaps` over
an organisation of 100,000 assets keeps only the first ones it meets instead of all of them (memory bounded)."""

AnswerKey = tuple[str, str, dt.date, frozenset[str]]  # (organisation, asset id, day, frameworks asked; none: all)


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
    # Whole answers, kept while the records they rest on stand: carried across a write that does not touch them
    answered: dict[AnswerKey, AssetObligations] = field(default_factory=dict)  # an asset's obligations
    gaps: dict[tuple[str, dt.date], list[GapView]] = field(default_factory=dict)  # (organisation, day) → gaps
    held: int = 0  # obligations held in `answered`, against MEMO_BUDGET (counted loosely: threads may race)
    framework_ids: frozenset[str] | None = None  # every IRI the framework indexes hold (see `_touches_frameworks`)
    # The answers of the snapshots this one was patched from by writes, and what each write dropped (`answer`):
    earlier: Earlier | None = None

    def remember(self, key: AnswerKey, answer: AssetObligations) -> None:
        """Keep an asset's obligations for the next question at this snapshot (and after writes that leave
        them standing), while the budget lasts."""
        size = len(answer.obligations) + 1
        if self.held + size <= MEMO_BUDGET:
            self.answered[key] = answer
            self.held += size

    def answer(self, key: AnswerKey) -> AssetObligations | None:
        """An asset's obligations worked out at this snapshot, or at one it was patched from by writes that
        left them standing.

        Why look back: `carry` copies the answers a write leaves standing when the write lands, but under a
        mixed load a `gaps` that works out every asset takes longer than the gap between two writes, so what it
        worked out landed in a snapshot already replaced, and the next `gaps` started again from nothing
        (~40 assets' obligations per `gaps` with a write every 150 ms: the p95 tripled). Looked up here, an
        answer worked out at an older snapshot is used as long as no write since has dropped it."""
        found = self.answered.get(key)
        if found is not None:
            return found
        link = self.earlier
        while link is not None and link.dropped.keeps_answer(key):
            found = link.answered.get(key)
            if found is not None:
                self.remember(key, found)
                return found
            link = link.earlier
        return None

    def kept_gaps(self, key: tuple[str, dt.date]) -> list[GapView] | None:
        """An organisation's gaps worked out at this snapshot or at one it was patched from by writes that left
        them standing (`answer`)."""
        found = self.gaps.get(key)
        if found is not None:
            return found
        link = self.earlier
        while link is not None and link.dropped.keeps_gaps(key[0]):
            found = link.gaps.get(key)
            if found is not None:
                return self.gaps.setdefault(key, found)
            link = link.earlier
        return None


@dataclass(frozen=True, slots=True)
class Dropped:
    """What one write dropped of the answers of the snapshot before it (`carry`'s rules), so that a snapshot
    can still take the rest from that one (`Snapshot.answer`)."""

    organisations: frozenset[str]  # every answer of these organisations
    assets: frozenset[tuple[str, str]]  # these assets' obligations: changed, or using a changed one
    gaps_of: frozenset[str]  # these organisations' gaps

    def keeps_answer(self, key: AnswerKey) -> bool:
        return key[0] not in self.organisations and (key[0], key[1]) not in self.assets

    def keeps_gaps(self, org: str) -> bool:
        return org not in self.gaps_of


@dataclass(slots=True)
class Earlier:
    """The worked-out answers of a snapshot a write replaced (the very dicts it keeps filling while requests
    that started on it finish), what that write dropped, and the link before it. Only the answers are held,
    not the snapshot: its indexes (a copy of the organisation index per write) are freed as before."""

    answered: dict[AnswerKey, AssetObligations]
    gaps: dict[tuple[str, dt.date], list[GapView]]
    dropped: Dropped
    earlier: Earlier | None


ANCESTORS = 3
"""How many snapshots back `Snapshot.answer` looks: enough for a `gaps` that spans a few writes, while the
answers held on to stay few (most of them the same objects, carried from one snapshot to the next)."""


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
        self.carry_answers = True
        """Carry the worked-out answers a write leaves standing into the next snapshot (`carry`); False drops
        every organisation's answers on every write, as before (kept for the benchmark's baseline and tests)."""

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
        if self._touches_frameworks(before, batch):
            return self._framework_part(SortedById(self._store), revision, organisations)
        carried, dropped = carry(before, organisations, batch) if self.carry_answers else ({}, None)
        fresh = Snapshot(
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
            framework_ids=before.framework_ids,
            earlier=None if dropped is None else Earlier(before.answered, before.gaps, dropped, before.earlier),
            **carried,
        )
        _forget_beyond(fresh.earlier, ANCESTORS)
        return fresh

    @staticmethod
    def _touches_frameworks(before: Snapshot, batch: GraphBatch) -> bool:
        """Whether the batch writes or deletes anything the framework indexes were built from."""
        known = before.framework_ids
        if known is None:  # worked out once per framework content, then carried from snapshot to snapshot
            ids = set(before.catalog.by_iri) | {f.iri for f in before.catalog.frameworks.values()}
            ids |= {m.id for m in before.mappings.mappings} | {s.iri for s in before.mappings.sets.values()}
            ids |= {iri for node_ids in before.timeline.node_ids.values() for iri in node_ids}
            ids |= {rule.iri for rules in before.rules.by_framework.values() for rule in rules}
            known = before.framework_ids = frozenset(ids)
        return any(FRAMEWORK_LABELS.intersection(n.labels) or n.id in known for n in batch.nodes) or any(
            iri in known for iri in batch.deletes
        )

    @property
    def lock(self) -> threading.RLock:
        """Held by a writer from its commit until `after_write`, so that no reader builds a snapshot of the
        new revision from the store in between (which would rebuild every index)."""
        return self._lock

    def close(self) -> None:
        if self._keeper is not None:
            self._keeper.flush()


def _forget_beyond(link: Earlier | None, depth: int) -> None:
    """Cut the chain of earlier answers after `depth` links, so a stream of writes does not keep every answer
    worked out since the server started."""
    for _ in range(depth - 1):
        if link is None:
            return
        link = link.earlier
    if link is not None:
        link.earlier = None


def carry(
    before: Snapshot, organisations: OrganisationIndex, batch: GraphBatch
) -> tuple[dict[str, Any], Dropped | None]:
    """The organisations' worked-out answers of `before` that still hold once `batch` is written, as fields of
    the next snapshot (whose organisation index is `organisations`), and what the write dropped (None: all).

    Why: under a mixed load every write made a new snapshot with none of them, so the next `gaps` worked out
    every asset's obligations again (each ~5–20 ms) and the next question about an asset walked its rules
    again, though a write changes one asset. What a record change leaves standing:
    - a key or an audit entry (`UNREAD_LABELS`): everything;
    - an asset: every answer except that asset's and those of the assets that use it, directly or through
      others (they take its facts in), and its organisation's gaps;
    - an organisation's own record, a control decision or an evidence item: every answer of other
      organisations (evidence also drops its organisation's evidence lookups);
    - anything else (a record this function does not know): nothing of any organisation, as before.
    The framework-only memos (`inferred`, `dates`, `rule_provisions`) are the caller's: they go with the
    framework indexes."""
    records = (before.organisations.records, organisations.records)
    whole: set[str] = set()  # organisations whose every answer goes
    with_evidence: set[str] = set()  # … whose evidence lookups go too
    changed: set[tuple[str, str]] = set()  # assets changed or removed
    for iri, labels in [*((n.id, n.labels) for n in batch.nodes), *((iri, ()) for iri in batch.deletes)]:
        if labels and UNREAD_LABELS.issuperset(labels):
            continue
        found = [r[iri] for r in records if iri in r]
        if not found:  # not an organisation's record, not the frameworks' (checked before): unknown
            return {}, None
        for what, org, key in found:
            if what == "asset":
                changed.add((org, key))
            else:
                whole.add(org)
                if what == "evidence":
                    with_evidence.add(org)
    affected = _users(changed, organisations)
    gone_orgs = whole | {org for org, _ in affected}
    answered = [(k, v) for k, v in list(before.answered.items()) if k[0] not in whole and (k[0], k[1]) not in affected]
    carried = {
        "taken_in": {k: v for k, v in list(before.taken_in.items()) if k not in affected},
        "evidence": {k: v for k, v in list(before.evidence.items()) if k not in with_evidence},
        "candidates": {k: v for k, v in list(before.candidates.items()) if k[0] not in with_evidence},
        "answered": dict(answered),
        "gaps": {k: v for k, v in list(before.gaps.items()) if k[0] not in gone_orgs},
        "held": sum(len(v.obligations) + 1 for _, v in answered),
    }
    return carried, Dropped(frozenset(whole), frozenset(affected), frozenset(gone_orgs))


def _users(changed: set[tuple[str, str]], organisations: OrganisationIndex) -> set[tuple[str, str]]:
    """`changed` and every asset that uses one of them, directly or through others (after the write: an asset
    whose own `uses` changed is in `changed` already, so the index after the write names every user)."""
    if not changed:
        return set()
    orgs = {org for org, _ in changed}
    users: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for (org, asset_id), asset in organisations.assets.items():
        if org in orgs:
            for used in asset.uses:
                users.setdefault((org, used), []).append((org, asset_id))
    found = set(changed)
    stack = list(changed)
    while stack:
        for user in users.get(stack.pop(), ()):
            if user not in found:
                found.add(user)
                stack.append(user)
    return found
