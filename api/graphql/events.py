"""Events: the audit trail followed by sequence, announced to GraphQL subscriptions (and webhooks).

Why follow the trail rather than hook the writes: a change and its audit entry commit together, and the
entry's sequence is the revision its commit made, so a follower that reads "everything after the sequence I
have" sees every committed change once, in commit order, and never one that was not committed — whichever
process committed it (this server, the CLI through the write channel, another replica on the same Neo4j
database). A follower that reconnects says where it stopped (`since`) and misses nothing.

`Announcer` only says *when* to look: this process's commits wake it at once (`Service.on_commit`), and it
asks the store every `events_poll_interval` seconds for commits of other processes. What to announce is always
read from the trail (`Service.changes`), so a missed or doubled wake-up costs a read, never an event.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator, Sequence

import anyio.to_thread

from graph.service import Service
from graph.views.write import AuditEntryView

BATCH = 200  # entries read from the trail at a time by one follower


class Announcer:
    """The newest revision this process knows to be committed and indexed, and the followers waiting for it."""

    def __init__(self, service: Service, poll_interval: float) -> None:
        self._service = service
        self._poll_interval = poll_interval
        self._latest = -1
        self._changed: asyncio.Condition | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._poller: asyncio.Task[None] | None = None
        service.on_commit(self._committed)

    @property
    def latest(self) -> int:
        return self._latest

    async def start(self) -> None:
        """Start watching (on the server's event loop); idempotent, so the first follower may call it too."""
        if self._poller is not None:
            return
        self._loop = asyncio.get_running_loop()
        self._changed = asyncio.Condition()
        self._latest = max(self._latest, await anyio.to_thread.run_sync(self._service.latest_revision))
        self._poller = asyncio.create_task(self._poll())

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None

    def _committed(self, revision: int) -> None:
        """Called in the thread that committed, after the change's entry is indexed."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody is waiting
                loop.call_soon_threadsafe(lambda: asyncio.ensure_future(self._note(revision)))

    async def _note(self, revision: int) -> None:
        if revision > self._latest and self._changed is not None:
            self._latest = revision
            async with self._changed:
                self._changed.notify_all()

    async def _poll(self) -> None:
        """Commits of other processes: the store's revision, looked at every poll interval."""
        while True:
            await asyncio.sleep(self._poll_interval)
            try:
                revision = await anyio.to_thread.run_sync(self._service.latest_revision)
            except Exception:  # the store is unreachable for a moment: look again next time
                continue
            await self._note(revision)

    async def wait_beyond(self, sequence: int) -> None:
        """Return once a revision newer than `sequence` is known."""
        await self.start()
        assert self._changed is not None
        async with self._changed:
            await self._changed.wait_for(lambda: self._latest > sequence)

    async def follow(
        self, since: int | None, *, organisation: str | None = None, kinds: Sequence[str] = ()
    ) -> AsyncIterator[AuditEntryView]:
        """Every change committed after `since` (after now when None), oldest first, for ever."""
        await self.start()
        position = self._latest if since is None else since
        while True:
            page = await anyio.to_thread.run_sync(
                functools.partial(
                    self._service.changes,
                    position,
                    BATCH,
                    revision=self._latest,
                    organisation=organisation,
                    kinds=kinds,
                )
            )
            for entry in page.entries:
                yield entry
            position = page.next
            if not page.more:
                await self.wait_beyond(position)
