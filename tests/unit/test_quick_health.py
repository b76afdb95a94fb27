"""A plain health check is answered from the bytes that arrived (`api.cli.healthz`); anything less plain is
left to uvicorn, which answers it as before (or refuses it), so the quick answer never changes what a client
sees."""

from __future__ import annotations

import json

import pytest

from api.cli.healthz import quick_answer

BODY = json.dumps({"status": "ok", "revision": 3, "pid": 7}).encode()
SERVER = [(b"server", b"uvicorn")]


def kept() -> bytes:
    return BODY


def test_a_health_check_is_answered_with_its_request_id_and_kept_open() -> None:
    answer = quick_answer(b"GET /healthz HTTP/1.1\r\nHost: lb\r\nX-Request-ID: lb-7\r\n\r\n", kept, SERVER)
    assert answer is not None
    response, close = answer
    head, body = response.split(b"\r\n\r\n", 1)
    lines = head.split(b"\r\n")
    assert lines[0] == b"HTTP/1.1 200 OK" and not close
    assert {b"server: uvicorn", b"x-request-id: lb-7", b"content-type: application/json"} <= set(lines)
    assert f"content-length: {len(BODY)}".encode() in lines and body == BODY


def test_head_has_no_body_and_connection_close_is_kept() -> None:
    answer = quick_answer(b"HEAD /healthz HTTP/1.1\r\nhost: lb\r\nConnection: close\r\n\r\n", kept, [])
    assert answer is not None
    response, close = answer
    assert close and response.endswith(b"connection: close\r\n\r\n")
    assert f"content-length: {len(BODY)}".encode() in response


def test_an_insane_request_id_is_replaced() -> None:
    answer = quick_answer(b"GET /healthz HTTP/1.1\r\nHost: lb\r\nX-Request-ID: " + b"x" * 500 + b"\r\n\r\n", kept, [])
    assert answer is not None
    request_id = next(line for line in answer[0].split(b"\r\n") if line.startswith(b"x-request-id: "))
    assert len(request_id) == len(b"x-request-id: ") + 32


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /healthz?verbose=1 HTTP/1.1\r\nHost: lb\r\n\r\n",  # another target
        b"POST /healthz HTTP/1.1\r\nHost: lb\r\n\r\n",  # another method
        b"GET /healthz HTTP/1.0\r\nHost: lb\r\n\r\n",  # HTTP/1.0: closes unless asked not to
        b"GET /healthz HTTP/1.1\r\n\r\n",  # no Host: uvicorn refuses it with 400
        b"GET /healthz HTTP/1.1\r\nHost: lb\r\n",  # not whole yet
        b"GET /healthz HTTP/1.1\r\nHost: lb\r\n\r\nGET /readyz HTTP/1.1\r\nHost: lb\r\n\r\n",  # pipelined
        b"GET /healthz HTTP/1.1\r\nHost: lb\r\nContent-Length: 2\r\n\r\n",  # a body to come
        b"GET /healthz HTTP/1.1\r\nHost: lb\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost : lb\r\n\r\n",  # malformed: uvicorn refuses it
        b"GET /healthz HTTP/1.1\r\nHost: lb\r\n folded\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: lb\r\nUpgrade: websocket\r\n\r\n",
    ],
)
def test_anything_but_a_plain_health_check_is_left_to_uvicorn(request_bytes: bytes) -> None:
    assert quick_answer(request_bytes, kept, []) is None


def test_before_the_first_health_is_kept_uvicorn_answers() -> None:
    plain = b"GET /healthz HTTP/1.1\r\nHost: lb\r\n\r\n"
    assert quick_answer(plain, lambda: None, []) is None
    assert quick_answer(plain, None, []) is None
