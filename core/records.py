"""The records every store speaks: nodes with typed properties and outgoing links.

Why a property-graph record rather than triples: the two stores differ (RDF in the embedded store, labelled
nodes in Neo4j), and a record with labels, properties and links maps onto both without loss. Upserting a
record replaces that node's properties and outgoing links as a whole, so a batch is idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

Scalar = str | int | float | bool | dt.date
Value = Scalar | tuple[Scalar, ...]


@dataclass(frozen=True, slots=True)
class Node:
    """One node: a stable IRI, its labels, properties and outgoing links.

    Labels and link targets are kept sorted so that a node read back from any store equals the node written.
    """

    id: str
    labels: tuple[str, ...]
    props: Mapping[str, Value] = field(default_factory=dict)
    links: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", tuple(sorted(set(self.labels))))
        if any(isinstance(value, tuple) for value in self.props.values()):  # many-valued: kept sorted, as stored
            props = {k: tuple(sorted(v, key=str)) if isinstance(v, tuple) else v for k, v in self.props.items()}
            object.__setattr__(self, "props", props)
        object.__setattr__(self, "links", {name: tuple(sorted(set(t))) for name, t in self.links.items() if t})

    def prop(self, name: str, default: Value | None = None) -> Value | None:
        return self.props.get(name, default)

    def link(self, name: str) -> str | None:
        targets = self.links.get(name, ())
        return targets[0] if targets else None


@dataclass(slots=True)
class GraphBatch:
    """Nodes to be written in one transaction; later nodes with the same id replace earlier ones.

    `deletes` names nodes to remove in the same transaction (ignored by a replacing write).
    """

    nodes: list[Node] = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)

    def add(self, node: Node) -> None:
        self.nodes.append(node)

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)
