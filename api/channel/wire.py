"""The channel's messages: one JSON object per line, in both directions.

A request names an operation, the actor the audit trail records (the CLI user), and the call's arguments.
While the server works it sends `{"alive": true}` every second and `{"progress": [phase, done, total]}` as
the service reports it; the last line is `{"ok": result}` or `{"error": {...}}`. A connection that closes
before that last line left the change's fate unknown, and the client says so rather than guessing.

Results and errors travel as data and are rebuilt as the same views and exceptions the service returns, so
the CLI prints them with the code it uses for a direct write.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from typing import Any, Protocol

from core import errors
from core.errors import AimsgraphError, DataError, Problem
from graph.views.read import LoadReport, OwnerView, WorkItemView
from graph.views.write import Actor, ApiKeyView, LoadOptions, WebhookView, load_options

PROTOCOL = 2
"""Raised when a message changes shape: a client and a server of different versions refuse each other."""

OPERATIONS = (
    "hello",
    "load",
    "keys.create",
    "keys.revoke",
    "webhooks.create",
    "webhooks.remove",
    "work.owner",
    "work.plan",
    "work.advance",
)
HEARTBEAT = 1.0  # seconds between the server's `alive` lines while it works
SILENCE = 30.0  # seconds without any line after which the client stops waiting for a server


class ChannelError(AimsgraphError):
    """The channel itself failed (a server that went away, a message of another version)."""

    code = "CHANNEL"


class RelayedError(AimsgraphError):
    """An error the server's service raised, carried back with its message and code."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class Stream(Protocol):
    """A socket's file: lines in, lines out."""

    def write(self, data: bytes, /) -> int: ...

    def flush(self) -> None: ...

    def readline(self, size: int = -1, /) -> bytes: ...


def send(stream: Stream, message: dict[str, Any]) -> None:
    stream.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
    stream.flush()


def receive(stream: Stream) -> dict[str, Any] | None:
    """The next message, or None when the other end closed the connection."""
    line = stream.readline()
    if not line:
        return None
    try:
        message = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ChannelError(f"the write channel sent a message that is not JSON: {error}") from None
    if not isinstance(message, dict):
        raise ChannelError("the write channel sent a message that is not a JSON object")
    return message


def request(operation: str, actor: Actor, **arguments: Any) -> dict[str, Any]:
    return {"protocol": PROTOCOL, "op": operation, "actor": asdict(actor), "args": arguments}


def actor_from(data: Any) -> Actor:
    """The request's actor: only a CLI user can speak on the channel."""
    if not isinstance(data, dict) or data.get("kind") != "cli":
        raise ChannelError("a channel request names its CLI user as the actor")
    name = data.get("name")
    return Actor("cli", name=str(name) if name is not None else None)


def options_from_wire(data: Any) -> LoadOptions:
    """A load request's options, checked against the service's `LoadOptions`."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ChannelError("a load request's options are a JSON object")
    try:
        return load_options(data)
    except ValueError as error:
        raise ChannelError(f"{error}: run the same aimsgraph version on both sides") from None


# -- results -----------------------------------------------------------------------------------------------
def report_to_wire(report: LoadReport) -> dict[str, Any]:
    return asdict(report)


def report_from_wire(data: dict[str, Any]) -> LoadReport:
    fields: dict[str, Any] = {name: tuple(v) if isinstance(v, list) else v for name, v in data.items()}
    return LoadReport(**fields)


def key_to_wire(view: ApiKeyView) -> dict[str, Any]:
    return {
        "id": view.id,
        "name": view.name,
        "role": view.role,
        "created_at": view.created_at.isoformat(),
        "revoked_at": view.revoked_at.isoformat() if view.revoked_at else None,
    }


def key_from_wire(data: dict[str, Any]) -> ApiKeyView:
    revoked = data.get("revoked_at")
    return ApiKeyView(
        id=str(data["id"]),
        name=str(data["name"]),
        role=str(data["role"]),
        created_at=dt.datetime.fromisoformat(data["created_at"]),
        revoked_at=dt.datetime.fromisoformat(revoked) if revoked else None,
    )


def webhook_to_wire(view: WebhookView) -> dict[str, Any]:
    return {
        "id": view.id,
        "url": view.url,
        "organisation": view.organisation,
        "kinds": list(view.kinds),
        "created_at": view.created_at.isoformat(),
        "removed_at": view.removed_at.isoformat() if view.removed_at else None,
        "delivered": view.delivered,
        "last_status": view.last_status,
    }


def webhook_from_wire(data: dict[str, Any]) -> WebhookView:
    removed = data.get("removed_at")
    return WebhookView(
        id=str(data["id"]),
        url=str(data["url"]),
        organisation=data.get("organisation"),
        kinds=tuple(str(k) for k in data.get("kinds", [])),
        created_at=dt.datetime.fromisoformat(data["created_at"]),
        removed_at=dt.datetime.fromisoformat(removed) if removed else None,
        delivered=int(data["delivered"]),
        last_status=data.get("last_status"),
    )


def owner_to_wire(view: OwnerView) -> dict[str, Any]:
    return asdict(view)


def owner_from_wire(data: dict[str, Any]) -> OwnerView:
    return OwnerView(**data)


def work_to_wire(view: WorkItemView) -> dict[str, Any]:
    return {name: value.isoformat() if isinstance(value, dt.date) else value for name, value in asdict(view).items()}


def work_from_wire(data: dict[str, Any]) -> WorkItemView:
    dated = {"due": dt.date, "last_reviewed": dt.date, "next_review": dt.date, "status_changed_at": dt.datetime}
    fields: dict[str, Any] = {
        name: dated[name].fromisoformat(value) if name in dated and isinstance(value, str) else value
        for name, value in data.items()
    }
    return WorkItemView(**fields)


# -- errors ------------------------------------------------------------------------------------------------
def error_to_wire(error: AimsgraphError) -> dict[str, Any]:
    data: dict[str, Any] = {"message": str(error), "code": error.code, "class": type(error).__name__}
    if isinstance(error, DataError):
        data["problems"] = [asdict(problem) for problem in error.problems]
    return data


def error_from_wire(data: dict[str, Any]) -> AimsgraphError:
    """The service's exception again: a DataError with its problems (so its message is rebuilt the same way),
    any other kind of `core.errors` by its class where it takes a message, else its message and code."""
    if data.get("class") == "DataError" and isinstance(data.get("problems"), list):
        return DataError([Problem(**problem) for problem in data["problems"]])
    message, code = str(data.get("message", "")), str(data.get("code", "ERROR"))
    kind = getattr(errors, str(data.get("class")), None)
    simple = (
        errors.IntegrityError,
        errors.UsageError,
        errors.StoreBusyError,
        errors.ReadOnlyStoreError,
        errors.StoreUnavailableError,
        errors.StoreQueryError,
        errors.ConflictError,
        errors.UnauthenticatedError,
        errors.ForbiddenError,
    )
    if kind in simple:
        built: AimsgraphError = kind(message)
        return built
    return RelayedError(message, code)
