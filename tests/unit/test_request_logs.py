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
    assert {"request_id": "tool-42", "method": "POST", "path": "/graphql", "status": 200}.items() <= access[0].items()
    assert isinstance(access[0]["ms"], float)
    error = next(line for line in lines if line["logger"] == "aimsgraph.graphql")
    assert error["request_id"] == missing.headers["x-request-id"] and "NOT_FOUND" in error["message"]
