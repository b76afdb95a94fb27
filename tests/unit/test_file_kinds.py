"""A new import format is one class: the loader takes it beside the built-in ones and loads it the same way
(reference checks, shapes, one audit entry), and the mappings a validated model vouches for keep every rule
the shapes state without going through SHACL."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from core.errors import DataError
from graph.service import Service
from graph.stores.embedded import EmbeddedStore
from loaders.catalog import Catalog
from loaders.limits import InputLimits
from loaders.yaml_source import SourceDocument
from tests.unit.mapping_fixtures import write_frameworks


class PipeCatalogFormat:
    """A format of the test's own: `ref | title` per line, the file's name the framework's id."""

    name = "pipe-catalog"

    def read(self, path: Path, limits: InputLimits) -> list[tuple[SourceDocument, object]]:
        doc = SourceDocument(file=str(path), data=None)
        provisions = []
        for line in path.read_text().splitlines():
            ref, title = (part.strip() for part in line.split("|"))
            provisions.append({"ref": ref, "kind": "control", "title": title, "summary": f"Do what {ref} says."})
        header = {
            "id": path.stem,
            "name": path.stem.upper(),
            "title": f"The {path.stem} catalog",
            "version": "1",
            "issued": dt.date(2025, 1, 1),
            "publisher": "tests",
            "source": "written for the tests",
            "binding": False,
        }
        return [(doc, Catalog.model_validate({"framework": header, "provisions": provisions}))]


def test_a_format_added_in_a_test_loads_like_a_built_in_one(tmp_path: Path) -> None:
    service = Service(EmbeddedStore.open(None), formats=[PipeCatalogFormat()])
    assert "pipe-catalog" in service.import_formats and "oscal" in service.import_formats
    path = tmp_path / "piped.txt"
    path.write_text("P-1 | Keep a register\nP-2 | Review it yearly\n")
    report = service.load([path], fmt="pipe-catalog", replace=True)
    answers = service.answers()
    assert report.frameworks == ("piped",)
    assert [(p.ref, p.title) for p in answers.catalog.provisions("piped")] == [
        ("P-1", "Keep a register"),
        ("P-2", "Review it yearly"),
    ]
    (entry,) = [e for e in service.audit_log() if e.operation == "load"]
    assert entry.target == "piped.txt"
    service.close()


def test_an_unknown_format_names_the_known_ones_including_added_ones(tmp_path: Path) -> None:
    service = Service(EmbeddedStore.open(None), formats=[PipeCatalogFormat()])
    path = tmp_path / "x.txt"
    path.write_text("P-1 | A\n")
    with pytest.raises(DataError, match=r"unknown format 'pipe'; known: .*pipe-catalog"):
        service.load([path], fmt="pipe")
    service.close()


def test_a_model_no_kind_takes_is_a_clear_error_not_a_crash(tmp_path: Path) -> None:
    class Stray:
        name = "stray"

        def read(self, path: Path, limits: InputLimits) -> list[tuple[SourceDocument, object]]:
            return [(SourceDocument(file=str(path), data=None), object())]

    service = Service(EmbeddedStore.open(None), formats=[Stray()])
    path = tmp_path / "stray.txt"
    path.write_text("anything")
    with pytest.raises(DataError, match="no file kind takes a object"):
        service.load([path], fmt="stray")
    service.close()


MAPPING_SET = """\
mapping_set:
  id: std-law
  title: Standard to law
  source_framework: std
  target_framework: law
  creators: [tests]
  created: 2025-01-01
  description: Mappings written for the tests.
mappings:
  - source: "{source}"
    target: "{target}"
    relation: {relation}
    strength: {strength}
    rationale_type: {rationale_type}
    rationale: {rationale}
    review_status: {review_status}
"""
GOOD = {
    "source": "4.2",
    "target": "Article 3",
    "relation": "subset",
    "strength": "5",
    "rationale_type": "semantic",
    "rationale": "Both ask for the same register.",
    "review_status": "reviewed",
}


@pytest.fixture
def frameworks(tmp_path: Path) -> Service:
    service = Service(EmbeddedStore.open(None))
    service.load(write_frameworks(tmp_path), replace=True)
    return service


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("strength", "0", "strength"),
        ("strength", "11", "strength"),
        ("rationale", "Too short", "rationale"),
        ("rationale_type", "hunch", "rationale_type"),
        ("review_status", "maybe", "review_status"),
        ("relation", "overlaps", "relation"),
        ("source", "4.9", "unknown std ref '4.9'"),
        ("target", "Article 99", "unknown law ref 'Article 99'"),
    ],
)
def test_every_rule_of_the_mapping_shape_still_refuses_a_mapping_without_shacl(
    frameworks: Service, tmp_path: Path, field: str, value: str, said: str
) -> None:
    path = tmp_path / "set.yaml"
    path.write_text(textwrap.dedent(MAPPING_SET.format(**{**GOOD, field: value})))
    with pytest.raises(DataError) as caught:
        frameworks.load([path])
    assert any(said in str(problem) and "set.yaml:" in str(problem) for problem in caught.value.problems)
    assert "std-law" not in frameworks.answers().snapshot.mappings.sets


def test_a_good_mapping_vouched_for_by_its_model_conforms_to_the_shapes(frameworks: Service, tmp_path: Path) -> None:
    """The models and the shapes cannot drift apart: what a mapping set's model lets through, SHACL accepts."""
    import rdflib

    from ontology.validate import validate_graph

    path = tmp_path / "set.yaml"
    extra = 'no_counterpart:\n  - source: "4.1"\n    rationale: Nothing in the law asks for this.\n'
    path.write_text(textwrap.dedent(MAPPING_SET.format(**GOOD)) + extra)
    frameworks.load([path])
    graph = rdflib.Graph().parse(data=frameworks.answers().exports.graph("turtle"), format="turtle")
    assert validate_graph(graph) == []
