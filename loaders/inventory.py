"""An organisation's inventory: its assets, implemented controls and SoA decisions, and evidence (format:
docs/inventory-format.md; JSON Schema: docs/inventory.schema.json, generated from these models).

The field names are a contract other tools write to: keep them, extend freely. Checks that need only the
file happen here (unique ids, `uses` naming known assets and forming no cycle, dates in order, an exclusion
with its justification); provision refs and Annex III points are checked against the catalogs when loaded.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, StrictStr, model_validator

from core.vocabulary import (
    AnnexISection,
    Art63Condition,
    AssetKind,
    BreachCommunicationException,
    ControlStatus,
    HeadcountBand,
    InclusionReason,
    InformationException,
    LegalBasis,
    ManagementSystem,
    OwnerKind,
    Role,
)
from core.work import cadence_problem
from loaders.validation import validate_document
from loaders.yaml_source import SourceDocument

Id = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=200)


class ManagementSystemDeclaration(BaseModel):
    """A management system the organisation runs (and so must meet the standard for what is in its scope)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    standard: ManagementSystem
    scope: StrictStr | None = Field(default=None, description="Its scope, in a sentence.")
    certified: bool | None = Field(default=None, description="Certified by an accredited body.")
    since: dt.date | None = Field(
        default=None,
        description="When the system was established (or, if certified, first certified): its obligations are "
        "in force from this day. Absent: in force, from a day the inventory does not state.",
    )


class Organisation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: StrictStr = Id
    name: StrictStr = Field(min_length=1)
    jurisdictions: list[StrictStr] = Field(default_factory=list, max_length=500)
    scope: StrictStr | None = Field(default=None, description="The management systems' scope, in a sentence.")
    # The facts the law uses about the organisation. Absent means unknown: a duty that turns on one is
    # answered "applies if ...".
    established_in_union: bool | None = Field(
        default=None,
        description="Established in the Union (AI Act Art. 22 and 54, GDPR Art. 27 bind those outside).",
    )
    public_body: bool | None = Field(
        default=None,
        description="A public authority or body governed by public law "
        "(AI Act Art. 27, 26(8), 49(3); GDPR Art. 37(1)(a)).",
    )
    public_service_provider: bool | None = Field(
        default=None, description="A private entity providing public services (AI Act Art. 27(1))."
    )
    headcount_band: HeadcountBand | None = Field(
        default=None, description="Staff, as a band (GDPR Art. 30(5) exempts some under 250)."
    )
    targets_people_in_union: bool | None = Field(
        default=None,
        description="Offers goods or services to people in the Union or monitors their behaviour there "
        "(GDPR Art. 3(2): what brings an organisation established outside the Union under the GDPR).",
    )
    management_systems: list[ManagementSystemDeclaration] = Field(
        default_factory=list,
        description="The management systems the organisation declares; "
        "ISO rows bind only for these (guidance otherwise).",
    )

    @model_validator(mode="after")
    def _each_system_once(self) -> Organisation:
        standards = [m.standard for m in self.management_systems]
        if len(set(standards)) != len(standards):
            raise ValueError("a management system is declared twice")
        return self


class Asset(BaseModel):
    """One AI system, model, dataset, vendor or use case, with the facts that decide what applies to it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: StrictStr = Id
    kind: AssetKind
    name: StrictStr = Field(min_length=1)
    owner: StrictStr = Field(min_length=1, description="The team or person answerable for the asset.")
    roles: list[Role] = Field(
        default_factory=list, max_length=20, description="The organisation's roles for this asset."
    )
    annex_iii: list[StrictStr] = Field(
        default_factory=list, max_length=100, description='AI Act Annex III points the use falls under, e.g. "5(b)".'
    )
    # Yes/no facts that default to "no"; `null` says "not known".
    annex_i: bool | None = False
    personal_data: bool | None = False
    special_category_data: bool | None = False
    automated_decisions: bool | None = False
    interacts_with_people: bool | None = False
    generates_synthetic_content: bool | None = False
    emotion_recognition: bool | None = False
    biometric_categorisation: bool | None = False
    deep_fake: bool | None = False
    gpai: bool | None = False
    gpai_systemic_risk: bool | None = False
    transfers_outside_eea: bool | None = False
    used_on_workers: bool | None = Field(
        default=False,
        description="We, as employer, put this system into service or use it at the workplace on our workers "
        "(AI Act Art. 26(7): inform workers' representatives and the workers first).",
    )
    decisions_about_people: bool | None = Field(
        default=False,
        description="It makes decisions, or assists in making them, about natural persons "
        "(AI Act Art. 26(11): tell them a high-risk system is used).",
    )
    post_remote_biometric_identification: bool | None = Field(
        default=False,
        description="A remote biometric identification system used after the fact, not in real time (Art. 26(10)).",
    )
    law_enforcement_use: bool | None = Field(
        default=False,
        description="Used for law enforcement as the law authorises, e.g. to search for a suspect in a criminal "
        "investigation (AI Act Art. 26(10); Art. 50's duties do not apply to such uses).",
    )
    on_behalf_of_public_authority: bool | None = Field(
        default=False,
        description="We deploy it on behalf of a public authority (AI Act Art. 49(3) registration).",
    )
    real_world_testing: bool | None = Field(
        default=False,
        description="We test this high-risk system in real-world conditions outside a sandbox (AI Act Art. 60, 61).",
    )
    offered_to_children: bool | None = Field(
        default=False,
        description="An information society service offered directly to children, on their consent (GDPR Art. 8).",
    )
    direct_marketing: bool | None = Field(
        default=False,
        description="Its personal data is processed for direct marketing (GDPR Art. 21(2): objection on any basis).",
    )
    annex_x_component: bool | None = Field(
        default=False,
        description="A component of a large-scale EU IT system set up by an act listed in AI Act Annex X (SIS, VIS, "
        "Eurodac, EES, ETIAS, ECRIS-TCN, ...): if already on the market or in service before 2 Aug 2027, it is "
        "brought into compliance by 31 Dec 2030 (Art. 111(1)).",
    )
    intended_for_public_authorities: bool | None = Field(
        default=False,
        description="A high-risk system intended to be used by public authorities: already on the market or in "
        "service before 2 Aug 2026, it still complies by 2 Aug 2030 (AI Act Art. 111(2), second sentence).",
    )
    taken_over_by_new_provider: bool | None = Field(
        default=False,
        description="Another operator became the provider of this system we first placed on the market or put into "
        "service (AI Act Art. 25(1)), so we cooperate with it (Art. 25(2)).",
    )
    specified_not_high_risk: bool | None = Field(
        default=False,
        description="We clearly specified that this system is not to be changed into a high-risk system (the "
        "exception of AI Act Art. 25(2), last sentence).",
    )
    third_party_components: bool | None = Field(
        default=False,
        description="This high-risk system uses or integrates AI systems, tools, services, components or processes "
        "a third party supplies (AI Act Art. 25(4): a written agreement with that supplier).",
    )
    third_party_components_open_source: bool | None = Field(
        default=False,
        description="Every such third-party supply is made public under a free and open-source licence and none is "
        "a general-purpose AI model (AI Act Art. 25(4), second subparagraph: no agreement is required).",
    )
    supplied_for_high_risk_system: bool | None = Field(
        default=False,
        description="We supply this AI system or model to a provider that integrates it into a high-risk system "
        "(AI Act Art. 25(4): the supplier's side of the written agreement).",
    )
    in_scope: bool = Field(default=True, description="Inside the ISO 42001/27001 management system's scope.")
    uses: list[StrictStr] = Field(default_factory=list, max_length=10_000, description="Ids of the assets it uses.")
    description: StrictStr | None = None
    # The facts the law uses that an inventory may not know: absent is unknown, and a duty that turns on one
    # is answered "applies if ..." (docs/inventory-format.md).
    art6_3_condition: Art63Condition | None = Field(
        default=None,
        description="AI Act Art. 6(3): the condition (a)-(d) under which the provider concludes this Annex III "
        "system poses no significant risk (never available when it profiles natural persons).",
    )
    profiles_natural_persons: bool | None = Field(
        default=None, description="Profiles natural persons (keeps an Annex III system high-risk, Art. 6(3))."
    )
    annex_i_section: AnnexISection | None = Field(
        default=None, description="Annex I section of the product legislation (B: only Art. 2(2)'s articles apply)."
    )
    third_party_conformity_assessment: bool | None = Field(
        default=None, description="The Annex I product needs a third-party conformity assessment (Art. 6(1)(b))."
    )
    open_source: bool | None = Field(
        default=None, description="Released under a free and open-source licence with public parameters (Art. 53(2))."
    )
    placed_on_market: dt.date | None = Field(default=None, description="When it was placed on the EU market.")
    put_into_service: dt.date | None = Field(default=None, description="When it was put into service in the EU.")
    own_name_or_trademark: bool | None = Field(
        default=None,
        description="We put our name or trademark on a high-risk system someone else made (Art. 25(1)(a)).",
    )
    substantial_modification: bool | None = Field(
        default=None, description="We substantially modified a high-risk system (Art. 25(1)(b))."
    )
    new_high_risk_purpose: bool | None = Field(
        default=None, description="We gave a system a purpose that makes it high-risk (Art. 25(1)(c))."
    )
    legal_or_similar_effects: bool | None = Field(
        default=None,
        description="Decisions taken on its output have legal or similarly significant effects on people (Art. 86).",
    )
    large_scale: bool | None = Field(default=None, description="Processing on a large scale (GDPR Art. 35(3), 37(1)).")
    systematic_monitoring: bool | None = Field(
        default=None, description="Regular and systematic monitoring of people (GDPR Art. 35(3)(c), 37(1)(b))."
    )
    data_from_data_subject: bool | None = Field(
        default=None, description="Personal data collected from the person (GDPR Art. 13) rather than elsewhere (14)."
    )
    legal_basis: LegalBasis | None = Field(
        default=None, description="The GDPR Art. 6(1) legal basis of the processing."
    )
    criminal_offence_data: bool | None = Field(
        default=None, description="Data on criminal convictions and offences (GDPR Art. 10)."
    )
    occasional_processing: bool | None = Field(
        default=None, description="Only occasional processing (one condition of the GDPR Art. 30(5) exemption)."
    )
    residual_high_risk: bool | None = Field(
        default=None, description="The DPIA found a high risk that measures cannot mitigate (GDPR Art. 36)."
    )
    publishes_public_interest_text: bool | None = Field(
        default=None,
        description="Generated text is published to inform the public on matters of public interest (Art. 50(4)).",
    )
    human_editorial_review: bool | None = Field(
        default=None, description="That text is human-reviewed under someone's editorial responsibility (Art. 50(4))."
    )
    processor_for_us: bool | None = Field(
        default=None, description="This vendor processes personal data on our behalf, as our processor (GDPR Art. 28)."
    )
    generates_imagery: bool | None = Field(
        default=None,
        description="Its synthetic output includes images or video (AI Act Art. 5(1)(ba) and (bb), inserted by "
        "Regulation (EU) 2026/1744: intimate imagery and child sexual abuse material are visual).",
    )
    significant_design_change: bool | None = Field(
        default=None,
        description="Significantly changed in its design since 2 Aug 2026 (AI Act Art. 111(2); recital 177 reads it as "
        "a substantial modification): a high-risk system already on the market before that day is bound only then.",
    )
    unlikely_to_result_in_risk: bool | None = Field(
        default=None,
        description="Its processing is unlikely to result in a risk to people's rights and freedoms, given its "
        "nature, context, scope and purposes (one limb of the GDPR Art. 27(2)(a) and 30(5) exemptions).",
    )
    information_exception: InformationException | None = Field(
        default=None,
        description="GDPR Art. 13(4) / 14(5): the person already has the information (already_informed), or, for "
        "data obtained elsewhere, informing is impossible or disproportionate, obtaining it is laid down by law, or "
        "professional secrecy covers it. Absent: no exception claimed.",
    )
    breach_communication_exception: BreachCommunicationException | None = Field(
        default=None,
        description="GDPR Art. 34(3): why a breach of this data need not be told to each person: the data is "
        "unintelligible to anyone unauthorised, e.g. encrypted (unintelligible_data); later measures make the high "
        "risk no longer likely (subsequent_measures); or telling each would take disproportionate effort, so a "
        "public communication informs them instead (disproportionate_effort). Absent: no exception claimed.",
    )
    management_system_scopes: list[ManagementSystem] | None = Field(
        default=None,
        description="The management systems whose scope includes this asset; when absent, `in_scope` says it for all.",
    )

    @model_validator(mode="after")
    def _facts_fit(self) -> Asset:
        if self.art6_3_condition is not None and not self.annex_iii:
            raise ValueError("art6_3_condition is the Annex III derogation: the asset names no Annex III point")
        if self.information_exception not in (None, "already_informed") and self.data_from_data_subject:
            raise ValueError(
                f"information_exception {self.information_exception} is an Article 14(5) exception: "
                "it needs data obtained elsewhere (data_from_data_subject is true)"
            )
        if self.annex_i_section is not None and self.annex_i is False:
            raise ValueError("annex_i_section is given but annex_i is false")
        return self


class ProvisionRef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    framework: StrictStr
    ref: StrictStr


class ControlDecision(BaseModel):
    """An implemented control, or a Statement of Applicability decision (an exclusion says why; an inclusion
    says why too, ISO/IEC 42001 6.1.3 d — a missing reason is reported in the SoA, never guessed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    framework: StrictStr
    ref: StrictStr
    status: ControlStatus
    justification: StrictStr | None = None
    inclusion_reasons: list[InclusionReason] = Field(
        default_factory=list,
        max_length=6,
        description="Why the control is included: risk_treatment, legal_requirement, contractual_requirement, "
        "business_requirement, stakeholder_expectation, other.",
    )
    inclusion_note: StrictStr | None = Field(
        default=None, max_length=4000, description="The reason for inclusion in the organisation's own words."
    )

    @model_validator(mode="after")
    def _excluded_says_why(self) -> ControlDecision:
        if self.status == "excluded" and not (self.justification or "").strip():
            raise ValueError("an excluded control needs a justification")
        if self.status == "excluded" and (self.inclusion_reasons or self.inclusion_note):
            raise ValueError("an excluded control has no reason for inclusion")
        if "other" in self.inclusion_reasons and not (self.inclusion_note or "").strip():
            raise ValueError("inclusion reason 'other' needs an inclusion_note saying what it is")
        if len(set(self.inclusion_reasons)) != len(self.inclusion_reasons):
            raise ValueError("an inclusion reason is named twice")
        return self


class Owner(BaseModel):
    """A person or team that obligations and controls are assigned to (the work model)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: StrictStr = Id
    name: StrictStr = Field(min_length=1, max_length=500)
    kind: OwnerKind = Field(default="team", description="person or team.")
    email: StrictStr | None = Field(
        default=None, max_length=500, description="How to reach them: an address or another contact."
    )
    team: StrictStr | None = Field(
        default=None, max_length=200, description="For a person: the id of the team (an owner) they belong to."
    )

    @model_validator(mode="after")
    def _team_fits(self) -> Owner:
        if self.team is not None and self.kind != "person":
            raise ValueError("only a person belongs to a team")
        if self.team == self.id:
            raise ValueError("an owner cannot be its own team")
        return self


class WorkPlan(BaseModel):
    """Who does the work on an obligation or control, by when, and how often it is reviewed. Every field is
    optional: a plan changes only the fields it names (`null` clears one)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    assignee: StrictStr | None = Field(default=None, max_length=200, description="The owner id assigned.")
    due: dt.date | None = Field(default=None, description="When the work is due.")
    review_cadence: StrictStr | None = Field(
        default=None, max_length=40, description="monthly, quarterly, half-yearly, yearly, or '90 days'."
    )
    last_reviewed: dt.date | None = Field(default=None, description="When it was last reviewed.")

    @model_validator(mode="after")
    def _cadence_known(self) -> WorkPlan:
        why = cadence_problem(self.review_cadence) if self.review_cadence is not None else None
        if why:
            raise ValueError(why)
        return self


class EvidenceItem(BaseModel):
    """An artefact that shows a provision is met, for some assets, until a date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: StrictStr = Id
    proves: ProvisionRef
    assets: list[StrictStr] = Field(default_factory=list, description="Asset ids; none means organisation-wide.")
    uri: StrictStr = Field(min_length=1)
    sha256: StrictStr = Field(pattern=r"^[0-9a-fA-F]{64}$")
    collected: dt.date
    valid_until: dt.date | None = None
    owner: StrictStr = Field(min_length=1)
    title: StrictStr | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> EvidenceItem:
        if self.valid_until is not None and self.valid_until < self.collected:
            raise ValueError(f"valid_until {self.valid_until} is before collected {self.collected}")
        return self


class Inventory(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    organisation: Organisation
    owners: list[Owner] = Field(
        default_factory=list, max_length=100_000, description="People and teams work can be assigned to."
    )
    assets: list[Asset] = Field(default_factory=list)
    controls: list[ControlDecision] = Field(default_factory=list)
    evidence: list[EvidenceItem] = Field(default_factory=list)


def find_cycles(uses: dict[str, list[str]]) -> list[list[str]]:
    """Each cycle of `uses` once, as a path that ends where it starts; one pass over the graph (O(V + E)).

    Why iterative and in one pass: inventories reach 100,000 assets with ~20 links each; a search per asset
    took minutes at 10,000.
    """
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(uses, white)
    cycles: list[list[str]] = []
    for root, used in uses.items():
        if colour[root] != white:
            continue
        colour[root] = grey
        path = [root]
        stack = [iter(used)]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                colour[path.pop()] = black
                stack.pop()
                continue
            if nxt not in colour or nxt == path[-1]:
                continue  # unknown assets and self-uses are reported on their own
            if colour[nxt] == grey:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif colour[nxt] == white:
                colour[nxt] = grey
                path.append(nxt)
                stack.append(iter(uses[nxt]))
    return cycles


def _items(data: object, key: str) -> list[dict[str, object]]:
    """The entries of a top-level list as plain mappings, whatever else is wrong with the document."""
    items = data.get(key) if isinstance(data, dict) else None
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def check_assets(doc: SourceDocument) -> dict[str, list[str]]:
    """Unique ids, `uses` naming known assets, no cycles; returns each asset's uses (raw document)."""
    assets = _items(doc.data, "assets")
    first: dict[str, int] = {}
    uses: dict[str, list[str]] = {}
    for index, asset in enumerate(assets):
        asset_id = str(asset.get("id"))
        if asset_id in first:
            doc.problems.append(
                doc.problem(("assets", index, "id"), f"duplicate asset id {asset_id!r} (also asset {first[asset_id]})")
            )
        first.setdefault(asset_id, index)
        used = asset.get("uses")
        uses[asset_id] = [str(u) for u in used] if isinstance(used, list) else []
    for index, asset in enumerate(assets):
        asset_id = str(asset.get("id"))
        for position, used in enumerate(uses.get(asset_id, ())):
            if used not in uses:
                doc.problems.append(doc.problem(("assets", index, "uses", position), f"unknown asset {used!r}"))
            elif used == asset_id:
                doc.problems.append(doc.problem(("assets", index, "uses", position), f"{asset_id!r} uses itself"))
    for loop in find_cycles(uses):
        index = first[loop[0]]
        doc.problems.append(doc.problem(("assets", index, "uses"), "uses form a cycle: " + " → ".join(loop)))
    return uses


def _reference_problems(doc: SourceDocument) -> None:
    """Checks over the raw document, so they are reported together with any field error."""
    uses = check_assets(doc)
    seen_controls: set[tuple[str, str]] = set()
    for index, control in enumerate(_items(doc.data, "controls")):
        key = (str(control.get("framework")), str(control.get("ref")))
        if key in seen_controls:
            doc.problems.append(doc.problem(("controls", index), f"{key[0]} {key[1]} is decided twice"))
        seen_controls.add(key)
    owners = _items(doc.data, "owners")
    kinds: dict[str, object] = {}
    for index, owner in enumerate(owners):
        owner_id = str(owner.get("id"))
        if owner_id in kinds:
            doc.problems.append(doc.problem(("owners", index, "id"), f"duplicate owner id {owner_id!r}"))
        kinds.setdefault(owner_id, owner.get("kind", "team"))
    for index, owner in enumerate(owners):
        team = owner.get("team")
        if team is not None and str(team) != str(owner.get("id")) and kinds.get(str(team), "team") != "team":
            doc.problems.append(doc.problem(("owners", index, "team"), f"{team!r} is a person, not a team"))
        elif team is not None and str(team) not in kinds:
            doc.problems.append(doc.problem(("owners", index, "team"), f"unknown team {team!r}"))
    evidence_ids: set[str] = set()
    for index, item in enumerate(_items(doc.data, "evidence")):
        evidence_id = str(item.get("id"))
        if evidence_id in evidence_ids:
            doc.problems.append(doc.problem(("evidence", index, "id"), f"duplicate evidence id {evidence_id!r}"))
        evidence_ids.add(evidence_id)
        covered = item.get("assets")
        for position, asset_id in enumerate(covered if isinstance(covered, list) else []):
            if str(asset_id) not in uses:
                doc.problems.append(doc.problem(("evidence", index, "assets", position), f"unknown asset {asset_id!r}"))


def _no_more_checks(doc: SourceDocument, parsed: Inventory) -> None:
    return None


def parse_inventory(doc: SourceDocument) -> Inventory:
    """Validate an already-read document as an inventory, or raise DataError with every problem found."""
    _reference_problems(doc)
    return validate_document(doc, Inventory, _no_more_checks, "inventory")


def inventory_schema() -> dict[str, object]:
    """The JSON Schema of the inventory format, for other tools (docs/inventory.schema.json)."""
    schema = Inventory.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "aimsgraph organisation inventory"
    return schema
