"""A bad mapping file is rejected whole, every problem listed with file and line; the store keeps its state."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import DataError
from graph.service import Service
from tests.unit.mapping_fixtures import mapping, write_frameworks, write_set


@pytest.fixture
def service(memory_service: Service, tmp_path: Path) -> Service:
    memory_service.load(
        [*write_frameworks(tmp_path), write_set(tmp_path, mapping("4.1", "equal", "Article 2"))], replace=True
    )
    return memory_service


def problems(service: Service, *paths: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        service.load(list(paths))
    return [str(p) for p in caught.value.problems]


def unchanged(service: Service) -> None:
    (only,) = service.answers().crosswalks.crosswalk("std", "law")
    assert (only.source.ref, only.relation, only.target.ref if only.target else None) == ("4.1", "equal", "Article 2")


def test_every_unknown_ref_is_listed_with_file_and_line(service: Service, tmp_path: Path) -> None:
    body = (
        mapping("4.9", "equal", "Article 2")
        + mapping("4.2", "subset", "Article 99")
        + mapping("4.1", "equal", "art. 3")
    )
    path = write_set(tmp_path, body, "other")
    found = problems(service, path)
    assert len(found) == 3
    assert f"{path}:10" in found[0] and "unknown std ref '4.9'" in found[0]
    assert f"{path}:17" in found[1] and "unknown law ref 'Article 99'" in found[1]
    assert "did you mean 'Article 3'?" in found[2]
    unchanged(service)


def test_unknown_relation_and_strength_out_of_range(service: Service, tmp_path: Path) -> None:
    body = mapping("4.2", "overlaps", "Article 3") + mapping("A.1.1", "subset", "Article 4", 11)
    found = problems(service, write_set(tmp_path, body, "other"))
    assert any("relation" in p and "'overlaps'" in p for p in found)
    assert any("strength" in p and "less than or equal to 10" in p for p in found)
    unchanged(service)


def test_contradictory_pairs_across_sets_are_refused(service: Service, tmp_path: Path) -> None:
    # std-law says 4.1 equal Article 2; a set the other way saying Article 2 subset 4.1 contradicts it.
    path = write_set(tmp_path, mapping("Article 2", "subset", "4.1"), "law-std", "law", "std")
    (problem,) = problems(service, path)
    assert "contradictory mappings" in problem and "std-law" in problem and f"{path}:10" in problem
    unchanged(service)


def test_mutual_subsets_within_one_load_are_refused(service: Service, tmp_path: Path) -> None:
    one = write_set(tmp_path, mapping("4.2", "subset", "Article 3"), "a")
    two = write_set(tmp_path, mapping("Article 3", "subset", "4.2"), "b", "law", "std")
    (problem,) = problems(service, one, two)
    assert "contradictory" in problem
    # the same pair stated consistently from both sides is fine
    ok = write_set(tmp_path, mapping("Article 3", "superset", "4.2"), "b", "law", "std")
    report = service.load([one, ok])
    assert report.mapping_sets == ("a", "b")
    rows = service.answers().crosswalks.crosswalk("std", "law")
    stated = [
        (v.relation, v.inverted) for v in rows if v.source.ref == "4.2" and v.target and v.target.ref == "Article 3"
    ]
    assert stated == [("subset", False)]  # one pair, read the same way by both sets


def test_duplicate_mappings_and_double_records_are_refused(service: Service, tmp_path: Path) -> None:
    body = mapping("4.2", "subset", "Article 3") + mapping("4.2", "intersects", "Article 3")
    extra = 'no_counterpart:\n  - source: "4.2"\n    rationale: Nothing in the law asks for this.\n'
    found = problems(service, write_set(tmp_path, body, "other", extra=extra))
    assert any("duplicate mapping '4.2' → 'Article 3' (first at line 10)" in p for p in found)
    assert any("is mapped and also recorded as having no counterpart" in p for p in found)
    unchanged(service)


def test_unknown_frameworks_and_claimed_authority_are_refused(service: Service, tmp_path: Path) -> None:
    found = problems(service, write_set(tmp_path, mapping("4.2", "subset", "Article 3"), "other", "std", "nolaw"))
    assert any("unknown framework 'nolaw'" in p for p in found)
    claimed = mapping("4.2", "subset", "Article 3").replace("    rationale_type", "    from_authority: true\n  rt")
    claimed = claimed.replace("\n  rt", "\n    rationale_type")
    found = problems(service, write_set(tmp_path, claimed, "other"))
    assert any("names no authority" in p for p in found)


def test_reloading_a_set_replaces_it(service: Service, tmp_path: Path) -> None:
    service.load([write_set(tmp_path, mapping("4.2", "intersects", "Article 3", 4))], overwrite=True)
    (only,) = service.answers().crosswalks.crosswalk("std", "law")
    assert (only.source.ref, only.target.ref if only.target else None, only.strength) == ("4.2", "Article 3", 4)


def test_a_provision_mapped_to_itself_is_refused(service: Service, tmp_path: Path) -> None:
    found = problems(service, write_set(tmp_path, mapping("4.2", "equal", "4.2"), "self", "std", "std"))
    assert any("'4.2' is mapped to itself" in p for p in found)
    unchanged(service)
