"""The issue's done-when: a connector written with a third-party GraphQL client (gql, validating every document
against the schema it fetched from the server) syncs an organisation incrementally through 1,000 changes made
at once by several clients and the CLI, and ends equal to a full read; a subscription client and a webhook
receiver (a real HTTP server) each see every committed change exactly once, in order.

A real `aimsgraph serve` process; bounded by counts, and every wait is on a condition (with a hang guard)."""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.transport.httpx import HTTPXTransport
from gql.transport.websockets import WebsocketsTransport

from tests.conftest import Cli
from tests.support.receiver import Receiver
from tests.support.servers import server_log, start_server, stop
from tests.support.writers import run_all

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WRITERS = 4
ROUNDS = 83  # each writer: 83 rounds of (upsert, upsert, link) and a removal every 4th → ~1,000 changes
HANG_GUARD = 300.0


def client(base: str, token: str) -> Client:
    transport = HTTPXTransport(url=f"{base}/graphql", headers={"Authorization": f"Bearer {token}"}, timeout=120)
    return Client(transport=transport, fetch_schema_from_transport=True)


def run(session: Any, query: str, **variables: Any) -> Any:
    return session.execute(GraphQLRequest(query, variable_values=variables))


UPSERT = """mutation($input: AssetInput!) { upsertAsset(input: $input) { errors { message } } }"""
LINK = """mutation($a: String!, $b: String!) { linkAssets(assetId: $a, uses: $b) { errors { message } } }"""
DELETE = """mutation($a: String!) { deleteAsset(id: $a) { errors { message } } }"""
CHANGES = """query($since: Int!) { changes(since: $since, first: 200) {
               next hasMore revision entries { id sequence targetKind targetId operation after } } }"""
ASSETS = """query($after: String) { assets(first: 200, after: $after) {
              edges { node { id name owner uses(first: 50) { edges { node { id } } } } }
              pageInfo { hasNextPage endCursor } } }"""


def writer(base: str, token: str, number: int, gate: threading.Barrier) -> int:
    """Upserts, links and removals of this writer's own assets; how many changes it committed."""
    made = 0
    with client(base, token) as session:
        gate.wait()
        for turn in range(ROUNDS):
            a, b = f"w{number}-{turn}-a", f"w{number}-{turn}-b"
            for asset in (a, b):
                answer = run(session, UPSERT, input={"id": asset, "kind": "MODEL", "name": asset, "owner": f"o{turn}"})
                assert answer["upsertAsset"]["errors"] == []
            assert run(session, LINK, a=a, b=b)["linkAssets"]["errors"] == []
            made += 3
            if turn % 4 == 3:
                assert run(session, DELETE, a=a)["deleteAsset"]["errors"] == []
                made += 1
    return made


def full_read(session: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    after = None
    while True:
        page = run(session, ASSETS, after=after)["assets"]
        for edge in page["edges"]:
            node = edge["node"]
            uses = sorted(e["node"]["id"] for e in node["uses"]["edges"])
            found[node["id"]] = {"name": node["name"], "owner": node["owner"], "uses": uses}
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


class Connector:
    """A GRC tool's sync: a full read once, then the changes feed from the revision of that read."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.since = run(session, "{ changes(since: 0, first: 0) { revision } }")["changes"]["revision"]
        self.assets = full_read(session)
        self.ids: list[str] = []

    def sync(self) -> bool:
        """One page of changes applied; whether more were waiting."""
        feed = run(self.session, CHANGES, since=self.since)["changes"]
        for change in feed["entries"]:
            self.ids.append(change["id"])
            if change["targetKind"] != "asset":
                continue
            after = change["after"]
            if after is None:
                self.assets.pop(change["targetId"], None)
            else:
                self.assets[change["targetId"]] = {
                    "name": after["name"],
                    "owner": after["owner"],
                    "uses": sorted(after.get("uses") or []),
                }
        self.since = feed["next"]
        return bool(feed["hasMore"])


class Subscriber:
    """A subscription client (gql over graphql-transport-ws) in its own thread, keeping what it is sent."""

    def __init__(self, base: str, token: str, since: int) -> None:
        self.changes: list[dict[str, Any]] = []
        self.ready = threading.Event()
        self._changed = threading.Condition()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.error: BaseException | None = None
        url = base.replace("http://", "ws://") + "/graphql"
        self._transport = WebsocketsTransport(
            url=url, init_payload={"Authorization": f"Bearer {token}"}, subprotocols=["graphql-transport-ws"]
        )
        self._since = since
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            asyncio.run(self._follow())
        except BaseException as error:  # reported by `wait_for`
            self.error = error
            self.ready.set()
            with self._changed:
                self._changed.notify_all()

    async def _follow(self) -> None:
        self._loop = asyncio.get_running_loop()
        query = "subscription($since: Int) { changes(since: $since) { id sequence targetKind targetId } }"
        async with Client(transport=self._transport, fetch_schema_from_transport=True) as session:
            self.ready.set()
            request = GraphQLRequest(query, variable_values={"since": self._since})
            async for result in session.subscribe(request):
                with self._changed:
                    self.changes.append(result["changes"])
                    self._changed.notify_all()

    def wait_for(self, count: int, log: Callable[[], str]) -> list[dict[str, Any]]:
        with self._changed:
            self._changed.wait_for(lambda: len(self.changes) >= count or self.error is not None, timeout=HANG_GUARD)
        assert self.error is None, f"{self.error!r} after {len(self.changes)} changes; the server's log:\n{log()}"
        return list(self.changes)

    def close(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            # the subscription may end (and its loop close) meanwhile: then nothing is left to cancel
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(lambda: [task.cancel() for task in asyncio.all_tasks(loop)])
        self._thread.join(timeout=30)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver(refuse=1)
    yield found
    found.close()


def test_a_connector_a_subscriber_and_a_webhook_follow_1000_concurrent_changes_exactly_once(
    seeded_store: Path, tmp_path: Path, receiver: Receiver
) -> None:
    store = tmp_path / "store"
    shutil.copytree(seeded_store, store)
    cli = Cli(store)
    token = cli.json("keys", "create", "--role", "admin", "--name", "sync test")["token"]
    base, process = start_server(
        store, env={"AIMSGRAPH_EVENTS_POLL_INTERVAL": "0.1", "AIMSGRAPH_WEBHOOK_BACKOFF": "0.05"}
    )
    subscriber: Subscriber | None = None
    try:
        with client(base, token) as session:
            created = run(
                session,
                "mutation($url: String!) { createWebhook(url: $url) { secret webhook { delivered } } }",
                url=receiver.url,
            )
            receiver.secret = created["createWebhook"]["secret"]
            connector = Connector(session)
            start = created["createWebhook"]["webhook"]["delivered"]
            assert connector.since >= start
            subscriber = Subscriber(base, token, connector.since)
            assert subscriber.ready.wait(HANG_GUARD) and subscriber.error is None, subscriber.error

            gate = threading.Barrier(WRITERS + 1, timeout=HANG_GUARD)
            results: list[int] = []
            failed: list[BaseException] = []

            def write_all() -> None:
                # a writer's failure is this test's failure, with its own message: a thread's exception
                # would otherwise only be printed, and the test fail later on a count that hides it
                try:
                    results.extend(run_all(lambda n: writer(base, token, n, gate), [(n,) for n in range(WRITERS)]))
                except BaseException as error:
                    failed.append(error)
                    gate.abort()  # a writer that died before the gate must not leave the others waiting

            writers = threading.Thread(target=write_all)
            writers.start()
            try:
                gate.wait()
            except threading.BrokenBarrierError:
                writers.join()
                raise failed[0] if failed else AssertionError("the writers never reached the gate") from None
            cli_key = cli.json(
                "keys", "create", "--role", "viewer", "--name", "through the channel"
            )  # the CLI, meanwhile
            while writers.is_alive():  # the connector syncs while the writers write
                connector.sync()
            writers.join()
            if failed:
                raise failed[0]
            while connector.sync():
                pass
            connector.sync()  # and once more at the newest revision
            made = sum(results) + 1
            assert made >= 1_000

            assert connector.assets == full_read(session)  # incremental sync == full read
            assert len(connector.ids) == len(set(connector.ids)) == made
        seen = subscriber.wait_for(made, lambda: server_log(process))
        assert [c["id"] for c in seen] == connector.ids  # every change once, in commit order
        assert any(c["targetKind"] == "api_key" and c["targetId"] == cli_key["id"] for c in seen)
        hooked = receiver.wait_for(made, timeout=HANG_GUARD)
        assert [c["id"] for c in hooked] == connector.ids and receiver.bad_signatures == 0
        assert receiver.refused == 1  # and one refusal was retried
        # Delivery is at least once: a change comes again only after an attempt the server saw fail (on a
        # loaded machine the receiver's answer can miss the webhook timeout), never otherwise.
        failed = re.findall(r"delivery \d+ failed \((?!503\))", server_log(process, tail=None))  # not the refusal
        assert receiver.repeated == 0 or failed, f"{receiver.repeated} changes sent again after no failed attempt"
    finally:
        if subscriber is not None:
            subscriber.close()
        stop(process)
