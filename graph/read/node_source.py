"""Where the indexes read nodes from: the store, or the batch a writer has just committed.

Why a separate notion from the store: after a write, the writer already holds the nodes it wrote, and reading
them back from an on-disk store costs far more than indexing them (100,000 assets: ~25 s to read back, a
second or two to index from memory). The indexes take any `NodeSource`; `sorted_by_id` gives every source
the same order, so a snapshot built from a batch equals one built from the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from core.records import GraphBatch, Node


class NodeSource(Protocol):
    def nodes(self, label: str) -> Iterable[Node]:
        """Every node carrying the label, in no particular order."""
        ...


class SortedById:
    """A source's nodes in id order: indexes built from different sources of the same content are equal."""

    def __init__(self, source: NodeSource) -> None:
        self._source = source

    def nodes(self, label: str) -> list[Node]:
        return sorted(self._source.nodes(label), key=lambda node: node.id)


class BatchSource:
    """The nodes of a batch that replaced the whole content (later nodes with the same id win)."""

    def __init__(self, nodes: Iterable[Node]) -> None:
        self._by_label: dict[str, dict[str, Node]] = {}
        for node in nodes:
            for label in node.labels:
                self._by_label.setdefault(label, {})[node.id] = node

    @classmethod
    def of(cls, batch: GraphBatch) -> BatchSource:
        return cls(batch.nodes)

    def nodes(self, label: str) -> Iterable[Node]:
        return self._by_label.get(label, {}).values()
