"""Several processes on one embedded store: readers never block the writer, follow its commits, and the
store directory stays bounded however many commands run."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from core.records import GraphBatch, Node
from graph.stores.embedded import EmbeddedStore
from tests.conftest import AIMSGRAPH, Cli, ProcessCli, tiny_catalog

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
        time.sleep(1.0)  # started and opened, still exporting
        assert reader.poll() is None, "the export finished too early to prove anything"
        writer = EmbeddedStore.open(seeded_cli.store, wait=0)  # raises StoreBusyError if the reader held it
        # a node the shapes accept: the export may read before or after this commit, and either is whole
        extra = Node(id="https://example.org/extra", labels=("Asset",), props={"identifier": "extra", "name": "e"})
        writer.write(GraphBatch([extra]))
        writer.close()
    finally:
        code = reader.wait(timeout=60)
        assert code == 0, reader.stderr.read().decode() if reader.stderr else code
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
