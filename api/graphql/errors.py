"""Typed GraphQL errors: every error carries `extensions.code`, expected ones log one line, the rest are masked.

Why an extension rather than a wrapper in each resolver: a service error can come from any field at any
depth (a nested `mappings` as much as a top-level `provision`), and all of them deserve the same code.
- A service error (`core.errors.AimsgraphError`) keeps its message and gets its `code` (NOT_FOUND,
  BAD_INPUT, ...).
- A GraphQL syntax or validation error (no original exception) gets GRAPHQL_VALIDATION_FAILED.
- Anything else is an internal error: its message is replaced, so nothing of the internals leaks, and it
  is logged with its traceback; expected errors are logged as one line without one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from core.errors import AimsgraphError

logger = logging.getLogger("aimsgraph.graphql")

INTERNAL = "INTERNAL"
INVALID = "GRAPHQL_VALIDATION_FAILED"


class ApiError(GraphQLError):
    """An error the API raises itself (a page too large, a malformed cursor), with its code."""

    def __init__(self, message: str, code: str = "BAD_INPUT") -> None:
        super().__init__(message, extensions={"code": code})


def code_of(error: GraphQLError) -> str:
    original = error.original_error
    if isinstance(original, AimsgraphError):
        return original.code
    if isinstance(original, GraphQLError) and original.extensions and "code" in original.extensions:
        return str(original.extensions["code"])
    if error.extensions and "code" in error.extensions:
        return str(error.extensions["code"])
    if original is None:
        return INVALID
    return INTERNAL


def log_errors(errors: list[GraphQLError], execution_context: ExecutionContext | None) -> None:
    """One line for an expected error; the traceback only for an internal one."""
    for error in errors:
        code = code_of(error)
        if code == INTERNAL:
            logger.error("internal error in %s", error.path, exc_info=error.original_error)
        else:
            logger.info("graphql %s at %s: %s", code, error.path or "document", error.message)


class TypedErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not getattr(result, "errors", None):
            return
        typed: list[GraphQLError] = []
        for error in result.errors or []:
            code = code_of(error)
            message = "internal error" if code == INTERNAL else error.message
            typed.append(
                GraphQLError(
                    message,
                    nodes=error.nodes,
                    source=error.source,
                    positions=error.positions,
                    path=error.path,
                    extensions={**(error.extensions or {}), "code": code},
                )
            )
        result.errors = typed
