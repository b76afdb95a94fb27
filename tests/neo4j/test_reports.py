"""Every bundled Cypher report on the demo organisation (Northwind Credit) synced into ArcadeDB, run the way an
analyst runs it (`aimsgraph report NAME --param k=v --uri … --json`), with the rows the demo's facts imply;
and the refusals: a writing report, an unknown one, a missing or mistyped parameter."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from graph.cypher.reports import library
from graph.service import Service
from tests.conftest import Cli
from tests.support.fixtures import DEMO_DAY, DemoDatabase

pytestmark = pytest.mark.integration


def report(cli: Cli, demo: DemoDatabase, name: str, *params: str) -> Any:
    args = [arg for p in params for arg in ("--param", p)]
    return cli.json("report", name, *args, "--uri", demo.server.uri)


@pytest.fixture
def analyst(tmp_path: Path, neo4j_demo: DemoDatabase) -> Cli:
    """A CLI whose credentials and database come from the environment, as an analyst would set them."""

    class Analyst(Cli):
        def run(self, *args: str, check: bool = False, env: dict[str, str] | None = None) -> Any:
            login = {k: v for k, v in neo4j_demo.env.items() if k != "AIMSGRAPH_STORE"}
            return super().run(*args, check=check, env={**login, **(env or {})})

    return Analyst(tmp_path / "unused-store")


def test_annex_a_controls_not_covered_by_27001_are_the_clis_verdicts(
    analyst: Cli, neo4j_demo: DemoDatabase, seeded_cli: Cli
) -> None:
    rows = report(analyst, neo4j_demo, "annex-a-not-covered-by-27001")
    verdicts = {r["control"]: r["verdict"] for r in rows}
    # documenting impact assessments, technical documentation: no 27001 control reaches them
    assert verdicts["A.5.3"] == "uncovered" and verdicts["A.6.2.7"] == "uncovered"
    controls = [r["control"] for r in rows]
    assert controls == sorted(controls, key=lambda ref: [int(x) for x in ref[2:].split(".")])  # in document order
    assert {r["organisation"] for r in rows} == {"northwind"}
    cli = seeded_cli.json("coverage", "--want", "iso42001", "--have", "iso27001", "--org", "northwind")
    expected = {
        v["ref"]: status for status in ("reusable", "partial", "uncovered") for v in cli[status] if v["ref"][:2] == "A."
    }
    assert verdicts == expected


def test_high_risk_systems_without_a_valid_impact_assessment(analyst: Cli, neo4j_demo: DemoDatabase) -> None:
    rows = report(analyst, neo4j_demo, "high-risk-without-impact-assessment", f"as_of={DEMO_DAY}")
    found = {r["system"]: (r["annexIii"], r["lapsed"]) for r in rows}
    assert found["cv-screening"] == (["4(a)"], []) and found["broker-affordability"] == (["5(b)"], [])
    assert "credit-system" not in found  # its FRIA is valid on the day
    assert [r["system"] for r in rows] == sorted(found)
    later = report(analyst, neo4j_demo, "high-risk-without-impact-assessment", "as_of=2027-10-21")
    assert {r["system"] for r in later} == {"credit-system", *found}  # the FRIA has lapsed by then
    [credit] = [r for r in later if r["system"] == "credit-system"]
    assert sorted(credit["lapsed"]) == [
        "ev-credit-fria (valid until 2027-10-20)",
        "ev-credit-impact (valid until 2027-09-05)",
    ]


def test_high_risk_systems_without_valid_evidence_are_the_engines_gaps(
    analyst: Cli, neo4j_demo: DemoDatabase, bundled: Service
) -> None:
    answers = bundled.answers()
    expected: dict[str, list[str]] = {}
    for asset in answers.organisation.assets():
        if asset.kind != "ai_system" or not (asset.annex_iii or "annex_i" in asset.facts):
            continue
        found = answers.organisation.obligations(asset.id, as_of=DEMO_DAY).obligations
        refs = [
            o.provision.ref
            for o in sorted(found, key=lambda o: o.provision.order)
            if o.provision.framework == "eu-ai-act" and not o.voluntary and o.status in ("missing", "expired")
        ]
        if refs:
            expected[asset.id] = refs
    rows = report(analyst, neo4j_demo, "high-risk-without-valid-evidence")
    assert {r["system"]: r["provisions"] for r in rows} == expected
    assert {"credit-system", "cv-screening"} <= set(expected)  # the demo's two Annex III systems lack evidence
    assert all(r["withoutValidEvidence"] == len(r["provisions"]) >= r["inForce"] for r in rows)
    counts = [r["withoutValidEvidence"] for r in rows]
    assert counts == sorted(counts, reverse=True)
    expired = report(analyst, neo4j_demo, "high-risk-without-valid-evidence", "status=expired")
    assert all(set(r["provisions"]) < set(expected[r["system"]]) for r in expired)


def test_gaps_by_owner_match_the_engines_gaps(analyst: Cli, neo4j_demo: DemoDatabase, bundled: Service) -> None:
    rows = report(analyst, neo4j_demo, "gaps-by-owner")
    expected: dict[str, int] = {}
    for gap in bundled.answers().organisation.gaps(as_of=DEMO_DAY):
        expected[gap.owner] = expected.get(gap.owner, 0) + 1
    assert {r["owner"]: r["gaps"] for r in rows} == expected
    assert [r["gaps"] for r in rows] == sorted((r["gaps"] for r in rows), reverse=True)
    gdpr = report(analyst, neo4j_demo, "gaps-by-owner", "framework=gdpr")
    assert all(p.startswith("gdpr:") for r in gdpr for p in r["provisions"])


def test_evidence_expiring_within_thirty_days(analyst: Cli, neo4j_demo: DemoDatabase) -> None:
    rows = report(analyst, neo4j_demo, "evidence-expiring", f"as_of={DEMO_DAY}")
    assert [(r["evidence"], r["validUntil"], r["daysLeft"]) for r in rows] == [
        ("ev-fraud-impact", "2026-12-05", 6),
        ("ev-vuln-scan-nov", "2026-12-10", 11),
        ("ev-restore-test", "2026-12-12", 13),
        ("ev-gpai-transfer-tia", "2026-12-15", 16),
        ("ev-cv-oversight", "2026-12-18", 19),
        ("ev-chatbot-disclosure-test", "2026-12-20", 21),
    ]
    assert rows[0]["proves"] == "iso42001:A.5.4" and sorted(rows[0]["assets"]) == ["fraud-model", "fraud-monitoring"]
    week = report(analyst, neo4j_demo, "evidence-expiring", f"as_of={DEMO_DAY}", "days=7")
    assert [r["evidence"] for r in week] == ["ev-fraud-impact"]


def test_assets_touching_gdpr_article_22(analyst: Cli, neo4j_demo: DemoDatabase) -> None:
    rows = report(analyst, neo4j_demo, "assets-touching-provision")
    assert [(r["asset"], r["kind"], r["status"]) for r in rows] == [
        ("credit-model", "Model", "missing"),
        ("credit-system", "AISystem", "valid"),
        ("loan-origination", "UseCase", "valid"),
    ]
    assert all(r["addressee"] == "controller" and r["reasons"] for r in rows)
    fria = report(analyst, neo4j_demo, "assets-touching-provision", "framework=eu-ai-act", "ref=Article 27")
    assert {r["asset"] for r in fria} >= {"loan-origination"}


def test_the_provisions_with_most_crosswalk_links(analyst: Cli, neo4j_demo: DemoDatabase) -> None:
    rows = report(analyst, neo4j_demo, "most-linked-provisions", "limit=3")
    assert len(rows) == 3
    assert (rows[0]["framework"], rows[0]["ref"]) == ("gdpr", "Article 32(1)(b)")
    assert rows[0]["links"] >= rows[1]["links"] >= rows[2]["links"]
    with_inferred = report(analyst, neo4j_demo, "most-linked-provisions", "limit=1", "include_inferred=true")
    assert with_inferred[0]["links"] > rows[0]["links"]


def test_vendors_whose_models_feed_high_risk_systems(analyst: Cli, neo4j_demo: DemoDatabase) -> None:
    rows = report(analyst, neo4j_demo, "vendors-feeding-high-risk")
    assert rows == [
        {
            "vendor": "cloud-provider",
            "name": "Cloud infrastructure provider (EU regions)",
            "systems": ["credit-system"],
            "models": ["credit-model"],
        }
    ]


def test_inferred_and_asserted_mapping_counts_per_framework_pair(
    analyst: Cli, neo4j_demo: DemoDatabase, bundled: Service
) -> None:
    rows = {(r["source"], r["target"]): r for r in report(analyst, neo4j_demo, "mapping-counts-by-framework-pair")}
    answers = bundled.answers()
    asserted = answers.crosswalks.crosswalk("iso42001", "iso27001")
    inferred = answers.crosswalks.crosswalk("eu-ai-act", "iso42001", include_inferred=True)
    assert rows[("iso42001", "iso27001")]["asserted"] == sum(1 for v in asserted if not v.inverted and v.target)
    assert rows[("eu-ai-act", "iso42001")] == {
        "source": "eu-ai-act",
        "target": "iso42001",
        "asserted": 0,
        "inferred": sum(1 for v in inferred if v.inferred and v.target),
    }


def test_excluded_controls_and_status_counts(analyst: Cli, neo4j_demo: DemoDatabase) -> None:
    excluded = report(analyst, neo4j_demo, "excluded-controls")
    assert [(r["framework"], r["control"]) for r in excluded] == [("iso27001", "A.7.12"), ("iso27001", "A.8.30")]
    assert excluded[0]["justification"].startswith("No Northwind-owned cabling")
    status = {r["framework"]: r for r in report(analyst, neo4j_demo, "control-status-by-framework")}
    assert status["iso27001"] == {
        "framework": "iso27001",
        "controls": 93,
        "implemented": 84,
        "partial": 5,
        "planned": 2,
        "excluded": 2,
    }
    assert status["iso42001"]["controls"] == 38 and status["iso42001"]["planned"] == 2


def test_unmapped_provisions_count_their_parts_mappings(analyst: Cli, neo4j_demo: DemoDatabase) -> None:
    refs = [r["ref"] for r in report(analyst, neo4j_demo, "unmapped-provisions")]
    assert "Article 9" not in refs  # its paragraphs are mapped
    assert "Article 7" in refs and "Article 111" in refs
    gdpr = [r["ref"] for r in report(analyst, neo4j_demo, "unmapped-provisions", "framework=gdpr")]
    assert "Article 8" in gdpr and "Article 35" not in gdpr


def test_an_assets_dependencies_and_transfers_outside_the_eea(analyst: Cli, neo4j_demo: DemoDatabase) -> None:
    rows = report(analyst, neo4j_demo, "asset-dependencies", "asset=credit-system")
    assert [(r["asset"], r["kind"], r["distance"]) for r in rows] == [
        ("cloud-provider", "Vendor", 1),
        ("credit-model", "Model", 1),
        ("loan-history", "Dataset", 2),
    ]
    assert [
        r["asset"] for r in report(analyst, neo4j_demo, "asset-dependencies", "asset=credit-system", "depth=1")
    ] == [
        "cloud-provider",
        "credit-model",
    ]
    transfers = {r["asset"]: r for r in report(analyst, neo4j_demo, "transfers-outside-eea")}
    assert sorted(transfers) == ["gpai-model", "gpai-vendor", "support-chatbot"]
    assert sorted(transfers["support-chatbot"]["vendors"]) == ["cloud-provider", "gpai-vendor"]
    assert transfers["support-chatbot"]["evidence"] == ["ev-gpai-transfer-tia (Article 46, valid until 2026-12-15)"]


def test_upcoming_obligations_by_the_day_they_apply(analyst: Cli, neo4j_demo: DemoDatabase) -> None:
    rows = report(analyst, neo4j_demo, "upcoming-obligations")
    assert rows and all(r["framework"] == "eu-ai-act" for r in rows)
    days = [r["appliesFrom"] for r in rows]
    assert days == sorted(days) and min(days) > DEMO_DAY.isoformat()
    [article9] = [r for r in rows if r["ref"] == "Article 9"]
    assert sorted(article9["assets"]) == ["credit-system"]  # the AI Act classifies systems, not models


def _article(ref: str) -> str | None:
    match = re.match(r"^Article \d+", ref)
    return match.group() if match else None


def test_the_provisions_reaching_most_articles_agree_with_the_crosswalk(
    analyst: Cli, neo4j_demo: DemoDatabase, bundled: Service
) -> None:
    expected: dict[str, set[str]] = defaultdict(set)
    for mapping in bundled.answers().crosswalks.crosswalk("iso27001", "eu-ai-act"):
        article = _article(mapping.target.ref) if mapping.target is not None else None
        if article:
            expected[mapping.source.ref].add(article)
    rows = report(analyst, neo4j_demo, "provisions-reaching-most-articles", "limit=1000")
    assert {r["ref"]: set(r["articles"]) for r in rows} == expected
    assert all(r["reach"] == len(r["articles"]) for r in rows)
    assert [r["reach"] for r in rows] == sorted((r["reach"] for r in rows), reverse=True)
    top = report(analyst, neo4j_demo, "provisions-reaching-most-articles", "limit=1")
    assert top[0]["reach"] == max(len(v) for v in expected.values())
    gdpr = report(analyst, neo4j_demo, "provisions-reaching-most-articles", "target=gdpr", "limit=3")
    assert gdpr and all(a.startswith("Article ") for r in gdpr for a in r["articles"])


def test_the_mapping_path_from_a_nist_subcategory_to_an_ai_act_article_is_the_inferred_mappings_path(
    analyst: Cli, neo4j_demo: DemoDatabase, bundled: Service
) -> None:
    inferred = [
        m
        for m in bundled.answers().crosswalks.crosswalk("nist-ai-rmf", "eu-ai-act", include_inferred=True)
        if m.inferred and m.target is not None and len(m.path) == 3
    ]
    assert inferred, "the demo graph has two-hop inferred mappings from the AI RMF to the AI Act"
    chosen = inferred[0]
    assert chosen.target is not None
    rows = report(
        analyst, neo4j_demo, "mapping-path", f"from_ref={chosen.source.ref}", f"to_ref={chosen.target.ref}",
        "max_hops=2",
    )  # fmt: skip
    expected = [f"{p.framework}:{p.ref}" for p in chosen.path]
    assert expected in [r["steps"] for r in rows]
    assert all(r["hops"] <= 2 and len(r["steps"]) == r["hops"] + 1 for r in rows)
    assert all(len(set(r["steps"])) == len(r["steps"]) for r in rows)  # no provision twice
    assert all(r["weakest"] == min(r["strengths"]) for r in rows)
    direct = report(analyst, neo4j_demo, "mapping-path", f"from_ref={chosen.source.ref}",
                    f"to_ref={chosen.target.ref}", "max_hops=1")  # fmt: skip
    assert all(r["hops"] == 1 for r in direct)


def test_obligations_starting_in_a_window_are_the_engines_with_dates_inside_it(
    analyst: Cli, neo4j_demo: DemoDatabase, bundled: Service
) -> None:
    after, until = dt.date(2026, 12, 1), dt.date(2027, 12, 31)
    answers = bundled.answers()
    expected: dict[tuple[str, str], set[str]] = defaultdict(set)
    for asset in answers.organisation.assets():
        for o in answers.organisation.obligations(asset.id, as_of=DEMO_DAY).obligations:
            start = o.dates.applies_from
            if not o.voluntary and start is not None and after < start <= until:
                expected[(o.provision.framework, o.provision.ref)].add(asset.id)
    rows = report(analyst, neo4j_demo, "obligations-starting-between", f"after={after}", f"until={until}")
    assert expected and {(r["framework"], r["ref"]): set(r["assets"]) for r in rows} == expected
    days = [r["appliesFrom"] for r in rows]
    assert days == sorted(days) and all(after.isoformat() < d <= until.isoformat() for d in days)
    gdpr = report(analyst, neo4j_demo, "obligations-starting-between", f"after={after}", f"until={until}",
                  "framework=gdpr")  # fmt: skip
    assert gdpr == []  # the GDPR has applied since 2018


def test_every_bundled_report_is_tested_here() -> None:
    tested = {
        "annex-a-not-covered-by-27001", "high-risk-without-impact-assessment", "gaps-by-owner", "evidence-expiring",
        "assets-touching-provision", "most-linked-provisions", "vendors-feeding-high-risk",
        "mapping-counts-by-framework-pair", "excluded-controls", "control-status-by-framework",
        "unmapped-provisions", "asset-dependencies", "transfers-outside-eea", "upcoming-obligations",
        "provisions-reaching-most-articles", "mapping-path", "obligations-starting-between", "coverage",
        "high-risk-without-valid-evidence",
    }  # fmt: skip
    assert set(library()) == tested


# -- refusals ---------------------------------------------------------------------------------------------------
def one_line_error(result: Any) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return str(lines[0])


def test_a_report_file_that_would_write_is_refused_and_the_database_is_unchanged(
    analyst: Cli, neo4j_demo: DemoDatabase, tmp_path: Path
) -> None:
    store = neo4j_demo.open()
    revision, count = store.revision, store.query("MATCH (n) RETURN count(n) AS n")
    sneaky = tmp_path / "sneaky.cypher"
    sneaky.write_text(
        "// Which frameworks are there? (The comment says 'read only'.)\n"
        "MATCH (f:Framework) WHERE f.name <> 'MERGE' // SET in a comment is fine\n"
        "WITH f LIMIT 1 SET f.name = 'pwned' RETURN f.name AS name\n"
    )
    result = analyst.run("report", str(sneaky), "--uri", neo4j_demo.server.uri, "--json")
    assert "contains SET" in one_line_error(result) and result.stdout == ""
    assert store.revision == revision and store.query("MATCH (n) RETURN count(n) AS n") == count
    assert store.query("MATCH (f:Framework {name: 'pwned'}) RETURN count(f) AS n") == [{"n": 0}]
    store.close()


def test_a_read_only_report_file_runs(analyst: Cli, neo4j_demo: DemoDatabase, tmp_path: Path) -> None:
    mine = tmp_path / "frameworks.cypher"
    mine.write_text("// Which frameworks are there?\nMATCH (f:Framework) RETURN f.id AS id ORDER BY id\n")
    rows = analyst.json("report", str(mine), "--uri", neo4j_demo.server.uri)
    assert [r["id"] for r in rows] == ["eu-ai-act", "gdpr", "iso27001", "iso42001", "nist-ai-600-1", "nist-ai-rmf"]


def test_a_report_the_server_cannot_run_is_one_line(analyst: Cli, neo4j_demo: DemoDatabase, tmp_path: Path) -> None:
    broken = tmp_path / "broken.cypher"
    broken.write_text("// Which frameworks are there?\nMATCH (f:Framework RETURN f\n")
    result = analyst.run("report", str(broken), "--uri", neo4j_demo.server.uri)
    assert "refused the statement" in one_line_error(result)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nosuch"], "unknown report 'nosuch'; known: annex-a-not-covered-by-27001, asset-dependencies"),
        (["asset-dependencies"], "report asset-dependencies needs --param asset=<string>"),
        (["evidence-expiring", "--param", "days=soon"], "parameter days must be an integer, not 'soon'"),
        (["evidence-expiring", "--param", "as_of=29/11/2026"], "parameter as_of must be a date (YYYY-MM-DD)"),
        (["evidence-expiring", "--param", "weeks=2"], "report evidence-expiring has no parameter 'weeks'"),
        (["evidence-expiring", "--param", "days"], "--param takes name=value, not 'days'"),
    ],
)
def test_bad_report_requests_fail_in_one_line(
    analyst: Cli, neo4j_demo: DemoDatabase, args: list[str], message: str
) -> None:
    assert message in one_line_error(analyst.run("report", *args, "--uri", neo4j_demo.server.uri))


def test_a_report_runs_on_the_configured_neo4j_store_without_uri(analyst: Cli, neo4j_demo: DemoDatabase) -> None:
    result = analyst.run("report", "excluded-controls", "--json", env={"AIMSGRAPH_STORE": neo4j_demo.server.uri})
    assert result.returncode == 0 and '"control": "A.7.12"' in result.stdout


def test_a_report_needs_a_neo4j_store(cli: Cli) -> None:
    result = cli.run("report", "gaps-by-owner")
    assert "reports run on a Neo4j store" in one_line_error(result)


def test_the_list_names_every_report_with_its_parameters(analyst: Cli) -> None:
    listed = analyst.json("report", "--list")
    by_name = {r["name"]: r for r in listed}
    assert len(by_name) >= 12
    assert by_name["evidence-expiring"]["params"] == [
        {"name": "days", "type": "int", "default": 30, "required": False, "doc": "the window, in days from the day"},
        {
            "name": "as_of",
            "type": "date",
            "default": None,
            "required": False,
            "doc": "the day the window starts (null: today)",
        },
    ]
    assert by_name["asset-dependencies"]["params"][0]["required"] is True
