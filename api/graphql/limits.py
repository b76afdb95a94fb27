"""A request body bounded while it is read, and a health answer that never waits behind GraphQL work.

Why the body is bounded here and not in the GraphQL handler: the handler sees the body once it is whole, so a
60 MB chunked body was read and kept before the 1 MB limit refused it (eight at once added 430 MB). Here the
body is counted chunk by chunk: a declared `Content-Length` over the limit is refused before a byte is read,
and a chunked body as soon as it passes the limit; what was read is dropped and the connection closed, so the
rest is never read. A body that trickles in slower than `body_timeout` seconds gets 408 (a slow-body
slowloris). Only a body within the limit reaches the app, as one message.

Why health is answered from a cache: /healthz is what a load balancer polls, and it must stay fast whatever
the load. Working out the health took a thread from the pool that GraphQL requests also wait on, so under 32
clients it queued behind them (p50 105 ms). The health is kept by the requests themselves (a GraphQL request
that read a newer revision notes it) and refreshed in the background when it is older than `HEALTH_MAX_AGE`;
the event loop answers at once from what is kept. The server's protocol answers a plain health check as its
bytes arrive, before uvicorn parses it (`api.cli.healthz`), from the body an app offers in its lifespan state
under `HEALTHZ_STATE`.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
from dataclasses import asdict
from typing import Any

from api.graphql.request_ids import ASGIApp, Message, Receive, Scope, Send
from graph.service import Answers, Service

HEALTH_MAX_AGE = 1.0  # seconds a kept health answer is served before a refresh is started
HEALTHZ_STATE = "aimsgraph.healthz"
"""The key of an app's lifespan state under which it offers its kept /healthz body (`HealthCache.kept_body`)."""


class BodyLimit:
    """ASGI middleware: refuse an HTTP request body over `max_bytes` while it is read, or slower than
    `timeout` seconds, with 400 or 408 and `Connection: close`."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send, 400, f"request body larger than {self.max_bytes:,} bytes")
            return
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    body = message.get("body", b"")
                    size += len(body)
                    if size > self.max_bytes:
                        chunks.clear()
                        await self._refuse(send, 400, f"request body larger than {self.max_bytes:,} bytes")
                        return
                    chunks.append(body)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            chunks.clear()
            await self._refuse(send, 408, f"the request body did not arrive within {self.timeout:g} s")
            return
        whole = b"".join(chunks)
        chunks.clear()
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": whole, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(send: Send, status: int, message: str) -> None:
        body = json.dumps({"errors": [{"message": message, "extensions": {"code": "BAD_INPUT"}}]}).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),  # the rest of the body is never read
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class HealthCache:
    """The latest health of the service, as the event loop serves it without waiting."""

    def __init__(self, service: Service) -> None:
        self._service = service
        self._latest: dict[str, Any] | None = None
        self._at = float("-inf")
        self._refreshing = threading.Lock()
        self._keeping = threading.Lock()
        self._pid = os.getpid()
        self._body: tuple[dict[str, Any] | None, bytes] = (None, b"")  # the kept health and its encoding

    def refresh(self) -> dict[str, Any]:
        """Work the health out now (in a worker thread: it may wait for a snapshot)."""
        latest = {"status": "ok", **asdict(self._service.health())}
        with self._keeping:  # a slower refresh that read an older revision never replaces a newer one
            if self._latest is None or latest["revision"] >= self._latest["revision"]:
                self._latest, self._at = latest, time.monotonic()
        return latest

    def refresh_in_background(self) -> None:
        """Start one refresh, unless one is running; the caller does not wait for it."""
        if not self._refreshing.acquire(blocking=False):
            return

        def run() -> None:
            try:
                self.refresh()
            finally:
                self._refreshing.release()

        threading.Thread(target=run, name="aimsgraph-health", daemon=True).start()

    def note(self, answers: Answers) -> None:
        """What a request read: a newer revision than the kept one replaces its revision and framework count,
        without asking the service again (which could build another snapshot under racing writes)."""
        latest = self._latest
        if latest is None or answers.revision <= latest["revision"]:
            return
        with self._keeping:
            if self._latest is not None and answers.revision > self._latest["revision"]:
                frameworks = len(answers.catalog.frameworks())
                self._latest = {**self._latest, "revision": answers.revision, "frameworks": frameworks}
                self._at = time.monotonic()

    def kept(self) -> dict[str, Any] | None:
        """The kept health, without waiting (a refresh is started when it is stale); None before the first."""
        latest = self._latest
        if latest is not None and time.monotonic() - self._at > HEALTH_MAX_AGE:
            self.refresh_in_background()
        return latest

    def kept_body(self) -> bytes | None:
        """The kept health with the process id, as the JSON body of /healthz (encoded once per change)."""
        latest = self.kept()
        if latest is None:
            return None
        encoded_for, body = self._body
        if encoded_for is not latest:
            body = json.dumps({**latest, "pid": self._pid}).encode()
            self._body = (latest, body)
        return body

    async def current(self) -> dict[str, Any]:
        """The kept health; the first time (or after a failed refresh) it is worked out and awaited."""
        latest = self.kept()
        if latest is None:
            return await asyncio.to_thread(self.refresh)
        return latest
