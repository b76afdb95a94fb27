"""Applicability rules: when a framework's provisions apply to an asset (format: docs/applicability-format.md).

A rule names provisions (by ref, or every provision of some kinds), a condition over the asset's facts, kind,
roles, Annex III points and the organisation's facts, the article and paragraph it rests on (`basis`) and a
short reason in our own words. Beyond "these provisions apply when", a rule can say what the law says about
duties that give way or move: a derogation (`replaces`: where it holds, other rules' duties do not apply), a
role that shifts (`grants_role`: Article 25 makes a deployer the provider), a later date for what was already
on the market (`transition` for one rule's duties; `defers` for other rules' duties, Article 111(1)-(2)), content
an amending act changed (`amended`), and a rule an amending act inserted (`holds_from`, `act`). Rules are data,
so a reviewer can read and change what the engine does without reading code.

Facts are three-valued: stated true, stated false, or not stated. A condition on a fact the inventory does
not state neither holds nor fails: the duty is answered "applies if ...", with the open condition.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, model_validator

from core.vocabulary import (
    DATE_VALUES,
    VALUE_CHOICES,
    AssetKind,
    Fact,
    Kind,
    ManagementSystem,
    OpenFact,
    OrgFact,
    Role,
    ValueName,
)
from loaders.validation import validate_document
from loaders.yaml_source import SourceDocument

AnyFact = Fact | OpenFact | OrgFact
DateValue = Literal["placed_on_market", "put_into_service"]


class Condition(BaseModel):
    """Every part given must hold; an empty condition holds for every asset."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kinds: list[AssetKind] = Field(default_factory=list, description="The asset is one of these kinds.")
    roles: list[Role] = Field(default_factory=list, description="The organisation holds one of these roles.")
    not_roles: list[Role] = Field(default_factory=list, description="The organisation holds none of these roles.")
    facts: list[AnyFact] = Field(default_factory=list, description="Every one of these facts holds.")
    any_facts: list[AnyFact] = Field(default_factory=list, description="At least one of these facts holds.")
    not_facts: list[AnyFact] = Field(default_factory=list, description="None of these facts holds.")
    annex_iii: Literal["any", "none"] | list[StrictStr] | None = Field(
        default=None, description='"any" Annex III point, "none", or one of the listed points.'
    )
    annex_iii_except: list[StrictStr] = Field(
        default_factory=list,
        description='Some Annex III point of the asset is not one of these ("2": all but point 2).',
    )
    values: dict[ValueName, list[StrictStr]] = Field(
        default_factory=dict, description="A valued fact is one of these values (legal_basis: [consent, contract])."
    )
    not_values: dict[ValueName, list[StrictStr]] = Field(
        default_factory=dict, description="A valued fact is none of these values."
    )
    before: dict[DateValue, dt.date] = Field(default_factory=dict, description="A dated fact is before this day.")
    dated_before: dt.date | None = Field(
        default=None,
        description="Placed on the market or put into service before this day (the earlier stated date decides). "
        "Only for a rule that replaces or defers duties: when the inventory states neither date the rule does not "
        "hold, and the duties it would replace or defer say in their date note what happens if it did.",
    )
    in_scope: bool | None = Field(default=None, description="Inside (or outside) the management system's scope.")
    management_system: ManagementSystem | None = Field(
        default=None, description="The organisation declares this management system and the asset is in its scope."
    )
    no_management_system: ManagementSystem | None = Field(
        default=None, description="The organisation does not declare this management system."
    )

    @model_validator(mode="after")
    def _values_known(self) -> Condition:
        for field_name, table in (("values", self.values), ("not_values", self.not_values)):
            for name, allowed in table.items():
                if name in DATE_VALUES:
                    raise ValueError(f"{field_name}: {name} is a date; compare it with `before`")
                unknown = [v for v in allowed if v not in VALUE_CHOICES[name]]
                if unknown or not allowed:
                    choices = ", ".join(VALUE_CHOICES[name])
                    raise ValueError(f"{field_name}.{name}: {unknown or 'no values'} (choose from {choices})")
        if self.annex_iii_except and self.annex_iii == "none":
            raise ValueError('annex_iii_except with annex_iii "none" can never hold')
        return self


class Transition(BaseModel):
    """Assets whose `value` date is before `before` get the duty from `applies_from` instead."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: DateValue
    before: dt.date
    applies_from: dt.date
    basis: StrictStr = Field(min_length=5, description="Where the law says so.")
    act: StrictStr | None = Field(default=None, description="The (amending) act in the timeline that says so.")
    open_value: DateValue | None = Field(
        default=None,
        description="A date the law's words do not name, on which whether the transition covers an asset is open "
        "(Article 111(4) names placing on the market, not putting into service).",
    )
    open_note: StrictStr | None = Field(
        default=None, min_length=10, description="What is open, said when only `open_value` is known."
    )

    @model_validator(mode="after")
    def _open_with_note(self) -> Transition:
        if (self.open_value is None) != (self.open_note is None):
            raise ValueError("open_value and open_note go together")
        if self.open_value == self.value:
            raise ValueError("open_value must be another date than value")
        return self


class AmendedContent(BaseModel):
    """What the provisions ask as amended by an act, from the day the amendment holds (our own summary)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    act: StrictStr = Field(description="The amending act's id in the framework's timeline.")
    holds_from: dt.date
    content: StrictStr = Field(min_length=10)


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: StrictStr = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    reason: StrictStr = Field(min_length=10)
    basis: StrictStr = Field(min_length=5, description="The article and paragraph the rule rests on.")
    provisions: list[StrictStr] = Field(default_factory=list)
    kinds: list[Kind] = Field(default_factory=list, description="Every provision of these kinds, instead of refs.")
    when: Condition = Field(default_factory=Condition)
    addressee: Role | None = Field(default=None, description="Whom it binds; default: the role that matched.")
    voluntary: bool = False
    replaces: list[StrictStr] = Field(
        default_factory=list, description="A derogation: where this rule holds, these rules' duties do not apply."
    )
    grants_role: Role | None = Field(default=None, description="Where it holds, the asset's roles include this one.")
    transition: Transition | None = None
    defers: list[StrictStr] = Field(
        default_factory=list,
        description="A deferral: where this rule holds, these rules' duties apply only from `defers_to`.",
    )
    defers_to: dt.date | None = Field(default=None, description="The later day the deferred duties apply from.")
    amended: list[AmendedContent] = Field(default_factory=list)
    holds_from: dt.date | None = Field(default=None, description="The rule is law from this day (an inserted rule).")
    act: StrictStr | None = Field(default=None, description="The amending act that inserted the rule.")

    @model_validator(mode="after")
    def _names_provisions(self) -> Rule:
        if not self.provisions and not self.kinds and not self.replaces and not self.grants_role and not self.defers:
            raise ValueError(
                "a rule names its provisions (refs), the kinds of provision it covers, "
                "what it replaces or defers, or the role it grants"
            )
        if bool(self.defers) != (self.defers_to is not None):
            raise ValueError("defers and defers_to go together")
        if self.when.dated_before is not None and not (self.replaces or self.defers):
            raise ValueError("dated_before is for a rule that replaces or defers duties (an unknown date never hedges)")
        if (self.provisions or self.kinds) and self.addressee is None and not self.when.roles:
            raise ValueError("a rule without roles in its condition says its addressee")
        if self.holds_from is not None and self.act is None:
            raise ValueError("a rule with holds_from names the act that inserted it")
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
    for index, rule in enumerate(parsed.applicability):
        for effect, targets in (("replaces", rule.replaces), ("defers", rule.defers)):
            for position, other in enumerate(targets):
                if other not in seen:
                    doc.problems.append(
                        doc.problem(("applicability", index, effect, position), f"unknown rule {other!r}")
                    )
                elif other == rule.id:
                    doc.problems.append(
                        doc.problem(("applicability", index, effect, position), f"a rule {effect} itself")
                    )


def parse_rules(doc: SourceDocument) -> RuleFile:
    """Validate an already-read document as applicability rules, or raise DataError with every problem."""
    return validate_document(doc, RuleFile, _file_problems, "rule file")
