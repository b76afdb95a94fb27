"""Writes over HTTP against a real `aimsgraph serve`: keys and roles, racing mutations, request ids, CORS, the
CLI beside a server that holds the store, and read-only workers in production mode."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import Cli
from tests.support.graphql import nodes
from tests.support.servers import start_server, stop

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ORIGIN = "https://grc.example"


def key(cli: Cli, role: str) -> str:
    token: str = cli.json("keys", "create", "--role", role, "--name", f"e2e {role}")["token"]
    return token


@pytest.fixture(scope="module")
def server(seeded_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, dict[str, str]]]:
    store = tmp_path_factory.mktemp("writes") / "store"
    shutil.copytree(seeded_store, store)
    cli = Cli(store)
    tokens = {role: key(cli, role) for role in ("viewer", "editor", "admin")}  # before the server holds the store
    base, process = start_server(store, env={"AIMSGRAPH_CORS_ORIGINS": json.dumps([ORIGIN])})
    yield base, store, tokens
    stop(process)


def post(
    base: str, query: str, token: str | None = None, headers: dict[str, str] | None = None, **variables: Any
) -> httpx.Response:
    sent = {**({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})}
    # a hang guard, not a timing assert: 32 racing requests queue behind one another on a loaded machine
    return httpx.post(f"{base}/graphql", json={"query": query, "variables": variables}, headers=sent, timeout=600)


UPSERT = """mutation($input: AssetInput!) { upsertAsset(input: $input) {
             asset { id owner uses { edges { node { id } } } } auditEntry { sequence requestId after }
             errors { code message path } } }"""


def asset(asset_id: str, **fields: Any) -> dict[str, Any]:
    return {"id": asset_id, "kind": "AI_SYSTEM", "name": asset_id, "owner": "ops", **fields}


def test_keys_decide_what_a_request_may_do(server: tuple[str, Path, dict[str, str]]) -> None:
    base, _, tokens = server
    anonymous = post(base, "{ caller { role } frameworks { id } }")
    assert anonymous.status_code == 200 and anonymous.json()["data"]["caller"] == {"role": "VIEWER"}
    refused = post(base, UPSERT, input=asset("h-anon")).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN" and refused["data"] is None
    for header in ("Bearer agk_000000000000_" + "x" * 43, "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer"):
        wrong = httpx.post(
            f"{base}/graphql", json={"query": "{ frameworks { id } }"}, headers={"Authorization": header}
        )
        assert wrong.status_code == 401 and wrong.headers["www-authenticate"].startswith("Bearer")
        assert wrong.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert wrong.json()["data"] is None
    viewer = post(base, UPSERT, tokens["viewer"], input=asset("h-viewer")).json()
    assert viewer["errors"][0]["extensions"]["code"] == "FORBIDDEN" and "editor" in viewer["errors"][0]["message"]
    editor = post(base, UPSERT, tokens["editor"], input=asset("h-editor")).json()
    assert editor["data"]["upsertAsset"]["errors"] == [] and editor["data"]["upsertAsset"]["asset"]["id"] == "h-editor"
    made = post(
        base, 'mutation { createApiKey(role: EDITOR, name: "short-lived") { key { id } token } }', tokens["admin"]
    )
    fresh = made.json()["data"]["createApiKey"]
    assert post(base, "{ caller { role } }", fresh["token"]).json()["data"]["caller"]["role"] == "EDITOR"
    post(
        base, "mutation($id: String!) { revokeApiKey(id: $id) { key { id } } }", tokens["admin"], id=fresh["key"]["id"]
    )
    assert post(base, "{ caller { role } }", fresh["token"]).status_code == 401


def test_racing_mutations_on_one_asset_all_land_whole(server: tuple[str, Path, dict[str, str]]) -> None:
    base, _, tokens = server
    editor = tokens["editor"]
    users = [f"h-race-{i}" for i in range(24)]
    for name in ["h-raced", *users]:
        assert post(base, UPSERT, editor, input=asset(name)).json()["data"]["upsertAsset"]["errors"] == []
    link = "mutation($a: String!, $b: String!) { linkAssets(assetId: $a, uses: $b) { errors { code message } } }"
    owners = [f"owner-{i}" for i in range(24)]
    failures: list[Any] = []

    def link_one(used: str) -> None:
        body = post(base, link, editor, a="h-raced", b=used).json()
        if body.get("errors") or body["data"]["linkAssets"]["errors"]:
            failures.append(body)

    def rename(owner: str) -> None:  # a whole-asset upsert racing the links: its `uses` list is what it read
        current = post(base, '{ asset(id: "h-raced") { uses(first: 500) { edges { node { id } } } } }', editor)
        uses = [u["id"] for u in nodes(current.json()["data"]["asset"]["uses"])]
        body = post(base, UPSERT, editor, input=asset("h-raced", owner=owner, uses=uses)).json()
        if body.get("errors") or body["data"]["upsertAsset"]["errors"]:
            failures.append(body)

    threads = [threading.Thread(target=link_one, args=(u,)) for u in users]
    threads += [threading.Thread(target=rename, args=(o,)) for o in owners[:8]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    log = post(
        base, '{ auditLog(first: 500, assetId: "h-raced") { edges { node { operation sequence after } } } }', editor
    )
    entries = [e["node"] for e in log.json()["data"]["auditLog"]["edges"]]
    links = [e for e in entries if e["operation"] == "linkAssets"]
    assert len(links) == 24 and len({e["sequence"] for e in entries}) == len(entries)  # one commit each, in order
    final = post(base, '{ asset(id: "h-raced") { owner uses(first: 500) { edges { node { id } } } } }', editor)
    final_asset = final.json()["data"]["asset"]
    newest = entries[0]["after"]
    assert final_asset["owner"] == newest["owner"]
    assert sorted(u["id"] for u in nodes(final_asset["uses"])) == sorted(newest.get("uses", []))
    # each link was read and written under the lock: every entry's `after` is its `before` plus one link, so
    # a link is lost only where a whole-asset upsert replaced `uses` — and that upsert's own entry says so
    for entry in links:
        assert isinstance(entry["after"]["uses"], list)
    assert httpx.get(f"{base}/healthz").status_code == 200


def test_links_alone_never_lose_one_another(server: tuple[str, Path, dict[str, str]]) -> None:
    base, _, tokens = server
    editor = tokens["editor"]
    users = [f"h-link-{i}" for i in range(32)]
    for name in ["h-hub", *users]:
        post(base, UPSERT, editor, input=asset(name))
    link = "mutation($a: String!, $b: String!) { linkAssets(assetId: $a, uses: $b) { errors { code } } }"
    threads = [threading.Thread(target=post, args=(base, link, editor), kwargs={"a": "h-hub", "b": u}) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = post(base, '{ asset(id: "h-hub") { uses { totalCount edges { node { id } } } } }', editor)
    uses = final.json()["data"]["asset"]["uses"]
    assert sorted(u["id"] for u in nodes(uses)) == sorted(users) and uses["totalCount"] == len(users)


def test_every_response_carries_a_request_id_that_the_audit_trail_keeps(
    server: tuple[str, Path, dict[str, str]],
) -> None:
    base, _, tokens = server
    given = post(base, UPSERT, tokens["editor"], headers={"X-Request-ID": "grc-sync-42"}, input=asset("h-rid"))
    assert given.headers["x-request-id"] == "grc-sync-42"
    assert given.json()["data"]["upsertAsset"]["auditEntry"]["requestId"] == "grc-sync-42"
    made = httpx.get(f"{base}/healthz")
    assert len(made.headers["x-request-id"]) == 32
    hostile = httpx.get(f"{base}/healthz", headers={"X-Request-ID": "x" * 500})
    assert hostile.headers["x-request-id"] != "x" * 500


def test_cors_allows_the_configured_origins_only(server: tuple[str, Path, dict[str, str]]) -> None:
    base, _, _ = server
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    allowed = httpx.options(f"{base}/graphql", headers={"Origin": ORIGIN, **preflight})
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == ORIGIN
    other = httpx.options(f"{base}/graphql", headers={"Origin": "https://evil.example", **preflight})
    assert other.headers.get("access-control-allow-origin") is None


def test_a_cli_key_made_while_the_server_holds_the_store_works_on_that_server(
    server: tuple[str, Path, dict[str, str]],
) -> None:
    base, store, _ = server
    result = Cli(store).run("keys", "create", "--role", "viewer")
    assert result.returncode == 0, result.stderr  # sent to the server through its write channel
    token = result.stdout.strip()
    asked = httpx.post(
        f"{base}/graphql", json={"query": "{ frameworks { id } }"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert asked.status_code == 200 and asked.json()["data"]["frameworks"]
    assert token.split("_")[1] in Cli(store).run("keys", "list", "--json").stdout


def test_read_only_workers_in_production_refuse_writes_and_need_keys(seeded_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(seeded_store, store)
    admin = key(Cli(store), "admin")
    production = {
        "AIMSGRAPH_PRODUCTION": "true",
        "AIMSGRAPH_ANONYMOUS_READ": "false",
        "AIMSGRAPH_INTROSPECTION": "false",
    }
    base, process = start_server(store, "--workers", "2", env=production)
    try:
        nobody = post(base, "{ frameworks { id } }").json()
        assert nobody["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert post(base, "{ frameworks { id } }", admin).json()["data"]["frameworks"]
        write = post(base, UPSERT, admin, input=asset("h-ro")).json()
        (error,) = write["errors"]
        assert error["extensions"]["code"] == "READ_ONLY" and "2 read-only worker processes" in error["message"]
        assert "one worker" in error["message"]
        introspection = post(base, "{ __schema { types { name } } }", admin).json()
        assert introspection["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"})
        assert "graphiql" not in page.text.lower()
    finally:
        stop(process)
