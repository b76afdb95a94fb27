"""A write the server has acknowledged survives the server being killed before it synced the store to disk."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import httpx
import pytest

from tests.conftest import Cli
from tests.support.servers import start_server, stop

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

UPSERT = """mutation($input: AssetInput!) { upsertAsset(input: $input) {
             asset { id owner } auditEntry { sequence } errors { code } } }"""


def test_acknowledged_writes_survive_a_kill_inside_the_sync_interval(seeded_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(seeded_store, store)
    cli = Cli(store)
    token = cli.json("keys", "create", "--role", "editor", "--name", "durability")["token"]
    # a minute between syncs: every write below is acknowledged while only the write-ahead log holds it
    base, process = start_server(store, env={"AIMSGRAPH_SYNC_INTERVAL": "60"})
    sequences = []
    try:
        for turn in range(12):
            body = {
                "query": UPSERT,
                "variables": {"input": {"id": f"d-{turn % 3}", "kind": "MODEL", "name": "D", "owner": f"o-{turn}"}},
            }
            answer = httpx.post(
                f"{base}/graphql", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=30
            ).json()
            assert answer["data"]["upsertAsset"]["errors"] == []
            sequences.append(answer["data"]["upsertAsset"]["auditEntry"]["sequence"])
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=15)
    finally:
        stop(process)
    base, process = start_server(store)
    try:
        trail = httpx.post(
            f"{base}/graphql",
            json={"query": "{ auditLog(first: 100) { edges { node { sequence targetId after } } } }"},
            timeout=30,
        ).json()["data"]["auditLog"]["edges"]
    finally:
        stop(process)
    ours = [e["node"] for e in trail if e["node"]["targetId"].startswith("d-")]
    assert sorted(e["sequence"] for e in ours) == sorted(sequences)  # every acknowledged write, with its entry
    owners = {a["id"]: a["owner"] for a in cli.json("assets") if a["id"].startswith("d-")}
    assert owners == {"d-0": "o-9", "d-1": "o-10", "d-2": "o-11"}  # each asset's last acknowledged value
