"""The GraphQL schema: queries over the service, with limits that refuse hostile documents up front.

Errors are typed: a service error becomes a GraphQL error with `extensions.code` (NOT_FOUND, BAD_INPUT,
...) and its own message; any other exception is masked as an internal error, so nothing of the internals
leaks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.types import Info

from api.graphql.context import Context
from api.graphql.types import (
    Connection,
    Coverage,
    Edge,
    Framework,
    Mapping,
    MappingSet,
    PageInfo,
    Provision,
    decode_cursor,
    encode_cursor,
)
from graph.errors import AimsgraphError, DataError, NotFoundError, UsageError
from graph.settings import Settings
from mappings.inference import DEFAULT_DEPTH

R = TypeVar("R")
V = TypeVar("V")
N = TypeVar("N")


class BadInputError(ValueError):
    """An argument the API refuses (a page too large, a malformed cursor)."""


def _code(error: BaseException) -> str:
    if isinstance(error, NotFoundError):
        return "NOT_FOUND"
    if isinstance(error, DataError | UsageError | BadInputError):
        return "BAD_INPUT"
    return "ERROR"


def call(fn: Callable[[], R]) -> R:
    """Run a service call, turning its errors into typed GraphQL errors."""
    try:
        return fn()
    except (AimsgraphError, BadInputError) as error:
        raise GraphQLError(str(error), extensions={"code": _code(error)}) from error


def paginate(items: Sequence[V], wrap: Callable[[V], N], first: int, after: str | None, limit: int) -> Connection[N]:
    if first < 0 or first > limit:
        raise GraphQLError(f"`first` must be between 0 and {limit}", extensions={"code": "BAD_INPUT"})
    try:
        start = decode_cursor(after) + 1 if after else 0
    except ValueError as error:
        raise GraphQLError(str(error), extensions={"code": "BAD_INPUT"}) from error
    window = items[start : start + first]
    edges = [Edge(cursor=encode_cursor(start + i), node=wrap(item)) for i, item in enumerate(window)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=start + len(window) < len(items),
            has_previous_page=start > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=len(items),
    )


@strawberry.type
class Query:
    @strawberry.field(description="Every framework in the graph.")
    def frameworks(self, info: Info[Context, None]) -> list[Framework]:
        return [Framework(view=v) for v in call(info.context.service.frameworks)]

    @strawberry.field(description="One framework by id (iso42001, iso27001, eu-ai-act, nist-ai-rmf, gdpr).")
    def framework(self, info: Info[Context, None], id: str) -> Framework:
        return Framework(view=call(lambda: info.context.service.framework(id)))

    @strawberry.field(description="One provision by ref; refs resolve leniently ('Art. 9(2)', 'a.5.1').")
    def provision(self, info: Info[Context, None], framework: str, ref: str) -> Provision:
        return Provision(view=call(lambda: info.context.service.provision(framework, ref)))

    @strawberry.field(description="A framework's provisions in document order, a page at a time.")
    def provisions(
        self,
        info: Info[Context, None],
        framework: str,
        kind: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Provision]:
        limit = info.context.settings.max_page_size
        views = call(lambda: info.context.service.provisions(framework, kind))
        return paginate(views, lambda v: Provision(view=v), min(100, limit) if first is None else first, after, limit)

    @strawberry.field(description="Provisions matching a ref or words in titles and summaries.")
    def search(
        self, info: Info[Context, None], text: str, framework: str | None = None, first: int = 50
    ) -> list[Provision]:
        limit = info.context.settings.max_page_size
        if first < 0 or first > limit:
            raise GraphQLError(f"`first` must be between 0 and {limit}", extensions={"code": "BAD_INPUT"})
        return [Provision(view=v) for v in call(lambda: info.context.service.search(text, framework, first))]

    @strawberry.field(description="The curated mapping sets, with their provenance.")
    def mapping_sets(self, info: Info[Context, None]) -> list[MappingSet]:
        return [MappingSet(view=v) for v in call(info.context.service.mapping_sets)]

    @strawberry.field(description="How the provisions of `source` relate to those of `target`, a page at a time.")
    def crosswalk(
        self,
        info: Info[Context, None],
        source: str,
        target: str,
        include_inferred: bool = False,
        min_strength: int | None = None,
        depth: int = DEFAULT_DEPTH,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Mapping]:
        limit = info.context.settings.max_page_size
        views = call(
            lambda: info.context.service.crosswalk(
                source, target, include_inferred=include_inferred, min_strength=min_strength, depth=depth
            )
        )
        return paginate(views, lambda v: Mapping(view=v), min(100, limit) if first is None else first, after, limit)

    @strawberry.field(description="What of `want` the implemented provisions of `have` cover — and why.")
    def coverage(
        self,
        info: Info[Context, None],
        have: str,
        want: str,
        have_refs: list[str] | None = None,
        include_inferred: bool = False,
    ) -> Coverage:
        if have_refs is not None and len(have_refs) > info.context.settings.max_page_size:
            raise GraphQLError("too many haveRefs", extensions={"code": "BAD_INPUT"})
        return Coverage(
            view=call(
                lambda: info.context.service.coverage(
                    want, have=have, have_refs=have_refs or (), include_inferred=include_inferred
                )
            )
        )


def _masked(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError | AimsgraphError | BadInputError)


def build_schema(settings: Settings) -> strawberry.Schema:
    # Factories: strawberry builds fresh extensions per request; the parser and validation caches live at
    # module level inside strawberry, so they are shared all the same.
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: MaskErrors(should_mask_error=_masked, error_message="internal error"),
    ]
    return strawberry.Schema(query=Query, extensions=extensions)
