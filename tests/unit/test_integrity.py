"""Referential integrity: a load never leaves mappings pointing at provisions that are gone, and exports
refuse content that breaks the shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import DataError, IntegrityError
from core.records import GraphBatch, Node
from graph.service import Service
from graph.stores.embedded import EmbeddedStore
from ontology.namespaces import provision_iri
from tests.unit.mapping_fixtures import LAW, mapping, write_frameworks, write_set

SMALLER_LAW = LAW.replace(
    '  - {ref: "Article 4", kind: article, parent: "Chapter I", title: Four, summary: A duty nothing else meets.}\n',
    "",
).replace(
    '  - {ref: "Article 3", kind: article, parent: "Chapter I", title: Three, summary: A duty partly met elsewhere.}\n',
    "",
)


@pytest.fixture
def store() -> EmbeddedStore:
    return EmbeddedStore.open(None)


@pytest.fixture
def service(store: EmbeddedStore, tmp_path: Path) -> Service:
    body = mapping("4.1", "equal", "Article 2", 9) + mapping("A.1.2", "intersects", "Article 3", 5)
    loaded = Service(store)
    loaded.load([*write_frameworks(tmp_path), write_set(tmp_path, body)], replace=True)
    return loaded


def smaller_law(tmp_path: Path) -> Path:
    path = tmp_path / "smaller" / "law.yaml"
    path.parent.mkdir()
    path.write_text(SMALLER_LAW)
    return path


def test_reloading_a_framework_without_provisions_that_mappings_use_is_refused(
    service: Service, tmp_path: Path
) -> None:
    before = service.answers().revision
    with pytest.raises(DataError) as caught:
        service.load([smaller_law(tmp_path)], overwrite=True)
    (problem,) = caught.value.problems  # Article 4 has no mapping: only Article 3 dangles
    assert "law Article 3 would be removed" in str(problem) and "1 in std-law" in str(problem)
    assert "--drop-dangling" in str(problem) and problem.file.endswith("law.yaml")
    answers = service.answers()
    assert answers.revision == before and len(answers.catalog.provisions("law")) == 7


def test_drop_dangling_removes_the_dependent_mappings_and_reports_them(service: Service, tmp_path: Path) -> None:
    report = service.load([smaller_law(tmp_path)], overwrite=True, drop_dangling=True)
    assert report.dropped == ("std-law: std A.1.2 → law Article 3",)
    answers = service.answers()
    assert [(v.source.ref, v.target.ref if v.target else None) for v in answers.crosswalks.crosswalk("std", "law")] == [
        ("4.1", "Article 2")
    ]
    (only,) = answers.crosswalks.mapping_sets()
    assert only.mapping_count == 1  # the counts follow the content
    assert "Article 3" not in answers.exports.mapping_set("std-law")
    assert answers.exports.graph("nt")  # the store still conforms to its shapes


def test_loading_a_framework_and_the_new_mapping_set_together_is_accepted(service: Service, tmp_path: Path) -> None:
    law = smaller_law(tmp_path)
    new_set = write_set(law.parent, mapping("4.1", "equal", "Article 2", 9))
    report = service.load([law, new_set], overwrite=True)
    assert report.dropped == () and set(report.frameworks) == {"law"} and report.mapping_sets == ("std-law",)
    assert len(service.answers().crosswalks.crosswalk("std", "law")) == 1


def test_loading_the_same_files_again_changes_nothing(service: Service, tmp_path: Path) -> None:
    before = service.answers().revision
    report = service.load(write_frameworks(tmp_path))
    assert report.unchanged and service.answers().revision == before


def test_a_store_broken_behind_the_services_back_is_not_exported(service: Service, store: EmbeddedStore) -> None:
    store.write(GraphBatch(deletes=[provision_iri("law", "Article 3")]))
    answers = service.answers()
    with pytest.raises(IntegrityError) as caught:
        answers.exports.graph("turtle")
    assert "breaks its own shapes" in str(caught.value) and "nothing was exported" in str(caught.value)
    with pytest.raises(IntegrityError):
        answers.exports.mapping_set("std-law")


def test_a_stray_record_with_a_dangling_link_is_named_on_reload(
    service: Service, store: EmbeddedStore, tmp_path: Path
) -> None:
    stray = Node(
        id="https://example.org/asset/1",
        labels=("Asset",),
        props={"name": "An asset that names a provision"},
        links={"IMPLEMENTS": (provision_iri("law", "Article 4"),)},
    )
    store.write(GraphBatch(nodes=[stray]))
    with pytest.raises(DataError) as caught:
        service.load([smaller_law(tmp_path)], overwrite=True, drop_dangling=True)
    assert any(
        "law Article 4 would be removed" in str(p) and "change or remove what still names it" in str(p)
        for p in caught.value.problems
    )
