"""The curated mapping sets: each covers its source completely, and every mapping says why and who."""

from __future__ import annotations

from collections import Counter

import pytest

from graph.service import Service

PAIRS = [
    ("iso42001-iso27001", "iso42001", "iso27001"),
    ("iso42001-eu-ai-act", "iso42001", "eu-ai-act"),
    ("nist-ai-rmf-iso42001", "nist-ai-rmf", "iso42001"),
    ("iso42001-gdpr", "iso42001", "gdpr"),
    ("nist-ai-rmf-eu-ai-act", "nist-ai-rmf", "eu-ai-act"),
]


@pytest.mark.parametrize(("set_id", "source", "target"), PAIRS)
def test_each_set_covers_its_source_completely(bundled: Service, set_id: str, source: str, target: str) -> None:
    found = bundled.mapping_index.sets[set_id]
    assert (found.source_framework, found.target_framework) == (source, target)
    catalog = bundled.index
    accounted = {
        catalog.unit_of(m.source) for m in bundled.mapping_index.mappings if m.provenance.mapping_set == set_id
    }
    units = {u.iri for u in catalog.units(source)}
    missing = sorted(catalog.by_iri[iri].ref for iri in units - accounted)
    assert not missing, f"{set_id} neither maps nor explains {missing}"


def test_nist_sets_cover_all_72_subcategories(bundled: Service) -> None:
    assert len(bundled.index.units("nist-ai-rmf")) == 72
    assert len(bundled.index.units("iso42001")) == 70  # 32 clauses without subclauses + 38 controls


@pytest.mark.parametrize(("set_id", "source", "target"), PAIRS)
def test_every_mapping_has_relation_strength_rationale_and_provenance(
    bundled: Service, set_id: str, source: str, target: str
) -> None:
    mappings = [m for m in bundled.mapping_index.mappings if m.provenance.mapping_set == set_id]
    assert len(mappings) > 50
    for mapping in mappings:
        assert len(mapping.rationale.split()) >= 6
        assert mapping.provenance.creators and mapping.provenance.created and mapping.provenance.review_status
        if mapping.relation.value != "no_relationship":
            assert mapping.strength is not None and 1 <= mapping.strength <= 10 and mapping.rationale_type


def test_relations_are_honest_most_pairs_only_intersect(bundled: Service) -> None:
    relations = Counter(m.relation.value for m in bundled.mapping_index.mappings)
    asserted = sum(relations.values()) - relations["no_relationship"]
    assert relations["intersects"] / asserted > 0.8
    assert relations["equal"] / asserted < 0.1


def test_authority_is_claimed_only_by_a_set_that_names_one(bundled: Service) -> None:
    sets = bundled.mapping_index.sets
    for mapping in bundled.mapping_index.mappings:
        if mapping.provenance.authority:
            assert sets[mapping.provenance.mapping_set].authority == mapping.provenance.authority
    nist = sets["nist-ai-rmf-iso42001"]
    assert nist.authority and nist.authority_url and "42001" in nist.authority


def test_the_management_system_clauses_map_clause_by_clause(bundled: Service) -> None:
    pairs = {(v.source.ref, v.target.ref if v.target else None) for v in bundled.crosswalk("iso42001", "iso27001")}
    for clause in ["4.1", "4.2", "4.3", "5.1", "6.1.2", "6.1.3", "7.2", "7.5.3", "8.1", "9.1", "9.2.2", "10.2"]:
        assert (clause, clause) in pairs, f"42001 {clause} should map to 27001 {clause}"
