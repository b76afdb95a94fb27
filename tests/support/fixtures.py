"""Pytest fixtures for the Neo4j store: one ArcadeDB server per test session (per xdist worker), and a fresh
database on it for each test that writes.

Why one server: it takes seconds to start and the machine running CI is small; databases keep tests apart.
When the server cannot start (no wheel, no Java), the tests that need it are skipped with the reason,
except in CI (`AIMSGRAPH_REQUIRE_ARCADEDB=1`), where that is a failure.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from core.records import Node
from graph.service import Service
from graph.stores.embedded import EmbeddedStore
from graph.stores.neo4j import Neo4jStore
from tests.support.arcadedb import ArcadeDB, ArcadeDBUnavailableError, start_arcadedb

_numbers = itertools.count()


@pytest.fixture(scope="session")
def arcadedb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArcadeDB]:
    try:
        server = start_arcadedb(tmp_path_factory.mktemp("arcadedb"), heap="768m")
    except ArcadeDBUnavailableError as error:
        if os.environ.get("AIMSGRAPH_REQUIRE_ARCADEDB"):
            raise
        pytest.skip(f"no ArcadeDB server: {error}")
    yield server
    server.stop()


def fresh_database(server: ArcadeDB) -> str:
    return server.create_database(f"t{os.getpid()}x{next(_numbers)}")


@pytest.fixture
def neo4j_database(arcadedb: ArcadeDB) -> Iterator[str]:
    """A fresh, empty database on the session's server, dropped after the test."""
    name = fresh_database(arcadedb)
    yield name
    if arcadedb.alive():
        arcadedb.drop_database(name)


@pytest.fixture
def neo4j_store(arcadedb: ArcadeDB, neo4j_database: str) -> Iterator[Neo4jStore]:
    store = Neo4jStore.open(arcadedb.uri, user=arcadedb.user, password=arcadedb.password, database=neo4j_database)
    yield store
    store.close()


def open_neo4j(server: ArcadeDB, database: str) -> Neo4jStore:
    return Neo4jStore.open(server.uri, user=server.user, password=server.password, database=database)


def store_env(server: ArcadeDB, database: str) -> dict[str, str]:
    """The environment that points the CLI (or a server process) at a database on `server`."""
    return {
        "AIMSGRAPH_STORE": server.uri,
        "AIMSGRAPH_NEO4J_USER": server.user,
        "AIMSGRAPH_NEO4J_PASSWORD": server.password,
        "AIMSGRAPH_NEO4J_DATABASE": database,
    }


@pytest.fixture(scope="session")
def bundled_records() -> list[Node]:
    """Every record of the bundled data (with the demo organisation), as the embedded store holds them."""
    store = EmbeddedStore.open(None)
    service = Service(store)
    service.load(include_bundled=True, replace=True)
    records = list(store.all_nodes())
    service.close()
    return records


DEMO_DAY = dt.date(2026, 11, 29)  # the day loaders/demo/EXPECTED.md is written for


@dataclass(frozen=True)
class DemoDatabase:
    """A database on the session's server holding the bundled data and the demo organisation, synced once."""

    server: ArcadeDB
    database: str

    @property
    def env(self) -> dict[str, str]:
        return store_env(self.server, self.database)

    def open(self) -> Neo4jStore:
        return open_neo4j(self.server, self.database)


@pytest.fixture(scope="session")
def neo4j_demo(arcadedb: ArcadeDB, bundled: Service) -> DemoDatabase:
    """Read-only by convention: tests that write use a database of their own."""
    name = arcadedb.create_database(f"demo{os.getpid()}")
    bundled.sync_to_neo4j(arcadedb.uri, user=arcadedb.user, password=arcadedb.password, database=name, as_of=DEMO_DAY)
    return DemoDatabase(arcadedb, name)


def graph_dump(store: Neo4jStore) -> tuple[list[str], list[str]]:
    """Everything in the database but the revision and the syncs' own audit entries (each sync adds one), as
    sorted lines: for comparing two syncs."""
    nodes = store.query(
        "MATCH (n) WHERE NOT n:AimsgraphMeta AND NOT (n:AuditEntry AND n.operation = 'sync') "
        "RETURN n.iri AS id, labels(n) AS labels, properties(n) AS props"
    )
    edges = store.query("MATCH (a)-[r]->(b) RETURN a.iri AS a, type(r) AS type, b.iri AS b, properties(r) AS props")
    for node in nodes:
        node["labels"] = sorted(node["labels"])
    return (
        sorted(json.dumps(n, sort_keys=True, default=str) for n in nodes),
        sorted(json.dumps(e, sort_keys=True, default=str) for e in edges),
    )
