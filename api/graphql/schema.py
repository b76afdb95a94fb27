"""The GraphQL schema: queries over the service, with limits that refuse hostile documents up front.

Resolvers are a few lines each: they ask the request's snapshot (`info.context.answers`) and wrap the
views. Errors are typed by `api.graphql.errors` wherever they arise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.types import ExecutionContext, Info

from api.graphql.context import Context
from api.graphql.cost import cost_rule
from api.graphql.errors import ApiError, Deadline, TypedErrors, log_errors
from api.graphql.types import (
    Act,
    Asset,
    Connection,
    Coverage,
    Edge,
    Framework,
    Gap,
    Mapping,
    MappingSet,
    Obligation,
    PageInfo,
    Provision,
    SoaEntry,
    decode_cursor,
    encode_cursor,
)
from graph.service import DEFAULT_DEPTH
from graph.settings import Settings

V = TypeVar("V")
N = TypeVar("N")


def _check_first(first: int, limit: int) -> None:
    if first < 0 or first > limit:
        raise ApiError(f"`first` must be between 0 and {limit}")


def paginate(items: Sequence[V], wrap: Callable[[V], N], first: int, after: str | None, limit: int) -> Connection[N]:
    _check_first(first, limit)
    try:
        start = decode_cursor(after) + 1 if after else 0
    except ValueError as error:
        raise ApiError(str(error)) from error
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


def _default_page(info: Info[Context, None], first: int | None) -> tuple[int, int]:
    limit = info.context.settings.max_page_size
    return (min(100, limit) if first is None else first), limit


@strawberry.type
class Query:
    @strawberry.field(description="Every framework in the graph.")
    def frameworks(self, info: Info[Context, None]) -> list[Framework]:
        return [Framework(view=v) for v in info.context.answers.catalog.frameworks()]

    @strawberry.field(description="One framework by id (iso42001, iso27001, eu-ai-act, nist-ai-rmf, gdpr).")
    def framework(self, info: Info[Context, None], id: str) -> Framework:
        return Framework(view=info.context.answers.catalog.framework(id))

    @strawberry.field(description="One provision by ref; refs resolve leniently ('Art. 9(2)', 'a.5.1').")
    def provision(self, info: Info[Context, None], framework: str, ref: str) -> Provision:
        return Provision(view=info.context.answers.catalog.provision(framework, ref))

    @strawberry.field(description="A framework's provisions in document order, a page at a time.")
    def provisions(
        self,
        info: Info[Context, None],
        framework: str,
        kind: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Provision]:
        page, limit = _default_page(info, first)
        views = info.context.answers.catalog.provisions(framework, kind)
        return paginate(views, lambda v: Provision(view=v), page, after, limit)

    @strawberry.field(description="Provisions matching a ref or words in titles and summaries.")
    def search(
        self, info: Info[Context, None], text: str, framework: str | None = None, first: int = 50
    ) -> list[Provision]:
        _check_first(first, info.context.settings.max_page_size)
        return [Provision(view=v) for v in info.context.answers.catalog.search(text, framework, first)]

    @strawberry.field(description="A law as first published and the acts that amended it (eu-ai-act, gdpr).")
    def acts(self, info: Info[Context, None], framework: str) -> list[Act]:
        return [Act(view=v) for v in info.context.answers.catalog.acts(framework)]

    @strawberry.field(description="The organisations in the graph (ids).")
    def organisations(self, info: Info[Context, None]) -> list[str]:
        return [o.id for o in info.context.answers.organisation.organisations()]

    @strawberry.field(description="One asset; `organisation` may be left out when the graph holds one.")
    def asset(self, info: Info[Context, None], id: str, organisation: str | None = None) -> Asset:
        return Asset(view=info.context.answers.organisation.asset(id, organisation))

    @strawberry.field(description="An organisation's assets, a page at a time.")
    def assets(
        self,
        info: Info[Context, None],
        organisation: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Asset]:
        page, limit = _default_page(info, first)
        views = info.context.answers.organisation.assets(organisation)
        return paginate(views, lambda v: Asset(view=v), page, after, limit)

    @strawberry.field(description="What applies to an asset, why, from when, and with what evidence.")
    def obligations(
        self,
        info: Info[Context, None],
        asset_id: str,
        organisation: str | None = None,
        frameworks: list[str] | None = None,
        as_of: dt.date | None = None,
    ) -> list[Obligation]:
        found = info.context.answers.organisation.obligations(
            asset_id, org=organisation, frameworks=frameworks or (), as_of=as_of
        )
        return [Obligation(view=o) for o in found.obligations]

    @strawberry.field(description="Binding obligations without valid evidence, by owner (owner is on each gap).")
    def gaps(
        self, info: Info[Context, None], organisation: str | None = None, as_of: dt.date | None = None
    ) -> list[Gap]:
        return [Gap(view=g) for g in info.context.answers.organisation.gaps(organisation, as_of)]

    @strawberry.field(description="The ISO/IEC 42001 Statement of Applicability: every Annex A control.")
    def statement_of_applicability(
        self, info: Info[Context, None], organisation: str | None = None, as_of: dt.date | None = None
    ) -> list[SoaEntry]:
        rows = info.context.answers.organisation.statement_of_applicability(organisation, as_of)
        return [SoaEntry(view=r) for r in rows]

    @strawberry.field(description="The curated mapping sets, with their provenance.")
    def mapping_sets(self, info: Info[Context, None]) -> list[MappingSet]:
        return [MappingSet(view=v) for v in info.context.answers.crosswalks.mapping_sets()]

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
        page, limit = _default_page(info, first)
        views = info.context.answers.crosswalks.crosswalk(
            source, target, include_inferred=include_inferred, min_strength=min_strength, depth=depth
        )
        return paginate(views, lambda v: Mapping(view=v), page, after, limit)

    @strawberry.field(description="What of `want` the implemented provisions of `have` cover — and why.")
    def coverage(
        self,
        info: Info[Context, None],
        have: str,
        want: str,
        have_refs: list[str] | None = None,
        include_inferred: bool = False,
        organisation: str | None = None,
    ) -> Coverage:
        if have_refs is not None and len(have_refs) > info.context.settings.max_page_size:
            raise ApiError(f"at most {info.context.settings.max_page_size} haveRefs")
        if organisation is not None:
            return Coverage(
                view=info.context.answers.organisation.coverage(
                    want,
                    have=have,
                    org=organisation,
                    have_refs=have_refs or (),
                    include_inferred=include_inferred,
                )
            )
        return Coverage(
            view=info.context.answers.crosswalks.coverage(
                want, have=have, have_refs=have_refs or (), include_inferred=include_inferred
            )
        )


class AimsgraphSchema(strawberry.Schema):
    """The schema, logging expected errors as one line and internal ones with their traceback."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        log_errors(errors, execution_context)


def build_schema(settings: Settings) -> strawberry.Schema:
    # Factories: strawberry builds fresh extensions per request; the parser and validation caches live at
    # module level inside strawberry, so they are shared all the same.
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: ParserCache(maxsize=256),
        lambda: AddValidationRules([cost_rule(settings.max_query_cost, settings.max_page_size)]),
        lambda: ValidationCache(maxsize=256),
        lambda: Deadline(settings.request_timeout),
        TypedErrors,
    ]
    schema_extensions: list[Any] = extensions
    return AimsgraphSchema(query=Query, extensions=schema_extensions)
