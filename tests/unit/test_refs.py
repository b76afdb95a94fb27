"""Refs resolve as people type them."""

from __future__ import annotations

import pytest

from core.errors import NotFoundError
from graph.service import Service


@pytest.mark.parametrize(
    ("framework", "typed", "canonical"),
    [
        ("eu-ai-act", "Article 9(2)", "Article 9(2)"),
        ("eu-ai-act", "Art. 9(2)", "Article 9(2)"),
        ("eu-ai-act", "article 9 (2)", "Article 9(2)"),
        ("eu-ai-act", "ART 9(2)(A)", "Article 9(2)(a)"),
        ("eu-ai-act", "9(2)", "Article 9(2)"),
        ("eu-ai-act", "annex iii(5)(b)", "Annex III(5)(b)"),
        ("eu-ai-act", "chapter iii section 2", "Chapter III Section 2"),
        ("gdpr", "art 35", "Article 35"),
        ("iso27001", "a.5.1", "A.5.1"),
        ("iso42001", "A.6.2.4", "A.6.2.4"),
        ("iso42001", "clause 6.1.2", "6.1.2"),
        ("nist-ai-rmf", "govern 1.1", "GOVERN 1.1"),
        ("nist-ai-rmf", "Govern1.1", "GOVERN 1.1"),
        ("ISO42001", "4.1", "4.1"),
    ],
)
def test_refs_resolve_leniently(bundled: Service, framework: str, typed: str, canonical: str) -> None:
    assert bundled.answers().catalog.provision(framework, typed).ref == canonical


def test_unknown_ref_names_what_was_asked_and_suggests_a_search(bundled: Service) -> None:
    with pytest.raises(NotFoundError) as caught:
        bundled.answers().catalog.provision("gdpr", "Article 100")
    assert "gdpr Article 100" in str(caught.value) and "search for it" in str(caught.value)
    assert "aimsgraph" not in str(caught.value)  # the service speaks to GraphQL clients too, not only the CLI


def test_unknown_framework_lists_the_known_ones(bundled: Service) -> None:
    with pytest.raises(NotFoundError) as caught:
        bundled.answers().catalog.provisions("iso9001")
    assert "iso42001" in str(caught.value)


def test_search_ranks_ref_matches_first_then_titles(bundled: Service) -> None:
    assert bundled.answers().catalog.search("A.5.1")[0].ref == "A.5.1"
    results = bundled.answers().catalog.search("impact assessment", "iso42001")
    assert results[0].title and "impact assessment" in results[0].title.lower()
    assert {"6.1.4", "8.4"} <= {r.ref for r in results}
    assert bundled.answers().catalog.search("   ") == []


def test_provision_children_are_in_document_order(bundled: Service) -> None:
    children = bundled.answers().catalog.children(bundled.answers().catalog.provision("iso42001", "A.6.2"))
    assert [c.ref for c in children] == [f"A.6.2.{n}" for n in range(2, 9)]
