"""Snapshots kept on disk beside the embedded store, so a new process does not rebuild the indexes.

Why: every CLI command is a new process, and building the read model from the store costs ~0.3 s on the
bundled data and far more on a large organisation, while unpickling the same indexes costs a few
milliseconds per thousand records. A snapshot is saved once per content and reused by every later process
until the store changes.

Why it is safe:
- The key is the store's content key (its current generation and revision, both committed atomically with
  the content) plus a digest of everything else that shapes a snapshot: the code of every package of the
  product (the vocabulary in `ontology/` decides how records read back, the loaders' models what they hold),
  the versions of the libraries whose objects or behaviour end up in it, the Python version, and a format
  constant raised by hand when the file layout changes. A snapshot is never read against other content or
  by other code.
- Files are written to a temporary name and renamed into place, so a reader sees a whole file or none; a
  file that cannot be read for any reason is ignored and rebuilt.
- The files live inside the store directory: whoever can write them can already write the store itself.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import pickle
import sys
import tempfile
import threading
import time
from dataclasses import replace
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Protocol, runtime_checkable

from graph.read.read_model import Snapshot

log = logging.getLogger(__name__)

_SUFFIX = ".snapshot"
_MIN_INTERVAL = 2.0  # seconds between two snapshots written by one process
_KEEP = 2  # the current content and the one before it, for a reader still on the old revision
FORMAT = 2  # raise when what a snapshot file holds changes in a way the code digest would not show
CODE_PACKAGES = ("api", "core", "graph", "loaders", "mappings", "ontology")  # every package of the product
DEPENDENCIES = ("pyoxigraph", "pydantic", "pydantic-core", "rdflib", "PyYAML")  # what shapes what is read or built


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "absent"


@cache
def code_digest() -> str:
    """A digest of everything besides the content that shapes a snapshot (see the module's docstring): a
    change to any of it invalidates old files."""
    return digest_of(Path(__file__).resolve().parents[2])


def digest_of(root: Path) -> str:
    """`code_digest` for the packages installed under `root`."""
    digest = hashlib.sha256(f"format {FORMAT}|python {sys.version_info[:3]}".encode())
    for distribution in DEPENDENCIES:
        digest.update(f"|{distribution} {_version(distribution)}".encode())
    for package in CODE_PACKAGES:
        for source in sorted(p for p in (root / package).rglob("*") if p.is_file() and p.suffix in _CODE_SUFFIXES):
            digest.update(source.relative_to(root).as_posix().encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


_CODE_SUFFIXES = frozenset({".py", ".ttl"})  # the code and the vocabulary and shapes it reads


@runtime_checkable
class KeyedStore(Protocol):
    """A store that lives in a directory and can name its committed content (the embedded store on disk)."""

    @property
    def location(self) -> Path | None: ...

    def content_key(self, revision: int) -> str | None:
        """A name unique to the content at `revision`, or None when the store is no longer at it."""
        ...


class SnapshotCache:
    """Pickled snapshots in one directory, named by the content key they were built from."""

    def __init__(self, store: KeyedStore, directory: Path) -> None:
        self._store = store
        self._directory = directory
        self._changed = threading.Condition()
        self._pending: tuple[Path, Snapshot] | None = None
        self._writing = False
        self._flushing = False
        self._worker: threading.Thread | None = None

    @classmethod
    def beside(cls, store: object) -> SnapshotCache | None:
        """A cache in the store's own directory, for a store on disk that can name its content."""
        if isinstance(store, KeyedStore) and store.location is not None:
            return cls(store, store.location / "snapshots")
        return None

    def _path(self, revision: int) -> Path | None:
        key = self._store.content_key(revision)
        if key is None:
            return None
        name = hashlib.sha256(f"{key}|{code_digest()}".encode()).hexdigest()[:32]
        return self._directory / f"{name}{_SUFFIX}"

    def load(self, revision: int) -> Snapshot | None:
        path = self._path(revision)
        if path is None or not path.exists():
            return None
        collecting = gc.isenabled()
        gc.disable()  # every object unpickled lives on: collection passes while they are made are wasted
        try:
            with path.open("rb") as handle:
                snapshot = pickle.load(handle)
        except Exception as error:  # any unreadable file is only a missed cache: rebuild
            log.warning("ignoring unreadable snapshot %s: %s", path.name, error)
            return None
        finally:
            if collecting:
                gc.enable()
        if not isinstance(snapshot, Snapshot) or snapshot.revision != revision:
            return None
        return snapshot

    def save(self, snapshot: Snapshot) -> None:
        """Keep the snapshot, in the background: pickling 100,000 assets takes seconds, which a write (or a
        request that waited for it) should not. Only the newest pending snapshot is written; `flush` waits."""
        path = self._path(snapshot.revision)  # named now, while the store is at this revision
        if path is None:
            return
        bare = replace(
            snapshot,
            inferred={},
            taken_in={},
            dates={},
            evidence={},
            candidates={},
            rule_provisions={},
            answered={},
            gaps={},
            held=0,
            framework_ids=None,
            earlier=None,
        )
        with self._changed:
            self._pending = (path, bare)
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._write_pending, name="snapshot-cache", daemon=True)
                self._worker.start()
            self._changed.notify_all()

    def flush(self) -> None:
        """Wait until every snapshot handed to `save` is on disk (or has failed)."""
        with self._changed:
            self._flushing = True
            self._changed.notify_all()
            while self._pending is not None or self._writing:
                self._changed.wait()
            self._flushing = False

    def _write_pending(self) -> None:
        while True:
            with self._changed:
                if self._pending is None:
                    self._worker = None
                    self._changed.notify_all()
                    return
                path, snapshot = self._pending
                self._pending = None
                self._writing = True
            try:
                self._write(path, snapshot)
            finally:
                with self._changed:
                    self._writing = False
                    self._changed.notify_all()
                    # A stream of writes (a server taking mutations) keeps one snapshot per interval, the newest:
                    # pickling after every write would take the interpreter from the requests.
                    deadline = time.monotonic() + _MIN_INTERVAL
                    while not self._flushing and (left := deadline - time.monotonic()) > 0:
                        self._changed.wait(left)

    def _write(self, path: Path, snapshot: Snapshot) -> None:
        partial: Path | None = None
        try:
            self._directory.mkdir(exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self._directory, prefix=".partial-", delete=False) as handle:
                partial = Path(handle.name)
                pickle.dump(snapshot, handle, protocol=pickle.HIGHEST_PROTOCOL)
            partial.replace(path)
        except Exception as error:  # a read-only directory, a full disk: the answers are right without it
            log.warning("could not keep the snapshot in %s: %s", self._directory, error)
            if partial is not None:
                partial.unlink(missing_ok=True)
            return
        self._prune(keep=path)

    def _prune(self, keep: Path) -> None:
        """Keep the newest few files; another process may prune at the same time, so a vanished file is fine."""
        try:
            files = sorted(self._directory.glob(f"*{_SUFFIX}"), key=_age)
            for old in [f for f in files if f != keep][_KEEP - 1 :]:
                old.unlink(missing_ok=True)
            for partial in self._directory.glob(".partial-*"):  # left by a process killed mid-save
                if _age(partial) > _age(keep) + 3600 * 10**9:
                    partial.unlink(missing_ok=True)
        except OSError as error:
            log.debug("pruning snapshots: %s", error)


def _age(path: Path) -> int:
    """Nanoseconds since the file was written, relative to other files (newest first when sorted)."""
    try:
        return -path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0
