"""Crosswalk, coverage and mapping export through the installed CLI, as analysts and tools use them."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from tests.conftest import Cli

pytestmark = pytest.mark.integration

SKOS = "http://www.w3.org/2004/02/skos/core#"


def test_crosswalk_json_has_the_contract_fields(seeded_cli: Cli) -> None:
    rows = seeded_cli.json("crosswalk", "iso42001", "iso27001")
    assert set(rows[0]) >= {"source", "target", "relation", "strength", "rationale", "provenance", "inferred", "path"}
    assert rows[0]["provenance"]["mappingSet"] == "iso42001-iso27001" and rows[0]["inferred"] is False
    absent = [r for r in rows if r["target"] is None]
    assert absent and all(r["relation"] == "no_relationship" for r in absent)


def test_inferred_crosswalk_and_strength_filter(seeded_cli: Cli) -> None:
    inferred = seeded_cli.json("crosswalk", "nist-ai-600-1", "iso42001", "--inferred")  # no set between the two
    assert inferred and all(r["inferred"] and len(r["path"]) >= 3 for r in inferred)
    strong = seeded_cli.json("crosswalk", "nist-ai-rmf", "iso42001", "--min-strength", "7")
    assert strong and all(r["strength"] >= 7 for r in strong)
    assert seeded_cli.run("crosswalk", "iso42001", "iso27001", "--min-strength", "11").returncode == 2


def test_matrix_view_prints_groups(seeded_cli: Cli) -> None:
    text = seeded_cli.run("crosswalk", "iso42001", "eu-ai-act", "--matrix", check=True).stdout
    assert "A.6" in text and "Chapter III" in text


def test_coverage_with_a_have_file(seeded_cli: Cli, tmp_path: Path) -> None:
    whole = seeded_cli.json("coverage", "--have", "nist-ai-rmf", "--want", "iso42001")
    have = tmp_path / "implemented.txt"
    have.write_text("# our implemented subcategories\nGOVERN 1.2\nmanage 4.3  # lenient refs\n")
    some = seeded_cli.json("coverage", "--have", "nist-ai-rmf", "--want", "iso42001", "--have-file", str(have))
    assert some["haveRefs"] == ["GOVERN 1.2", "manage 4.3"]
    assert len(some["uncovered"]) > len(whole["uncovered"])
    reached = {v["ref"] for v in some["partial"] + some["covered"]}
    assert {"5.2", "A.8.4"} <= reached
    reasons = next(v for v in some["partial"] + some["covered"] if v["ref"] == "A.8.4")["because"]
    assert reasons[0]["source"] == "MANAGE 4.3"
    have.write_text("GOVERN 99.9\n")
    result = seeded_cli.run("coverage", "--have", "nist-ai-rmf", "--want", "iso42001", "--have-file", str(have))
    assert result.returncode == 1 and "GOVERN 99.9" in result.stderr


@pytest.mark.parametrize(
    ("set_id", "source", "target"),
    [("nist-ai-rmf-iso42001", "nist-ai-rmf", "iso42001"), ("iso42001-iso27001", "iso42001", "iso27001")],
)
def test_sssom_export_round_trips(seeded_cli: Cli, tmp_path: Path, set_id: str, source: str, target: str) -> None:
    first = tmp_path / "first.sssom.tsv"
    seeded_cli.run("export", "mappings", "--set", set_id, "-o", str(first), check=True)
    before = seeded_cli.json("crosswalk", source, target)
    report = seeded_cli.json("load", str(first))
    assert report["unchanged"] is True  # every record read back equals the stored one, field for field
    assert seeded_cli.json("crosswalk", source, target) == before
    second = tmp_path / "second.sssom.tsv"
    seeded_cli.run("export", "mappings", "--set", set_id, "-o", str(second), check=True)
    assert second.read_text() == first.read_text()


def test_a_broken_sssom_file_is_refused_with_its_line(seeded_cli: Cli, tmp_path: Path) -> None:
    good = seeded_cli.run("export", "mappings", "--set", "iso42001-gdpr", check=True).stdout
    lines = good.splitlines()
    header_end = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    broken_line = header_end + 3
    lines[broken_line - 1] = lines[broken_line - 1].replace("iso42001:", "iso42001:Z", 1)
    path = tmp_path / "broken.sssom.tsv"
    path.write_text("\n".join(lines) + "\n")
    result = seeded_cli.run("load", str(path))
    assert (
        result.returncode == 1 and f"{path}:{broken_line}" in result.stderr and "unknown iso42001 ref" in result.stderr
    )


def test_skos_export_states_every_pair_with_the_right_predicate(seeded_cli: Cli) -> None:
    text = seeded_cli.run("export", "mappings", "--set", "iso42001-iso27001", "--format", "skos", check=True).stdout
    graph = rdflib.Graph().parse(data=text, format="turtle")
    related = list(graph.subject_objects(rdflib.URIRef(SKOS + "relatedMatch")))
    rows = [r for r in seeded_cli.json("crosswalk", "iso42001", "iso27001") if r["relation"] == "intersects"]
    assert len(related) == len(rows)
    mapping_nodes = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef("https://w3id.org/aimsgraph/ontology#Mapping")))
    assert len(mapping_nodes) == len(seeded_cli.json("crosswalk", "iso42001", "iso27001"))


def test_graph_export_and_mapping_sets_listing(seeded_cli: Cli) -> None:
    text = seeded_cli.run("export", "graph", "--format", "nt", check=True).stdout
    assert len(text.splitlines()) > 15_000
    sets = seeded_cli.json("mapping-sets")
    assert {s["id"] for s in sets} == {
        "iso42001-iso27001",
        "iso42001-eu-ai-act",
        "iso42001-gdpr",
        "nist-ai-rmf-iso42001",
        "nist-ai-rmf-eu-ai-act",
        "eu-ai-act-gdpr",
        "iso27001-gdpr",
        "iso27001-eu-ai-act",
        "nist-ai-rmf-iso27001",
        "nist-ai-rmf-gdpr",
        "nist-ai-600-1-nist-ai-rmf",
    }
    nist = next(s for s in sets if s["id"] == "nist-ai-rmf-iso42001")
    assert nist["created"].count("-") == 2 and isinstance(nist["creators"], list)  # dates and tuples as JSON
