"""The Statement of Applicability as a file an auditor reads: CSV, JSON or Markdown.

Every cell is data someone typed (a justification, a title), and the file is opened by someone else: a CSV
cell never starts a spreadsheet formula and a Markdown cell stays one cell on one row (`core.safe_text`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from core.errors import UsageError
from core.safe_text import markdown_cell, spreadsheet_cell
from graph.views.read import SoaRow

COLUMNS = ["control", "title", "included", "status", "justification", "evidence", "evidence_status", "flag", "binding"]


def _cells(row: SoaRow) -> list[str]:
    return [
        row.control.ref,
        row.control.display_title,
        "yes" if row.included else "no",
        row.status,
        row.justification or "",
        " ".join(m.evidence.id for m in row.evidence),
        row.evidence_status,
        "rests on expired evidence" if row.rests_on_expired else "",
        "yes" if row.binding else "no (no ISO/IEC 42001 management system declared: guidance)",
    ]


def render_soa(rows: Sequence[SoaRow], fmt: str) -> str:
    if fmt == "json":
        return (
            json.dumps([dict(zip(COLUMNS, _cells(r), strict=True)) for r in rows], ensure_ascii=False, indent=2) + "\n"
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows([spreadsheet_cell(cell) for cell in _cells(r)] for r in rows)
        return out.getvalue()
    if fmt == "md":
        lines = [
            "# ISO/IEC 42001 Statement of Applicability",
            "",
            "| " + " | ".join(COLUMNS) + " |",
            "|" + "---|" * len(COLUMNS),
        ]
        lines += ["| " + " | ".join(markdown_cell(c) for c in _cells(r)) + " |" for r in rows]
        return "\n".join(lines) + "\n"
    raise UsageError(f"unknown format {fmt!r}; choose csv, json or md")
