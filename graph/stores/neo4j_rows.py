"""Records ⇄ what the Neo4j store writes and reads: rows of properties and links, and driver values back
as plain Python.

A record is checked against the term table here, before any transaction opens, so a bad one changes nothing
(the same promise, and the same `UnknownTermError`, as the embedded store). Reading back keeps only the term
table's properties and links, renamed back from the graph's names (`validUntil` → `valid_until`, `id` →
`identifier`): the store's own bookkeeping (`iri`, `_hash`) and what the sync derives never reach a record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import neo4j

from core.naming import camel
from core.records import Node, Scalar, Value
from graph.stores import neo4j_cypher as cypher
from ontology.rdf import UnknownTermError
from ontology.terms import LINK_BY_NAME, PROPERTY_BY_NAME, RELATIONS_BY_IRI


@dataclass(frozen=True, slots=True)
class Row:
    """One record as the store writes it."""

    id: str
    labels: tuple[str, ...]
    props: dict[str, Any]  # the graph's names (camelCase), with the key `iri` and `_hash`
    links: dict[str, tuple[str, ...]]
    maps_to: dict[str, Any] | None = field(default=None)

    @property
    def hash(self) -> str:
        value: str = self.props[cypher.HASH_PROPERTY]
        return value


def _cypher_scalar(value: Scalar) -> Any:
    # An instant is written in UTC: servers differ in what they keep of an offset (ArcadeDB drops it and
    # returns the wall time), and UTC read back as UTC is the same instant on every one of them.
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    return value


def to_cypher(value: Value) -> Any:
    return [_cypher_scalar(v) for v in value] if isinstance(value, tuple) else _cypher_scalar(value)


def encode(node: Node) -> Row:
    """Check a record against the term table (as the embedded store does) and turn it into a row."""
    for label in node.labels:
        if label in cypher.RESERVED_LABELS:
            raise ValueError(f"label {label!r} of {node.id} is reserved by the Neo4j store")
        cypher.label(label)
    props: dict[str, Any] = {}
    for name, value in node.props.items():
        if name not in PROPERTY_BY_NAME:
            raise UnknownTermError(f"property {name!r} of {node.id} has no term in ontology/terms.py")
        if value == ():
            continue  # no values: the embedded store stores nothing either
        props[cypher.property_key(name, node.labels)] = to_cypher(value)
    for name in node.links:
        if name not in LINK_BY_NAME:
            raise UnknownTermError(f"link {name!r} of {node.id} has no term in ontology/terms.py")
    digest = hashlib.blake2b(
        repr((node.labels, sorted(node.props.items()), sorted(node.links.items()))).encode(), digest_size=16
    )
    framework = node.link("IN_FRAMEWORK") if "Provision" in node.labels else None
    if framework is not None:
        # the framework's id on the provision itself: `{framework: 'iso27001', ref: 'A.5.4'}` is one provision
        props["framework"] = unquote(framework.rsplit("/", 1)[-1])
    props[cypher.KEY_PROPERTY] = node.id
    props[cypher.HASH_PROPERTY] = digest.hexdigest()
    return Row(node.id, node.labels, props, dict(node.links), maps_to(node))


def maps_to(node: Node) -> dict[str, Any] | None:
    """The derived crosswalk relationship of a reified mapping between two provisions, or None."""
    if "Mapping" not in node.labels:
        return None
    source, target, relation_iri = node.link("SOURCE"), node.link("TARGET"), node.link("RELATION")
    relation = RELATIONS_BY_IRI.get(relation_iri or "")
    if source is None or target is None or relation is None or relation.value == "no_relationship":
        return None  # a "no counterpart" record points at a framework, not a provision
    props: dict[str, Any] = {"mapping": node.id, "relation": relation.value}
    for name in ("strength", "rationale", "rationale_type", "review_status", "from_authority"):
        if name in node.props:
            props[camel(name)] = node.props[name]
    mapping_set = node.link("IN_MAPPING_SET")
    if mapping_set:
        props["mappingSet"] = mapping_set
    return {"source": source, "target": target, "props": props}


def python(value: Any) -> Scalar:
    """A driver value as the Python type the store was given. Every temporal type is converted: a driver
    DateTime left as it is compared unequal to every datetime, and a revoked key's `revoked_at` looked absent."""
    if isinstance(value, neo4j.time.DateTime):
        instant: dt.datetime = value.to_native()
        # written in UTC (`to_cypher`); a server that drops the zone returns that UTC wall time
        return instant.replace(tzinfo=dt.UTC) if instant.tzinfo is None else instant.astimezone(dt.UTC)
    if isinstance(value, neo4j.time.Date):
        native: dt.date = value.to_native()
        return native
    if isinstance(value, neo4j.time.Time | neo4j.time.Duration):
        raise TypeError(f"the store holds a {type(value).__name__}, which no term of the ontology uses")
    scalar: Scalar = value
    return scalar


def decode(node_id: str, labels_in: Iterable[str], props: dict[str, Any], links: Iterable[Sequence[Any]]) -> Node:
    labels = tuple(labels_in)
    names = cypher.property_names(tuple(x for x in labels if x not in cypher.RESERVED_LABELS))
    values: dict[str, Value] = {}
    for key, value in props.items():
        name = names.get(key)
        if name is None:
            continue  # `iri`, `_hash`, what the sync derives: the store's own
        term = PROPERTY_BY_NAME[name]
        if isinstance(value, list):
            items = tuple(python(v) for v in value)
            values[name] = items if term.many else items[0]
        else:
            values[name] = (python(value),) if term.many else python(value)
    grouped: dict[str, list[str]] = defaultdict(list)
    for link, target in links:
        if link is not None and target is not None:
            grouped[link].append(target)
    return Node(
        id=node_id,
        labels=tuple(x for x in labels if x not in cypher.RESERVED_LABELS),
        props=values,
        links={name: tuple(targets) for name, targets in grouped.items()},
    )


def plain(value: Any) -> Any:
    """Driver values as JSON-friendly Python: temporal values become `datetime` ones, graph objects dicts."""
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, neo4j.time.Date | neo4j.time.DateTime):
        return value.to_native()
    if isinstance(value, neo4j.graph.Node):
        return {"labels": sorted(value.labels), **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, neo4j.graph.Relationship):
        return {"type": value.type, **{k: plain(v) for k, v in value.items()}}
    return value
