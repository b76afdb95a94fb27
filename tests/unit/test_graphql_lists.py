"""List queries with filters, `node(id:)` by global id, null for unknown ids, and gaps whose assets differ.

One writable in-memory store per module with the bundled data and the demo organisation (Northwind Credit);
the tests write assets, controls and evidence of their own (ids starting `l-`) and read them back as a GRC
tool's connector would.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
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
SHA = "cd" * 32
AGID = "https://w3id.org/aimsgraph/id/"


@pytest.fixture(scope="module")
def service() -> Iterator[Service]:
    service = Service(EmbeddedStore.open(None))
    service.load(include_bundled=True, replace=True)
    base = {"kind": "ai_system", "owner": "l-team", "roles": ["controller"], "personal_data": True}
    for asset_id in ("l-one", "l-two"):
        service.inventory.upsert_asset(CLI, None, {"id": asset_id, "name": asset_id, **base})
    evidence = [
        ("l-ev-expired", ["l-two"], "2026-01-01", "2026-06-30", "Article 30(1)"),
        ("l-ev-soon", ["l-one", "l-two"], "2026-01-01", "2026-12-20", "Article 32"),
        ("l-ev-later", ["l-two"], "2026-01-01", "2027-06-30", "Article 32"),
    ]
    for item_id, assets, collected, valid_until, ref in evidence:
        service.inventory.attach_evidence(
            CLI,
            None,
            {
                "id": item_id,
                "proves": {"framework": "gdpr", "ref": ref},
                "assets": assets,
                "uri": f"https://docs.example/{item_id}",
                "sha256": SHA,
                "collected": dt.date.fromisoformat(collected),
                "valid_until": dt.date.fromisoformat(valid_until),
                "owner": "dpo",
            },
        )
    service.inventory.record_control(
        CLI, None, {"framework": "iso27001", "ref": "A.7.4", "status": "excluded", "justification": "No premises."}
    )
    yield service
    service.close()


@pytest.fixture(scope="module")
def schema() -> strawberry.Schema:
    return build_schema(SETTINGS)


def run(schema: strawberry.Schema, service: Service, query: str, **variables: Any) -> Any:
    context = Context(answers=service.answers(), settings=SETTINGS, service=service)
    return asyncio.run(schema.execute(query, variable_values=variables, context_value=context))


def ok(schema: strawberry.Schema, service: Service, query: str, **variables: Any) -> Any:
    result = run(schema, service, query, **variables)
    assert result.errors is None, result.errors
    return result.data


EVIDENCE = """query($filter: EvidenceFilterInput) { evidence(filter: $filter, asOf: "2026-12-07") {
    totalCount edges { node { iri id status validUntil location assets { edges { node { id } } } } } } }"""


def test_evidence_lists_by_status_asset_and_expiry(schema: strawberry.Schema, service: Service) -> None:
    everything = ok(schema, service, EVIDENCE)["evidence"]
    assert everything["totalCount"] >= 3 + 30  # the demo's items and ours, by id
    ids = [n["id"] for n in nodes(everything)]
    assert ids == sorted(ids)

    def listed(**wanted: Any) -> list[str]:
        return [n["id"] for n in nodes(ok(schema, service, EVIDENCE, filter=wanted)["evidence"])]

    assert listed(assetId="l-one") == ["l-ev-soon"]
    assert listed(assetId="l-two") == ["l-ev-expired", "l-ev-later", "l-ev-soon"]
    assert listed(assetId="l-two", statuses=["EXPIRED"]) == ["l-ev-expired"]
    assert listed(assetId="l-two", statuses=["EXPIRING", "VALID"]) == ["l-ev-later", "l-ev-soon"]
    assert listed(assetId="l-two", expiringBefore="2027-01-01") == ["l-ev-expired", "l-ev-soon"]
    assert "l-ev-later" not in listed(expiringBefore="2027-01-01", frameworks=["gdpr"])
    assert all(i.startswith("l-") or not i for i in listed(assetId="l-two", frameworks=["gdpr"]))
    item = next(n for n in nodes(everything) if n["id"] == "l-ev-soon")
    assert item["iri"] == f"{AGID}org/northwind/evidence/l-ev-soon"
    assert item["status"] == "EXPIRING" and item["location"] == "https://docs.example/l-ev-soon"
    assert nodes(item["assets"]) == [{"id": "l-one"}, {"id": "l-two"}]


def test_an_unknown_asset_or_framework_in_a_filter_is_refused_by_name(
    schema: strawberry.Schema, service: Service
) -> None:
    result = run(schema, service, EVIDENCE, filter={"assetId": "nope"})
    assert result.errors[0].extensions["code"] == "NOT_FOUND" and "nope" in result.errors[0].message
    result = run(schema, service, EVIDENCE, filter={"frameworks": ["iso9001"]})
    assert result.errors[0].extensions["code"] == "NOT_FOUND" and "iso9001" in result.errors[0].message


CONTROLS = """query($c: ControlFilterInput, $s: SoaFilterInput) {
  controls(filter: $c) { totalCount edges { node { iri framework ref status justification provision { ref } } } }
  soaDecisions(filter: $s, first: 100) { totalCount edges { node { iri control { ref } status included
    justification } } } }"""


def test_recorded_controls_and_iso27001_soa_decisions_read_back_with_filters(
    schema: strawberry.Schema, service: Service
) -> None:
    data = ok(schema, service, CONTROLS, c={"frameworks": ["iso27001"], "statuses": ["EXCLUDED"]})
    excluded = nodes(data["controls"])
    assert {
        "iri": f"{AGID}org/northwind/control/iso27001%2FA.7.4",
        "framework": "iso27001",
        "ref": "A.7.4",
        "status": "EXCLUDED",
        "justification": "No premises.",
        "provision": {"ref": "A.7.4"},
    } in excluded
    assert all(c["framework"] == "iso27001" and c["status"] == "EXCLUDED" for c in excluded)
    both = ok(schema, service, CONTROLS)["soaDecisions"]
    assert both["totalCount"] == 38 + 93  # every Annex A control of ISO/IEC 42001 and of 27001
    data = ok(schema, service, CONTROLS, s={"frameworks": ["iso27001"], "statuses": ["EXCLUDED"]})
    decision = next(d for d in nodes(data["soaDecisions"]) if d["control"]["ref"] == "A.7.4")
    assert decision == {
        "iri": f"{AGID}org/northwind/soa-decision/iso27001/A.7.4",
        "control": {"ref": "A.7.4"},
        "status": "EXCLUDED",
        "included": False,
        "justification": "No premises.",
    }
    undecided = ok(schema, service, CONTROLS, s={"frameworks": ["iso27001"], "statuses": ["UNDECIDED"]})
    assert "A.7.4" not in {d["control"]["ref"] for d in nodes(undecided["soaDecisions"])}


OBLIGATIONS = """query($filter: ObligationFilterInput, $after: String) {
  obligations(filter: $filter, asOf: "2026-12-07", first: 100, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { iri organisationWide status asset { id } provision { ref framework { id } } } } } }"""


def test_obligations_list_across_the_organisation_with_ids_and_filters(
    schema: strawberry.Schema, service: Service
) -> None:
    found: list[dict[str, Any]] = []
    after = None
    while True:
        page = ok(schema, service, OBLIGATIONS, filter={"frameworks": ["gdpr", "iso27001"]}, after=after)
        found += nodes(page["obligations"])
        if not page["obligations"]["pageInfo"]["hasNextPage"]:
            break
        after = page["obligations"]["pageInfo"]["endCursor"]
    iris = [o["iri"] for o in found]
    assert len(iris) == len(set(iris)) == page["obligations"]["totalCount"]  # an organisation-wide duty once
    assert {o["provision"]["framework"]["id"] for o in found} == {"gdpr", "iso27001"}
    assert f"{AGID}org/northwind/obligation/l-one/gdpr/Article%2030%281%29" in iris
    assert any(o["organisationWide"] and "/obligation/northwind/iso27001/" in o["iri"] for o in found)
    wanted = {"assetId": "l-two", "frameworks": ["gdpr"], "statuses": ["EXPIRED"]}
    mine = ok(schema, service, OBLIGATIONS, filter=wanted)
    assert [(o["provision"]["ref"], o["status"]) for o in nodes(mine["obligations"])] == [("Article 30(1)", "EXPIRED")]


GAPS = """query($filter: ObligationFilterInput) { gaps(filter: $filter, asOf: "2026-12-07", first: 100) { totalCount
    edges { node { iri owner status assetStatuses { edges { node { assetId status } } }
    assets { edges { node { id } } }
    provision { ref } } } } }"""


def test_a_grouped_gap_keeps_each_assets_own_status(schema: strawberry.Schema, service: Service) -> None:
    gaps = nodes(ok(schema, service, GAPS, filter={"frameworks": ["gdpr"], "assetId": "l-one"})["gaps"])
    gap = next(g for g in gaps if g["provision"]["ref"] == "Article 30(1)" and g["owner"] == "l-team")
    # l-one never had evidence; l-two's expired: the gap says so for each, and is missing as a whole
    assert nodes(gap["assetStatuses"]) == [
        {"assetId": "l-one", "status": "MISSING"},
        {"assetId": "l-two", "status": "EXPIRED"},
    ]
    assert gap["status"] == "MISSING"
    assert nodes(gap["assets"]) == [{"id": "l-one"}, {"id": "l-two"}]
    assert gap["iri"] == f"{AGID}org/northwind/gap/l-team/gdpr/Article%2030%281%29"
    expired = nodes(ok(schema, service, GAPS, filter={"statuses": ["EXPIRED"], "frameworks": ["gdpr"]})["gaps"])
    assert gap["iri"] in {g["iri"] for g in expired}  # one of its assets is expired
    assert all(any(s["status"] == "EXPIRED" for s in nodes(g["assetStatuses"])) for g in expired)
    assert "Article 30(1)" not in {
        g["provision"]["ref"] for g in gaps if g["owner"] == "l-team" and g["iri"] != gap["iri"]
    }


NODE = """query($id: ID!) { node(id: $id) { __typename iri } }"""


def test_node_finds_every_kind_of_thing_by_its_global_id(schema: strawberry.Schema, service: Service) -> None:
    data = ok(
        schema,
        service,
        """{ framework(id: "gdpr") { iri } provision(framework: "gdpr", ref: "Article 30(1)") { iri }
        organisations { edges { node { iri } } } asset(id: "l-one") { iri } mappingSets { iri }
        provisionMappings: provision(framework: "iso27001", ref: "A.5.1") { mappings(first: 1) { edges { node {
          iri } } } }
        evidence(first: 1) { edges { node { iri } } } controls(first: 1) { edges { node { iri } } }
        soaDecisions(first: 1) { edges { node { iri } } }
        obligations(assetId: "l-one", frameworks: ["gdpr", "iso27001"], first: 100) { edges { node { iri
          organisationWide } } }
        gaps(first: 1) { edges { node { iri } } } }""",
    )
    obligations = nodes(data["obligations"])
    expected = {
        "Framework": data["framework"]["iri"],
        "Provision": data["provision"]["iri"],
        "Organisation": nodes(data["organisations"])[0]["iri"],
        "Asset": data["asset"]["iri"],
        "MappingSet": data["mappingSets"][0]["iri"],
        "Mapping": nodes(data["provisionMappings"]["mappings"])[0]["iri"],
        "Evidence": nodes(data["evidence"])[0]["iri"],
        "RecordedControl": nodes(data["controls"])[0]["iri"],
        "SoaEntry": nodes(data["soaDecisions"])[0]["iri"],
        "Obligation": next(o["iri"] for o in obligations if not o["organisationWide"]),
        "Gap": nodes(data["gaps"])[0]["iri"],
    }
    assert expected["Mapping"].startswith(f"{AGID}mapping/")
    org_wide = next(o["iri"] for o in obligations if o["organisationWide"])
    for typename, iri in [*expected.items(), ("Obligation", org_wide)]:
        assert ok(schema, service, NODE, id=iri)["node"] == {"__typename": typename, "iri": iri}


def test_unknown_ids_answer_null_with_a_message_and_the_rest_of_the_answer_stands(
    schema: strawberry.Schema, service: Service
) -> None:
    result = run(
        schema,
        service,
        """query($gap: ID!, $lenient: ID!) { asset(id: "nope") { id } framework(id: "iso9001") { id }
        provision(framework: "gdpr", ref: "Article 999") { ref } missing: node(id: $gap) { iri }
        lenient: node(id: $lenient) { iri } outside: node(id: "urn:x") { iri } frameworks { id } }""",
        gap=f"{AGID}org/northwind/gap/nobody/gdpr/Article%2030%281%29",
        lenient=f"{AGID}gdpr/art.%2030(1)",  # a lenient ref is not the provision's global id
    )
    data = result.data
    assert data is not None and "gdpr" in {f["id"] for f in data["frameworks"]}
    for field in ("asset", "framework", "provision", "missing", "lenient", "outside"):
        assert data[field] is None
    errors = {tuple(e.path): e for e in result.errors}
    assert set(errors) == {("asset",), ("framework",), ("provision",), ("missing",), ("lenient",), ("outside",)}
    assert all(e.extensions["code"] == "NOT_FOUND" for e in errors.values())
    assert "nope" in errors[("asset",)].message and "nobody" in errors[("missing",)].message


def test_global_ids_of_records_are_the_iris_their_records_are_stored_under(service: Service) -> None:
    from graph.write.ingest import control_iri, evidence_iri

    lists = service.answers().lists
    item = next(e for e in lists.evidence() if e.evidence.id == "l-ev-soon")
    assert item.iri == evidence_iri("northwind", "l-ev-soon")
    control = next(c for c in lists.controls() if c.provision.ref == "A.7.4")
    assert control.iri == control_iri("northwind", "iso27001", "A.7.4")


def test_an_inferred_mapping_has_no_global_id_and_an_inverted_one_names_its_record(
    schema: strawberry.Schema, service: Service
) -> None:
    data = ok(
        schema,
        service,
        """{ provision(framework: "iso42001", ref: "A.2.2") { mappings(includeInferred: true, first: 500) {
        edges { node { iri inferred inverted } } } } }""",
    )
    found = nodes(data["provision"]["mappings"])
    assert any(m["inferred"] for m in found) and any(m["inverted"] for m in found)
    assert all((m["iri"] is None) == m["inferred"] for m in found)
    inverted = next(m["iri"] for m in found if m["inverted"])
    assert ok(schema, service, NODE, id=inverted)["node"] == {"__typename": "Mapping", "iri": inverted}


def test_obligations_take_frameworks_as_an_argument_or_in_the_filter_not_both(
    schema: strawberry.Schema, service: Service
) -> None:
    query = """query($filter: ObligationFilterInput) { obligations(assetId: "l-one", frameworks: ["gdpr"],
      filter: $filter) { totalCount } }"""
    assert ok(schema, service, query)["obligations"]["totalCount"] > 0
    result = run(schema, service, query, filter={"frameworks": ["iso27001"]})
    assert result.errors[0].extensions["code"] == "BAD_INPUT" and "not both" in result.errors[0].message
    mismatch = run(schema, service, query.replace('frameworks: ["gdpr"],', ""), filter={"assetId": "l-two"})
    assert mismatch.errors[0].extensions["code"] == "BAD_INPUT"
