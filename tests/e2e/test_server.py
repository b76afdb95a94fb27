"""A real `aimsgraph serve` process over HTTP, as GRC tools will use it."""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import AIMSGRAPH, Cli, tiny_catalog
from tests.support.servers import free_port, start_server, stop

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    store = tmp_path_factory.mktemp("server") / "store"
    base, process = start_server(store)
    yield base, store
    stop(process)


def graphql(base: str, query: str, **variables: Any) -> dict[str, Any]:
    response = httpx.post(f"{base}/graphql", json={"query": query, "variables": variables}, timeout=10)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_health_reports_the_bootstrapped_store(server: tuple[str, Path]) -> None:
    base, _ = server
    assert httpx.get(f"{base}/healthz").json()["frameworks"] == 6


def test_graphql_answers_over_http(server: tuple[str, Path]) -> None:
    base, _ = server
    body = graphql(
        base,
        'query($ref: String!) { provision(framework: "iso42001", ref: $ref) { ref title framework { id } } }',
        ref="a.6.2.4",
    )
    assert body["data"]["provision"] == {
        "ref": "A.6.2.4",
        "title": "AI system verification and validation",
        "framework": {"id": "iso42001"},
    }
    page = graphql(base, '{ provisions(framework: "nist-ai-rmf", kind: SUBCATEGORY, first: 100) { totalCount } }')
    assert page["data"]["provisions"]["totalCount"] == 72


def test_hostile_queries_are_refused_and_the_server_keeps_serving(server: tuple[str, Path]) -> None:
    base, _ = server
    deep = '{ provision(framework: "gdpr", ref: "Article 5") { ' + "children { " * 30 + "ref" + " }" * 30 + " } }"
    assert "depth" in graphql(base, deep)["errors"][0]["message"]
    aliases = "{ " + " ".join(f"x{i}: frameworks {{ id }}" for i in range(500)) + " }"
    assert graphql(base, aliases)["errors"]
    huge = graphql(base, '{ provisions(framework: "gdpr", first: 1000000) { totalCount } }')
    assert huge["errors"][0]["extensions"]["code"] == "BAD_INPUT"
    assert graphql(base, "{ frameworks { id } }")["data"]["frameworks"]


def test_the_cli_reads_and_loads_while_the_server_holds_the_store(server: tuple[str, Path], tmp_path: Path) -> None:
    base, store = server
    cli = Cli(store)
    assert len(cli.json("frameworks")) == 6
    extra = tmp_path / "x.yaml"
    extra.write_text(tiny_catalog("x", "{ref: '1', kind: clause, title: One}"))
    result = cli.run("load", str(extra), env={"AIMSGRAPH_LOCK_WAIT": "0"})
    assert result.returncode == 0, result.stderr  # sent to the server through its write channel
    assert "loaded 2 nodes (x) from 1 file(s)" in result.stderr
    assert graphql(base, '{ framework(id: "x") { id } }')["data"]["framework"] == {"id": "x"}
    assert "x" in {f["id"] for f in cli.json("frameworks")}  # and the next read anywhere sees it


def test_graphiql_is_served_to_browsers(server: tuple[str, Path]) -> None:
    base, _ = server
    response = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200 and "graphiql" in response.text.lower()


def test_health_and_readiness_say_the_revision_and_whether_the_server_writes(server: tuple[str, Path]) -> None:
    base, _ = server
    health = httpx.get(f"{base}/healthz").json()
    ready = httpx.get(f"{base}/readyz")
    assert health["writable"] is True and health["revision"] >= 1 and health["store"] == "embedded"
    assert ready.status_code == 200 and ready.json()["ready"] is True


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"5", "must be a JSON object"),
        (b'"query"', "must be a JSON object"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"{", "not JSON"),
    ],
)
def test_a_body_that_is_not_a_json_object_gets_400(server: tuple[str, Path], body: bytes, why: str) -> None:
    base, _ = server
    response = httpx.post(f"{base}/graphql", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and why in response.text
    assert httpx.get(f"{base}/healthz").status_code == 200


def test_health_answers_while_a_heavy_query_runs(server: tuple[str, Path]) -> None:
    """Health checks are answered during a heavy query, not after it: several /healthz calls both start and
    return while the query is in flight. No timing: if the query held the event loop, a health check made
    during it could only return after it, and at most one made before it landed would count."""
    base, _ = server
    heavy = (
        '{ a: crosswalk(source: "iso27001", target: "nist-ai-rmf", includeInferred: true, first: 500) '
        "{ edges { node { source { ref } target { ref } path { ref } } } } "
        ' b: coverage(have: "nist-ai-rmf", want: "eu-ai-act", includeInferred: true) { ratio } }'
    )
    sent = threading.Event()
    answered = threading.Event()

    def ask() -> None:
        sent.set()
        httpx.post(f"{base}/graphql", json={"query": heavy}, timeout=120)
        answered.set()

    worker = threading.Thread(target=ask)
    worker.start()
    assert sent.wait(60)
    during = 0
    with httpx.Client(timeout=60) as client:
        while not answered.is_set() and during < 3:
            assert client.get(f"{base}/healthz").status_code == 200
            during += not answered.is_set()
    worker.join()
    assert during >= 3, f"only {during} health checks were answered while the query ran"


def test_a_second_writer_is_told_who_holds_the_store_instead_of_serving_stale_data(server: tuple[str, Path]) -> None:
    _, store = server
    second = subprocess.run(
        [AIMSGRAPH, "serve", "--port", str(free_port())],
        env={**os.environ, "AIMSGRAPH_STORE": str(store), "AIMSGRAPH_LOCK_WAIT": "0.5"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert second.returncode == 1 and "held for writing by another process" in second.stderr


def test_read_only_workers_follow_the_commits_of_a_cli_load(tmp_path: Path) -> None:
    store = tmp_path / "store"
    base, process = start_server(store, "--workers", "2")
    try:
        before = httpx.get(f"{base}/healthz").json()
        assert before["writable"] is False
        extra = tmp_path / "x.yaml"
        extra.write_text(tiny_catalog("x", "{ref: '1', kind: clause, title: One}"))
        Cli(store).run("load", str(extra), check=True)  # the workers do not hold the store: the load writes
        seen = set()
        for _ in range(20):  # each request may land on either worker: every one must see the new framework
            body = graphql(base, '{ framework(id: "x") { id } healthz: frameworks { id } }')
            seen.add(body["data"]["framework"]["id"])
            assert len(body["data"]["healthz"]) == 7  # the six bundled and x
        assert seen == {"x"}
        assert httpx.get(f"{base}/healthz").json()["revision"] > before["revision"]
    finally:
        stop(process)
