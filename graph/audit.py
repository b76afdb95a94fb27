"""The audit trail: one `AuditEntry` node per change, written in the same transaction as the change itself.

Why nodes in the graph rather than a log file: the trail must be exactly as durable as what it describes (a
change and its entry commit together, or neither does), it is exported with the graph, and every server over
one database sees the same trail. An entry names what it describes by id, never by a link, so that it
outlives a deleted asset and never blocks a removal.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from collections.abc import Mapping
from typing import Any

from core.records import Node, Value
from graph.store import Store
from graph.write_views import Actor, AuditEntryView
from ontology.namespaces import AGID


def audit_iri(entry_id: str) -> str:
    return f"{AGID}audit/{entry_id}"


def as_json(value: Any) -> str:
    """A before/after value as compact JSON with sorted keys; dates as ISO text."""
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))


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
    now: dt.datetime | None = None,
) -> Node:
    """The entry for one change; `sequence` is the store revision the change commits as."""
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
        before=_text(node.props, "before") or "null",
        after=_text(node.props, "after") or "null",
        request_id=_text(node.props, "request_id"),
    )


class AuditLog:
    """The read side of the trail, newest first, read once per store revision.

    The writer in this process adds its own entries as it commits them (`added`), so a server that takes a
    stream of mutations does not re-read the whole trail after each one.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._revision = -1
        self._entries: list[AuditEntryView] = []

    def added(self, node: Node, revision_before: int, revision_after: int) -> None:
        """Take in an entry this process just committed, if the cache was current before it."""
        with self._lock:
            if self._revision == revision_before:
                self._entries.insert(0, entry_view(node))
                self._revision = revision_after

    def entries(self, revision: int) -> list[AuditEntryView]:
        """The trail as of `revision`: a request that started before the newest commits does not see them,
        and does not make the cache re-read the trail either (an entry's sequence is its commit's revision)."""
        with self._lock:
            if self._revision < revision:
                views = [entry_view(node) for node in self._store.nodes("AuditEntry")]
                views.sort(key=lambda e: (e.sequence, e.recorded_at, e.id), reverse=True)
                self._entries, self._revision = views, revision
            entries, newest = self._entries, self._revision
        return entries if newest == revision else [e for e in entries if e.sequence <= revision]

    def query(
        self,
        revision: int,
        *,
        organisation: str | None = None,
        target: str | None = None,
        kind: str | None = None,
    ) -> list[AuditEntryView]:
        """Entries newest first, for one organisation, one target id and one kind of thing where asked."""
        return [
            e
            for e in self.entries(revision)
            if (organisation is None or e.organisation == organisation)
            and (target is None or e.target == target)
            and (kind is None or e.kind == kind)
        ]
