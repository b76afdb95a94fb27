"""`aimsgraph import FORMAT FILE…` and `aimsgraph export oscal|ciso-assistant|csv|xlsx` as a user types them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli

pytestmark = pytest.mark.integration


def test_an_oscal_export_imports_back_and_another_tools_catalog_imports(seeded_cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "nist.json"
    seeded_cli.run("export", "oscal", "catalog", "nist-ai-rmf", "-o", str(out), check=True)
    assert json.loads(out.read_text(encoding="utf-8"))["catalog"]["metadata"]["oscal-version"] == "1.2.1"
    again = seeded_cli.json("import", "oscal", str(out))
    assert again["unchanged"] is True
    library = tmp_path / "nist.yaml"
    seeded_cli.run("export", "ciso-assistant", "nist-ai-rmf", "-o", str(library), check=True)
    assert seeded_cli.json("import", "ciso-assistant", str(library))["unchanged"] is True


def test_bad_input_is_exit_1_with_file_and_path_and_an_unknown_format_exit_2(seeded_cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"catalog": {"metadata": {"title": "x"}, "controls": [{"id": "c-1"}]}}))
    result = seeded_cli.run("import", "oscal", str(bad))
    assert result.returncode == 1
    assert "bad.json [catalog → controls → 0]: a group or control needs an `id` and a `title`" in result.stderr
    assert "Traceback" not in result.stderr
    assert seeded_cli.run("import", "spreadsheet", str(bad)).returncode == 2
    assert seeded_cli.run("export", "oscal", "ssp", "x").returncode == 2


def test_spreadsheets_and_the_existing_exports_still_work(seeded_cli: Cli, tmp_path: Path) -> None:
    sheet = seeded_cli.run("export", "csv", "soa", check=True).stdout
    assert sheet.splitlines()[0].startswith("control,title,included")
    book = tmp_path / "audit.xlsx"
    seeded_cli.run("export", "xlsx", "soa", "gaps", "-o", str(book), check=True)
    assert book.read_bytes()[:2] == b"PK"
    assert seeded_cli.run("export", "mappings", "--set", "iso42001-gdpr", check=True).stdout.startswith("# curie_map")
