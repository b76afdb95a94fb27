"""Reading GraphQL answers in tests."""

from __future__ import annotations

from typing import Any


def nodes(connection: dict[str, Any]) -> list[Any]:
    """The nodes of a connection's page (`edges { node { ... } }`), in order."""
    return [edge["node"] for edge in connection["edges"]]
