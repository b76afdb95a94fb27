"""Typed GraphQL errors: every error carries `extensions.code`, expected ones log one line, the rest are masked.

Why an extension rather than a wrapper in each resolver: a service error can come from any field at any
depth (a nested `mappings` as much as a top-level `provision`), and all of them deserve the same code.
- A service error (`core.errors.AimsgraphError`) keeps its message and gets its `code` (NOT_FOUND,
  BAD_INPUT, ...).
- A GraphQL syntax or validation error (no original exception) gets GRAPHQL_VALIDATION_FAILED.
- A variable's value that graphql-core refuses before execution (`kind: "spaceship"`, an Int past 32 bits)
  gets BAD_INPUT: the client sent it, and the message says what was wrong.
- Anything else is an internal error: its message is replaced, so nothing of the internals leaks, and it
  is logged with its traceback; expected errors are logged as one line without one.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import FieldExtension, SchemaExtension
from strawberry.types import ExecutionContext
from strawberry.types.base import StrawberryList, StrawberryObjectDefinition, StrawberryOptional

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
    if isinstance(original, GraphQLError) and error.path is None:
        # graphql-core refusing a variable's value before anything ran (an unknown enum value, an Int out of range)
        return "BAD_INPUT"
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


class OperationTimeoutError(GraphQLError):
    """The operation passed its deadline; the fields still to resolve are not resolved."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"the operation ran longer than {seconds:g} s and was stopped; ask for less",
            extensions={"code": "TIMEOUT"},
        )


class Deadline(SchemaExtension):
    """A timeout that stops the work: the operation's deadline, put on the request's context when it starts,
    and checked by every field that can grow the answer (`DeadlineCheck`).

    Why not a check on every field: a schema extension with a per-field hook makes strawberry wrap every
    resolver, which cost ~8 ms of a 16 ms page of 100 provisions. Lists, pages (connections) and root fields
    are where an answer grows, so checking there stops a runaway operation within one list of its deadline, and
    scalar fields take strawberry's fast path. (Resolvers are synchronous: cancelling the coroutine alone would
    wait for the whole answer to be built.)
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if hasattr(context, "deadline"):
            context.deadline = time.monotonic() + self.seconds
            context.deadline_seconds = self.seconds
        yield


def _check(info: Any) -> None:
    context = info.context
    if time.monotonic() > getattr(context, "deadline", float("inf")):
        raise OperationTimeoutError(context.deadline_seconds)


class DeadlineCheck(FieldExtension):
    """Refuse to resolve the field once the operation is past its deadline."""

    def resolve(self, next_: Callable[..., Any], source: Any, info: Any, **kwargs: Any) -> Any:
        _check(info)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Callable[..., Any], source: Any, info: Any, **kwargs: Any) -> Any:
        _check(info)
        result = next_(source, info, **kwargs)
        return await result if inspect.isawaitable(result) else result


def guard_growing_fields(types: Iterable[type], roots: Iterable[type], pages: tuple[type, ...] = ()) -> None:
    """Attach `DeadlineCheck` to every field of `roots` and every field of `types` that holds a list or a page
    (an instance of one of `pages`), once."""
    for cls in [*types, *roots]:
        definition = getattr(cls, "__strawberry_definition__", None)
        if not isinstance(definition, StrawberryObjectDefinition) or definition.is_input:
            continue
        if getattr(cls, "_deadline_guarded", False):
            continue
        for field in definition.fields:
            if cls in roots or _is_list(field.type) or _is_page(field.type, pages):
                field.extensions.append(DeadlineCheck())
        cls._deadline_guarded = True  # type: ignore[attr-defined]


def _is_page(annotation: Any, pages: tuple[type, ...]) -> bool:
    if isinstance(annotation, StrawberryOptional):
        annotation = annotation.of_type
    return isinstance(annotation, type) and issubclass(annotation, pages)


def _is_list(annotation: Any) -> bool:
    if isinstance(annotation, StrawberryOptional):
        annotation = annotation.of_type
    return isinstance(annotation, StrawberryList)


class TypedErrors(SchemaExtension):
    """Every error gets `extensions.code`. An internal error's message is replaced ("internal error") in
    production (`mask`), and in development shows its exception's type and message — never a traceback."""

    def __init__(self, mask: bool = True) -> None:
        self.mask = mask

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not getattr(result, "errors", None):
            return
        timed_out = next((e for e in result.errors or [] if code_of(e) == "TIMEOUT"), None)
        if timed_out is not None:  # one error for the whole operation, and no half-built answer
            committed = list(getattr(self.execution_context.context, "committed", None) or [])
            message, extensions = timed_out.message, {"code": "TIMEOUT"}
            if committed:  # a timeout never hides a commit: say which changes did land
                message += (
                    f"; {len(committed)} change(s) of this operation were committed before it stopped (audit "
                    f"sequence {', '.join(map(str, committed))}): read them back before sending them again"
                )
                extensions["committed"] = committed  # type: ignore[assignment]
            result.data = None
            result.errors = [GraphQLError(message, extensions=extensions)]
            return
        typed: list[GraphQLError] = []
        for error in result.errors or []:
            code = code_of(error)
            message = error.message
            if code == INTERNAL:
                original = error.original_error
                message = "internal error" if self.mask or original is None else f"internal error: {original!r}"
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
