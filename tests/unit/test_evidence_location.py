"""Evidence's address is `location` in GraphQL too (docs/naming.md): the input takes `location`, the records
answer it, and `uri`, its old name, still works but is deprecated in the schema."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import strawberry

from api.graphql.context import Context
from api.graphql.schema import build_schema
from graph.service import Service
from graph.settings import Settings
from graph.stores.embedded import EmbeddedStore
from graph.views.write import Actor, ApiKeyView

SETTINGS = Settings()
ATTACH = """mutation($input: EvidenceInput!) { attachEvidence(input: $input) {
    evidence { id location uri } errors { code message path } } }"""
READ = """{ asset(id: "credit-system") { obligations(frameworks: ["eu-ai-act"], asOf: "2026-11-29") {
    edges { node { evidence { edges { node { id location uri } } } } } } } }"""


@pytest.fixture(scope="module")
def service() -> Iterator[Service]:
    service = Service(EmbeddedStore.open(None))
    service.load(include_bundled=True, replace=True)
    yield service
    service.close()


@pytest.fixture(scope="module")
def schema() -> strawberry.Schema:
    return build_schema(SETTINGS)


@pytest.fixture(scope="module")
def editor(service: Service) -> ApiKeyView:
    return service.keys.create(Actor("cli", name="tests"), "editor", "location tests")[0]


def run(schema: strawberry.Schema, service: Service, query: str, key: ApiKeyView | None, **variables: Any) -> Any:
    context = Context(answers=service.answers(), settings=SETTINGS, service=service, key=key)
    result = asyncio.run(schema.execute(query, variable_values=variables, context_value=context))
    assert result.errors is None, result.errors
    return result.data


def item(evidence_id: str, **address: str) -> dict[str, Any]:
    return {
        "id": evidence_id,
        "proves": {"framework": "eu-ai-act", "ref": "Article 9"},
        "assets": ["credit-system"],
        "sha256": "ab" * 32,
        "collected": "2026-10-01",
        "owner": "ciso",
        **address,
    }


def test_evidence_is_attached_and_read_with_its_location(
    schema: strawberry.Schema, service: Service, editor: ApiKeyView
) -> None:
    where = "https://evidence.example/loc.pdf"
    attached = run(schema, service, ATTACH, editor, input=item("ev-loc-1", location=where))["attachEvidence"]
    assert attached["errors"] == []
    assert attached["evidence"] == {"id": "ev-loc-1", "location": where, "uri": where}
    read = run(schema, service, READ, None)["asset"]["obligations"]["edges"]
    found = [e["node"] for edge in read for e in edge["node"]["evidence"]["edges"] if e["node"]["id"] == "ev-loc-1"]
    assert found and all(e["location"] == where == e["uri"] for e in found)


def test_the_deprecated_uri_still_attaches_and_a_missing_or_conflicting_address_is_refused(
    schema: strawberry.Schema, service: Service, editor: ApiKeyView
) -> None:
    old = run(schema, service, ATTACH, editor, input=item("ev-loc-2", uri="https://e.example/u"))["attachEvidence"]
    assert old["evidence"]["location"] == "https://e.example/u"
    missing = run(schema, service, ATTACH, editor, input=item("ev-loc-3"))["attachEvidence"]
    assert missing["evidence"] is None
    assert missing["errors"] == [
        {
            "code": "BAD_INPUT",
            "message": "location is required: where the evidence is (a URI)",
            "path": ["input", "location"],
        }
    ]
    both = run(schema, service, ATTACH, editor, input=item("ev-loc-4", location="a", uri="b"))["attachEvidence"]
    assert both["evidence"] is None and both["errors"][0]["path"] == ["input", "uri"]


def test_uri_is_deprecated_in_the_schema(schema: strawberry.Schema) -> None:
    graphql = schema._schema
    for type_name in ("EvidenceItem", "EvidenceRecord", "EvidenceInput"):
        kind: Any = graphql.type_map[type_name]
        assert "location" in kind.fields, type_name
        assert "location" in (kind.fields["uri"].deprecation_reason or ""), type_name
