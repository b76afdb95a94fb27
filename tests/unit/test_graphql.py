"""The GraphQL schema over the service: answers, pagination, typed errors, and limits on hostile documents."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
import strawberry

from api.graphql.context import Context
from api.graphql.schema import build_schema
from graph.service import Service
from graph.settings import Settings
from tests.support.graphql import execute, nodes

SETTINGS = Settings(max_query_depth=8, max_aliases=10, max_page_size=50)


@pytest.fixture(scope="module")
def schema() -> strawberry.Schema:
    return build_schema(SETTINGS)


def run(schema: strawberry.Schema, service: Service, query: str, **variables: Any) -> Any:
    return execute(schema, service, SETTINGS, query, **variables)


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
    assert ids["gdpr"]["provisionCount"] == 513 and ids["gdpr"]["binding"] is True
    provision = result.data["provision"]
    assert provision["ref"] == "Article 26(1)" and provision["addressees"] == ["DEPLOYER"]
    assert provision["parent"]["title"] == "Obligations of deployers of high-risk AI systems"
    assert provision["framework"]["name"] == "EU AI Act"


def test_provisions_page_through_the_whole_framework(schema: strawberry.Schema, bundled: Service) -> None:
    query = """query($after: String) { provisions(framework: "iso42001", kind: CONTROL, first: 15, after: $after) {
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
        ('{ search(text: "data", first: 5000) { totalCount } }', "between 0 and 50"),
        ('{ asset(id: "credit-model") { uses(first: 51) { totalCount } } }', "between 0 and 50"),
        ('{ organisations(after: "bm9wZQ==") { totalCount } }', "invalid cursor"),
        ('{ crosswalk(source: "gdpr", target: "iso42001", depth: 9) { totalCount } }', "depth must be between"),
        ('{ crosswalk(source: "gdpr", target: "iso42001", minStrength: 0) { totalCount } }', "strength must be"),
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


def test_internal_failures_are_masked_in_production_and_named_without_a_traceback_in_development(
    schema: strawberry.Schema, bundled: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    answers = bundled.answers()
    monkeypatch.setattr(answers.catalog, "frameworks", explode)
    production = Settings(production=True)
    for settings, message in ((production, "internal error"), (SETTINGS, "internal error: RuntimeError(")):
        context = Context(answers=answers, settings=settings)
        result = asyncio.run(build_schema(settings).execute("{ frameworks { id } }", context_value=context))
        assert result.errors is not None
        (error,) = result.errors
        assert error.message.startswith(message) and error.extensions == {"code": "INTERNAL"}
        assert "Traceback" not in error.message


def test_crosswalk_and_provision_mappings(schema: strawberry.Schema, bundled: Service) -> None:
    result = run(
        schema,
        bundled,
        """{ crosswalk(source: "iso27001", target: "iso42001", first: 5) {
               totalCount edges { node { source { ref } target { ref } relation inverted
                                         provenance { mappingSet creators } } } }
             provision(framework: "iso42001", ref: "A.6.2.8") {
               mappings(targetFramework: "iso27001") {
                 edges { node { target { ref } relation strength rationale } } } } }""",
    )
    assert result.errors is None
    page = result.data["crosswalk"]
    assert page["totalCount"] > 50
    first = page["edges"][0]["node"]
    assert first["inverted"] is True and first["provenance"]["mappingSet"] == "iso42001-iso27001"
    logging = nodes(result.data["provision"]["mappings"])
    to_a815 = next(m for m in logging if m["target"]["ref"] == "A.8.15")
    assert to_a815["relation"] == "INTERSECTS" and to_a815["strength"] >= 5 and to_a815["rationale"]


def test_inferred_crosswalk_carries_its_path(schema: strawberry.Schema, bundled: Service) -> None:
    result = run(
        schema,
        bundled,
        """{ crosswalk(source: "iso27001", target: "eu-ai-act", includeInferred: true, first: 3) {
               edges { node { inferred relation path { ref framework { id } } } } } }""",
    )
    assert result.errors is None
    node = result.data["crosswalk"]["edges"][0]["node"]
    assert node["inferred"] is True and node["relation"] == "RELATED"
    assert node["path"][0]["framework"]["id"] == "iso27001" and node["path"][-1]["framework"]["id"] == "eu-ai-act"


def test_coverage_answers_with_reasons(schema: strawberry.Schema, bundled: Service) -> None:
    result = run(
        schema,
        bundled,
        """{ coverage(have: "nist-ai-rmf", want: "iso42001") {
               ratio reachedRatio
               partial { provision { ref } because { totalCount edges { node { source { ref } relation } } } }
               uncovered { provision { ref } } } }""",
    )
    assert result.errors is None
    coverage = result.data["coverage"]
    assert 0 < coverage["reachedRatio"] <= 1
    assert all(v["because"]["totalCount"] == len(v["because"]["edges"]) > 0 for v in coverage["partial"])
    bad = run(schema, bundled, '{ coverage(have: "nist-ai-rmf", want: "nist-ai-rmf") { ratio } }')
    assert bad.errors[0].extensions == {"code": "BAD_INPUT"} and "both nist-ai-rmf" in bad.errors[0].message


def test_an_error_in_a_nested_field_carries_its_code(schema: strawberry.Schema, bundled: Service) -> None:
    result = run(
        schema,
        bundled,
        '{ provision(framework: "iso42001", ref: "4.1") { ref mappings(targetFramework: "iso9001") { totalCount } } }',
    )
    (error,) = result.errors
    assert error.path == ["provision", "mappings"] and error.extensions == {"code": "NOT_FOUND"}
    assert "unknown framework 'iso9001'" in error.message


def test_expected_errors_log_one_line_without_a_traceback(
    schema: strawberry.Schema, bundled: Service, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        run(schema, bundled, '{ provision(framework: "gdpr", ref: "Article 100") { ref } }')
    records = [r for r in caplog.records if "NOT_FOUND" in r.getMessage()]
    assert len(records) == 1 and records[0].exc_info is None and records[0].levelno == logging.INFO
    assert not any(r.levelno >= logging.ERROR for r in caplog.records)


def test_mapping_sets_and_one_framework_by_id(schema: strawberry.Schema, bundled: Service) -> None:
    result = run(
        schema,
        bundled,
        "{ mappingSets { id sourceFramework targetFramework mappingCount noCounterpartCount authority } "
        'framework(id: "iso42001") { id name provisionCount defaultAddressees } }',
    )
    assert result.errors is None
    sets = {s["id"]: s for s in result.data["mappingSets"]}
    nist = sets["nist-ai-rmf-iso42001"]
    assert nist["sourceFramework"] == "nist-ai-rmf" and nist["mappingCount"] > 250 and "42001" in nist["authority"]
    assert result.data["framework"] == {
        "id": "iso42001",
        "name": "ISO/IEC 42001:2023",
        "provisionCount": 96,
        "defaultAddressees": ["ORGANISATION"],
    }


def test_provision_mappings_include_inferred_ones_only_when_asked(schema: strawberry.Schema, bundled: Service) -> None:
    query = (
        '{ provision(framework: "iso42001", ref: "6.1.3") '
        '{ mappings(includeInferred: %s, targetFramework: "nist-ai-600-1") '
        "{ edges { node { inferred relation path { ref } } } } } }"
    )
    plain = nodes(run(schema, bundled, query % "false").data["provision"]["mappings"])
    inferred = nodes(run(schema, bundled, query % "true").data["provision"]["mappings"])
    assert plain == []  # no set relates 42001 and NIST AI 600-1 directly
    assert inferred and all(m["inferred"] and len(m["path"]) >= 3 for m in inferred)


def test_relations_of_a_page_are_read_from_the_requests_snapshot(schema: strawberry.Schema, bundled: Service) -> None:
    """framework, parent and children come from the snapshot the request reads (in memory, no batching needed)."""
    answers = bundled.answers()
    context = Context(answers=answers, settings=SETTINGS)
    query = (
        '{ provisions(framework: "eu-ai-act", first: 50) { edges { node { ref framework { id } parent { ref } '
        "children { ref } } } } }"
    )
    result = asyncio.run(schema.execute(query, context_value=context))
    assert result.errors is None and result.data is not None
    edges = result.data["provisions"]["edges"]
    assert len(edges) == 50 and {e["node"]["framework"]["id"] for e in edges} == {"eu-ai-act"}
    for edge in edges:
        view = answers.catalog.provision("eu-ai-act", edge["node"]["ref"])
        parent = answers.catalog.parent(view)
        assert edge["node"]["parent"] == ({"ref": parent.ref} if parent else None)
        assert [c["ref"] for c in edge["node"]["children"]] == [c.ref for c in answers.catalog.children(view)]
    assert any(e["node"]["parent"] for e in edges) and any(e["node"]["children"] for e in edges)


def test_dates_follow_the_amendments_as_of_a_day(schema: strawberry.Schema, bundled: Service) -> None:
    result = run(
        schema,
        bundled,
        '{ provision(framework: "eu-ai-act", ref: "Article 9") { '
        'before: appliesFrom(scope: ANNEX_III, asOf: "2026-07-01") '
        'dates(scope: ANNEX_III, asOf: "2026-11-29") { appliesFrom original amended basis act { id ojReference } } } '
        'acts(framework: "eu-ai-act") { id status } }',
    )
    assert result.errors is None and result.data is not None
    provision = result.data["provision"]
    assert provision["before"] == "2026-08-02"
    assert provision["dates"]["appliesFrom"] == "2027-12-02" and provision["dates"]["original"] == "2026-08-02"
    assert provision["dates"]["amended"] is True and provision["dates"]["act"]["id"] == "digital-omnibus-ai"
    assert [a["id"] for a in result.data["acts"]] == ["reg-2024-1689", "digital-omnibus-ai"]


def test_an_assets_obligations_with_reasons_evidence_and_dates(schema: strawberry.Schema, bundled: Service) -> None:
    result = run(
        schema,
        bundled,
        '{ asset(id: "credit-system") { kind owner roles uses { edges { node { id kind } } } '
        '  obligations(frameworks: ["eu-ai-act"], asOf: "2026-11-29", first: 50) { totalCount edges { node { '
        "    provision { ref } addressee status reasons { rule facts annexIii basis conditions } "
        "    conditional conditions content amendedBy uncertainty dateNote "
        "    evidence { edges { node { id status } } } dates { appliesFrom original amended } } } } } "
        "  assets(first: 5) { totalCount edges { node { id } } } organisations { edges { node { id name } } } }",
    )
    assert result.errors is None and result.data is not None
    asset = result.data["asset"]
    assert asset["kind"] == "AI_SYSTEM" and "credit-model" in {u["id"] for u in nodes(asset["uses"])}
    assert asset["obligations"]["totalCount"] == len(asset["obligations"]["edges"])  # one page holds them all
    article_9 = next(o for o in nodes(asset["obligations"]) if o["provision"]["ref"] == "Article 9")
    assert article_9["addressee"] == "PROVIDER" and article_9["status"] == "EXPIRED"
    assert nodes(article_9["evidence"]) == [{"id": "ev-credit-risk-file", "status": "EXPIRED"}]
    assert article_9["reasons"][0]["annexIii"] == ["5(b)"] and article_9["dates"]["amended"] is True
    assert article_9["reasons"][0]["basis"].startswith("Article 6(2)") and article_9["conditional"] is False
    assert article_9["uncertainty"] and article_9["uncertainty"][0].startswith("digital-omnibus-ai: ")
    article_4 = next(o for o in nodes(asset["obligations"]) if o["provision"]["ref"] == "Article 4")
    assert article_4["amendedBy"] == "digital-omnibus-ai" and "take measures to support" in article_4["content"]
    assert result.data["assets"]["totalCount"] == 19
    assert nodes(result.data["organisations"]) == [{"id": "northwind", "name": "Northwind Credit"}]


def test_gaps_and_the_statement_of_applicability(schema: strawberry.Schema, bundled: Service) -> None:
    unknown = run(schema, bundled, '{ obligations(assetId: "nope") { totalCount } }')
    assert unknown.errors is not None and unknown.errors[0].extensions == {"code": "NOT_FOUND"}
    query = """query($after: String) { gaps(asOf: "2026-11-29", first: 50, after: $after) { totalCount
                 edges { node { owner status inForce provision { ref } assets { edges { node { id } } } } }
                 pageInfo { hasNextPage endCursor } }
               statementOfApplicability(asOf: "2026-11-29") { control { ref } included status evidenceStatus } }"""
    gaps: list[dict[str, Any]] = []
    after = None
    while True:  # a connection: paged through to the end
        result = run(schema, bundled, query, after=after)
        assert result.errors is None and result.data is not None
        gaps += [edge["node"] for edge in result.data["gaps"]["edges"]]
        if not result.data["gaps"]["pageInfo"]["hasNextPage"]:
            break
        after = result.data["gaps"]["pageInfo"]["endCursor"]
    assert len(gaps) == result.data["gaps"]["totalCount"] > 50
    assert any(g["provision"]["ref"] == "Article 9" and {"id": "credit-system"} in nodes(g["assets"]) for g in gaps)
    assert len(result.data["statementOfApplicability"]) == 38
