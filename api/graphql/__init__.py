"""The GraphQL API: strawberry types over the service layer, served as an ASGI app by uvicorn."""

from api.graphql.app import create_app
from api.graphql.schema import build_schema

__all__ = ["build_schema", "create_app"]
