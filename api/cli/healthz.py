"""A plain health check answered as its bytes arrive, before uvicorn parses it or starts a task for it.

Why: under load the event loop shares the interpreter with the GraphQL threads and serves every other client's
request too. Through uvicorn a health check takes a turn of the loop to parse, another for the ASGI task to
start, and two writes (head, then body); each turn waits behind whatever else is ready, and each write gives
the interpreter up and waits to get it back. Answered here, it is one pass over the bytes that arrived and one
write, in the turn that read them. Only the simplest request is taken: exactly one `GET` or `HEAD /healthz`
over HTTP/1.1, whole in what arrived, with a Host and no body; anything else (a query string, a pipelined
second request, a body, HTTP/1.0, a malformed header) goes to uvicorn as before, and so does every check
before the app has kept a first health (`api.graphql.limits.HealthCache.kept_body`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from api.graphql.request_ids import request_id_from

_REQUEST_LINES = (b"GET /healthz HTTP/1.1\r\n", b"HEAD /healthz HTTP/1.1\r\n")
_HEAD_END = b"\r\n\r\n"


def quick_answer(
    data: bytes, body_of: Callable[[], bytes | None] | None, default_headers: Iterable[tuple[bytes, bytes]]
) -> tuple[bytes, bool] | None:
    """The whole response to `data` when it is one plain health check and a health is kept (`body_of`), and
    whether to close the connection after it; None: uvicorn takes the request."""
    if body_of is None or not data.startswith(_REQUEST_LINES) or data.find(_HEAD_END) != len(data) - 4:
        return None
    fields = _fields(data[data.index(b"\r\n") + 2 : -4])
    if fields is None or b"host" not in fields:
        return None
    if fields.get(b"content-length", b"0") != b"0" or b"transfer-encoding" in fields or b"upgrade" in fields:
        return None
    body = body_of()
    if body is None:
        return None
    close = b"close" in fields.get(b"connection", b"").lower()
    request_id = request_id_from(fields.get(b"x-request-id", b"").decode("latin-1"))
    headers = [
        *default_headers,
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"x-request-id", request_id.encode()),
    ]
    if close:
        headers.append((b"connection", b"close"))
    head = b"HTTP/1.1 200 OK\r\n" + b"".join(name + b": " + value + b"\r\n" for name, value in headers) + b"\r\n"
    return (head if data.startswith(b"HEAD") else head + body), close


def _fields(block: bytes) -> dict[bytes, bytes] | None:
    """A request head's header fields by lower-cased name (the last of repeats); None when one is malformed
    (no colon, space before it, a folded line): uvicorn's parser refuses those with 400."""
    fields: dict[bytes, bytes] = {}
    for line in block.split(b"\r\n") if block else ():
        name, colon, value = line.partition(b":")
        if not colon or not name or name != name.strip() or line[:1] in (b" ", b"\t"):
            return None
        fields[name.lower()] = value.strip(b" \t")
    return fields
