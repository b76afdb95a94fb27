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
    "risk",
    "action",
]
KINDS: tuple[str, ...] = get_args(Kind)
KIND_LABELS: dict[str, str] = {kind: "".join(part.title() for part in kind.split("_")) for kind in KINDS}
"""Each kind's record label and ontology class (`control_objective` → `ControlObjective`)."""
LABEL_KINDS: dict[str, str] = {label: kind for kind, label in KIND_LABELS.items()}
UNTITLED_KINDS: frozenset[str] = frozenset({"paragraph", "point", "action"})
"""Kinds that have no official heading of their own (a profile's suggested action is known by its id)."""
SUMMARISED_KINDS: frozenset[str] = frozenset(
    {"control", "article", "subcategory", "paragraph", "point", "definition", "risk", "action"}
)
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

AssetKind = Literal["ai_system", "model", "dataset", "vendor", "use_case"]
ASSET_KINDS: tuple[str, ...] = get_args(AssetKind)
ASSET_KIND_LABELS: dict[str, str] = {
    "ai_system": "AISystem",
    "model": "Model",
    "dataset": "Dataset",
    "vendor": "Vendor",
    "use_case": "UseCase",
}
"""Each asset kind's record label and ontology class."""
LABEL_ASSET_KINDS: dict[str, str] = {label: kind for kind, label in ASSET_KIND_LABELS.items()}

Fact = Literal[
    "personal_data",
    "special_category_data",
    "automated_decisions",
    "interacts_with_people",
    "generates_synthetic_content",
    "emotion_recognition",
    "biometric_categorisation",
    "deep_fake",
    "gpai",
    "gpai_systemic_risk",
    "transfers_outside_eea",
    "annex_i",
    "used_on_workers",
    "decisions_about_people",
    "post_remote_biometric_identification",
    "law_enforcement_use",
    "on_behalf_of_public_authority",
    "real_world_testing",
    "offered_to_children",
    "direct_marketing",
    "annex_x_component",
    "intended_for_public_authorities",
    "taken_over_by_new_provider",
    "specified_not_high_risk",
    "third_party_components",
    "third_party_components_open_source",
    "supplied_for_high_risk_system",
]
FACTS: tuple[str, ...] = get_args(Fact)
"""The yes/no facts an inventory states about an asset; applicability rules are conditions over them. Absent is
"no" (`null` says "not known"): the last fifteen are rare uses or claims (AI Act Articles 26(7), (10), (11), 49(3),
60, 111(1)-(2), 25(2), 25(4); GDPR Articles 8 and 21(2)) that an answer would otherwise hedge for every asset they
could concern."""
PROPAGATING_FACTS: frozenset[str] = frozenset({"personal_data", "special_category_data", "transfers_outside_eea"})
"""Facts an asset takes on from what it uses: a system that uses a dataset holding personal data processes
personal data. The others describe the use itself and stay with the asset that states them."""

OpenFact = Literal[
    "profiles_natural_persons",
    "third_party_conformity_assessment",
    "open_source",
    "substantial_modification",
    "own_name_or_trademark",
    "new_high_risk_purpose",
    "legal_or_similar_effects",
    "large_scale",
    "systematic_monitoring",
    "data_from_data_subject",
    "criminal_offence_data",
    "occasional_processing",
    "residual_high_risk",
    "publishes_public_interest_text",
    "human_editorial_review",
    "processor_for_us",
    "generates_imagery",
    "significant_design_change",
    "unlikely_to_result_in_risk",
]
OPEN_FACTS: tuple[str, ...] = get_args(OpenFact)
"""Yes/no facts about an asset that an inventory may leave unknown (absent): the law turns on them, and where
one is not stated, a duty that depends on it is answered "applies if ...", never guessed. The older `FACTS`
keep their meaning: absent is "no" (an inventory may still write `null` for "not known")."""

OrgFact = Literal["established_in_union", "public_body", "public_service_provider", "targets_people_in_union"]
ORG_FACTS: tuple[str, ...] = get_args(OrgFact)
"""Yes/no facts about the organisation as a whole; absent is unknown."""

ValueName = Literal[
    "art6_3_condition",
    "annex_i_section",
    "legal_basis",
    "placed_on_market",
    "put_into_service",
    "headcount_band",
    "information_exception",
    "breach_communication_exception",
]
VALUE_NAMES: tuple[str, ...] = get_args(ValueName)
"""Facts that take a value rather than yes/no (the last is the organisation's); absent is unknown."""
ORG_VALUE_NAMES: frozenset[str] = frozenset({"headcount_band"})
DATE_VALUES: frozenset[str] = frozenset({"placed_on_market", "put_into_service"})
Art63Condition = Literal["a", "b", "c", "d"]
AnnexISection = Literal["A", "B"]
LegalBasis = Literal[
    "consent", "contract", "legal_obligation", "vital_interests", "public_task", "legitimate_interests"
]
HeadcountBand = Literal["1-9", "10-49", "50-249", "250-999", "1000+"]
InformationException = Literal[
    "already_informed", "impossible_or_disproportionate", "required_by_law", "professional_secrecy"
]
"""GDPR Articles 13(4) and 14(5)(a)-(d): why the controller need not inform the person (absent: none claimed)."""
BreachCommunicationException = Literal["unintelligible_data", "subsequent_measures", "disproportionate_effort"]
"""GDPR Article 34(3)(a)-(c): why a breach need not be told to each person (absent: none claimed)."""
VALUE_CHOICES: dict[str, tuple[str, ...]] = {
    "art6_3_condition": get_args(Art63Condition),
    "annex_i_section": get_args(AnnexISection),
    "legal_basis": get_args(LegalBasis),
    "headcount_band": get_args(HeadcountBand),
    "information_exception": get_args(InformationException),
    "breach_communication_exception": get_args(BreachCommunicationException),
}
"""The values a rule may name for each valued fact (dates are compared, not listed)."""
CLOSED_VALUE_NAMES: frozenset[str] = frozenset(
    {"art6_3_condition", "information_exception", "breach_communication_exception"}
)
"""Valued facts whose absence is an answer: an exception or derogation the inventory does not claim is not claimed
(no Article 6(3) condition stated means the provider relies on none)."""
ManagementSystem = Literal["iso42001", "iso27001"]
MANAGEMENT_SYSTEMS: tuple[str, ...] = get_args(ManagementSystem)

ControlStatus = Literal["implemented", "partial", "planned", "excluded"]
CONTROL_STATUSES: tuple[str, ...] = get_args(ControlStatus)
EvidenceStatus = Literal["valid", "expiring", "expired", "missing"]
EVIDENCE_STATUSES: tuple[str, ...] = get_args(EvidenceStatus)
EXPIRING_WITHIN_DAYS = 30

Scope = Literal["all", "annex_i", "annex_iii"]
"""For which systems a dated rule speaks: all, or high-risk through Annex I (Art. 6(1)) or Annex III (6(2))."""
SCOPES: tuple[str, ...] = get_args(Scope)
ActStatus = Literal["proposed", "adopted", "published", "in_force"]

AssertedRelation = Literal["equal", "subset", "superset", "intersects"]
ReviewStatus = Literal["asserted", "reviewed", "proposed", "rejected"]
REVIEW_STATUSES: tuple[str, ...] = get_args(ReviewStatus)
"""A mapping's review: a curator asserted it, a reviewer confirmed it, someone proposed it (not yet reviewed),
or a reviewer rejected it (kept for the record, never used in a crosswalk)."""
ReviewDecision = Literal["reviewed", "rejected"]
REVIEW_DECISIONS: tuple[str, ...] = get_args(ReviewDecision)
RationaleType = Literal["syntactic", "semantic", "functional"]
RATIONALE_TYPES: tuple[str, ...] = get_args(RationaleType)
ASSERTED_RELATIONS: tuple[str, ...] = get_args(AssertedRelation)

KeyRole = Literal["viewer", "editor", "admin"]
KEY_ROLES: tuple[str, ...] = get_args(KeyRole)
"""What an API key may do, each role including the ones before it: viewer reads; editor also writes the
inventory and evidence; admin also reviews mappings and manages keys."""

# -- the work model (owners, work items on obligations and controls) ---------------------------------------
OwnerKind = Literal["person", "team"]
OWNER_KINDS: tuple[str, ...] = get_args(OwnerKind)
WorkStatus = Literal["not_started", "in_progress", "implemented", "verified"]
WORK_STATUSES: tuple[str, ...] = get_args(WorkStatus)
"""Where the work on an obligation or control stands, in the order it moves (`core.work` has the transitions)."""
InclusionReason = Literal[
    "risk_treatment",
    "legal_requirement",
    "contractual_requirement",
    "business_requirement",
    "stakeholder_expectation",
    "other",
]
INCLUSION_REASONS: tuple[str, ...] = get_args(InclusionReason)
"""Why a control is in the Statement of Applicability (ISO/IEC 42001 6.1.3 d asks for a justification of each
inclusion): the risk treatment chose it, a law or a contract requires it, the business or its stakeholders
expect it, or another reason stated in words."""
