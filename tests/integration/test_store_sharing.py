"""Several processes on one embedded store: readers never block the writer, never open the live store while it
is written (they read its checkpoints), follow its commits, and the store directory stays bounded however many
commands run."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.records import GraphBatch, Node
from graph.stores.embedded import EmbeddedStore
from tests.conftest import AIMSGRAPH, Cli, ProcessCli, tiny_catalog
from tests.support.servers import wait_for

pytestmark = pytest.mark.integration


def test_a_load_writes_while_a_reader_holds_the_store_and_the_reader_then_sees_it(
    seeded_cli: Cli, tmp_path: Path
) -> None:
    reader = EmbeddedStore.open(seeded_cli.store, read_only=True)
    try:
        before = reader.revision
        extra = tmp_path / "x.yaml"
        extra.write_text(tiny_catalog("x", "{ref: '1', kind: clause, title: One}"))
        loaded = ProcessCli(seeded_cli.store).run("load", str(extra), env={"AIMSGRAPH_LOCK_WAIT": "0"})
        assert loaded.returncode == 0, loaded.stderr  # the open reader did not stand in the way
        assert reader.revision == before + 1  # and the reader follows the writer's commit
        assert "https://w3id.org/aimsgraph/id/x" in {n.id for n in reader.nodes("Framework")}
    finally:
        reader.close()


def test_a_running_read_command_does_not_hold_the_write_lock(seeded_cli: Cli, tmp_path: Path) -> None:
    """A long read (a graph export checks the shapes for seconds) leaves the store free for a writer."""
    env = {**os.environ, "AIMSGRAPH_STORE": str(seeded_cli.store)}
    reader = subprocess.Popen(
        [AIMSGRAPH, "export", "graph", "-o", str(tmp_path / "graph.ttl")], env=env, stderr=subprocess.PIPE
    )
    try:
        wait_for(lambda: a_reader_holds_a_checkpoint(seeded_cli.store), "the export opening the store", process=None)
        assert reader.poll() is None, "the export finished too early to prove anything"  # it checks shapes for seconds
        writer = EmbeddedStore.open(seeded_cli.store, wait=0)  # raises StoreBusyError if the reader held it
        # a node the shapes accept: the export may read before or after this commit, and either is whole
        extra = Node(id="https://example.org/extra", labels=("Asset",), props={"identifier": "extra", "name": "e"})
        writer.write(GraphBatch([extra]))
        writer.close()
    finally:
        assert reader.wait(timeout=600) == 0  # a safety net, not a measurement: exports are slow under load
    assert (tmp_path / "graph.ttl").stat().st_size > 0


@pytest.mark.slow
def test_a_thousand_opens_leave_the_store_directory_bounded(seeded_cli: Cli) -> None:
    for number in range(1000):
        store = EmbeddedStore.open(seeded_cli.store, read_only=number % 2 == 1)
        assert store.revision >= 1
        store.close()
    logs = list(seeded_cli.store.glob("LOG*"))
    assert len(logs) <= 4, sorted(p.name for p in logs)
    assert len(list(seeded_cli.store.iterdir())) < 60
    assert len(seeded_cli.json("frameworks")) == 6


def a_reader_holds_a_checkpoint(store: Path) -> bool:
    """Some process holds a reader's lease on one of the store's checkpoints."""
    for lease in (store / "checkpoints").glob("*/LEASE"):
        handle = os.open(lease, os.O_RDONLY)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(handle)
    return False


WRITER = """
import sys
from pathlib import Path
from core.records import GraphBatch, Node
from graph.stores.embedded import EmbeddedStore

store, stop = Path(sys.argv[1]), Path(sys.argv[2])
writer = EmbeddedStore.open(store, sync_interval=0)  # every commit flushed: the most churn for readers
number = 0
while not stop.exists():
    number += 1
    pair = [Node(f"https://example.org/pair/{side}", ("Asset",), {"name": str(number)}) for side in "ab"]
    writer.write(GraphBatch(pair))
    if number == 1:
        (store.parent / "writing").touch()
writer.close()
"""


def test_read_only_opens_during_a_stream_of_writes_never_fail_or_read_a_torn_state(
    seeded_cli: Cli, tmp_path: Path
) -> None:
    """Another process commits pairs of records, one pair per transaction, as fast as it can. Every read-only
    open meanwhile succeeds and reads both records of one pair at one revision, which never goes back."""
    stop = tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(seeded_cli.store), str(stop)], stderr=subprocess.PIPE)
    failures: list[str] = []
    revisions: list[int] = []
    try:
        wait_for((seeded_cli.store.parent / "writing").exists, "the writer's first commit", process=None)
        for _ in range(80):
            try:
                reader = EmbeddedStore.open(seeded_cli.store, read_only=True)
                try:
                    pair = reader.get(["https://example.org/pair/a", "https://example.org/pair/b"])
                    names = {str(node.props["name"]) for node in pair.values()}
                    revisions.append(reader.revision)
                finally:
                    reader.close()
                if len(pair) == 2 and len(names) != 1:
                    failures.append(f"torn pair {sorted(names)}")
            except Exception as error:  # any failure to open or read is what this test is about
                failures.append(f"{type(error).__name__}: {error}")
            assert writer.poll() is None, writer.stderr.read() if writer.stderr else ""
    finally:
        stop.touch()
        assert writer.wait(timeout=120) == 0, writer.stderr.read() if writer.stderr else ""
    assert failures == [], f"{len(failures)} of 80 opens failed: {failures[:5]}"
    assert revisions == sorted(revisions) and revisions[-1] > revisions[0]  # it followed the writer, never back
