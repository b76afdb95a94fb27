"""The CLI and the GraphQL API run on the Neo4j store unchanged (`--store bolt://…` or `$AIMSGRAPH_STORE`), two
API servers over one database see each other's writes, and a server that cannot be reached or refuses the
credentials is one clear line, without the password."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from api.graphql.app import create_app
from core.errors import StoreUnavailableError
from core.records import GraphBatch, Node
from graph.service import Service
from graph.settings import Settings
from graph.stores.neo4j import Neo4jStore
from graph.views.write import Actor
from tests.conftest import Cli, tiny_catalog
from tests.support.arcadedb import ArcadeDB, free_port
from tests.support.fixtures import DEMO_DAY, DemoDatabase, open_neo4j, store_env
from tests.support.servers import start_server, stop

pytestmark = pytest.mark.integration

OBLIGATIONS = """query($asset: String!, $day: Date!) {
  obligations(assetId: $asset, asOf: $day, first: 500) {
    totalCount edges { node { provision { ref framework { id } } addressee status reasons { rule } } }
  }
}"""


def test_cli_commands_answer_on_neo4j_as_on_the_embedded_store(
    tmp_path: Path, seeded_cli: Cli, neo4j_demo: DemoDatabase
) -> None:
    on_neo4j = Cli(tmp_path / "unused")
    env = neo4j_demo.env
    day = DEMO_DAY.isoformat()
    for command in (
        ["frameworks"],
        ["provision", "eu-ai-act", "Art. 26(1)"],
        ["assets"],
        ["obligations", "credit-system", "--as-of", day],
        ["gaps", "--as-of", day],
        ["crosswalk", "iso42001", "iso27001"],
    ):
        expected = seeded_cli.run(*command, "--json", check=True).stdout
        assert on_neo4j.run(*command, "--json", env=env, check=True).stdout == expected, command
    via_option = on_neo4j.run("--store", neo4j_demo.server.uri, "frameworks", "--json", env=env, check=True)
    assert via_option.stdout == seeded_cli.run("frameworks", "--json", check=True).stdout


def test_the_graphql_api_answers_on_neo4j_as_on_the_embedded_store(neo4j_demo: DemoDatabase, bundled: Service) -> None:
    settings = Settings()
    store = neo4j_demo.open()

    def ask(service: Service, query: str, **variables: Any) -> Any:
        with TestClient(create_app(service, settings)) as client:
            response = client.post("/graphql", json={"query": query, "variables": variables})
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    on_neo4j = Service(store)
    for query, variables in (
        ("{ frameworks { id name provisionCount } }", {}),
        (OBLIGATIONS, {"asset": "credit-system", "day": DEMO_DAY.isoformat()}),
        (OBLIGATIONS, {"asset": "support-chatbot", "day": DEMO_DAY.isoformat()}),
    ):
        assert ask(on_neo4j, query, **variables) == ask(bundled, query, **variables)
    with TestClient(create_app(on_neo4j, settings)) as client:
        health = client.get("/healthz").json()
    assert health["store"] == "neo4j" and health["writable"] is True and health["frameworks"] == 6
    store.close()


@pytest.mark.slow
@pytest.mark.e2e
def test_two_servers_over_one_database_see_each_others_writes_on_the_next_request(
    arcadedb: ArcadeDB, neo4j_database: str, bundled_records: list[Node], tmp_path: Path
) -> None:
    store = open_neo4j(arcadedb, neo4j_database)
    store.write(GraphBatch(bundled_records), replace=True)
    store.close()
    env = store_env(arcadedb, neo4j_database)
    first, first_process = start_server(tmp_path / "unused", env=env)
    second, second_process = start_server(tmp_path / "unused", env=env)
    try:
        query = {"query": "{ frameworks { id } }"}
        before = [httpx.get(f"{base}/healthz", timeout=10).json()["revision"] for base in (first, second)]
        assert before[0] == before[1]
        assert "x" not in {
            f["id"] for f in httpx.post(f"{second}/graphql", json=query, timeout=30).json()["data"]["frameworks"]
        }
        extra = tmp_path / "x.yaml"
        extra.write_text(tiny_catalog("x", "{ref: '1', kind: clause, title: One}"))
        Cli(tmp_path / "unused").run("load", str(extra), env=env, check=True)  # a write from a third process
        for base in (second, first):  # each server's next request sees it
            frameworks = httpx.post(f"{base}/graphql", json=query, timeout=30).json()["data"]["frameworks"]
            assert "x" in {f["id"] for f in frameworks}
            assert httpx.get(f"{base}/healthz", timeout=10).json()["revision"] == before[0] + 1
    finally:
        stop(first_process)
        stop(second_process)


def one_line_error(result: Any) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in result.stderr
    return str(lines[0])


def test_an_unreachable_server_is_one_line_for_every_command(tmp_path: Path, seeded_cli: Cli) -> None:
    closed = f"bolt://127.0.0.1:{free_port()}"
    cli = Cli(tmp_path / "unused")
    for result in (
        seeded_cli.run("neo4j", "sync", "--uri", closed),
        cli.run("report", "gaps-by-owner", "--uri", closed),
        cli.run("frameworks", env={"AIMSGRAPH_STORE": closed}),
    ):
        assert f"the Neo4j server at {closed}" in one_line_error(result)


def test_wrong_credentials_are_one_line_that_never_shows_the_password(
    arcadedb: ArcadeDB, neo4j_database: str, seeded_cli: Cli
) -> None:
    wrong = "not-the-password-4711"
    result = seeded_cli.run(
        "neo4j", "sync", "--uri", arcadedb.uri, "--database", neo4j_database, "--user", "root", "--password", wrong
    )
    message = one_line_error(result)
    assert "refused the credentials" in message and wrong not in result.stderr + result.stdout
    inline = f"bolt://root:{wrong}@127.0.0.1:{arcadedb.bolt_port}"
    result = seeded_cli.run("neo4j", "sync", "--uri", inline, "--database", neo4j_database)
    assert "refused the credentials" in one_line_error(result) and wrong not in result.stderr + result.stdout
    assert open_neo4j(arcadedb, neo4j_database).is_empty()  # nothing was written


def test_a_missing_database_or_a_uri_that_is_not_bolt_is_one_line(arcadedb: ArcadeDB, seeded_cli: Cli) -> None:
    login = {"AIMSGRAPH_NEO4J_USER": arcadedb.user, "AIMSGRAPH_NEO4J_PASSWORD": arcadedb.password}
    missing = seeded_cli.run("neo4j", "sync", "--uri", arcadedb.uri, "--database", "nosuchdb", env=login)
    assert "has no usable database 'nosuchdb'" in one_line_error(missing)
    for args in (["neo4j", "sync"], ["report", "gaps-by-owner"]):
        wrong = seeded_cli.run(*args, "--uri", f"http://127.0.0.1:{arcadedb.http_port}", env=login)
        assert "--uri takes a Neo4j server's bolt:// or neo4j:// URI" in one_line_error(wrong)


def test_the_store_raises_its_own_error_for_a_server_that_is_not_there() -> None:
    with pytest.raises(StoreUnavailableError, match=r"could not connect to the Neo4j server at bolt://127\.0\.0\.1:"):
        Neo4jStore.open(f"bolt://127.0.0.1:{free_port()}", user="neo4j", password="secret-pw", timeout=2)


def test_the_audit_trail_on_neo4j_pages_newest_first_from_a_fresh_index(
    arcadedb: ArcadeDB, neo4j_database: str, bundled_records: list[Node]
) -> None:
    store = open_neo4j(arcadedb, neo4j_database)
    store.write(GraphBatch(bundled_records), replace=True)
    writer = Service(store)
    actor = Actor("cli", name="tests")
    writer.inventory.upsert_asset(actor, "northwind", {"id": "t-audit", "kind": "model", "name": "T", "owner": "a"})
    writer.inventory.upsert_asset(actor, "northwind", {"id": "t-audit", "kind": "model", "name": "T", "owner": "b"})
    revision = writer.answers().revision
    writer.close()
    reader = Service(open_neo4j(arcadedb, neo4j_database))  # another process's view: indexed from the database
    try:
        trail = reader.audit_log(revision, target="t-audit", kind="asset")
        assert len(trail) == 2
        assert ['"owner":"b"' in e.after for e in trail] == [True, False]  # newest first, values read per page
        assert trail[0].sequence > trail[1].sequence
    finally:
        reader.close()


def test_a_key_revoked_from_the_cli_is_refused_by_a_server_on_neo4j_and_listed_as_revoked(
    arcadedb: ArcadeDB, neo4j_database: str, bundled_records: list[Node], tmp_path: Path
) -> None:
    """The probe's critical finding: on the Neo4j store `keys revoke` printed "revoked", `keys list` showed
    `revoked_at: null` and the token kept writing."""
    store = open_neo4j(arcadedb, neo4j_database)
    store.write(GraphBatch(bundled_records), replace=True)
    store.close()
    env = store_env(arcadedb, neo4j_database)
    cli = Cli(tmp_path / "unused")
    made = cli.json("keys", "create", "--role", "editor", "--name", "probe", env=env)
    mutation = {
        "query": 'mutation { upsertAsset(input: {id: "k1", kind: MODEL, name: "K", owner: "o"}) { asset { id } } }'
    }
    with TestClient(create_app(Service(open_neo4j(arcadedb, neo4j_database)), Settings())) as client:
        headers = {"Authorization": f"Bearer {made['token']}"}
        accepted = client.post("/graphql", json=mutation, headers=headers).json()
        assert "errors" not in accepted, accepted
        listed = cli.json("keys", "list", env=env)
        assert listed[0]["createdAt"].startswith(dt.date.today().isoformat()[:4])  # not 0001-01-01
        cli.run("keys", "revoke", made["id"], env=env, check=True)
        assert cli.json("keys", "list", env=env)[0]["revokedAt"] is not None
        refused = client.post("/graphql", json=mutation, headers=headers)
        assert refused.status_code == 401, refused.text
