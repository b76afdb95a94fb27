"""Clients that write through a real server's GraphQL API and keep what was acknowledged, for the race tests.

Each writer owns one asset and sends its writes one after another (a new owner each time), so after a run
the asset must read as its last acknowledged write — or as the one write that was in flight when the run
was cut short, which may have committed without its answer arriving.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import httpx

UPSERT = """mutation($input: AssetInput!) { upsertAsset(input: $input) {
             asset { id owner } auditEntry { sequence } errors { code message } } }"""
LINK = """mutation($asset: String!, $uses: String!) { linkAssets(assetId: $asset, uses: $uses) {
            asset { id } auditEntry { sequence } errors { code message } } }"""
UNLINK = """mutation($asset: String!, $uses: String!) { unlinkAssets(assetId: $asset, uses: $uses) {
              asset { id } auditEntry { sequence } errors { code message } } }"""


@dataclass
class Acknowledged:
    """What one writer was told: the owners (in order) and audit sequences of its acknowledged writes."""

    asset: str
    owners: list[str] = field(default_factory=list)
    sequences: list[int] = field(default_factory=list)
    in_flight: str | None = None  # the write sent when the run was cut short, if any
    refused: list[str] = field(default_factory=list)


def upsert(http: httpx.Client, asset: str, owner: str) -> dict[str, Any]:
    body = {"query": UPSERT, "variables": {"input": {"id": asset, "kind": "MODEL", "name": "W", "owner": owner}}}
    answer: dict[str, Any] = http.post("/graphql", json=body).json()
    return answer


def write_stream(
    base: str,
    token: str,
    asset: str,
    writes: int,
    *,
    start: threading.Barrier | None = None,
    counted: threading.Semaphore | None = None,
) -> Acknowledged:
    """Up to `writes` upserts of `asset`, one after another; stops at the first transport error (a killed
    server). `counted` is released once per acknowledged write (a test waits on it)."""
    done = Acknowledged(asset)
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=600) as http:
        if start is not None:
            start.wait()
        for turn in range(writes):
            owner = f"{asset}-owner-{turn}"
            done.in_flight = owner
            try:
                answer = upsert(http, asset, owner)
            except httpx.TransportError:
                return done
            payload = (answer.get("data") or {}).get("upsertAsset") or {}
            if answer.get("errors") or payload.get("errors"):
                done.refused.append(str(answer.get("errors") or payload.get("errors")))
                continue
            done.in_flight = None
            done.owners.append(owner)
            done.sequences.append(payload["auditEntry"]["sequence"])
            if counted is not None:
                counted.release()
    return done


def run_all(target: Any, arguments: list[tuple[Any, ...]]) -> list[Any]:
    """Run `target(*args)` for each in its own thread; their results in order (an exception is re-raised)."""
    results: list[Any] = [None] * len(arguments)
    failures: list[BaseException] = []

    def run(position: int, args: tuple[Any, ...]) -> None:
        try:
            results[position] = target(*args)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=run, args=(i, args)) for i, args in enumerate(arguments)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return results


def trail(base: str, token: str, first: int = 1000) -> list[dict[str, Any]]:
    """The whole audit trail a server lists (newest first), paged."""
    nodes: list[dict[str, Any]] = []
    after: str | None = None
    query = """query($after: String, $first: Int) { auditLog(first: $first, after: $after) {
                 edges { node { id sequence operation targetId after } } pageInfo { hasNextPage endCursor } } }"""
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=600) as http:
        while True:
            page = http.post("/graphql", json={"query": query, "variables": {"after": after, "first": 100}}).json()
            log = page["data"]["auditLog"]
            nodes += [edge["node"] for edge in log["edges"]]
            if not log["pageInfo"]["hasNextPage"] or len(nodes) >= first:
                return nodes
            after = log["pageInfo"]["endCursor"]


def owner_of(base: str, token: str, asset: str) -> str | None:
    query = '{ asset(id: "%s") { owner } }' % asset  # noqa: UP031 — a literal id of ours
    answer = httpx.post(
        f"{base}/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}, timeout=60
    ).json()
    found = answer["data"]["asset"]
    return None if found is None else str(found["owner"])
