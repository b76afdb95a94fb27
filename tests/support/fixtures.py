"""Pytest fixtures for the Neo4j store: one ArcadeDB server per test session (per xdist worker), and a fresh
database on it for each test that writes.

Why one server: it takes seconds to start and the machine running CI is small; databases keep tests apart.
When the server cannot start (no wheel, no Java), the tests that need it are skipped with the reason,
except in CI (`AIMSGRAPH_REQUIRE_ARCADEDB=1`), where that is a failure.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest

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
