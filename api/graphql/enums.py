"""GraphQL enums, one per fixed list of the vocabulary (`core.vocabulary`); a test keeps them equal.

Member names and values are the vocabulary's own (lower case), so Python code compares them with what the
store and the CLI's JSON hold. GraphQL shows each value under its UPPER_SNAKE name (`covered` is `COVERED`,
`ai_system` is `AI_SYSTEM`): GraphQL's own convention (docs/naming.md), applied in one place,
`EnumValuesUpperSnake`, so no resolver or filter sees the difference.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

import strawberry
from strawberry.schema.name_converter import NameConverter

if TYPE_CHECKING:
    from strawberry.types.enum import EnumValue, StrawberryEnumDefinition


class EnumValuesUpperSnake(NameConverter):
    """GraphQL's enum values in UPPER_SNAKE; the Python member (name and value) stays the vocabulary's.

    Strawberry names a GraphQL enum value after its Python member; this gives every enum the upper-case
    form without renaming the members the service compares against.
    """

    def from_enum_value(self, enum: StrawberryEnumDefinition, enum_value: EnumValue) -> str:
        return enum_value.name.upper()


@strawberry.enum(description="The kind of a provision in its source document.")
class ProvisionKind(Enum):
    chapter = "chapter"
    section = "section"
    article = "article"
    paragraph = "paragraph"
    point = "point"
    annex = "annex"
    clause = "clause"
    control_objective = "control_objective"
    control = "control"
    theme = "theme"
    function = "function"
    category = "category"
    subcategory = "subcategory"
    definition = "definition"
    risk = "risk"
    action = "action"


@strawberry.enum(description="A role a provision binds, or the organisation's role for an asset (AI Act, GDPR).")
class AddresseeRole(Enum):
    organisation = "organisation"
    provider = "provider"
    deployer = "deployer"
    importer = "importer"
    distributor = "distributor"
    authorised_representative = "authorised_representative"
    product_manufacturer = "product_manufacturer"
    gpai_provider = "gpai_provider"
    gpai_provider_systemic_risk = "gpai_provider_systemic_risk"
    notified_body = "notified_body"
    member_state = "member_state"
    commission = "commission"
    ai_office = "ai_office"
    market_surveillance_authority = "market_surveillance_authority"
    controller = "controller"
    processor = "processor"
    joint_controller = "joint_controller"
    supervisory_authority = "supervisory_authority"
    data_subject = "data_subject"
    recipient = "recipient"


@strawberry.enum(
    description="How a source provision relates to a target (NIST IR 8477); `related` is only ever inferred."
)
class Relation(Enum):
    equal = "equal"
    subset = "subset"
    superset = "superset"
    intersects = "intersects"
    no_relationship = "no_relationship"
    related = "related"


@strawberry.enum(description="A relation a person may assert between two provisions.")
class AssertedRelation(Enum):
    equal = "equal"
    subset = "subset"
    superset = "superset"
    intersects = "intersects"


@strawberry.enum(description="How well a target provision is covered, best first.")
class CoverageStatus(Enum):
    covered = "covered"
    reusable = "reusable"
    partial = "partial"
    uncovered = "uncovered"


@strawberry.enum(description="The kind of an organisation's asset.")
class AssetKind(Enum):
    ai_system = "ai_system"
    model = "model"
    dataset = "dataset"
    vendor = "vendor"
    use_case = "use_case"


@strawberry.enum(description="A yes/no fact an inventory states about an asset.")
class AssetFact(Enum):
    personal_data = "personal_data"
    special_category_data = "special_category_data"
    automated_decisions = "automated_decisions"
    interacts_with_people = "interacts_with_people"
    generates_synthetic_content = "generates_synthetic_content"
    emotion_recognition = "emotion_recognition"
    biometric_categorisation = "biometric_categorisation"
    deep_fake = "deep_fake"
    gpai = "gpai"
    gpai_systemic_risk = "gpai_systemic_risk"
    transfers_outside_eea = "transfers_outside_eea"
    annex_i = "annex_i"
    used_on_workers = "used_on_workers"
    decisions_about_people = "decisions_about_people"
    post_remote_biometric_identification = "post_remote_biometric_identification"
    law_enforcement_use = "law_enforcement_use"
    on_behalf_of_public_authority = "on_behalf_of_public_authority"
    real_world_testing = "real_world_testing"
    offered_to_children = "offered_to_children"
    direct_marketing = "direct_marketing"
    annex_x_component = "annex_x_component"
    intended_for_public_authorities = "intended_for_public_authorities"
    taken_over_by_new_provider = "taken_over_by_new_provider"
    specified_not_high_risk = "specified_not_high_risk"
    third_party_components = "third_party_components"
    third_party_components_open_source = "third_party_components_open_source"
    supplied_for_high_risk_system = "supplied_for_high_risk_system"
    profiles_natural_persons = "profiles_natural_persons"
    third_party_conformity_assessment = "third_party_conformity_assessment"
    open_source = "open_source"
    substantial_modification = "substantial_modification"
    own_name_or_trademark = "own_name_or_trademark"
    new_high_risk_purpose = "new_high_risk_purpose"
    legal_or_similar_effects = "legal_or_similar_effects"
    large_scale = "large_scale"
    systematic_monitoring = "systematic_monitoring"
    data_from_data_subject = "data_from_data_subject"
    criminal_offence_data = "criminal_offence_data"
    occasional_processing = "occasional_processing"
    residual_high_risk = "residual_high_risk"
    publishes_public_interest_text = "publishes_public_interest_text"
    human_editorial_review = "human_editorial_review"
    processor_for_us = "processor_for_us"
    generates_imagery = "generates_imagery"
    significant_design_change = "significant_design_change"
    unlikely_to_result_in_risk = "unlikely_to_result_in_risk"


@strawberry.enum(description="An implemented control's status, or an SoA exclusion.")
class ControlStatus(Enum):
    implemented = "implemented"
    partial = "partial"
    planned = "planned"
    excluded = "excluded"


@strawberry.enum(
    description="A control's standing in the Statement of Applicability (`undecided`: no decision recorded)."
)
class SoaStatus(Enum):
    implemented = "implemented"
    partial = "partial"
    planned = "planned"
    excluded = "excluded"
    undecided = "undecided"


@strawberry.enum(description="Evidence on the asked day: valid, expiring (within 30 days), expired, or missing.")
class EvidenceStatus(Enum):
    valid = "valid"
    expiring = "expiring"
    expired = "expired"
    missing = "missing"


@strawberry.enum(description="Where a mapping's review stands.")
class ReviewStatus(Enum):
    asserted = "asserted"
    reviewed = "reviewed"
    proposed = "proposed"
    rejected = "rejected"


@strawberry.enum(description="A reviewer's decision on a mapping.")
class ReviewDecision(Enum):
    reviewed = "reviewed"
    rejected = "rejected"


@strawberry.enum(description="The kind of reasoning behind a mapping (NIST IR 8477).")
class RationaleType(Enum):
    syntactic = "syntactic"
    semantic = "semantic"
    functional = "functional"


@strawberry.enum(description="For which systems a date applies: all, or high-risk through Annex I or Annex III.")
class DateScope(Enum):
    all = "all"
    annex_i = "annex_i"
    annex_iii = "annex_iii"


@strawberry.enum(description="What an API key may do; each role includes the ones before it.")
class KeyRole(Enum):
    viewer = "viewer"
    editor = "editor"
    admin = "admin"


@strawberry.enum(description="AI Act Article 6(3): the condition (a)-(d) a provider relies on for the derogation.")
class Art63Condition(Enum):
    a = "a"
    b = "b"
    c = "c"
    d = "d"


@strawberry.enum(description="GDPR Articles 13(4) and 14(5)(a)-(d): why the controller need not inform the person.")
class InformationException(Enum):
    already_informed = "already_informed"
    impossible_or_disproportionate = "impossible_or_disproportionate"
    required_by_law = "required_by_law"
    professional_secrecy = "professional_secrecy"


@strawberry.enum(description="GDPR Article 34(3)(a)-(c): why a breach need not be told to each person.")
class BreachCommunicationException(Enum):
    unintelligible_data = "unintelligible_data"
    subsequent_measures = "subsequent_measures"
    disproportionate_effort = "disproportionate_effort"


@strawberry.enum(description="The AI Act Annex I section of the product legislation (B: only Article 2(2)'s).")
class AnnexISection(Enum):
    A = "A"
    B = "B"


@strawberry.enum(description="The GDPR Article 6(1) legal basis of the processing.")
class LegalBasis(Enum):
    consent = "consent"
    contract = "contract"
    legal_obligation = "legal_obligation"
    vital_interests = "vital_interests"
    public_task = "public_task"
    legitimate_interests = "legitimate_interests"


@strawberry.enum(description="A management-system standard an organisation declares.")
class ManagementSystem(Enum):
    iso42001 = "iso42001"
    iso27001 = "iso27001"


@strawberry.enum(description="A person or a team, in the work model.")
class OwnerKind(Enum):
    person = "person"
    team = "team"


@strawberry.enum(
    description="Where the work on an obligation or control stands: not_started → in_progress → implemented → "
    "verified (back to in_progress from implemented or verified, with a reason)."
)
class WorkStatus(Enum):
    not_started = "not_started"
    in_progress = "in_progress"
    implemented = "implemented"
    verified = "verified"


@strawberry.enum(description="Why a control is in the Statement of Applicability (ISO/IEC 42001 6.1.3 d).")
class InclusionReason(Enum):
    risk_treatment = "risk_treatment"
    legal_requirement = "legal_requirement"
    contractual_requirement = "contractual_requirement"
    business_requirement = "business_requirement"
    stakeholder_expectation = "stakeholder_expectation"
    other = "other"


VOCABULARY_ENUMS: dict[str, type[Enum]] = {
    "ProvisionKind": ProvisionKind,
    "AddresseeRole": AddresseeRole,
    "Relation": Relation,
    "AssertedRelation": AssertedRelation,
    "CoverageStatus": CoverageStatus,
    "AssetKind": AssetKind,
    "AssetFact": AssetFact,
    "ControlStatus": ControlStatus,
    "SoaStatus": SoaStatus,
    "EvidenceStatus": EvidenceStatus,
    "ReviewStatus": ReviewStatus,
    "ReviewDecision": ReviewDecision,
    "RationaleType": RationaleType,
    "DateScope": DateScope,
    "KeyRole": KeyRole,
    "Art63Condition": Art63Condition,
    "AnnexISection": AnnexISection,
    "LegalBasis": LegalBasis,
    "InformationException": InformationException,
    "BreachCommunicationException": BreachCommunicationException,
    "ManagementSystem": ManagementSystem,
    "OwnerKind": OwnerKind,
    "WorkStatus": WorkStatus,
    "InclusionReason": InclusionReason,
}
