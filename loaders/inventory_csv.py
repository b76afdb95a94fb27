"""Assets from a spreadsheet: one CSV row per asset, for inventories that live in spreadsheets.

Columns are the inventory's asset fields (docs/inventory-format.md) plus `organisation` (the same id on every
row) and an optional `organisation_name`. Lists (`roles`, `annex_iii`, `uses`) are separated by `;`; yes/no
facts read true/false, yes/no or 1/0, and an empty cell is the default. Loading a sheet replaces the
organisation's assets and keeps its controls and evidence (an evidence item naming a removed asset stops the
load, naming it).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.errors import DataError, Problem
from loaders.inventory import Asset, Organisation, check_assets
from loaders.limits import DEFAULT_LIMITS, InputLimits, check_items, read_text
from loaders.validation import validate_document
from loaders.yaml_source import SourceDocument

LISTS = ("roles", "annex_iii", "uses", "management_system_scopes")
TRUE, FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0"}


class AssetSheet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    organisation: Organisation
    assets: list[Asset] = Field(min_length=1)


def _cell(column: str, text: str, booleans: set[str]) -> Any:
    value = text.strip()
    if column in LISTS:
        return [item.strip() for item in value.split(";") if item.strip()]
    if column in booleans:
        lowered = value.lower()
        if lowered in TRUE:
            return True
        if lowered in FALSE:
            return False
        return value  # refused by the model, with the row's line
    return value


def _table(text: str, name: str, limits: InputLimits) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and each row as (the line it starts on, its cells by column).

    A quoted cell may span lines, so a row's line is where it starts, counted by the reader, not its index. A
    repeated column, a row with more cells than the header, and a table longer than the item limit are errors:
    none may silently drop or overwrite a value.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header = [column.strip() for column in next(reader, [])]
        seen: set[str] = set()
        for column in header:
            if column in seen:
                raise DataError([Problem(name, f"column {column!r} appears twice in the header", line=1)])
            seen.add(column)
        start = reader.line_num + 1
        for cells in reader:
            if len(cells) > len(header):
                message = f"{len(cells)} cells where the header names {len(header)} columns"
                raise DataError([Problem(name, message, line=start)])
            if any(cell.strip() for cell in cells):
                check_items(len(rows) + 1, name, limits, line=start)
                rows.append((start, dict(zip(header, cells, strict=False))))
            start = reader.line_num + 1
    except csv.Error as error:
        raise DataError([Problem(name, f"cannot read the table: {error}", line=reader.line_num)]) from error
    return header, rows


def read_assets_csv(path: Path, limits: InputLimits = DEFAULT_LIMITS) -> tuple[SourceDocument, AssetSheet]:
    name = str(path)
    text = read_text(path, limits)
    csv.field_size_limit(max(limits.max_field_chars, 1024))
    header, rows = _table(text, name, limits)
    booleans = {field for field, info in Asset.model_fields.items() if info.annotation in (bool, bool | None)}
    doc = SourceDocument(file=name, data=None, max_problems=limits.max_problems)
    columns = set(header)
    missing = {"organisation", "id", "kind", "name", "owner"} - columns
    if missing:
        raise DataError([Problem(name, f"missing column(s): {', '.join(sorted(missing))}", line=1)])
    unknown = columns - set(Asset.model_fields) - {"organisation", "organisation_name"}
    if unknown:
        raise DataError([Problem(name, f"unknown column(s): {', '.join(sorted(unknown))}", line=1)])
    orgs = {row.get("organisation", "").strip() for _, row in rows}
    if len(orgs) != 1:
        shown = sorted(orgs)[:5]
        raise DataError([Problem(name, f"every row names the same organisation; found {shown}", line=2)])
    org = orgs.pop()
    assets = []
    for index, (line, row) in enumerate(rows):
        doc.lines[("assets", index)] = line
        assets.append(
            {
                column: _cell(column, value, booleans)
                for column, value in row.items()
                if column not in ("organisation", "organisation_name") and value.strip()
            }
        )
    org_name = next((r.get("organisation_name") for _, r in rows if r.get("organisation_name")), None) or org
    doc.data = {"organisation": {"id": org, "name": org_name}, "assets": assets}
    doc.lines[("organisation",)] = 2
    check_assets(doc)
    return doc, validate_document(doc, AssetSheet, _no_more_checks, "asset sheet")


def _no_more_checks(doc: SourceDocument, parsed: AssetSheet) -> None:
    return None
