"""Sending the changes feed to the registered webhooks: signed POSTs, retried with exponential backoff, each
attempt recorded in the store.

One task per active webhook follows the trail from the webhook's `delivered` sequence (kept in the store), so
a restart resumes where the receiver last accepted. A body holds whole commits, oldest first:

    {"webhook": "3f2a9c1d0b7e", "firstSequence": 41, "lastSequence": 44, "next": 44,
     "changes": [{"id": "…", "sequence": 41, "targetKind": "asset", "targetId": "credit-model", …}, …]}

with `X-Aimsgraph-Signature: sha256=<hex HMAC-SHA256 of the body under the webhook's secret>`. A 2xx answer
moves `delivered` to `next`; anything else (a status, a timeout, a refused connection) is recorded and the
same changes are sent again after `webhook_backoff` seconds, doubled each time up to five minutes. A crash
between the receiver's answer and the record sends those changes once more: receivers drop changes whose
`id` (or `sequence`) they already hold.

Only the process that writes the store sends (a read-only worker does not): one sender per embedded store.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Sequence

import anyio.to_thread

from api.graphql.events import Announcer
from graph.service import Service
from graph.settings import Settings
from graph.views.write import AuditEntryView

SIGNATURE_HEADER = "X-Aimsgraph-Signature"
BATCH = 100
MAX_BACKOFF = 300.0
log = logging.getLogger("aimsgraph.webhooks")


def signature(secret: str, body: bytes) -> str:
    """The header value a receiver checks: `sha256=` and the hex HMAC-SHA256 of the body under the secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def change_json(entry: AuditEntryView) -> dict[str, object]:
    """An audit entry as the webhook body holds it: the GraphQL AuditEntry's field names and values."""
    return {
        "id": entry.id,
        "sequence": entry.sequence,
        "recordedAt": entry.recorded_at.isoformat(),
        "actor": entry.actor,
        "actorKeyId": entry.actor_key,
        "operation": entry.operation,
        "organisation": entry.organisation,
        "targetKind": entry.kind,
        "targetId": entry.target,
        "before": json.loads(entry.before),
        "after": json.loads(entry.after),
        "requestId": entry.request_id,
    }


def body_of(webhook_id: str, entries: Sequence[AuditEntryView], next_sequence: int) -> bytes:
    document = {
        "webhook": webhook_id,
        "firstSequence": entries[0].sequence,
        "lastSequence": entries[-1].sequence,
        "next": next_sequence,
        "changes": [change_json(e) for e in entries],
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[bool, str]:
    """POST the body; (accepted, status): the HTTP status, or what went wrong instead."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return 200 <= answer.status < 300, str(answer.status)
    except urllib.error.HTTPError as error:
        return False, str(error.code)
    except urllib.error.URLError as error:
        return False, str(error.reason)[:200]
    except (TimeoutError, OSError) as error:
        return False, (str(error) or type(error).__name__)[:200]


class Dispatcher:
    """The webhooks' senders, on the server's event loop."""

    def __init__(self, service: Service, events: Announcer, settings: Settings) -> None:
        self._service = service
        self._events = events
        self._timeout = settings.webhook_timeout
        self._backoff = settings.webhook_backoff
        self._watcher: asyncio.Task[None] | None = None
        self._senders: dict[str, asyncio.Task[None]] = {}
        self._inflight: set[asyncio.Future[bool]] = set()

    async def start(self) -> None:
        if self._watcher is None and self._service.writable:
            await self._events.start()
            self._watcher = asyncio.create_task(self._watch())

    async def stop(self) -> None:
        tasks = [t for t in (self._watcher, *self._senders.values()) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._inflight:  # deliveries under way: let them finish and be recorded
            await asyncio.wait(list(self._inflight), timeout=self._timeout + 5)
        self._watcher = None
        self._senders.clear()

    async def _watch(self) -> None:
        """Start a sender for each active webhook, and stop those of removed ones, whenever the store changes."""
        seen = -1
        while True:
            seen = self._events.latest
            try:
                hooks = await anyio.to_thread.run_sync(self._service.webhooks.list)
            except Exception:
                log.exception("could not list the webhooks; trying again on the next change")
                hooks = []
            active = {hook.id for hook in hooks if hook.active}
            for webhook_id in active:
                sender = self._senders.get(webhook_id)
                if sender is None or sender.done():  # new, or stopped by an error (logged): start it again
                    self._senders[webhook_id] = asyncio.create_task(self._send(webhook_id))
            for webhook_id in self._senders.keys() - active:
                self._senders.pop(webhook_id).cancel()
            await self._events.wait_beyond(seen)

    async def _send(self, webhook_id: str) -> None:
        try:
            await self._sending(webhook_id)
        except Exception:  # the store went away, say: the watcher starts the sender again on the next change
            log.exception("webhook %s: sending stopped", webhook_id)

    async def _sending(self, webhook_id: str) -> None:
        view, secret = await anyio.to_thread.run_sync(self._service.webhooks.get, webhook_id)
        position, attempt = view.delivered, 0
        while True:
            page = await anyio.to_thread.run_sync(
                functools.partial(
                    self._service.changes,
                    position,
                    BATCH,
                    revision=self._events.latest,
                    organisation=view.organisation,
                    kinds=view.kinds,
                )
            )
            if not page.entries:
                position = page.next
                await self._events.wait_beyond(position)
                continue
            body = body_of(webhook_id, page.entries, page.next)
            headers = {
                "Content-Type": "application/json",
                SIGNATURE_HEADER: signature(secret, body),
                "X-Aimsgraph-Webhook": webhook_id,
                "X-Aimsgraph-Delivery": f"{webhook_id}:{page.entries[0].sequence}-{page.entries[-1].sequence}",
                "User-Agent": "aimsgraph-webhooks",
            }
            attempt += 1

            # A delivery under way is finished and recorded even when the server stops meanwhile (`stop` waits
            # for it): a stop between the receiver's answer and the record would send those changes again.
            inflight = asyncio.ensure_future(
                self._deliver(
                    webhook_id,
                    view.url,
                    body,
                    headers,
                    attempt=attempt,
                    first=page.entries[0].sequence,
                    last=page.next,
                    count=len(page.entries),
                )
            )
            self._inflight.add(inflight)
            inflight.add_done_callback(self._inflight.discard)
            ok = await asyncio.shield(inflight)
            if ok:
                position, attempt = page.next, 0
            else:
                await asyncio.sleep(min(self._backoff * 2 ** (attempt - 1), MAX_BACKOFF))

    async def _deliver(
        self,
        webhook_id: str,
        url: str,
        body: bytes,
        headers: dict[str, str],
        *,
        attempt: int,
        first: int,
        last: int,
        count: int,
    ) -> bool:
        """POST one body and record the attempt; whether the receiver accepted it."""
        ok, status = await anyio.to_thread.run_sync(post, url, body, headers, self._timeout)
        await anyio.to_thread.run_sync(
            functools.partial(
                self._service.webhooks.delivered,
                webhook_id,
                first=first,
                last=last,
                count=count,
                attempt=attempt,
                status=status,
                ok=ok,
            )
        )
        if not ok:
            log.warning("webhook %s: delivery %d failed (%s); retrying", webhook_id, attempt, status)
        return ok
