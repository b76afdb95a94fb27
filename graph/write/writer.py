"""The one writer of a store in a process: every API write commits here, with its audit entry, in one transaction.

Why one lock for the whole store rather than one per asset: a write reads what it changes and writes it back
(read-modify-write), and the store's revision counter moves by one per commit; two writers interleaving
either step would lose a change or a revision. Writes are a few milliseconds, so serialising them costs
little, and no request waits behind a read (reads never take this lock). Another process cannot write at
the same time at all: the embedded store admits one writing process (RocksDB's lock), and the Neo4j store
has transactions of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from core.errors import ReadOnlyStoreError
from core.records import GraphBatch, Node
from graph.read.read_model import ReadModel
from graph.stores.protocol import Store
from graph.views.write import Actor, AuditEntryView
from graph.write.audit import AuditLog, audit_node, entry_view


class Writer:
    def __init__(self, store: Store, read_model: ReadModel, audit: AuditLog) -> None:
        self._store = store
        self._read_model = read_model
        self._audit = audit
        self._lock = threading.RLock()
        self.read_only_reason = (
            "this server opened the store read-only (another process holds it for writing); "
            "send writes to the process that holds it"
        )

    @property
    def lock(self) -> threading.RLock:
        """The lock itself, for writers that check writability their own way (file loads)."""
        return self._lock

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's write lock: what is read inside stays true until the commit."""
        if not self._store.capabilities.writable:
            raise ReadOnlyStoreError(self.read_only_reason)
        with self._lock:
            yield

    def get(self, ids: Iterable[str]) -> dict[str, Node]:
        return self._store.get(ids)

    def nodes(self, label: str) -> list[Node]:
        return list(self._store.nodes(label))

    def referrers(self, ids: Iterable[str], link: str) -> dict[str, list[str]]:
        return self._store.referrers(ids, link)

    def commit(
        self,
        actor: Actor,
        *,
        operation: str,
        kind: str,
        target: str,
        before: Any,
        after: Any,
        nodes: Iterable[Node] = (),
        deletes: Iterable[str] = (),
        organisation: str | None = None,
    ) -> AuditEntryView:
        """Write the change and its audit entry in one transaction (call inside `locked()`).

        The read model then indexes the change from the batch (`ReadModel.after_write`): an organisation's
        records patch its index, and the framework indexes are rebuilt only if the change touched them.
        """
        revision = self._store.revision
        entry = audit_node(
            actor,
            sequence=revision + 1,
            operation=operation,
            kind=kind,
            target=target,
            before=before,
            after=after,
            organisation=organisation,
        )
        batch = GraphBatch(nodes=[*nodes, entry], deletes=list(deletes))
        with self._read_model.lock:  # a reader that sees the new revision waits to learn what changed
            self._store.write(batch)
            after_revision = self._store.revision
            self._read_model.after_write(batch, replace_all=False, revision=after_revision)
        self._audit.added(entry, revision, after_revision)
        return entry_view(entry)
