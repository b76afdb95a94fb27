"""Timelines: when each provision of a law applies, and how amending acts changed that (format:
docs/ai-act-dates.md).

A timeline names the acts (the original regulation, then amending acts) and rules: a rule dates a set of
refs, for a scope (every system, or high-risk through Annex I or Annex III), under one act. An amending
act's rule holds from its `holds_from` date, so a question asked "as of" an earlier day gets the original
answer. Checks here need only the file; the refs are checked against the catalog when loaded.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, StrictStr, model_validator

from core.vocabulary import ActStatus, Scope
from loaders.validation import validate_document
from loaders.yaml_source import SourceDocument


class Act(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: StrictStr = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    title: StrictStr = Field(min_length=1)
    status: ActStatus
    adopted: dt.date | None = None  # the last institution's adoption (for an EU act, the Council's vote)
    signed: dt.date | None = None  # the signature by both Presidents: the date in the act's title
    published: dt.date | None = None
    in_force: dt.date | None = None
    oj_reference: StrictStr | None = None
    url: StrictStr | None = None
    sources: list[StrictStr] = Field(default_factory=list)
    uncertainty: StrictStr | None = None


class DateRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    act: StrictStr
    basis: StrictStr = Field(min_length=1)
    refs: list[StrictStr] = Field(min_length=1)
    scope: Scope = "all"
    applies_from: dt.date
    holds_from: dt.date | None = None
    note: StrictStr | None = None


class Timeline(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    framework: StrictStr
    acts: list[Act] = Field(min_length=1)
    rules: list[DateRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _original_first(self) -> Timeline:
        if self.acts[0].status != "in_force":
            raise ValueError("the first act is the law as first published, and it must be in force")
        return self


def _file_problems(doc: SourceDocument, parsed: Timeline) -> None:
    acts = {act.id: index for index, act in enumerate(parsed.acts)}
    if len(acts) != len(parsed.acts):
        doc.problems.append(doc.problem(("acts",), "two acts share an id"))
    for index, rule in enumerate(parsed.rules):
        where = ("rules", index)
        if rule.act not in acts:
            doc.problems.append(doc.problem((*where, "act"), f"unknown act {rule.act!r}; known: {', '.join(acts)}"))
        elif acts[rule.act] == 0 and rule.holds_from is not None:
            doc.problems.append(doc.problem((*where, "holds_from"), "the original act's rules hold from the start"))
        elif acts[rule.act] > 0 and rule.holds_from is None and parsed.acts[acts[rule.act]].status == "in_force":
            doc.problems.append(
                doc.problem((*where, "holds_from"), "a rule of an amending act in force says from when it holds")
            )


def parse_timeline(doc: SourceDocument) -> Timeline:
    """Validate an already-read document as a timeline, or raise DataError with every problem found."""
    return validate_document(doc, Timeline, _file_problems, "timeline")
