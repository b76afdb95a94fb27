"""A write a server acknowledged is what the next reader in another process reads: a reader following the
store, and a command opening it afresh, see it at once, not a sync interval later."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import Cli
from tests.support.servers import start_server, stop

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

UPSERT = """mutation($input: AssetInput!) { upsertAsset(input: $input) {
             auditEntry { sequence } errors { code } } }"""

# A reader in its own process: it opens the store read-only once and follows it; for each asset id it is sent
# it answers with the revision it reads and whether the asset is there. It waits on its input, not on time.
FOLLOWER = """
import sys
from pathlib import Path
from graph.bootstrap import bootstrap
from graph.settings import Settings

service = bootstrap(Settings(store=Path(sys.argv[1])), fill_empty=False)
print("ready", flush=True)
for line in sys.stdin:
    answers = service.answers()
    ids = {a.id for a in answers.organisation.assets()}
    print(answers.revision, line.strip() in ids, flush=True)
"""


def test_an_acknowledged_write_is_read_at_once_by_readers_in_other_processes(
    seeded_store: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(seeded_store, store)
    cli = Cli(store)
    token = cli.json("keys", "create", "--role", "editor", "--name", "visibility")["token"]
    # a minute between syncs: without being asked, the writer would publish none of these writes meanwhile
    base, server = start_server(store, env={"AIMSGRAPH_SYNC_INTERVAL": "60"})
    follower = subprocess.Popen(
        [sys.executable, "-c", FOLLOWER, str(store)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert follower.stdout is not None and follower.stdin is not None
        assert follower.stdout.readline().strip() == "ready"
        for turn in range(4):
            asset = f"seen-{turn}"
            body = {"query": UPSERT, "variables": {"input": {"id": asset, "kind": "MODEL", "name": "S", "owner": "o"}}}
            answer = httpx.post(
                f"{base}/graphql", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=60
            ).json()["data"]["upsertAsset"]
            assert answer["errors"] == []
            sequence = answer["auditEntry"]["sequence"]
            follower.stdin.write(asset + "\n")
            follower.stdin.flush()
            revision, found = follower.stdout.readline().split()
            assert (int(revision), found) == (sequence, "True")  # the follower, at the write's own revision
            assert asset in {a["id"] for a in cli.json("assets")}  # a command opening the store afresh
    finally:
        follower.kill()
        follower.wait(timeout=30)
        stop(server)
