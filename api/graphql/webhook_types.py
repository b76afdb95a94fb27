"""GraphQL types of webhooks: a registration (never its secret) and its delivery log."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from api.graphql.arguments import After, First
from api.graphql.context import Context
from api.graphql.paging import Connection, audit_key, audit_locate, default_page, paginate
from api.graphql.write_types import AuditEntry, MutationError
from graph.views.write import WebhookView


@strawberry.type(description="A receiver of the changes feed, registered by an admin; its secret is never shown again.")
class Webhook:
    view: strawberry.Private[WebhookView]

    @strawberry.field(description="The webhook's id.")
    def id(self) -> str:
        return self.view.id

    @strawberry.field(description="Where the changes are POSTed.")
    def url(self) -> str:
        return self.view.url

    @strawberry.field(description="Only this organisation's changes are sent, if set.")
    def organisation(self) -> str | None:
        return self.view.organisation

    @strawberry.field(description="Only changes to these kinds are sent; every kind when empty.")
    def kinds(self) -> list[str]:
        return list(self.view.kinds)

    @strawberry.field(description="When it was registered (UTC).")
    def created_at(self) -> dt.datetime:
        return self.view.created_at

    @strawberry.field(description="When it was removed (UTC); null while active.")
    def removed_at(self) -> dt.datetime | None:
        return self.view.removed_at

    @strawberry.field(description="Still sent changes.")
    def active(self) -> bool:
        return self.view.active

    @strawberry.field(description="The receiver accepted every change up to this sequence.")
    def delivered(self) -> int:
        return self.view.delivered

    @strawberry.field(description="The outcome of the last attempt: an HTTP status, or what went wrong.")
    def last_status(self) -> str | None:
        return self.view.last_status

    @strawberry.field(
        description="The delivery log, newest first: one audit entry per attempt (kind webhook_delivery), its "
        "`after` holding firstSequence, lastSequence, changes, attempt, status and ok."
    )
    def deliveries(self, info: Info[Context, None], first: First = None, after: After = None) -> Connection[AuditEntry]:
        page, limit = default_page(info, first)
        service = info.context.service
        entries = (
            service.audit_log(info.context.answers.revision, kind="webhook_delivery", target=self.view.id)
            if service is not None
            else []
        )
        return paginate(
            entries, lambda e: AuditEntry(view=e), page, after, limit, key=audit_key, locate=audit_locate(entries)
        )


@strawberry.type(description="The outcome of a webhook registration or removal.")
class WebhookPayload:
    webhook: Webhook | None = strawberry.field(default=None, description="The webhook, without its secret.")
    secret: str | None = strawberry.field(
        default=None,
        description="On creation only: the key of the `X-Aimsgraph-Signature` HMAC-SHA256 of each body. Shown once.",
    )
    errors: list[MutationError] = strawberry.field(default_factory=list, description="Why it was refused.")
