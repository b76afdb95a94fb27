"""The narrow interface every store implements, and the lazy registry that finds stores by name.

The service layer talks only to this protocol. Callers check `capabilities` instead of the concrete class,
and a store module (with its driver) is imported only when that store is asked for, so the Neo4j driver is
never loaded for the embedded default.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from core.records import GraphBatch, Node


@dataclass(frozen=True, slots=True)
class Capabilities:
    durable: bool  # content survives the process
    writable: bool  # this handle accepts writes


@runtime_checkable
class Store(Protocol):
    name: str

    @property
    def capabilities(self) -> Capabilities: ...

    @property
    def revision(self) -> int:
        """Increases with every committed write; lets caches above the store know they are stale."""
        ...

    def write(self, batch: GraphBatch, *, replace: bool = False) -> None:
        """Upsert the batch in one transaction; with replace, the batch becomes the whole content.

        Unconditional: for tests, tools and the sync's target. The product's changes go through `commit`."""
        ...

    def commit(self, batch: GraphBatch, *, expected_revision: int, replace: bool = False) -> int:
        """`write`, only if the store is still at `expected_revision`, and return the revision it made
        (`expected_revision + 1`). The check and the revision bump happen in the write's own transaction, so
        two writers that read the same revision can never both commit: the second gets
        `core.errors.RevisionConflictError` and nothing of its batch is written."""
        ...

    def get(self, ids: Iterable[str]) -> dict[str, Node]:
        """Fetch many nodes in one round-trip; unknown ids are absent from the result."""
        ...

    def nodes(self, label: str) -> Iterator[Node]:
        """Every node carrying the label."""
        ...

    def nodes_projected(self, label: str, names: Iterable[str]) -> Iterator[Node]:
        """Every node carrying the label, with only the named properties, that label and no links: what an
        index of many records needs, read without their large values (an audit entry's before and after)."""
        ...

    def all_nodes(self) -> Iterator[Node]:
        """Every node, for export."""
        ...

    def referrers(self, ids: Iterable[str], link: str) -> dict[str, list[str]]:
        """For each id, the nodes that link to it through `link` (incoming neighbours)."""
        ...

    def is_empty(self) -> bool: ...

    def publish(self) -> None:
        """Make every commit so far readable by other processes now. The embedded store publishes a checkpoint
        (it does so on its own within the sync interval); a store whose readers see commits at once does nothing."""
        ...

    def close(self) -> None: ...


_STORES: dict[str, str] = {
    "embedded": "graph.stores.embedded:EmbeddedStore",
    "memory": "graph.stores.embedded:EmbeddedStore",
    "neo4j": "graph.stores.neo4j:Neo4jStore",
}


def open_store(kind: str, **options: Any) -> Store:
    """Open a store by registry name, importing its module only now."""
    try:
        target = _STORES[kind]
    except KeyError:
        raise ValueError(f"unknown store {kind!r}; known: {', '.join(sorted(_STORES))}") from None
    module_name, _, class_name = target.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    if kind == "memory":
        options = {**options, "path": None}
    store: Store = cls.open(**options)
    return store
