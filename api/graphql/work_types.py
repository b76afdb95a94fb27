"""The work model's object types: owners and work items, as every type that shows work (Obligation, Gap,
SoaEntry, the work queries and mutations) returns them. Apart from `api.graphql.work` so that `types` can show
work without importing the mutations."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from api.graphql.context import Context
from api.graphql.enums import OwnerKind, WorkStatus
from core.errors import NotFoundError
from graph.views.read import OwnerView, WorkItemView


@strawberry.type(description="A person or team of an organisation that obligations and controls are assigned to.")
class Owner:
    view: strawberry.Private[OwnerView]

    def __post_init__(self) -> None:
        self.id = self.view.id
        self.iri = self.view.iri
        self.name = self.view.name
        self.kind = OwnerKind(self.view.kind)
        self.email = self.view.email
        self.team = self.view.team

    id: str = strawberry.field(default=None, description="Its id, as `assignee` and filters name it.")
    iri: str = strawberry.field(default=None, description="Its stable IRI in the graph.")
    name: str = strawberry.field(default=None, description="Its name.")
    kind: OwnerKind = strawberry.field(default=None, description="person or team.")
    email: str | None = strawberry.field(default=None, description="How to reach them; null when not recorded.")
    team: str | None = strawberry.field(default=None, description="For a person: the id of their team.")


@strawberry.type(
    description="The work on one obligation or SoA decision: who, by when, how often reviewed, where it stands."
)
class WorkItem:
    view: strawberry.Private[WorkItemView]

    def __post_init__(self) -> None:
        self.iri = self.view.iri
        self.kind = self.view.kind
        self.asset_id = self.view.asset
        self.framework = self.view.framework
        self.ref = self.view.ref
        self.assignee_id = self.view.assignee
        self.due = self.view.due
        self.review_cadence = self.view.review_cadence
        self.last_reviewed = self.view.last_reviewed
        self.next_review = self.view.next_review
        self.status = WorkStatus(self.view.status)
        self.status_reason = self.view.status_reason
        self.status_changed_at = self.view.status_changed_at
        self.status_changed_by = self.view.status_changed_by

    iri: str = strawberry.field(default=None, description="The obligation's or SoA decision's global id.")
    kind: str = strawberry.field(default=None, description="obligation or control.")
    asset_id: str | None = strawberry.field(
        default=None,
        description="The asset whose obligation it is (the organisation's id for an organisation-wide duty); "
        "null for a control's SoA decision.",
    )
    framework: str = strawberry.field(default=None, description="The provision's framework.")
    ref: str = strawberry.field(default=None, description="The provision's ref.")
    assignee_id: str | None = strawberry.field(default=None, description="The owner assigned; null when nobody is.")

    @strawberry.field(description="The owner assigned, with their contact; null when nobody is (or they are gone).")
    def assignee(self, info: Info[Context, None]) -> Owner | None:
        if self.view.assignee is None:
            return None
        try:
            return Owner(view=info.context.answers.work.owner(self.view.assignee, self.view.org))
        except NotFoundError:
            return None

    due: dt.date | None = strawberry.field(default=None, description="When it is due.")
    review_cadence: str | None = strawberry.field(
        default=None, description="How often it is reviewed: monthly, quarterly, half-yearly, yearly or 'N days'."
    )
    last_reviewed: dt.date | None = strawberry.field(default=None, description="When it was last reviewed.")
    next_review: dt.date | None = strawberry.field(
        default=None, description="The last review plus the cadence; null when either is not known."
    )
    status: WorkStatus = strawberry.field(default=None, description="Where the work stands.")
    status_reason: str | None = strawberry.field(
        default=None, description="Why the status last changed, where a reason was given (going back needs one)."
    )
    status_changed_at: dt.datetime | None = strawberry.field(
        default=None, description="When the status last changed (the audit trail has every change)."
    )
    status_changed_by: str | None = strawberry.field(default=None, description="Who changed it last.")


def work_item(view: WorkItemView | None) -> WorkItem | None:
    return WorkItem(view=view) if view is not None else None
