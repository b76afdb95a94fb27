"""Everything that differs between the Bolt servers the Neo4j store runs on, in one place.

Real Neo4j 5 is the target; ArcadeDB ("Neo4j/5.26.0 compatible (ArcadeDB …)") is what the tests run on. The
store writes one portable subset of Cypher and asks the dialect only where the servers really differ. The
server is recognised from the agent string it sends when the driver connects. docs/neo4j.md lists what each
supports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ARCADEDB = re.compile(r"ArcadeDB\s+([\w.\-]+)", re.IGNORECASE)
_NEO4J = re.compile(r"^Neo4j/([\w.\-]+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Dialect:
    """What one server family supports, as far as the product relies on it."""

    name: str  # "neo4j" or "arcadedb"
    version: str
    batch_rows: int  # rows per UNWIND statement

    @property
    def schema_statements(self) -> tuple[str, ...]:
        """Constraints and indexes, idempotent (IF NOT EXISTS works on both servers)."""
        return (
            "CREATE CONSTRAINT aimsgraph_record_iri IF NOT EXISTS FOR (n:Record) REQUIRE n.iri IS UNIQUE",
            "CREATE CONSTRAINT aimsgraph_meta_key IF NOT EXISTS FOR (m:AimsgraphMeta) REQUIRE m.key IS UNIQUE",
            "CREATE INDEX aimsgraph_provision_ref IF NOT EXISTS FOR (n:Provision) ON (n.ref)",
            "CREATE INDEX aimsgraph_provision_framework IF NOT EXISTS FOR (n:Provision) ON (n.framework)",
            "CREATE INDEX aimsgraph_framework_id IF NOT EXISTS FOR (n:Framework) ON (n.id)",
            "CREATE INDEX aimsgraph_asset_id IF NOT EXISTS FOR (n:Asset) ON (n.id)",
            "CREATE INDEX aimsgraph_evidence_valid_until IF NOT EXISTS FOR (n:Evidence) ON (n.validUntil)",
        )

    def describe(self) -> str:
        return f"{self.name} {self.version}"


def detect(agent: str) -> Dialect:
    """The dialect of the server that sent `agent` (e.g. "Neo4j/5.26.0" or "Neo4j/5.26.0 compatible (ArcadeDB
    26.10.2)"). An unknown agent is treated as Neo4j, the reference."""
    arcade = _ARCADEDB.search(agent)
    if arcade:
        # ArcadeDB accepts writes in READ sessions, so nothing but the product's own check (graph.cypher.reports, run on
        # every server) keeps reports read-only there. Also seen there, and avoided by the store on every server
        # rather than switched here: changing a node's labels twice in one transaction, or in a large MERGE
        # batch, fails with a uniqueness error (the store recreates relabelled nodes instead).
        return Dialect("arcadedb", arcade.group(1), batch_rows=1000)
    neo4j = _NEO4J.search(agent)
    return Dialect("neo4j", neo4j.group(1) if neo4j else "unknown", batch_rows=1000)
