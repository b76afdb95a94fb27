"""The product's fixed vocabulary, written once: provision kinds, addressee roles, relations, statuses.

Every other place (pydantic models, the record ⇄ RDF table, the CLI, GraphQL enums) derives its lists from
here, so a new kind or role is added in one line.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, get_args

Kind = Literal[
    "chapter",
    "section",
    "article",
    "paragraph",
    "point",
    "annex",
    "clause",
    "control_objective",
    "control",
    "theme",
    "function",
    "category",
    "subcategory",
    "definition",
]
KINDS: tuple[str, ...] = get_args(Kind)
KIND_LABELS: dict[str, str] = {kind: "".join(part.title() for part in kind.split("_")) for kind in KINDS}
"""Each kind's record label and ontology class (`control_objective` → `ControlObjective`)."""
LABEL_KINDS: dict[str, str] = {label: kind for kind, label in KIND_LABELS.items()}
UNTITLED_KINDS: frozenset[str] = frozenset({"paragraph", "point"})
"""Kinds that have no official heading of their own."""
SUMMARISED_KINDS: frozenset[str] = frozenset({"control", "article", "subcategory", "paragraph", "point", "definition"})
"""Kinds where duties sit: each carries our own short summary."""

Role = Literal[
    "organisation",
    "provider",
    "deployer",
    "importer",
    "distributor",
    "authorised_representative",
    "product_manufacturer",
    "gpai_provider",
    "gpai_provider_systemic_risk",
    "notified_body",
    "member_state",
    "commission",
    "ai_office",
    "market_surveillance_authority",
    "controller",
    "processor",
    "joint_controller",
    "supervisory_authority",
    "data_subject",
    "recipient",
]
ROLES: tuple[str, ...] = get_args(Role)


class Relation(StrEnum):
    """The set-theory relationships of NIST IR 8477, read from a source S to a target T.

    `related` ("possibly related") is never asserted: only inference yields it. The algebra over these
    lives in `mappings.relations`.
    """

    EQUAL = "equal"
    SUBSET = "subset"
    SUPERSET = "superset"
    INTERSECTS = "intersects"
    NO_RELATIONSHIP = "no_relationship"
    RELATED = "related"


CoverageStatus = Literal["covered", "reusable", "partial", "uncovered"]
COVERAGE_STATUSES: tuple[str, ...] = get_args(CoverageStatus)
"""Coverage verdicts, best first (see `mappings.coverage`)."""

Scope = Literal["all", "annex_i", "annex_iii"]
"""For which systems a dated rule speaks: all, or high-risk through Annex I (Art. 6(1)) or Annex III (6(2))."""
SCOPES: tuple[str, ...] = get_args(Scope)
ActStatus = Literal["proposed", "adopted", "published", "in_force"]

AssertedRelation = Literal["equal", "subset", "superset", "intersects"]
ReviewStatus = Literal["asserted", "reviewed", "proposed"]
RationaleType = Literal["syntactic", "semantic", "functional"]
