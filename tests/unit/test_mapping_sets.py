"""The curated mapping sets: each covers its source completely, and every mapping says why and who."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from graph.service import Service
from mappings.model import Mapping

PAIRS = [
    ("iso42001-iso27001", "iso42001", "iso27001"),
    ("iso42001-eu-ai-act", "iso42001", "eu-ai-act"),
    ("nist-ai-rmf-iso42001", "nist-ai-rmf", "iso42001"),
    ("iso42001-gdpr", "iso42001", "gdpr"),
    ("nist-ai-rmf-eu-ai-act", "nist-ai-rmf", "eu-ai-act"),
    ("eu-ai-act-gdpr", "eu-ai-act", "gdpr"),
    ("iso27001-gdpr", "iso27001", "gdpr"),
    ("iso27001-eu-ai-act", "iso27001", "eu-ai-act"),
    ("nist-ai-rmf-iso27001", "nist-ai-rmf", "iso27001"),
    ("nist-ai-rmf-gdpr", "nist-ai-rmf", "gdpr"),
    ("nist-ai-600-1-nist-ai-rmf", "nist-ai-600-1", "nist-ai-rmf"),
]
AUTHORITY_PAIRS = Path(__file__).parent.parent / "fixtures" / "nist-ai-rmf-iso42001-authority-pairs.tsv"
PROFILE_PAIRS = Path(__file__).parent.parent / "fixtures" / "nist-ai-600-1-authority-pairs.tsv"


@pytest.mark.parametrize(("set_id", "source", "target"), PAIRS)
def test_each_set_covers_its_source_completely(bundled: Service, set_id: str, source: str, target: str) -> None:
    found = bundled.answers().snapshot.mappings.sets[set_id]
    assert (found.source_framework, found.target_framework) == (source, target)
    catalog = bundled.answers().snapshot.catalog
    accounted = {
        catalog.unit_of(m.source)
        for m in bundled.answers().snapshot.mappings.mappings
        if m.provenance.mapping_set == set_id
    }
    units = {u.iri for u in catalog.units(source)}
    missing = sorted(catalog.by_iri[iri].ref for iri in units - accounted)
    assert not missing, f"{set_id} neither maps nor explains {missing}"


def test_nist_sets_cover_all_72_subcategories(bundled: Service) -> None:
    assert len(bundled.answers().snapshot.catalog.units("nist-ai-rmf")) == 72
    assert (
        len(bundled.answers().snapshot.catalog.units("iso42001")) == 70
    )  # 32 clauses without subclauses + 38 controls


@pytest.mark.parametrize(("set_id", "source", "target"), PAIRS)
def test_every_mapping_has_relation_strength_rationale_and_provenance(
    bundled: Service, set_id: str, source: str, target: str
) -> None:
    mappings = [m for m in bundled.answers().snapshot.mappings.mappings if m.provenance.mapping_set == set_id]
    assert len(mappings) > 50
    for mapping in mappings:
        assert len(mapping.rationale.split()) >= 6
        assert mapping.provenance.creators and mapping.provenance.created and mapping.provenance.review_status
        if mapping.relation.value != "no_relationship":
            assert mapping.strength is not None and 1 <= mapping.strength <= 10 and mapping.rationale_type


def test_relations_are_honest_most_pairs_only_intersect(bundled: Service) -> None:
    relations = Counter(m.relation.value for m in bundled.answers().snapshot.mappings.mappings)
    asserted = sum(relations.values()) - relations["no_relationship"]
    assert relations["intersects"] / asserted > 0.8
    assert relations["equal"] / asserted < 0.1


def test_authority_is_claimed_only_by_a_set_that_names_one(bundled: Service) -> None:
    sets = bundled.answers().snapshot.mappings.sets
    for mapping in bundled.answers().snapshot.mappings.mappings:
        if mapping.provenance.authority:
            assert sets[mapping.provenance.mapping_set].authority == mapping.provenance.authority
    nist = sets["nist-ai-rmf-iso42001"]
    assert nist.authority and nist.authority_url and "42001" in nist.authority


def test_the_management_system_clauses_map_clause_by_clause(bundled: Service) -> None:
    pairs = {
        (v.source.ref, v.target.ref if v.target else None)
        for v in bundled.answers().crosswalks.crosswalk("iso42001", "iso27001")
    }
    for clause in ["4.1", "4.2", "4.3", "5.1", "6.1.2", "6.1.3", "7.2", "7.5.3", "8.1", "9.1", "9.2.2", "10.2"]:
        assert (clause, clause) in pairs, f"42001 {clause} should map to 27001 {clause}"


def test_a_curated_absence_wins_over_inference(bundled: Service) -> None:
    """Where a curator recorded "no counterpart in F", no inferred mapping from it into F appears."""
    answers = bundled.answers()
    frameworks_by_iri = {f.iri: f.id for f in answers.catalog.frameworks()}
    absences = [m for m in answers.snapshot.mappings.mappings if m.relation.value == "no_relationship"]
    assert len(absences) > 40
    for absence in absences:
        source = answers.snapshot.catalog.by_iri[absence.source]
        target = frameworks_by_iri[absence.target]
        rows = [
            v
            for v in answers.crosswalks.crosswalk(source.framework, target, include_inferred=True)
            if v.source.iri == absence.source
        ]
        assert not [v for v in rows if v.inferred], (
            f"{source.framework} {source.ref} gets inferred mappings to {target}"
        )
        assert [v.relation for v in rows if v.target is None] == ["no_relationship"]
        assert any(v.rationale == absence.rationale for v in rows)


def test_every_pair_of_the_published_nist_crosswalk_is_present_with_its_authority(bundled: Service) -> None:
    lines = [line.split("\t") for line in AUTHORITY_PAIRS.read_text().splitlines() if not line.startswith("#")]
    published = {(subcategory, ref) for subcategory, ref, _cited in lines}
    assert len(published) == 280 and len({s for s, _ in published}) == 72
    answers = bundled.answers()
    by_iri = answers.snapshot.catalog.by_iri
    authority_pairs = {
        (by_iri[m.source].ref, by_iri[m.target].ref)
        for m in answers.snapshot.mappings.mappings
        if m.provenance.mapping_set == "nist-ai-rmf-iso42001" and m.provenance.authority
    }
    assert published == authority_pairs


def test_every_action_of_nist_ai_600_1_sits_under_the_subcategory_the_profile_files_it_under(
    bundled: Service,
) -> None:
    lines = [line.split("\t") for line in PROFILE_PAIRS.read_text().splitlines() if not line.startswith("#")]
    published = {(action, subcategory) for action, subcategory in lines}
    assert len(published) == len(lines) == 212 and len({s for _, s in published}) == 49
    answers = bundled.answers()
    by_iri = answers.snapshot.catalog.by_iri
    in_set = [m for m in answers.snapshot.mappings.mappings if m.provenance.mapping_set == "nist-ai-600-1-nist-ai-rmf"]
    assert all(m.provenance.authority and "NIST AI 600-1" in m.provenance.authority for m in in_set)
    assert {(by_iri[m.source].ref, by_iri[m.target].ref) for m in in_set} == published
    assert len(in_set) == 212  # one subcategory per action, no pair of our own


def test_the_ai_rmf_reaches_27001_and_the_gdpr_where_the_texts_meet(bundled: Service) -> None:
    crosswalks = bundled.answers().crosswalks
    isms = {(v.source.ref, v.target.ref if v.target else None) for v in crosswalks.crosswalk("nist-ai-rmf", "iso27001")}
    expected = {("GOVERN 1.1", "A.5.31"), ("GOVERN 1.6", "A.5.9"), ("MANAGE 1.3", "6.1.3"), ("MEASURE 2.7", "A.8.29")}
    assert expected <= isms
    assert ("MEASURE 2.11", None) in isms  # fairness: nothing in an ISMS
    gdpr = {(v.source.ref, v.target.ref if v.target else None) for v in crosswalks.crosswalk("nist-ai-rmf", "gdpr")}
    assert {("MAP 5.1", "Article 35(7)(c)"), ("MEASURE 3.3", "Article 22(3)"), ("MANAGE 4.3", "Article 34(1)")} <= gdpr
    assert ("MEASURE 2.12", None) in gdpr  # environmental impact is outside the GDPR


def test_an_isms_carries_its_harmonized_structure_clauses_over_to_an_aims(bundled: Service) -> None:
    """27001 certification: the shared clauses are reusable, the AI-specific ones are not covered."""
    result = bundled.answers().crosswalks.coverage("iso42001", have="iso27001")
    by_status = {status: {v.unit.ref for v in result.of(status)} for status in ("reusable", "partial", "uncovered")}
    assert {"4.2", "5.1", "7.2", "7.5.1", "10.2"} <= by_status["reusable"]
    assert {"4.1", "6.1.1", "6.1.4", "8.1", "9.2.2"} <= by_status["partial"]  # 42001 adds to these
    assert {"A.5.3", "A.6.2.7"} <= by_status["uncovered"] and "A.5.4" in by_status["partial"]
    assert len(by_status["reusable"]) >= 17 and not result.of("covered")


def mapping(bundled: Service, set_id: str, source: str, target: str) -> Mapping | None:
    by_iri = bundled.answers().snapshot.catalog.by_iri
    return next(
        (
            m
            for m in bundled.answers().snapshot.mappings.mappings
            if m.provenance.mapping_set == set_id
            and by_iri[m.source].ref == source
            and m.target in by_iri
            and by_iri[m.target].ref == target
        ),
        None,
    )


def test_the_review_corrections_hold(bundled: Service) -> None:
    """What the expert review asked to correct (issue 23), pair by pair."""
    audit = mapping(bundled, "iso42001-iso27001", "9.2.2", "9.2.2")
    assert audit and audit.relation.value == "superset" and audit.harmonized and "objectives" in audit.rationale
    impact = mapping(bundled, "iso42001-iso27001", "A.5.4", "A.5.34")
    assert impact and impact.relation.value == "intersects" and impact.strength is not None and impact.strength <= 3
    testing = mapping(bundled, "eu-ai-act-gdpr", "Article 60", "Article 17(1)(b)")
    assert testing and testing.strength == 3
    decommissioning = mapping(bundled, "nist-ai-rmf-iso42001", "GOVERN 1.7", "8.1")
    assert decommissioning and decommissioning.strength is not None and decommissioning.strength < 4
    assert mapping(bundled, "iso27001-eu-ai-act", "A.7.13", "Article 13(3)(e)") is None
    scraping = mapping(bundled, "eu-ai-act-gdpr", "Article 5(1)(g)", "Article 9(1)")
    assert scraping and "lawfully acquired" in scraping.rationale and "law enforcement" in scraping.rationale
    assert "law-enforcement dataset labelling" not in scraping.rationale
