"""Two API servers over one ArcadeDB database, racing mutations on the same asset: the conditional commit lets
only one of two changes read at the same revision commit (the other is told CONFLICT and retries), so no
acknowledged write is lost and no two audit entries claim one sequence; both servers list the same trail."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.records import GraphBatch, Node
from tests.conftest import Cli
from tests.support.arcadedb import ArcadeDB
from tests.support.fixtures import open_neo4j, store_env
from tests.support.servers import server_log, start_server, stop
from tests.support.writers import LINK, UNLINK, run_all, trail, upsert

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.slow]

CLIENTS = 6
ROUNDS = 4  # link, unlink, link, … per client: the last one decides whether the link must be there


def _mutate(base: str, token: str, asset: str, used: str, gate: threading.Barrier) -> dict[str, Any]:
    """Alternately link and unlink `asset` → `used`, retrying a CONFLICT; what was acknowledged."""
    acknowledged: list[tuple[str, int]] = []
    conflicts = 0
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120) as http:
        gate.wait()
        for turn in range(ROUNDS):
            present = turn % 2 == 0
            field, query = ("linkAssets", LINK) if present else ("unlinkAssets", UNLINK)
            while True:
                answer = http.post("/graphql", json={"query": query, "variables": {"asset": asset, "uses": used}})
                data = answer.json()
                if data.get("errors"):  # a timeout never hides a commit: it says which sequence landed
                    (error,) = data["errors"]
                    assert error["extensions"]["code"] == "TIMEOUT" and len(error["extensions"]["committed"]) == 1
                    acknowledged.append((field, error["extensions"]["committed"][0]))
                    break
                payload = data["data"][field]
                codes = [e["code"] for e in payload["errors"]]
                if codes == ["CONFLICT"]:
                    conflicts += 1
                    continue  # read again and retry, as the error says
                assert codes == [], payload["errors"]
                acknowledged.append((field, payload["auditEntry"]["sequence"]))
                break
    return {"used": used, "acknowledged": acknowledged, "linked": ROUNDS % 2 == 1, "conflicts": conflicts}


def test_two_servers_racing_on_one_asset_lose_no_acknowledged_write(
    arcadedb: ArcadeDB, neo4j_database: str, bundled_records: list[Node], tmp_path: Path
) -> None:
    store = open_neo4j(arcadedb, neo4j_database)
    store.write(GraphBatch(bundled_records), replace=True)
    store.close()
    env = {**store_env(arcadedb, neo4j_database), "AIMSGRAPH_REQUEST_TIMEOUT": "60"}
    token = Cli(tmp_path / "unused").json("keys", "create", "--role", "editor", "--name", "racer", env=env)["token"]
    first, first_process = start_server(tmp_path / "unused", env=env)
    second, second_process = start_server(tmp_path / "unused", env=env)
    try:
        with httpx.Client(base_url=first, headers={"Authorization": f"Bearer {token}"}, timeout=120) as http:
            for n in range(CLIENTS):
                assert upsert(http, f"part-{n}", "o")["data"]["upsertAsset"]["errors"] == []
            assert upsert(http, "shared", "o")["data"]["upsertAsset"]["errors"] == []
        gate = threading.Barrier(CLIENTS)
        bases = [first, second] * CLIENTS
        runs = run_all(_mutate, [(bases[n], token, "shared", f"part-{n}", gate) for n in range(CLIENTS)])
        query = '{ asset(id: "shared") { uses { edges { node { id } } } } }'
        for base in (first, second):
            answer = httpx.post(f"{base}/graphql", json={"query": query}, timeout=60).json()
            uses = {e["node"]["id"] for e in answer["data"]["asset"]["uses"]["edges"]}
            assert uses == {r["used"] for r in runs if r["linked"]}  # every client's last acknowledged change
        trails = [trail(base, token) for base in (first, second)]
        assert [e["id"] for e in trails[0]] == [e["id"] for e in trails[1]]  # both servers list one trail
        sequences = [e["sequence"] for e in trails[0]]
        assert len(sequences) == len(set(sequences)), "two audit entries claim one sequence"
        told = sorted(sequence for r in runs for _, sequence in r["acknowledged"])
        assert len(told) == CLIENTS * ROUNDS and len(set(told)) == len(told)
        by_sequence = {e["sequence"]: e for e in trails[0]}
        for run in runs:
            for operation, sequence in run["acknowledged"]:
                assert by_sequence[sequence]["operation"] == operation and by_sequence[sequence]["targetId"] == "shared"
    finally:
        stop(first_process)
        stop(second_process)


def _log_says(process: Any, text: str) -> bool:
    return text in server_log(process, tail=None)


def test_a_change_read_before_another_servers_commit_is_refused_not_written_over_it(
    arcadedb: ArcadeDB, neo4j_database: str, bundled_records: list[Node], tmp_path: Path
) -> None:
    """Server P prepares `shared uses part-0` and stops just before its commit; server S then commits
    `shared uses part-1`. P's change was read before S's commit: it must not be written over it (the review
    saw an acknowledged linkAssets lost, and two entries claiming one sequence). P answers CONFLICT; the
    client retries, and both links stand, each with its own sequence."""
    store = open_neo4j(arcadedb, neo4j_database)
    store.write(GraphBatch(bundled_records), replace=True)
    store.close()
    env = {**store_env(arcadedb, neo4j_database), "AIMSGRAPH_REQUEST_TIMEOUT": "120"}
    token = Cli(tmp_path / "unused").json("keys", "create", "--role", "editor", "--name", "racer", env=env)["token"]
    release = tmp_path / "release-p"  # P holds its prepared change until this file appears (S has answered)
    paused = {
        "AIMSGRAPH_FAILPOINT": "neo4j:before-commit",
        "AIMSGRAPH_FAILPOINT_ACTION": "pause",
        "AIMSGRAPH_FAILPOINT_PAUSE": "300",  # a hang guard only
        "AIMSGRAPH_FAILPOINT_RELEASE": str(release),
    }
    steady, steady_process = start_server(tmp_path / "unused", env=env)
    slow, slow_process = start_server(tmp_path / "unused", env={**env, **paused})
    try:
        with httpx.Client(base_url=steady, headers={"Authorization": f"Bearer {token}"}, timeout=120) as http:
            for asset in ("part-0", "part-1", "shared"):
                assert upsert(http, asset, "o")["data"]["upsertAsset"]["errors"] == []
        variables = {"asset": "shared", "uses": "part-0"}
        answers: list[Any] = []
        sending = threading.Thread(
            target=lambda: answers.append(
                httpx.post(
                    f"{slow}/graphql",
                    json={"query": LINK, "variables": variables},
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=120,
                ).json()
            )
        )
        sending.start()
        deadline = time.monotonic() + 120
        while not _log_says(slow_process, "failpoint neo4j:before-commit"):  # P holds its prepared change
            assert time.monotonic() < deadline and sending.is_alive()
            time.sleep(0.05)
        others: list[Any] = []
        committing = threading.Thread(
            target=lambda: others.append(
                httpx.post(
                    f"{steady}/graphql",
                    json={"query": LINK, "variables": {"asset": "shared", "uses": "part-1"}},
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=120,
                ).json()
            )
        )
        committing.start()
        # S answered: release P. The join's limit is a hang guard for a database that makes S wait for P's
        # transaction (then S answers only once P goes on), not a clock the test's outcome depends on.
        committing.join(timeout=100)
        release.touch()
        committing.join()
        sending.join()
        assert others and answers, "a request failed; see the servers' logs"
        other = others[0]["data"]["linkAssets"]
        first = answers[0]["data"]["linkAssets"]
        if other["errors"]:  # the database made S wait for P instead: then S is the one refused
            assert [e["code"] for e in other["errors"]] == ["CONFLICT"] and first["errors"] == []
        else:
            assert [e["code"] for e in first["errors"]] == ["CONFLICT"], first
            assert "retry" in first["errors"][0]["message"]
        query = '{ asset(id: "shared") { uses { edges { node { id } } } } }'
        with httpx.Client(base_url=steady, headers={"Authorization": f"Bearer {token}"}, timeout=120) as http:
            for retry in ("part-0", "part-1"):  # the refused one, retried; the other is already there (no-op)
                again = http.post("/graphql", json={"query": LINK, "variables": {"asset": "shared", "uses": retry}})
                assert again.json()["data"]["linkAssets"]["errors"] == []
            uses = http.post("/graphql", json={"query": query}).json()["data"]["asset"]["uses"]["edges"]
        assert {e["node"]["id"] for e in uses} == {"part-0", "part-1"}
        sequences = [e["sequence"] for e in trail(steady, token)]
        assert len(sequences) == len(set(sequences)), "two audit entries claim one sequence"
    finally:
        stop(slow_process)
        stop(steady_process)
