"""GraphQL hands an admin the documents other tools fetch (OSCAL, CISO Assistant, SSSOM), the same ones the
CLI writes; a viewer is refused."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import pytest
from trestle.oscal.mapping import MappingCollection

from api.graphql.context import Context
from api.graphql.schema import build_schema
from graph.service import Service
from graph.settings import Settings
from graph.views.write import ApiKeyView

QUERY = """query($format: InteropFormat!, $subject: String, $organisation: String) {
  interopExport(format: $format, subject: $subject, organisation: $organisation) {
    format mediaType filename content } }"""


def _run(service: Service, role: str, **variables: Any) -> Any:
    key = ApiKeyView(id=f"{role}-key", name=role, role=role, created_at=dt.datetime.now(dt.UTC), revoked_at=None)
    context = Context(answers=service.answers(), settings=Settings(), service=None, key=key)
    schema = build_schema(Settings())
    return asyncio.run(schema.execute(QUERY, variable_values=variables, context_value=context))


def test_an_admin_fetches_a_mapping_collection_identical_to_the_cli_export(bundled: Service) -> None:
    result = _run(bundled, "admin", format="OSCAL_MAPPING_COLLECTION", subject="iso42001-gdpr")
    assert result.errors is None
    document = result.data["interopExport"]
    assert document["mediaType"] == "application/json"
    assert document["content"] == bundled.answers().interop.oscal("mapping-collection", "iso42001-gdpr")
    MappingCollection.model_validate(json.loads(document["content"])["mapping-collection"])


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_a_viewer_or_editor_is_refused_the_exports(bundled: Service, role: str) -> None:
    result = _run(bundled, role, format="OSCAL_PROFILE", organisation="northwind")
    assert result.errors and result.errors[0].extensions["code"] == "FORBIDDEN"


def test_an_unknown_subject_is_a_typed_not_found(bundled: Service) -> None:
    result = _run(bundled, "admin", format="CISO_ASSISTANT", subject="no-such-thing")
    assert result.errors and result.errors[0].extensions["code"] == "NOT_FOUND"
