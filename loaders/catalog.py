"""Framework catalogs: one YAML file per framework (format: docs/catalog-format.md).

Checks beyond the field types, because a catalog is a tree: refs are unique, every parent exists and comes
before its children (which also rules out cycles), and the kinds that carry duties have a summary.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, StrictStr, model_validator

from core.vocabulary import SUMMARISED_KINDS, UNTITLED_KINDS, Kind, Role
from loaders.validation import validate_document
from loaders.yaml_source import SourceDocument

NonEmpty = Field(min_length=1)


class FrameworkHeader(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: StrictStr = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: StrictStr = NonEmpty
    title: StrictStr = NonEmpty
    version: StrictStr = NonEmpty
    issued: dt.date
    publisher: StrictStr = NonEmpty
    source: StrictStr = NonEmpty
    url: StrictStr | None = None
    binding: bool
    default_addressees: list[Role] = Field(default_factory=list)


class ProvisionEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    ref: StrictStr = NonEmpty
    kind: Kind
    title: StrictStr | None = None
    parent: StrictStr | None = None
    summary: StrictStr | None = Field(default=None, min_length=10)
    addressees: list[Role] = Field(default_factory=list)
    applies_from: dt.date | None = None
    informative: bool = False
    used_in: list[StrictStr] = Field(default_factory=list)  # for a definition: refs of provisions using the term

    @model_validator(mode="after")
    def _required_text(self) -> ProvisionEntry:
        if self.kind not in UNTITLED_KINDS and not self.title:
            raise ValueError(f"a {self.kind} needs its official title")
        if self.kind in SUMMARISED_KINDS and not self.summary:
            raise ValueError(f"a {self.kind} needs a summary in our own words")
        return self


class Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    framework: FrameworkHeader
    provisions: list[ProvisionEntry] = Field(min_length=1)


def _tree_problems(doc: SourceDocument, catalog: Catalog) -> None:
    first_seen: dict[str, int] = {}
    for index, entry in enumerate(catalog.provisions):
        path = ("provisions", index)
        if entry.parent is not None:
            if entry.parent == entry.ref:
                doc.problems.append(doc.problem((*path, "parent"), f"{entry.ref!r} names itself as parent"))
            elif entry.parent not in first_seen:
                later = any(other.ref == entry.parent for other in catalog.provisions[index + 1 :])
                reason = "comes after its child; list parents first" if later else "does not exist in this catalog"
                doc.problems.append(
                    doc.problem((*path, "parent"), f"parent {entry.parent!r} of {entry.ref!r} {reason}")
                )
        for position, used in enumerate(entry.used_in):
            if not any(other.ref == used for other in catalog.provisions):
                doc.problems.append(
                    doc.problem((*path, "used_in", position), f"used_in names {used!r}, which is not in this catalog")
                )
        if entry.ref in first_seen:
            first = first_seen[entry.ref]
            doc.problems.append(
                doc.problem(
                    (*path, "ref"), f"duplicate ref {entry.ref!r} (first at line {doc.line_of(('provisions', first))})"
                )
            )
        else:
            first_seen[entry.ref] = index


def parse_catalog(doc: SourceDocument) -> Catalog:
    """Validate an already-read document as a catalog, or raise DataError with every problem found."""
    return validate_document(doc, Catalog, _tree_problems, "catalog")
