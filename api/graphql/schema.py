"""The GraphQL schema: queries over the service, with limits that refuse hostile documents up front.

Resolvers are a few lines each: they ask the request's snapshot (`info.context.answers`) and wrap the
views. Errors are typed by `api.graphql.errors` wherever they arise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError, NoSchemaIntrospectionCustomRule
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

from api.graphql.arguments import After, AsOf, AssetId, First, FrameworkId, Frameworks, IncludeInferred, OrgId, Ref
from api.graphql.auth import CanAdmin, CanRead
from api.graphql.context import Context
from api.graphql.cost import cost_rule
from api.graphql.enums import KeyRole, ProvisionKind
from api.graphql.errors import ApiError, Deadline, TypedErrors, guard_growing_fields, log_errors
from api.graphql.interop import InteropDocument, InteropFormat, interop_document
from api.graphql.mutations import Mutation as InventoryMutation
from api.graphql.paging import Connection, check_first, default_page, paginate
from api.graphql.types import (
    Act,
    Asset,
    Coverage,
    Framework,
    Gap,
    Mapping,
    MappingSet,
    Obligation,
    Organisation,
    Provision,
    SoaEntry,
)
from api.graphql.work import DueBefore, OwnerFilter, WorkMutations, WorkQueries
from api.graphql.write_types import ApiKey, AuditEntry, Caller
from graph.service import DEFAULT_DEPTH, MAX_DEPTH, SEARCH_LIMIT
from graph.settings import Settings
from graph.views.write import AuditEntryView


@strawberry.type(description="Questions about the frameworks, their crosswalks and the organisations' assets.")
class Query(WorkQueries):
    @strawberry.field(permission_classes=[CanRead], description="Every framework in the graph.")
    def frameworks(self, info: Info[Context, None]) -> list[Framework]:
        return [Framework(view=v) for v in info.context.answers.catalog.frameworks()]

    @strawberry.field(
        permission_classes=[CanRead],
        description="One framework by id (iso42001, iso27001, eu-ai-act, nist-ai-rmf, nist-ai-600-1, gdpr).",
    )
    def framework(self, info: Info[Context, None], id: FrameworkId) -> Framework:
        return Framework(view=info.context.answers.catalog.framework(id))

    @strawberry.field(
        permission_classes=[CanRead], description="One provision by ref; refs resolve leniently ('Art. 9(2)', 'a.5.1')."
    )
    def provision(self, info: Info[Context, None], framework: FrameworkId, ref: Ref) -> Provision:
        return Provision(view=info.context.answers.catalog.provision(framework, ref))

    @strawberry.field(
        permission_classes=[CanRead], description="A framework's provisions in document order, a page at a time."
    )
    def provisions(
        self,
        info: Info[Context, None],
        framework: FrameworkId,
        kind: Annotated[
            ProvisionKind | None,
            strawberry.argument(description="Only provisions of this kind; every kind when left out."),
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Provision]:
        page, limit = default_page(info, first)
        views = info.context.answers.catalog.provisions(framework, kind.value if kind else None)
        return paginate(views, lambda v: Provision(view=v), page, after, limit)

    @strawberry.field(
        permission_classes=[CanRead],
        description="Provisions matching a ref, or every word in a title or summary, best first (refs, then "
        f"titles, then summaries), a page at a time. At most {SEARCH_LIMIT:,} matches are ranked; `totalCount` "
        "counts those.",
    )
    def search(
        self,
        info: Info[Context, None],
        text: Annotated[
            str,
            strawberry.argument(description="A ref, or words that must all be in a title or summary."),
        ],
        framework: Annotated[
            str | None,
            strawberry.argument(
                description="Only this framework's provisions (its id); every framework when left out."
            ),
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Provision]:
        page, limit = default_page(info, first)
        check_first(page, limit)  # before the search runs
        # Every match, up to the search's own cap: it scores the whole catalog whatever the limit, so the full
        # ranking costs what one page does, and totalCount and hasNextPage are exact.
        views = info.context.answers.catalog.search(text, framework, SEARCH_LIMIT)
        return paginate(views, lambda v: Provision(view=v), page, after, limit)

    @strawberry.field(
        permission_classes=[CanRead],
        description="A law as first published and the acts that amended it (eu-ai-act, gdpr).",
    )
    def acts(self, info: Info[Context, None], framework: FrameworkId) -> list[Act]:
        return [Act(view=v) for v in info.context.answers.catalog.acts(framework)]

    @strawberry.field(
        permission_classes=[CanRead], description="The organisations in the graph, by id, a page at a time."
    )
    def organisations(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[Organisation]:
        page, limit = default_page(info, first)
        views = info.context.answers.organisation.organisations()
        return paginate(views, lambda o: Organisation(view=o), page, after, limit)

    @strawberry.field(
        permission_classes=[CanRead], description="One asset; `organisation` may be left out when the graph holds one."
    )
    def asset(self, info: Info[Context, None], id: AssetId, organisation: OrgId = None) -> Asset:
        return Asset(view=info.context.answers.organisation.asset(id, organisation))

    @strawberry.field(permission_classes=[CanRead], description="An organisation's assets, a page at a time.")
    def assets(
        self,
        info: Info[Context, None],
        organisation: OrgId = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Asset]:
        page, limit = default_page(info, first)
        views = info.context.answers.organisation.assets(organisation)
        return paginate(views, lambda v: Asset(view=v), page, after, limit)

    @strawberry.field(
        permission_classes=[CanRead],
        description="What applies to an asset, why, from when, and with what evidence, a page at a time.",
    )
    def obligations(
        self,
        info: Info[Context, None],
        asset_id: AssetId,
        organisation: OrgId = None,
        frameworks: Frameworks = None,
        as_of: AsOf = None,
        owner: OwnerFilter = None,
        due_before: DueBefore = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Obligation]:
        page, limit = default_page(info, first)
        answers = info.context.answers
        found = answers.organisation.obligations(asset_id, org=organisation, frameworks=frameworks or (), as_of=as_of)
        kept = answers.work.obligations(found.obligations, owner=owner, due_before=due_before)
        return paginate(kept, lambda o: Obligation(view=o), page, after, limit)

    @strawberry.field(
        permission_classes=[CanRead],
        description="Binding obligations without valid evidence, by owner (owner is on each gap).",
    )
    def gaps(
        self,
        info: Info[Context, None],
        organisation: OrgId = None,
        as_of: AsOf = None,
        owner: OwnerFilter = None,
        due_before: DueBefore = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Gap]:
        page, limit = default_page(info, first)
        org = info.context.answers.organisation.organisation(organisation).id  # the gaps' assets belong to it
        found = info.context.answers.organisation.gaps(org, as_of)
        views = info.context.answers.work.gaps(found, org, owner=owner, due_before=due_before)
        return paginate(views, lambda g: Gap(view=g, org=org), page, after, limit)

    @strawberry.field(
        permission_classes=[CanRead], description="The ISO/IEC 42001 Statement of Applicability: every Annex A control."
    )
    def statement_of_applicability(
        self, info: Info[Context, None], organisation: OrgId = None, as_of: AsOf = None
    ) -> list[SoaEntry]:
        rows = info.context.answers.organisation.statement_of_applicability(organisation, as_of)
        return [SoaEntry(view=r) for r in rows]

    @strawberry.field(
        permission_classes=[CanAdmin],
        description="A document for another tool (OSCAL, CISO Assistant, SSSOM), as `aimsgraph export` writes it. "
        "`subject` is the framework or mapping set; profiles and component definitions are an organisation's.",
    )
    def interop_export(
        self,
        info: Info[Context, None],
        format: Annotated[InteropFormat, strawberry.argument(description="Which document.")],
        subject: Annotated[str | None, strawberry.argument(description="A framework or mapping set id.")] = None,
        organisation: OrgId = None,
    ) -> InteropDocument:
        return interop_document(info.context.answers, format, subject, organisation)

    @strawberry.field(permission_classes=[CanRead], description="The curated mapping sets, with their provenance.")
    def mapping_sets(self, info: Info[Context, None]) -> list[MappingSet]:
        return [MappingSet(view=v) for v in info.context.answers.crosswalks.mapping_sets()]

    @strawberry.field(
        permission_classes=[CanRead],
        description="How the provisions of `source` relate to those of `target`, a page at a time.",
    )
    def crosswalk(
        self,
        info: Info[Context, None],
        # named apart in Python: strawberry's permission check takes a parameter called `source` itself
        source_framework: Annotated[str, strawberry.argument(name="source", description="The framework mapped from.")],
        target: Annotated[str, strawberry.argument(description="The framework mapped to.")],
        include_inferred: IncludeInferred = False,
        min_strength: Annotated[
            int | None, strawberry.argument(description="Only mappings at least this strong (1 to 10).")
        ] = None,
        depth: Annotated[
            int,
            strawberry.argument(
                description=f"The most asserted mappings an inferred one may chain (1 to {MAX_DEPTH})."
            ),
        ] = DEFAULT_DEPTH,
        first: First = None,
        after: After = None,
    ) -> Connection[Mapping]:
        page, limit = default_page(info, first)
        views = info.context.answers.crosswalks.crosswalk(
            source_framework, target, include_inferred=include_inferred, min_strength=min_strength, depth=depth
        )
        return paginate(views, lambda v: Mapping(view=v), page, after, limit)

    @strawberry.field(
        permission_classes=[CanRead], description="What of `want` the implemented provisions of `have` cover — and why."
    )
    def coverage(
        self,
        info: Info[Context, None],
        have: Annotated[str, strawberry.argument(description="The framework whose provisions are implemented.")],
        want: Annotated[str, strawberry.argument(description="The framework assessed.")],
        have_refs: Annotated[
            list[str] | None,
            strawberry.argument(
                description="Only these provisions of `have` (and their parts) are implemented; all of `have` "
                "when left out."
            ),
        ] = None,
        include_inferred: IncludeInferred = False,
        organisation: Annotated[
            str | None,
            strawberry.argument(
                description="Take what this organisation implements of `have` (its implemented and partial "
                "controls, with their evidence) instead of `haveRefs`."
            ),
        ] = None,
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

    @strawberry.field(
        permission_classes=[CanRead],
        description="The audit trail, newest first: every change made through the API or the CLI, with who, "
        "when, and the value before and after. `assetId` narrows it to one asset (in `organisation`).",
    )
    def audit_log(
        self,
        info: Info[Context, None],
        first: First = None,
        after: After = None,
        asset_id: Annotated[
            str | None, strawberry.argument(description="Only changes to this asset (of `organisation`).")
        ] = None,
        organisation: Annotated[
            str | None, strawberry.argument(description="Only changes in this organisation.")
        ] = None,
    ) -> Connection[AuditEntry]:
        page, limit = default_page(info, first)
        service = info.context.service
        entries: Sequence[AuditEntryView] = ()
        if service is not None:
            entries = service.audit_log(
                info.context.answers.revision,
                organisation=organisation,
                target=asset_id,
                kind="asset" if asset_id is not None else None,
            )
        return paginate(entries, lambda e: AuditEntry(view=e), page, after, limit)

    @strawberry.field(permission_classes=[CanAdmin], description="The API keys, active and revoked; no secrets.")
    def api_keys(self, info: Info[Context, None], first: First = None, after: After = None) -> Connection[ApiKey]:
        page, limit = default_page(info, first)
        keys = info.context.service.keys.list() if info.context.service else []
        return paginate(keys, lambda k: ApiKey(view=k), page, after, limit)

    @strawberry.field(description="Who is asking: the role this request runs with, and its key (no role needed).")
    def caller(self, info: Info[Context, None]) -> Caller:
        role = info.context.role
        key = info.context.key
        return Caller(role=KeyRole(role) if role else None, key=ApiKey(view=key) if key else None)


@strawberry.type(description="Writes: the inventory, evidence and work (editor), mappings and API keys (admin).")
class Mutation(InventoryMutation, WorkMutations):
    """The inventory's writes and the work model's, as one root."""


class AimsgraphSchema(strawberry.Schema):
    """The schema, logging expected errors as one line and internal ones with their traceback."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        log_errors(errors, execution_context)


def build_schema(settings: Settings) -> strawberry.Schema:
    # Factories: strawberry builds fresh extensions per request; the parser and validation caches live at
    # module level inside strawberry, so they are shared all the same. The validation rules are classes made
    # here, once: the validation cache is keyed by them, and the limiters' own constructors make a new class
    # each time (per request, that missed the cache on every request and kept 256 sets of classes alive).
    rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
        cost_rule(settings.max_query_cost, settings.max_page_size),
    ]
    if not settings.introspection:
        rules.insert(0, NoSchemaIntrospectionCustomRule)
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: ParserCache(maxsize=256),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=256),
        lambda: Deadline(settings.request_timeout),
        lambda: TypedErrors(mask=settings.production),
    ]
    schema_extensions: list[Any] = extensions
    guard_growing_fields(_object_types(), roots=(Query, Mutation), pages=(Connection,))
    return AimsgraphSchema(query=Query, mutation=Mutation, extensions=schema_extensions)


def _object_types() -> list[type]:
    from api.graphql import paging, types, work, work_types, write_types

    return [
        value
        for module in (paging, types, write_types, work_types, work)
        for value in vars(module).values()
        if isinstance(value, type) and hasattr(value, "__strawberry_definition__")
    ]


def sdl() -> str:
    """The schema in GraphQL SDL, as committed in schema.graphql (the contract clients build against)."""
    return build_schema(Settings()).as_str() + "\n"
