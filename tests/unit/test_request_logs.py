"""Every request gets an id (the client's X-Request-ID when sane, else a fresh one), returned in the response
and written on a structured (JSON) log line with the request's method, path, status and time."""

from __future__ import annotations

import io
import json
import logging

from starlette.testclient import TestClient

from api.graphql.app import create_app
from api.graphql.request_ids import JsonLogFormatter
from graph.service import Service
from graph.settings import Settings


def test_requests_are_logged_as_json_lines_with_their_id(bundled: Service) -> None:
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(JsonLogFormatter())
    logger = logging.getLogger("aimsgraph")
    http = TestClient(create_app(bundled, Settings()))
    logger.addHandler(handler)
    try:
        answered = http.post("/graphql", json={"query": "{ frameworks { id } }"}, headers={"X-Request-ID": "tool-42"})
        missing = http.post("/graphql", json={"query": '{ provision(framework: "gdpr", ref: "Article 999") { ref } }'})
    finally:
        logger.removeHandler(handler)
    assert answered.headers["x-request-id"] == "tool-42"
    assert len(missing.headers["x-request-id"]) == 32
    lines = [json.loads(line) for line in sink.getvalue().splitlines()]
    access = [line for line in lines if line["logger"] == "aimsgraph.access"]
    assert {"requestId": "tool-42", "method": "POST", "path": "/graphql", "status": 200}.items() <= access[0].items()
    assert isinstance(access[0]["ms"], float)
    error = next(line for line in lines if line["logger"] == "aimsgraph.graphql")
    assert error["requestId"] == missing.headers["x-request-id"] and "NOT_FOUND" in error["message"]


def test_health_checks_are_answered_before_the_middleware_and_not_logged(bundled: Service) -> None:
    """A load balancer checks /healthz every few ms: each check answers with its id and the served revision,
    and leaves no access-log line (the loop writes nothing for it)."""
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(JsonLogFormatter())
    logger = logging.getLogger("aimsgraph")
    http = TestClient(create_app(bundled, Settings()))
    logger.addHandler(handler)
    try:
        checks = [http.get("/healthz", headers={"X-Request-ID": f"lb-{n}"}) for n in range(3)]
        head = http.head("/healthz")
        wrong = http.post("/healthz")
    finally:
        logger.removeHandler(handler)
    assert [c.headers["x-request-id"] for c in checks] == ["lb-0", "lb-1", "lb-2"]
    assert all(c.json()["status"] == "ok" and c.json()["revision"] == bundled.answers().revision for c in checks)
    assert head.status_code == 200 and head.content == b""
    assert wrong.status_code == 405  # other methods still reach the app
    paths = [json.loads(line)["path"] for line in sink.getvalue().splitlines() if "aimsgraph.access" in line]
    assert paths == ["/healthz"]  # only the refused POST
