"""Syncing the embedded store to disk a little after its writes, not inside each one.

Why not flush after every commit: a committed Oxigraph transaction is already in RocksDB's write-ahead log,
which survives a killed process (the tests kill one right after a commit and find the write). A flush writes
the memtables out as new table files and syncs them, which makes the write safe from a power loss too. Done
after every small write it cost 17–40 ms each, most of a write's time, and left RocksDB's native memory
growing by some 30 KB per write (measured with 2,000 GraphQL-sized writes). Done at most once per
`interval` seconds, a stream of writes shares one flush, memtables stay small, and a power loss can take at
most the last `interval` seconds of acknowledged writes. An interval of 0 flushes inside every write.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("aimsgraph.store")


class Syncer:
    """Calls `flush` once, `interval` seconds after the first commit not yet flushed; `close` flushes the rest."""

    def __init__(self, flush: Callable[[], None], interval: float) -> None:
        self._flush = flush
        self._interval = interval
        self._wake = threading.Condition()
        self._dirty = False
        self._closing = False
        self._thread: threading.Thread | None = None

    @property
    def pending(self) -> bool:
        """A commit is waiting for its flush."""
        with self._wake:
            return self._dirty

    def committed(self) -> None:
        """A write committed: flush now (interval 0) or within `interval` seconds."""
        if self._interval <= 0:
            self._flush()
            return
        with self._wake:
            self._dirty = True
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="aimsgraph-store-sync", daemon=True)
                self._thread.start()
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._dirty or self._closing)
                if self._closing:
                    return
                # let the writes of the next `interval` seconds share this flush; `close` cuts the wait short
                self._wake.wait_for(lambda: self._closing, timeout=self._interval)
                if self._closing:
                    return
                self._dirty = False
            try:
                self._flush()
            except OSError:  # a full disk, say: the writes stay in the log; the next commit tries again
                log.exception("syncing the store to disk failed; the write-ahead log still holds the writes")
                with self._wake:
                    self._dirty = True

    def close(self) -> None:
        """Stop the background thread and flush what is still pending, in the caller's thread."""
        with self._wake:
            self._closing = True
            self._wake.notify_all()
            thread, dirty = self._thread, self._dirty
            self._dirty = False
        if thread is not None:
            thread.join()
        if dirty:
            self._flush()
