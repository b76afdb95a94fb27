"""Exports and terminal output cannot attack their reader (issue 24): a formula in a SoA justification is
text in the CSV, a newline cannot forge rows of the Markdown SoA, an SSSOM cell never starts a formula and
still round-trips, and a name holding escape sequences never reaches the terminal raw."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest
from rich.table import Table

from api.cli.common import make_table, out
from loaders.mapping_set import MappingSetFile
from loaders.sssom import read_sssom, write_sssom
from tests.conftest import Cli

FORMULA = "=cmd|' /C calc'!A0"
FORGED = "We have no customers.\n| A.9.9 | forged | yes | implemented | | | | |"
ESCAPES = "Scorer\x1b]0;pwned\x07\x1b[2J\x9b31m"
ORG = {
    "organisation": {"id": "acme", "name": "Acme\x1b[2J Bank"},
    "assets": [{"id": "scorer", "kind": "ai_system", "name": ESCAPES, "owner": "@risk", "roles": ["provider"]}],
    "controls": [
        {"framework": "iso42001", "ref": "A.10.4", "status": "excluded", "justification": FORMULA},
        {"framework": "iso42001", "ref": "A.10.3", "status": "excluded", "justification": FORGED},
    ],
}


@pytest.fixture
def hostile_cli(seeded_store: Path, tmp_path: Path) -> Cli:
    copy = tmp_path / "store"
    shutil.copytree(seeded_store, copy)
    (tmp_path / "acme.json").write_text(json.dumps(ORG))
    cli = Cli(copy)
    cli.run("load", str(tmp_path / "acme.json"), check=True)
    return cli


def raw_control(text: str) -> list[str]:
    return sorted({c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F})


def test_a_formula_in_a_justification_is_text_in_the_soa_csv(hostile_cli: Cli) -> None:
    text = hostile_cli.run("soa", "--org", "acme", "--format", "csv", check=True).stdout
    rows = {row["control"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows["A.10.4"]["justification"] == "'" + FORMULA
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows.values() for cell in row.values())


def test_a_newline_in_a_justification_cannot_forge_rows_of_the_markdown_soa(hostile_cli: Cli) -> None:
    text = hostile_cli.run("soa", "--org", "acme", "--format", "md", check=True).stdout
    table = [line for line in text.splitlines() if line.startswith("|")]
    controls = [line.split(" | ")[0].removeprefix("| ") for line in table[2:]]
    assert "A.9.9" not in controls and len(controls) == len(set(controls))
    (row,) = [line for line in table if line.startswith("| A.10.3 |")]
    assert "We have no customers. \\| A.9.9 \\| forged" in row


def test_names_with_escape_sequences_never_reach_the_terminal_raw(hostile_cli: Cli) -> None:
    result = hostile_cli.run("assets", "--org", "acme", check=True)
    assert not raw_control(result.stdout + result.stderr)
    assert "\\x1b]0;pwned" in result.stdout  # shown, not sent


def test_every_print_of_the_cli_console_is_neutralised() -> None:
    table: Table = make_table("t", ["a"], [[ESCAPES]])
    with out.capture() as captured:
        out.print(table)
        out.print(ESCAPES)  # a bare string, as a command might print it
    assert not raw_control(captured.get())


@pytest.mark.parametrize(
    "rationale", [FORMULA, "+1 the control covers it", "'quoted' from the start", "@here, see the SoA"]
)
def test_an_sssom_cell_never_starts_a_formula_and_round_trips(tmp_path: Path, rationale: str) -> None:
    original = MappingSetFile.model_validate(
        {
            "mapping_set": {
                "id": "hostile",
                "title": '=HYPERLINK("http://x")',
                "source_framework": "iso42001",
                "target_framework": "iso27001",
                "creators": ["tests"],
                "created": dt.date(2026, 1, 1),
                "description": "A set with hostile cells.",
            },
            "mappings": [
                {
                    "source": "4.1",
                    "target": "4.1",
                    "relation": "intersects",
                    "strength": 5,
                    "rationale_type": "semantic",
                    "rationale": rationale,
                }
            ],
        }
    )
    path = tmp_path / "hostile.sssom.tsv"
    path.write_text(write_sssom(original, {("iso42001", "4.1"): "-Context"}), encoding="utf-8")
    body = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    cells = [cell.strip('"') for line in body[1:] for cell in line.split("\t")]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells), cells
    _, again = read_sssom(path)
    assert again.mappings[0].rationale == rationale
