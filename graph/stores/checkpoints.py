"""Consistent checkpoints of the embedded store, which readers in other processes open instead of the live one.

Why: RocksDB documents opening a database read-only while another process writes it as undefined, and it
was: 7 of 83 such opens failed during a write (one read an inconsistent state), and workers answered HTTP 500
("MANIFEST may be corrupted"). A RocksDB checkpoint (`pyoxigraph.Store.backup`) is a consistent point-in-time
copy (its table files hard-linked, so it costs a memtable flush and a few links) that nobody writes again:
opening it read-only is well defined.

The writer publishes one after its commits, at most once per sync interval (with the flush that interval
already paid for), when a CLI change through the write channel is acknowledged, on open when the newest is
behind, and on close. `LATEST` names the newest complete checkpoint; a checkpoint is made under a hidden name
and renamed whole, so a reader never sees a partial one. A reader holds a shared `flock` on the checkpoint's
`LEASE` file while it uses it; the writer removes an old checkpoint only after taking that lock exclusively,
and renames it away first, so a reader that raced it notices and takes the newest instead.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from pathlib import Path
from typing import Protocol

from core.errors import StoreBusyError

FOLDER = "checkpoints"
_LATEST = "LATEST"
_LEASE = "LEASE"
_PARTIAL = ".partial-"
_TRASH = ".trash-"


class Backupable(Protocol):
    def backup(self, target_directory: str) -> None: ...


def folder(store: Path) -> Path:
    return store / FOLDER


def latest(store: Path) -> str | None:
    """The newest complete checkpoint's name, or None when the store has none yet."""
    try:
        name = (folder(store) / _LATEST).read_text().strip()
    except FileNotFoundError:
        return None
    return name or None


def revision_of(name: str) -> int:
    """The revision a checkpoint was made at (it may hold later commits made while it was taken)."""
    return int(name.split("-", 1)[0])


def publish(store: Path, live: Backupable, revision: int) -> str:
    """Checkpoint the live store (at `revision` or later), make it the newest, and remove the old ones no reader
    holds. Only the writer calls this, one call at a time."""
    root = folder(store)
    root.mkdir(exist_ok=True)
    name = f"{revision:012d}-{uuid.uuid4().hex[:8]}"
    partial = root / f"{_PARTIAL}{name}"
    live.backup(str(partial))
    (partial / _LEASE).touch()
    partial.rename(root / name)
    pointer = root / f"{_PARTIAL}{_LATEST}"
    pointer.write_text(name + "\n")
    pointer.replace(root / _LATEST)
    prune(store, keep=name)
    return name


def prune(store: Path, *, keep: str | None) -> None:
    """Remove every checkpoint but `keep` that no reader holds, and any leftover of a killed publish."""
    root = folder(store)
    if not root.is_dir():
        return
    for entry in root.iterdir():
        if entry.name in (keep, _LATEST) or not entry.is_dir():
            continue
        if entry.name.startswith((_PARTIAL, _TRASH)):  # a killed publish's or removal's: only the writer made it
            shutil.rmtree(entry, ignore_errors=True)
            continue
        try:
            handle = os.open(entry / _LEASE, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a reader holds it
            os.close(handle)
            continue
        trash = root / f"{_TRASH}{entry.name}"
        entry.rename(trash)  # under the exclusive lock: a reader that locks it next finds the name gone
        os.close(handle)
        shutil.rmtree(trash, ignore_errors=True)


class Lease:
    """A reader's hold on one checkpoint: while held, the writer leaves it in place."""

    def __init__(self, path: Path, handle: int) -> None:
        self.path = path
        self._handle: int | None = handle

    @property
    def name(self) -> str:
        return self.path.name

    def release(self) -> None:
        if self._handle is not None:
            os.close(self._handle)  # closing drops the flock
            self._handle = None


def _take(path: Path) -> Lease | None:
    try:
        handle = os.open(path / _LEASE, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        still_there = os.path.samestat(os.fstat(handle), (path / _LEASE).stat())
    except (BlockingIOError, FileNotFoundError):
        still_there = False
    if not still_there:  # being removed, or removed since the name was read
        os.close(handle)
        return None
    return Lease(path, handle)


def lease_newest(store: Path) -> Lease | None:
    """A hold on the newest checkpoint, or None when the store has none yet."""
    for _ in range(100):  # each miss means the writer published a newer one meanwhile
        name = latest(store)
        if name is None:
            return None
        lease = _take(folder(store) / name)
        if lease is not None:
            return lease
    raise StoreBusyError(f"the store at {store} changes too fast to open a checkpoint of it; try again")
