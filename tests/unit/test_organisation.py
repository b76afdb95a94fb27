"""The bundled demo organisation: the engine's answers are right and say why (facts, roles, rules, evidence)."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.service import Service
from graph.views.read import AssetObligations

TODAY = dt.date(2026, 11, 29)


def refs(found: AssetObligations, framework: str) -> set[str]:
    return {o.provision.ref for o in found.obligations if o.provision.framework == framework}


def test_the_demo_organisation_is_loaded_with_its_assets(bundled: Service) -> None:
    org = bundled.answers().organisation
    assert org.organisation().name == "Northwind Credit"
    kinds = {a.id: a.kind for a in org.assets()}
    assert kinds["credit-model"] == "model" and kinds["support-chatbot"] == "ai_system" and len(kinds) == 19


def test_the_credit_system_as_provider_gets_the_high_risk_duties_and_gdpr_22_and_35(bundled: Service) -> None:
    found = bundled.answers().organisation.obligations("credit-system", as_of=TODAY)
    assert {f"Article {n}" for n in (9, 10, 11, 12, 13, 14, 15, 17)} <= refs(found, "eu-ai-act")
    assert {"Article 22", "Article 35(1)"} <= refs(found, "gdpr")
    article_9 = next(o for o in found.obligations if o.provision.ref == "Article 9")
    assert article_9.addressee == "provider"
    (reason,) = article_9.reasons
    assert reason.rule == "high-risk-provider-annex-iii" and reason.annex_iii == ("5(b)",)


def test_a_reason_names_the_rule_role_and_facts_that_met_it(bundled: Service) -> None:
    found = bundled.answers().organisation.obligations("credit-system", as_of=TODAY, frameworks=["gdpr"])
    article_22 = next(o for o in found.obligations if o.provision.ref == "Article 22")
    (reason,) = article_22.reasons
    assert (reason.rule, reason.role) == ("automated-decisions", "controller")
    assert reason.facts == ("personal_data", "automated_decisions")


def test_the_chatbot_gets_the_transparency_duties_of_article_50(bundled: Service) -> None:
    found = bundled.answers().organisation.obligations("support-chatbot", as_of=TODAY)
    assert {"Article 50(1)", "Article 50(2)"} <= refs(found, "eu-ai-act")
    assert not {f"Article {n}" for n in range(8, 18)} & refs(found, "eu-ai-act")  # not high-risk


def test_the_generative_ai_profile_is_offered_to_a_generative_system_as_voluntary_guidance(bundled: Service) -> None:
    org = bundled.answers().organisation
    chatbot = org.obligations("support-chatbot", as_of=TODAY, frameworks=["nist-ai-600-1"])
    assert len(refs(chatbot, "nist-ai-600-1")) == 212 and {"GV-1.1-001", "MG-3.2-005"} <= refs(chatbot, "nist-ai-600-1")
    assert all(o.voluntary and o.addressee == "provider" for o in chatbot.obligations)
    assert {r.rule for o in chatbot.obligations for r in o.reasons} == {"gai-system-actions"}
    assert not refs(org.obligations("credit-model", as_of=TODAY), "nist-ai-600-1")  # it generates nothing
    assert not any(g.provision.framework == "nist-ai-600-1" for g in org.gaps(as_of=TODAY))  # guidance, never a gap


def test_a_deployer_of_an_annex_iii_system_gets_article_26_but_not_16(bundled: Service) -> None:
    found = bundled.answers().organisation.obligations("cv-screening", as_of=TODAY)
    assert "Article 26" in refs(found, "eu-ai-act") and "Article 16" not in refs(found, "eu-ai-act")
    article_26 = next(o for o in found.obligations if o.provision.ref == "Article 26")
    assert article_26.addressee == "deployer"


def test_minimal_risk_gets_only_what_applies_to_all(bundled: Service) -> None:
    found = bundled.answers().organisation.obligations("code-assistant", as_of=TODAY, frameworks=["eu-ai-act"])
    assert refs(found, "eu-ai-act") == {"Article 4", "Article 5"}


def test_an_soa_exclusion_removes_the_control_and_shows_why(bundled: Service) -> None:
    found = bundled.answers().organisation.obligations("credit-system", as_of=TODAY, frameworks=["iso27001"])
    excluded = {e.provision.ref: e.justification for e in found.excluded}
    assert excluded.get("A.7.12")
    assert "A.7.12" not in refs(found, "iso27001") and "A.8.24" in refs(found, "iso27001")


def test_expired_evidence_shows_as_expired_and_makes_a_gap(bundled: Service) -> None:
    org = bundled.answers().organisation
    found = org.obligations("credit-system", as_of=TODAY, frameworks=["eu-ai-act"])
    article_9 = next(o for o in found.obligations if o.provision.ref == "Article 9")
    assert article_9.status == "expired" and [m.status for m in article_9.evidence] == ["expired"]
    gap = next(g for g in org.gaps(as_of=TODAY) if g.provision.ref == "Article 9" and "credit-system" in g.assets)
    assert gap.status == "expired" and gap.owner == org.asset("credit-system").owner
    assert not gap.in_force  # as amended, Annex III duties apply from 2 Dec 2027: a gap to close in time


def test_an_obligation_not_yet_in_force_says_from_when(bundled: Service) -> None:
    org = bundled.answers().organisation
    before = org.obligations("credit-system", as_of=dt.date(2026, 7, 1), frameworks=["eu-ai-act"])
    now = org.obligations("credit-system", as_of=TODAY, frameworks=["eu-ai-act"])
    dates_then = {o.provision.ref: o.dates.applies_from for o in before.obligations}
    dates_now = {o.provision.ref: o.dates for o in now.obligations}
    assert dates_then["Article 9"] == dt.date(2026, 8, 2)
    assert dates_now["Article 9"].applies_from == dt.date(2027, 12, 2) and dates_now["Article 9"].amended


def test_the_statement_of_applicability_lists_every_annex_a_control(bundled: Service) -> None:
    rows = bundled.answers().organisation.statement_of_applicability(as_of=TODAY)
    assert len(rows) == 38 and all(r.status != "undecided" for r in rows)
    assert {r.evidence_status for r in rows} <= {"valid", "expiring", "expired", "missing"}


@pytest.mark.parametrize("unknown", ["no-such-asset"])
def test_an_unknown_asset_names_the_known_ones(bundled: Service, unknown: str) -> None:
    from core.errors import NotFoundError

    with pytest.raises(NotFoundError, match="credit-model"):
        bundled.answers().organisation.obligations(unknown)


def test_coverage_from_what_the_organisation_implements_flags_expired_evidence(bundled: Service) -> None:
    result = bundled.answers().organisation.coverage("iso42001", have="iso27001", as_of=TODAY)
    assert len(result.of("reusable")) == 19  # the ISMS's clauses carry over, as for the whole standard
    flagged = {v.unit.ref for v in result.verdicts if v.rests_on_expired}
    assert flagged == {"A.6.2.4"}  # every 27001 control behind it is evidenced only by expired items
    verdict = next(v for v in result.verdicts if v.unit.ref == "A.6.2.4")
    assert verdict.status == "partial" and verdict.because
    later = bundled.answers().organisation.coverage("iso42001", have="iso27001", as_of=dt.date(2025, 6, 1))
    assert not any(v.rests_on_expired for v in later.verdicts)  # before it expired, nothing is flagged


def test_the_demo_organisations_records_conform_to_the_shapes(bundled: Service) -> None:
    """Loads leave an organisation's records to their models; this keeps the models and the shapes in step."""
    from core.errors import IntegrityError

    try:
        ontology = bundled.answers().exports.graph("nt")  # SHACL over everything, organisation records included
    except IntegrityError as error:  # the message is the point when it fails
        raise AssertionError(f"the demo organisation breaks the shapes: {error}") from error
    assert "/org/northwind/asset/credit-model>" in ontology and "/org/northwind/evidence/" in ontology


def test_coverage_takes_implemented_refs_or_an_organisation_not_both(bundled: Service) -> None:
    from core.errors import UsageError

    with pytest.raises(UsageError, match="not both"):
        bundled.answers().organisation.coverage("iso42001", have="iso27001", have_refs=["A.5.1"])
