"""The sync side (issue 20): the changes feed's read rate and subscription fan-out, each against a baseline of
the same run.

* changes feed: every change of a trail of N writes read page by page through `changes(since:)` (the GraphQL
  schema in process, 200 a page), against reading the same entries through `auditLog` pages (the trail's own
  path, newest first): changes per second, and the ratio of the two times (near 1: the feed costs what the
  trail does);
* fan-out: K changes committed while 50 subscription clients (graphql-transport-ws, one asyncio loop) follow
  a real uvicorn server in this process, against the same with one client: the time until every client holds
  every change, and the ratio 50 : 1 (50 would mean each client costs what the first does; less is better).

Run alone with `.venv/bin/python bench/events.py [--quick]`; `bench/run.py` calls it too.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import standalone
import uvicorn
import websockets

from api.graphql.app import create_app
from api.graphql.context import Context
from api.graphql.schema import build_schema
from graph.service import Service
from graph.settings import Settings
from graph.stores.embedded import EmbeddedStore
from graph.views.write import Actor

CLI = Actor("cli", name="bench")
ORG = "bench"


def organisation(tmp: Path) -> Service:
    service = Service(EmbeddedStore.open(None))
    path = tmp / "org.yaml"
    path.write_text(f"organisation: {{id: {ORG}, name: Bench, jurisdictions: [EU]}}\nassets: []\n")
    service.load([path])
    return service


def write(service: Service, count: int, prefix: str) -> None:
    for n in range(count):
        service.inventory.upsert_asset(
            CLI, ORG, {"id": f"{prefix}-{n % 50}", "kind": "model", "name": f"{prefix} {n}", "owner": f"o{n}"}
        )


def feed_rate(quick: bool) -> dict[str, Any]:
    count = 300 if quick else 3_000
    settings = Settings(max_page_size=200)
    schema = build_schema(settings)
    with tempfile.TemporaryDirectory() as tmp:
        service = organisation(Path(tmp))
        write(service, count, "feed")

        def execute(query: str, **variables: Any) -> Any:
            context = Context(answers=service.answers(), settings=settings, service=service)
            result = asyncio.run(schema.execute(query, variable_values=variables, context_value=context))
            assert result.errors is None, result.errors
            return result.data

        started = time.perf_counter()
        since, read = 0, 0
        while True:
            page = execute(
                "query($s: Int!) { changes(since: $s, first: 200) { next hasMore entries { id targetId after } } }",
                s=since,
            )["changes"]
            read += len(page["entries"])
            since = page["next"]
            if not page["hasMore"]:
                break
        feed_s = time.perf_counter() - started
        started = time.perf_counter()
        after, trail = None, 0
        while True:
            page = execute(
                """query($a: String) { auditLog(first: 200, after: $a) {
                     edges { node { id targetId after } } pageInfo { hasNextPage endCursor } } }""",
                a=after,
            )["auditLog"]
            trail += len(page["edges"])
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        trail_s = time.perf_counter() - started
        service.close()
    return {
        "changes": read,
        "feed_s": feed_s,
        "trail_s": trail_s,
        "changes_per_s": read / feed_s,
        "feed_to_trail": feed_s / trail_s,
        "same_count": read == trail,
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _follow(url: str, since: int, count: int) -> None:
    async with websockets.connect(url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]) as socket_:
        await socket_.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await socket_.recv())["type"] == "connection_ack"
        query = "subscription($s: Int) { changes(since: $s) { sequence targetId } }"
        await socket_.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": {"s": since}}})
        )
        got = 0
        while got < count:
            message = json.loads(await socket_.recv())
            assert message["type"] == "next", message
            got += 1


def fan_out_once(service: Service, base: str, clients: int, count: int) -> float:
    """Seconds from the first of `count` commits until each of `clients` subscribers holds all of them."""
    since = service.answers().revision
    url = base.replace("http://", "ws://") + "/graphql"

    async def everyone() -> float:
        followers = [asyncio.create_task(_follow(url, since, count)) for _ in range(clients)]
        await asyncio.sleep(0.5)  # the bench's own pacing: let the clients subscribe before the writes
        started = time.perf_counter()
        await asyncio.to_thread(write, service, count, f"fan{clients}")
        await asyncio.gather(*followers)
        return time.perf_counter() - started

    return asyncio.run(everyone())


def fan_out(quick: bool) -> dict[str, Any]:
    count = 20 if quick else 200
    with tempfile.TemporaryDirectory() as tmp:
        service = organisation(Path(tmp))
        port = _free_port()
        config = uvicorn.Config(create_app(service, Settings()), host="127.0.0.1", port=port, log_level="warning")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        try:
            one = fan_out_once(service, base, 1, count)
            fifty = fan_out_once(service, base, 50, count)
        finally:
            server.should_exit = True
            thread.join(timeout=30)
            service.close()
    return {
        "changes": count,
        "one_client_s": one,
        "fifty_clients_s": fifty,
        "fifty_to_one": fifty / one,
        "deliveries_per_s": 50 * count / fifty,
    }


def run(quick: bool) -> dict[str, Any]:
    return {"feed": feed_rate(quick), "fan_out": fan_out(quick)}


def report(results: dict[str, Any]) -> None:
    feed, fan = results["feed"], results["fan_out"]
    print("\nsync and events:")
    print(
        f"  changes feed: {feed['changes']:,} changes in {feed['feed_s']:.2f} s = {feed['changes_per_s']:,.0f}/s; "
        f"auditLog pages {feed['trail_s']:.2f} s; feed/trail ×{feed['feed_to_trail']:.2f}"
    )
    print(
        f"  fan-out: {fan['changes']} changes to 50 subscribers in {fan['fifty_clients_s']:.2f} s, to 1 in "
        f"{fan['one_client_s']:.2f} s: ×{fan['fifty_to_one']:.1f} for 50× the clients "
        f"({fan['deliveries_per_s']:,.0f} deliveries/s)"
    )


if __name__ == "__main__":
    sys.exit(standalone.main(__doc__, run, report))
