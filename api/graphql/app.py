"""The ASGI application: GraphQL at /graphql (GraphiQL in a browser), liveness at /healthz."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL

from api.graphql.context import Context
from api.graphql.schema import build_schema
from graph.service import Service
from graph.settings import Settings


class _GraphQL(GraphQL[Context, None]):
    def __init__(self, service: Service, settings: Settings) -> None:
        super().__init__(build_schema(settings))
        self._service = service
        self._settings = settings

    async def get_context(self, request: Any, response: Any) -> Context:
        return Context(answers=self._service.answers(), settings=self._settings)


def create_app(service: Service, settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    graphql = _GraphQL(service, settings)

    async def healthz(request: Request) -> Response:
        health = service.health()
        return JSONResponse({"status": "ok", **asdict(health)})

    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )
