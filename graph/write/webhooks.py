"""Webhooks: receivers registered by admins, each sent the changes feed, signed, with its delivery state
kept in the store.

Why in the store: a registration and how far its deliveries went must outlive the process (a restart resumes
where the receiver stopped accepting) and be the same for every process over the store. Each delivery
attempt is one audited change (kind `webhook_delivery`, the feed's bookkeeping: it is not itself announced),
so the delivery log is the audit trail of that kind, for that webhook. The secret signs the bodies (HMAC-
SHA256), so the store keeps it as it is; it is shown once, when the webhook is created, and never exported,
listed or audited (`ontology.terms.SECRET_PROPERTIES`).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence
from urllib.parse import urlsplit

from core.errors import DataError, NotFoundError, Problem
from core.records import Node, Value
from graph.views.write import Actor, WebhookView
from graph.write.unit_of_work import UnitsOfWork
from ontology.namespaces import AGID

KIND = "webhook"
DELIVERY = "webhook_delivery"
_ID = re.compile(r"^[0-9a-f]{12}$")


def webhook_iri(webhook_id: str) -> str:
    return f"{AGID}webhook/{webhook_id}"


def _instant(value: Value | None) -> dt.datetime | None:
    return value if isinstance(value, dt.datetime) else None


def _view(node: Node) -> WebhookView:
    kinds = node.prop("webhook_kinds")
    organisation = node.prop("webhook_organisation")
    delivered = node.prop("delivered")
    status = node.prop("status")
    return WebhookView(
        id=str(node.prop("identifier")),
        url=str(node.prop("location")),
        organisation=organisation if isinstance(organisation, str) else None,
        kinds=tuple(k for k in kinds if isinstance(k, str))
        if isinstance(kinds, tuple)
        else ((kinds,) if isinstance(kinds, str) else ()),
        created_at=_instant(node.prop("created_at")) or dt.datetime.min.replace(tzinfo=dt.UTC),
        removed_at=_instant(node.prop("revoked_at")),
        delivered=delivered if isinstance(delivered, int) else 0,
        last_status=status if isinstance(status, str) else None,
    )


def _public(view: WebhookView) -> dict[str, object]:
    """What the audit trail keeps of a webhook: everything but its secret."""
    return {
        "id": view.id,
        "url": view.url,
        "organisation": view.organisation,
        "kinds": list(view.kinds),
        "active": view.active,
    }


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname or len(url) > 2_000:
        raise DataError([Problem("<request>", f"a webhook's url is an http(s) URL, not {url[:80]!r}", path="url")])


class Webhooks:
    """Registering, listing and removing webhooks, and recording their deliveries."""

    def __init__(self, units: UnitsOfWork) -> None:
        self._units = units

    def create(
        self,
        actor: Actor,
        url: str,
        *,
        organisation: str | None = None,
        kinds: Sequence[str] = (),
        since: int | None = None,
    ) -> tuple[WebhookView, str]:
        """A new webhook and its secret (shown this once). It is sent every change committed after `since`
        (after its own registration when left out)."""
        check_url(url)
        webhook_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        with self._units.start() as uow:
            props: dict[str, Value] = {
                "identifier": webhook_id,
                "location": url,
                "webhook_secret": secret,
                "created_at": dt.datetime.now(dt.UTC),
                "delivered": max(0, uow.revision + 1 if since is None else since),
            }
            if organisation:
                props["webhook_organisation"] = organisation
            if kinds:
                props["webhook_kinds"] = tuple(sorted(set(kinds)))
            node = Node(id=webhook_iri(webhook_id), labels=("Webhook",), props=props)
            view = _view(node)
            uow.record(
                actor,
                operation="createWebhook",
                kind=KIND,
                target=webhook_id,
                before=None,
                after=_public(view),
                nodes=[node],
                organisation=organisation,
            )
            uow.commit(uow.revision)
        return view, secret

    def list(self) -> list[WebhookView]:
        """Every webhook, active and removed, oldest first; no secrets."""
        views = (_view(node) for node in self._units.store.nodes("Webhook"))
        return sorted(views, key=lambda w: (w.created_at, w.id))

    def get(self, webhook_id: str) -> tuple[WebhookView, str]:
        """A webhook and its secret (for signing; never shown)."""
        node = self._node(webhook_id, self._units.store.get([webhook_iri(webhook_id)]) if _ID.match(webhook_id) else {})
        return _view(node), str(node.prop("webhook_secret"))

    def remove(self, actor: Actor, webhook_id: str) -> WebhookView:
        """Stop sending to a webhook, for good; its delivery log stays."""
        with self._units.start() as uow:
            node = self._node(webhook_id, uow.get([webhook_iri(webhook_id)]) if _ID.match(webhook_id) else {})
            view = _view(node)
            if not view.active:
                return view
            removed = Node(id=node.id, labels=node.labels, props={**node.props, "revoked_at": dt.datetime.now(dt.UTC)})
            uow.record(
                actor,
                operation="removeWebhook",
                kind=KIND,
                target=webhook_id,
                before=_public(view),
                after=_public(_view(removed)),
                nodes=[removed],
                organisation=view.organisation,
            )
            uow.commit(uow.revision)
        return _view(removed)

    def delivered(
        self, webhook_id: str, *, first: int, last: int, count: int, attempt: int, status: str, ok: bool
    ) -> WebhookView:
        """Record one attempt to send the changes of sequences `first`..`last`: on success the webhook's
        `delivered` moves to `last` (unless it is already past it: another attempt got there first)."""
        actor = Actor("cli", name="webhooks")
        with self._units.start() as uow:
            node = self._node(webhook_id, uow.get([webhook_iri(webhook_id)]))
            view = _view(node)
            props = {**node.props, "status": status}
            if ok and last > view.delivered:
                props["delivered"] = last
            updated = Node(id=node.id, labels=node.labels, props=props)
            uow.record(
                actor,
                operation="deliverWebhook",
                kind=DELIVERY,
                target=webhook_id,
                before=None,
                after={
                    "firstSequence": first,
                    "lastSequence": last,
                    "changes": count,
                    "attempt": attempt,
                    "status": status,
                    "ok": ok,
                },
                nodes=[updated],
                organisation=view.organisation,
            )
            uow.commit(uow.revision)
        return _view(updated)

    @staticmethod
    def _node(webhook_id: str, found: dict[str, Node]) -> Node:
        node = found.get(webhook_iri(webhook_id))
        if node is None:
            raise NotFoundError("webhook", webhook_id, "see the `webhooks` query")
        return node
