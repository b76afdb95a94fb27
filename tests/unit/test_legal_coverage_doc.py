"""docs/legal-coverage.md names, for each finding of the legal review, the rule and the legal-table cases that
prove it; every case it names must exist and test the rule named in its id, so the page cannot drift from the
tests (a case renumbered or removed fails here)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "legal-coverage.md"
CASES = ROOT / "tests" / "fixtures" / "legal_cases"
RULES = ROOT / "ontology" / "applicability"


def _case_ids() -> set[str]:
    found = set()
    for path in sorted(CASES.glob("*.yaml")):
        for index, case in enumerate(yaml.safe_load(path.read_text())["cases"]):
            found.add(f"{path.stem}-{index:03d}-{case['rule']}")
    return found


def test_every_case_the_coverage_page_cites_exists() -> None:
    cited = set(re.findall(r"`((?:eu-ai-act|gdpr|management-systems)-\d{3}-[a-z0-9-]+)`", DOC.read_text()))
    assert len(cited) > 100
    assert not cited - _case_ids(), f"cases the page cites that the table does not hold: {sorted(cited - _case_ids())}"


def test_every_rule_the_coverage_page_names_exists() -> None:
    rules = {r["id"] for path in RULES.glob("*.yaml") for r in yaml.safe_load(path.read_text())["applicability"]}
    named = set(re.findall(r"`([a-z0-9]+(?:-[a-z0-9]+)+)`", DOC.read_text())) - _case_ids()
    named = {n for n in named if not re.match(r"(eu-ai-act|gdpr|management-systems)-\d{3}-", n)}
    assert not named - rules, f"rules the page names that no file holds: {sorted(named - rules)}"
