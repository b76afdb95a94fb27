"""The tables an architect hands an auditor, as CSV or an XLSX workbook: a crosswalk matrix with titles, a
crosswalk as rows, coverage with its reasons, obligations per asset, gaps, the Statement of Applicability.

Each table is built once (`Table`: a title, column names, rows) from the answers every interface gets, then
written in either format. Every text cell goes through `core.safe_text.spreadsheet_cell`, so a title or
rationale that starts with `=` is shown as text and never run as a formula; numbers stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from core import deadlines
from core.errors import UsageError
from core.safe_text import spreadsheet_cell
from graph.read.crosswalks import Crosswalks
from graph.read.obligations import Obligations
from graph.views.read import MappingView, WorkItemView

CellValue = str | int | float | None
SHEETS = ("matrix", "crosswalk", "coverage", "obligations", "gaps", "soa")
_XLSX_SHEET_NAME = 31  # Excel's limit on a worksheet name


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    title: str
    columns: tuple[str, ...]
    rows: list[list[CellValue]]


def _safe(value: CellValue) -> CellValue:
    return spreadsheet_cell(value) if isinstance(value, str) else value


def _because(mappings: Sequence[MappingView]) -> str:
    return "; ".join(
        f"{m.source.framework} {m.source.ref} {m.relation} {m.target.framework if m.target else ''} "
        f"{m.target.ref if m.target else ''} (strength {m.strength}, {m.mapping_set}): {m.rationale}".replace("  ", " ")
        for m in mappings
    )


class Sheets:
    def __init__(self, crosswalks: Crosswalks, organisation: Obligations) -> None:
        self._crosswalks = crosswalks
        self._organisation = organisation

    def table(self, what: str, *, source: str | None, target: str | None, org: str | None) -> Table:
        if what in ("matrix", "crosswalk", "coverage") and (source is None or target is None):
            raise UsageError(f"the {what} sheet needs --from and --to (two framework ids)")
        if what == "matrix":
            assert source is not None and target is not None
            return self.matrix(source, target)
        if what == "crosswalk":
            assert source is not None and target is not None
            return self.crosswalk(source, target)
        if what == "coverage":
            assert source is not None and target is not None
            return self.coverage(source, target, org)
        if what == "obligations":
            return self.obligations(org)
        if what == "gaps":
            return self.gaps(org)
        if what == "soa":
            return self.soa(org)
        raise UsageError(f"unknown sheet {what!r}; choose one of {', '.join(SHEETS)}")

    def matrix(self, source: str, target: str) -> Table:
        """Source provisions down, target provisions across (each with its title), the relation in the cell;
        only provisions that take part in a mapping, so the grid stays readable."""
        views = self._crosswalks.crosswalk(source, target)
        rows_order: dict[str, MappingView] = {}
        cols_order: dict[str, MappingView] = {}
        cells: dict[tuple[str, str], str] = {}
        for m in sorted(views, key=lambda v: v.source.order):
            if m.target is None:
                continue
            rows_order.setdefault(m.source.iri, m)
            cols_order.setdefault(m.target.iri, m)
            cells[(m.source.iri, m.target.iri)] = m.relation
        columns = sorted(cols_order.values(), key=lambda v: v.target.order if v.target else 0)
        header = ("ref", "title", *(f"{c.target.ref} {c.target.display_title}" for c in columns if c.target))
        rows: list[list[CellValue]] = []
        for m in rows_order.values():
            row: list[CellValue] = [m.source.ref, m.source.display_title]
            row.extend(cells.get((m.source.iri, c.target.iri), "") for c in columns if c.target)
            rows.append(row)
        return Table("matrix", f"{source} × {target}: relation of each source provision to each target", header, rows)

    def crosswalk(self, source: str, target: str) -> Table:
        columns = (
            "source_ref",
            "source_title",
            "relation",
            "target_ref",
            "target_title",
            "strength",
            "rationale_type",
            "rationale",
            "mapping_set",
            "review_status",
            "inverted",
        )
        rows: list[list[CellValue]] = [
            [
                m.source.ref,
                m.source.display_title,
                m.relation,
                m.target.ref if m.target else "",
                m.target.display_title if m.target else "",
                m.strength,
                m.rationale_type or "",
                m.rationale,
                m.mapping_set,
                m.review_status,
                "yes" if m.inverted else "no",
            ]
            for m in self._crosswalks.crosswalk(source, target)
        ]
        return Table("crosswalk", f"Crosswalk {source} → {target}", columns, rows)

    def coverage(self, have: str, want: str, org: str | None) -> Table:
        result = (
            self._organisation.coverage(want, have=have, org=org)
            if org is not None
            else self._crosswalks.coverage(want, have=have)
        )
        rows: list[list[CellValue]] = [
            [v.unit.ref, v.unit.display_title, v.status, "yes" if v.rests_on_expired else "no", _because(v.because)]
            for v in result.verdicts
        ]
        return Table(
            "coverage",
            f"{want} as covered by {have}: covered {result.ratio:.1%}",
            ("ref", "title", "status", "rests_on_expired_evidence", "because"),
            rows,
        )

    def obligations(self, org: str | None) -> Table:
        rows: list[list[CellValue]] = []
        for asset in self._organisation.assets(org):
            deadlines.check()  # a request's timeout stops an export of a large organisation between assets
            answer = self._organisation.obligations(asset.id, org=asset.org)
            for item in answer.obligations:
                rows.append(
                    [
                        asset.id,
                        asset.name,
                        item.provision.framework,
                        item.provision.ref,
                        item.provision.display_title,
                        item.addressee,
                        "; ".join(f"{r.rule}: {r.reason}" for r in item.reasons),
                        item.status,
                        " ".join(m.evidence.id for m in item.evidence),
                        item.dates.applies_from.isoformat() if item.dates.applies_from else "",
                        "yes" if item.voluntary else "no",
                    ]
                )
        columns = (
            "asset",
            "asset_name",
            "framework",
            "ref",
            "title",
            "addressee",
            "reasons",
            "evidence_status",
            "evidence",
            "applies_from",
            "voluntary",
        )
        return Table("obligations", "Obligations per asset, with the reasons they apply", columns, rows)

    def gaps(self, org: str | None) -> Table:
        rows: list[list[CellValue]] = [
            [
                gap.owner,
                " ".join(gap.assets),
                gap.provision.framework,
                gap.provision.ref,
                gap.provision.display_title,
                gap.status,
                gap.applies_from.isoformat() if gap.applies_from else "",
                "yes" if gap.in_force else "no",
                gap.standing,
                " ".join(sorted({w.assignee for w in gap.work if w.assignee})),
                min((w.due.isoformat() for w in gap.work if w.due), default=""),
            ]
            for gap in self._organisation.gaps(org)
        ]
        columns = (
            "owner",
            "assets",
            "framework",
            "ref",
            "title",
            "status",
            "applies_from",
            "in_force",
            "standing",
            "assignee",
            "due",
        )
        return Table("gaps", "Binding obligations without valid evidence", columns, rows)

    def soa(self, org: str | None) -> Table:
        rows: list[list[CellValue]] = [
            [
                row.control.ref,
                row.control.display_title,
                "yes" if row.included else "no",
                row.status,
                row.justification or "",
                " ".join(m.evidence.id for m in row.evidence),
                row.evidence_status,
                " ".join(row.inclusion_reasons),
                row.inclusion_note or "",
                "no reason for inclusion stated" if row.missing_inclusion_reason else "",
                *_work_cells(row.work),
            ]
            for row in self._organisation.statement_of_applicability(org)
        ]
        columns = (
            "control",
            "title",
            "included",
            "status",
            "justification",
            "evidence",
            "evidence_status",
            "inclusion_reasons",
            "inclusion_note",
            "flag",
            *WORK_COLUMNS,
        )
        return Table("soa", "ISO/IEC 42001 Statement of Applicability", columns, rows)


WORK_COLUMNS = ("assignee", "due", "work_status", "review_cadence", "next_review")


def _work_cells(item: WorkItemView | None) -> list[CellValue]:
    """The work on a row: who, by when, where it stands, how often reviewed and when next."""
    if item is None:
        return ["", "", "", "", ""]
    due, upcoming = item.due, item.next_review
    return [
        item.assignee or "",
        due.isoformat() if due else "",
        item.status,
        item.review_cadence or "",
        upcoming.isoformat() if upcoming else "",
    ]


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows([_safe(cell) for cell in row] for row in table.rows)
    return out.getvalue()


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """A workbook, one worksheet per table: its title on the first row, the column names bold and frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    first = book.active
    for table in tables:
        sheet = book.create_sheet(table.name[:_XLSX_SHEET_NAME])
        sheet.append([_safe(table.title)])
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append([_safe(c) for c in table.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_safe(cell) for cell in row])
        sheet.freeze_panes = "A3"
    if first is not None and tables:
        book.remove(first)
    out = io.BytesIO()
    book.properties.created = dt.datetime(2000, 1, 1)  # a fixed date: the same content gives the same workbook
    book.save(out)
    return out.getvalue()
