"""Coverage verdicts on small hand-made graphs whose answers are known."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import DataError, NotFoundError, UsageError
from graph.service import Service
from tests.unit.mapping_fixtures import mapping, write_frameworks, write_set


@pytest.fixture
def service(memory_service: Service, tmp_path: Path) -> Service:
    body = (
        mapping("4.1", "equal", "Article 2", 9)
        + mapping("4.2", "superset", "Article 1(1)", 7)
        + mapping("A.1.1", "superset", "Article 1(2)", 6)
        + mapping("A.1.2", "intersects", "Article 3", 5)
    )
    memory_service.load([*write_frameworks(tmp_path), write_set(tmp_path, body)], replace=True)
    return memory_service


def statuses(result) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {v.unit.ref: v.status for v in result.verdicts}


def test_verdicts_follow_the_definition(service: Service) -> None:
    result = service.answers().crosswalks.coverage("law", have="std")
    assert statuses(result) == {
        "Article 1": "covered",  # every paragraph is met by a superset
        "Article 2": "covered",  # equal
        "Article 3": "partial",  # intersects only
        "Article 4": "uncovered",
    }
    assert result.ratio == 0.5 and result.reached_ratio == 0.75
    (reason,) = next(v for v in result.verdicts if v.unit.ref == "Article 2").because
    assert (reason.source.ref, reason.relation, reason.mapping_set) == ("4.1", "equal", "std-law")


def test_a_part_left_unmet_makes_the_article_partial(service: Service) -> None:
    result = service.answers().crosswalks.coverage(
        "law", have="std", have_refs=["4"]
    )  # 4 contains 4.1 and 4.2, not A.1.1
    assert statuses(result)["Article 1"] == "partial"
    assert statuses(result)["Article 2"] == "covered"
    assert statuses(result)["Article 3"] == "uncovered"


def test_only_the_implemented_refs_count(service: Service) -> None:
    result = service.answers().crosswalks.coverage("law", have="std", have_refs=["a.1.2"])
    assert statuses(result) == {
        "Article 1": "uncovered",
        "Article 2": "uncovered",
        "Article 3": "partial",
        "Article 4": "uncovered",
    }


def test_coverage_reads_mappings_backwards(service: Service) -> None:
    result = service.answers().crosswalks.coverage("std", have="law")
    found = statuses(result)
    assert found["4.1"] == "covered"  # Article 2 equal 4.1
    assert found["4.2"] == "partial"  # Article 1(1) is a subset of 4.2: only part of it
    assert found["A.1.3"] == "uncovered"
    assert set(found) == {"4.1", "4.2", "A.1.1", "A.1.2", "A.1.3"}  # units: leaf clauses and controls


def test_a_superset_of_a_grouping_covers_every_unit_in_it(memory_service: Service, tmp_path: Path) -> None:
    body = mapping("A.1.3", "superset", "Chapter I", 8)
    memory_service.load([*write_frameworks(tmp_path), write_set(tmp_path, body)], replace=True)
    assert set(statuses(memory_service.answers().crosswalks.coverage("law", have="std")).values()) == {"covered"}


def test_inferred_mappings_count_only_when_asked(memory_service: Service, tmp_path: Path) -> None:
    files = write_frameworks(tmp_path)
    third = tmp_path / "mid.yaml"
    third.write_text(
        'framework: {id: mid, name: Mid, title: Middle, version: "1", issued: 2024-01-01, publisher: t, source: t, '
        "binding: false}\nprovisions:\n"
        '  - {ref: "M1", kind: control, title: Middle control, summary: A control between the two others.}\n'
    )
    one = write_set(tmp_path, mapping("A.1.3", "equal", "M1"), "std-mid", "std", "mid")
    two = write_set(tmp_path, mapping("M1", "superset", "Article 4"), "mid-law", "mid", "law")
    memory_service.load([*files, third, one, two], replace=True)
    assert statuses(memory_service.answers().crosswalks.coverage("law", have="std"))["Article 4"] == "uncovered"
    inferred = memory_service.answers().crosswalks.coverage("law", have="std", include_inferred=True)
    verdict = next(v for v in inferred.verdicts if v.unit.ref == "Article 4")
    assert verdict.status == "covered" and verdict.because[0].inferred
    assert [p.ref for p in verdict.because[0].path] == ["A.1.3", "M1", "Article 4"]


def test_bad_coverage_questions_are_refused(service: Service) -> None:
    with pytest.raises(UsageError):
        service.answers().crosswalks.coverage("law", have="law")
    with pytest.raises(NotFoundError):
        service.answers().crosswalks.coverage("law", have="std", have_refs=["Z.9"])
    with pytest.raises(UsageError):
        service.answers().crosswalks.coverage("law", have="std", depth=9)


def test_crosswalk_lists_asserted_and_inverse_mappings_and_filters_by_strength(service: Service) -> None:
    forward = service.answers().crosswalks.crosswalk("std", "law")
    assert [(v.source.ref, v.relation, v.target.ref if v.target else None) for v in forward][:2] == [
        ("4.1", "equal", "Article 2"),
        ("4.2", "superset", "Article 1(1)"),
    ]
    backward = service.answers().crosswalks.crosswalk("law", "std")
    assert {(v.source.ref, v.relation, v.target.ref if v.target else None, v.inverted) for v in backward} >= {
        ("Article 1(1)", "subset", "4.2", True)
    }
    assert all(
        v.strength is not None and v.strength >= 7
        for v in service.answers().crosswalks.crosswalk("std", "law", min_strength=7)
    )


def test_coverage_rolls_up_through_every_level(memory_service: Service, tmp_path: Path) -> None:
    """An article whose paragraph is met only point by point, by supersets, is covered."""
    law = tmp_path / "deep.yaml"
    law.write_text(
        "framework: {id: deep, name: Deep, title: A deep law, version: '1', issued: 2024-01-01, publisher: t,\n"
        "  source: t, binding: true}\n"
        "provisions:\n"
        '  - {ref: "Article 1", kind: article, title: One, summary: A duty with points inside a paragraph.}\n'
        '  - {ref: "Article 1(1)", kind: paragraph, parent: "Article 1", summary: The paragraph that holds points.}\n'
        '  - {ref: "Article 1(1)(a)", kind: point, parent: "Article 1(1)", summary: The first point of the duty.}\n'
        '  - {ref: "Article 1(1)(b)", kind: point, parent: "Article 1(1)", summary: The second point of the duty.}\n'
    )
    body = mapping("4.1", "superset", "Article 1(1)(a)", 8) + mapping("4.2", "superset", "Article 1(1)(b)", 8)
    std = write_frameworks(tmp_path)[1]
    memory_service.load([law, std, write_set(tmp_path, body, "std-deep", "std", "deep")], replace=True)
    result = memory_service.answers().crosswalks.coverage("deep", have="std")
    assert statuses(result) == {"Article 1": "covered"}
    partly = memory_service.answers().crosswalks.coverage("deep", have="std", have_refs=["4.1"])
    assert statuses(partly) == {"Article 1": "partial"}


def test_a_harmonized_structure_pair_makes_a_unit_reusable_not_covered(memory_service: Service, tmp_path: Path) -> None:
    body = mapping("4.1", "equal", "Article 2", 9).replace(
        "    relation: equal\n", "    relation: equal\n    harmonized_structure: true\n"
    ) + mapping("4.2", "superset", "Article 1", 8)
    memory_service.load([*write_frameworks(tmp_path), write_set(tmp_path, body)], replace=True)
    result = memory_service.answers().crosswalks.coverage("law", have="std")
    assert statuses(result)["Article 2"] == "reusable"  # the same requirement, met for another system
    assert statuses(result)["Article 1"] == "covered"
    assert result.ratio == 0.25 and result.reuse_ratio == 0.5
    (reason,) = next(v for v in result.verdicts if v.unit.ref == "Article 2").because
    assert reason.harmonized


def test_a_harmonized_pair_must_state_one_requirement(memory_service: Service, tmp_path: Path) -> None:
    body = mapping("4.1", "intersects", "Article 2", 5).replace(
        "    relation: intersects\n", "    relation: intersects\n    harmonized_structure: true\n"
    )
    with pytest.raises(DataError) as caught:
        memory_service.load([*write_frameworks(tmp_path), write_set(tmp_path, body)], replace=True)
    assert "equal, subset or superset" in str(caught.value)
