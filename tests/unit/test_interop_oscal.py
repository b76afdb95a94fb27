"""OSCAL in and out: every export is a valid OSCAL 1.2 document by compliance-trestle's models, importing an
export gives back the same graph, another tool's catalog imports, and bad OSCAL is refused whole with its path."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from trestle.oscal.catalog import Catalog as OscalCatalog
from trestle.oscal.component import ComponentDefinition
from trestle.oscal.mapping import MappingCollection
from trestle.oscal.profile import Profile

from core.errors import DataError
from graph.service import Service

FRAMEWORKS = ["iso42001", "iso27001", "eu-ai-act", "nist-ai-rmf", "gdpr"]
SETS = [
    "eu-ai-act-gdpr",
    "iso27001-eu-ai-act",
    "iso27001-gdpr",
    "iso42001-eu-ai-act",
    "iso42001-gdpr",
    "iso42001-iso27001",
    "nist-ai-rmf-eu-ai-act",
    "nist-ai-rmf-iso42001",
]
NS = "https://w3id.org/aimsgraph/ns/oscal"


def _export(service: Service, kind: str, subject: str, org: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(service.answers().interop.oscal(kind, subject, org))
    return data


def _write(tmp_path: Path, name: str, data: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _controls(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for item in items:
        found.append(item)
        found.extend(_controls(item.get("groups", []) + item.get("controls", [])))
    return found


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_every_framework_exports_as_a_catalog_that_trestle_validates(bundled: Service, framework: str) -> None:
    data = _export(bundled, "catalog", framework)
    OscalCatalog.model_validate(data["catalog"])
    everything = _controls(data["catalog"].get("groups", []) + data["catalog"].get("controls", []))
    assert len(everything) == len(bundled.answers().catalog.provisions(framework))


@pytest.mark.parametrize("set_id", SETS)
def test_every_mapping_set_exports_as_a_mapping_collection_that_trestle_validates(
    bundled: Service, set_id: str
) -> None:
    data = _export(bundled, "mapping-collection", set_id)
    MappingCollection.model_validate(data["mapping-collection"])
    assert len(data["mapping-collection"]["mappings"][0]["maps"]) == next(
        s.mapping_count for s in bundled.answers().crosswalks.mapping_sets() if s.id == set_id
    )


def _round_trip(service: Service, kind: str, subject: str, tmp_path: Path) -> None:
    report = service.load([_write(tmp_path, f"{subject}.json", _export(service, kind, subject))], fmt="oscal")
    assert report.unchanged, "importing the export must give exactly the stored records"


def test_a_framework_and_a_mapping_set_import_back_from_oscal_unchanged(bundled: Service, tmp_path: Path) -> None:
    _round_trip(bundled, "catalog", "iso42001", tmp_path)
    _round_trip(bundled, "mapping-collection", "iso42001-gdpr", tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_every_framework_imports_back_from_its_oscal_catalog_unchanged(
    bundled: Service, framework: str, tmp_path: Path
) -> None:
    _round_trip(bundled, "catalog", framework, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("set_id", SETS)
def test_every_mapping_set_imports_back_from_its_oscal_mapping_collection_unchanged(
    bundled: Service, set_id: str, tmp_path: Path
) -> None:
    _round_trip(bundled, "mapping-collection", set_id, tmp_path)


def test_a_changed_summary_in_an_imported_catalog_is_seen_as_a_change(bundled: Service, tmp_path: Path) -> None:
    """The round-trip test above is not vacuous: the import compares every record."""
    data = _export(bundled, "catalog", "iso42001")
    control = next(c for c in _controls(data["catalog"]["groups"]) if c.get("parts"))
    control["parts"][0]["prose"] = "A summary someone edited in another tool."
    with pytest.raises(DataError, match=r"already in the store.*1 changed"):
        bundled.load([_write(tmp_path, "edited.json", data)], fmt="oscal")


def test_the_catalog_keeps_the_tree_the_ref_the_summary_and_our_kinds_and_dates(bundled: Service) -> None:
    data = _export(bundled, "catalog", "eu-ai-act")["catalog"]
    assert data["metadata"]["oscal-version"].startswith("1.2")
    article = next(c for c in _controls(data["groups"]) if c["title"] and c.get("class") == "article")
    props = {(p["name"], p.get("ns")): p["value"] for p in article["props"]}
    assert ("label", None) in props and props[("kind", NS)] == "article"
    view = bundled.answers().catalog.provision("eu-ai-act", props[("label", None)])
    assert article["parts"][0]["name"] == "statement" and article["parts"][0]["prose"] == view.summary
    if view.children:
        assert [_label(c) for c in article["controls"]] == list(view.children)
    dated = [c for c in _controls(data["groups"]) if any(p["name"] == "applies-from" for p in c["props"])]
    assert dated, "the AI Act's application dates travel as props"


def _label(item: dict[str, Any]) -> str:
    return str(next(p["value"] for p in item["props"] if p["name"] == "label"))


def test_relations_rationale_strength_and_provenance_travel_on_each_map(bundled: Service) -> None:
    collection = _export(bundled, "mapping-collection", "iso42001-eu-ai-act")["mapping-collection"]
    maps = collection["mappings"][0]["maps"]
    stored = {
        (m.source.ref, m.target.ref): m
        for m in bundled.answers().crosswalks.crosswalk("iso42001", "eu-ai-act")
        if m.target and not m.inverted
    }
    names = {"equal": "equal-to", "subset": "subset-of", "superset": "superset-of", "intersects": "intersects-with"}
    for item in maps:
        source = item["sources"][0]["props"][1]["value"]
        target = item["targets"][0]["props"][1]["value"]
        mapping = stored[(source, target)]
        assert item["relationship"] == names[mapping.relation]
        assert item["remarks"] == mapping.rationale
        assert item["matching-rationale"] == mapping.rationale_type
        assert {"name": "strength", "value": str(mapping.strength), "ns": NS} in item["props"]
    assert collection["provenance"]["mapping-description"]
    assert collection["metadata"]["parties"], "the set's creators are parties"


def test_the_soa_exports_as_a_profile_and_the_implementations_as_a_component_definition(bundled: Service) -> None:
    profile = _export(bundled, "profile", "iso42001", "northwind")["profile"]
    Profile.model_validate(profile)
    rows = bundled.answers().organisation.statement_of_applicability("northwind")
    imported = profile["imports"][0]
    included = imported.get("include-controls", [{"with-ids": []}])[0]["with-ids"]
    excluded = imported.get("exclude-controls", [{"with-ids": []}])[0]["with-ids"]
    assert len(included) == sum(r.included for r in rows) and len(excluded) == sum(not r.included for r in rows)
    definition = _export(bundled, "component-definition", "iso42001", "northwind")["component-definition"]
    ComponentDefinition.model_validate(definition)
    requirements = definition["components"][0]["control-implementations"][0]["implemented-requirements"]
    assert requirements and all(r["props"][0]["name"] == "implementation-status" for r in requirements)
    assert any(r.get("links") for r in requirements), "evidence travels as links"


FOREIGN: dict[str, Any] = {
    "catalog": {
        "uuid": "5f6a1c9e-7a1b-4c8e-9d2f-1b2c3d4e5f60",
        "metadata": {
            "title": "Example Control Catalog",
            "last-modified": "2024-05-01T00:00:00Z",
            "version": "1.0",
            "oscal-version": "1.1.2",
            "parties": [{"uuid": "0f6a1c9e-7a1b-4c8e-9d2f-1b2c3d4e5f61", "type": "organization", "name": "Example"}],
        },
        "groups": [
            {
                "id": "ac",
                "class": "family",
                "title": "Access Control",
                "controls": [
                    {
                        "id": "ac-1",
                        "class": "SP800-53",
                        "title": "Policy and Procedures",
                        "props": [{"name": "label", "value": "AC-1"}],
                        "parts": [
                            {
                                "id": "ac-1_smt",
                                "name": "statement",
                                "prose": "Develop an access control policy.",
                                "parts": [{"id": "ac-1_smt.a", "name": "item", "prose": "Review it every year."}],
                            }
                        ],
                        "controls": [
                            {
                                "id": "ac-1.1",
                                "title": "Automation",
                                "parts": [{"id": "ac-1.1_smt", "name": "statement", "prose": "Automate the review."}],
                            }
                        ],
                    },
                    {
                        "id": "ac-2",
                        "title": "Withdrawn control",
                        "props": [{"name": "status", "value": "withdrawn"}],
                    },
                ],
            }
        ],
    }
}


def test_another_tools_catalog_imports_with_its_ids_titles_and_statements(
    memory_service: Service, tmp_path: Path
) -> None:
    memory_service.load([_write(tmp_path, "example-catalog.json", FOREIGN)], fmt="oscal", replace=True)
    catalog = memory_service.answers().catalog
    assert [v.ref for v in catalog.provisions("example-catalog")] == ["ac", "ac-1", "ac-1.1"]
    control = catalog.provision("example-catalog", "ac-1")
    assert control.kind == "control" and control.parent == "ac"
    assert control.summary == "Develop an access control policy.\nReview it every year."
    assert catalog.framework("example-catalog").publisher == "Example"


def _collection_naming(target_ref: str) -> dict[str, Any]:
    return {
        "mapping-collection": {
            "uuid": "6f6a1c9e-7a1b-4c8e-9d2f-1b2c3d4e5f62",
            "metadata": {
                "title": "Example to the second catalog",
                "last-modified": "2024-05-01T00:00:00Z",
                "version": "1",
                "oscal-version": "1.2.1",
                "parties": [{"uuid": "1f6a1c9e-7a1b-4c8e-9d2f-1b2c3d4e5f63", "type": "person", "name": "A. Tester"}],
            },
            "provenance": {
                "method": "human",
                "matching-rationale": "semantic",
                "status": "draft",
                "mapping-description": "How the example catalog's controls meet the second catalog's.",
            },
            "mappings": [
                {
                    "uuid": "7f6a1c9e-7a1b-4c8e-9d2f-1b2c3d4e5f64",
                    "source-resource": {"type": "catalog", "href": "example-catalog.json"},
                    "target-resource": {"type": "catalog", "href": "second-catalog.json"},
                    "maps": [
                        {
                            "uuid": "8f6a1c9e-7a1b-4c8e-9d2f-1b2c3d4e5f65",
                            "relationship": "subset-of",
                            "sources": [{"type": "control", "id-ref": "ac-1"}],
                            "targets": [{"type": "control", "id-ref": target_ref}],
                            "confidence-score": {"percentage": 0.6},
                            "remarks": "An access control policy is one of the policies the second catalog asks for.",
                        }
                    ],
                }
            ],
        }
    }


def _second() -> dict[str, Any]:
    second = copy.deepcopy(FOREIGN)
    second["catalog"]["metadata"]["title"] = "A second catalog"
    second["catalog"]["groups"][0]["controls"][0]["id"] = "pl-1"
    return second


def _files(tmp_path: Path, target_ref: str) -> list[Path]:
    return [
        _write(tmp_path, "example-catalog.json", FOREIGN),
        _write(tmp_path, "second-catalog.json", _second()),
        _write(tmp_path, "map.json", _collection_naming(target_ref)),
    ]


def test_another_tools_mapping_collection_imports_onto_the_frameworks_it_names(
    memory_service: Service, tmp_path: Path
) -> None:
    memory_service.load(_files(tmp_path, "pl-1"), fmt="oscal", replace=True)
    found = memory_service.answers().crosswalks.crosswalk("example-catalog", "second-catalog")
    assert [(m.source.ref, m.relation, m.target.ref if m.target else None, m.strength) for m in found] == [
        ("ac-1", "subset", "pl-1", 6)
    ]


def test_unknown_control_ids_in_a_mapping_collection_are_refused_with_the_oscal_path_and_nothing_is_loaded(
    memory_service: Service, tmp_path: Path
) -> None:
    revision = memory_service.answers().revision
    with pytest.raises(DataError) as raised:
        memory_service.load(_files(tmp_path, "Z.9"), fmt="oscal", replace=True)
    (problem,) = raised.value.problems
    assert problem.file.endswith("map.json") and "Z.9" in problem.message
    assert problem.path is not None and problem.path.startswith("mapping-collection → mappings → maps → 0")
    assert memory_service.answers().revision == revision
    assert memory_service.answers().catalog.frameworks() == []


def test_duplicate_control_ids_are_refused_naming_where_the_second_one_sits(
    memory_service: Service, tmp_path: Path
) -> None:
    data = copy.deepcopy(FOREIGN)
    data["catalog"]["groups"][0]["controls"].append(copy.deepcopy(data["catalog"]["groups"][0]["controls"][0]))
    with pytest.raises(DataError) as raised:
        memory_service.load([_write(tmp_path, "dup.json", data)], fmt="oscal", replace=True)
    assert any(
        "duplicate ref 'ac-1'" in p.message and p.path == "catalog → groups → 0 → controls → 2 → ref"
        for p in raised.value.problems
    ), raised.value.problems


def test_a_catalog_that_breaks_the_schema_names_the_object(memory_service: Service, tmp_path: Path) -> None:
    data = copy.deepcopy(FOREIGN)
    del data["catalog"]["groups"][0]["controls"][0]["controls"][0]["title"]
    with pytest.raises(DataError) as raised:
        memory_service.load([_write(tmp_path, "bad.json", data)], fmt="oscal", replace=True)
    (problem,) = raised.value.problems
    assert problem.path == "catalog → groups → 0 → controls → 0 → controls → 0" and "title" in problem.message


def test_a_catalog_of_100000_controls_is_refused_at_the_limit(memory_service: Service, tmp_path: Path) -> None:
    controls = [
        {"id": f"c-{i}", "title": f"Control {i}", "parts": [{"name": "statement", "prose": "Do the thing well."}]}
        for i in range(100_000)
    ]
    data = {"catalog": {"uuid": FOREIGN["catalog"]["uuid"], "metadata": FOREIGN["catalog"]["metadata"]}}
    data["catalog"]["controls"] = controls
    with pytest.raises(DataError, match=r"more than 50,000 groups and controls.*AIMSGRAPH_MAX_PROVISIONS"):
        memory_service.load([_write(tmp_path, "huge.json", data)], fmt="oscal", replace=True)
    assert memory_service.answers().catalog.frameworks() == []


def test_a_file_of_another_format_given_as_oscal_says_what_oscal_needs(memory_service: Service, tmp_path: Path) -> None:
    yaml_file = tmp_path / "catalog.yaml"
    yaml_file.write_text("framework: {id: x}\n", encoding="utf-8")
    with pytest.raises(DataError, match="not JSON: OSCAL is imported from its JSON form"):
        memory_service.load([yaml_file], fmt="oscal", replace=True)
    with pytest.raises(DataError, match="expected a top-level `catalog` or `mapping-collection`"):
        memory_service.load([_write(tmp_path, "ssp.json", {"system-security-plan": {}})], fmt="oscal", replace=True)
