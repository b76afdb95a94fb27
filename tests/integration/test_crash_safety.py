"""A process killed with SIGKILL in the middle of a load leaves the previous content readable and whole."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.records import GraphBatch, Node
from graph.stores.embedded import EmbeddedStore
from tests.conftest import AIMSGRAPH, Cli

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


def test_sigkill_at_any_point_of_a_cli_load_leaves_a_whole_store(seeded_cli: Cli, tmp_path: Path) -> None:
    catalog = big_catalog(tmp_path, 4000)
    env = {**os.environ, "AIMSGRAPH_STORE": str(seeded_cli.store)}
    started = time.perf_counter()
    probe = subprocess.run([AIMSGRAPH, "validate", str(catalog)], env=env, capture_output=True, text=True, check=False)
    assert probe.returncode == 0, probe.stderr
    duration = time.perf_counter() - started
    outcomes = set()
    for fraction in (0.3, 0.6, 0.85, 0.95, 1.0, 1.05, 1.15):
        process = subprocess.Popen([AIMSGRAPH, "load", str(catalog)], env=env, stderr=subprocess.DEVNULL)
        time.sleep(duration * fraction)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        frameworks = {f["id"]: f["provision_count"] for f in seeded_cli.json("frameworks")}
        assert frameworks.get("big") in (None, 4000), "a half-written framework is visible"
        assert frameworks["iso42001"] == 96 and len(frameworks) in (5, 6)
        outcomes.add("big" in frameworks)
        if "big" in frameworks:
            break
    # The loop must have seen the store before the load committed at least once.
    assert False in outcomes
    listing = seeded_cli.run("provisions", "iso27001", "--json", check=True)
    assert len(json.loads(listing.stdout)) == 139
