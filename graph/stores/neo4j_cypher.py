"""Every Cypher statement the Neo4j store runs, and the names it gives things in the graph.

One module so that the graph model (labels, the meta node, the derived relationship types) and the statements
over it are read and reviewed together; the store (`graph.stores.neo4j`) only decides which to run when.
Labels and relationship types are never parameters in Cypher: they are checked against `IDENTIFIER` and
backtick-quoted by `label()` before they are put into a statement.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ontology.terms import LINK_BY_NAME

BASE_LABEL = "Record"
PLACEHOLDER_LABEL = "Placeholder"
META_LABEL = "AimsgraphMeta"
RESERVED_LABELS = frozenset({BASE_LABEL, PLACEHOLDER_LABEL, META_LABEL})
LINK_TYPES = sorted(LINK_BY_NAME)
HASH_PROPERTY = "_hash"
SYNCED_PROPERTY = "_synced"  # on every record a sync wrote: what a sync may later replace or remove
URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

# -- Cypher (every statement the store runs) ------------------------------------------------------------------
BUMP = (
    f"MERGE (m:{META_LABEL} {{key: 'store'}}) ON CREATE SET m.revision = 0 "
    "SET m.revision = m.revision + 1 RETURN m.revision AS revision"
)
REVISION = f"MATCH (m:{META_LABEL} {{key: 'store'}}) RETURN m.revision AS revision"
NOT_SYNCED = (
    f"MATCH (n:{BASE_LABEL}) WHERE NOT n:{PLACEHOLDER_LABEL} AND n.{SYNCED_PROPERTY} IS NULL "
    "RETURN n.id AS id ORDER BY id LIMIT 5"
)
ALL_IDS = f"MATCH (n:{BASE_LABEL}) RETURN n.id AS id, n.{HASH_PROPERTY} AS hash, labels(n) AS labels"
SOME_IDS = (
    f"UNWIND $ids AS id MATCH (n:{BASE_LABEL} {{id: id}}) "
    f"RETURN n.id AS id, n.{HASH_PROPERTY} AS hash, labels(n) AS labels"
)
DROP_MAPS_TO = (
    f"UNWIND $ids AS id MATCH (m:{BASE_LABEL} {{id: id}})-[:SOURCE]->(:{BASE_LABEL})-[r:MAPS_TO]->() "
    "WHERE r.mapping = id DELETE r"
)
DROP_LINKS = f"UNWIND $ids AS id MATCH (n:{BASE_LABEL} {{id: id}})-[r]->() WHERE type(r) IN $types DELETE r"
INCOMING = (
    f"UNWIND $ids AS id MATCH (s:{BASE_LABEL})-[r]->(n:{BASE_LABEL} {{id: id}}) "
    "RETURN s.id AS source, id AS target, type(r) AS type, properties(r) AS props"
)
OUTGOING_DERIVED = (
    f"UNWIND $ids AS id MATCH (n:{BASE_LABEL} {{id: id}})-[r]->(t:{BASE_LABEL}) WHERE NOT type(r) IN $types "
    "RETURN id AS source, t.id AS target, type(r) AS type, properties(r) AS props"
)
DELETE = f"UNWIND $ids AS id MATCH (n:{BASE_LABEL} {{id: id}}) DETACH DELETE n"
SET_PROPS = f"UNWIND $rows AS row MATCH (n:{BASE_LABEL} {{id: row.id}}) SET n = row.props"
NEW_PLACEHOLDERS = f"UNWIND $ids AS id CREATE (n:{BASE_LABEL}:{PLACEHOLDER_LABEL} {{id: id}})"
CREATE_MAPS_TO = (
    f"UNWIND $rows AS row MATCH (s:{BASE_LABEL} {{id: row.source}}) MATCH (t:{BASE_LABEL} {{id: row.target}}) "
    "CREATE (s)-[r:MAPS_TO]->(t) SET r = row.props"
)
SWEEP_PLACEHOLDERS = (
    f"MATCH (p:{BASE_LABEL}:{PLACEHOLDER_LABEL}) OPTIONAL MATCH ()-[r]->(p) WHERE type(r) IN $types "
    "WITH p, count(r) AS incoming WHERE incoming = 0 DETACH DELETE p"
)
# Derived relationships the sync computes with the engine (docs/neo4j.md): inferred crosswalk edges and the
# obligations of each asset. The sync hands rows {source, target, props} (both ends must exist as records);
# they are written grouped by source.
DERIVED = {
    "inferred_mappings": (
        f"UNWIND $rows AS row MATCH (s:{BASE_LABEL} {{id: row.source}}) "
        f"UNWIND row.edges AS edge MATCH (t:{BASE_LABEL} {{id: edge.target}}) "
        "CREATE (s)-[r:MAPS_TO]->(t) SET r = edge.props, r.inferred = true, r.derived = true"
    ),
    "obligations": (
        f"UNWIND $rows AS row MATCH (s:{BASE_LABEL} {{id: row.source}}) "
        f"UNWIND row.edges AS edge MATCH (t:{BASE_LABEL} {{id: edge.target}}) "
        "CREATE (s)-[r:SUBJECT_TO]->(t) SET r = edge.props, r.derived = true"
    ),
}
DROP_DERIVED = {
    "inferred_mappings": "MATCH ()-[r:MAPS_TO]->() WHERE r.derived = true DELETE r",
    "obligations": "MATCH ()-[r:SUBJECT_TO]->() DELETE r",
}
READ_TAIL = (
    "OPTIONAL MATCH (n)-[r]->(t) WHERE type(r) IN $types "
    "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props, collect([type(r), t.id]) AS links"
)
GET = f"UNWIND $ids AS id MATCH (n:{BASE_LABEL} {{id: id}}) WHERE NOT n:{PLACEHOLDER_LABEL} " + READ_TAIL
ALL_NODES = (
    f"MATCH (n:{BASE_LABEL}) WHERE NOT n:{PLACEHOLDER_LABEL} "
    "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props"
)
ALL_LINKS = (
    f"MATCH (n:{BASE_LABEL})-[r]->(t:{BASE_LABEL}) WHERE type(r) IN $types "
    "RETURN n.id AS id, type(r) AS type, t.id AS target"
)
ANY_NODE = f"MATCH (n:{BASE_LABEL}) WHERE NOT n:{PLACEHOLDER_LABEL} RETURN n.id AS id LIMIT 1"


def derived_hash(kind: str) -> str:
    """The content hash of the derived edges of one kind, kept on the meta node (`kind` is a key of DERIVED)."""
    return f"MATCH (m:{META_LABEL} {{key: 'store'}}) RETURN m.derived_{kind} AS hash"


def set_derived_hash(kind: str) -> str:
    return f"MATCH (m:{META_LABEL} {{key: 'store'}}) SET m.derived_{kind} = $hash"


def label(name: str) -> str:
    """A label or relationship type, backtick-quoted; only plain identifiers are accepted."""
    if not IDENTIFIER.match(name):
        raise ValueError(f"{name!r} is not a usable label or relationship type")
    return f"`{name}`"


def nodes_with_label(name: str) -> str:
    return f"MATCH (n:{BASE_LABEL}:{label(name)}) WHERE NOT n:{PLACEHOLDER_LABEL} " + READ_TAIL


def projected_nodes(name: str, props: Sequence[str]) -> str:
    """The nodes with a label, each with only the named properties (a map literal: no other value is sent)."""
    fields = ", ".join(f"{label(prop)}: n.{label(prop)}" for prop in props)
    return (
        f"MATCH (n:{BASE_LABEL}:{label(name)}) WHERE NOT n:{PLACEHOLDER_LABEL} RETURN n.id AS id, {{{fields}}} AS props"
    )


def create_nodes(labels: Sequence[str]) -> str:
    return (
        f"UNWIND $rows AS row CREATE (n:{BASE_LABEL}{''.join(':' + label(x) for x in labels)} {{id: row.id}}) "
        "SET n += row.props"
    )


def recreate(kind: str) -> str:
    return (
        f"UNWIND $rows AS row MATCH (s:{BASE_LABEL} {{id: row.source}}) MATCH (t:{BASE_LABEL} {{id: row.target}}) "
        f"CREATE (s)-[r:{label(kind)}]->(t) SET r = row.props"
    )


def create_links(link: str) -> str:
    """Links grouped by their source: one lookup per source node, not per link (measured: 20 USES per asset
    wrote about twice as fast)."""
    return (
        f"UNWIND $rows AS row MATCH (s:{BASE_LABEL} {{id: row.source}}) "
        f"UNWIND row.targets AS target MATCH (t:{BASE_LABEL} {{id: target}}) CREATE (s)-[:{label(link)}]->(t)"
    )


def referrers(link: str) -> str:
    return (
        f"UNWIND $ids AS id MATCH (s:{BASE_LABEL})-[:{label(link)}]->(:{BASE_LABEL} {{id: id}}) "
        f"WHERE NOT s:{PLACEHOLDER_LABEL} RETURN id, s.id AS referrer"
    )
