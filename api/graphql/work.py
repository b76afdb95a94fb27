"""The work model in GraphQL: owners (people and teams), work items on obligations and SoA decisions, their
queries and their mutations (editor role), each a few lines over `Service.work` and `Answers.work`.

A work item is named by what it is about — an asset's obligation (`assetId`, `framework`, `ref`; the
organisation's id as `assetId` for an organisation-wide duty) or a control's SoA decision (`assetId` left out)
— and its `iri` is that obligation's or decision's global id. `Obligation.work`, `Gap.work` and `SoaEntry.work`
show it where it belongs.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.graphql.arguments import After, First, OrgId
from api.graphql.auth import CanEdit, CanRead
from api.graphql.context import Context
from api.graphql.enums import OwnerKind, WorkStatus
from api.graphql.mutations import _audit, _write
from api.graphql.paging import Connection, by_iri, default_page, paginate
from api.graphql.work_types import Owner, WorkItem, work_item
from api.graphql.write_types import AuditEntry, MutationError, mutation_errors
from core.errors import AimsgraphError
from graph.service import Written

OwnerFilter = Annotated[
    str | None,
    strawberry.argument(
        description="Only work this owner must do: assigned to them (or their team, or a team's members), or, "
        "where nobody is assigned, the asset's owner."
    ),
]
DueBefore = Annotated[dt.date | None, strawberry.argument(description="Only work due before this day.")]


# -- inputs and payloads -------------------------------------------------------------------------------------
@strawberry.input(description="A person or team, with the fields of an inventory file's owner.")
class OwnerInput:
    id: str = strawberry.field(description="Its id; an owner with this id is replaced.")
    name: str = strawberry.field(description="Its name.")
    kind: OwnerKind = strawberry.field(default=OwnerKind.team, description="person or team.")
    email: str | None = strawberry.field(default=None, description="How to reach them.")
    team: str | None = strawberry.field(default=None, description="For a person: the id of their team.")


@strawberry.input(
    description="What the work is about: an asset's obligation (assetId, framework, ref; the organisation's id as "
    "assetId for an organisation-wide duty) or, with assetId left out, a control's SoA decision."
)
class WorkTargetInput:
    asset_id: str | None = strawberry.field(default=None, description="The asset; null for a control's SoA decision.")
    framework: str = strawberry.field(description="The provision's framework, e.g. eu-ai-act.")
    ref: str = strawberry.field(description="The provision's ref as the catalog writes it, e.g. Article 9.")


@strawberry.input(description="The plan for a work item: only the fields given change; null clears one.")
class WorkPlanInput:
    assignee: str | None = strawberry.field(default=strawberry.UNSET, description="The owner id assigned.")
    due: dt.date | None = strawberry.field(default=strawberry.UNSET, description="When it is due.")
    review_cadence: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="monthly, quarterly, half-yearly, yearly, or a number of days ('90 days').",
    )
    last_reviewed: dt.date | None = strawberry.field(default=strawberry.UNSET, description="When it was last reviewed.")


@strawberry.type(description="What writing an owner answers: the owner after it, or why not.")
class OwnerPayload:
    owner: Owner | None = strawberry.field(default=None, description="The owner after the write; null if refused.")
    audit_entry: AuditEntry | None = strawberry.field(
        default=None, description="The change as recorded; null when nothing changed or the write was refused."
    )
    errors: list[MutationError] = strawberry.field(default_factory=list, description="Why it was refused.")


@strawberry.type(description="What planning or advancing work answers: the work item after it, or why not.")
class WorkPayload:
    work: WorkItem | None = strawberry.field(default=None, description="The work item after the write.")
    audit_entry: AuditEntry | None = strawberry.field(
        default=None, description="The change as recorded; null when nothing changed or the write was refused."
    )
    errors: list[MutationError] = strawberry.field(default_factory=list, description="Why it was refused.")


def _errors(outcome: list[AimsgraphError]) -> list[MutationError]:
    return [e for error in outcome for e in mutation_errors(error)]


def _target(target: WorkTargetInput) -> dict[str, Any]:
    return {"asset_id": target.asset_id, "framework": target.framework, "ref": target.ref}


def _work_payload(outcome: Written | list[AimsgraphError]) -> WorkPayload:
    if isinstance(outcome, list):
        return WorkPayload(errors=_errors(outcome))
    return WorkPayload(work=work_item(outcome.after), audit_entry=_audit(outcome))


# -- the root fields -------------------------------------------------------------------------------------------
@strawberry.type(description="The work model's questions.")
class WorkQueries:
    @strawberry.field(permission_classes=[CanRead], description="The organisation's owners, a page at a time.")
    def owners(
        self, info: Info[Context, None], organisation: OrgId = None, first: First = None, after: After = None
    ) -> Connection[Owner]:
        page, limit = default_page(info, first)
        views = info.context.answers.work.owners(organisation)
        return paginate(views, lambda v: Owner(view=v), page, after, limit, key=by_iri, ordered=False)

    @strawberry.field(permission_classes=[CanRead], description="One owner by id.")
    def owner(
        self,
        info: Info[Context, None],
        id: Annotated[str, strawberry.argument(description="The owner's id.")],
        organisation: OrgId = None,
    ) -> Owner:
        return Owner(view=info.context.answers.work.owner(id, organisation))

    @strawberry.field(
        permission_classes=[CanRead],
        description="The organisation's work items, soonest due first (undated last), a page at a time.",
    )
    def work_items(
        self,
        info: Info[Context, None],
        organisation: OrgId = None,
        owner: OwnerFilter = None,
        status: Annotated[WorkStatus | None, strawberry.argument(description="Only work in this status.")] = None,
        due_before: DueBefore = None,
        first: First = None,
        after: After = None,
    ) -> Connection[WorkItem]:
        page, limit = default_page(info, first)
        found = info.context.answers.work.items(
            organisation, owner=owner, status=status.value if status else None, due_before=due_before
        )
        return paginate(found, lambda v: WorkItem(view=v), page, after, limit, key=by_iri, ordered=False)


@strawberry.type(description="The work model's writes (editor).")
class WorkMutations:
    @strawberry.mutation(
        description="Create or replace a person or team that work can be assigned to.", permission_classes=[CanEdit]
    )
    def upsert_owner(
        self,
        info: Info[Context, None],
        input: Annotated[OwnerInput, strawberry.argument(description="The owner, whole.")],
        organisation: OrgId = None,
    ) -> OwnerPayload:
        data = {
            "id": input.id,
            "name": input.name,
            "kind": input.kind.value,
            **{name: value for name, value in (("email", input.email), ("team", input.team)) if value is not None},
        }
        outcome = _write(info, lambda s: s.work.upsert_owner(info.context.actor, organisation, data))
        if isinstance(outcome, list):
            return OwnerPayload(errors=_errors(outcome))
        return OwnerPayload(owner=Owner(view=outcome.after), audit_entry=_audit(outcome))

    @strawberry.mutation(
        description="Remove an owner nothing is assigned to and no person belongs to.", permission_classes=[CanEdit]
    )
    def delete_owner(
        self,
        info: Info[Context, None],
        id: Annotated[str, strawberry.argument(description="The owner's id.")],
        organisation: OrgId = None,
    ) -> OwnerPayload:
        outcome = _write(info, lambda s: s.work.delete_owner(info.context.actor, organisation, id))
        if isinstance(outcome, list):
            return OwnerPayload(errors=_errors(outcome))
        return OwnerPayload(audit_entry=_audit(outcome))

    @strawberry.mutation(
        description="Assign the work on an obligation or control, set its due date and review cadence; only the "
        "fields given change.",
        permission_classes=[CanEdit],
    )
    def plan_work(
        self,
        info: Info[Context, None],
        target: Annotated[WorkTargetInput, strawberry.argument(description="What the work is about.")],
        input: Annotated[WorkPlanInput, strawberry.argument(description="The fields to set.")],
        organisation: OrgId = None,
    ) -> WorkPayload:
        data = {name: value for name, value in vars(input).items() if value is not strawberry.UNSET}
        about = _target(target)
        return _work_payload(_write(info, lambda s: s.work.plan(info.context.actor, organisation, about, data)))

    @strawberry.mutation(
        description="Move the work's status one step forward, or back to in_progress with a reason; who and when "
        "go to the audit trail. Verifying is a review: the last review becomes today.",
        permission_classes=[CanEdit],
    )
    def advance_work(
        self,
        info: Info[Context, None],
        target: Annotated[WorkTargetInput, strawberry.argument(description="What the work is about.")],
        status: Annotated[WorkStatus, strawberry.argument(description="The new status.")],
        reason: Annotated[
            str | None, strawberry.argument(description="Why; required when going back to in_progress.")
        ] = None,
        organisation: OrgId = None,
    ) -> WorkPayload:
        about = _target(target)
        return _work_payload(
            _write(info, lambda s: s.work.advance(info.context.actor, organisation, about, status.value, reason))
        )
