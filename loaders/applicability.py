"""Applicability rules: when a framework's provisions apply to an asset (format: docs/applicability-format.md).

A rule names provisions (by ref, or every provision of some kinds), a condition over the asset's facts, kind,
roles and Annex III points, and a short reason in our own words. Rules are data, so a reviewer can read and
change what the engine does without reading code.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, model_validator

from core.vocabulary import AssetKind, Fact, Kind, Role
from loaders.validation import validate_document
from loaders.yaml_source import SourceDocument


class Condition(BaseModel):
    """Every part given must hold; an empty condition holds for every asset."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kinds: list[AssetKind] = Field(default_factory=list, description="The asset is one of these kinds.")
    roles: list[Role] = Field(default_factory=list, description="The organisation holds one of these roles.")
    facts: list[Fact] = Field(default_factory=list, description="Every one of these facts holds.")
    any_facts: list[Fact] = Field(default_factory=list, description="At least one of these facts holds.")
    not_facts: list[Fact] = Field(default_factory=list, description="None of these facts holds.")
    annex_iii: Literal["any", "none"] | list[StrictStr] | None = Field(
        default=None, description='"any" Annex III point, "none", or one of the listed points.'
    )
    in_scope: bool | None = Field(default=None, description="Inside (or outside) the management system's scope.")


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: StrictStr = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    reason: StrictStr = Field(min_length=10)
    provisions: list[StrictStr] = Field(default_factory=list)
    kinds: list[Kind] = Field(default_factory=list, description="Every provision of these kinds, instead of refs.")
    when: Condition = Field(default_factory=Condition)
    addressee: Role | None = Field(default=None, description="Whom it binds; default: the role that matched.")
    voluntary: bool = False

    @model_validator(mode="after")
    def _names_provisions(self) -> Rule:
        if not self.provisions and not self.kinds:
            raise ValueError("a rule names its provisions (refs) or the kinds of provision it covers")
        if self.addressee is None and not self.when.roles:
            raise ValueError("a rule without roles in its condition says its addressee")
        return self


class RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    framework: StrictStr
    applicability: list[Rule] = Field(min_length=1)


def _file_problems(doc: SourceDocument, parsed: RuleFile) -> None:
    seen: set[str] = set()
    for index, rule in enumerate(parsed.applicability):
        if rule.id in seen:
            doc.problems.append(doc.problem(("applicability", index, "id"), f"duplicate rule id {rule.id!r}"))
        seen.add(rule.id)


def parse_rules(doc: SourceDocument) -> RuleFile:
    """Validate an already-read document as applicability rules, or raise DataError with every problem."""
    return validate_document(doc, RuleFile, _file_problems, "rule file")
