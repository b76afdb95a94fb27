"""Mapping set files (YAML; format: docs/mapping-format.md).

Checks that need only the file happen here: field types, relation names, strength range, duplicate pairs,
a source both mapped and recorded as having no counterpart. Checks that need the catalogs (unknown refs)
and the other mapping sets (contradictions) happen in the service, which sees everything being loaded.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from core.vocabulary import AssertedRelation, RationaleType, ReviewStatus
from loaders.validation import validate_document
from loaders.yaml_source import SourceDocument

Id = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")


class Authority(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: StrictStr = Field(min_length=1)
    publisher: StrictStr = Field(min_length=1)
    url: StrictStr | None = None
    note: StrictStr | None = None


class MappingSetHeader(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: StrictStr = Id
    title: StrictStr = Field(min_length=1)
    source_framework: StrictStr = Field(min_length=1)
    target_framework: StrictStr = Field(min_length=1)
    creators: list[StrictStr] = Field(min_length=1)
    created: dt.date
    review_status: ReviewStatus = "asserted"
    description: StrictStr = Field(min_length=10)
    authority: Authority | None = None
    license: StrictStr | None = None


class MappingEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    source: StrictStr = Field(min_length=1)
    target: StrictStr = Field(min_length=1)
    relation: AssertedRelation
    strength: int = Field(ge=1, le=10)
    rationale_type: RationaleType
    rationale: StrictStr = Field(min_length=10, max_length=4000, pattern=r"^[^\x00]*$")
    review_status: ReviewStatus | None = None
    from_authority: bool = False
    harmonized_structure: bool = False  # the same ISO harmonized-structure requirement, for another system


class NoCounterpart(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    source: StrictStr = Field(min_length=1)
    rationale: StrictStr = Field(min_length=10)


class MappingSetFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    mapping_set: MappingSetHeader
    mappings: list[MappingEntry] = Field(default_factory=list)
    no_counterpart: list[NoCounterpart] = Field(default_factory=list)


def _file_problems(doc: SourceDocument, parsed: MappingSetFile) -> None:
    first_line: dict[tuple[str, str], int | None] = {}
    mapped_sources: set[str] = set()
    for index, entry in enumerate(parsed.mappings):
        pair = (entry.source, entry.target)
        here = ("mappings", index)
        if pair in first_line:
            doc.problems.append(
                doc.problem(
                    here, f"duplicate mapping {entry.source!r} → {entry.target!r} (first at line {first_line[pair]})"
                )
            )
        else:
            first_line[pair] = doc.line_of(here)
        mapped_sources.add(entry.source)
        if entry.source == entry.target and parsed.mapping_set.source_framework == parsed.mapping_set.target_framework:
            doc.problems.append(doc.problem(here, f"{entry.source!r} is mapped to itself"))
    if parsed.mapping_set.authority is None and any(e.from_authority for e in parsed.mappings):
        doc.problems.append(doc.problem(("mapping_set",), "mappings say from_authority but the set names no authority"))
    for index, entry in enumerate(parsed.mappings):
        if entry.harmonized_structure and entry.relation == "intersects":
            doc.problems.append(
                doc.problem(
                    ("mappings", index, "harmonized_structure"),
                    "a harmonized-structure pair states one requirement for two systems: equal, subset or superset",
                )
            )
    for index, record in enumerate(parsed.no_counterpart):
        if record.source in mapped_sources:
            doc.problems.append(
                doc.problem(
                    ("no_counterpart", index, "source"),
                    f"{record.source!r} is mapped and also recorded as having no counterpart",
                )
            )


def parse_mapping_set(doc: SourceDocument) -> MappingSetFile:
    """Validate an already-read document as a mapping set, or raise DataError with every problem found."""
    return validate_document(doc, MappingSetFile, _file_problems, "mapping set")
