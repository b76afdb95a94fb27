"""The legal test table: for every applicability rule, organisations where the law assigns its duty and
organisations where it does not, each citing the article (cases as data in tests/fixtures/legal_cases/).

A case is one organisation with one asset (`subject`, plus any `others` it uses). What it checks, each against
the framework named (default the AI Act), as of `as_of` (default 2026-12-07):
- `applies`: the duty applies outright (not conditionally);
- `not_applies`: no binding duty (absent, or only voluntary guidance);
- `conditional`: the duty applies only if an open fact holds, and the answer says which (a substring);
- `voluntary` / `not_voluntary`: shown as guidance / as a binding duty;
- `dates`, `date_note`, `amended`, `not_amended`, `uncertain`, `reason_has`: the law in force and what it rests on;
- `no_gaps`: the organisation's gaps hold nothing of that framework.
Defaults for the organisation: established in the Union, not public, 250-999 staff, no management system.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from graph.service import Service
from graph.stores.embedded import EmbeddedStore
from graph.views.read import ObligationView
from ontology.resources import applicability_paths

CASES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "legal_cases"
DAY = dt.date(2026, 12, 7)
BASE_ORGANISATION = {
    "established_in_union": True,
    "public_body": False,
    "public_service_provider": False,
    "headcount_band": "250-999",
}


def _cases() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for index, case in enumerate(yaml.safe_load(path.read_text())["cases"]):
            found.append((f"{path.stem}-{index:03d}-{case['rule']}", case))
    return found


CASES = _cases()


def _rules() -> dict[str, dict[str, Any]]:
    rules = {}
    for path in applicability_paths():
        for rule in yaml.safe_load(path.read_text())["applicability"]:
            rules[rule["id"]] = rule
    return rules


def _inventory(case_id: str, case: dict[str, Any]) -> dict[str, Any]:
    organisation = {"id": case_id, "name": case_id, **BASE_ORGANISATION, **case.get("organisation", {})}
    subject = {"id": "subject", "name": "the asset under test", "owner": "legal", **case["asset"]}
    others = [{"name": other["id"], "owner": "legal", **other} for other in case.get("others", [])]
    return {"organisation": organisation, "assets": [subject, *others]}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The bundled law with every case's organisation loaded beside it, in one load."""
    folder = tmp_path_factory.mktemp("legal-cases")
    paths = []
    for case_id, case in CASES:
        path = folder / f"{case_id}.yaml"
        path.write_text(yaml.safe_dump(_inventory(case_id, case), sort_keys=False))
        paths.append(path)
    service = Service(EmbeddedStore.open(None))
    service.load(paths, include_bundled=True, replace=True)
    yield service
    service.close()


def _found(engine: Service, case_id: str, case: dict[str, Any]) -> dict[str, ObligationView]:
    day = case.get("as_of", DAY)
    found = engine.answers().organisation.obligations(
        "subject", org=case_id, frameworks=[case.get("framework", "eu-ai-act")], as_of=day
    )
    return {o.provision.ref: o for o in found.obligations}


@pytest.mark.parametrize(("case_id", "case"), CASES, ids=[c for c, _ in CASES])
def test_the_law_assigns_these_duties_and_no_others(engine: Service, case_id: str, case: dict[str, Any]) -> None:
    by_ref = _found(engine, case_id, case)
    cite = f"{case['cite']} ({case_id})"
    for ref in case.get("applies", ()):
        assert ref in by_ref, f"{ref} must apply: {cite}"
        assert not by_ref[ref].conditions, f"{ref} applies outright, not if {by_ref[ref].conditions}: {cite}"
    for ref in case.get("not_applies", ()):
        assert ref not in by_ref or by_ref[ref].voluntary, f"{ref} must not apply: {cite}"
    for ref, open_fact in case.get("conditional", {}).items():
        assert ref in by_ref, f"{ref} must be answered 'applies if': {cite}"
        said = " | ".join(by_ref[ref].conditions)
        assert open_fact in said, f"{ref} must apply only if {open_fact!r}, said {said!r}: {cite}"
    for ref in case.get("voluntary", ()):
        assert ref in by_ref and by_ref[ref].voluntary, f"{ref} is guidance, not a duty: {cite}"
    for ref in case.get("not_voluntary", ()):
        assert ref in by_ref and not by_ref[ref].voluntary, f"{ref} is a duty: {cite}"
    for ref, day in case.get("dates", {}).items():
        assert by_ref[ref].dates.applies_from == day, f"{ref} applies from {day}: {cite}"
    for ref, words in case.get("date_note", {}).items():
        assert words in (by_ref[ref].date_note or ""), f"{ref}'s date says {words!r}: {cite}"
    for ref, words in case.get("amended", {}).items():
        assert words in (by_ref[ref].content or ""), f"{ref} shows its amended content: {cite}"
        assert by_ref[ref].amended_by, f"{ref} cites the amending act: {cite}"
    for ref in case.get("not_amended", ()):
        assert by_ref[ref].content is None, f"{ref} as first published: {cite}"
    for ref in case.get("uncertain", ()):
        assert by_ref[ref].uncertainty, f"{ref} carries the uncertainty of the act it rests on: {cite}"
    for ref, words in case.get("reason_has", {}).items():
        assert any(words in r.reason for r in by_ref[ref].reasons), f"{ref}'s reason says {words!r}: {cite}"
    if "no_gaps" in case:
        gaps = engine.answers().organisation.gaps(case_id, as_of=case.get("as_of", DAY))
        assert not [g for g in gaps if g.provision.framework == case["no_gaps"]], f"guidance is never a gap: {cite}"
    rule = _rules()[case["rule"]]
    if not (rule.get("provisions") or rule.get("kinds")):
        return  # a derogation or a role shift: its effect is what the lists above check
    reasons = {r.rule for o in by_ref.values() for r in o.reasons}
    if _negative(case):
        assert case["rule"] not in reasons, f"rule {case['rule']} must not hold: {cite}"
    elif case.get("applies") or case.get("conditional") or case.get("voluntary"):
        named = [*case.get("applies", ()), *case.get("conditional", {}), *case.get("voluntary", ())]
        assert any(r.rule == case["rule"] for ref in named for r in by_ref[ref].reasons), f"rule {case['rule']}: {cite}"


def _negative(case: dict[str, Any]) -> bool:
    """A case showing its rule not holding (other duties may still apply)."""
    return bool(case.get("negative")) or bool(
        case.get("not_applies") and not (case.get("applies") or case.get("conditional") or case.get("voluntary"))
    )


def test_every_rule_has_a_case_where_it_applies_and_one_where_it_does_not() -> None:
    positive = {
        c["rule"]
        for _, c in CASES
        if not _negative(c) and (c.get("applies") or c.get("conditional") or c.get("voluntary"))
    }
    negative = {c["rule"] for _, c in CASES if _negative(c)}
    rules = set(_rules())
    assert not rules - positive, f"rules without a case where they apply: {sorted(rules - positive)}"
    assert not rules - negative, f"rules without a case where they do not apply: {sorted(rules - negative)}"
    assert all(c.get("cite") for _, c in CASES), "every case cites the article it rests on"


def test_every_rule_cites_its_article_and_gives_its_own_reason() -> None:
    rules = _rules()
    reasons = [r["reason"] for r in rules.values()]
    assert all(r.get("basis") for r in rules.values())
    repeated = {r for r in reasons if reasons.count(r) > 1}
    # the same duty reached by two routes (Annex I / Annex III) may share its words; nothing else does
    shared = {r["id"] for r in rules.values() if r["reason"] in repeated}
    assert shared <= {
        "importer-duties-annex-iii",
        "importer-duties-annex-i",
        "distributor-duties-annex-iii",
        "distributor-duties-annex-i",
        "becomes-provider",
        "becomes-provider-annex-i",
        "authorised-representative-annex-iii",
        "authorised-representative-annex-i",
    }


def test_outside_the_gdprs_territorial_scope_no_gdpr_duty_is_left() -> None:
    """Article 3: the derogation for an organisation outside the Union that neither offers to nor monitors people
    in it must take away every GDPR duty, so a rule added later cannot slip past it (Article 27's rules need the
    targeting themselves and are the only ones left out)."""
    rules = [
        r
        for path in applicability_paths()
        if path.stem == "gdpr"
        for r in yaml.safe_load(path.read_text())["applicability"]
    ]
    scope = next(r for r in rules if r["id"] == "outside-territorial-scope")
    duties = {r["id"] for r in rules if r.get("provisions") or r.get("kinds")}
    targeting = {r["id"] for r in rules if "targets_people_in_union" in r["when"].get("facts", ())}
    assert targeting == {"eu-representative", "eu-representative-sensitive-data", "eu-representative-occasional-risky"}
    assert set(scope["replaces"]) == duties - targeting
