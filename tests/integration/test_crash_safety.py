"""A process killed with SIGKILL in the middle of a load leaves the previous content readable and whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.records import GraphBatch, Node
from graph.stores.embedded import EmbeddedStore
from tests.conftest import Cli, ProcessCli

pytestmark = [pytest.mark.slow, pytest.mark.integration]

WRITER = """
import sys
from core.records import GraphBatch, Node
from graph.stores.embedded import EmbeddedStore
store = EmbeddedStore.open(sys.argv[1])
replace = sys.argv[2] == "replace"
nodes = [
    Node(id=f"https://example.org/new/{i}", labels=("Provision", "Article"),
         props={"ref": f"New {i}", "order": i, "summary": "x" * 200})
    for i in range(int(sys.argv[3]))
]
print("writing", flush=True)
store.write(GraphBatch(nodes), replace=replace)
print("done", flush=True)
"""


def seed(path: Path) -> None:
    store = EmbeddedStore.open(path)
    old = [Node(id=f"https://example.org/old/{i}", labels=("Article",), props={"ref": f"Old {i}"}) for i in range(50)]
    store.write(GraphBatch(old), replace=True)
    store.close()


def contents(path: Path) -> tuple[int, int, int]:
    store = EmbeddedStore.open(path)
    try:
        refs = [str(n.props["ref"]) for n in store.nodes("Article")]
        return store.revision, sum(r.startswith("Old") for r in refs), sum(r.startswith("New") for r in refs)
    finally:
        store.close()


@pytest.mark.parametrize("mode", ["replace", "upsert"])
@pytest.mark.parametrize("delay", [0.2, 0.8, 1.6])
def test_sigkill_during_a_store_write_keeps_the_old_content(tmp_path: Path, mode: str, delay: float) -> None:
    path = tmp_path / "store"
    seed(path)
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), mode, "150000"], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "writing"
    time.sleep(delay)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    revision, old, new = contents(path)
    if revision == 1:  # killed before the commit: the previous content, untouched
        assert (old, new) == (50, 0)
    else:  # the write committed just before the kill: all of it
        assert revision == 2 and new == 150000 and old == (0 if mode == "replace" else 50)


def big_catalog(path: Path, size: int) -> Path:
    lines = [
        "framework:",
        "  id: big",
        "  name: Big",
        "  title: A large generated framework",
        '  version: "1"',
        "  issued: 2024-01-01",
        "  publisher: tests",
        "  source: generated",
        "  binding: false",
        "provisions:",
    ]
    for i in range(size):
        lines += [
            f'  - ref: "C{i}"',
            "    kind: control",
            f"    title: Control {i}",
            f"    summary: Generated control number {i}.",
        ]
    file = path / "big.yaml"
    file.write_text("\n".join(lines) + "\n")
    return file


def frameworks(cli: Cli) -> dict[str, int]:
    return {f["id"]: f["provisionCount"] for f in cli.json("frameworks")}


@pytest.mark.parametrize("point", ["upsert:before", "upsert:applied"])
def test_a_kill_inside_a_small_load_leaves_exactly_the_old_or_the_new_content(
    seeded_cli: Cli, tmp_path: Path, point: str
) -> None:
    catalog = big_catalog(tmp_path, 40)
    killed = ProcessCli(seeded_cli.store).run("load", str(catalog), env={"AIMSGRAPH_FAILPOINT": point})
    assert killed.returncode == -signal.SIGKILL, f"the load did not reach {point}: {killed.stderr}"
    after = frameworks(seeded_cli)
    assert after.get("big") in (None, 40) and after["iso42001"] == 96 and len(after) in (6, 7)
    if point == "upsert:before":
        assert "big" not in after  # killed before the transaction: the old content exactly
    else:  # killed after the commit, before any flush: the write-ahead log brings back all of it
        assert after["big"] == 40
    seeded_cli.run("load", str(catalog), check=True)  # and the store takes writes again
    assert frameworks(seeded_cli)["big"] == 40


@pytest.mark.parametrize("point", ["generation:filled", "generation:switched", "generation:old-dropped"])
def test_a_kill_inside_a_replacing_load_leaves_exactly_the_old_or_the_new_content(
    seeded_cli: Cli, tmp_path: Path, point: str
) -> None:
    catalog = big_catalog(tmp_path, 40)
    env = {"AIMSGRAPH_FAILPOINT": point}
    killed = ProcessCli(seeded_cli.store).run("load", "--replace", str(catalog), env=env)
    assert killed.returncode == -signal.SIGKILL, f"the load did not reach {point}: {killed.stderr}"
    after = frameworks(seeded_cli)
    if point in ("generation:filled", "generation:switched"):  # a read left the crash's leftover alone
        store = EmbeddedStore.open(seeded_cli.store)  # the live store (readers see a checkpoint of it)
        try:
            assert len(store.generations()) == 2  # cleaning it is the next write's job, not a read's
        finally:
            store.close()
    if point == "generation:filled":  # the new generation exists but was never made current
        assert len(after) == 6 and after["iso42001"] == 96
    else:  # the switch committed: the new content, whole, even though the old one was not yet removed
        assert after == {"big": 40}
    listing = seeded_cli.run("load", "--replace", check=True)  # the next write clears the leftovers
    assert listing.returncode == 0 and frameworks(seeded_cli)["iso27001"] == 139
    store = EmbeddedStore.open(seeded_cli.store)
    try:
        assert len(store.generations()) == 1
    finally:
        store.close()
