"""A request id on every request, and one structured (JSON) log line per request and per GraphQL error.

The id is the client's `X-Request-ID` when it sends a sane one (so a GRC tool can follow its own request
through our logs), else a fresh one; it is returned in the response's `X-Request-ID` header, stamped on every
log line written while the request runs (a context variable, which follows the request into the worker
thread that runs GraphQL) and kept on the audit entry of any change the request makes.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from contextvars import ContextVar
from typing import Any

REQUEST_ID: ContextVar[str | None] = ContextVar("aimsgraph_request_id", default=None)
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

access_log = logging.getLogger("aimsgraph.access")


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the request id, and any `extra` fields."""

    _STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "requestId": REQUEST_ID.get(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in self._STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_json_logs(level: int = logging.INFO) -> None:
    """Send the `aimsgraph` loggers to stderr as JSON lines (once per process)."""
    logger = logging.getLogger("aimsgraph")
    if any(isinstance(h.formatter, JsonLogFormatter) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter())
    handler.formatter.converter = time.gmtime  # type: ignore[union-attr]
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


def request_id_of(scope: Scope) -> str:
    """The client's request id when it sent a sane one, else a new one."""
    return request_id_from(dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1"))


def request_id_from(sent: str) -> str:
    """`sent` (an `X-Request-ID` header's value) when it is sane, else a new id."""
    return sent if _SANE.match(sent) else uuid.uuid4().hex


class RequestIds:
    """ASGI middleware: take or make the request id, return it, and log the request when it is answered."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            access_log.info(
                "%s %s %d",
                scope.get("method"),
                scope.get("path"),
                status,
                extra={
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            REQUEST_ID.reset(token)
