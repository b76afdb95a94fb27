"""The GraphQL schema over the service: answers, pagination, typed errors, and limits on hostile documents."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import strawberry

from api.graphql.context import Context
from api.graphql.schema import build_schema
from graph.service import Service
from graph.settings import Settings

SETTINGS = Settings(max_query_depth=8, max_aliases=10, max_page_size=50)


@pytest.fixture(scope="module")
def schema() -> strawberry.Schema:
    return build_schema(SETTINGS)


def run(schema: strawberry.Schema, service: Service, query: str, **variables: Any) -> Any:
    context = Context(service=service, settings=SETTINGS)
    return asyncio.run(schema.execute(query, variable_values=variables, context_value=context))


def test_frameworks_and_one_provision_with_its_relations(schema: strawberry.Schema, bundled: Service) -> None:
    result = run(
        schema,
        bundled,
        """{ frameworks { id provisionCount binding }
             provision(framework: "eu-ai-act", ref: "Art. 26(1)") {
               ref kind addressees parent { ref title } framework { name } children { ref } } }""",
    )
    assert result.errors is None
    ids = {f["id"]: f for f in result.data["frameworks"]}
    assert ids["gdpr"]["provisionCount"] == 487 and ids["gdpr"]["binding"] is True
    provision = result.data["provision"]
    assert provision["ref"] == "Article 26(1)" and provision["addressees"] == ["deployer"]
    assert provision["parent"]["title"] == "Obligations of deployers of high-risk AI systems"
    assert provision["framework"]["name"] == "EU AI Act"


def test_provisions_page_through_the_whole_framework(schema: strawberry.Schema, bundled: Service) -> None:
    query = """query($after: String) { provisions(framework: "iso42001", kind: "control", first: 15, after: $after) {
                 totalCount edges { cursor node { ref } } pageInfo { hasNextPage endCursor } } }"""
    refs: list[str] = []
    after = None
    for _ in range(5):
        result = run(schema, bundled, query, after=after)
        assert result.errors is None
        page = result.data["provisions"]
        assert page["totalCount"] == 38
        refs += [edge["node"]["ref"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(refs) == 38 and refs[0] == "A.2.2" and refs[-1] == "A.10.4" and len(set(refs)) == 38


def test_not_found_is_a_typed_error(schema: strawberry.Schema, bundled: Service) -> None:
    result = run(schema, bundled, '{ provision(framework: "gdpr", ref: "Article 100") { ref } }')
    (error,) = result.errors
    assert error.extensions == {"code": "NOT_FOUND"} and "Article 100" in error.message


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ('{ provisions(framework: "gdpr", first: 51) { totalCount } }', "between 0 and 50"),
        ('{ provisions(framework: "gdpr", after: "bm9wZQ==") { totalCount } }', "invalid cursor"),
        ('{ search(text: "data", first: 5000) { ref } }', "between 0 and 50"),
    ],
)
def test_bad_arguments_are_refused_with_bad_input(
    schema: strawberry.Schema, bundled: Service, query: str, needle: str
) -> None:
    (error,) = run(schema, bundled, query).errors
    assert needle in error.message and error.extensions == {"code": "BAD_INPUT"}


def test_deep_nesting_is_refused_before_it_runs(schema: strawberry.Schema, bundled: Service) -> None:
    nested = "ref " + "parent { " * 12 + "ref" + " }" * 12
    result = run(schema, bundled, f'{{ provision(framework: "gdpr", ref: "Article 5(1)(a)") {{ {nested} }} }}')
    assert result.data is None and "exceeds maximum operation depth" in result.errors[0].message


def test_alias_floods_are_refused(schema: strawberry.Schema, bundled: Service) -> None:
    fields = " ".join(f"a{i}: frameworks {{ id }}" for i in range(40))
    result = run(schema, bundled, f"{{ {fields} }}")
    assert result.data is None and "aliases" in result.errors[0].message.lower()


def test_huge_documents_are_refused(schema: strawberry.Schema, bundled: Service) -> None:
    result = run(schema, bundled, "{ " + "frameworks { id } " * 2000 + "}")
    assert result.data is None and "token" in result.errors[0].message.lower()


def test_internal_failures_are_masked(
    schema: strawberry.Schema, bundled: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    broken = Service(bundled.store)
    monkeypatch.setattr(broken, "frameworks", explode)
    (error,) = run(schema, broken, "{ frameworks { id } }").errors
    assert error.message == "internal error" and "secret" not in str(error.extensions)
