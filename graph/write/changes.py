"""The changes feed: what was committed after a sequence, oldest first, read from the audit trail.

Why the audit trail and nothing else: every change (an asset, a link, evidence, a control decision, a mapping,
a load, a key, whatever a later write adds) commits together with its entry, and the entry's sequence is the
revision its commit made, so following the trail by sequence sees each committed change once, in commit
order, and nothing that was not committed. A connector keeps the `next` sequence of its last page and asks
from there; the subscriptions and webhooks follow the same feed.

A page holds whole commits: the entries of one commit share a sequence, and a page that stopped inside one
would hand out a `next` that skips the rest of it.
"""

from __future__ import annotations

from collections.abc import Collection

from graph.views.write import ChangesView
from graph.write.audit import AuditKey, AuditLog

BOOKKEEPING = frozenset({"webhook_delivery"})
"""Entry kinds that record the delivery of changes themselves: announcing them would announce every delivery
again, for ever. They stay in the audit log; the feed passes over them."""


class ChangeFeed:
    def __init__(self, audit: AuditLog) -> None:
        self._audit = audit

    def since(
        self,
        revision: int,
        since: int,
        first: int,
        *,
        organisation: str | None = None,
        kinds: Collection[str] = (),
    ) -> ChangesView:
        """At most `first` entries committed after `since` (more when the last commit holds more), up to the
        store revision `revision`, for `organisation` and of `kinds` where asked."""
        keys = self._audit.oldest_first(revision, since)
        chosen: list[AuditKey] = []
        upto = since
        more = False
        for key in keys:
            if key.sequence != upto and len(chosen) >= first:
                more = True
                break
            upto = key.sequence
            if key.kind in BOOKKEEPING:
                continue
            if organisation is not None and key.organisation != organisation:
                continue
            if kinds and key.kind not in kinds:
                continue
            chosen.append(key)
        else:
            upto = max(since, revision)  # everything up to the revision read: nothing before it is left
        return ChangesView(entries=tuple(self._audit.read(chosen)), next=upto, more=more, revision=revision)
