"""The checkpoints readers in other processes open: one published per change, held while a reader uses it,
removed once none does, and a reader racing a removal takes the newest instead."""

from __future__ import annotations

from pathlib import Path

from core.records import GraphBatch, Node
from graph.stores import checkpoints
from graph.stores.embedded import EmbeddedStore


def asset(number: int) -> Node:
    return Node(f"https://example.org/a/{number}", ("Asset",), {"name": f"asset {number}"})


def names(store: EmbeddedStore) -> list[str]:
    return sorted(str(node.props["name"]) for node in store.nodes("Asset"))


def test_a_reader_sees_what_was_published_and_asks_for_each_commit_it_lacks(tmp_path: Path) -> None:
    path = tmp_path / "store"
    writer = EmbeddedStore.open(path, sync_interval=60)  # no publication of the writer's own in this test
    writer.write(GraphBatch([asset(0)]), replace=True)  # a large write publishes at once
    reader = EmbeddedStore.open(path, read_only=True)
    try:
        assert names(reader) == ["asset 0"] and reader.revision == 1
        writer.write(GraphBatch([asset(1)]))
        latest = checkpoints.latest(path)
        assert latest is not None and checkpoints.revision_of(latest) == 1  # nobody asked: not published yet
        assert reader.revision == 2 and names(reader) == ["asset 0", "asset 1"]  # the reader asked, and got it
        writer.write(GraphBatch([asset(2)]))
        writer.publish()
        assert reader.revision == 3 and names(reader) == ["asset 0", "asset 1", "asset 2"]
    finally:
        reader.close()
        writer.close()


def test_a_held_checkpoint_stays_until_its_reader_lets_go(tmp_path: Path) -> None:
    path = tmp_path / "store"
    writer = EmbeddedStore.open(path, sync_interval=60)
    writer.write(GraphBatch([asset(0)]), replace=True)
    held = checkpoints.lease_newest(path)
    assert held is not None
    writer.write(GraphBatch([asset(1)]))
    writer.publish()
    assert held.path.is_dir()  # a reader holds it: kept
    assert checkpoints.latest(path) != held.name
    held.release()
    writer.write(GraphBatch([asset(2)]))
    writer.publish()
    assert not held.path.exists()  # released: removed with the next publication
    assert [p.name for p in checkpoints.folder(path).iterdir() if p.is_dir()] == [checkpoints.latest(path)]
    writer.close()


def test_an_idle_interval_publishes_nothing_new(tmp_path: Path) -> None:
    path = tmp_path / "store"
    writer = EmbeddedStore.open(path, sync_interval=60)
    writer.write(GraphBatch([asset(0)]), replace=True)
    before = checkpoints.latest(path)
    writer.publish()
    writer.close()
    assert checkpoints.latest(path) == before


def test_a_killed_writers_unpublished_commit_is_published_by_the_next_reader(tmp_path: Path) -> None:
    path = tmp_path / "store"
    writer = EmbeddedStore.open(path, sync_interval=60)
    writer.write(GraphBatch([asset(0)]), replace=True)
    writer.write(GraphBatch([asset(1)]))  # committed, in the log, not yet published
    (path / "aimsgraph-writer").write_text('{"pid": 999999999, "command": "aimsgraph load"}')  # as if killed
    writer._syncer = None  # a killed process publishes nothing on the way out
    writer._path = None
    writer.close()
    reader = EmbeddedStore.open(path, read_only=True)
    try:
        assert names(reader) == ["asset 0", "asset 1"] and reader.revision == 2
    finally:
        reader.close()
