"""Spreadsheets an architect hands an auditor: CSV and XLSX of the crosswalk (matrix and rows), coverage with
reasons, obligations per asset, gaps and the SoA; a text cell that a spreadsheet would run as a formula is
written as text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

from graph.service import Service
from tests.conftest import tiny_catalog


def test_the_crosswalk_rows_carry_both_titles_the_relation_and_the_rationale(bundled: Service) -> None:
    rows = list(
        csv.DictReader(io.StringIO(bundled.answers().interop.csv("crosswalk", source="iso42001", target="gdpr")))
    )
    views = bundled.answers().crosswalks.crosswalk("iso42001", "gdpr")
    assert len(rows) == len(views), "every mapping, and every source recorded as having no counterpart"
    first = next(row for row in rows if row["target_ref"])
    assert first["source_title"] and first["target_title"] and first["relation"] and first["rationale"]
    assert any(row["relation"] == "no_relationship" and row["rationale"] for row in rows)


def test_the_matrix_has_titled_rows_and_columns_and_a_relation_in_each_mapped_cell(bundled: Service) -> None:
    table = list(csv.reader(io.StringIO(bundled.answers().interop.csv("matrix", source="iso42001", target="gdpr"))))
    header, body = table[0], table[1:]
    assert header[:2] == ["ref", "title"] and all(" " in column for column in header[2:])
    assert all(any(cell in ("equal", "subset", "superset", "intersects") for cell in row[2:]) for row in body)


def test_the_workbook_holds_one_sheet_per_table_with_title_and_header(bundled: Service, tmp_path: Path) -> None:
    data = bundled.answers().interop.xlsx(source="iso42001", target="eu-ai-act", org="northwind")
    path = tmp_path / "book.xlsx"
    path.write_bytes(data)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["matrix", "crosswalk", "coverage", "obligations", "gaps", "soa"]
    soa = book["soa"]
    assert soa["A2"].value == "control" and soa.max_row == 2 + len(
        bundled.answers().organisation.statement_of_applicability("northwind")
    )
    coverage = book["coverage"]
    assert coverage["E2"].value == "because" and any(
        row[4] for row in coverage.iter_rows(min_row=3, values_only=True)
    ), "coverage says why"


def test_a_title_starting_with_a_formula_character_is_text_in_csv_and_xlsx(
    memory_service: Service, tmp_path: Path
) -> None:
    catalog = tmp_path / "evil.yaml"
    catalog.write_text(
        tiny_catalog(
            "evil",
            "{ref: '1', kind: control, title: '=HYPERLINK(\"http://x\",\"click\")',"
            " summary: 'A summary in our words.'}",
        ),
        encoding="utf-8",
    )
    other = tmp_path / "other.yaml"
    other.write_text(
        tiny_catalog("other", "{ref: '1', kind: control, title: Plain, summary: 'Another summary in our words.'}"),
        encoding="utf-8",
    )
    mapping = tmp_path / "set.yaml"
    mapping.write_text(
        "mapping_set: {id: evil-other, title: t, source_framework: evil, target_framework: other, creators: [t],\n"
        "  created: 2024-01-01, description: A test mapping set.}\n"
        "mappings:\n  - {source: '1', target: '1', relation: equal, strength: 5, rationale_type: semantic,\n"
        "     rationale: '+SUM(A1:A9) looks like a formula but is a rationale.'}\n",
        encoding="utf-8",
    )
    memory_service.load([catalog, other, mapping], replace=True)
    text = memory_service.answers().interop.csv("crosswalk", source="evil", target="other")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["source_title"].startswith("'=") and row["rationale"].startswith("'+")
    path = tmp_path / "book.xlsx"
    path.write_bytes(memory_service.answers().interop.xlsx(["crosswalk"], source="evil", target="other"))
    cell = openpyxl.load_workbook(path)["crosswalk"]["B3"]
    assert cell.data_type == "s" and str(cell.value).startswith("'=")
