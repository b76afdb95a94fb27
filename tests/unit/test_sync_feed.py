"""A connector keeps itself in sync: pages hold together while others write (keyset cursors), and the changes
feed hands out every committed change once, oldest first, from any sequence it stopped at."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import strawberry

from api.graphql.context import Context
from api.graphql.schema import build_schema
from graph.service import Service
from graph.settings import Settings
from graph.views.write import Actor

SETTINGS = Settings(max_page_size=50)
CLI = Actor("cli", name="tests")
ORG = "acme"


@pytest.fixture(scope="module")
def schema() -> strawberry.Schema:
    return build_schema(SETTINGS)


@pytest.fixture
def acme(memory_service: Service, tmp_path: Path) -> Service:
    """An organisation with assets a-10, a-20 … a-90 (no frameworks: the paging is what is tested)."""
    lines = [f"organisation: {{id: {ORG}, name: Acme, jurisdictions: [EU]}}", "assets:"]
    lines += [f"  - {{id: a-{n}0, kind: model, name: A{n}, owner: o}}" for n in range(1, 10)]
    path = tmp_path / "acme.yaml"
    path.write_text("\n".join(lines) + "\n")
    memory_service.load([path])
    return memory_service


def run(schema: strawberry.Schema, service: Service, query: str, **variables: Any) -> Any:
    context = Context(answers=service.answers(), settings=SETTINGS, service=service)
    result = asyncio.run(schema.execute(query, variable_values=variables, context_value=context))
    assert result.errors is None, result.errors
    return result.data


def upsert(service: Service, asset_id: str) -> None:
    service.inventory.upsert_asset(CLI, ORG, {"id": asset_id, "kind": "model", "name": asset_id, "owner": "o"})


ASSETS = """query($after: String) { assets(first: 2, after: $after) {
             edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"""


def test_assets_paged_while_others_insert_and_remove_before_the_cursor_are_each_seen_once(
    schema: strawberry.Schema, acme: Service
) -> None:
    """Between pages another client adds an asset before the cursor and removes one already read (the
    cursor's own item, once): an offset cursor repeats an entry after the insert and skips one after the
    removal; a keyset cursor does neither."""
    seen: list[str] = []
    after = None
    turn = 0
    while turn < 10:
        page = run(schema, acme, ASSETS, after=after)["assets"]
        ids = [edge["node"]["id"] for edge in page["edges"]]
        seen += ids
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        if turn == 1:  # remove the cursor's own item and one inserted before it
            acme.inventory.delete_asset(CLI, ORG, ids[-1])
            acme.inventory.delete_asset(CLI, ORG, "a-00")
        else:  # insert two before the cursor (a-0N sorts before every a-N0)
            upsert(acme, f"a-0{2 * turn}")
            upsert(acme, f"a-0{2 * turn + 1}")
        turn += 1
    assert turn < 10, f"the pages never end: {seen}"
    assert seen == [f"a-{n}0" for n in range(1, 10)]


def test_the_audit_log_paged_while_others_write_holds_every_entry_once(
    schema: strawberry.Schema, acme: Service
) -> None:
    for n in range(6):
        upsert(acme, f"b-{n}")
    before = [e.id for e in acme.audit_log()]
    query = """query($after: String) { auditLog(first: 2, after: $after) {
                 edges { node { id } } pageInfo { hasNextPage endCursor } } }"""
    seen: list[str] = []
    after = None
    while True:
        page = run(schema, acme, query, after=after)["auditLog"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        upsert(acme, f"c-{len(seen)}")  # a newer entry: at the head of the newest-first trail
    assert seen == before


def test_an_offset_cursor_of_an_earlier_version_is_bad_input_saying_to_start_again(
    schema: strawberry.Schema, acme: Service
) -> None:
    context = Context(answers=acme.answers(), settings=SETTINGS, service=acme)
    result = asyncio.run(schema.execute('{ assets(after: "b2Zmc2V0OjE=") { totalCount } }', context_value=context))
    (error,) = result.errors or []
    assert error.extensions == {"code": "BAD_INPUT"}
    assert "offset cursor of an earlier version" in error.message and "first page" in error.message


CHANGES = """query($since: Int!, $first: Int, $kinds: [String!]) {
              changes(since: $since, first: $first, kinds: $kinds) {
                next hasMore revision entries { id sequence targetKind targetId operation after } } }"""


def follow(schema: strawberry.Schema, service: Service, since: int, first: int = 3) -> tuple[list[Any], int]:
    """Every change after `since`, page by page, and the sequence to follow from next."""
    found: list[Any] = []
    while True:
        feed = run(schema, service, CHANGES, since=since, first=first)["changes"]
        found += feed["entries"]
        assert feed["next"] >= since
        since = feed["next"]
        if not feed["hasMore"]:
            return found, since


def test_the_changes_feed_hands_out_every_commit_once_oldest_first_and_resumes_from_next(
    schema: strawberry.Schema, acme: Service
) -> None:
    for n in range(7):
        upsert(acme, f"d-{n}")
    acme.inventory.link(CLI, ORG, "d-1", "d-2", present=True)
    acme.inventory.delete_asset(CLI, ORG, "d-3")
    everything = [e.id for e in reversed(acme.audit_log())]
    found, since = follow(schema, acme, 0)
    assert [c["id"] for c in found] == everything  # the load, 7 upserts, a link, a removal
    sequences = [c["sequence"] for c in found]
    assert sequences == sorted(sequences) and len(set(sequences)) == len(sequences)
    assert found[-1]["targetId"] == "d-3" and found[-1]["after"] is None
    assert since == acme.answers().revision

    upsert(acme, "e-1")
    acme.inventory.delete_asset(CLI, ORG, "a-10")
    more, again = follow(schema, acme, since)
    assert [(c["targetId"], c["operation"]) for c in more] == [("e-1", "upsertAsset"), ("a-10", "deleteAsset")]
    assert again == acme.answers().revision
    assert follow(schema, acme, again) == ([], again)  # nothing new: the same `next`


def test_the_changes_feed_filtered_by_kind_still_moves_next_past_what_it_passed_over(
    schema: strawberry.Schema, acme: Service
) -> None:
    since = acme.answers().revision
    upsert(acme, "f-1")
    acme.inventory.link(CLI, ORG, "f-1", "a-20", present=True)
    feed = run(schema, acme, CHANGES, since=since, first=10, kinds=["load"])["changes"]
    assert feed["entries"] == [] and feed["next"] == acme.answers().revision and feed["hasMore"] is False


def test_audit_log_after_a_sequence_holds_only_later_entries_newest_first(
    schema: strawberry.Schema, acme: Service
) -> None:
    since = acme.answers().revision
    upsert(acme, "g-1")
    upsert(acme, "g-2")
    query = "query($s: Int) { auditLog(afterSequence: $s) { totalCount edges { node { targetId sequence } } } }"
    log = run(schema, acme, query, s=since)["auditLog"]
    assert log["totalCount"] == 2
    assert [e["node"]["targetId"] for e in log["edges"]] == ["g-2", "g-1"]
    assert all(e["node"]["sequence"] > since for e in log["edges"])
