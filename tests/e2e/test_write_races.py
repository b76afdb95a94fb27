"""Writers racing a real server process on the embedded store: every acknowledged write is readable
afterwards with exactly one audit entry, audit sequences are unique, and a SIGKILL mid-stream loses no
acknowledged write. Bounded by counts, not by time; waits on events, never on sleeps."""

from __future__ import annotations

import shutil
import signal
import threading
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.support.servers import start_server, stop
from tests.support.writers import Acknowledged, owner_of, run_all, trail, write_stream

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _store(seeded_store: Path, tmp_path: Path) -> tuple[Path, str]:
    store = tmp_path / "store"
    shutil.copytree(seeded_store, store)
    token = Cli(store).json("keys", "create", "--role", "editor", "--name", "racer")["token"]
    return store, token


def _check(base: str, token: str, runs: list[Acknowledged]) -> None:
    """Each writer's asset reads as its last acknowledged write (or the one in flight at a kill), and the
    trail holds exactly one entry per acknowledged write, under the sequence the write was told."""
    entries = trail(base, token)
    sequences = [e["sequence"] for e in entries]
    assert len(sequences) == len(set(sequences)), "two audit entries claim one sequence"
    by_sequence = {e["sequence"]: e for e in entries}
    for run in runs:
        assert not run.refused, run.refused
        possible = {run.owners[-1] if run.owners else None, run.in_flight} - {None}
        assert owner_of(base, token, run.asset) in possible, (run.asset, possible)
        mine = [e for e in entries if e["targetId"] == run.asset and e["operation"] == "upsertAsset"]
        extra = 1 if run.in_flight is not None and len(mine) == len(run.owners) + 1 else 0
        assert len(mine) == len(run.owners) + extra  # one entry per acknowledged write (and the landed one)
        for owner, sequence in zip(run.owners, run.sequences, strict=True):
            assert by_sequence[sequence]["targetId"] == run.asset
            assert by_sequence[sequence]["after"]["owner"] == owner


def test_sixteen_writers_at_once_lose_nothing_and_each_write_has_one_entry(seeded_store: Path, tmp_path: Path) -> None:
    store, token = _store(seeded_store, tmp_path)
    base, process = start_server(store)
    try:
        gate = threading.Barrier(16)
        runs = run_all(lambda n: write_stream(base, token, f"racer-{n}", 12, start=gate), [(n,) for n in range(16)])
        assert sum(len(r.owners) for r in runs) == 16 * 12
        _check(base, token, runs)
    finally:
        stop(process)
    base, process = start_server(store)  # and after a restart, read from disk, the same
    try:
        _check(base, token, runs)
    finally:
        stop(process)


def test_a_writer_killed_mid_stream_keeps_every_acknowledged_write(seeded_store: Path, tmp_path: Path) -> None:
    store, token = _store(seeded_store, tmp_path)
    # a minute between syncs: the acknowledged writes are only in RocksDB's write-ahead log when it dies
    base, process = start_server(store, env={"AIMSGRAPH_SYNC_INTERVAL": "60"})
    acknowledged = threading.Semaphore(0)
    killed = threading.Event()

    def killer() -> None:
        for _ in range(40):  # once 40 writes were acknowledged, while the four writers are still sending
            acknowledged.acquire()
        process.send_signal(signal.SIGKILL)
        killed.set()

    watcher = threading.Thread(target=killer)
    watcher.start()
    try:
        runs = run_all(
            lambda n: write_stream(base, token, f"killed-{n}", 1000, counted=acknowledged), [(n,) for n in range(4)]
        )
        for _ in range(40):  # the writers stopped without 40 acknowledgements (a failure below): free the killer
            acknowledged.release()
        watcher.join()
        assert killed.is_set()
        process.wait(timeout=30)
    finally:
        stop(process)
    assert sum(len(r.owners) for r in runs) >= 40 and all(len(r.owners) < 1000 for r in runs)
    base, process = start_server(store)
    try:
        _check(base, token, runs)
    finally:
        stop(process)
