"""A real `aimsgraph serve` process over HTTP, as GRC tools will use it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from tests.conftest import AIMSGRAPH, Cli, tiny_catalog

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


_logs: dict[int, IO[bytes]] = {}


def start_server(store: Path, *args: str, env: dict[str, str] | None = None) -> tuple[str, subprocess.Popen[bytes]]:
    """A real `aimsgraph serve` on a free loopback port, once it answers /healthz."""
    port = free_port()
    full_env = {**os.environ, "AIMSGRAPH_STORE": str(store), **(env or {})}
    # The server's log goes to a file, never to a pipe nobody reads: it writes a JSON line per request, and a
    # full pipe (64 KiB) would block the server in its logging call.
    log = tempfile.TemporaryFile()  # noqa: SIM115 — closed with the process, in stop()
    process = subprocess.Popen(
        [AIMSGRAPH, "serve", "--port", str(port), *args],
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    _logs[process.pid] = log
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return base, process
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log.seek(0)
            raise AssertionError(f"server did not start: {log.read()!r}")
        time.sleep(0.2)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    log = _logs.pop(process.pid, None)
    if log is not None:
        log.close()


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
    page = graphql(base, '{ provisions(framework: "nist-ai-rmf", kind: subcategory, first: 100) { totalCount } }')
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


def test_the_cli_reads_while_the_server_holds_the_store(server: tuple[str, Path], tmp_path: Path) -> None:
    _, store = server
    cli = Cli(store)
    assert len(cli.json("frameworks")) == 6
    extra = tmp_path / "x.yaml"
    extra.write_text(tiny_catalog("x", "{ref: '1', kind: clause, title: One}"))
    started = time.monotonic()
    result = cli.run("load", str(extra), env={"AIMSGRAPH_LOCK_WAIT": "0.5"})
    assert result.returncode == 1 and "aimsgraph serve" in result.stderr and "Traceback" not in result.stderr
    assert "waiting" not in result.stderr and time.monotonic() - started < 5  # a server does not let go: no wait
    assert "GraphQL API" in result.stderr  # says what to do instead


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
    base, _ = server
    heavy = (
        '{ a: crosswalk(source: "iso27001", target: "nist-ai-rmf", includeInferred: true, first: 500) '
        "{ edges { node { source { ref } target { ref } path { ref } } } } "
        ' b: coverage(have: "nist-ai-rmf", want: "eu-ai-act", includeInferred: true) { ratio } }'
    )
    outcome: list[float] = []

    def ask() -> None:
        started = time.monotonic()
        httpx.post(f"{base}/graphql", json={"query": heavy}, timeout=60)
        outcome.append(time.monotonic() - started)

    worker = threading.Thread(target=ask)
    worker.start()
    time.sleep(0.05)
    waits: list[float] = []
    while worker.is_alive() and len(waits) < 20:
        started = time.monotonic()
        assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200
        waits.append(time.monotonic() - started)
    worker.join()
    assert waits and max(waits) < 1.0, f"health waited {max(waits):.2f} s behind a query of {outcome}"


def test_a_second_writer_is_told_who_holds_the_store_instead_of_serving_stale_data(server: tuple[str, Path]) -> None:
    _, store = server
    started = time.monotonic()
    second = subprocess.run(
        [AIMSGRAPH, "serve", "--port", str(free_port())],
        env={**os.environ, "AIMSGRAPH_STORE": str(store), "AIMSGRAPH_LOCK_WAIT": "0.5"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert second.returncode == 1 and "held for writing by another process" in second.stderr
    assert time.monotonic() - started < 30


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
