"""SSSOM TSV ⇄ mapping sets, so other tools can exchange our crosswalks.

Writing and reading sit side by side so that export → import gives the same set back. Provisions are
CURIEs whose prefix is the framework id (`iso42001:A.6.2.4`, `eu-ai-act:Article%209%282%29`, declared in
the curie_map); the frameworks themselves are `subject_source`/`object_source` CURIEs (`agid:iso42001`) with
their versions. Relations travel as SKOS predicates (subset = skos:broadMatch, the target being broader) and
the rationale in `comment`. A source with no counterpart is a row whose object is `sssom:NoTermFound`.

Strength, rationale type, review status and the authority and harmonized-structure flags are declared
extension slots (SSSOM's `extension_definitions`). sssom-py 0.4 drops every mapping-level extension column
when it parses a file, so the same values also travel in standard slots it keeps: the strength as
`confidence` (strength / 10) and the rest in the mapping's `other` (`rationale_type=semantic|…`). The reader
takes the extension columns when they are there and the standard slots otherwise: a file that went through
`sssom parse` or `sssom convert` reads back whole.

A cell that a spreadsheet would run as a formula (`=cmd|' /C calc'!A0`) is written with a leading `'`, as is
one that starts with `'`; the reader removes one leading `'` from every cell, so our own files round-trip.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

from core.errors import DataError, Problem
from core.safe_text import spreadsheet_cell
from core.vocabulary import Relation
from loaders.limits import DEFAULT_LIMITS, InputLimits, check_items, read_text
from loaders.mapping_set import MappingSetFile, parse_mapping_set
from loaders.yaml_source import SourceDocument, parse_yaml
from ontology.namespaces import AG, AGID, SKOS
from ontology.terms import RELATION_FOR_SKOS, SKOS_MATCH

NO_TERM = "sssom:NoTermFound"
COLUMNS = [
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "comment",
    "strength",
    "rationale_type",
    "review_status",
    "from_authority",
    "harmonized_structure",
    "other",
]
_OTHER_KEYS = ("rationale_type", "review_status", "from_authority", "harmonized_structure")
EXTENSIONS = [
    {"slot_name": "strength", "property": AG + "strength", "type_hint": "http://www.w3.org/2001/XMLSchema#integer"},
    {"slot_name": "rationale_type", "property": AG + "rationaleType"},
    {"slot_name": "review_status", "property": AG + "reviewStatus"},
    {
        "slot_name": "from_authority",
        "property": AG + "fromAuthority",
        "type_hint": "http://www.w3.org/2001/XMLSchema#boolean",
    },
    {
        "slot_name": "harmonized_structure",
        "property": AG + "harmonizedStructure",
        "type_hint": "http://www.w3.org/2001/XMLSchema#boolean",
    },
]


def guard_cell(text: str) -> str:
    """A cell a spreadsheet opening the TSV shows as text: one that would start a formula (or that starts with
    the guard itself) gets a leading `'`, which `unguard_cell` removes on reading, so the value round-trips."""
    return "'" + text if text.startswith("'") or spreadsheet_cell(text) != text else text


def unguard_cell(text: str) -> str:
    return text[1:] if text.startswith("'") else text


class _TsvWriter:
    """Tab-separated rows, quoting a cell only when it holds a tab, a quote or any line break, and guarding a
    cell a spreadsheet would run as a formula (`guard_cell`).

    The csv module quotes only the characters of its own line terminator, so a bare carriage return in a
    rationale would split the row on reading; here every cell that could break a row is quoted.
    """

    _SPECIAL = ("\t", '"', "\n", "\r")

    def __init__(self, out: io.StringIO) -> None:
        self._out = out

    def _cell(self, value: object) -> str:
        text = guard_cell(str(value))
        if any(char in text for char in self._SPECIAL):
            return '"' + text.replace('"', '""') + '"'
        return text

    def writerow(self, cells: Sequence[object]) -> None:
        self._out.write("\t".join(self._cell(cell) for cell in cells) + "\n")


def prefix_of(framework: str) -> str:
    """A framework's CURIE prefix: its id with `-` as `_`, since SSSOM tools read a prefix as letters, digits,
    `_` and `.` only (sssom-py drops `eu-ai-act:` from the curie_map as unused)."""
    return re.sub(r"[^A-Za-z0-9_.]", "_", framework)


def _curie(framework: str, ref: str) -> str:
    return f"{prefix_of(framework)}:{quote(ref, safe='')}"


def _other(values: dict[str, str]) -> str:
    """SSSOM's `other`: `key=value` pairs joined by `|` (values here are single words)."""
    return "|".join(f"{key}={value}" for key, value in values.items() if value)


def write_sssom(
    mapping_set: MappingSetFile, labels: dict[tuple[str, str], str], versions: dict[str, str] | None = None
) -> str:
    """The set as SSSOM TSV; `labels` gives provision titles by (framework, ref) for the label columns,
    `versions` each framework's version for `subject_source_version`/`object_source_version`."""
    head = mapping_set.mapping_set
    src, tgt = head.source_framework, head.target_framework
    versions = versions or {}
    meta: dict[str, Any] = {
        "curie_map": {
            "agid": AGID,
            "skos": SKOS,
            "semapv": "https://w3id.org/semapv/vocab/",
            "sssom": "https://w3id.org/sssom/",
            prefix_of(src): f"{AGID}{quote(src, safe='')}/",
            prefix_of(tgt): f"{AGID}{quote(tgt, safe='')}/",
        },
        "mapping_set_id": f"{AGID}mapping-set/{head.id}",
        "mapping_set_version": head.created.isoformat(),
        "mapping_set_title": head.title,
        "mapping_set_description": head.description,
        "creator_label": list(head.creators),
        "mapping_date": head.created.isoformat(),
        "license": head.license or "https://www.apache.org/licenses/LICENSE-2.0",
        "subject_source": f"agid:{quote(src, safe='')}",
        "object_source": f"agid:{quote(tgt, safe='')}",
        **({"subject_source_version": versions[src]} if src in versions else {}),
        **({"object_source_version": versions[tgt]} if tgt in versions else {}),
        "extension_definitions": EXTENSIONS,
        "other": json.dumps(
            {
                "aimsgraph_review_status": head.review_status,
                "aimsgraph_authority": head.authority.model_dump() if head.authority else None,
            }
        ),
    }
    out = io.StringIO()
    for line in yaml.safe_dump(meta, sort_keys=False, allow_unicode=True).splitlines():
        out.write(f"# {line}\n")
    writer = _TsvWriter(out)
    writer.writerow(COLUMNS)
    for entry in mapping_set.mappings:
        writer.writerow(
            [
                _curie(src, entry.source),
                labels.get((src, entry.source), ""),
                "skos:" + SKOS_MATCH[Relation(entry.relation)].rsplit("#", 1)[1],
                _curie(tgt, entry.target),
                labels.get((tgt, entry.target), ""),
                "semapv:ManualMappingCuration",
                f"{entry.strength / 10:.1f}",
                entry.rationale,
                entry.strength,
                entry.rationale_type,
                entry.review_status or "",
                "true" if entry.from_authority else "",
                "true" if entry.harmonized_structure else "",
                _other(
                    {
                        "rationale_type": entry.rationale_type,
                        "review_status": entry.review_status or "",
                        "from_authority": "true" if entry.from_authority else "",
                        "harmonized_structure": "true" if entry.harmonized_structure else "",
                    }
                ),
            ]
        )
    for record in mapping_set.no_counterpart:
        writer.writerow(
            [
                _curie(src, record.source),
                labels.get((src, record.source), ""),
                "skos:exactMatch",
                NO_TERM,
                "",
                "semapv:ManualMappingCuration",
                "",
                record.rationale,
                "",
                "",
                "",
                "",
                "",
                "",
            ]
        )
    return out.getvalue()


def _ref(curie: str, framework: str) -> str | None:
    prefix, _, local = curie.partition(":")
    return unquote(local) if prefix == framework and local else None


class SssomHeader(BaseModel):
    """The metadata block this reader needs; other SSSOM fields are allowed and ignored."""

    model_config = ConfigDict(extra="allow")

    curie_map: dict[StrictStr, StrictStr] = Field(default_factory=dict)
    mapping_set_id: StrictStr = ""
    mapping_set_title: StrictStr | None = None
    mapping_set_description: StrictStr = ""
    creator_label: list[StrictStr] = Field(default_factory=list)
    mapping_date: dt.date | None = None
    license: StrictStr | None = None
    subject_source: StrictStr | None = None
    object_source: StrictStr | None = None
    other: StrictStr | None = None


def _header(lines: list[str], name: str, limits: InputLimits) -> tuple[SssomHeader, dict[str, Any]]:
    """The commented YAML header, validated; problems point at line 1 with the field that is wrong."""
    text = "\n".join(line[2:] if line.startswith("# ") else line[1:] for line in lines)
    meta = parse_yaml(text, name, limits).data if text.strip() else {}
    if not isinstance(meta, dict):
        raise DataError([Problem(name, "the SSSOM metadata header is not a YAML mapping", line=1)])
    try:
        header = SssomHeader.model_validate(meta)
    except ValidationError as error:
        raise DataError(
            [
                Problem(name, f"SSSOM metadata: {item['msg']}", line=1, path=" → ".join(map(str, item["loc"])))
                for item in error.errors()
            ]
        ) from error
    try:
        other = json.loads(header.other or "{}")
    except json.JSONDecodeError as error:
        raise DataError([Problem(name, f"SSSOM metadata `other` is not JSON: {error}", line=1)]) from error
    if not isinstance(other, dict):
        raise DataError([Problem(name, "SSSOM metadata `other` is not a JSON object", line=1)])
    return header, other


def _strength(row: dict[str, str]) -> int | str:
    """The strength column, else the confidence scaled to 1–10; the raw text when it is neither (refused later)."""
    strength = (row.get("strength") or "").strip()
    if strength:
        return int(strength) if strength.isdigit() else strength
    try:
        return round(float(row.get("confidence") or "") * 10)
    except ValueError:
        return row.get("confidence") or ""


def _with_other(row: dict[str, str]) -> dict[str, str]:
    """The row with the values `other` carries filled in where their own columns are empty or gone."""
    pairs = dict(part.split("=", 1) for part in (row.get("other") or "").split("|") if "=" in part)
    return {**row, **{key: pairs[key] for key in _OTHER_KEYS if not row.get(key) and pairs.get(key)}}


def _entry(row: dict[str, str], subject: str, obj: str, relation: Relation) -> dict[str, Any]:
    row = _with_other(row)
    entry: dict[str, Any] = {
        "source": subject,
        "target": obj,
        "relation": relation.value,
        "strength": _strength(row),
        "rationale_type": row.get("rationale_type") or "semantic",
        "rationale": row.get("comment") or "",
    }
    if row.get("review_status"):
        entry["review_status"] = row["review_status"]
    if row.get("from_authority") == "true":
        entry["from_authority"] = True
    if row.get("harmonized_structure") == "true":
        entry["harmonized_structure"] = True
    return entry


def _rows(body: str, first_line: int, name: str, limits: InputLimits) -> list[tuple[int, dict[str, str]]]:
    """The TSV rows with their line numbers; a quoted cell may hold line breaks, which are kept."""
    csv.field_size_limit(max(limits.max_field_chars, 1024))
    reader = csv.reader(io.StringIO(body, newline=""), delimiter="\t")
    try:
        columns = next(reader, [])
        repeated = sorted(column for column, count in Counter(columns).items() if count > 1)
        if repeated:
            raise DataError([Problem(name, f"column {repeated[0]!r} appears twice", line=first_line + 1)])
        rows: list[tuple[int, dict[str, str]]] = []
        line = first_line + reader.line_num
        for cells in reader:
            if len(cells) > len(columns):
                raise DataError(
                    [Problem(name, f"{len(cells)} cells where the header names {len(columns)}", line=line + 1)]
                )
            check_items(len(rows) + 1, name, limits, line=line + 1)
            rows.append((line + 1, dict(zip(columns, map(unguard_cell, cells), strict=False))))
            line = first_line + reader.line_num
    except csv.Error as error:
        raise DataError(
            [Problem(name, f"cannot read the table: {error}", line=first_line + reader.line_num)]
        ) from error
    return rows


def read_sssom(path: Path, limits: InputLimits = DEFAULT_LIMITS) -> tuple[SourceDocument, MappingSetFile]:
    """Read an SSSOM TSV written by aimsgraph (or shaped like it) as a mapping set; problems carry lines.

    Lines are split on line feeds only, never on other Unicode line breaks, and quoted cells keep their
    line breaks: a rationale survives export → import character for character.
    """
    name = str(path)
    text = read_text(path, limits)
    lines = text.split("\n")
    header_count = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    header, other = _header(lines[:header_count], name, limits)
    frameworks = {  # framework id → its CURIE prefix
        unquote(base[len(AGID) :].rstrip("/")): prefix
        for prefix, base in header.curie_map.items()
        if base.startswith(AGID) and base != AGID
    }

    def framework_of(value: str | None) -> str | None:
        iri = value.replace("agid:", AGID, 1) if value and value.startswith("agid:") else value
        return next((f for f in frameworks if f"{AGID}{quote(f, safe='')}" == iri), None)

    source, target = framework_of(header.subject_source), framework_of(header.object_source)
    doc = SourceDocument(file=name, data=None)
    mappings: list[dict[str, Any]] = []
    absent: list[dict[str, Any]] = []
    for line, row in _rows("\n".join(lines[header_count:]), header_count, name, limits):
        subject = _ref(row.get("subject_id") or "", frameworks.get(source or "", ""))
        if subject is None:
            doc.problems.append(
                Problem(name, f"subject {row.get('subject_id')!r} is not a {source} provision", line=line)
            )
            continue
        if row.get("object_id") == NO_TERM:
            doc.lines[("no_counterpart", len(absent))] = line
            absent.append({"source": subject, "rationale": row.get("comment") or ""})
            continue
        predicate = (row.get("predicate_id") or "").replace("skos:", SKOS)
        obj = _ref(row.get("object_id") or "", frameworks.get(target or "", ""))
        if predicate not in RELATION_FOR_SKOS or obj is None:
            doc.problems.append(
                Problem(
                    name, f"unknown predicate {row.get('predicate_id')!r} or object {row.get('object_id')!r}", line=line
                )
            )
            continue
        doc.lines[("mappings", len(mappings))] = line
        mappings.append(_entry(row, subject, obj, RELATION_FOR_SKOS[predicate]))
    set_id = header.mapping_set_id.rsplit("/", 1)[-1]
    doc.data = {
        "mapping_set": {
            "id": set_id,
            "title": header.mapping_set_title or set_id,
            "source_framework": source or "",
            "target_framework": target or "",
            "creators": header.creator_label,
            "created": header.mapping_date,
            "review_status": other.get("aimsgraph_review_status") or "asserted",
            "description": header.mapping_set_description,
            "license": header.license,
            **({"authority": other["aimsgraph_authority"]} if other.get("aimsgraph_authority") else {}),
        },
        "mappings": mappings,
        "no_counterpart": absent,
    }
    doc.lines[("mapping_set",)] = 1
    if source is None or target is None:
        doc.problems.append(Problem(name, "subject_source/object_source name no framework in the curie_map", line=1))
    if doc.problems:
        raise DataError(doc.problems)
    return doc, parse_mapping_set(doc)
