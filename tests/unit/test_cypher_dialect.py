"""The server is recognised from the agent string it sends on connect."""

from __future__ import annotations

from graph.stores.cypher_dialect import detect


def test_arcadedb_neo4j_and_unknown_servers_are_told_apart() -> None:
    arcade = detect("Neo4j/5.26.0 compatible (ArcadeDB 26.10.2)")
    assert (arcade.name, arcade.version) == ("arcadedb", "26.10.2")
    assert detect("Neo4j/5.26.1").describe() == "neo4j 5.26.1"
    assert detect("Memgraph/2.0").name == "neo4j"  # unknown: the reference dialect


def test_the_schema_is_idempotent_on_every_server() -> None:
    for agent in ("Neo4j/5.26.1", "Neo4j/5.26.0 compatible (ArcadeDB 26.10.2)"):
        statements = detect(agent).schema_statements
        assert statements and all("IF NOT EXISTS" in s for s in statements)
        assert any("REQUIRE n.iri IS UNIQUE" in s for s in statements)
