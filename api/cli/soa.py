"""The Statement of Applicability as a file an auditor reads: CSV, JSON or Markdown.

CSV and Markdown head their columns with the documented snake_case names an auditor's spreadsheet reads
(`inclusion_reasons`, `evidence_status`); JSON names the same cells in camelCase, as all JSON we write
(`inclusionReasons`, `evidenceStatus`; docs/naming.md).

Every cell is data someone typed (a justification, a title), and the file is opened by someone else: a CSV
cell never starts a spreadsheet formula and a Markdown cell stays one cell on one row (`core.safe_text`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from core.errors import UsageError
from core.naming import camel
from core.safe_text import markdown_cell, spreadsheet_cell
from graph.views.read import SoaRow

COLUMNS = [
    "control",
    "title",
    "included",
    "status",
    "justification",
    "inclusion_reasons",
    "inclusion_note",
    "evidence",
    "evidence_status",
    "flag",
    "binding",
    "assignee",
    "due",
    "work_status",
    "review_cadence",
    "next_review",
]
JSON_KEYS = [camel(column) for column in COLUMNS]


def _flags(row: SoaRow) -> str:
    """What an auditor must look at: evidence that expired, an inclusion without its reason (6.1.3 d)."""
    flags = ["rests on expired evidence"] if row.rests_on_expired else []
    if row.missing_inclusion_reason:
        flags.append("no reason for inclusion stated")
    return "; ".join(flags)


def _cells(row: SoaRow) -> list[str]:
    work = row.work
    return [
        row.control.ref,
        row.control.display_title,
        "yes" if row.included else "no",
        row.status,
        row.justification or "",
        " ".join(row.inclusion_reasons),
        row.inclusion_note or "",
        " ".join(m.evidence.id for m in row.evidence),
        row.evidence_status,
        _flags(row),
        "yes" if row.binding else "no (no ISO/IEC 42001 management system declared: guidance)",
        (work.assignee or "") if work else "",
        (work.due.isoformat() if work.due else "") if work else "",
        work.status if work else "",
        (work.review_cadence or "") if work else "",
        (work.next_review.isoformat() if work.next_review else "") if work else "",
    ]


def render_soa(rows: Sequence[SoaRow], fmt: str) -> str:
    if fmt == "json":
        cells = [dict(zip(JSON_KEYS, _cells(r), strict=True)) for r in rows]
        return json.dumps(cells, ensure_ascii=False, indent=2) + "\n"
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
