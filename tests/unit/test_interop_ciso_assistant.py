"""CISO Assistant libraries in and out: our exports obey the rules CISO Assistant's library loader applies
(`check_library`, written from its source), import back unchanged, and a library another tool wrote imports;
libraries that break those rules are refused whole, naming the object."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.errors import DataError
from graph.service import Service
from loaders.ciso_assistant import URN, check_library
from loaders.yaml_source import SourceDocument

SETS = ["iso42001-eu-ai-act", "nist-ai-rmf-iso42001", "eu-ai-act-gdpr"]


def _export(service: Service, subject: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(service.answers().interop.ciso_assistant(subject))
    return data


def _write(tmp_path: Path, name: str, data: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("framework", ["iso42001", "eu-ai-act", "nist-ai-rmf", "gdpr", "iso27001"])
def test_every_framework_exports_as_a_library_ciso_assistants_loader_accepts(bundled: Service, framework: str) -> None:
    library = _export(bundled, framework)
    check_library(SourceDocument(file="x", data=library))
    nodes = library["objects"]["framework"]["requirement_nodes"]
    assert len(nodes) == len(bundled.answers().catalog.provisions(framework))
    urns = [node["urn"].lower() for node in nodes]
    assert len(set(urns)) == len(urns), "node URNs are unique once lower-cased, as CISO Assistant compares them"
    assert all(URN.match(urn) for urn in urns)
    known = set(urns)
    assert all(node["parent_urn"].lower() in known for node in nodes if "parent_urn" in node)


@pytest.mark.parametrize("set_id", SETS)
def test_mapping_sets_export_with_relationship_strength_and_rationale(bundled: Service, set_id: str) -> None:
    library = _export(bundled, set_id)
    check_library(SourceDocument(file="x", data=library))
    (mapping_set,) = library["objects"]["requirement_mapping_sets"]
    frameworks = {
        _export(bundled, fw)["objects"]["framework"]["urn"]: _export(bundled, fw)["objects"]["framework"]
        for fw in {mapping_set["aimsgraph"]["source_framework"], mapping_set["aimsgraph"]["target_framework"]}
    }
    node_urns = {n["urn"] for f in frameworks.values() for n in f["requirement_nodes"]}
    for item in mapping_set["requirement_mappings"]:
        assert item["relationship"] in ("equal", "subset", "superset", "intersect")
        assert item["rationale"] in ("syntactic", "semantic", "functional")
        assert 1 <= item["strength_of_relationship"] <= 10 and len(item["annotation"]) >= 10
        assert item["source_requirement_urn"] in node_urns and item["target_requirement_urn"] in node_urns
    assert set(library["dependencies"]) == {
        f"urn:aimsgraph:risk:library:{fw}"
        for fw in (mapping_set["aimsgraph"]["source_framework"], mapping_set["aimsgraph"]["target_framework"])
    }


def test_a_framework_and_a_mapping_set_import_back_unchanged(bundled: Service, tmp_path: Path) -> None:
    for subject in ("nist-ai-rmf", "nist-ai-rmf-iso42001"):
        report = bundled.load([_write(tmp_path, f"{subject}.yaml", _export(bundled, subject))], fmt="ciso-assistant")
        assert report.unchanged, subject


def test_an_edited_annotation_is_seen_as_a_change(bundled: Service, tmp_path: Path) -> None:
    library = _export(bundled, "nist-ai-rmf-iso42001")
    library["objects"]["requirement_mapping_sets"][0]["requirement_mappings"][0]["annotation"] = "Edited elsewhere."
    with pytest.raises(DataError, match=r"already in the store.*1 changed"):
        bundled.load([_write(tmp_path, "edited.yaml", library)], fmt="ciso-assistant")


FRAMEWORK_LIBRARY: dict[str, Any] = {
    "urn": "urn:example:risk:library:acme-baseline",
    "locale": "en",
    "ref_id": "acme-baseline",
    "name": "ACME security baseline",
    "version": 2,
    "publication_date": "2024-03-01",
    "provider": "ACME",
    "packager": "tests",
    "objects": {
        "framework": {
            "urn": "urn:example:risk:framework:acme-baseline",
            "ref_id": "acme-baseline",
            "name": "ACME security baseline",
            "requirement_nodes": [
                {
                    "urn": "urn:example:risk:req_node:acme-baseline:gov",
                    "assessable": False,
                    "ref_id": "GOV",
                    "name": "Governance",
                },
                {
                    "urn": "urn:example:risk:req_node:acme-baseline:gov-1",
                    "assessable": True,
                    "ref_id": "GOV-1",
                    "parent_urn": "urn:example:risk:req_node:acme-baseline:gov",
                    "name": "Policy",
                    "description": "Keep a written security policy approved by management.",
                },
            ],
        }
    },
}


def _mapping_library(target_urn: str, relationship: str = "intersect") -> dict[str, Any]:
    return {
        "urn": "urn:example:risk:library:mapping-acme-baseline-second",
        "name": "ACME baseline to its second edition",
        "version": 1,
        "publication_date": "2024-03-02",
        "packager": "tests",
        "objects": {
            "requirement_mapping_set": {
                "urn": "urn:example:risk:req_mapping_set:acme-baseline-second",
                "ref_id": "acme-to-second",
                "name": "ACME baseline to its second edition",
                "source_framework_urn": "urn:example:risk:framework:acme-baseline",
                "target_framework_urn": "urn:example:risk:framework:acme-second",
                "requirement_mappings": [
                    {
                        "source_requirement_urn": "urn:example:risk:req_node:acme-baseline:gov-1",
                        "target_requirement_urn": target_urn,
                        "relationship": relationship,
                        "rationale": "semantic",
                        "strength_of_relationship": 7,
                        "annotation": "Both ask for a written policy; the second edition adds yearly review.",
                    }
                ],
            }
        },
    }


def _second_framework() -> dict[str, Any]:
    second = copy.deepcopy(FRAMEWORK_LIBRARY)
    second["urn"] = "urn:example:risk:library:acme-second"
    framework = second["objects"]["framework"]
    framework["urn"] = "urn:example:risk:framework:acme-second"
    for node in framework["requirement_nodes"]:
        node["urn"] = node["urn"].replace("acme-baseline", "acme-second")
        if "parent_urn" in node:
            node["parent_urn"] = node["parent_urn"].replace("acme-baseline", "acme-second")
    return second


def test_another_tools_framework_and_mapping_libraries_import(memory_service: Service, tmp_path: Path) -> None:
    files = [
        _write(tmp_path, "acme.yaml", FRAMEWORK_LIBRARY),
        _write(tmp_path, "acme-second.yaml", _second_framework()),
        _write(tmp_path, "map.yaml", _mapping_library("urn:example:risk:req_node:acme-second:gov-1")),
    ]
    memory_service.load(files, fmt="ciso-assistant", replace=True)
    answers = memory_service.answers()
    control = answers.catalog.provision("acme-baseline", "gov-1")
    assert (control.kind, control.title, control.parent) == ("control", "Policy", "gov")
    (mapping,) = answers.crosswalks.crosswalk("acme-baseline", "acme-second")
    assert (mapping.relation, mapping.strength, mapping.rationale_type) == ("intersects", 7, "semantic")


def test_a_library_is_recognised_by_its_urn_and_objects_without_naming_the_format(
    memory_service: Service, tmp_path: Path
) -> None:
    memory_service.load([_write(tmp_path, "acme.yaml", FRAMEWORK_LIBRARY)], replace=True)
    assert [f.id for f in memory_service.answers().catalog.frameworks()] == ["acme-baseline"]


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (lambda lib: lib.pop("version"), "version", "Field required"),
        (lambda lib: lib.update(urn="library:acme"), "urn", "not a CISO Assistant URN"),
        (lambda lib: lib["objects"].update(frameworks=[]), "objects", "both 'framework' and 'frameworks'"),
        (lambda lib: lib["objects"]["framework"].pop("ref_id"), "objects → framework → ref_id", "Field required"),
        (
            lambda lib: lib["objects"]["framework"]["requirement_nodes"][1].update(
                urn="urn:example:risk:req_node:acme-baseline:GOV"
            ),
            "objects → framework → requirement_nodes → 1 → urn",
            "duplicate urn",
        ),
    ],
)
def test_a_library_breaking_ciso_assistants_rules_is_refused_naming_the_object(
    memory_service: Service, tmp_path: Path, change: Any, path: str, message: str
) -> None:
    library = copy.deepcopy(FRAMEWORK_LIBRARY)
    change(library)
    with pytest.raises(DataError) as raised:
        memory_service.load([_write(tmp_path, "bad.yaml", library)], fmt="ciso-assistant", replace=True)
    assert any(p.path == path and message in p.message for p in raised.value.problems), raised.value.problems
    assert memory_service.answers().catalog.frameworks() == []


def test_a_mapping_to_an_unknown_requirement_or_with_an_unknown_relationship_is_refused_and_nothing_loads(
    memory_service: Service, tmp_path: Path
) -> None:
    base = [_write(tmp_path, "acme.yaml", FRAMEWORK_LIBRARY), _write(tmp_path, "second.yaml", _second_framework())]
    unknown = _write(tmp_path, "map.yaml", _mapping_library("urn:example:risk:req_node:acme-second:gov-9"))
    with pytest.raises(DataError) as raised:
        memory_service.load([*base, unknown], fmt="ciso-assistant", replace=True)
    (problem,) = raised.value.problems
    assert "gov-9" in problem.message
    assert problem.path == "objects → requirement_mapping_set → requirement_mappings → 0 → target"
    assert problem.line is not None
    bad = _write(tmp_path, "rel.yaml", _mapping_library("urn:example:risk:req_node:acme-second:gov-1", "overlaps"))
    with pytest.raises(DataError, match="relationship"):
        memory_service.load([*base, bad], fmt="ciso-assistant", replace=True)
    assert memory_service.answers().catalog.frameworks() == []
