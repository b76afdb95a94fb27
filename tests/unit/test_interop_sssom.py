"""SSSOM that sssom-py keeps whole: a set that went through `sssom parse` reads back as the same set, `sssom
convert` keeps every value we write, and the sources are CURIEs of the curie map with their versions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml

from graph.service import Service

SSSOM = str(Path(sys.executable).parent / "sssom")
EXTENSIONS = ("strength", "rationale_type", "review_status", "from_authority", "harmonized_structure")


def _export(service: Service, set_id: str, tmp_path: Path) -> Path:
    path = tmp_path / f"{set_id}.sssom.tsv"
    path.write_text(service.answers().exports.mapping_set(set_id, "sssom"), encoding="utf-8")
    return path


def _sssom(*args: str) -> None:
    # The timeout is a guard against a hang, not a timing assert: sssom-py takes minutes on a busy machine.
    subprocess.run([SSSOM, *args], check=True, capture_output=True, timeout=900)


def _header(path: Path) -> dict[str, object]:
    lines = [line[2:] for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# ")]
    header: dict[str, object] = yaml.safe_load("\n".join(lines))
    return header


def test_sources_are_curies_of_the_curie_map_with_versions_and_extensions_declared(
    bundled: Service, tmp_path: Path
) -> None:
    header = _header(_export(bundled, "iso42001-eu-ai-act", tmp_path))
    curie_map = header["curie_map"]
    assert isinstance(curie_map, dict)
    assert header["subject_source"] == "agid:iso42001" and header["object_source"] == "agid:eu-ai-act"
    assert curie_map["agid"] == "https://w3id.org/aimsgraph/id/"
    assert curie_map["eu_ai_act"] == "https://w3id.org/aimsgraph/id/eu-ai-act/", "prefixes SSSOM tools accept"
    catalog = bundled.answers().catalog
    assert header["subject_source_version"] == catalog.framework("iso42001").version
    assert header["object_source_version"] == catalog.framework("eu-ai-act").version
    assert header["mapping_set_version"]
    declared = header["extension_definitions"]
    assert isinstance(declared, list)
    assert [d["slot_name"] for d in declared] == list(EXTENSIONS)


@pytest.mark.slow
@pytest.mark.parametrize("set_id", ["iso42001-eu-ai-act", "eu-ai-act-gdpr", "iso42001-iso27001"])
def test_a_set_that_went_through_sssom_parse_reads_back_as_the_same_set(
    bundled: Service, tmp_path: Path, set_id: str
) -> None:
    parsed = tmp_path / f"{set_id}.parsed.sssom.tsv"
    _sssom("parse", str(_export(bundled, set_id, tmp_path)), "-o", str(parsed))
    report = bundled.load([parsed])
    assert report.unchanged, "strength, rationale type, review status and flags all survived sssom-py"


@pytest.mark.slow
def test_sssom_convert_keeps_every_value_we_write(bundled: Service, tmp_path: Path) -> None:
    source = _export(bundled, "iso42001-iso27001", tmp_path)
    converted = tmp_path / "set.json"
    _sssom("convert", str(source), "-O", "json", "-o", str(converted))
    data = json.loads(converted.read_text(encoding="utf-8"))
    stored = {
        (m.source.ref, m.target.ref): m
        for m in bundled.answers().crosswalks.crosswalk("iso42001", "iso27001")
        if m.target and not m.inverted
    }
    found = [m for m in data["mappings"] if m["object_id"] != "sssom:NoTermFound"]
    assert len(found) == len(stored)
    for mapping in found:
        key = (unquote(mapping["subject_id"].split(":", 1)[1]), unquote(mapping["object_id"].split(":", 1)[1]))
        view = stored[key]
        assert mapping["confidence"] == pytest.approx((view.strength or 0) / 10)
        assert f"rationale_type={view.rationale_type}" in mapping["other"]
        assert mapping["comment"] == view.rationale
    harmonized = [m for m in found if "harmonized_structure=true" in m["other"]]
    assert harmonized, "the 42001 ↔ 27001 set states harmonized-structure pairs"
    assert data["subject_source"] == "agid:iso42001"
