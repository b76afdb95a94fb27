"""Every list that grows with the data is a connection: its pages follow one another without overlap or gap,
`hasNextPage` and `totalCount` tell the truth, a page loads only its own items, and the page limit holds."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import strawberry

from api.graphql.context import Context
from api.graphql.paging import encode_cursor, obligation_key
from api.graphql.schema import build_schema
from graph.service import SEARCH_LIMIT, Service
from graph.settings import Settings
from graph.views.read import AssetView
from tests.support.graphql import execute, nodes

SETTINGS = Settings(max_page_size=50)
AS_OF = dt.date(2026, 11, 29)
DAY = AS_OF.isoformat()


def page_of(fields: str) -> str:
    """A connection's selection: the whole page, each node with `fields`."""
    info = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
    return f"totalCount {info} edges {{ cursor node {{ {fields} }} }}"


@pytest.fixture(scope="module")
def schema() -> strawberry.Schema:
    return build_schema(SETTINGS)


def run(schema: strawberry.Schema, service: Service, query: str, **variables: Any) -> Any:
    return execute(schema, service, SETTINGS, query, **variables)


def pages(
    schema: strawberry.Schema, service: Service, query: str, pick: Callable[[Any], Any], **variables: Any
) -> list[dict[str, Any]]:
    """Each page of the connection `pick` finds in the answer, following `endCursor` to the last page."""
    found: list[dict[str, Any]] = []
    after = None
    while len(found) < 100:
        result = run(schema, service, query, after=after, **variables)
        assert result.errors is None, result.errors
        page = pick(result.data)
        found.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]
    raise AssertionError("the pages never end")


def whole(found: Sequence[dict[str, Any]]) -> list[Any]:
    """The nodes of all the pages, after checking the pages fit together: the same total in each, every page
    but the last full and followed, the first alone without a page before it, no cursor twice."""
    total = found[0]["totalCount"]
    sizes = [len(page["edges"]) for page in found]
    assert all(size == sizes[0] for size in sizes[:-1]) and 0 < sizes[-1] <= sizes[0]
    cursors = [edge["cursor"] for page in found for edge in page["edges"]]
    assert all(page["totalCount"] == total for page in found)
    assert [page["pageInfo"]["hasPreviousPage"] for page in found] == [False] + [True] * (len(found) - 1)
    assert [page["pageInfo"]["hasNextPage"] for page in found] == [True] * (len(found) - 1) + [False]
    assert len(cursors) == len(set(cursors)) == total
    for page in found:
        if page["edges"]:
            assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
            assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
    return [node for page in found for node in nodes(page)]


def test_organisations_page_through(schema: strawberry.Schema, memory_service: Service, tmp_path: Path) -> None:
    files = []
    for org in ("acme", "bravo", "zenith"):
        path = tmp_path / f"{org}.yaml"
        path.write_text(f"organisation: {{id: {org}, name: {org.title()}, jurisdictions: [EU]}}\nassets: []\n")
        files.append(path)
    memory_service.load(files)
    query = "query($after: String) { organisations(first: 2, after: $after) { PAGE } }"
    query = query.replace("PAGE", page_of("id name jurisdictions scope"))
    found = pages(schema, memory_service, query, lambda data: data["organisations"])
    assert [len(page["edges"]) for page in found] == [2, 1]
    assert whole(found) == [
        {"id": org, "name": org.title(), "jurisdictions": ["EU"], "scope": None} for org in ("acme", "bravo", "zenith")
    ]


def test_search_pages_continue_without_overlap_in_the_services_ranking(
    schema: strawberry.Schema, bundled: Service
) -> None:
    ranked = [v.ref for v in bundled.answers().catalog.search("data", None, SEARCH_LIMIT)]
    assert 100 < len(ranked) < SEARCH_LIMIT
    query = 'query($after: String) { search(text: "data", first: 40, after: $after) { PAGE } }'
    query = query.replace("PAGE", page_of("ref"))
    found = pages(schema, bundled, query, lambda data: data["search"])
    assert found[0]["pageInfo"]["hasNextPage"] is True and found[0]["totalCount"] == len(ranked)
    assert [node["ref"] for node in whole(found)] == ranked
    exact = run(
        schema,
        bundled,
        '{ search(text: "A.5.1", framework: "iso27001", first: 1) { PAGE } }'.replace("PAGE", page_of("ref")),
    )
    page = exact.data["search"]
    assert nodes(page) == [{"ref": "A.5.1"}] and page["totalCount"] == 11 and page["pageInfo"]["hasNextPage"]


def test_an_assets_uses_page_through_and_a_page_loads_only_its_own_assets(
    schema: strawberry.Schema, bundled: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    uses = bundled.answers().organisation.asset("support-chatbot").uses
    assert len(uses) == 3
    query = 'query($after: String) { asset(id: "support-chatbot") { uses(first: 2, after: $after) { PAGE } } }'
    found = pages(schema, bundled, query.replace("PAGE", page_of("id")), lambda data: data["asset"]["uses"])
    assert [len(page["edges"]) for page in found] == [2, 1]
    assert [node["id"] for node in whole(found)] == list(uses)

    answers = bundled.answers()
    loaded: list[list[tuple[str, str]]] = []
    original = answers.organisation.assets_by_key

    def counted(keys: Sequence[tuple[str, str]]) -> list[AssetView | None]:
        loaded.append(list(keys))
        return original(keys)

    monkeypatch.setattr(answers.organisation, "assets_by_key", counted)
    context = Context(answers=answers, settings=SETTINGS)
    one = asyncio.run(
        schema.execute(
            '{ asset(id: "support-chatbot") { uses(first: 1) { edges { node { id } } } } }', context_value=context
        )
    )
    assert one.errors is None and loaded == [[("northwind", uses[0])]]


def test_an_assets_obligations_page_through_in_the_services_order(schema: strawberry.Schema, bundled: Service) -> None:
    expected = bundled.answers().organisation.obligations("credit-model", as_of=AS_OF).obligations
    query = """query($after: String, $day: Date) { asset(id: "credit-model") {
                 obligations(asOf: $day, first: 50, after: $after) { PAGE } } }"""
    query = query.replace("PAGE", page_of("provision { ref framework { id } } status"))
    found = pages(schema, bundled, query, lambda data: data["asset"]["obligations"], day=DAY)
    assert len(found) == -(-len(expected) // 50) > 1
    assert [(n["provision"]["framework"]["id"], n["provision"]["ref"], n["status"]) for n in whole(found)] == [
        (o.provision.framework, o.provision.ref, o.status.upper()) for o in expected
    ]
    by_default = run(schema, bundled, '{ obligations(assetId: "credit-model") { totalCount edges { cursor } } }')
    page = by_default.data["obligations"]
    assert len(page["edges"]) == SETTINGS.max_page_size < page["totalCount"]  # left out: the limit, as it is < 100


def test_an_obligations_evidence_pages_through(schema: strawberry.Schema, bundled: Service) -> None:
    found = bundled.answers().organisation.obligations("credit-model", frameworks=["iso42001"], as_of=AS_OF)
    index, obligation = next(
        (i, o)
        for i, o in enumerate(found.obligations)
        if o.provision.framework == "iso42001" and o.provision.ref == "A.6.2.4"
    )
    assert len(obligation.evidence) == 2
    query = """query($after: String, $day: Date, $before: String) {
                 obligations(assetId: "credit-model", frameworks: ["iso42001"], asOf: $day, first: 1, after: $before) {
                   edges { node { provision { ref } evidence(first: 1, after: $after) { PAGE } } } } }"""
    query = query.replace("PAGE", page_of("id status through"))

    def evidence(data: Any) -> Any:
        (only,) = nodes(data["obligations"])
        assert only["provision"]["ref"] == "A.6.2.4"
        return only["evidence"]

    pages_of_one = pages(
        schema, bundled, query, evidence, day=DAY, before=encode_cursor(obligation_key(found.obligations[index - 1]))
    )
    assert len(pages_of_one) == 2
    assert [node["id"] for node in whole(pages_of_one)] == [m.evidence.id for m in obligation.evidence]


def test_a_provisions_mappings_page_through(schema: strawberry.Schema, bundled: Service) -> None:
    query = """query($after: String, $first: Int) { provision(framework: "iso42001", ref: "6.1.2") {
                 mappings(first: $first, after: $after) { PAGE } } }"""
    query = query.replace("PAGE", page_of("targetFramework target { ref } relation"))
    found = pages(schema, bundled, query, lambda data: data["provision"]["mappings"], first=3)
    everything = run(schema, bundled, query, first=50).data["provision"]["mappings"]
    assert len(found) > 1 and everything["totalCount"] == found[0]["totalCount"] <= 50
    assert whole(found) == nodes(everything)


def test_a_gaps_assets_page_through_as_assets(schema: strawberry.Schema, bundled: Service) -> None:
    gap = next(g for g in bundled.answers().organisation.gaps(None, AS_OF)[:50] if len(g.assets) == 3)
    query = """query($after: String, $day: Date) { gaps(asOf: $day, first: 50) {
                 edges { node { owner provision { iri } assets(first: 2, after: $after) { PAGE } } } } }"""
    query = query.replace("PAGE", page_of("id owner"))

    def of_gap(data: Any) -> Any:
        return next(
            g["assets"]
            for g in nodes(data["gaps"])
            if g["owner"] == gap.owner and g["provision"]["iri"] == gap.provision.iri
        )

    found = pages(schema, bundled, query, of_gap, day=DAY)
    assert [node["id"] for node in whole(found)] == list(gap.assets)


@pytest.mark.parametrize(
    "query",
    [
        "{ organisations(first: 51) { totalCount } }",
        '{ search(text: "data", first: 51) { totalCount } }',
        '{ search(text: "data", first: -1) { totalCount } }',
        '{ obligations(assetId: "credit-model", first: 51) { totalCount } }',
        '{ asset(id: "credit-model") { uses(first: 51) { totalCount } } }',
        '{ asset(id: "credit-model") { obligations(first: 51) { totalCount } } }',
        '{ obligations(assetId: "credit-model", first: 1) { edges { node { evidence(first: 51) { totalCount } } } } }',
        "{ statementOfApplicability { evidence(first: 51) { totalCount } } }",
        '{ provision(framework: "iso42001", ref: "6.1.2") { mappings(first: 51) { totalCount } } }',
        "{ gaps(first: 1) { edges { node { assets(first: 51) { totalCount } } } } }",
        '{ coverage(have: "iso27001", want: "iso42001") { partial { because(first: 51) { totalCount } } } }',
    ],
)
def test_a_page_above_the_limit_is_bad_input(schema: strawberry.Schema, bundled: Service, query: str) -> None:
    result = run(schema, bundled, query)
    assert result.errors, query
    assert {error.extensions["code"] for error in result.errors} == {"BAD_INPUT"}
    assert all("`first` must be between 0 and 50" in error.message for error in result.errors)


def test_a_cursor_not_made_by_the_server_is_bad_input(schema: strawberry.Schema, bundled: Service) -> None:
    result = run(schema, bundled, '{ asset(id: "credit-model") { uses(after: "b2Zmc2V0Oi0x") { totalCount } } }')
    (error,) = result.errors
    assert error.extensions == {"code": "BAD_INPUT"} and "invalid cursor" in error.message
