"""The GraphQL schema is a contract: the committed schema.graphql, descriptions on everything, enums that are
the vocabulary's own lists, and the README's table of settings — each checked against the code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    get_named_type,
)

from api.graphql.cost import PAGED
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
        ("AssetFact", vocabulary.FACTS + vocabulary.OPEN_FACTS),
        ("ControlStatus", vocabulary.CONTROL_STATUSES),
        ("EvidenceStatus", vocabulary.EVIDENCE_STATUSES),
        ("ReviewStatus", vocabulary.REVIEW_STATUSES),
        ("ReviewDecision", vocabulary.REVIEW_DECISIONS),
        ("RationaleType", vocabulary.RATIONALE_TYPES),
        ("DateScope", vocabulary.SCOPES),
        ("KeyRole", vocabulary.KEY_ROLES),
        ("Art63Condition", vocabulary.VALUE_CHOICES["art6_3_condition"]),
        ("InformationException", vocabulary.VALUE_CHOICES["information_exception"]),
        ("BreachCommunicationException", vocabulary.VALUE_CHOICES["breach_communication_exception"]),
        ("AnnexISection", vocabulary.VALUE_CHOICES["annex_i_section"]),
        ("LegalBasis", vocabulary.VALUE_CHOICES["legal_basis"]),
        ("ManagementSystem", vocabulary.MANAGEMENT_SYSTEMS),
        ("OwnerKind", vocabulary.OWNER_KINDS),
        ("WorkStatus", vocabulary.WORK_STATUSES),
        ("InclusionReason", vocabulary.INCLUSION_REASONS),
    ],
)
def test_enums_are_the_vocabularys_lists(schema: GraphQLSchema, enum: str, values: tuple[str, ...]) -> None:
    assert tuple(member.value for member in VOCABULARY_ENUMS[enum]) == values
    graphql_enum = schema.type_map[enum]
    assert isinstance(graphql_enum, GraphQLEnumType)
    assert tuple(graphql_enum.values) == tuple(value.upper() for value in values)  # GraphQL's UPPER_SNAKE
    assert tuple(v.value for v in graphql_enum.values.values()) == values  # the service sees the vocabulary's


# The output lists that stay plain lists, each with what bounds it: the published texts, an enum, a curated file
# or the request's own input — never the organisation's data or API writes. Any other list fails the test below:
# a list that grows is a connection (first/after, pageInfo, totalCount).
BOUNDED_LISTS = {
    "Webhook.kinds": "the kinds of change, a handful",
    "ChangeFeed.entries": "at most `first` of `changes(since:)`, plus the rest of the last commit",
    "Query.frameworks": "the bundled catalogs: six frameworks",
    "Query.acts": "a law and the acts amending it, from the curated timeline file",
    "Query.statementOfApplicability": "one standard's Annex A controls: 38 (ISO/IEC 42001) or 93 (27001)",
    "Query.mappingSets": "the curated sets, plus at most one proposed set per framework pair",
    "Framework.defaultAddressees": "an enum (AddresseeRole)",
    "Provision.addressees": "an enum (AddresseeRole)",
    "Provision.usedIn": "the provisions of the published text whose reading turns on a term",
    "Provision.children": "a provision's parts in the published text",
    "Act.sources": "the curated timeline file",
    "Provenance.creators": "a curated mapping set's header",
    "MappingSet.creators": "a curated mapping set's header",
    "Mapping.path": "the inference depth: at most MAX_DEPTH mappings",
    "Coverage.covered": "the assessed framework's coverage units (the published text)",
    "Coverage.reusable": "the assessed framework's coverage units (the published text)",
    "Coverage.partial": "the assessed framework's coverage units (the published text)",
    "Coverage.uncovered": "the assessed framework's coverage units (the published text)",
    "Organisation.jurisdictions": "the inventory header's few jurisdictions (no API write adds any)",
    "Asset.roles": "an enum (AddresseeRole)",
    "Asset.facts": "an enum (AssetFact)",
    "Asset.annexIii": "the AI Act's Annex III points",
    "Asset.deniedFacts": "an enum (AssetFact)",
    "Asset.unknownFacts": "an enum (AssetFact)",
    "Asset.values": "the inventory format's valued facts (five names, one value each)",
    "Asset.managementSystemScopes": "an enum's values (ManagementSystem)",
    "Obligation.reasons": "the curated applicability rules that select the provision",
    "Reason.facts": "an enum (AssetFact): one entry per fact, with the first asset it came through",
    "Reason.annexIii": "the AI Act's Annex III points",
    "Reason.conditions": "the open facts of one rule's condition",
    "Obligation.conditions": "one alternative per rule that selects the provision",
    "Obligation.uncertainty": "one entry per amending act the answer rests on",
    "Gap.conditions": "one alternative per rule that selects the provision",
    "EvidenceRecord.assets": "a mutation's echo of its own input",
    "MutationError.path": "the depth of the mutation's input",
    "WebhookPayload.errors": "one per problem with the mutation's input",
    "AssetPayload.errors": "one per problem with the mutation's input",
    "ControlPayload.errors": "one per problem with the mutation's input",
    "EvidencePayload.errors": "one per problem with the mutation's input",
    "RemovePayload.errors": "one per problem with the mutation's input",
    "MappingPayload.errors": "one per problem with the mutation's input",
    "ApiKeyPayload.errors": "one per problem with the mutation's input",
    "OwnerPayload.errors": "one per problem with the mutation's input",
    "WorkPayload.errors": "one per problem with the mutation's input",
    "SoaEntry.inclusionReasons": "an enum (InclusionReason), each at most once",
    "ControlDecision.inclusionReasons": "an enum (InclusionReason), each at most once",
}


def _fields(schema: GraphQLSchema) -> Iterator[tuple[str, GraphQLField]]:
    for name, named in schema.type_map.items():
        if not name.startswith("__") and isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in named.fields.items():
                yield f"{name}.{field_name}", field


def _is_list(output: GraphQLOutputType) -> bool:
    return isinstance(output.of_type if isinstance(output, GraphQLNonNull) else output, GraphQLList)


def test_every_list_that_can_grow_is_a_connection(schema: GraphQLSchema) -> None:
    lists = {key for key, field in _fields(schema) if _is_list(field.type)}
    pages = {key for key in lists if key.split(".")[0].endswith("Connection") and key.endswith(".edges")}
    unbounded = sorted(lists - pages - BOUNDED_LISTS.keys())
    assert unbounded == [], f"lists that may grow but are not connections (or say what bounds them): {unbounded}"
    assert sorted(BOUNDED_LISTS.keys() - lists) == [], "allowed lists that are no longer in the schema"


def test_every_connection_takes_first_and_after_and_is_costed(schema: GraphQLSchema) -> None:
    connections = [
        (key, field) for key, field in _fields(schema) if get_named_type(field.type).name.endswith("Connection")
    ]
    assert len(connections) >= 15
    for key, field in connections:
        assert {"first", "after"} <= set(field.args), f"{key} pages without first/after"
        assert str(field.args["first"].type) == "Int" and str(field.args["after"].type) == "String", key
        assert key.split(".")[1] in PAGED, f"{key}: the cost estimate does not know it is a page"
        connection = get_named_type(field.type)
        assert isinstance(connection, GraphQLObjectType)
        assert set(connection.fields) == {"edges", "pageInfo", "totalCount"}, key


def test_the_readme_lists_every_setting_with_its_default() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert settings_markdown() in readme, "the README's settings table is out of date: `aimsgraph schema settings`"
