"""A real `aimsgraph serve` process over HTTP, as GRC tools will use it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import AIMSGRAPH, Cli, tiny_catalog

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    store = tmp_path_factory.mktemp("server") / "store"
    port = free_port()
    env = {**os.environ, "AIMSGRAPH_STORE": str(store)}
    process = subprocess.Popen(
        [AIMSGRAPH, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"server did not start: {process.stderr.read() if process.stderr else ''!r}")
        time.sleep(0.2)
    yield base, store
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def graphql(base: str, query: str, **variables: Any) -> dict[str, Any]:
    response = httpx.post(f"{base}/graphql", json={"query": query, "variables": variables}, timeout=10)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_health_reports_the_bootstrapped_store(server: tuple[str, Path]) -> None:
    base, _ = server
    assert httpx.get(f"{base}/healthz").json()["frameworks"] == 5


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
    page = graphql(base, '{ provisions(framework: "nist-ai-rmf", kind: "subcategory", first: 100) { totalCount } }')
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
    assert len(cli.json("frameworks")) == 5
    extra = tmp_path / "x.yaml"
    extra.write_text(tiny_catalog("x", "{ref: '1', kind: clause, title: One}"))
    result = cli.run("load", str(extra))
    assert result.returncode == 1 and "aimsgraph serve" in result.stderr and "Traceback" not in result.stderr


def test_graphiql_is_served_to_browsers(server: tuple[str, Path]) -> None:
    base, _ = server
    response = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200 and "graphiql" in response.text.lower()
