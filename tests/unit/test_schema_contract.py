"""The GraphQL schema is a contract: the committed schema.graphql, descriptions on everything, enums that are
the vocabulary's own lists, and the README's table of settings — each checked against the code."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
)

from api.graphql.enums import VOCABULARY_ENUMS
from api.graphql.schema import build_schema, sdl
from core import vocabulary
from graph.settings import Settings, settings_markdown

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(Settings())._schema


def test_the_committed_sdl_is_the_schema_the_code_builds() -> None:
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == sdl(), "schema.graphql is out of date: run `make schema` and review the diff"


def test_every_type_field_argument_and_enum_value_is_described(schema: GraphQLSchema) -> None:
    missing: list[str] = []
    for name, named in schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not named.description:
            missing.append(name)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in named.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                missing += [f"{name}.{field_name}({a}:)" for a, arg in field.args.items() if not arg.description]
        if isinstance(named, GraphQLInputObjectType):
            missing += [f"{name}.{f}" for f, field in named.fields.items() if not field.description]
    assert missing == [], f"types, fields and arguments without a description: {missing}"


@pytest.mark.parametrize(
    ("enum", "values"),
    [
        ("ProvisionKind", vocabulary.KINDS),
        ("AddresseeRole", vocabulary.ROLES),
        ("Relation", tuple(r.value for r in vocabulary.Relation)),
        ("AssertedRelation", vocabulary.ASSERTED_RELATIONS),
        ("CoverageStatus", vocabulary.COVERAGE_STATUSES),
        ("AssetKind", vocabulary.ASSET_KINDS),
        ("AssetFact", vocabulary.FACTS),
        ("ControlStatus", vocabulary.CONTROL_STATUSES),
        ("EvidenceStatus", vocabulary.EVIDENCE_STATUSES),
        ("ReviewStatus", vocabulary.REVIEW_STATUSES),
        ("ReviewDecision", vocabulary.REVIEW_DECISIONS),
        ("RationaleType", vocabulary.RATIONALE_TYPES),
        ("DateScope", vocabulary.SCOPES),
        ("KeyRole", vocabulary.KEY_ROLES),
    ],
)
def test_enums_are_the_vocabularys_lists(schema: GraphQLSchema, enum: str, values: tuple[str, ...]) -> None:
    assert tuple(member.value for member in VOCABULARY_ENUMS[enum]) == values
    graphql_enum = schema.type_map[enum]
    assert isinstance(graphql_enum, GraphQLEnumType) and tuple(graphql_enum.values) == values


def test_lists_that_grow_with_the_data_are_connections(schema: GraphQLSchema) -> None:
    query = schema.query_type
    assert query is not None
    for name in ("provisions", "assets", "crosswalk", "gaps", "auditLog", "apiKeys"):
        field_type = query.fields[name].type
        assert str(field_type).endswith("Connection!"), f"{name} is {field_type}"
        assert {"first", "after"} <= set(query.fields[name].args)


def test_the_readme_lists_every_setting_with_its_default() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert settings_markdown() in readme, "the README's settings table is out of date: `aimsgraph schema settings`"
