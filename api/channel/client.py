"""The CLI's side of the write channel: the changes a command makes, sent to the server holding the store.

`RemoteWrites` answers like the service does (`load`, `keys.create`, `keys.revoke`, the same views and
exceptions), so a command prints the same lines whichever way its change went. Files are named to the server
by absolute path (it runs elsewhere) and the answer names them again as the user typed them.
"""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol, Unpack

from api.channel import address, wire
from core.errors import DataError, Problem
from graph.service import LoadOptions, ProgressCallback, no_progress
from graph.views.read import LoadReport
from graph.views.write import Actor, ApiKeyView, WebhookView, Written

_HELLO_TIMEOUT = 5.0  # seconds a listening server has to say who it is


class KeyWrites(Protocol):
    def create(self, actor: Actor, role: str, name: str = "") -> tuple[ApiKeyView, str]: ...

    def revoke(self, actor: Actor, key_id: str) -> ApiKeyView: ...


class WebhookWrites(Protocol):
    def create(
        self,
        actor: Actor,
        url: str,
        *,
        organisation: str | None = None,
        kinds: Sequence[str] = (),
        since: int | None = None,
    ) -> tuple[WebhookView, str]: ...

    def remove(self, actor: Actor, webhook_id: str) -> WebhookView: ...


class WorkCommands(Protocol):
    """The work model's changes a CLI command makes (`Service.work`, or a server's through the channel). A
    remote change answers with the value after it; its audit entry stays in the server's trail."""

    def upsert_owner(self, actor: Actor, org: str | None, data: dict[str, Any]) -> Written: ...

    def plan(self, actor: Actor, org: str | None, target: dict[str, Any], data: dict[str, Any]) -> Written: ...

    def advance(
        self, actor: Actor, org: str | None, target: dict[str, Any], status: str, reason: str | None = None
    ) -> Written: ...


class Writes(Protocol):
    """What a CLI change command calls: the service itself, or a server's through the channel."""

    @property
    def keys(self) -> KeyWrites: ...

    @property
    def webhooks(self) -> WebhookWrites: ...

    @property
    def work(self) -> WorkCommands: ...

    def load(
        self, paths: Iterable[Path] = (), *, progress: ProgressCallback = no_progress, **options: Unpack[LoadOptions]
    ) -> LoadReport: ...

    def close(self) -> None: ...


class _Connection:
    def __init__(self, sock: socket.socket, server_pid: int) -> None:
        self._sock = sock
        self._stream = sock.makefile("rwb")
        self.server_pid = server_pid

    def call(self, message: dict[str, Any], progress: ProgressCallback = no_progress) -> Any:
        """Send one request and wait for its answer, passing progress on; a silent or vanished server is a
        clear error that says the change may or may not have been made."""
        who = f"`aimsgraph serve` (pid {self.server_pid})" if self.server_pid else "the server holding the store"
        unknown = "the change may or may not have been made: check `aimsgraph audit` before trying again"
        self._sock.settimeout(wire.SILENCE)
        try:
            wire.send(self._stream, message)
            while True:
                reply = wire.receive(self._stream)
                if reply is None:
                    raise wire.ChannelError(f"{who} closed the write channel before answering; {unknown}")
                if "progress" in reply:
                    phase, done, total = reply["progress"]
                    progress(str(phase), int(done), int(total))
                elif "ok" in reply:
                    return reply["ok"]
                elif "error" in reply:
                    raise wire.error_from_wire(reply["error"])
        except TimeoutError:
            raise wire.ChannelError(f"{who} has not answered for {wire.SILENCE:g} s; {unknown}") from None
        except (BrokenPipeError, ConnectionResetError):
            raise wire.ChannelError(f"{who} went away during the change; {unknown}") from None

    def close(self) -> None:
        self._stream.close()
        self._sock.close()


def connect(store: Path) -> _Connection | None:
    """A greeted connection to the server holding the store, or None when no server listens there."""
    try:
        sock = address.connect(store, _HELLO_TIMEOUT)
    except PermissionError:
        raise wire.ChannelError(
            f"the write channel of the store at {store} belongs to another user; only the store's owner may write"
        ) from None
    if sock is None:
        return None
    connection = _Connection(sock, 0)
    try:
        hello = connection.call(wire.request("hello", Actor("cli")))
    except BaseException:
        connection.close()
        raise
    connection.server_pid = int(hello.get("pid", 0))
    return connection


def _named_as_typed(names: dict[str, str], text: str) -> str:
    for absolute, typed in sorted(names.items(), key=lambda pair: -len(pair[0])):
        text = text.replace(absolute, typed)
    return text


class _RemoteKeys:
    def __init__(self, connection: _Connection) -> None:
        self._connection = connection

    def create(self, actor: Actor, role: str, name: str = "") -> tuple[ApiKeyView, str]:
        answer = self._connection.call(wire.request("keys.create", actor, role=role, name=name))
        return wire.key_from_wire(answer["key"]), str(answer["token"])

    def revoke(self, actor: Actor, key_id: str) -> ApiKeyView:
        answer = self._connection.call(wire.request("keys.revoke", actor, key_id=key_id))
        return wire.key_from_wire(answer["key"])


class _RemoteWebhooks:
    def __init__(self, connection: _Connection) -> None:
        self._connection = connection

    def create(
        self,
        actor: Actor,
        url: str,
        *,
        organisation: str | None = None,
        kinds: Sequence[str] = (),
        since: int | None = None,
    ) -> tuple[WebhookView, str]:
        message = wire.request(
            "webhooks.create", actor, url=url, organisation=organisation, kinds=list(kinds), since=since
        )
        answer = self._connection.call(message)
        return wire.webhook_from_wire(answer["webhook"]), str(answer["secret"])

    def remove(self, actor: Actor, webhook_id: str) -> WebhookView:
        answer = self._connection.call(wire.request("webhooks.remove", actor, webhook_id=webhook_id))
        return wire.webhook_from_wire(answer["webhook"])


class _RemoteWork:
    def __init__(self, connection: _Connection) -> None:
        self._connection = connection

    def upsert_owner(self, actor: Actor, org: str | None, data: dict[str, Any]) -> Written:
        answer = self._connection.call(wire.request("work.owner", actor, organisation=org, owner=data))
        return Written(wire.owner_from_wire(answer["owner"]), None)

    def plan(self, actor: Actor, org: str | None, target: dict[str, Any], data: dict[str, Any]) -> Written:
        message = wire.request("work.plan", actor, organisation=org, target=target, plan=data)
        return Written(wire.work_from_wire(self._connection.call(message)["work"]), None)

    def advance(
        self, actor: Actor, org: str | None, target: dict[str, Any], status: str, reason: str | None = None
    ) -> Written:
        message = wire.request("work.advance", actor, organisation=org, target=target, status=status, reason=reason)
        return Written(wire.work_from_wire(self._connection.call(message)["work"]), None)


class RemoteWrites:
    """The changes of one CLI command, made by the server holding the store, on behalf of `actor`."""

    def __init__(self, connection: _Connection, actor: Actor) -> None:
        self._connection = connection
        self._actor = actor
        self.keys = _RemoteKeys(connection)
        self.webhooks = _RemoteWebhooks(connection)
        self.work = _RemoteWork(connection)

    @property
    def server_pid(self) -> int:
        return self._connection.server_pid

    def load(
        self, paths: Iterable[Path] = (), *, progress: ProgressCallback = no_progress, **options: Unpack[LoadOptions]
    ) -> LoadReport:
        typed = [Path(path) for path in paths]
        names = {str(path.absolute()): str(path) for path in typed if not path.is_absolute()}
        message = wire.request("load", self._actor, paths=[str(path.absolute()) for path in typed], options=options)
        try:
            report = wire.report_from_wire(self._connection.call(message, progress))
        except DataError as error:
            raise DataError(
                [
                    Problem(
                        names.get(problem.file, problem.file),
                        _named_as_typed(names, problem.message),
                        problem.line,
                        problem.path,
                    )
                    for problem in error.problems
                ]
            ) from None
        return dataclasses.replace(report, files=tuple(names.get(name, name) for name in report.files))

    def close(self) -> None:
        self._connection.close()
