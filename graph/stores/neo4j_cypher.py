"""Every Cypher statement the Neo4j store runs, and the names it gives things in the graph.

One module so that the graph model (labels, the meta node, the derived relationship types) and the statements
over it are read and reviewed together; the store (`graph.stores.neo4j`) only decides which to run when.
Labels and relationship types are never parameters in Cypher: they are checked against `IDENTIFIER` and
backtick-quoted by `label()` before they are put into a statement.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from core.naming import camel
from ontology.terms import LINK_BY_NAME, PROPERTY_BY_NAME

BASE_LABEL = "Record"
PLACEHOLDER_LABEL = "Placeholder"
META_LABEL = "AimsgraphMeta"
RESERVED_LABELS = frozenset({BASE_LABEL, PLACEHOLDER_LABEL, META_LABEL})
LINK_TYPES = sorted(LINK_BY_NAME)
KEY_PROPERTY = "iri"  # the record's IRI; `Record.iri` is unique (a constraint)
HASH_PROPERTY = "_hash"
SYNCED_PROPERTY = "_synced"  # on every record a sync wrote: what a sync may later replace or remove
URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

# -- property names (docs/naming.md) ---------------------------------------------------------------------------
# A record's properties are written under GraphQL's name for the same thing: camelCase, `id` for the short id
# the files write (an asset's, a framework's), `iri` for the key. A provision's own `applies_from` (the date
# its catalog states) is `catalogAppliesFrom`: `appliesFrom` on a provision is the sync's answer as the law
# stands, amendments included (DERIVED_PROVISION_PROPERTIES).
PROPERTY_OVERRIDES = {
    "content_hash": "sha256",
    "collected_on": "collected",
}
PROVISION_OVERRIDES = {"applies_from": "catalogAppliesFrom"}
DATE_SCOPE_SUFFIXES = {"annex_i": "AnnexI", "annex_iii": "AnnexIII"}
DERIVED_PROVISION_PROPERTIES = frozenset(
    {"framework", "name", "appliesFrom", "originalAppliesFrom", "amendedBy", "inForce", "datesAsOf"}
    | {"curatedLinks", "inferredLinks", "curatedReaches", "reaches"}
    | {f"appliesFrom{suffix}" for suffix in DATE_SCOPE_SUFFIXES.values()}
    | {f"originalAppliesFrom{suffix}" for suffix in DATE_SCOPE_SUFFIXES.values()}
)


def property_key(name: str, labels: Sequence[str]) -> str:
    """The graph's name for the record property `name` on a node with `labels`."""
    if "Provision" in labels and name in PROVISION_OVERRIDES:
        return PROVISION_OVERRIDES[name]
    # `id` is the short id: a framework's own on a Framework node, the record's identifier elsewhere. Only one
    # of the two may take the name on a node, or a read could not tell which was written.
    if name == ("framework_id" if "Framework" in labels else "identifier"):
        return "id"
    return PROPERTY_OVERRIDES.get(name) or camel(name)


@functools.cache
def property_names(labels: tuple[str, ...]) -> dict[str, str]:
    """The graph's property names on a node with `labels`, back to the record's (the reverse of property_key);
    derived and bookkeeping properties are not in it, so they are never read into a record."""
    names = {property_key(name, labels): name for name in PROPERTY_BY_NAME}
    if "Provision" in labels:
        for key in DERIVED_PROVISION_PROPERTIES:
            names.pop(key, None)
    return names


# -- Cypher (every statement the store runs) ------------------------------------------------------------------
BUMP = (
    f"MERGE (m:{META_LABEL} {{key: 'store'}}) ON CREATE SET m.revision = 0 "
    "SET m.revision = m.revision + 1 RETURN m.revision AS revision"
)
REVISION = f"MATCH (m:{META_LABEL} {{key: 'store'}}) RETURN m.revision AS revision"
NOT_SYNCED = (
    f"MATCH (n:{BASE_LABEL}) WHERE NOT n:{PLACEHOLDER_LABEL} AND n.{SYNCED_PROPERTY} IS NULL "
    "RETURN n.iri AS id ORDER BY id LIMIT 5"
)
ALL_IDS = f"MATCH (n:{BASE_LABEL}) RETURN n.iri AS id, n.{HASH_PROPERTY} AS hash, labels(n) AS labels"
SOME_IDS = (
    f"UNWIND $ids AS id MATCH (n:{BASE_LABEL} {{iri: id}}) "
    f"RETURN n.iri AS id, n.{HASH_PROPERTY} AS hash, labels(n) AS labels"
)
DROP_MAPS_TO = (
    f"UNWIND $ids AS id MATCH (m:{BASE_LABEL} {{iri: id}})-[:SOURCE]->(:{BASE_LABEL})-[r:MAPS_TO]->() "
    "WHERE r.mapping = id DELETE r"
)
DROP_LINKS = f"UNWIND $ids AS id MATCH (n:{BASE_LABEL} {{iri: id}})-[r]->() WHERE type(r) IN $types DELETE r"
INCOMING = (
    f"UNWIND $ids AS id MATCH (s:{BASE_LABEL})-[r]->(n:{BASE_LABEL} {{iri: id}}) "
    "RETURN s.iri AS source, id AS target, type(r) AS type, properties(r) AS props"
)
OUTGOING_DERIVED = (
    f"UNWIND $ids AS id MATCH (n:{BASE_LABEL} {{iri: id}})-[r]->(t:{BASE_LABEL}) WHERE NOT type(r) IN $types "
    "RETURN id AS source, t.iri AS target, type(r) AS type, properties(r) AS props"
)
DELETE = f"UNWIND $ids AS id MATCH (n:{BASE_LABEL} {{iri: id}}) DETACH DELETE n"
SET_PROPS = f"UNWIND $rows AS row MATCH (n:{BASE_LABEL} {{iri: row.id}}) SET n = row.props"
NEW_PLACEHOLDERS = f"UNWIND $ids AS id CREATE (n:{BASE_LABEL}:{PLACEHOLDER_LABEL} {{iri: id}})"
CREATE_MAPS_TO = (
    f"UNWIND $rows AS row MATCH (s:{BASE_LABEL} {{iri: row.source}}) MATCH (t:{BASE_LABEL} {{iri: row.target}}) "
    "CREATE (s)-[r:MAPS_TO]->(t) SET r = row.props"
)
SWEEP_PLACEHOLDERS = (
    f"MATCH (p:{BASE_LABEL}:{PLACEHOLDER_LABEL}) OPTIONAL MATCH ()-[r]->(p) WHERE type(r) IN $types "
    "WITH p, count(r) AS incoming WHERE incoming = 0 DETACH DELETE p"
)
# Derived relationships the sync computes with the engine (docs/neo4j.md): inferred crosswalk edges (their own
# type, so `MAPS_TO` is curated only), the obligations of each asset, and each organisation's coverage verdicts.
# The sync hands rows {source, target, props} (both ends must exist as records); they are written grouped by
# source.
DERIVED_TYPES = {
    "inferred_mappings": "INFERRED_MAPS_TO",
    "obligations": "SUBJECT_TO",
    "coverage": "COVERAGE",
    "crosswalk_counts": "CROSSWALK",
}
DERIVED = {
    kind: (
        f"UNWIND $rows AS row MATCH (s:{BASE_LABEL} {{iri: row.source}}) "
        f"UNWIND row.edges AS edge MATCH (t:{BASE_LABEL} {{iri: edge.target}}) "
        f"CREATE (s)-[r:{kind_type}]->(t) SET r = edge.props, r.derived = true"
    )
    for kind, kind_type in DERIVED_TYPES.items()
}
# The edges are collected before any is deleted. Seen on ArcadeDB: deleting them as the match streams them, a
# node's edges of one type, then its edges of another in the same transaction, skipped some of the second type
# (8 of the organisation's 119 SUBJECT_TO edges after its COVERAGE edges), and the sync then wrote them twice.
DROP_DERIVED = {
    kind: f"MATCH ()-[r:{kind_type}]->() WITH collect(r) AS found UNWIND found AS r DELETE r"
    for kind, kind_type in DERIVED_TYPES.items()
}
# Properties the sync works out for provision nodes (framework, display name, dates per scope): set on the
# nodes, never read back into a record (`DERIVED_PROVISION_PROPERTIES`).
SET_PROVISION_PROPS = f"UNWIND $rows AS row MATCH (n:{BASE_LABEL} {{iri: row.iri}}) SET n += row.props"
READ_TAIL = (
    "OPTIONAL MATCH (n)-[r]->(t) WHERE type(r) IN $types "
    "RETURN n.iri AS id, labels(n) AS labels, properties(n) AS props, collect([type(r), t.iri]) AS links"
)
GET = f"UNWIND $ids AS id MATCH (n:{BASE_LABEL} {{iri: id}}) WHERE NOT n:{PLACEHOLDER_LABEL} " + READ_TAIL
ALL_NODES = (
    f"MATCH (n:{BASE_LABEL}) WHERE NOT n:{PLACEHOLDER_LABEL} "
    "RETURN n.iri AS id, labels(n) AS labels, properties(n) AS props"
)
ALL_LINKS = (
    f"MATCH (n:{BASE_LABEL})-[r]->(t:{BASE_LABEL}) WHERE type(r) IN $types "
    "RETURN n.iri AS id, type(r) AS type, t.iri AS target"
)
ANY_NODE = f"MATCH (n:{BASE_LABEL}) WHERE NOT n:{PLACEHOLDER_LABEL} RETURN n.iri AS id LIMIT 1"


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
    """The nodes with a label, each with only the named record properties (a map literal: no other value is
    sent), under every graph name they may have (a provision's `applies_from` has its own), and its labels."""
    keys = sorted({property_key(p, scope) for p in props for scope in ((), ("Provision",), ("Framework",))})
    fields = ", ".join(f"{label(key)}: n.{label(key)}" for key in keys)
    return (
        f"MATCH (n:{BASE_LABEL}:{label(name)}) WHERE NOT n:{PLACEHOLDER_LABEL} "
        f"RETURN n.{KEY_PROPERTY} AS id, labels(n) AS labels, {{{fields}}} AS props"
    )


def create_nodes(labels: Sequence[str]) -> str:
    return (
        f"UNWIND $rows AS row CREATE (n:{BASE_LABEL}{''.join(':' + label(x) for x in labels)} {{iri: row.id}}) "
        "SET n += row.props"
    )


def recreate(kind: str) -> str:
    return (
        f"UNWIND $rows AS row MATCH (s:{BASE_LABEL} {{iri: row.source}}) MATCH (t:{BASE_LABEL} {{iri: row.target}}) "
        f"CREATE (s)-[r:{label(kind)}]->(t) SET r = row.props"
    )


def create_links(link: str) -> str:
    """Links grouped by their source: one lookup per source node, not per link (measured: 20 USES per asset
    wrote about twice as fast)."""
    return (
        f"UNWIND $rows AS row MATCH (s:{BASE_LABEL} {{iri: row.source}}) "
        f"UNWIND row.targets AS target MATCH (t:{BASE_LABEL} {{iri: target}}) CREATE (s)-[:{label(link)}]->(t)"
    )


def referrers(link: str) -> str:
    return (
        f"UNWIND $ids AS id MATCH (s:{BASE_LABEL})-[:{label(link)}]->(:{BASE_LABEL} {{iri: id}}) "
        f"WHERE NOT s:{PLACEHOLDER_LABEL} RETURN id, s.iri AS referrer"
    )
