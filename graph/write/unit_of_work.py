"""The unit of work: every change to the store — a GraphQL mutation, a key made or revoked, a file load — is

    with start() as uow:
        ... read what the change depends on (uow.get, uow.nodes, uow.referrers) ...
        uow.record(actor, operation=..., kind=..., target=..., before=..., after=..., nodes=..., deletes=...)
        uow.commit(uow.revision)

and nothing else writes. `commit(expected_revision)` writes the change's records and its one audit entry in a
single conditional transaction (`Store.commit`): the store refuses it unless it is still at the revision the
change was read at, so a change prepared from stale reads is never written over a newer one (optimistic
concurrency, as cosmicpython's version number guards a product). The entry's `sequence` is the revision the
commit makes, `expected_revision + 1`, and the check that makes it so runs inside the same transaction as the
bump: two entries can never claim one sequence, whichever processes wrote them. Then the read model and the
audit index take in the batch, so this process's next read needs no rebuild.

What a caller can rely on:
- Leaving the block without `commit` (an exception, a refusal) writes nothing.
- A conflict raises `RevisionConflictError` (code CONFLICT, retryable) and writes nothing.
- A commit whose answer was lost (a Bolt connection dropped after the server committed, a driver retry that
  then conflicts with its own first attempt) is recognised by its audit entry's id, which is unique per
  change: the commit reports success rather than hide a write that happened or invite a duplicate.

Why a process-wide lock as well: threads of one server would otherwise read the same revision and all but
one would conflict; the lock queues them instead (a write is a few milliseconds). Reads never take it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from core.errors import ReadOnlyStoreError, RevisionConflictError, StoreUnavailableError
from core.records import GraphBatch, Node
from graph.read.read_model import ReadModel
from graph.stores.protocol import Store
from graph.views.write import Actor, AuditEntryView
from graph.write.audit import AuditLog, audit_node, entry_view

ConditionalWrite = Callable[[GraphBatch, int], int]
"""(batch, expected revision) → the revision made: a conditional write other than `Store.commit`."""

READ_ONLY_REASON = (
    "this server opened the store read-only (another process holds it for writing); "
    "send writes to the process that holds it"
)


@dataclass(slots=True)
class _Pending:
    nodes: list[Node] = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)
    entries: list[Node] = field(default_factory=list)
    replace: bool = False


class UnitOfWork:
    """One change, from the reads it is prepared from to its commit. Made by `UnitsOfWork.start()`."""

    def __init__(self, owner: UnitsOfWork) -> None:
        self._owner = owner
        self._store = owner.store
        self._pending = _Pending()
        self._committed: list[AuditEntryView] | None = None
        self.revision = -1  # the revision the change is read at: set on entering

    # -- the block -----------------------------------------------------------------------------------------
    def __enter__(self) -> UnitOfWork:
        if not self._store.capabilities.writable:
            raise ReadOnlyStoreError(self._owner.read_only_reason)
        self._owner.lock.acquire()
        try:
            self.revision = self._store.revision
        except BaseException:
            self._owner.lock.release()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._pending = _Pending()  # not committed: rolled back (nothing was written)
        self._owner.lock.release()

    # -- reads, at the revision the change is prepared from -----------------------------------------------
    def get(self, ids: Iterable[str]) -> dict[str, Node]:
        return self._store.get(ids)

    def nodes(self, label: str) -> list[Node]:
        return list(self._store.nodes(label))

    def referrers(self, ids: Iterable[str], link: str) -> dict[str, list[str]]:
        return self._store.referrers(ids, link)

    # -- the change ----------------------------------------------------------------------------------------
    def record(
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
        assets: Iterable[str] = (),
    ) -> None:
        """Add a change and its audit entry to this unit (written by `commit`). `assets` names the assets of
        `organisation` the change concerns besides `target` (an evidence item's scope), for their trails."""
        self._pending.nodes.extend(nodes)
        self._pending.deletes.extend(deletes)
        self._pending.entries.append(
            audit_node(
                actor,
                sequence=self.revision + 1,
                operation=operation,
                kind=kind,
                target=target,
                before=before,
                after=after,
                organisation=organisation,
                assets=assets,
            )
        )

    def replace_all(self) -> None:
        """The recorded nodes become the whole content (a replacing load)."""
        self._pending.replace = True

    def commit(self, expected_revision: int, *, write: ConditionalWrite | None = None) -> list[AuditEntryView]:
        """Write what was recorded, with its audit entries, if the store is still at `expected_revision`.

        `write` stands in for the store's `commit` where a change is written another way that keeps the same
        promise (the Neo4j sync: its records and derived edges in one conditional transaction); it takes the
        batch and the expected revision and returns the revision it made. Returns the entries as committed
        (their sequence is the revision the commit made)."""
        pending = self._pending
        if not pending.entries:
            raise ValueError("a unit of work commits a recorded change, with its audit entry")
        if any(entry.prop("sequence") != expected_revision + 1 for entry in pending.entries):
            raise RevisionConflictError(expected_revision, self.revision)  # recorded at another revision
        batch = GraphBatch(nodes=[*pending.nodes, *pending.entries], deletes=list(pending.deletes))
        read_model = self._owner.read_model
        with read_model.writing():  # readers keep the snapshot before this commit until it is indexed
            try:
                if write is None:
                    revision = self._store.commit(batch, expected_revision=expected_revision, replace=pending.replace)
                else:
                    revision = write(batch, expected_revision)
            except RevisionConflictError:
                if not self._landed(pending.entries):
                    raise
                revision = expected_revision + 1  # the commit happened; only its answer was lost
            except StoreUnavailableError as error:  # the server went away mid-commit: say whether it landed
                try:
                    landed = self._landed(pending.entries)
                except StoreUnavailableError:
                    ids = ", ".join(entry.id for entry in pending.entries)
                    raise StoreUnavailableError(
                        f"{error} — whether the change was committed is not known: look for audit entry {ids} "
                        "in the trail before retrying"
                    ) from None
                if not landed:
                    raise
                revision = expected_revision + 1
            read_model.after_write(batch, replace_all=pending.replace, revision=revision)
        for entry in pending.entries:
            self._owner.audit.added(entry, expected_revision, revision)
        self._pending = _Pending()
        self._committed = [entry_view(entry) for entry in pending.entries]
        return self._committed

    def _landed(self, entries: list[Node]) -> bool:
        """Whether these audit entries (unique ids) are in the store: the commit they belong to happened."""
        found = self._store.get([entry.id for entry in entries])
        return all(entry.id in found for entry in entries)

    @property
    def committed(self) -> list[AuditEntryView] | None:
        return self._committed


class UnitsOfWork:
    """What every unit of work of one store shares: the store, the read model, the audit index, the lock.

    Composed once, eagerly, by `graph.bootstrap` (through `Service`): one lock per store in the process,
    whichever request arrives first."""

    def __init__(self, store: Store, read_model: ReadModel, audit: AuditLog) -> None:
        self.store = store
        self.read_model = read_model
        self.audit = audit
        self.lock = threading.RLock()
        self.read_only_reason = READ_ONLY_REASON

    def start(self) -> UnitOfWork:
        return UnitOfWork(self)

    @property
    def writable(self) -> bool:
        return self.store.capabilities.writable
