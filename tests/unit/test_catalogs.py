"""The bundled catalogs are complete and well-formed: counts from the standards and laws, trees intact, titles right."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from graph.service import Service
from graph.views.read import ProvisionView


def refs(service: Service, framework: str, kind: str) -> list[str]:
    return [p.ref for p in service.answers().catalog.provisions(framework, kind)]


def test_all_six_frameworks_are_bundled(bundled: Service) -> None:
    assert [f.id for f in bundled.answers().catalog.frameworks()] == [
        "eu-ai-act",
        "gdpr",
        "iso27001",
        "iso42001",
        "nist-ai-600-1",
        "nist-ai-rmf",
    ]
    for framework in bundled.answers().catalog.frameworks():
        assert framework.source and framework.version and framework.issued.year >= 2016


@pytest.mark.parametrize("framework", ["eu-ai-act", "gdpr", "iso27001", "iso42001", "nist-ai-rmf", "nist-ai-600-1"])
def test_every_tree_is_intact(bundled: Service, framework: str) -> None:
    views = bundled.answers().catalog.provisions(framework)
    by_ref = {v.ref: v for v in views}
    assert len(by_ref) == len(views), "refs are unique"
    for view in views:
        if view.parent is not None:
            assert view.parent in by_ref, f"{view.ref} has a dangling parent"
            assert by_ref[view.parent].order < view.order, f"{view.ref} precedes its parent"
        if view.kind in {"control", "article", "subcategory", "paragraph", "point", "risk", "action"}:
            assert view.summary and len(view.summary.split()) >= 5, f"{view.ref} lacks a summary"
        if view.kind not in {"paragraph", "point", "action"}:
            assert view.title, f"{view.ref} lacks its title"


def test_iso42001_has_every_clause_objective_and_the_38_controls(bundled: Service) -> None:
    controls = refs(bundled, "iso42001", "control")
    assert len(controls) == 38
    assert controls[0] == "A.2.2" and controls[-1] == "A.10.4"
    assert {"A.6.1.2", "A.6.1.3", "A.6.2.8", "A.5.5"} <= set(controls)
    objectives = set(refs(bundled, "iso42001", "control_objective"))
    assert {"A.2", "A.3", "A.4", "A.5", "A.6", "A.6.1", "A.6.2", "A.7", "A.8", "A.9", "A.10"} == objectives
    clauses = set(refs(bundled, "iso42001", "clause"))
    expected = {"4", "5", "6", "7", "8", "9", "10", "4.1", "4.4", "6.1.1", "6.1.4", "7.5.3", "8.4", "9.2.2"}
    assert expected | {"9.3.3", "10.1", "10.2"} <= clauses
    assert {"Annex A", "Annex B", "Annex C", "Annex D"} == set(refs(bundled, "iso42001", "annex"))
    assert bundled.answers().catalog.provision("iso42001", "6.1.4").title == "AI system impact assessment"
    assert bundled.answers().catalog.provision("iso42001", "A.2").title == "Policies related to AI"


def test_iso27001_has_93_controls_in_four_themes(bundled: Service) -> None:
    controls = bundled.answers().catalog.provisions("iso27001", "control")
    per_theme = Counter(c.parent for c in controls)
    assert per_theme == {"A.5": 37, "A.6": 8, "A.7": 14, "A.8": 34}
    for theme, count in per_theme.items():
        numbers = [int(c.ref.rsplit(".", 1)[1]) for c in controls if c.parent == theme]
        assert numbers == list(range(1, count + 1))
    assert bundled.answers().catalog.provision("iso27001", "A.5.7").title == "Threat intelligence"
    assert bundled.answers().catalog.provision("iso27001", "A.8.28").title == "Secure coding"
    assert "6.3" in refs(bundled, "iso27001", "clause")


def test_nist_ai_rmf_has_4_functions_19_categories_72_subcategories(bundled: Service) -> None:
    assert refs(bundled, "nist-ai-rmf", "function") == ["GOVERN", "MAP", "MEASURE", "MANAGE"]
    categories = refs(bundled, "nist-ai-rmf", "category")
    assert len(categories) == 19
    subcategories = refs(bundled, "nist-ai-rmf", "subcategory")
    assert len(subcategories) == 72
    per_function = Counter(s.split()[0] for s in subcategories)
    assert per_function == {"GOVERN": 19, "MAP": 18, "MEASURE": 22, "MANAGE": 13}
    assert "MEASURE 2.13" in subcategories


def test_nist_ai_600_1_has_its_12_risks_and_212_suggested_actions_under_49_subcategories(bundled: Service) -> None:
    catalog = bundled.answers().catalog
    risks = catalog.provisions("nist-ai-600-1", "risk")
    assert [r.ref for r in risks] == [f"2.{n}" for n in range(1, 13)]
    assert risks[1].title == "Confabulation" and risks[11].title == "Value Chain and Component Integration"
    actions = refs(bundled, "nist-ai-600-1", "action")
    assert len(actions) == len(set(actions)) == 212
    assert Counter(a[:2] for a in actions) == {"GV": 58, "MP": 39, "MS": 72, "MG": 43}
    prefix = {"GV": "GOVERN", "MP": "MAP", "MS": "MEASURE", "MG": "MANAGE"}
    subcategories = set(refs(bundled, "nist-ai-rmf", "subcategory"))
    served = set()
    for action in actions:
        match = re.fullmatch(r"(GV|MP|MS|MG)-(\d+\.\d+)-(\d{3})", action)
        assert match, f"{action} is not written as NIST writes its action ids"
        served.add(f"{prefix[match.group(1)]} {match.group(2)}")
    assert len(served) == 49 and served <= subcategories
    assert {"GV-1.1-001", "GV-4.3-001", "MS-2.13-001", "MG-4.3-003"} <= set(actions)
    assert "GV-1.1-002" not in actions  # an example in the profile's text, not an action
    profile = next(f for f in catalog.frameworks() if f.id == "nist-ai-600-1")
    assert not profile.binding and profile.issued.isoformat() == "2024-07-26"


def test_eu_ai_act_has_113_articles_13_chapters_13_annexes(bundled: Service) -> None:
    articles = refs(bundled, "eu-ai-act", "article")
    assert articles == [f"Article {n}" for n in range(1, 114)]
    chapters = refs(bundled, "eu-ai-act", "chapter")
    assert len(chapters) == 13 and chapters[0] == "Chapter I" and chapters[-1] == "Chapter XIII"
    annexes = [r for r in refs(bundled, "eu-ai-act", "annex")]
    assert len(annexes) == 13 and annexes[2] == "Annex III"
    assert bundled.answers().catalog.provision("eu-ai-act", "Article 4").title == "AI literacy"
    assert bundled.answers().catalog.provision("eu-ai-act", "Article 27").title == (
        "Fundamental rights impact assessment for high-risk AI systems"
    )
    assert bundled.answers().catalog.provision("eu-ai-act", "Article 50").parent == "Chapter IV"
    assert bundled.answers().catalog.provision("eu-ai-act", "Article 9").parent == "Chapter III Section 2"


OBLIGATION_ARTICLES_AI_ACT = [5, 6, *range(9, 16), *range(17, 28), 43, 47, 48, 49, 50, 53, 54, 55, 72, 73]
OBLIGATION_ARTICLES_GDPR = [5, 6, 7, 9, 12, 13, 14, 15, 17, 18, 20, 21, 22, 24, 25, 26, 27, 28, 30]
OBLIGATION_ARTICLES_GDPR += [32, 33, 34, 35, 36, 37, 45, 46, 47, 49]


def children_of_kind(service: Service, framework: str, ref: str, kind: str) -> list[ProvisionView]:
    return [
        c
        for c in service.answers().catalog.children(service.answers().catalog.provision(framework, ref))
        if c.kind == kind
    ]


@pytest.mark.parametrize("number", OBLIGATION_ARTICLES_AI_ACT)
def test_ai_act_obligation_articles_have_paragraphs(bundled: Service, number: int) -> None:
    paragraphs = children_of_kind(bundled, "eu-ai-act", f"Article {number}", "paragraph")
    assert paragraphs, f"Article {number} has no paragraph nodes"
    assert paragraphs[0].ref == f"Article {number}(1)"
    assert all(re.fullmatch(rf"Article {number}\(\d+\)", p.ref) for p in paragraphs)


def test_ai_act_article_16_lists_provider_duties_as_points(bundled: Service) -> None:
    points = children_of_kind(bundled, "eu-ai-act", "Article 16", "point")
    assert len(points) >= 10 and all("provider" in p.addressees for p in points)


def test_annex_iii_has_its_eight_areas_and_the_demo_use_cases(bundled: Service) -> None:
    areas = children_of_kind(bundled, "eu-ai-act", "Annex III", "point")
    assert [a.ref for a in areas] == [f"Annex III({n})" for n in range(1, 9)]
    assert "credit" in (bundled.answers().catalog.provision("eu-ai-act", "Annex III(5)(b)").summary or "").lower()
    assert "recruit" in (bundled.answers().catalog.provision("eu-ai-act", "Annex III(4)(a)").summary or "").lower()


def test_ai_act_application_dates_follow_article_113(bundled: Service) -> None:
    date_of = {p.ref: p.applies_from for p in bundled.answers().catalog.provisions("eu-ai-act")}
    assert str(date_of["Article 5"]) == "2025-02-02"
    assert str(date_of["Article 53"]) == "2025-08-02"
    assert str(date_of["Article 26"]) == "2026-08-02"
    assert str(date_of["Article 6(1)"]) == "2027-08-02"


def test_gdpr_has_99_articles_in_11_chapters(bundled: Service) -> None:
    assert refs(bundled, "gdpr", "article") == [f"Article {n}" for n in range(1, 100)]
    chapters = refs(bundled, "gdpr", "chapter")
    assert len(chapters) == 11 and chapters[-1] == "Chapter XI"
    assert bundled.answers().catalog.provision("gdpr", "Article 35").title == "Data protection impact assessment"
    assert (
        bundled.answers().catalog.provision("gdpr", "Article 22").title
        == "Automated individual decision-making, including profiling"
    )
    assert "processor" in bundled.answers().catalog.provision("gdpr", "Article 30(2)").addressees


@pytest.mark.parametrize("number", OBLIGATION_ARTICLES_GDPR)
def test_gdpr_obligation_articles_have_paragraphs(bundled: Service, number: int) -> None:
    paragraphs = children_of_kind(bundled, "gdpr", f"Article {number}", "paragraph")
    assert paragraphs and paragraphs[0].ref == f"Article {number}(1)"


def test_summaries_are_our_own_short_text(bundled: Service) -> None:
    for framework in bundled.answers().catalog.frameworks():
        for view in bundled.answers().catalog.provisions(framework.id):
            if view.summary:
                assert len(view.summary.split()) <= 80, f"{view.ref}: summaries are short, not source text"


def test_the_ai_act_defines_68_terms_and_the_gdpr_26_each_a_glossary_node(bundled: Service) -> None:
    catalog = bundled.answers().catalog
    act = catalog.provisions("eu-ai-act", kind="definition")
    assert [d.ref for d in act] == [f"Article 3({n})" for n in range(1, 69)]
    assert catalog.provision("eu-ai-act", "Article 3(1)").title == "AI system"
    assert catalog.provision("eu-ai-act", "Article 3(63)").title == "general-purpose AI model"
    gdpr = catalog.provisions("gdpr", kind="definition")
    assert [d.ref for d in gdpr] == [f"Article 4({n})" for n in range(1, 27)]
    assert catalog.provision("gdpr", "Article 4(1)").title == "personal data"
    assert all(d.title and d.summary for d in act + gdpr)


def test_annex_iv_lists_the_nine_documentation_items_so_evidence_can_name_one(bundled: Service) -> None:
    catalog = bundled.answers().catalog
    items = [c.ref for c in catalog.children(catalog.provision("eu-ai-act", "Annex IV"))]
    assert items == [f"Annex IV({n})" for n in range(1, 10)]
    assert [c.ref for c in catalog.children(catalog.provision("eu-ai-act", "Annex IV(2)"))] == [
        f"Annex IV(2)({x})" for x in "abcdefgh"
    ]


def test_a_definition_links_to_the_provisions_that_turn_on_it(bundled: Service) -> None:
    serious_incident = bundled.answers().catalog.provision("eu-ai-act", "Article 3(49)")
    assert serious_incident.title == "serious incident" and "Article 73" in serious_incident.used_in
