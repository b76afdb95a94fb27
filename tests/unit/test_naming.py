"""One naming convention per interface (docs/naming.md), checked where a user meets the names and needs no
Neo4j: GraphQL's schema (types PascalCase, fields and arguments camelCase, enum values UPPER_SNAKE), the keys
of every CLI `--json` output, audit entries and their before/after details (as the CLI prints them, as
GraphQL serves them, and as entries written by an earlier version read back), and the changes feed and
webhook payloads. The Neo4j model is checked in tests/neo4j/test_naming.py."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType

from api.cli import app
from api.graphql.context import Context
from api.graphql.schema import build_schema
from api.graphql.webhook_delivery import body_of
from core.records import Node
from graph.service import Service
from graph.settings import Settings
from graph.stores.embedded import EmbeddedStore
from graph.views.write import Actor
from graph.write.audit import audit_iri, entry_view
from tests.conftest import Cli, tiny_catalog

PASCAL = re.compile(r"^[A-Z][A-Za-z0-9]*$")
CAMEL = re.compile(r"^[a-z][A-Za-z0-9]*$")
UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
ME = Actor("cli", name="naming tests")

# Maps whose keys are data, not names (docs/naming.md): their keys are ids as the files write them.
DATA_KEYED = {"assetStatuses"}  # asset id → status
# Commands whose JSON needs a Neo4j server: checked in tests/neo4j/test_naming.py.
NEEDS_NEO4J = {"report", "neo4j sync", "neo4j dev-server"}


def wrong_keys(value: Any, where: str = "") -> list[str]:
    """Every key at any depth that is not camelCase, with where it was found; values of `DATA_KEYED` maps
    are walked, their own keys are not checked."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if not CAMEL.match(str(key)):
                found.append(f"{where}.{key}")
            if key in DATA_KEYED and isinstance(item, dict):
                for inner in item.values():
                    found += wrong_keys(inner, f"{where}.{key}.*")
            else:
                found += wrong_keys(item, f"{where}.{key}")
    elif isinstance(value, list):
        for item in value:
            found += wrong_keys(item, f"{where}[]")
    return found


def test_the_checker_finds_a_snake_case_key_at_any_depth() -> None:
    assert wrong_keys({"a": [{"b": {"valid_until": 1}}], "assetStatuses": {"credit-system": "missing"}}) == [
        ".a[].b.valid_until"
    ]


# -- GraphQL ------------------------------------------------------------------------------------------------------
def test_graphql_types_are_pascal_case_fields_and_arguments_camel_case_and_enum_values_upper_snake() -> None:
    schema = build_schema(Settings())._schema
    wrong: list[str] = []
    enums = 0
    for name, kind in schema.type_map.items():
        if name.startswith("__"):
            continue
        if not PASCAL.match(name):
            wrong.append(f"type {name}")
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in kind.fields.items():
                if not CAMEL.match(field_name):
                    wrong.append(f"{name}.{field_name}")
                for argument in getattr(field, "args", {}) or {}:
                    if not CAMEL.match(argument):
                        wrong.append(f"{name}.{field_name}({argument})")
        if isinstance(kind, GraphQLEnumType):
            enums += 1
            wrong += [f"{name}.{value}" for value in kind.values if not UPPER_SNAKE.match(value)]
    assert wrong == []
    assert enums >= 20


def test_graphql_takes_and_answers_enum_values_in_upper_snake(bundled: Service) -> None:
    schema = build_schema(Settings())
    context = Context(answers=bundled.answers(), settings=Settings(), service=bundled)
    query = """{ provisions(framework: "iso42001", kind: CONTROL, first: 1) { edges { node { ref kind } } }
                 provision(framework: "eu-ai-act", ref: "Article 26") { addressees
                   dates(scope: ANNEX_III) { appliesFrom } } }"""
    result = asyncio.run(schema.execute(query, context_value=context))
    assert result.errors is None, result.errors
    assert result.data is not None
    assert result.data["provisions"]["edges"][0]["node"]["kind"] == "CONTROL"
    assert result.data["provision"]["addressees"] == ["DEPLOYER"]
    lower = asyncio.run(schema.execute('{ provisions(framework: "iso42001", kind: control) { totalCount } }'))
    assert lower.errors and "control" in lower.errors[0].message


# -- CLI --json ---------------------------------------------------------------------------------------------------
def json_commands() -> set[str]:
    """Every command that has a `--json` option, as a user types it (`work assign`)."""

    def walk(command: Any, path: list[str]) -> Iterator[str]:
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                yield from walk(sub, [*path, name])
        elif any("--json" in getattr(p, "opts", ()) for p in command.params):
            yield " ".join(path)

    return set(walk(typer.main.get_command(app), []))


def test_every_cli_json_output_has_camel_case_keys(seeded_cli: Cli, tmp_path: Path) -> None:
    """Writes first (so the audit trail holds a load, a key, a webhook, an owner and work), then every
    command's JSON; a command added with `--json` must be added here, or this fails."""
    extra = tmp_path / "extra.yaml"
    extra.write_text(tiny_catalog("extra", "{ref: '1', kind: clause, title: One}"))
    library = tmp_path / "nist.yaml"
    seeded_cli.run("export", "ciso-assistant", "nist-ai-rmf", "-o", str(library), check=True)
    target = ("--asset", "credit-system", "--framework", "eu-ai-act", "--ref", "Article 9")
    outputs = {
        "load": seeded_cli.json("load", str(extra)),
        "import": seeded_cli.json("import", "ciso-assistant", str(library)),
        "keys create": seeded_cli.json("keys", "create", "--name", "naming", "--role", "editor"),
        "webhooks create": seeded_cli.json("webhooks", "create", "https://hooks.example/x"),
        "work owner": seeded_cli.json("work", "owner", "ana", "--name", "Ana", "--kind", "person"),
        "work assign": seeded_cli.json(
            "work", "assign", *target, "--to", "ana", "--due", "2027-01-31", "--cadence", "yearly"
        ),
        "work advance": seeded_cli.json("work", "advance", "in_progress", *target),
    }
    webhook = outputs["webhooks create"]["id"]
    reads = {
        "frameworks": (),
        "provisions": ("iso42001",),
        "provision": ("eu-ai-act", "Article 9(2)"),
        "acts": ("eu-ai-act",),
        "search": ("impact assessment",),
        "crosswalk": ("iso42001", "iso27001"),
        "coverage": ("--have", "iso27001", "--want", "iso42001"),
        "mapping-sets": (),
        "validate": (str(extra),),
        "assets": (),
        "audit": (),
        "obligations": ("credit-system",),
        "gaps": (),
        "keys list": (),
        "webhooks list": (),
        "webhooks deliveries": (webhook,),
        "work owners": (),
        "work list": (),
    }
    for command, args in reads.items():
        outputs[command] = seeded_cli.json(*command.split(), *args)
    assert json_commands() - NEEDS_NEO4J == set(outputs)
    assert {e["operation"] for e in outputs["audit"]} >= {"load", "createApiKey", "planWork", "advanceWork"}
    wrong = {name: keys for name, output in outputs.items() if (keys := wrong_keys(by_owner(name, output)))}
    soa = json.loads(seeded_cli.run("soa", "--format", "json", check=True).stdout)
    wrong.update({"soa --format json": keys} if (keys := wrong_keys(soa)) else {})
    assert wrong == {}
    assert outputs["gaps"] and all(outputs["obligations"])


def by_owner(command: str, output: Any) -> Any:
    """`gaps --json` is a map from owner id (data) to that owner's gaps."""
    return list(output.values()) if command == "gaps" else output


# -- audit entries, the changes feed, webhooks --------------------------------------------------------------------
@pytest.fixture(scope="module")
def written() -> Iterator[Service]:
    """The bundled data, then one change of every kind a writer hands over in the inventory's snake_case."""
    service = Service(EmbeddedStore.open(None))
    service.load(include_bundled=True, replace=True)
    org = "northwind"
    service.inventory.upsert_asset(
        ME,
        org,
        {
            "id": "naming-model",
            "kind": "ai_system",
            "name": "Naming",
            "owner": "risk-team",
            "roles": ["provider"],
            "annex_iii": ["5(b)"],
            "personal_data": True,
            "automated_decisions": True,
        },
    )
    service.inventory.attach_evidence(
        ME,
        org,
        {
            "id": "ev-naming",
            "proves": {"framework": "eu-ai-act", "ref": "Article 9"},
            "assets": ["naming-model"],
            "uri": "https://evidence.example/naming",
            "sha256": "ab" * 32,
            "collected": "2026-10-01",
            "valid_until": "2027-10-01",
            "owner": "ciso",
        },
    )
    service.inventory.record_control(
        ME,
        org,
        {
            "framework": "iso42001",
            "ref": "A.5.2",
            "status": "implemented",
            "inclusion_reasons": ["risk_treatment"],
            "inclusion_note": "AI Act Article 27",
        },
    )
    service.work.upsert_owner(ME, org, {"id": "ana", "name": "Ana", "kind": "person"})
    target = {"asset_id": "naming-model", "framework": "eu-ai-act", "ref": "Article 9"}
    service.work.plan(ME, org, target, {"assignee": "ana", "review_cadence": "yearly", "last_reviewed": "2026-10-01"})
    service.work.advance(ME, org, target, "in_progress")
    service.keys.create(ME, "viewer", "naming")
    service.webhooks.create(ME, "https://hooks.example/naming", organisation=org)
    yield service
    service.close()


CHANGES = """{ changes(since: 0, first: 50) { entries { id sequence recordedAt actor operation organisation
                 targetKind targetId before after requestId } } }"""


def test_the_changes_feed_and_the_audit_log_answer_camel_case_details(written: Service) -> None:
    schema = build_schema(Settings())
    context = Context(answers=written.answers(), settings=Settings(), service=written)
    result = asyncio.run(schema.execute(CHANGES, context_value=context))
    assert result.errors is None, result.errors
    assert result.data is not None
    entries = result.data["changes"]["entries"]
    assert {"upsertAsset", "attachEvidence", "recordControl", "planWork", "advanceWork"} <= {
        e["operation"] for e in entries
    }
    assert wrong_keys(entries) == []
    asset = next(e for e in entries if e["targetId"] == "naming-model" and e["operation"] == "upsertAsset")
    assert asset["after"]["annexIii"] == ["5(b)"] and asset["after"]["personalData"] is True


def test_a_refused_writes_error_path_names_the_graphql_input_fields(written: Service) -> None:
    """The service checks the inventory's `annex_iii`; the client sent `annexIii` and reads that back."""
    key = written.keys.create(ME, "editor", "paths")[0]
    upsert = """mutation($input: AssetInput!) { upsertAsset(input: $input) { errors { code path } } }"""
    given = {"id": "p", "kind": "MODEL", "name": "P", "owner": "o", "annexIii": ["99(z)"], "art63Condition": "A"}
    context = Context(answers=written.answers(), settings=Settings(), service=written, key=key)
    result = asyncio.run(
        build_schema(Settings()).execute(upsert, variable_values={"input": given}, context_value=context)
    )
    assert result.errors is None and result.data is not None
    paths = [error["path"] for error in result.data["upsertAsset"]["errors"]]
    assert ["input", "annexIii", "0"] in paths
    assert [part for path in paths for part in path if not (CAMEL.match(part) or part.isdigit())] == []


def test_a_webhook_body_has_camel_case_keys_at_every_depth(written: Service) -> None:
    entries = list(written.audit_log())
    body = json.loads(body_of("hook", entries, entries[0].sequence))
    assert body["changes"] and wrong_keys(body) == []


def test_an_entry_written_before_the_convention_reads_under_camel_case_names() -> None:
    """A store from an earlier version holds details under the inventory's snake_case keys; the trail is a
    log and is never rewritten, so the names change as the entry is read."""
    old = {
        "id": "old-asset",
        "annex_iii": ["5(b)"],
        "in_scope": True,
        "kind": "ai_system",
        "nested": [{"valid_until": "2027-01-01"}],
    }
    node = Node(
        id=audit_iri("0" * 32),
        labels=("AuditEntry",),
        props={
            "identifier": "0" * 32,
            "recorded_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            "sequence": 7,
            "actor": "cli old",
            "operation": "upsertAsset",
            "audited_kind": "asset",
            "audited_id": "old-asset",
            "before": "null",
            "after": json.dumps(old),
        },
    )
    entry = entry_view(node)
    assert json.loads(entry.before) is None
    assert json.loads(entry.after) == {
        "id": "old-asset",
        "annexIii": ["5(b)"],
        "inScope": True,
        "kind": "ai_system",  # values are the vocabulary's, unchanged
        "nested": [{"validUntil": "2027-01-01"}],
    }
