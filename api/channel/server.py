"""The listening side of the write channel, inside the process that holds the store (`aimsgraph serve`).

Each connection is served in its own thread, one request after another, through the same service calls the
CLI makes when it writes directly: the service's writer lock orders them with the API's writes. The peer's
uid is checked before anything is read; a change is made visible to readers in other processes (the store's
`publish`) before it is acknowledged, so the next command anywhere sees it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from api.channel import address, wire
from core import descriptors
from core.errors import AimsgraphError
from graph.service import Service

log = logging.getLogger("aimsgraph.channel")


class _Replies:
    """Lines to one client, from the request's thread and its heartbeat. A client that went away is not an
    error here: the change it asked for still completes, and no reply is needed."""

    def __init__(self, stream: wire.Stream) -> None:
        self._stream = stream
        self._lock = threading.Lock()
        self._last_progress = 0.0

    def send(self, message: dict[str, Any]) -> None:
        with self._lock, suppress(OSError):
            wire.send(self._stream, message)

    def progress(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last_progress < 0.1:  # coarser than a terminal's bar, as promised
            return
        self._last_progress = now
        self.send({"progress": [phase, done, total]})

    @contextmanager
    def heartbeat(self) -> Iterator[None]:
        """`alive` every second while the request runs, so the client can tell a slow write from a dead server."""
        done = threading.Event()

        def beat() -> None:
            while not done.wait(wire.HEARTBEAT):
                self.send({"alive": True})

        thread = threading.Thread(target=beat, name="aimsgraph-channel-heartbeat", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()


class ChannelServer:
    def __init__(self, service: Service, store: Path) -> None:
        self._service = service
        self._store = store
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._closing = threading.Event()

    def start(self) -> None:
        self._listener = address.listen(self._store)
        self._thread = threading.Thread(target=self._accept, name="aimsgraph-channel", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop taking requests and remove the socket; a request still running finishes in its thread."""
        self._closing.set()
        if self._listener is not None:
            address.remove_stale(self._store)
            with suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
            self._listener.close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _accept(self) -> None:
        assert self._listener is not None
        while not self._closing.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return  # closed
            threading.Thread(
                target=self._serve, args=(connection,), name="aimsgraph-channel-client", daemon=True
            ).start()

    def _serve(self, connection: socket.socket) -> None:
        with descriptors.held(), connection, connection.makefile("rwb") as stream:  # counted by the server's guard
            replies = _Replies(stream)
            uid = address.peer_uid(connection)
            if uid != os.getuid():
                log.warning("channel: refused a connection from uid %d", uid)
                replies.send(
                    {"error": {"message": "only the store's owner may use its write channel", "code": "FORBIDDEN"}}
                )
                return
            while True:
                try:
                    message = wire.receive(stream)
                except (OSError, AimsgraphError):
                    return
                if message is None:
                    return
                replies.send(self._answer(message, replies))

    def _answer(self, message: dict[str, Any], replies: _Replies) -> dict[str, Any]:
        try:
            if message.get("protocol") != wire.PROTOCOL:
                raise wire.ChannelError(
                    f"the server speaks channel protocol {wire.PROTOCOL}, the client {message.get('protocol')!r}: "
                    "run the same aimsgraph version on both sides"
                )
            operation, arguments = message.get("op"), message.get("args") or {}
            actor = wire.actor_from(message.get("actor"))
            if operation == "hello":
                return {"ok": {"pid": os.getpid(), "protocol": wire.PROTOCOL}}
            with replies.heartbeat():
                result = self._run(str(operation), actor, arguments, replies)
            log.info("channel: %s by %s", operation, actor.label)
            return {"ok": result}
        except AimsgraphError as error:
            return {"error": wire.error_to_wire(error)}
        except Exception:  # a bug: logged here with its traceback, never sent to the client
            log.exception("channel: %s failed", message.get("op"))
            return {"error": {"message": "the server failed to make the change (see its log)", "code": "INTERNAL"}}

    def _run(self, operation: str, actor: Any, arguments: dict[str, Any], replies: _Replies) -> Any:
        service = self._service
        if operation == "load":
            report = service.load(
                [Path(path) for path in arguments.get("paths", [])],
                progress=replies.progress,
                actor=actor,
                **wire.options_from_wire(arguments.get("options")),
            )
            service.publish()
            return wire.report_to_wire(report)
        if operation == "keys.create":
            view, token = service.keys.create(actor, str(arguments.get("role")), str(arguments.get("name", "")))
            service.publish()
            return {"key": wire.key_to_wire(view), "token": token}
        if operation == "keys.revoke":
            view = service.keys.revoke(actor, str(arguments.get("key_id")))
            service.publish()
            return {"key": wire.key_to_wire(view)}
        if operation == "webhooks.create":
            since = arguments.get("since")
            hook, secret = service.webhooks.create(
                actor,
                str(arguments.get("url")),
                organisation=str(arguments["organisation"]) if arguments.get("organisation") else None,
                kinds=[str(k) for k in arguments.get("kinds", [])],
                since=int(since) if since is not None else None,
            )
            service.publish()
            return {"webhook": wire.webhook_to_wire(hook), "secret": secret}
        if operation == "webhooks.remove":
            hook = service.webhooks.remove(actor, str(arguments.get("webhook_id")))
            service.publish()
            return {"webhook": wire.webhook_to_wire(hook)}
        if operation in ("work.owner", "work.plan", "work.advance"):
            return self._work(operation, actor, arguments)
        raise wire.ChannelError(f"unknown channel operation {operation!r}; known: {', '.join(wire.OPERATIONS)}")

    def _work(self, operation: str, actor: Any, arguments: dict[str, Any]) -> Any:
        """The work model's changes (`aimsgraph work ...`), as the service makes them."""
        service, org = self._service, arguments.get("organisation")
        if operation == "work.owner":
            written = service.work.upsert_owner(actor, org, dict(arguments.get("owner") or {}))
            service.publish()
            return {"owner": wire.owner_to_wire(written.after), "changed": written.audit is not None}
        target = dict(arguments.get("target") or {})
        if operation == "work.plan":
            written = service.work.plan(actor, org, target, dict(arguments.get("plan") or {}))
        else:
            status, reason = str(arguments.get("status")), arguments.get("reason")
            written = service.work.advance(actor, org, target, status, str(reason) if reason is not None else None)
        service.publish()
        return {"work": wire.work_to_wire(written.after), "changed": written.audit is not None}


@contextmanager
def serve_channel(service: Service, store: Path | None) -> Iterator[ChannelServer | None]:
    """The write channel of the embedded store at `store`, for as long as the block runs (None: no channel,
    for a store other processes reach on their own, such as a Neo4j server)."""
    if store is None:
        yield None
        return
    channel = ChannelServer(service, store)
    channel.start()
    try:
        yield channel
    finally:
        channel.close()
