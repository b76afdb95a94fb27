"""`aimsgraph neo4j dev-server`: a Bolt server a user can start without Docker, that the rest of the product
uses as a Neo4j store, that stops cleanly and keeps its data and password across restarts."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path
from typing import Any

import neo4j
import pytest

from graph.cypher.dev_server import port_in_use
from tests.conftest import AIMSGRAPH, ProcessCli
from tests.support.arcadedb import free_port

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def start(root: Path, port: int) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    process = subprocess.Popen(
        [AIMSGRAPH, "neo4j", "dev-server", "--root", str(root), "--port", str(port), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # printed once the server accepts Bolt connections
    if not line:
        process.wait(timeout=60)
        pytest.fail(f"dev-server exited {process.returncode}: {process.stderr.read() if process.stderr else ''}")
    return process, json.loads(line)


def stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    return stderr


def test_the_dev_server_serves_bolt_to_the_product_stops_cleanly_and_keeps_its_data(tmp_path: Path) -> None:
    root, port = tmp_path / "arcadedb", free_port()
    process, info = start(root, port)
    try:
        assert info["uri"] == f"bolt://127.0.0.1:{port}" and info["database"] == "aimsgraph"
        assert "httpPort" in info and "http_port" not in info  # JSON we write is camelCase (docs/naming.md)
        assert (root / "aimsgraph-dev-server.json").stat().st_mode & 0o777 == 0o600
        env = {
            "AIMSGRAPH_NEO4J_USER": info["user"],
            "AIMSGRAPH_NEO4J_PASSWORD": info["password"],
            "AIMSGRAPH_NEO4J_DATABASE": info["database"],
        }
        ProcessCli(tmp_path / "store").run("neo4j", "sync", "--uri", info["uri"], env=env, check=True)
        frameworks = ProcessCli(tmp_path / "unused").json("frameworks", env={**env, "AIMSGRAPH_STORE": info["uri"]})
        assert {"iso42001", "eu-ai-act", "gdpr"} <= {f["id"] for f in frameworks}
    finally:
        assert "dev server stopped" in stop(process)
    assert not port_in_use(port)  # the Java server went with it

    again, second = start(root, port)  # a restart over the same root: same password, the synced data is there
    try:
        assert second["password"] == info["password"]
        with neo4j.GraphDatabase.driver(second["uri"], auth=(second["user"], second["password"])) as driver:
            records, _, _ = driver.execute_query(
                "MATCH (f:Framework) RETURN count(f) AS n", database_=second["database"]
            )
        assert records[0]["n"] >= 5
    finally:
        stop(again)


def test_a_taken_port_is_one_clear_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        result = ProcessCli(tmp_path / "unused").run(
            "neo4j", "dev-server", "--root", str(tmp_path), "--port", str(taken)
        )
    assert result.returncode == 1 and f"port {taken} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr
