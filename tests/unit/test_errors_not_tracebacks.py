"""The hostile probe's inputs that ended in a traceback or an INTERNAL error (issue 24) are clear errors, or
plain answers: a bad enum or an Int past 32 bits in a GraphQL variable, a day near 9999-12-31, an integer
report parameter past what Bolt carries."""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import strawberry

from api.graphql.context import Context
from api.graphql.schema import build_schema
from core.errors import UsageError
from graph.cypher.reports import bind, library
from graph.service import Service
from graph.settings import Settings
from graph.stores.embedded import EmbeddedStore
from tests.conftest import Cli

SETTINGS = Settings()
FOREVER = """\
organisation: {id: acme, name: Acme Bank}
assets:
  - {id: scorer, kind: ai_system, name: Scorer, owner: risk, roles: [provider], annex_iii: ["5(b)"]}
evidence:
  - {id: ev-1, proves: {framework: iso42001, ref: "6.1.3"}, assets: [scorer], uri: "https://docs.example/risk",
     sha256: "%s", collected: 2026-01-01, valid_until: 9999-12-31, owner: ciso}
""" % ("ab" * 32)


@pytest.fixture(scope="module")
def schema() -> strawberry.Schema:
    return build_schema(SETTINGS)


@pytest.fixture
def forever(seeded_store: Path, tmp_path: Path) -> Iterator[Service]:
    """The bundled data and an organisation whose evidence is valid until 9999-12-31."""
    copy = tmp_path / "store"
    shutil.copytree(seeded_store, copy)
    (tmp_path / "acme.yaml").write_text(FOREVER)
    service = Service(EmbeddedStore.open(copy))
    service.load([tmp_path / "acme.yaml"])
    yield service
    service.close()


def run(schema: strawberry.Schema, service: Service, query: str, **variables: Any) -> Any:
    context = Context(answers=service.answers(), settings=SETTINGS)
    return asyncio.run(schema.execute(query, variable_values=variables, context_value=context))


@pytest.mark.parametrize(
    "case",
    [
        (
            'query($k: ProvisionKind) { provisions(framework: "gdpr", kind: $k) { totalCount } }',
            {"k": "spaceship"},
            "'spaceship' does not exist in 'ProvisionKind'",
        ),
        (
            'query($n: Int) { provisions(framework: "gdpr", first: $n) { totalCount } }',
            {"n": 2**40},
            "non 32-bit signed integer",
        ),
        ("query($d: Date) { gaps(asOf: $d) { totalCount } }", {"d": "10000-01-01"}, "Date"),
    ],
)
def test_a_bad_variable_is_bad_input_without_a_traceback(
    schema: strawberry.Schema, bundled: Service, caplog: pytest.LogCaptureFixture, case: tuple[str, dict[str, Any], str]
) -> None:
    query, variables, needle = case
    with caplog.at_level(logging.INFO, logger="aimsgraph.graphql"):
        result = run(schema, bundled, query, **variables)
    (error,) = result.errors
    assert error.extensions == {"code": "BAD_INPUT"} and needle in error.message, error.message
    assert not [r for r in caplog.records if r.exc_info], "a bad variable logged a traceback"


def test_graphql_answers_on_the_last_day_of_the_calendar(schema: strawberry.Schema, forever: Service) -> None:
    query = """{ gaps(organisation: "acme", asOf: "9999-12-31") { totalCount }
                 obligations(assetId: "scorer", organisation: "acme", frameworks: ["iso42001"], asOf: "9999-12-31") {
                   edges { node { status provision { ref } } } } }"""
    result = run(schema, forever, query)
    assert result.errors is None, result.errors
    statuses = {e["node"]["provision"]["ref"]: e["node"]["status"] for e in result.data["obligations"]["edges"]}
    assert statuses["6.1.3"] == "EXPIRING"  # valid through the last day, which is within 30 days


@pytest.mark.parametrize("command", ["gaps", "obligations", "soa"])
def test_the_cli_answers_on_the_last_day_of_the_calendar(seeded_store: Path, tmp_path: Path, command: str) -> None:
    copy = tmp_path / "store"
    shutil.copytree(seeded_store, copy)
    (tmp_path / "acme.yaml").write_text(FOREVER)
    cli = Cli(copy)
    cli.run("load", str(tmp_path / "acme.yaml"), check=True)
    args = {"gaps": ["gaps", "--org", "acme"], "obligations": ["obligations", "scorer", "--org", "acme"]}
    result = cli.run(*args.get(command, ["soa", "--org", "acme"]), "--as-of", "9999-12-31")
    assert result.returncode == 0, result.stderr  # a traceback would fail the test (the CLI fixture re-raises)


@pytest.mark.parametrize("value", ["9223372036854775808", "-9223372036854775809", "9" * 5000, "1e999"])
def test_an_integer_report_parameter_out_of_range_is_a_clear_error(value: str) -> None:
    report = next(
        r
        for r in library().values()
        if any(p.type == "int" for p in r.params) and not any(p.required for p in r.params)
    )
    name = next(p.name for p in report.params if p.type == "int")
    with pytest.raises(UsageError, match=f"parameter {name} must be an integer") as caught:
        bind(report, {name: value})
    assert len(str(caught.value)) < 200  # the message does not repeat 5,000 digits


def test_a_float_report_parameter_must_be_finite() -> None:
    from graph.cypher.reports import convert

    with pytest.raises(UsageError, match="must be a number"):
        convert("x", "float", "inf")
    assert convert("x", "int", "9223372036854775807") == 2**63 - 1
