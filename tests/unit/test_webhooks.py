"""Webhooks: registered by an admin, sent every committed change once and in order, signed with a secret that is
shown once and never again; a refused delivery is retried and logged, and the registration and its progress
live in the store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.graphql.app import create_app
from graph.service import Service
from graph.settings import Settings
from graph.views.write import Actor
from tests.support.receiver import Receiver
from tests.support.servers import wait_for

CLI = Actor("cli", name="tests")
ORG = "acme"


@pytest.fixture
def acme(memory_service: Service, tmp_path: Path) -> Service:
    path = tmp_path / "acme.yaml"
    path.write_text(f"organisation: {{id: {ORG}, name: Acme, jurisdictions: [EU]}}\nassets: []\n")
    memory_service.load([path])
    return memory_service


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver(refuse=2)
    yield found
    found.close()


def upsert(service: Service, asset_id: str) -> None:
    service.inventory.upsert_asset(CLI, ORG, {"id": asset_id, "kind": "model", "name": asset_id, "owner": "o"})


def graphql(client: TestClient, token: str, query: str, **variables: Any) -> Any:
    answer = client.post(
        "/graphql", json={"query": query, "variables": variables}, headers={"Authorization": f"Bearer {token}"}
    )
    body = answer.json()
    assert "errors" not in body, body
    return body["data"]


CREATE = """mutation($url: String!) { createWebhook(url: $url) {
              secret errors { code message } webhook { id url active delivered } } }"""


def test_a_webhook_gets_every_change_once_in_order_signed_after_refusals_and_logs_each_attempt(
    acme: Service, receiver: Receiver
) -> None:
    _, token = acme.keys.create(CLI, "admin", "admin")
    settings = Settings(anonymous_read=False, webhook_backoff=0.01)
    with TestClient(create_app(acme, settings)) as client:
        created = graphql(client, token, CREATE, url=receiver.url)["createWebhook"]
        assert created["errors"] == [] and created["webhook"]["active"] is True
        receiver.secret = created["secret"]
        webhook_id = created["webhook"]["id"]
        for n in range(8):
            upsert(acme, f"w-{n}")
        acme.inventory.delete_asset(CLI, ORG, "w-3")
        got = receiver.wait_for(9)
        # the receiver has its answer before the server records the attempt: wait for the record, not a clock
        wait_for(lambda: acme.webhooks.list()[0].delivered >= got[-1]["sequence"], "the 204 delivery recorded")
        listed = graphql(
            client,
            token,
            """{ webhooks { edges { node { id url delivered lastStatus
                 deliveries(first: 50) { edges { node { targetKind after } } } } } } }""",
        )["webhooks"]["edges"]
    assert [(c["targetId"], c["operation"]) for c in got] == [
        *((f"w-{n}", "upsertAsset") for n in range(8)),
        ("w-3", "deleteAsset"),
    ]
    assert receiver.bad_signatures == 0 and receiver.refused == 2  # retried after two 503s
    (hook,) = [edge["node"] for edge in listed]
    assert hook["id"] == webhook_id and "secret" not in hook
    attempts = [edge["node"]["after"] for edge in hook["deliveries"]["edges"]]
    assert [a["status"] for a in attempts[-3:]] == ["204", "503", "503"]  # newest first
    assert all(edge["node"]["targetKind"] == "webhook_delivery" for edge in hook["deliveries"]["edges"])
    assert hook["delivered"] >= got[-1]["sequence"] and hook["lastStatus"] == "204"
    stored = acme.webhooks.list()[0]
    assert stored.delivered == hook["delivered"]  # the progress is in the store, not in the server
    audit = [e for e in acme.audit_log() if e.kind == "webhook"]
    assert [e.operation for e in audit] == ["createWebhook"] and receiver.secret not in audit[0].after


def test_a_restarted_server_resumes_a_webhook_where_the_receiver_stopped(acme: Service, receiver: Receiver) -> None:
    view, secret = acme.webhooks.create(CLI, receiver.url)
    receiver.secret = secret
    upsert(acme, "before-start")  # committed while no server runs: sent once one starts
    settings = Settings(webhook_backoff=0.01)
    with TestClient(create_app(acme, settings)):
        receiver.wait_for(1)
    upsert(acme, "while-stopped")
    with TestClient(create_app(acme, settings)):
        got = receiver.wait_for(2)
    assert [c["targetId"] for c in got] == ["before-start", "while-stopped"]
    assert acme.webhooks.list()[0].id == view.id


def test_a_webhook_url_that_is_not_http_is_refused_and_nothing_is_stored(acme: Service) -> None:
    _, token = acme.keys.create(CLI, "admin", "admin")
    with TestClient(create_app(acme, Settings())) as client:
        created = graphql(client, token, CREATE, url="file:///etc/passwd")["createWebhook"]
    assert [e["code"] for e in created["errors"]] == ["BAD_INPUT"] and created["secret"] is None
    assert acme.webhooks.list() == []


def test_the_secret_never_leaves_the_store_in_an_export(acme: Service, receiver: Receiver) -> None:
    view, secret = acme.webhooks.create(CLI, receiver.url)
    text = acme.answers().exports.graph("turtle")
    assert view.url in text  # the webhook is exported …
    assert secret not in text and "webhookSecret" not in text  # … without its secret
