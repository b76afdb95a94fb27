"""The audit trail: one `AuditEntry` node per change, written in the same transaction as the change itself.

Why nodes in the graph rather than a log file: the trail must be exactly as durable as what it describes (a
change and its entry commit together, or neither does), it is exported with the graph, and every server over
one database sees the same trail. An entry names what it describes by id, never by a link, so that it
outlives a deleted asset and never blocks a removal.

The trail is a log: an entry's `sequence` is the store revision its commit made (the unit of work's
conditional commit guarantees no two commits make the same one), entries are only ever added, and the index
in memory takes each entry once however it learns of it — its own commit, a re-read at server start, or a
re-read after another replica's write. An asset's trail holds what bears on that asset: its own changes,
evidence scoped to it (or organisation-wide), and its organisation's control decisions.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
import sys
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

from core.naming import camel_keys
from core.records import Node, Value
from graph.stores.protocol import Store
from graph.views.write import Actor, AuditEntryView
from ontology.namespaces import AGID


def audit_iri(entry_id: str) -> str:
    return f"{AGID}audit/{entry_id}"


def as_json(value: Any) -> str:
    """A before/after value as compact JSON with sorted keys; dates as ISO text. Its keys are camelCase, the
    GraphQL names (`annexIii`, `reviewStatus`; docs/naming.md), whatever form the writer handed over."""
    return json.dumps(camel_keys(value), sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))


def details(text: str | None) -> str:
    """A stored before/after value as the trail shows it: an entry written before the naming convention kept
    the inventory's snake_case keys (`annex_iii`), read now under the camelCase ones it would be written with.
    Entries are never rewritten (the trail is a log); the names change on the way out."""
    if not text:
        return "null"
    if not _SNAKE_KEY.search(text):  # nearly every entry: nothing to rename, nothing to parse
        return text
    return as_json(json.loads(text))


_SNAKE_KEY = re.compile(r'"[^"\\]*_[^"\\]*":')  # a JSON string holding an underscore, followed by a colon


def audit_node(
    actor: Actor,
    *,
    sequence: int,
    operation: str,
    kind: str,
    target: str,
    before: Any,
    after: Any,
    organisation: str | None = None,
    assets: Iterable[str] = (),
    now: dt.datetime | None = None,
) -> Node:
    """The entry for one change; `sequence` is the store revision the change commits as, `assets` the assets
    it bears on besides `target` (an evidence item's scope)."""
    entry_id = uuid.uuid4().hex
    props: dict[str, Value] = {
        "identifier": entry_id,
        "recorded_at": now or dt.datetime.now(dt.UTC),
        "sequence": sequence,
        "actor": actor.label,
        "operation": operation,
        "audited_kind": kind,
        "audited_id": target,
        "before": as_json(before),
        "after": as_json(after),
    }
    if actor.key_id:
        props["actor_key"] = actor.key_id
    if actor.request_id:
        props["request_id"] = actor.request_id
    if organisation:
        props["audited_organisation"] = organisation
    scope = tuple(sorted(set(assets)))
    if scope:
        props["audited_assets"] = scope
    return Node(id=audit_iri(entry_id), labels=("AuditEntry",), props=props)


def _text(props: Mapping[str, Value], name: str) -> str | None:
    value = props.get(name)
    return value if isinstance(value, str) else None


def entry_view(node: Node) -> AuditEntryView:
    recorded = node.prop("recorded_at")
    sequence = node.prop("sequence")
    return AuditEntryView(
        id=_text(node.props, "identifier") or node.id,
        sequence=sequence if isinstance(sequence, int) else 0,
        recorded_at=recorded if isinstance(recorded, dt.datetime) else dt.datetime.min.replace(tzinfo=dt.UTC),
        actor=_text(node.props, "actor") or "anonymous",
        actor_key=_text(node.props, "actor_key"),
        operation=_text(node.props, "operation") or "",
        organisation=_text(node.props, "audited_organisation"),
        kind=_text(node.props, "audited_kind") or "",
        target=_text(node.props, "audited_id") or "",
        before=details(_text(node.props, "before")),
        after=details(_text(node.props, "after")),
        request_id=_text(node.props, "request_id"),
    )


@dataclass(frozen=True, slots=True)
class AuditKey:
    """What the trail keeps in memory of one entry: enough to order and filter it, not its values."""

    sequence: int
    iri: str
    organisation: str | None
    kind: str
    target: str
    assets: tuple[str, ...] = ()

    def bears_on(self, asset: str, organisations: set[str | None]) -> bool:
        """Whether the entry belongs in `asset`'s trail (the asset is in one of `organisations`): a change to
        the asset, evidence scoped to it or to the whole organisation, or a control decision of its
        organisation (a decision applies to every asset in scope), work on its obligations or the whole
        organisation's."""
        if self.kind == "asset":
            return self.target == asset
        if self.organisation not in organisations:
            return False
        if self.kind in ("evidence", "work"):  # scoped to the asset, or organisation-wide
            return asset in self.assets or not self.assets
        return self.kind == "control"


_INDEXED = ("sequence", "recorded_at", "audited_organisation", "audited_kind", "audited_id", "audited_assets")


def _key(node: Node) -> AuditKey:
    sequence = node.prop("sequence")
    organisation = _text(node.props, "audited_organisation")
    return AuditKey(
        sequence=sequence if isinstance(sequence, int) else 0,
        iri=node.id,
        organisation=sys.intern(organisation) if organisation else None,
        kind=sys.intern(_text(node.props, "audited_kind") or ""),
        target=sys.intern(_text(node.props, "audited_id") or ""),
        assets=tuple(sys.intern(a) for a in _texts(node.props, "audited_assets")),
    )


def _texts(props: Mapping[str, Value], name: str) -> tuple[str, ...]:
    value = props.get(name)
    if isinstance(value, str):
        return (value,)
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, tuple) else ()


class _Newest(Sequence[AuditKey]):
    """The first `count` keys of an oldest-first list, newest first, without copying them."""

    def __init__(self, keys: list[AuditKey], count: int) -> None:
        self._keys = keys
        self._count = count

    def __len__(self) -> int:
        return self._count

    @property
    def oldest_first(self) -> list[AuditKey]:
        """The keys oldest first; only the first `len(self)` of them belong to this view."""
        return self._keys

    @overload
    def __getitem__(self, index: int) -> AuditKey: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[AuditKey]: ...
    def __getitem__(self, index: int | slice) -> AuditKey | Sequence[AuditKey]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if not -self._count <= index < self._count:
            raise IndexError(index)
        return self._keys[self._count - 1 - (index % self._count)]


class AuditTrail(Sequence[AuditEntryView]):
    """Entries newest first; an entry's values are read from the store only when it is asked for, so a page
    of twenty costs twenty reads however long the trail grows."""

    def __init__(self, store: Store, keys: Sequence[AuditKey]) -> None:
        self._store = store
        self._keys = keys

    def __len__(self) -> int:
        return len(self._keys)

    @overload
    def __getitem__(self, index: int) -> AuditEntryView: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[AuditEntryView]: ...
    def __getitem__(self, index: int | slice) -> AuditEntryView | Sequence[AuditEntryView]:
        if isinstance(index, slice):
            return self._read(self._keys[index])
        return self._read([self._keys[index]])[0]

    def _read(self, keys: Sequence[AuditKey]) -> list[AuditEntryView]:
        found = self._store.get([key.iri for key in keys])
        missing = [key.iri for key in keys if key.iri not in found]
        if missing:  # entries are never removed: a missing one means the store changed under the trail
            raise LookupError(f"audit entries no longer in the store: {', '.join(missing[:3])}")
        return [entry_view(found[key.iri]) for key in keys]


class AuditLog:
    """The read side of the trail, newest first, indexed once per store revision.

    Why only keys in memory: the trail grows by one entry per write for as long as the store lives, and each
    entry's before and after values are a kilobyte or more; a server holding them all grew by that much per
    write. It keeps ~200 bytes per entry to order and filter by, and reads a page's values from the store.
    The unit of work in this process adds its own entries as it commits them (`added`), so a server that
    takes a stream of mutations does not re-read the trail after each one.

    Idempotent: an entry is indexed once, by its id, whether it arrives through `added`, through a re-read,
    or through both (a re-read that raced this process's own commit already holds the entry `added` brings).
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._revision = -1
        self._keys: list[AuditKey] = []  # oldest first: by sequence, then time and id
        self._indexed: set[str] = set()  # the ids of the entries in `_keys`
        self.rereads = 0  # how many times the whole trail was read (the index's cost; see the tests)
        self._listeners: list[Callable[[int], None]] = []

    def listen(self, listener: Callable[[int], None]) -> None:
        """Call `listener(revision)` after this process commits a change and indexes its entry (followers of the
        trail wake on it instead of asking the store; changes of other processes they find by asking)."""
        with self._lock:
            self._listeners.append(listener)

    def added(self, node: Node, revision_before: int, revision_after: int) -> None:
        """Take in an entry this process just committed, if the index was current before it."""
        with self._lock:
            if self._revision >= revision_before and node.id not in self._indexed:
                key = _key(node)
                at = bisect.bisect_right(self._keys, key.sequence, key=lambda k: k.sequence)
                if at == len(self._keys):
                    self._keys.append(key)  # the usual case; trails handed out see only their first `count`
                else:  # out of order: a new list, so a trail already handed out is not shifted under its reader
                    self._keys = [*self._keys[:at], key, *self._keys[at:]]
                self._indexed.add(node.id)
            if self._revision == revision_before:
                self._revision = revision_after
            listeners = list(self._listeners)
        for listener in listeners:
            listener(revision_after)

    def oldest_first(self, revision: int, after: int = -1) -> Sequence[AuditKey]:
        """The keys of the entries committed after sequence `after`, up to `revision`, oldest first: what a
        follower of the trail (the changes feed, subscriptions, webhooks) reads next. Entries of one commit share
        a sequence and always come together."""
        newest = self._index(revision)
        keys, count = newest.oldest_first, len(newest)
        start = bisect.bisect_right(keys, after, hi=count, key=lambda k: k.sequence)
        return keys[start:count]

    def read(self, keys: Sequence[AuditKey]) -> list[AuditEntryView]:
        """The entries of `keys`, in that order, read from the store."""
        return list(AuditTrail(self._store, keys)[:])

    def _index(self, revision: int) -> _Newest:
        """The keys as of `revision`: a request that started before the newest commits does not see them,
        and does not make the index re-read the trail either (an entry's sequence is its commit's revision)."""
        with self._lock:
            if self._revision < revision:
                read = [
                    (_key(n), str(n.prop("recorded_at")), n.id)
                    for n in self._store.nodes_projected("AuditEntry", _INDEXED)
                ]
                read.sort(key=lambda r: (r[0].sequence, r[1], r[2]))
                self._keys = [key for key, _, _ in read]
                self._indexed = {iri for _, _, iri in read}
                # what was read may be newer than asked for (a commit landed meanwhile): it is indexed as such
                self._revision = max(revision, self._keys[-1].sequence if self._keys else revision)
                self.rereads += 1
            keys = self._keys
            count = bisect.bisect_right(keys, revision, key=lambda k: k.sequence)
        return _Newest(keys, count)

    def query(
        self,
        revision: int,
        *,
        organisation: str | None = None,
        target: str | None = None,
        kind: str | None = None,
        holders: Iterable[str] = (),
        after: int | None = None,
    ) -> AuditTrail:
        """Entries newest first, for one organisation, one target id and one kind of thing where asked.

        An asset's trail (`kind="asset"` with a `target`) holds everything that bears on the asset
        (`AuditKey.bears_on`), not only the changes to its own record; `holders` names the organisations
        that hold an asset of that id now (its trail's organisation, when none is asked for)."""
        newest: Sequence[AuditKey] = self._index(revision)
        if after is not None:  # newest first: the entries after `after` are the head of the list
            head = self.oldest_first(revision, after)
            newest = head[::-1]
        if organisation is None and target is None and kind is None:
            return AuditTrail(self._store, newest)
        if kind == "asset" and target is not None:
            organisations: set[str | None] = (
                {organisation}
                if organisation is not None
                else {*holders, *(k.organisation for k in newest if k.kind == "asset" and k.target == target)}
            )
            return AuditTrail(
                self._store,
                [
                    k
                    for k in newest
                    if (organisation is None or k.organisation == organisation) and k.bears_on(target, organisations)
                ],
            )
        return AuditTrail(
            self._store,
            [
                k
                for k in newest
                if (organisation is None or k.organisation == organisation)
                and (target is None or k.target == target)
                and (kind is None or k.kind == kind)
            ],
        )
