"""The embedded store syncs small writes to disk a little after them, not inside them: a stream of writes
shares one flush, `close` flushes what is pending, and a write is readable after a reopen either way."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from core.records import GraphBatch, Node
from graph.stores.embedded import EmbeddedStore
from graph.stores.syncer import Syncer


class Counted:
    """A flush that counts its calls and the threads they ran in, and can be made to fail."""

    def __init__(self, failures: int = 0) -> None:
        self.calls: list[str] = []
        self.failures = failures
        self.done = threading.Event()

    def __call__(self) -> None:
        self.calls.append(threading.current_thread().name)
        if self.failures:
            self.failures -= 1
            raise OSError("disk full")
        self.done.set()


def test_an_interval_of_zero_flushes_inside_every_commit() -> None:
    flush = Counted()
    syncer = Syncer(flush, 0)
    for _ in range(3):
        syncer.committed()
    assert flush.calls == [threading.current_thread().name] * 3 and not syncer.pending


def test_commits_within_one_interval_share_one_flush_in_the_background() -> None:
    flush = Counted()
    syncer = Syncer(flush, 0.3)
    for _ in range(20):
        syncer.committed()
    assert flush.calls == [] and syncer.pending  # nothing flushed inside the writes
    assert flush.done.wait(5)
    time.sleep(0.4)
    assert flush.calls == ["aimsgraph-store-sync"] and not syncer.pending
    syncer.close()
    assert len(flush.calls) == 1  # nothing was pending any more


def test_close_flushes_what_is_pending_at_once_in_the_callers_thread() -> None:
    flush = Counted()
    syncer = Syncer(flush, 60)
    syncer.committed()
    started = time.monotonic()
    syncer.close()
    assert time.monotonic() - started < 5  # did not wait out the interval
    assert flush.calls == [threading.current_thread().name]


def test_a_failed_flush_is_tried_again_after_the_interval() -> None:
    flush = Counted(failures=1)
    syncer = Syncer(flush, 0.05)
    syncer.committed()
    assert flush.done.wait(5)
    assert flush.calls == ["aimsgraph-store-sync"] * 2
    syncer.close()


def node(number: int) -> Node:
    return Node(id=f"https://example.org/n/{number}", labels=("Article",), props={"ref": f"N {number}"})


@pytest.mark.parametrize("interval", [0.0, 60.0])
def test_a_small_write_is_there_after_close_and_reopen_whatever_the_interval(tmp_path: Path, interval: float) -> None:
    store = EmbeddedStore.open(tmp_path / "store", sync_interval=interval)
    store.write(GraphBatch([node(0)]), replace=True)
    for number in range(1, 6):
        store.write(GraphBatch([node(number)]))
    store.close()
    reopened = EmbeddedStore.open(tmp_path / "store", read_only=True)
    assert sorted(str(n.props["ref"]) for n in reopened.nodes("Article")) == [f"N {i}" for i in range(6)]
    assert reopened.revision == 6
