"""Partial updates through GraphQL: `updateAsset` changes the fields named and keeps the rest (links included),
and every fact the inventory format carries can be written through GraphQL and changes what applies.

One writable in-memory store per module: the bundled data with the demo organisation (Northwind Credit, 250+
staff, established in the Union) and a small organisation outside the Union (`smallco`, 10-49 staff), where the
GDPR's exemptions for small and occasional processing are in play.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import strawberry

from api.graphql.context import Context
from api.graphql.schema import build_schema
from graph.service import Service
from graph.settings import Settings
from graph.stores.embedded import EmbeddedStore
from graph.views.write import Actor
from tests.support.graphql import nodes

SETTINGS = Settings()
CLI = Actor("cli", name="tests")
SMALLCO = """organisation: {id: smallco, name: Small Co, jurisdictions: [EU], established_in_union: false,
  headcount_band: "10-49"}
assets: []
"""


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    service = Service(EmbeddedStore.open(None))
    service.load(include_bundled=True, replace=True)
    inventory = Path(tmp_path_factory.mktemp("smallco")) / "smallco.yaml"
    inventory.write_text(SMALLCO, encoding="utf-8")
    service.load([inventory])
    yield service
    service.close()


@pytest.fixture(scope="module")
def schema() -> strawberry.Schema:
    return build_schema(SETTINGS)


@pytest.fixture(scope="module")
def editor(service: Service) -> Any:
    return service.keys.create(CLI, "editor", "update tests")[0]


def run(schema: strawberry.Schema, service: Service, key: Any, query: str, **variables: Any) -> Any:
    context = Context(answers=service.answers(), settings=SETTINGS, service=service, key=key)
    result = asyncio.run(schema.execute(query, variable_values=variables, context_value=context))
    assert result.errors is None, result.errors
    return result.data


ASSET = """id name owner description facts deniedFacts unknownFacts values { name value } managementSystemScopes
  uses { edges { node { id } } }"""
UPSERT = f"""mutation($input: AssetInput!, $org: String) {{ upsertAsset(input: $input, organisation: $org) {{
  asset {{ {ASSET} }} errors {{ code message path }} }} }}"""
UPDATE = f"""mutation($id: String!, $input: AssetUpdateInput!, $org: String) {{
  updateAsset(id: $id, input: $input, organisation: $org) {{
    asset {{ {ASSET} }} auditEntry {{ operation targetId before after }} errors {{ code message path }} }} }}"""
LINK = """mutation { linkAssets(assetId: "u-system", uses: "loan-history", organisation: "northwind") {
  errors { message } } }"""
READ = f"""query {{ asset(id: "u-system", organisation: "northwind") {{ {ASSET} }}
  auditLog(assetId: "u-system", organisation: "northwind") {{ totalCount }} }}"""


def test_update_asset_changes_only_the_fields_given_and_keeps_links(
    schema: strawberry.Schema, service: Service, editor: Any
) -> None:
    base = {"id": "u-system", "kind": "AI_SYSTEM", "name": "Scorer", "owner": "risk-team", "description": "Scores."}
    assert run(schema, service, editor, UPSERT, input=base, org="northwind")["upsertAsset"]["errors"] == []
    assert run(schema, service, editor, LINK)["linkAssets"]["errors"] == []

    payload = run(schema, service, editor, UPDATE, id="u-system", org="northwind", input={"name": "Scorer v2"})
    update = payload["updateAsset"]
    assert update["errors"] == []
    asset = update["asset"]
    assert (asset["name"], asset["owner"], asset["description"]) == ("Scorer v2", "risk-team", "Scores.")
    assert nodes(asset["uses"]) == [{"id": "loan-history"}]  # a re-sync of the name keeps the link
    entry = update["auditEntry"]
    assert entry["operation"] == "updateAsset" and entry["targetId"] == "u-system"
    assert entry["before"]["name"] == "Scorer" and entry["after"]["name"] == "Scorer v2"
    assert entry["before"]["uses"] == entry["after"]["uses"] == ["loan-history"]

    read = run(schema, service, editor, READ)
    assert read["asset"]["description"] == "Scores."  # readable back, not only writable
    entries = read["auditLog"]["totalCount"]

    # null is not "left out": it clears the description; an empty `uses` drops the links
    cleared = run(schema, service, editor, UPDATE, id="u-system", org="northwind", input={"description": None})
    assert cleared["updateAsset"]["asset"]["description"] is None
    assert nodes(cleared["updateAsset"]["asset"]["uses"]) == [{"id": "loan-history"}]
    unlinked = run(schema, service, editor, UPDATE, id="u-system", org="northwind", input={"uses": []})
    assert nodes(unlinked["updateAsset"]["asset"]["uses"]) == []
    assert run(schema, service, editor, READ)["auditLog"]["totalCount"] == entries + 2  # one entry per update

    # nothing changed: no entry
    same = run(schema, service, editor, UPDATE, id="u-system", org="northwind", input={"name": "Scorer v2"})
    assert same["updateAsset"]["auditEntry"] is None and same["updateAsset"]["errors"] == []


@pytest.mark.parametrize(
    ("changes", "code", "path"),
    [
        ({"name": None}, "BAD_INPUT", ["input", "name"]),  # a name may not be unknown
        ({"uses": ["nope"]}, "BAD_INPUT", ["input", "uses", "0"]),
        ({"art63Condition": "A"}, "BAD_INPUT", ["input"]),  # the derogation needs an Annex III point
    ],
)
def test_a_refused_update_says_where_and_changes_nothing(  # noqa: PLR0917 — parametrised
    schema: strawberry.Schema, service: Service, editor: Any, changes: dict[str, Any], code: str, path: list[str]
) -> None:
    base = {"id": "u-refused", "kind": "MODEL", "name": "Kept", "owner": "risk-team"}
    run(schema, service, editor, UPSERT, input=base, org="northwind")
    before = service.answers().revision
    update = run(schema, service, editor, UPDATE, id="u-refused", org="northwind", input=changes)["updateAsset"]
    assert update["asset"] is None and update["auditEntry"] is None
    assert [(e["code"], e["path"]) for e in update["errors"]] == [(code, path)]
    assert service.answers().revision == before


def test_an_update_of_an_unknown_asset_is_not_found(schema: strawberry.Schema, service: Service, editor: Any) -> None:
    update = run(schema, service, editor, UPDATE, id="u-nope", org="northwind", input={"name": "x"})["updateAsset"]
    assert [e["code"] for e in update["errors"]] == ["NOT_FOUND"] and "u-nope" in update["errors"][0]["message"]


HIGH_RISK = {"kind": "AI_SYSTEM", "roles": ["PROVIDER", "DEPLOYER", "CONTROLLER"], "annexIii": ["5(b)"]}
HR = {**HIGH_RISK, "personalData": True, "automatedDecisions": True}
ANNEX_I = {"kind": "AI_SYSTEM", "roles": ["PROVIDER"], "annexI": True}
GPAI = {"kind": "MODEL", "roles": ["PROVIDER"], "gpai": True}
DEPLOYED = {"kind": "AI_SYSTEM", "roles": ["DISTRIBUTOR", "IMPORTER", "DEPLOYER"], "annexIii": ["4(a)"]}
CONTROLLER = {"kind": "AI_SYSTEM", "roles": ["CONTROLLER"], "personalData": True}
WRITER = {"kind": "AI_SYSTEM", "roles": ["PROVIDER", "DEPLOYER"], "generatesSyntheticContent": True}

# (organisation, the asset before, the field, its value first, then, and a provision whose answer it changes)
FACTS = [
    ("northwind", HR, "annexI", False, True, ("eu-ai-act", "Article 10")),
    ("northwind", HR, "personalData", False, True, ("gdpr", "Article 12")),
    ("northwind", HR, "specialCategoryData", False, True, ("gdpr", "Article 9")),
    ("northwind", HR, "automatedDecisions", False, True, ("gdpr", "Article 22")),
    ("northwind", HR, "interactsWithPeople", False, True, ("eu-ai-act", "Article 50(1)")),
    ("northwind", HR, "generatesSyntheticContent", False, True, ("eu-ai-act", "Article 50(2)")),
    ("northwind", HR, "emotionRecognition", False, True, ("eu-ai-act", "Article 50(3)")),
    ("northwind", HR, "biometricCategorisation", False, True, ("eu-ai-act", "Article 50(3)")),
    ("northwind", HR, "deepFake", False, True, ("eu-ai-act", "Article 50(4)")),
    ("northwind", GPAI, "gpaiSystemicRisk", False, True, ("eu-ai-act", "Article 55")),
    ("northwind", HR, "gpai", False, True, ("nist-ai-600-1", "GV-1.1-001")),
    ("northwind", HR, "transfersOutsideEea", False, True, ("gdpr", "Article 44")),
    ("northwind", HR, "inScope", True, False, ("iso27001", "10.1")),
    ("northwind", HR, "managementSystemScopes", None, ["ISO27001"], ("iso42001", "10.1")),
    ("northwind", HR, "art63Condition", None, "A", ("eu-ai-act", "Article 10")),
    ("northwind", {**HR, "art63Condition": "A"}, "profilesNaturalPersons", None, False, ("eu-ai-act", "Article 10")),
    ("northwind", ANNEX_I, "annexISection", "A", "B", ("eu-ai-act", "Article 10")),
    ("northwind", ANNEX_I, "thirdPartyConformityAssessment", None, False, ("eu-ai-act", "Article 10")),
    ("northwind", GPAI, "openSource", None, True, ("eu-ai-act", "Article 53(1)(a)")),
    ("northwind", {**WRITER, "deepFake": True}, "placedOnMarket", None, "2025-01-01", ("eu-ai-act", "Article 50(2)")),
    ("northwind", DEPLOYED, "ownNameOrTrademark", None, True, ("eu-ai-act", "Article 10")),
    ("northwind", DEPLOYED, "substantialModification", None, True, ("eu-ai-act", "Article 10")),
    ("northwind", DEPLOYED, "newHighRiskPurpose", None, True, ("eu-ai-act", "Article 10")),
    ("northwind", HR, "legalOrSimilarEffects", None, True, ("eu-ai-act", "Article 86")),
    ("northwind", HR, "largeScale", None, False, ("gdpr", "Article 37")),
    ("northwind", HR, "systematicMonitoring", None, False, ("gdpr", "Article 37")),
    ("northwind", HR, "dataFromDataSubject", None, True, ("gdpr", "Article 13")),
    ("northwind", CONTROLLER, "legalBasis", "CONSENT", "PUBLIC_TASK", ("gdpr", "Article 21")),
    ("northwind", HR, "criminalOffenceData", None, True, ("gdpr", "Article 10")),
    ("smallco", CONTROLLER, "occasionalProcessing", None, False, ("gdpr", "Article 30(1)")),
    ("northwind", HR, "residualHighRisk", None, True, ("gdpr", "Article 36")),
    ("northwind", WRITER, "publishesPublicInterestText", None, True, ("eu-ai-act", "Article 50(4)")),
    (
        "northwind",
        {**WRITER, "publishesPublicInterestText": True},
        "humanEditorialReview",
        None,
        True,
        ("eu-ai-act", "Article 50(4)"),
    ),
    (
        "northwind",
        {"kind": "VENDOR", "roles": ["CONTROLLER"], "personalData": True},
        "processorForUs",
        None,
        True,
        ("gdpr", "Article 28(1)"),
    ),
]
OBLIGATIONS = """query($id: String!, $org: String) { asset(id: $id, organisation: $org) { obligations(first: 500,
  asOf: "2026-12-07") { edges { node { addressee conditions dateNote provision { ref framework { id } }
  dates { appliesFrom } } } } } }"""


def _answer(schema: strawberry.Schema, service: Service, key: Any, asset_id: str, org: str) -> dict[Any, Any]:
    found = nodes(run(schema, service, key, OBLIGATIONS, id=asset_id, org=org)["asset"]["obligations"])
    answer: dict[Any, Any] = {}
    for o in found:
        where = (o["provision"]["framework"]["id"], o["provision"]["ref"])
        answer.setdefault(where, set()).add(
            (o["addressee"], tuple(o["conditions"]), o["dateNote"], o["dates"]["appliesFrom"])
        )
    return answer


@pytest.mark.parametrize(("org", "base", "field", "first", "then", "provision"), FACTS, ids=[f[2] for f in FACTS])
def test_each_fact_of_the_inventory_format_is_written_through_graphql_and_changes_what_applies(  # noqa: PLR0917
    schema: strawberry.Schema,
    service: Service,
    editor: Any,
    org: str,
    base: dict[str, Any],
    field: str,
    first: Any,
    then: Any,
    provision: tuple[str, str],
) -> None:
    asset_id = f"u-fact-{field.lower()}"
    whole = {"id": asset_id, "name": field, "owner": "legal", **base, field: first}
    upsert = run(schema, service, editor, UPSERT, input=whole, org=org)["upsertAsset"]
    assert upsert["errors"] == []
    before = _answer(schema, service, editor, asset_id, org)
    update = run(schema, service, editor, UPDATE, id=asset_id, input={field: then}, org=org)["updateAsset"]
    assert update["errors"] == [] and update["auditEntry"]["operation"] == "updateAsset"
    after = _answer(schema, service, editor, asset_id, org)
    assert before.get(provision) != after.get(provision), f"{field}: {provision} answers the same"
    # the rest of the asset as it was: an update of one fact states nothing else
    untouched = {k: v for k, v in update["auditEntry"]["before"].items() if k not in {field, _snake(field)}}
    assert {k: update["auditEntry"]["after"].get(k) for k in untouched} == untouched


def _snake(name: str) -> str:
    return {"art63Condition": "art6_3_condition", "annexISection": "annex_i_section", "annexI": "annex_i"}.get(
        name, "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
    )


def test_every_field_of_the_inventory_asset_can_be_written_whole_or_partly() -> None:
    from graph.service import inventory_schema

    def fields(input_type: str) -> set[str]:
        return {_snake(name) for name in build_schema(SETTINGS)._schema.type_map[input_type].fields}  # type: ignore[attr-defined]

    asset = set(inventory_schema()["$defs"]["Asset"]["properties"])  # type: ignore[index]
    assert fields("AssetInput") == asset
    assert fields("AssetUpdateInput") == asset - {"id"}  # the id names the asset; it never changes


def test_facts_stated_false_unknown_and_valued_read_back(
    schema: strawberry.Schema, service: Service, editor: Any
) -> None:
    whole = {
        "id": "u-read-back",
        "name": "Read back",
        "owner": "legal",
        **HIGH_RISK,
        "personalData": None,  # a fact that defaults to no, stated not known
        "largeScale": False,  # a fact that may be unknown, stated false
        "legalBasis": "CONTRACT",
        "putIntoService": "2025-03-01",
        "managementSystemScopes": ["ISO27001"],
    }
    asset = run(schema, service, editor, UPSERT, input=whole, org="northwind")["upsertAsset"]["asset"]
    assert asset["unknownFacts"] == ["PERSONAL_DATA"] and asset["deniedFacts"] == ["LARGE_SCALE"]
    assert {(v["name"], v["value"]) for v in asset["values"]} == {
        ("legal_basis", "contract"),
        ("put_into_service", "2025-03-01"),
    }
    assert asset["managementSystemScopes"] == ["iso27001"]
    update = run(schema, service, editor, UPDATE, id="u-read-back", org="northwind", input={"largeScale": None})
    asset = update["updateAsset"]["asset"]
    assert asset["deniedFacts"] == [] and asset["unknownFacts"] == ["PERSONAL_DATA"]  # null: unknown again
    assert len(asset["values"]) == 2 and asset["managementSystemScopes"] == ["iso27001"]
