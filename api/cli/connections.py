"""The server's connections, bounded: in total and per client, idle and slow ones timed out, refusals logged
once in a while rather than once each.

Why: uvicorn keeps a connection that never sends a request open for ever. About 20,000 idle TCP connections
used up the open-file limit; then every accept failed, every request timed out, and asyncio logged a traceback
per failed accept (170 MB in 30 s). Here every connection is counted from the moment it is accepted:
- a connection waiting for a request (new, or idle between keep-alive requests) must complete its request's
  headers within `header_timeout` seconds, or it is closed: a slowloris client trickling a header a byte at a
  time holds nothing for long (a slow body is the ASGI app's to time out: `api.graphql.limits`);
- at `max_connections` in all, or `max_connections_per_client` from one address, the oldest connection that
  is only waiting is closed to admit the new one, so a flood of idle connections cannot keep a real client
  (or a health check) out; only when every connection is busy with a request is a new one refused;
- the limit, plus the descriptors on their way in or out (`ACCEPTS_IN_FLIGHT` bursts of accepts, each up to
  the listening backlog), plus every descriptor the process holds besides its connections, stays under the
  process's open-file limit (raised to its hard limit first), so accepting never fails for want of a file
  descriptor. Those others are counted, not
  assumed: the store's files (RocksDB opens more table files as it grows), the write channel's socket and its
  CLI clients, the checkpoints being published and the leases readers take on them all come and go, so the
  guard counts the process's open descriptors again every `COUNT_EVERY` seconds (less the connections it holds),
  adds at every admission the descriptors that holders which come and go fast have declared
  (`core.descriptors`: each write-channel client), and keeps `RESERVE` more free for what opens between counts;
- refusals and evictions are counted and logged as one line per `LOG_EVERY` seconds, as are uvicorn's
  repeated warnings ("Invalid HTTP request received.");
- a plain health check is answered as it arrives, before uvicorn parses it (`api.cli.healthz`).
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from api.cli.healthz import quick_answer
from api.graphql.limits import HEALTHZ_STATE
from core import descriptors

logger = logging.getLogger("aimsgraph.server")
LOG_EVERY = 10.0  # seconds between two lines about refused or evicted connections
SWEEP_EVERY = 0.5  # seconds between two looks for connections past the header timeout
COUNT_EVERY = 2.0  # seconds between two counts of the descriptors the process holds besides its connections
ACCEPTS_IN_FLIGHT = 3
"""Bursts of accepted descriptors the guard has not yet balanced: asyncio accepts up to the backlog per turn of
its loop, admits each connection two turns later (a task step makes the transport, which schedules
`connection_made`), and a connection the guard closes to make room gives its descriptor back one turn after
that; a flood that keeps the listening queue full has a burst at each of those three stages at once (counted as
one, a burst of 1,500 connects took a server with a limit of 256 descriptors to "Too many open files"). That is
asyncio's own loop, which uvicorn takes where uvloop is not installed; uvloop admits sooner and stays within."""
RESERVE = 48
"""Descriptors kept free for what opens between two counts: a few CLI clients on the write channel (one each),
a checkpoint being published (RocksDB copies its small files one at a time), a flush's or compaction's new
table files, a reader's lease on a checkpoint."""


def _open_file_limit() -> int | None:
    """The process's open-file limit, raised to its hard limit first; None when there is none."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or hard > soft):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    return None if soft == resource.RLIM_INFINITY else soft


def accept_backlog() -> int:
    """How many connections the listening socket queues, and asyncio accepts in one go before the guard sees
    any of them: an eighth of the open-file limit, at most 512 (uvicorn's default of 2048 let one burst of
    accepts take every descriptor before a single connection could be closed; `ACCEPTS_IN_FLIGHT` of them are
    kept free). Not less: a connect that finds the queue full waits a second for the kernel to try again."""
    limit = _open_file_limit()
    return 512 if limit is None else max(8, min(512, limit // 8))


def open_descriptors() -> int | None:
    """How many file descriptors the process holds now (None where the system does not say)."""
    for listing in ("/proc/self/fd", "/dev/fd"):
        try:
            return sum(1 for _ in Path(listing).iterdir()) - 1  # less the one the listing itself holds open
        except OSError:
            continue
    return None


def usable_descriptors(wanted: int, others: int | None = None) -> int:
    """How many connections the process can hold: `wanted`, or fewer when the open-file limit would not leave
    room for the accepts in flight (`ACCEPTS_IN_FLIGHT` × `accept_backlog`), the `others` the process holds
    besides its connections (counted by `open_descriptors` when not given) and the `RESERVE` for what opens
    before the next count."""
    limit = _open_file_limit()
    if limit is None:
        return wanted
    if others is None:
        others = open_descriptors()
    if others is None:  # nothing to count with: assume as much again as a reserve
        others = max(64, limit // 8)
    return max(1, min(wanted, limit - ACCEPTS_IN_FLIGHT * accept_backlog() - others - RESERVE))


class ConnectionGuard:
    """One process's connections: which are waiting for a request (oldest first), how many per client."""

    def __init__(self, max_connections: int, max_per_client: int, header_timeout: float) -> None:
        self.wanted = max_connections
        self._untracked: int | None = None  # descriptors besides connections and `core.descriptors`' holders
        self._counted_at = float("-inf")
        self.max_per_client = max_per_client
        self.header_timeout = header_timeout
        self.open: dict[GuardedH11Protocol, str] = {}  # connection → client address
        self.waiting: OrderedDict[GuardedH11Protocol, float] = OrderedDict()  # since when, oldest first
        self.per_client: dict[str, int] = {}
        self._counts = {"refused": 0, "evicted": 0, "timed_out": 0}
        self._logged_at = float("-inf")
        self._sweeping = False
        quiet_repeats(logging.getLogger("uvicorn.error"))
        quiet_repeats(logging.getLogger("asyncio"))

    # -- the life of a connection ------------------------------------------------------------------------------
    @property
    def max_connections(self) -> int:
        """The connections the process can hold now: the store's files and the log as last counted, plus the
        descriptors their holders hold at this moment (`core.descriptors`: the write channel's clients)."""
        if self._untracked is None:
            return usable_descriptors(self.wanted)
        return usable_descriptors(self.wanted, others=self._untracked + descriptors.holding())

    def recount(self) -> None:
        """Count again the descriptors the process holds besides its connections and the tracked holders."""
        self._counted_at = time.monotonic()
        held = open_descriptors()
        if held is not None:
            self._untracked = max(0, held - len(self.open) - descriptors.holding())

    def admit(self, connection: GuardedH11Protocol, client: str) -> bool:
        """Count a new connection, closing the oldest waiting one if a limit is reached; False: refuse it."""
        if time.monotonic() - self._counted_at >= COUNT_EVERY:
            self.recount()
        if self.per_client.get(client, 0) >= self.max_per_client and not self._evict(client):
            return self._refuse()
        while len(self.open) >= self.max_connections:  # more than one when a recount lowered the bound
            if not self._evict(None):
                return self._refuse()
        self.open[connection] = client
        self.per_client[client] = self.per_client.get(client, 0) + 1
        self.waiting[connection] = time.monotonic()
        self._sweep_soon(connection.loop)
        return True

    def busy(self, connection: GuardedH11Protocol) -> None:
        self.waiting.pop(connection, None)

    def wait(self, connection: GuardedH11Protocol) -> None:
        if connection in self.open:
            self.waiting[connection] = time.monotonic()
            self.waiting.move_to_end(connection)

    def closed(self, connection: GuardedH11Protocol) -> None:
        client = self.open.pop(connection, None)
        self.waiting.pop(connection, None)
        if client is not None:
            left = self.per_client[client] - 1
            if left:
                self.per_client[client] = left
            else:
                del self.per_client[client]

    # -- limits ----------------------------------------------------------------------------------------------
    def _evict(self, client: str | None) -> bool:
        """Close the oldest connection that is only waiting (of `client`, or of anyone); False if none is."""
        victim = next((c for c in self.waiting if client is None or self.open.get(c) == client), None)
        if victim is None:
            return False
        self.closed(victim)
        victim.transport.close()
        self._note("evicted")
        return True

    def _refuse(self) -> bool:
        self._note("refused")
        return False

    def _sweep_soon(self, loop: asyncio.AbstractEventLoop) -> None:
        if not self._sweeping:
            self._sweeping = True
            loop.call_later(SWEEP_EVERY, self._sweep, loop)

    def _sweep(self, loop: asyncio.AbstractEventLoop) -> None:
        """Close the connections that waited longer than the header timeout for a request (oldest first), and
        the oldest waiting ones past a bound that a recount lowered (while accepts fail, none are admitted)."""
        self._sweeping = False
        if time.monotonic() - self._counted_at >= COUNT_EVERY:
            self.recount()
        while len(self.open) > self.max_connections and self._evict(None):
            pass
        cutoff = time.monotonic() - self.header_timeout
        while self.waiting:
            connection, since = next(iter(self.waiting.items()))
            if since > cutoff:
                break
            self.closed(connection)
            connection.transport.close()
            self._note("timed_out")
        self._note(None)
        if self.open:
            self._sweep_soon(loop)

    def _note(self, what: str | None) -> None:
        """Count an event; log what was counted at most once per LOG_EVERY seconds."""
        if what is not None:
            self._counts[what] += 1
        now = time.monotonic()
        if now - self._logged_at < LOG_EVERY or not any(self._counts.values()):
            return
        self._logged_at = now
        counts, self._counts = self._counts, dict.fromkeys(self._counts, 0)
        logger.warning(
            "connections: %d refused (every connection busy), %d idle ones closed to admit new ones, %d closed "
            "for sending no request within %g s; limits %d in all, %d per client (%d open now)",
            counts["refused"],
            counts["evicted"],
            counts["timed_out"],
            self.header_timeout,
            self.max_connections,
            self.max_per_client,
            len(self.open),
        )


class GuardedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, with every connection counted by the process's `ConnectionGuard`."""

    guard: ClassVar[ConnectionGuard | None] = None

    @classmethod
    def configure(cls, max_connections: int, max_per_client: int, header_timeout: float) -> None:
        cls.guard = ConnectionGuard(max_connections, max_per_client, header_timeout)

    @classmethod
    def _guard(cls) -> ConnectionGuard:
        if cls.guard is None:  # a worker process: its settings come from the environment, as the app's do
            from graph.settings import Settings

            settings = Settings()
            cls.configure(settings.max_connections, settings.max_connections_per_client, settings.header_timeout)
        assert cls.guard is not None
        return cls.guard

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        client = self.client[0] if self.client else "unknown"
        if not self._guard().admit(self, client):
            transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        self._guard().closed(self)
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._answered_health(data):
            return
        super().data_received(data)
        self._mark()

    def _answered_health(self, data: bytes) -> bool:
        """Answer a plain health check at once (`api.cli.healthz`), between requests only: then the connection
        waits for its next request as after any response (keep-alive timeout, header timeout)."""
        their, our = self.conn.their_state, self.conn.our_state
        if their is not h11.IDLE or our is not h11.IDLE or self.conn.trailing_data[0] or self.transport.is_closing():
            return False
        answer = quick_answer(data, self.app_state.get(HEALTHZ_STATE), self.server_state.default_headers)
        if answer is None:
            return False
        response, close = answer
        self._unset_keepalive_if_required()
        self.transport.write(response)
        self.server_state.total_requests += 1
        if close:
            self.transport.close()
            return True
        self.timeout_keep_alive_task = self.loop.call_later(self.timeout_keep_alive, self.timeout_keep_alive_handler)
        self._guard().wait(self)
        return True

    def handle_websocket_upgrade(self, event: Any) -> None:
        """A WebSocket (a subscription) leaves HTTP: uncounted here, or its quiet stretches between messages
        would read as a connection waiting for a request, and the sweep would close it mid-subscription."""
        super().handle_websocket_upgrade(event)
        self._guard().closed(self)
        self._upgraded = True

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._mark()

    def _mark(self) -> None:
        if getattr(self, "_upgraded", False):
            return
        guard = self._guard()
        if self.cycle is not None and not self.cycle.response_complete:
            guard.busy(self)
        elif self not in guard.waiting:
            guard.wait(self)


class RepeatedWarnings(logging.Filter):
    """Let one of a run of identical log messages through per LOG_EVERY seconds, saying how many were held."""

    def __init__(self) -> None:
        super().__init__()
        self._last: dict[str, tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, OSError):  # asyncio's failed accept (EMFILE): one line, not a traceback per attempt
            record.msg, record.args, record.exc_info, record.exc_text = (
                f"{record.getMessage()}: {error}",
                (),
                None,
                None,
            )
        key = str(record.msg)
        now = time.monotonic()
        shown_at, held = self._last.get(key, (float("-inf"), 0))
        if now - shown_at < LOG_EVERY:
            self._last[key] = (shown_at, held + 1)
            return False
        self._last[key] = (now, 0)
        if held:
            record.msg = f"{record.msg} (and {held} more like it in the last {LOG_EVERY:g} s)"
        if len(self._last) > 1000:  # messages with data in them: keep the table bounded
            self._last.clear()
        return True


def quiet_repeats(target: logging.Logger) -> None:
    if not any(isinstance(f, RepeatedWarnings) for f in target.filters):
        target.addFilter(RepeatedWarnings())


def uvicorn_options(settings: Any) -> dict[str, Any]:
    """The uvicorn options every way of serving uses: the guarded protocol and the keep-alive timeout."""
    return {"http": GuardedH11Protocol, "timeout_keep_alive": settings.keep_alive_timeout, "backlog": accept_backlog()}
