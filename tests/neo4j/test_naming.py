"""One naming convention per interface (docs/naming.md), checked where a user meets the names on Neo4j: the
model after a sync (labels PascalCase, relationship types UPPER_SNAKE, properties camelCase, `iri` the key and
`id` the short id), and the JSON of the commands that need a server (`report`, `neo4j sync`). GraphQL, the
other CLI commands, audit entries and the changes feed are checked in tests/unit/test_naming.py."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Cli
from tests.support.arcadedb import ArcadeDB
from tests.support.fixtures import DEMO_DAY, DemoDatabase, store_env
from tests.unit.test_naming import wrong_keys

PASCAL = re.compile(r"^[A-Z][A-Za-z0-9]*$")
CAMEL = re.compile(r"^[a-z][A-Za-z0-9]*$")
UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
BOOKKEEPING = {"_hash", "_synced"}  # the store's own, outside the model (docs/naming.md)


@pytest.mark.integration
def test_the_neo4j_model_after_a_sync_follows_the_convention(neo4j_demo: DemoDatabase) -> None:
    store = neo4j_demo.open()
    try:
        labels = [r["label"] for r in store.query("MATCH (n) UNWIND labels(n) AS label RETURN DISTINCT label")]
        types = [r["type"] for r in store.query("MATCH ()-[r]->() RETURN DISTINCT type(r) AS type")]
        node_keys = {r["key"] for r in store.query("MATCH (n:Record) UNWIND keys(n) AS key RETURN DISTINCT key")}
        edge_keys = {r["key"] for r in store.query("MATCH ()-[r]->() UNWIND keys(r) AS key RETURN DISTINCT key")}
        [credit] = store.query(
            "MATCH (a:Asset {id: 'credit-system'}) RETURN a.iri AS iri, a.id AS id, a.identifier AS identifier"
        )
    finally:
        store.close()
    assert [x for x in labels if not PASCAL.match(x)] == []
    assert {"Provision", "Asset", "AISystem", "Evidence", "Framework"} <= set(labels)
    assert [x for x in types if not UPPER_SNAKE.match(x)] == []
    assert {"MAPS_TO", "INFERRED_MAPS_TO", "SUBJECT_TO", "COVERAGE", "PART_OF"} <= set(types)
    assert sorted(k for k in node_keys | edge_keys if not CAMEL.match(k) and k not in BOOKKEEPING) == []
    assert {"iri", "id", "validUntil", "appliesFrom", "framework", "name"} <= node_keys
    assert credit == {
        "iri": "https://w3id.org/aimsgraph/id/org/northwind/asset/credit-system",
        "id": "credit-system",
        "identifier": None,
    }


@pytest.mark.integration
def test_report_rows_are_camel_case_json(neo4j_demo: DemoDatabase, cli: Cli) -> None:
    env = dict(neo4j_demo.env)
    uri = env.pop("AIMSGRAPH_STORE")
    wrong = []
    day = f"as_of={DEMO_DAY}"
    for name, *params in (
        ("evidence-expiring", "--param", day),
        ("high-risk-without-impact-assessment", "--param", day),
        ("upcoming-obligations",),
        ("coverage",),
    ):
        rows = cli.json("report", name, *params, "--uri", uri, env=env)
        assert rows, name
        wrong += [f"{name}: {key}" for key in rows[0] if not CAMEL.match(key)]
    assert wrong == []


@pytest.mark.integration
def test_report_list_and_sync_json_are_camel_case(arcadedb: ArcadeDB, neo4j_database: str, cli: Cli) -> None:
    env = store_env(arcadedb, neo4j_database)
    uri = env.pop("AIMSGRAPH_STORE")
    synced = cli.json("neo4j", "sync", "--uri", uri, env=env)
    assert synced["records"] > 0 and "asOf" in synced
    assert wrong_keys(synced) == []
    assert wrong_keys(cli.json("report", "--list")) == []
