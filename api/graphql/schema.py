"""The GraphQL schema: queries over the service, with limits that refuse hostile documents up front.

Resolvers are a few lines each: they ask the request's snapshot (`info.context.answers`) and wrap the
views. Errors are typed by `api.graphql.errors` wherever they arise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
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
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext, Info

from api.graphql.arguments import After, AsOf, AssetId, First, FrameworkId, Frameworks, IncludeInferred, OrgId, Ref
from api.graphql.auth import CanAdmin, CanRead
from api.graphql.context import Context
from api.graphql.cost import cost_rule
from api.graphql.enums import EnumValuesUpperSnake, KeyRole, ProvisionKind
from api.graphql.errors import ApiError, Deadline, TypedErrors, guard_growing_fields, log_errors
from api.graphql.filters import ObligationFilterArg, ObligationFilterInput
from api.graphql.interop import InteropDocument, InteropFormat, interop_document
from api.graphql.lists import NODE_TYPES, ListQueries
from api.graphql.mutations import Mutation as InventoryMutation
from api.graphql.paging import (
    Connection,
    api_key_key,
    audit_key,
    audit_locate,
    by_iri,
    by_own_id,
    check_first,
    default_page,
    mapping_key,
    obligation_key,
    paginate,
    provision_key,
    webhook_key,
)
from api.graphql.subscriptions import Subscription
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
from api.graphql.webhook_types import Webhook
from api.graphql.work import DueBefore, OwnerFilter, WorkMutations, WorkQueries
from api.graphql.write_types import ApiKey, AuditEntry, Caller, ChangeFeed
from graph.service import DEFAULT_DEPTH, MAX_DEPTH, SEARCH_LIMIT
from graph.settings import Settings
from graph.views.write import AuditEntryView, ChangesView


@strawberry.type(description="Questions about the frameworks, their crosswalks and the organisations' assets.")
class Query(ListQueries, WorkQueries):
    @strawberry.field(permission_classes=[CanRead], description="Every framework in the graph.")
    def frameworks(self, info: Info[Context, None]) -> list[Framework]:
        return [Framework(view=v) for v in info.context.answers.catalog.frameworks()]

    @strawberry.field(
        permission_classes=[CanRead],
        description="One framework by id (iso42001, iso27001, eu-ai-act, nist-ai-rmf, nist-ai-600-1, gdpr); null, "
        "with a NOT_FOUND error at this path, for an unknown id.",
    )
    def framework(self, info: Info[Context, None], id: FrameworkId) -> Framework | None:
        return Framework(view=info.context.answers.catalog.framework(id))

    @strawberry.field(
        permission_classes=[CanRead],
        description="One provision by ref; refs resolve leniently ('Art. 9(2)', 'a.5.1'). Null, with a NOT_FOUND "
        "error at this path, when there is no such provision.",
    )
    def provision(self, info: Info[Context, None], framework: FrameworkId, ref: Ref) -> Provision | None:
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
        return paginate(views, lambda v: Provision(view=v), page, after, limit, key=provision_key)

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
        return paginate(views, lambda v: Provision(view=v), page, after, limit, key=provision_key, ordered=False)

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
        return paginate(views, lambda o: Organisation(view=o), page, after, limit, key=by_own_id)

    @strawberry.field(
        permission_classes=[CanRead],
        description="One asset; `organisation` may be left out when the graph holds one. Null, with a NOT_FOUND "
        "error at this path, when there is no such asset.",
    )
    def asset(self, info: Info[Context, None], id: AssetId, organisation: OrgId = None) -> Asset | None:
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
        return paginate(views, lambda v: Asset(view=v), page, after, limit, key=by_own_id)

    @strawberry.field(
        permission_classes=[CanRead],
        description="What applies to an asset — or, without `assetId`, to every asset of the organisation (an "
        "organisation-wide duty once) — why, from when, and with what evidence, a page at a time.",
    )
    def obligations(
        self,
        info: Info[Context, None],
        asset_id: Annotated[
            str | None,
            strawberry.argument(
                description="The asset's id in its organisation's inventory; every asset when left out."
            ),
        ] = None,
        organisation: OrgId = None,
        frameworks: Frameworks = None,
        as_of: AsOf = None,
        owner: OwnerFilter = None,
        due_before: DueBefore = None,
        first: First = None,
        after: After = None,
        filter: ObligationFilterArg = None,
    ) -> Connection[Obligation]:
        page, limit = default_page(info, first)
        wanted = (filter or ObligationFilterInput()).view()
        if asset_id is not None:
            if wanted.asset not in (None, asset_id):
                raise ApiError("`assetId` and `filter.assetId` name different assets")
            wanted = replace(wanted, asset=asset_id)
        if frameworks:  # the argument older than the filter: one or the other
            if wanted.frameworks:
                raise ApiError("give `frameworks` or `filter.frameworks`, not both")
            wanted = replace(wanted, frameworks=tuple(frameworks))
        answers = info.context.answers
        views = answers.lists.obligations(organisation, wanted, as_of)
        kept = answers.work.obligations(views, owner=owner, due_before=due_before)
        return paginate(kept, lambda o: Obligation(view=o), page, after, limit, key=obligation_key, ordered=False)

    @strawberry.field(
        permission_classes=[CanRead],
        description="Binding obligations without valid evidence, by owner (owner is on each gap), a page at a time.",
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
        filter: ObligationFilterArg = None,
    ) -> Connection[Gap]:
        page, limit = default_page(info, first)
        wanted = (filter or ObligationFilterInput()).view()
        answers = info.context.answers
        org = answers.organisation.organisation(organisation).id  # the gaps' assets belong to it
        views = answers.work.gaps(answers.lists.gaps(org, wanted, as_of), org, owner=owner, due_before=due_before)
        return paginate(views, lambda g: Gap(view=g, org=g.org), page, after, limit, key=by_iri, ordered=False)

    @strawberry.field(
        permission_classes=[CanRead],
        description="A Statement of Applicability: every Annex A control of ISO/IEC 42001 (or of `framework`). "
        "`soaDecisions` pages both standards with filters.",
    )
    def statement_of_applicability(
        self,
        info: Info[Context, None],
        organisation: OrgId = None,
        as_of: AsOf = None,
        framework: Annotated[str, strawberry.argument(description="iso42001 or iso27001.")] = "iso42001",
    ) -> list[SoaEntry]:
        rows = info.context.answers.organisation.statement_of_applicability(organisation, as_of, framework)
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
        return paginate(views, lambda v: Mapping(view=v), page, after, limit, key=mapping_key, ordered=False)

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
        after_sequence: Annotated[
            int | None,
            strawberry.argument(
                description="Only changes committed after this sequence (an entry's `sequence`). To follow "
                "the trail oldest first, a page at a time, use `changes(since:)`."
            ),
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
                after=after_sequence,
            )
        return paginate(
            entries, lambda e: AuditEntry(view=e), page, after, limit, key=audit_key, locate=audit_locate(entries)
        )

    @strawberry.field(
        permission_classes=[CanRead],
        description="What changed after the sequence `since`, oldest first, whole commits at a time: assets, "
        "links, evidence, controls, mappings, frameworks, loads, keys — every audited change. Keep `next` and "
        "ask `changes(since: next)` to sync incrementally; start from 0 (or read everything, then follow from "
        "the `revision` of that read).",
    )
    def changes(
        self,
        info: Info[Context, None],
        since: Annotated[
            int, strawberry.argument(description="The sequence synced up to: the `next` of the last page, or 0.")
        ],
        first: First = None,
        organisation: Annotated[
            str | None, strawberry.argument(description="Only changes in this organisation.")
        ] = None,
        kinds: Annotated[
            list[str] | None,
            strawberry.argument(description="Only changes to these kinds (asset, evidence, control, mapping ...)."),
        ] = None,
    ) -> ChangeFeed:
        page, limit = default_page(info, first)
        check_first(page, limit)
        if since < 0:
            raise ApiError("`since` is a sequence: 0 or more")
        service = info.context.service
        revision = info.context.answers.revision
        if service is None:
            return ChangeFeed(view=ChangesView(entries=(), next=max(since, revision), more=False, revision=revision))
        return ChangeFeed(
            view=service.changes(since, page, revision=revision, organisation=organisation, kinds=kinds or ())
        )

    @strawberry.field(permission_classes=[CanAdmin], description="The API keys, active and revoked; no secrets.")
    def api_keys(self, info: Info[Context, None], first: First = None, after: After = None) -> Connection[ApiKey]:
        page, limit = default_page(info, first)
        keys = info.context.service.keys.list() if info.context.service else []
        return paginate(keys, lambda k: ApiKey(view=k), page, after, limit, key=api_key_key)

    @strawberry.field(permission_classes=[CanAdmin], description="The webhooks, active and removed; no secrets.")
    def webhooks(self, info: Info[Context, None], first: First = None, after: After = None) -> Connection[Webhook]:
        page, limit = default_page(info, first)
        hooks = info.context.service.webhooks.list() if info.context.service else []
        return paginate(hooks, lambda w: Webhook(view=w), page, after, limit, key=webhook_key)

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
    return AimsgraphSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=schema_extensions,
        types=NODE_TYPES,
        config=StrawberryConfig(name_converter=EnumValuesUpperSnake()),
    )


def _object_types() -> list[type]:
    from api.graphql import lists, paging, types, webhook_types, work, work_types, write_types

    return [
        value
        for module in (paging, types, write_types, webhook_types, lists, work_types, work)
        for value in vars(module).values()
        if isinstance(value, type) and hasattr(value, "__strawberry_definition__")
    ]


def sdl() -> str:
    """The schema in GraphQL SDL, as committed in schema.graphql (the contract clients build against)."""
    return build_schema(Settings()).as_str() + "\n"
