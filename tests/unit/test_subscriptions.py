"""Subscriptions over WebSocket announce every committed change once, in order, from any sequence, to a client
authenticated with an API key; a key that is not good closes the socket before anything is sent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient, WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from api.graphql.app import create_app
from graph.service import Service
from graph.settings import Settings
from graph.views.write import Actor

CLI = Actor("cli", name="tests")
ORG = "acme"
SUBSCRIBE = """subscription($since: Int, $kinds: [String!]) {
                 changes(since: $since, kinds: $kinds) { sequence targetKind targetId operation } }"""


@pytest.fixture
def acme(memory_service: Service, tmp_path: Path) -> Service:
    path = tmp_path / "acme.yaml"
    path.write_text(f"organisation: {{id: {ORG}, name: Acme, jurisdictions: [EU]}}\nassets: []\n")
    memory_service.load([path])
    return memory_service


@pytest.fixture
def client(acme: Service) -> Iterator[TestClient]:
    with TestClient(create_app(acme, Settings(anonymous_read=False))) as client:
        yield client


def upsert(service: Service, asset_id: str) -> None:
    service.inventory.upsert_asset(CLI, ORG, {"id": asset_id, "kind": "model", "name": asset_id, "owner": "o"})


def connect(socket: WebSocketTestSession, token: str) -> None:
    socket.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    assert socket.receive_json()["type"] == "connection_ack"


def received(socket: WebSocketTestSession, count: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    while len(found) < count:
        message = socket.receive_json()
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        found.append(message["payload"]["data"]["changes"])
    return found


def test_a_subscriber_gets_every_change_after_since_then_each_new_one_once_in_order(
    client: TestClient, acme: Service
) -> None:
    _, token = acme.keys.create(CLI, "viewer", "subscriber")
    since = acme.answers().revision
    upsert(acme, "before-1")  # committed before the subscription: replayed from `since`
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        connect(socket, token)
        socket.send_json(
            {"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE, "variables": {"since": since}}}
        )
        assert [c["targetId"] for c in received(socket, 1)] == ["before-1"]
        for n in range(5):
            upsert(acme, f"live-{n}")
        acme.inventory.delete_asset(CLI, ORG, "live-2")
        live = received(socket, 6)
    assert [(c["targetId"], c["operation"]) for c in live] == [
        *((f"live-{n}", "upsertAsset") for n in range(5)),
        ("live-2", "deleteAsset"),
    ]
    sequences = [c["sequence"] for c in live]
    assert sequences == sorted(set(sequences)) and sequences[0] > since + 1


def test_the_older_graphql_ws_protocol_is_served_too(client: TestClient, acme: Service) -> None:
    _, token = acme.keys.create(CLI, "viewer", "old client")
    with client.websocket_connect("/graphql", subprotocols=["graphql-ws"]) as socket:
        socket.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        assert socket.receive_json()["type"] == "connection_ack"
        since = acme.answers().revision
        socket.send_json({"id": "1", "type": "start", "payload": {"query": SUBSCRIBE, "variables": {"since": since}}})
        upsert(acme, "old-1")
        message = socket.receive_json()
        while message["type"] == "ka":
            message = socket.receive_json()
    assert message["type"] == "data" and message["payload"]["data"]["changes"]["targetId"] == "old-1"


def test_a_subscription_without_a_good_key_is_refused(client: TestClient, acme: Service) -> None:
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        socket.send_json({"type": "connection_init", "payload": {"Authorization": "Bearer agk_not-a-key"}})
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()
    assert closed.value.code == 4403
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:  # no key at all
        socket.send_json({"type": "connection_init", "payload": {}})
        assert socket.receive_json()["type"] == "connection_ack"
        socket.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
        message = socket.receive_json()
    assert message["type"] == "error"
    assert [error["extensions"]["code"] for error in message["payload"]] == ["UNAUTHENTICATED"]
