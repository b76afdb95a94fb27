"""The HTTP layer bounds the work of one request: cost estimated up front, a timeout that stops it, input sizes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.graphql.app import create_app
from graph.read.answers import Answers
from graph.service import Service
from graph.settings import Settings
from graph.stores.embedded import EmbeddedStore
from graph.views.write import Actor


def client(service: Service, **settings: Any) -> TestClient:
    return TestClient(create_app(service, Settings(**settings)))


def post(http: TestClient, query: str) -> Any:
    response = http.post("/graphql", json={"query": query})
    assert response.status_code == 200, response.text
    return response.json()


def test_an_operation_that_would_return_too_much_is_refused_before_it_runs(bundled: Service) -> None:
    http = client(bundled, max_query_cost=5_000)
    aliases = " ".join(
        f'x{i}: crosswalk(source: "iso27001", target: "eu-ai-act", includeInferred: true, first: 500) '
        "{ edges { node { source { mappings(includeInferred: true) { edges { node { path { ref } } } } } } } }"
        for i in range(5)
    )
    body = post(http, "{ " + aliases + " }")
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "TOO_COSTLY" and "the limit is 5,000" in error["message"]
    assert body["data"] is None
    small = post(http, '{ provisions(framework: "iso42001", first: 20) { edges { node { ref children { ref } } } } }')
    assert "errors" not in small


def test_a_variable_page_size_counts_as_the_largest_page(bundled: Service) -> None:
    http = client(bundled, max_query_cost=2_000)
    query = 'query($n: Int) { provisions(framework: "gdpr", first: $n) { edges { node { children { ref } } } } }'
    response = http.post("/graphql", json={"query": query, "variables": {"n": 1}})
    assert response.json()["errors"][0]["extensions"]["code"] == "TOO_COSTLY"


def test_an_operation_past_the_timeout_is_stopped_with_a_typed_error(bundled: Service) -> None:
    http = client(bundled, request_timeout=0.001)
    query = (
        '{ crosswalk(source: "iso27001", target: "nist-ai-rmf", includeInferred: true, depth: 5, first: 500) '
        "{ edges { node { path { ref } } } } }"
    )
    body = post(http, query)
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "TIMEOUT" and "stopped" in error["message"]
    assert http.get("/healthz").status_code == 200


def test_a_search_text_longer_than_a_few_words_is_bad_input(bundled: Service) -> None:
    body = post(client(bundled), '{ search(text: "%s") { totalCount } }' % ("x" * 10_000))
    assert body["errors"][0]["extensions"]["code"] == "BAD_INPUT" and "limited to 200" in body["errors"][0]["message"]


def test_an_oversized_body_is_refused_with_400(bundled: Service) -> None:
    http = client(bundled, max_request_bytes=2_000)
    response = http.post("/graphql", json={"query": "{ frameworks { id } }", "variables": {"pad": "x" * 5_000}})
    assert response.status_code == 400 and "larger than 2,000 bytes" in response.text


@pytest.mark.parametrize("body", [b"[1, 2]", b"[]", b"null"])
def test_a_batch_or_null_that_is_not_operations_is_refused_with_400(bundled: Service, body: bytes) -> None:
    response = client(bundled).post("/graphql", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400


def test_a_body_nested_400k_deep_is_400_not_500(bundled: Service) -> None:
    body = b"[" * 400_000 + b"]" * 400_000
    response = client(bundled, max_request_bytes=1_000_000).post(
        "/graphql", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400 and "nested too deeply" in response.text


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(bundled: Service) -> None:
    http = client(bundled, max_request_bytes=2_000)
    response = http.post(
        "/graphql", content=b"{}", headers={"Content-Type": "application/json", "Content-Length": "99999999"}
    )
    assert response.status_code == 400 and "larger than 2,000 bytes" in response.text
    assert response.headers["connection"] == "close"


def test_a_request_timeout_stops_the_work_inside_one_field(bundled: Service) -> None:
    from core.deadlines import OperationTimeout, deadline

    organisation = bundled.answers().organisation
    day = dt.date(2031, 3, 17)  # a day no other test asks about: its answers are worked out, not carried
    with deadline(0), pytest.raises(OperationTimeout, match="stopped"):
        organisation.gaps("northwind", day)  # stops at its first asset, not after the last
    assert organisation.gaps("northwind", day)  # without a deadline it answers


def test_an_operation_answers_from_the_revision_when_it_runs_not_when_it_arrived() -> None:
    """Under load an operation waits for its turn while writes land; it reads the store's newest revision when
    it runs, so what it works out is kept where the next requests read (not in a snapshot already replaced),
    and a write acknowledged before it ran is in its answer."""
    service = Service(EmbeddedStore.open(None))
    service.load(include_bundled=True, replace=True)
    real = service.answers
    arrived: list[int] = []

    def a_write_lands_once_the_request_has_arrived() -> Answers:
        found = real()
        if not arrived:  # the request's context is made: now a write lands before the operation's turn
            arrived.append(found.revision)
            written = {"id": "late-writer", "kind": "model", "name": "Late", "owner": "ml-team"}
            service.inventory.upsert_asset(Actor("cli", name="tests"), None, written)
        return found

    service.answers = a_write_lands_once_the_request_has_arrived  # type: ignore[method-assign]
    try:
        body = post(client(service), '{ asset(id: "late-writer") { id } }')
        assert arrived and body["data"]["asset"] == {"id": "late-writer"}
    finally:
        service.close()
