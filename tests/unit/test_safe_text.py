"""Data written into exports and terminals can never act on the reader (core.safe_text)."""

from __future__ import annotations

import pytest

from core.safe_text import markdown_cell, spreadsheet_cell, terminal_text


@pytest.mark.parametrize("payload", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "＝1"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_quoted(payload: str) -> None:
    assert spreadsheet_cell(payload) == "'" + payload


def test_ordinary_cells_are_left_as_written() -> None:
    for text in ("Article 9(2)", "A.5.1", "risk = impact", ""):
        assert spreadsheet_cell(text) == text


def test_a_markdown_cell_cannot_forge_rows_columns_or_html() -> None:
    forged = "ok |\n| A.9.9 | injected | yes |\r\n<script>x</script> `code` \\"
    cell = markdown_cell(forged)
    assert "\n" not in cell and "\r" not in cell
    assert "|" not in cell.replace("\\|", "")
    assert "<script>" not in cell and "&lt;script&gt;" in cell
    assert "\\`code\\`" in cell


def test_terminal_text_shows_escape_sequences_instead_of_sending_them() -> None:
    hostile = "name\x1b[2J\x1b]0;pwned\x07\rover\x9b31m"
    shown = terminal_text(hostile)
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in shown)
    assert shown == "name\\x1b[2J\\x1b]0;pwned\\x07\\x0dover\\x9b31m"
    assert terminal_text("two\nlines", keep_newlines=True) == "two\nlines"
    assert terminal_text("two\nlines") == "two\\nlines"
