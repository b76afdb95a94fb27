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

Why readers need not wait for the interval: the writer notes each commit's revision in `COMMITTED` (a small
file replaced whole, no sync) before the commit is acknowledged, and listens on `PUBLISH.sock` (0600, this
user's peers only). A reader that finds `COMMITTED` ahead of the newest checkpoint asks the writer through
that socket, and the writer publishes and answers: so a write acknowledged to anyone is in the checkpoint the
next reader opens or follows, while a stream of writes nobody reads still shares one flush per interval.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import socket
import struct
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from core.errors import StoreBusyError

FOLDER = "checkpoints"
_LATEST = "LATEST"
_LEASE = "LEASE"
_PARTIAL = ".partial-"
_TRASH = ".trash-"
_COMMITTED = "COMMITTED"
_PUBLISH = "PUBLISH.sock"
_MAX_SOCKET_PATH = 100  # sun_path holds 108 bytes with its terminating zero; keep a margin
ASK_TIMEOUT = 60.0  # seconds a reader waits for the writer's checkpoint: a safety net, far above a flush

log = logging.getLogger("aimsgraph.store")


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


# -- readers asking the writer for the commits they have not got -------------------------------------------
def mark_committed(store: Path, revision: int) -> None:
    """Note that `revision` is committed (the writer, after each commit and before it is acknowledged)."""
    root = folder(store)
    root.mkdir(exist_ok=True)
    partial = root / f"{_PARTIAL}{_COMMITTED}"
    partial.write_text(f"{revision}\n")
    partial.replace(root / _COMMITTED)


def committed(store: Path) -> int | None:
    """The newest revision the writer noted as committed, or None when it noted none."""
    try:
        return int((folder(store) / _COMMITTED).read_text().strip() or "-1")
    except (FileNotFoundError, ValueError):
        return None


def catch_up(store: Path) -> str | None:
    """The newest checkpoint's name, after asking a live writer to publish the commits it lacks."""
    name = latest(store)
    noted = committed(store)
    if noted is None or (name is not None and revision_of(name) >= noted):
        return name
    if ask_for_publish(store):
        return latest(store)
    return name  # no writer answered (none runs, or it was killed): the newest checkpoint there is


@contextlib.contextmanager
def _short(path: Path) -> Iterator[str]:
    """`path` short enough for a Unix socket address (through the directory's descriptor, on Linux)."""
    if len(os.fsencode(path)) <= _MAX_SOCKET_PATH:
        yield str(path)
        return
    handle = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        yield f"/proc/self/fd/{handle}/{path.name}"
    finally:
        os.close(handle)


def ask_for_publish(store: Path, timeout: float = ASK_TIMEOUT) -> bool:
    """Ask the writer to publish its commits and wait for its answer; False when no writer listens."""
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(timeout)
    try:
        with _short(folder(store) / _PUBLISH) as address:
            client.connect(address)
        return client.recv(16).startswith(b"ok")
    except (ConnectionRefusedError, FileNotFoundError, TimeoutError):
        return False
    except OSError:
        log.warning("asking the writer of %s for a checkpoint failed", store, exc_info=True)
        return False
    finally:
        client.close()


class PublishOnRequest:
    """The writer's side: a thread that publishes a checkpoint whenever a reader asks (see the module)."""

    def __init__(self, store: Path, publish: Callable[[], None]) -> None:
        self._store = store
        self._publish = publish
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._closing = threading.Event()

    def start(self) -> None:
        path = folder(self._store) / _PUBLISH
        path.parent.mkdir(exist_ok=True)
        path.unlink(missing_ok=True)  # the caller holds the write lock: a socket there is a dead writer's
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with _short(path) as address:
                listener.bind(address)
            path.chmod(0o600)
            listener.listen(64)
        except OSError:
            listener.close()
            path.unlink(missing_ok=True)
            raise
        self._listener = listener
        self._thread = threading.Thread(target=self._serve, name="aimsgraph-checkpoints", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        assert self._listener is not None
        while not self._closing.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return  # closed
            with connection:
                try:
                    raw = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
                    if struct.unpack("3i", raw)[1] != os.getuid():
                        continue  # another user's process: no answer, and nothing done
                    self._publish()
                    connection.sendall(b"ok\n")
                except OSError:  # the reader went away, or the disk failed: it reads the checkpoint there is
                    log.warning("publishing a checkpoint a reader asked for failed", exc_info=True)

    def close(self) -> None:
        self._closing.set()
        if self._listener is not None:
            (folder(self._store) / _PUBLISH).unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
            self._listener.close()
        if self._thread is not None:
            self._thread.join(timeout=30)
