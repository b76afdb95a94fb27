"""Property-based fuzzing of the GraphQL API (hypothesis-graphql): generated queries and mutations, valid by the
schema but with arbitrary arguments, sent to a real server with an admin key.

What must hold for every one: no 500, a JSON answer, every error typed (`extensions.code`) and none of them
INTERNAL (an internal error is a bug, masked or not), nothing of the internals in a message, and the server
healthy afterwards. The budget is bounded for CI; raise AIMSGRAPH_FUZZ_EXAMPLES to search longer.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import StringValueNode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import from_schema

from api.graphql.schema import sdl
from tests.conftest import Cli
from tests.support.servers import start_server, stop

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
EXAMPLES = int(os.environ.get("AIMSGRAPH_FUZZ_EXAMPLES", "150"))
SCALARS = {
    "Date": st.dates().map(lambda d: StringValueNode(value=d.isoformat())),
    "DateTime": st.datetimes().map(lambda d: StringValueNode(value=d.isoformat())),
    "JSON": st.just(StringValueNode(value="{}")),
}
OPERATIONS = from_schema(sdl(), custom_scalars=SCALARS)  # queries and mutations, about half each
LEAKS = ("Traceback", 'File "', "site-packages", "/etc/", "Error(")


@pytest.fixture(scope="module")
def fuzzed(seeded_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, str]]:
    store = tmp_path_factory.mktemp("fuzz") / "store"
    shutil.copytree(seeded_store, store)
    admin: str = Cli(store).json("keys", "create", "--role", "admin", "--name", "fuzz")["token"]
    env = {"AIMSGRAPH_PRODUCTION": "true", "AIMSGRAPH_REQUEST_TIMEOUT": "3"}
    base, process = start_server(store, env=env)
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {admin}"}, timeout=30) as client:
        yield client, base
    stop(process)


def check(response: httpx.Response, query: str) -> None:
    assert response.status_code in (200, 400), f"{response.status_code} for {query}"
    if response.status_code == 400:
        return
    body: dict[str, Any] = response.json()
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code is not None, f"untyped error {error} for {query}"
        assert code != "INTERNAL", f"internal error for {query}"
        assert not any(leak in error["message"] for leak in LEAKS), f"leaky message {error['message']!r}"


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_generated_queries_and_mutations_never_break_the_server(
    fuzzed: tuple[httpx.Client, str], data: st.DataObject
) -> None:
    client, _ = fuzzed
    query = data.draw(OPERATIONS)
    check(client.post("/graphql", json={"query": query}), str(query))


def test_the_server_is_healthy_after_the_fuzzing(fuzzed: tuple[httpx.Client, str]) -> None:
    _, base = fuzzed
    assert httpx.get(f"{base}/healthz").json()["status"] == "ok"
    assert httpx.get(f"{base}/readyz").status_code == 200
