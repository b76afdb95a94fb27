"""What one writer per store costs: a CLI change through a server's write channel against the same change made
directly, and the checkpoints readers in other processes open, against the flush the writer already pays.

Run: `.venv/bin/python bench/channel.py [--rounds N]`. Figures are medians over N rounds, printed and also
written to bench/results/channel.json; the machine is shared, so the ratios matter more than the times.

* a change (`keys create`) as a whole CLI process: directly (no server runs) against through the channel
  (`aimsgraph serve` holds the store);
* the same change inside one process, without the interpreter's start: open the store and write it, against
  connecting to the server's channel and having it written there (the server publishes before it answers);
* publishing a checkpoint after a small commit's flush, against the flush itself (the syncer's old work);
* a reader's open: the newest checkpoint (now), against opening the live store read-only (before, undefined
  while another process writes).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph as ox

from api.channel import client
from core.records import GraphBatch, Node
from graph.bootstrap import bootstrap
from graph.service import Service
from graph.settings import Settings
from graph.stores.embedded import EmbeddedStore
from graph.views.write import Actor

AIMSGRAPH = str(Path(sys.executable).parent / "aimsgraph")
CLI = Actor("cli", name="bench")


def median_ms(action: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def cli_keys_create(store: Path) -> None:
    env = {**os.environ, "AIMSGRAPH_STORE": str(store)}
    subprocess.run([AIMSGRAPH, "keys", "create", "--role", "viewer"], env=env, check=True, capture_output=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(store: Path) -> subprocess.Popen[bytes]:
    port = free_port()
    env = {**os.environ, "AIMSGRAPH_STORE": str(store)}
    process = subprocess.Popen(
        [AIMSGRAPH, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)


def direct_change(store: Path) -> None:
    service = bootstrap(Settings(store=store), write=True)
    service.keys.create(CLI, "viewer")
    service.close()


def channel_change(store: Path) -> None:
    connection = client.connect(store)
    assert connection is not None
    writes = client.RemoteWrites(connection, CLI)
    writes.keys.create(CLI, "viewer")
    writes.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=9)
    rounds = parser.parse_args().rounds
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "store"
        seeding = Service(EmbeddedStore.open(store))
        seeding.load(include_bundled=True, replace=True)
        seeding.close()
        results["cli_process_direct_ms"] = median_ms(lambda: cli_keys_create(store), rounds)
        results["in_process_direct_ms"] = median_ms(lambda: direct_change(store), rounds)
        server = serve(store)
        try:
            results["cli_process_channel_ms"] = median_ms(lambda: cli_keys_create(store), rounds)
            results["in_process_channel_ms"] = median_ms(lambda: channel_change(store), rounds)
        finally:
            server.send_signal(signal.SIGINT)
            server.wait()

        writer = EmbeddedStore.open(store, sync_interval=60)  # the syncer stays out of the way
        number = iter(range(10**6))

        def commit() -> None:
            node = Node(f"https://example.org/bench/{next(number)}", ("Asset",), {"name": "b"})
            writer.write(GraphBatch([node]))

        flushes: list[float] = []
        publishes: list[float] = []
        for _ in range(rounds):  # interleaved, so the machine's load falls on both alike
            commit()
            started = time.perf_counter()
            writer._ox.flush()  # what the syncer did after a commit before checkpoints
            flushed = time.perf_counter()
            writer.publish()  # what it does now on top: the checkpoint (its own flush finds nothing to do)
            flushes.append((flushed - started) * 1000)
            publishes.append((time.perf_counter() - flushed) * 1000)
        results["flush_after_commit_ms"] = statistics.median(flushes)
        results["checkpoint_after_flush_ms"] = statistics.median(publishes)
        writer.close()
        results["reader_open_checkpoint_ms"] = median_ms(
            lambda: EmbeddedStore.open(store, read_only=True).close(), rounds
        )
        results["reader_open_live_ms"] = median_ms(lambda: ox.Store.read_only(str(store)), rounds)
        checkpoints = store / "checkpoints"
        results["checkpoint_bytes_not_shared"] = float(
            sum(p.stat().st_size for p in checkpoints.rglob("*") if p.is_file() and p.stat().st_nlink == 1)
        )
        shutil.rmtree(checkpoints)
    results["channel_vs_direct_cli"] = results["cli_process_channel_ms"] / results["cli_process_direct_ms"]
    results["channel_vs_direct_in_process"] = results["in_process_channel_ms"] / results["in_process_direct_ms"]
    results["checkpoint_vs_flush"] = results["checkpoint_after_flush_ms"] / results["flush_after_commit_ms"]
    results["reader_open_checkpoint_vs_live"] = results["reader_open_checkpoint_ms"] / results["reader_open_live_ms"]
    for name, value in results.items():
        print(f"{name:32} {value:10.2f}")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "channel.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
