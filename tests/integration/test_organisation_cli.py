"""The organisation commands as GRC tools and users run them: assets, obligations, gaps, the SoA, the schema."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import Cli

pytestmark = pytest.mark.integration
SCHEMA = Path(__file__).parent.parent.parent / "docs" / "inventory.schema.json"


def test_assets_lists_the_contract_fields(seeded_cli: Cli) -> None:
    rows = seeded_cli.json("assets")
    assert set(rows[0]) >= {"id", "kind", "name", "owner", "roles", "facts", "uses"}
    model = next(r for r in rows if r["id"] == "credit-model")
    assert model["kind"] == "model" and "provider" in model["roles"] and "loan-history" in model["uses"]


def test_obligations_json_says_who_why_from_when_and_with_what_evidence(seeded_cli: Cli) -> None:
    rows = seeded_cli.json("obligations", "credit-system", "--framework", "eu-ai-act", "--as-of", "2026-11-29")
    article_9 = next(r for r in rows if r["ref"] == "Article 9")
    assert set(article_9) >= {"framework", "ref", "title", "addressee", "reasons", "evidence", "status"}
    assert article_9["addressee"] == "provider" and article_9["status"] == "expired"
    assert article_9["reasons"][0]["rule"] == "high-risk-provider-annex-iii"
    assert article_9["appliesFrom"] == "2027-12-02" and article_9["amended"] is True
    assert article_9["evidence"][0]["status"] == "expired"
    assert {r["framework"] for r in rows} == {"eu-ai-act"}


def test_obligations_lists_soa_exclusions_with_their_justification(seeded_cli: Cli) -> None:
    rows = seeded_cli.json("obligations", "credit-system", "--framework", "iso27001")
    excluded = [r for r in rows if r["status"] == "excluded"]
    assert {r["ref"] for r in excluded} == {"A.7.12", "A.8.30"} and all(r["justification"] for r in excluded)
    human = seeded_cli.run("obligations", "support-chatbot", "--framework", "eu-ai-act", check=True).stdout
    assert "Article 50(1)" in human and "evidence" in human


def test_gaps_are_grouped_by_owner(seeded_cli: Cli) -> None:
    gaps = seeded_cli.json("gaps", "--as-of", "2026-11-29")
    assert gaps and all(isinstance(rows, list) for rows in gaps.values())
    risk = [g for owner, rows in gaps.items() for g in rows if "credit-system" in g["assets"]]
    article_9 = next(g for g in risk if g["ref"] == "Article 9" and g["framework"] == "eu-ai-act")
    assert article_9["status"] == "expired" and article_9["inForce"] is False and article_9["expiredEvidence"]
    # each asset's own status: the gap's is the worst of them
    for gap in (g for rows in gaps.values() for g in rows):
        assert list(gap["assetStatuses"]) == gap["assets"]
        worst = "missing" if "missing" in gap["assetStatuses"].values() else "expired"
        assert gap["status"] == worst


@pytest.mark.parametrize("fmt", ["csv", "json", "md"])
def test_the_soa_exports_every_annex_a_control(seeded_cli: Cli, fmt: str) -> None:
    text = seeded_cli.run("soa", "--format", fmt, check=True).stdout
    if fmt == "csv":
        controls = [row["control"] for row in csv.DictReader(io.StringIO(text))]
    elif fmt == "json":
        controls = [row["control"] for row in json.loads(text)]
    else:
        controls = [line.split("|")[1].strip() for line in text.splitlines() if line.startswith("| A.")]
    assert len(controls) == 38 and controls[0] == "A.2.2"


def test_unknown_asset_and_organisation_are_one_line_errors(seeded_cli: Cli) -> None:
    result = seeded_cli.run("obligations", "nope")
    assert result.returncode == 1 and "unknown asset 'nope'" in result.stderr and "credit-model" in result.stderr
    result = seeded_cli.run("assets", "--org", "nobody")
    assert result.returncode == 1 and "unknown organisation 'nobody'" in result.stderr


def test_a_duty_on_a_fact_the_inventory_leaves_open_is_answered_applies_if(seeded_cli: Cli) -> None:
    example = Path(__file__).parent.parent.parent / "examples" / "rivermouth-council.yaml"
    seeded_cli.run("load", str(example), check=True)
    args = ("obligations", "benefits-triage", "--org", "rivermouth", "--as-of", "2026-12-07")
    rows = {r["ref"]: r for r in seeded_cli.json(*args, "--framework", "gdpr")}
    assert rows["Article 13"]["conditional"] and rows["Article 13"]["conditions"] == ["data_from_data_subject = yes"]
    assert rows["Article 14"]["conditions"] == ["data_from_data_subject = no"]
    assert rows["Article 9"]["conditional"] is False and rows["Article 9"]["reasons"][0]["basis"]
    ai_act = {r["ref"]: r for r in seeded_cli.json(*args, "--framework", "eu-ai-act")}
    assert {"Article 26(8)", "Article 49(3)", "Article 27", "Article 86"} <= set(ai_act)
    assert ai_act["Article 4"]["amendedBy"] == "digital-omnibus-ai" and ai_act["Article 4"]["uncertainty"]
    human = seeded_cli.run(*args, "--framework", "gdpr", check=True).stdout
    assert "applies if data_from_data_subject = yes" in human
    gaps = seeded_cli.json("gaps", "--org", "rivermouth", "--as-of", "2026-12-07")
    rows_13 = [g for g in gaps["social-services"] if g["ref"] == "Article 13"]
    assert rows_13 and rows_13[0]["conditions"] == ["data_from_data_subject = yes"]
    assert not [g for found in gaps.values() for g in found if g["framework"].startswith("iso")]
    chatbot = {
        r["ref"]: r for r in seeded_cli.json(*args[:1], "council-assistant", *args[2:], "--framework", "eu-ai-act")
    }
    assert chatbot["Article 50(2)"]["dateNote"].startswith("if placed_on_market is before 2026-08-02")


def test_the_committed_json_schema_matches_the_models(seeded_cli: Cli) -> None:
    generated = json.loads(seeded_cli.run("schema", "inventory", check=True).stdout)
    assert generated == json.loads(SCHEMA.read_text()), (
        "regenerate: aimsgraph schema inventory > docs/inventory.schema.json"
    )


def test_coverage_for_an_organisation_marks_verdicts_on_expired_evidence(seeded_cli: Cli) -> None:
    result = seeded_cli.json("coverage", "--have", "iso27001", "--want", "iso42001", "--org", "northwind")
    assert len(result["reusable"]) == 19
    flagged = [v["ref"] for status in ("covered", "reusable", "partial") for v in result[status] if v["restsOnExpired"]]
    assert flagged  # whatever expired by today, the flag reaches the JSON and the table
    table = seeded_cli.run("coverage", "--have", "iso27001", "--want", "iso42001", "--org", "northwind", check=True)
    assert "(expired evidence)" in table.stdout
