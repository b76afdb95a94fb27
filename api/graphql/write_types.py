"""GraphQL types of the write side: inputs, payloads with typed errors, audit entries and API keys.

Why errors in the payload: a refused write (an unknown asset in `uses`, a cycle, a control ref that does not
exist) is an answer the client acts on, field by field, like a form's validation; the top-level `errors` list
is kept for what is not about the input (no key, no role, a read-only server, a timeout).
"""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON

from api.graphql.enums import (
    AddresseeRole,
    AnnexISection,
    Art63Condition,
    AssertedRelation,
    AssetKind,
    BreachCommunicationException,
    ControlStatus,
    InclusionReason,
    InformationException,
    KeyRole,
    LegalBasis,
    ManagementSystem,
    RationaleType,
    ReviewStatus,
)
from api.graphql.types import Asset
from core.errors import AimsgraphError, DataError
from core.naming import camel
from graph.views.write import ApiKeyView, AuditEntryView, ChangesView, MappingRef


@strawberry.enum(description="Why a write was refused.")
class MutationErrorCode(Enum):
    BAD_INPUT = "BAD_INPUT"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"


@strawberry.type(description="One reason a write was refused, at the input field it concerns.")
class MutationError:
    code: MutationErrorCode = strawberry.field(description="BAD_INPUT, NOT_FOUND or CONFLICT.")
    message: str = strawberry.field(description="What is wrong, in words a person acts on.")
    path: list[str] = strawberry.field(description="Where in the input, e.g. ['input', 'uses', '0']; [] for all of it.")


def mutation_errors(error: AimsgraphError) -> list[MutationError]:
    """A service refusal as payload errors: one per problem, each at its path, named as the GraphQL input names
    it (the service checks the inventory's `annex_iii`; the client sent and reads `annexIii`)."""
    code = MutationErrorCode(error.code) if error.code in MutationErrorCode.__members__ else MutationErrorCode.BAD_INPUT
    if isinstance(error, DataError):
        return [
            MutationError(
                code=code, message=p.message, path=[camel(part) for part in p.path.split(" → ")] if p.path else []
            )
            for p in error.problems
        ]
    return [MutationError(code=code, message=str(error), path=[])]


@strawberry.type(description="One change, as the audit trail keeps it: who, when, what, before and after.")
class AuditEntry:
    view: strawberry.Private[AuditEntryView]

    @strawberry.field(description="The entry's id.")
    def id(self) -> str:
        return self.view.id

    @strawberry.field(description="The store revision the change committed as; orders entries.")
    def sequence(self) -> int:
        return self.view.sequence

    @strawberry.field(description="When the change committed (UTC).")
    def recorded_at(self) -> dt.datetime:
        return self.view.recorded_at

    @strawberry.field(description="Who made it: `key <id> (<name>)`, `cli <user>` or `anonymous`.")
    def actor(self) -> str:
        return self.view.actor

    @strawberry.field(description="The id of the API key it was made with, if any.")
    def actor_key_id(self) -> str | None:
        return self.view.actor_key

    @strawberry.field(description="The mutation or command, e.g. upsertAsset.")
    def operation(self) -> str:
        return self.view.operation

    @strawberry.field(description="The organisation it concerns, if any.")
    def organisation(self) -> str | None:
        return self.view.organisation

    @strawberry.field(description="What kind of thing changed: asset, control, evidence, mapping or api_key.")
    def target_kind(self) -> str:
        return self.view.kind

    @strawberry.field(description="The id of what changed.")
    def target_id(self) -> str:
        return self.view.target

    @strawberry.field(description="The value before, in the inventory's own form; null when it was created.")
    def before(self) -> JSON | None:
        value: JSON = json.loads(self.view.before)
        return value

    @strawberry.field(description="The value after, in the inventory's own form; null when it was removed.")
    def after(self) -> JSON | None:
        value: JSON = json.loads(self.view.after)
        return value

    @strawberry.field(description="The X-Request-ID of the request that made it, as in the server's log.")
    def request_id(self) -> str | None:
        return self.view.request_id


@strawberry.type(description="A page of the changes feed: what was committed after a sequence, oldest first.")
class ChangeFeed:
    view: strawberry.Private[ChangesView]

    @strawberry.field(
        description="The changes, oldest first, as the audit trail keeps them: at most `first`, plus the rest of "
        "the last commit (a commit's changes come together)."
    )
    def entries(self) -> list[AuditEntry]:
        return [AuditEntry(view=entry) for entry in self.view.entries]

    @strawberry.field(description="Pass as `since` next time: everything up to it has been handed out.")
    def next(self) -> int:
        return self.view.next

    @strawberry.field(description="More changes were already there after `next`: ask again at once.")
    def has_more(self) -> bool:
        return self.view.more

    @strawberry.field(description="The store revision this page was read at.")
    def revision(self) -> int:
        return self.view.revision


@strawberry.type(description="An API key, without its secret.")
class ApiKey:
    view: strawberry.Private[ApiKeyView]

    @strawberry.field(description="The key's id (the part of the token after `agk_`).")
    def id(self) -> str:
        return self.view.id

    @strawberry.field(description="What it is for, as its creator named it.")
    def name(self) -> str:
        return self.view.name

    @strawberry.field(description="What it may do.")
    def role(self) -> KeyRole:
        return KeyRole(self.view.role)

    @strawberry.field(description="When it was created (UTC).")
    def created_at(self) -> dt.datetime:
        return self.view.created_at

    @strawberry.field(description="When it was revoked; null while it is active.")
    def revoked_at(self) -> dt.datetime | None:
        return self.view.revoked_at


@strawberry.type(description="Who is asking: the role this request runs with, and its key.")
class Caller:
    role: KeyRole | None = strawberry.field(description="The request's role; null when it may do nothing.")
    key: ApiKey | None = strawberry.field(description="The key it authenticated with; null when anonymous.")


@strawberry.type(description="An implemented control or Statement of Applicability decision, as recorded.")
class ControlDecision:
    framework: str = strawberry.field(description="The framework of the control.")
    ref: str = strawberry.field(description="The control's ref, e.g. A.6.2.4.")
    status: ControlStatus = strawberry.field(description="implemented, partial, planned or excluded.")
    justification: str | None = strawberry.field(description="Why it is excluded, where it is.")
    inclusion_reasons: list[InclusionReason] = strawberry.field(
        default_factory=list, description="Why it is included (ISO/IEC 42001 6.1.3 d)."
    )
    inclusion_note: str | None = strawberry.field(
        default=None, description="The reason for inclusion in the organisation's words."
    )


URI_DEPRECATED = "Use `location`: evidence's address is `location` in every interface (docs/naming.md)."


@strawberry.type(description="An evidence item as recorded.")
class EvidenceRecord:
    id: str = strawberry.field(description="The evidence id.")
    framework: str = strawberry.field(description="The framework of the provision it proves.")
    ref: str = strawberry.field(description="The provision it proves.")
    assets: list[str] = strawberry.field(description="The assets it covers; empty for organisation-wide.")
    location: str = strawberry.field(description="Where it is (a URI).")
    uri: str = strawberry.field(description="Where it is.", deprecation_reason=URI_DEPRECATED)
    sha256: str = strawberry.field(description="Its SHA-256.")
    collected: dt.date = strawberry.field(description="When it was collected.")
    valid_until: dt.date | None = strawberry.field(description="Until when it is valid.")
    owner: str = strawberry.field(description="Who keeps it.")
    title: str | None = strawberry.field(description="Its title.")


@strawberry.type(description="A mapping as a write names it: its set, its two provisions and its review.")
class MappingRecord:
    view: strawberry.Private[MappingRef]

    @strawberry.field(description="The mapping set it belongs to.")
    def mapping_set(self) -> str:
        return self.view.mapping_set

    @strawberry.field(description="The framework mapped from.")
    def source_framework(self) -> str:
        return self.view.source_framework

    @strawberry.field(description="The provision mapped from.")
    def source_ref(self) -> str:
        return self.view.source_ref

    @strawberry.field(description="The framework mapped to.")
    def target_framework(self) -> str:
        return self.view.target_framework

    @strawberry.field(description="The provision mapped to.")
    def target_ref(self) -> str:
        return self.view.target_ref

    @strawberry.field(description="How the source relates to the target.")
    def relation(self) -> str:
        return self.view.relation

    @strawberry.field(description="Where its review stands.")
    def review_status(self) -> ReviewStatus:
        return ReviewStatus(self.view.review_status)


# -- inputs --------------------------------------------------------------------------------------------------
CLOSED = "; null: not known (left out: no)."
OPEN = "; left out or null: not known, and a duty that turns on it answers 'applies if ...'."


@strawberry.input(
    description="An asset, with every field of an inventory file's asset (docs/inventory-format.md): the yes/no "
    "facts that default to no, and the facts the law uses that may be unknown (left out: unknown)."
)
class AssetInput:
    id: str = strawberry.field(description="Its id in the inventory: letters, digits, '.', '_' and '-'.")
    kind: AssetKind = strawberry.field(description="ai_system, model, dataset, vendor or use_case.")
    name: str = strawberry.field(description="Its name.")
    owner: str = strawberry.field(description="The team or person answerable for it.")
    roles: list[AddresseeRole] = strawberry.field(default_factory=list, description="The organisation's roles.")
    annex_iii: list[str] = strawberry.field(default_factory=list, description='Annex III points, e.g. "5(b)".')
    annex_i: bool | None = strawberry.field(default=False, description="A product under AI Act Annex I law" + CLOSED)
    personal_data: bool | None = strawberry.field(default=False, description="Processes personal data" + CLOSED)
    special_category_data: bool | None = strawberry.field(default=False, description="GDPR Article 9 data" + CLOSED)
    automated_decisions: bool | None = strawberry.field(
        default=False, description="Decides about people alone" + CLOSED
    )
    interacts_with_people: bool | None = strawberry.field(default=False, description="People interact with it" + CLOSED)
    generates_synthetic_content: bool | None = strawberry.field(
        default=False, description="Makes synthetic content" + CLOSED
    )
    emotion_recognition: bool | None = strawberry.field(default=False, description="Recognises emotions" + CLOSED)
    biometric_categorisation: bool | None = strawberry.field(
        default=False, description="Categorises by biometrics" + CLOSED
    )
    deep_fake: bool | None = strawberry.field(default=False, description="Makes deep fakes" + CLOSED)
    gpai: bool | None = strawberry.field(default=False, description="A general-purpose AI model" + CLOSED)
    gpai_systemic_risk: bool | None = strawberry.field(
        default=False, description="A GPAI model with systemic risk" + CLOSED
    )
    transfers_outside_eea: bool | None = strawberry.field(default=False, description="Data leaves the EEA" + CLOSED)
    in_scope: bool = strawberry.field(default=True, description="Inside the ISO management systems' scope.")
    uses: list[str] = strawberry.field(default_factory=list, description="Ids of the assets it uses.")
    description: str | None = strawberry.field(default=None, description="A sentence on what it is.")
    management_system_scopes: list[ManagementSystem] | None = strawberry.field(
        default=None, description="The declared systems whose scope holds it; left out: `inScope` says it for all."
    )
    art6_3_condition: Art63Condition | None = strawberry.field(
        default=None, description="AI Act Art. 6(3): the condition the provider relies on (needs an Annex III point)."
    )
    profiles_natural_persons: bool | None = strawberry.field(
        default=None, description="Profiles natural persons (keeps an Annex III system high-risk)" + OPEN
    )
    annex_i_section: AnnexISection | None = strawberry.field(
        default=None, description="The Annex I section of its product legislation (not with annexI: false)."
    )
    third_party_conformity_assessment: bool | None = strawberry.field(
        default=None, description="The Annex I product needs a third-party conformity assessment" + OPEN
    )
    open_source: bool | None = strawberry.field(
        default=None, description="Released under a free and open-source licence, parameters public" + OPEN
    )
    placed_on_market: dt.date | None = strawberry.field(default=None, description="When placed on the EU market.")
    put_into_service: dt.date | None = strawberry.field(default=None, description="When put into service in the EU.")
    own_name_or_trademark: bool | None = strawberry.field(
        default=None, description="Our name or trademark on a high-risk system someone else made" + OPEN
    )
    substantial_modification: bool | None = strawberry.field(
        default=None, description="We substantially modified a high-risk system" + OPEN
    )
    new_high_risk_purpose: bool | None = strawberry.field(
        default=None, description="We gave it a purpose that makes it high-risk" + OPEN
    )
    legal_or_similar_effects: bool | None = strawberry.field(
        default=None, description="Decisions on its output affect people legally or similarly" + OPEN
    )
    large_scale: bool | None = strawberry.field(default=None, description="Processing on a large scale" + OPEN)
    systematic_monitoring: bool | None = strawberry.field(
        default=None, description="Regular and systematic monitoring of people" + OPEN
    )
    data_from_data_subject: bool | None = strawberry.field(
        default=None, description="Personal data collected from the person (GDPR Art. 13, else 14)" + OPEN
    )
    legal_basis: LegalBasis | None = strawberry.field(
        default=None, description="The GDPR Article 6(1) legal basis; left out: not known."
    )
    criminal_offence_data: bool | None = strawberry.field(
        default=None, description="Data on criminal convictions and offences" + OPEN
    )
    occasional_processing: bool | None = strawberry.field(default=None, description="Only occasional processing" + OPEN)
    residual_high_risk: bool | None = strawberry.field(
        default=None, description="The DPIA left a high risk measures cannot mitigate" + OPEN
    )
    publishes_public_interest_text: bool | None = strawberry.field(
        default=None, description="Its generated text informs the public on matters of public interest" + OPEN
    )
    human_editorial_review: bool | None = strawberry.field(
        default=None, description="That text is human-reviewed under editorial responsibility" + OPEN
    )
    processor_for_us: bool | None = strawberry.field(
        default=None, description="This vendor processes personal data as our processor" + OPEN
    )
    used_on_workers: bool | None = strawberry.field(
        default=False, description="Used at the workplace on workers (AI Act Art. 26(7))" + CLOSED
    )
    decisions_about_people: bool | None = strawberry.field(
        default=False, description="Makes or assists decisions about natural persons (Art. 26(11))" + CLOSED
    )
    post_remote_biometric_identification: bool | None = strawberry.field(
        default=False, description="Post-remote biometric identification (Art. 26(10))" + CLOSED
    )
    law_enforcement_use: bool | None = strawberry.field(
        default=False, description="Used for law enforcement as the law authorises (Art. 26(10), 50)" + CLOSED
    )
    on_behalf_of_public_authority: bool | None = strawberry.field(
        default=False, description="Deployed on behalf of a public authority (Art. 49(3))" + CLOSED
    )
    real_world_testing: bool | None = strawberry.field(
        default=False, description="Tested in real-world conditions (Arts. 60-61)" + CLOSED
    )
    offered_to_children: bool | None = strawberry.field(
        default=False, description="An information society service offered directly to a child (GDPR Art. 8)" + CLOSED
    )
    direct_marketing: bool | None = strawberry.field(
        default=False, description="Personal data processed for direct marketing (GDPR Art. 21(2))" + CLOSED
    )
    generates_imagery: bool | None = strawberry.field(
        default=None, description="Generates images or video (AI Act Art. 5(1)(ba)-(bb))" + OPEN
    )
    information_exception: InformationException | None = strawberry.field(
        default=None,
        description="GDPR Art. 13(4)/14(5): the exception claimed from informing the person; left out: none.",
    )
    annex_x_component: bool | None = strawberry.field(
        default=False, description="A component of an Annex X large-scale EU IT system (AI Act Art. 111(1))" + CLOSED
    )
    intended_for_public_authorities: bool | None = strawberry.field(
        default=False, description="A high-risk system intended for public authorities (Art. 111(2))" + CLOSED
    )
    taken_over_by_new_provider: bool | None = strawberry.field(
        default=False, description="Another operator became this system's provider (Art. 25(1), (2))" + CLOSED
    )
    specified_not_high_risk: bool | None = strawberry.field(
        default=False, description="We specified it is not to be made high-risk (Art. 25(2), last sentence)" + CLOSED
    )
    third_party_components: bool | None = strawberry.field(
        default=False, description="Integrates a third party's systems, tools or components (Art. 25(4))" + CLOSED
    )
    third_party_components_open_source: bool | None = strawberry.field(
        default=False, description="Those supplies are all free and open source, none a GPAI model (25(4))" + CLOSED
    )
    supplied_for_high_risk_system: bool | None = strawberry.field(
        default=False, description="We supply it for integration into a high-risk system (Art. 25(4))" + CLOSED
    )
    significant_design_change: bool | None = strawberry.field(
        default=None, description="Significantly changed in design since 2 Aug 2026 (Art. 111(2))" + OPEN
    )
    unlikely_to_result_in_risk: bool | None = strawberry.field(
        default=None, description="Processing unlikely to result in a risk to people (GDPR Art. 27(2)(a), 30(5))" + OPEN
    )
    breach_communication_exception: BreachCommunicationException | None = strawberry.field(
        default=None,
        description="GDPR Art. 34(3): why a breach need not be told to each person; left out: none claimed.",
    )


@strawberry.input(description="An implemented control or SoA decision (an exclusion needs a justification).")
class ControlInput:
    framework: str = strawberry.field(description="The framework, e.g. iso42001.")
    ref: str = strawberry.field(description="The control's ref exactly as the catalog writes it, e.g. A.6.2.4.")
    status: ControlStatus = strawberry.field(description="implemented, partial, planned or excluded.")
    justification: str | None = strawberry.field(default=None, description="Why it is excluded.")
    inclusion_reasons: list[InclusionReason] = strawberry.field(
        default_factory=list,
        description="Why it is included (ISO/IEC 42001 6.1.3 d): risk treatment, a legal or contractual requirement, "
        "...; `other` needs an inclusionNote.",
    )
    inclusion_note: str | None = strawberry.field(
        default=None, description="The reason for inclusion in the organisation's words."
    )


@strawberry.input(description="A provision, by framework and ref.")
class ProvisionRefInput:
    framework: str = strawberry.field(description="The framework, e.g. eu-ai-act.")
    ref: str = strawberry.field(description="The ref exactly as the catalog writes it, e.g. Article 9.")


@strawberry.input(description="An evidence item, with the fields of an inventory file's evidence.")
class EvidenceInput:
    id: str = strawberry.field(description="Its id; an existing item with this id is replaced.")
    proves: ProvisionRefInput = strawberry.field(description="The provision it shows to be met.")
    assets: list[str] = strawberry.field(default_factory=list, description="Asset ids; none: organisation-wide.")
    location: str | None = strawberry.field(default=None, description="Where it is (a URI); required.")
    uri: str | None = strawberry.field(
        default=None, description="Where it is (as `location`).", deprecation_reason=URI_DEPRECATED
    )
    sha256: str = strawberry.field(description="Its SHA-256, 64 hex digits.")
    collected: dt.date = strawberry.field(description="When it was collected.")
    valid_until: dt.date | None = strawberry.field(default=None, description="Until when it is valid.")
    owner: str = strawberry.field(description="Who keeps it.")
    title: str | None = strawberry.field(default=None, description="Its title.")


@strawberry.input(description="A mapping proposed between two provisions; it awaits an admin's review.")
class MappingProposalInput:
    source_framework: str = strawberry.field(description="The framework mapped from.")
    source: str = strawberry.field(description="The provision mapped from, as the catalog writes it.")
    target_framework: str = strawberry.field(description="The framework mapped to.")
    target: str = strawberry.field(description="The provision mapped to, as the catalog writes it.")
    relation: AssertedRelation = strawberry.field(description="equal, subset, superset or intersects.")
    strength: int = strawberry.field(description="1 (weak) to 10 (the same requirement).")
    rationale_type: RationaleType = strawberry.field(description="syntactic, semantic or functional.")
    rationale: str = strawberry.field(description="Why the relation holds: at least ten characters.")


def plain(value: Any) -> Any:
    """An input object as the plain data the inventory's models validate (enums as their values)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [plain(v) for v in value]
    if hasattr(value, "__strawberry_definition__"):  # a field left out of a partial update is not there at all
        return {name: plain(v) for name, v in vars(value).items() if v is not strawberry.UNSET}
    return value


# -- payloads ------------------------------------------------------------------------------------------------
@strawberry.type(description="What a write touching one asset answers: the asset after it, or why not.")
class AssetPayload:
    asset: Asset | None = strawberry.field(default=None, description="The asset after the write; null if refused.")
    audit_entry: AuditEntry | None = strawberry.field(
        default=None, description="The change as recorded; null when nothing changed or the write was refused."
    )
    errors: list[MutationError] = strawberry.field(default_factory=list, description="Why it was refused.")


@strawberry.type(description="What a removal answers: the id removed, or why not.")
class RemovePayload:
    removed_id: str | None = strawberry.field(default=None, description="The id removed; null when refused.")
    audit_entry: AuditEntry | None = strawberry.field(default=None, description="The change as recorded.")
    errors: list[MutationError] = strawberry.field(default_factory=list, description="Why it was refused.")


@strawberry.type(description="What recording a control decision answers.")
class ControlPayload:
    control: ControlDecision | None = strawberry.field(default=None, description="The decision as recorded.")
    audit_entry: AuditEntry | None = strawberry.field(
        default=None, description="The change as recorded; null when nothing changed or the write was refused."
    )
    errors: list[MutationError] = strawberry.field(default_factory=list, description="Why it was refused.")


@strawberry.type(description="What attaching evidence answers.")
class EvidencePayload:
    evidence: EvidenceRecord | None = strawberry.field(default=None, description="The evidence as recorded.")
    audit_entry: AuditEntry | None = strawberry.field(
        default=None, description="The change as recorded; null when nothing changed or the write was refused."
    )
    errors: list[MutationError] = strawberry.field(default_factory=list, description="Why it was refused.")


@strawberry.type(description="What proposing or reviewing a mapping answers.")
class MappingPayload:
    mapping: MappingRecord | None = strawberry.field(default=None, description="The mapping after the write.")
    audit_entry: AuditEntry | None = strawberry.field(
        default=None, description="The change as recorded; null when nothing changed or the write was refused."
    )
    errors: list[MutationError] = strawberry.field(default_factory=list, description="Why it was refused.")


@strawberry.type(description="What creating or revoking an API key answers.")
class ApiKeyPayload:
    key: ApiKey | None = strawberry.field(default=None, description="The key, without its secret.")
    token: str | None = strawberry.field(
        default=None,
        description="On creation only: the token to send as `Authorization: Bearer <token>`. "
        "Shown once; the server keeps only its hash.",
    )
    errors: list[MutationError] = strawberry.field(default_factory=list, description="Why it was refused.")
