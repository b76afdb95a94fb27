"""Reading GraphQL answers in tests."""

from __future__ import annotations

import asyncio
from typing import Any

import strawberry

from api.graphql.context import Context
from graph.service import Service
from graph.settings import Settings


def nodes(connection: dict[str, Any]) -> list[Any]:
    """The nodes of a connection's page (`edges { node { ... } }`), in order."""
    return [edge["node"] for edge in connection["edges"]]


def execute(schema: strawberry.Schema, service: Service, settings: Settings, query: str, **variables: Any) -> Any:
    """Run one query in process, anonymously, on the service's current snapshot."""
    context = Context(answers=service.answers(), settings=settings)
    return asyncio.run(schema.execute(query, variable_values=variables, context_value=context))
