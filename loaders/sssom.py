"""SSSOM TSV ⇄ mapping sets, so other tools can exchange our crosswalks.

Writing and reading sit side by side so that export → import gives the same set back. Provisions are
CURIEs whose prefix is the framework id (`iso42001:A.6.2.4`, `eu-ai-act:Article%209%282%29`, declared in
the curie_map). Relations travel as SKOS predicates (subset = skos:broadMatch, the target being broader);
strength, rationale type, review status and authority flags travel in declared extension slots, and the
rationale in `comment`. A source with no counterpart is a row whose object is `sssom:NoTermFound`.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import yaml

from core.errors import DataError, Problem
from core.vocabulary import Relation
from loaders.mapping_set import MappingSetFile, parse_mapping_set
from loaders.yaml_source import SourceDocument
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
]
EXTENSIONS = [
    {"slot_name": "strength", "property": AG + "strength", "type_hint": "http://www.w3.org/2001/XMLSchema#integer"},
    {"slot_name": "rationale_type", "property": AG + "rationaleType"},
    {"slot_name": "review_status", "property": AG + "reviewStatus"},
    {
        "slot_name": "from_authority",
        "property": AG + "fromAuthority",
        "type_hint": "http://www.w3.org/2001/XMLSchema#boolean",
    },
]


def _curie(framework: str, ref: str) -> str:
    return f"{framework}:{quote(ref, safe='')}"


def write_sssom(mapping_set: MappingSetFile, labels: dict[tuple[str, str], str]) -> str:
    """The set as SSSOM TSV; `labels` gives provision titles by (framework, ref) for the label columns."""
    head = mapping_set.mapping_set
    src, tgt = head.source_framework, head.target_framework
    meta: dict[str, Any] = {
        "curie_map": {
            "skos": SKOS,
            "semapv": "https://w3id.org/semapv/vocab/",
            "sssom": "https://w3id.org/sssom/",
            src: f"{AGID}{quote(src, safe='')}/",
            tgt: f"{AGID}{quote(tgt, safe='')}/",
        },
        "mapping_set_id": f"{AGID}mapping-set/{head.id}",
        "mapping_set_title": head.title,
        "mapping_set_description": head.description,
        "creator_label": list(head.creators),
        "mapping_date": head.created.isoformat(),
        "license": head.license or "https://www.apache.org/licenses/LICENSE-2.0",
        "subject_source": f"{AGID}{quote(src, safe='')}",
        "object_source": f"{AGID}{quote(tgt, safe='')}",
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
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
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
            ]
        )
    return out.getvalue()


def _ref(curie: str, framework: str) -> str | None:
    prefix, _, local = curie.partition(":")
    return unquote(local) if prefix == framework and local else None


def read_sssom(path: Path) -> tuple[SourceDocument, MappingSetFile]:
    """Read an SSSOM TSV written by aimsgraph (or shaped like it) as a mapping set; problems carry lines."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataError([Problem(name, f"cannot read file: {error}")]) from error
    lines = text.splitlines()
    header_count = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    try:
        meta = (
            yaml.safe_load("\n".join(line[2:] if line.startswith("# ") else line[1:] for line in lines[:header_count]))
            or {}
        )
        other = json.loads(meta.get("other") or "{}")
    except (yaml.YAMLError, json.JSONDecodeError) as error:
        raise DataError([Problem(name, f"the SSSOM metadata header is not valid: {error}", line=1)]) from error
    curies: dict[str, str] = meta.get("curie_map") or {}
    frameworks = [prefix for prefix, base in curies.items() if str(base).startswith(AGID)]
    source = next((f for f in frameworks if f"{AGID}{f}" == meta.get("subject_source")), None)
    target = next((f for f in frameworks if f"{AGID}{f}" == meta.get("object_source")), None)
    doc = SourceDocument(file=name, data=None)
    rows = list(csv.DictReader(lines[header_count:], delimiter="\t"))
    mappings: list[dict[str, Any]] = []
    absent: list[dict[str, Any]] = []
    for number, row in enumerate(rows):
        line = header_count + 2 + number
        subject = _ref(row.get("subject_id") or "", source or "")
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
        obj = _ref(row.get("object_id") or "", target or "")
        if predicate not in RELATION_FOR_SKOS or obj is None:
            doc.problems.append(
                Problem(
                    name, f"unknown predicate {row.get('predicate_id')!r} or object {row.get('object_id')!r}", line=line
                )
            )
            continue
        doc.lines[("mappings", len(mappings))] = line
        entry: dict[str, Any] = {
            "source": subject,
            "target": obj,
            "relation": RELATION_FOR_SKOS[predicate].value,
            "strength": int(row["strength"])
            if (row.get("strength") or "").isdigit()
            else round(float(row.get("confidence") or 0) * 10),
            "rationale_type": row.get("rationale_type") or "semantic",
            "rationale": row.get("comment") or "",
        }
        if row.get("review_status"):
            entry["review_status"] = row["review_status"]
        if row.get("from_authority") == "true":
            entry["from_authority"] = True
        mappings.append(entry)
    set_id = str(meta.get("mapping_set_id") or "").rsplit("/", 1)[-1]
    created = meta.get("mapping_date")
    doc.data = {
        "mapping_set": {
            "id": set_id,
            "title": meta.get("mapping_set_title") or set_id,
            "source_framework": source or "",
            "target_framework": target or "",
            "creators": list(meta.get("creator_label") or []),
            "created": created,
            "review_status": other.get("aimsgraph_review_status") or "asserted",
            "description": meta.get("mapping_set_description") or "",
            "license": meta.get("license"),
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
