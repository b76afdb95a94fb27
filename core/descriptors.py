"""File descriptors a process holds besides its network connections, counted where they are opened.

Why: the server bounds its connections by what its open-file limit leaves (`api.cli.connections`), and
everything else that opens descriptors competes for the same limit. The store's own files and the log are
counted once in a while from the system (`/proc/self/fd`), but some holders come and go faster than that: a
CLI client on the write channel holds one descriptor in the server for as long as its change takes, and a
hundred of them arriving at once pushed a server at its limit into failed accepts. Such holders say so here
(`with held(): …`), and the connection guard adds the count to its sums at every connection it admits.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_held = 0


@contextmanager
def held(count: int = 1) -> Iterator[None]:
    """`count` descriptors are held for the block's duration."""
    global _held  # noqa: PLW0603 — one count per process, by design
    with _lock:
        _held += count
    try:
        yield
    finally:
        with _lock:
            _held -= count


def holding() -> int:
    """How many descriptors the holders hold now."""
    return _held
