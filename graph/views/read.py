"""What the service answers with: plain, immutable views that every interface renders its own way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from core.naming import camel
from core.pickling import pickled_by_fields
from ontology.namespaces import gap_iri, obligation_iri, org_iri, soa_decision_iri

ProgressCallback = Callable[[str, int, int], None]
"""Called as (phase, done, total) while a long command runs."""


def no_progress(phase: str, done: int, total: int) -> None:
    return None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class FrameworkView:
    id: str
    iri: str
    name: str
    title: str
    version: str
    issued: dt.date
    publisher: str
    source: str
    url: str | None
    binding: bool
    default_addressees: tuple[str, ...]
    provision_count: int


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ProvisionView:
    iri: str
    framework: str
    ref: str
    kind: str
    title: str | None
    summary: str | None
    parent: str | None
    order: int
    addressees: tuple[str, ...] = ()
    applies_from: dt.date | None = None
    informative: bool = False
    children: tuple[str, ...] = field(default=())  # refs of the direct parts, in document order
    parent_iri: str | None = None
    child_iris: tuple[str, ...] = field(default=())
    used_in: tuple[str, ...] = field(default=())  # for a definition: refs of the provisions that turn on it
    used_in_iris: tuple[str, ...] = field(default=())

    @property
    def display_title(self) -> str:
        """Paragraphs and points have no official heading; show the ref then."""
        return self.title or self.ref


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ActView:
    """A law as first published or an act amending it, with its legal status and where that was read."""

    id: str
    framework: str
    title: str
    status: str
    adopted: dt.date | None
    signed: dt.date | None
    published: dt.date | None
    in_force: dt.date | None
    oj_reference: str | None
    url: str | None
    sources: tuple[str, ...]
    uncertainty: str | None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class DateRuleView:
    act: ActView
    act_rank: int  # 0 for the law as first published, then each amending act in order
    basis: str
    scope: str
    applies_from: dt.date
    holds_from: dt.date | None
    note: str | None

    def holds_on(self, day: dt.date) -> bool:
        """The original act's rules always hold; an amending act's from its holds_from (never if unknown)."""
        if self.act_rank == 0:
            return True
        return self.holds_from is not None and self.holds_from <= day


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class DatesView:
    """When a provision applies, for a scope, as of a day; and what the law as first published said."""

    provision: ProvisionView
    scope: str
    as_of: dt.date
    applies_from: dt.date | None
    rule: DateRuleView | None  # None when the date comes from the catalog alone
    original: dt.date | None
    in_force: bool  # applies on the asked day

    @property
    def amended(self) -> bool:
        return self.rule is not None and self.rule.act_rank > 0 and self.applies_from != self.original


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class MappingView:
    """A mapping with both ends resolved to provisions; `target` is None for a no-counterpart record."""

    source: ProvisionView
    target: ProvisionView | None
    target_framework: str
    relation: str
    strength: int | None
    rationale_type: str | None
    rationale: str
    mapping_set: str
    creators: tuple[str, ...]
    created: dt.date | None
    review_status: str
    authority: str | None
    inferred: bool
    inverted: bool
    path: tuple[ProvisionView, ...]
    harmonized: bool = False
    iri: str | None = None  # the asserted mapping's record (read backwards or not); None for an inferred one


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class MappingSetView:
    id: str
    iri: str
    title: str
    source_framework: str
    target_framework: str
    creators: tuple[str, ...]
    created: dt.date
    description: str
    review_status: str
    authority: str | None
    authority_publisher: str | None
    authority_url: str | None
    mapping_count: int
    no_counterpart_count: int


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class VerdictView:
    unit: ProvisionView
    status: str
    because: tuple[MappingView, ...]
    rests_on_expired: bool = False  # with an organisation: every implemented source behind it has expired evidence


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class CoverageView:
    have: str
    have_refs: tuple[str, ...]
    want: str
    verdicts: tuple[VerdictView, ...]
    ratio: float
    reuse_ratio: float
    reached_ratio: float

    def of(self, status: str) -> list[VerdictView]:
        return [v for v in self.verdicts if v.status == status]


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class MatrixCell:
    count: int
    best: str | None  # the most informative relation in the cell


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class CrosswalkMatrix:
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[MatrixCell, ...], ...]


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class LoadReport:
    files: tuple[str, ...]
    frameworks: tuple[str, ...]
    mapping_sets: tuple[str, ...]
    nodes: int
    replaced: bool
    revision: int
    seconds: float
    dropped: tuple[str, ...] = ()  # mappings removed because they pointed at provisions this load removed
    timelines: tuple[str, ...] = ()  # frameworks whose dates (acts and rules) were loaded
    organisations: tuple[str, ...] = ()  # organisations whose inventory was loaded (replacing their facts)
    unchanged: bool = False  # the files held exactly what the store already had; nothing was written


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {camel(f.name): _jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}  # keys that are data stay as they are
    return value


def to_jsonable(view: Any) -> dict[str, Any]:
    """A view as the JSON we write: its fields under camelCase names, GraphQL's (`applies_from` is
    `appliesFrom`; docs/naming.md), dates as ISO strings, tuples as lists, at every depth."""
    data: dict[str, Any] = _jsonable(view)
    return data


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class OrganisationView:
    id: str
    iri: str
    name: str
    jurisdictions: tuple[str, ...]
    scope: str | None
    facts: tuple[str, ...] = ()  # organisation facts stated true (established_in_union, public_body ...)
    denied: tuple[str, ...] = ()  # stated false; a fact neither stated nor denied is unknown
    values: tuple[tuple[str, str], ...] = ()  # (name, value), e.g. ("headcount_band", "50-249")
    management_systems: tuple[str, ...] = ()  # declared management systems (iso42001, iso27001)
    ms_since: tuple[tuple[str, dt.date], ...] = ()  # (standard, established or certified since), where stated

    def management_system_since(self, standard: str) -> dt.date | None:
        return next((day for name, day in self.ms_since if name == standard), None)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class AssetView:
    org: str
    id: str
    iri: str
    kind: str
    name: str
    owner: str
    roles: tuple[str, ...]
    annex_iii: tuple[str, ...]
    facts: tuple[str, ...]  # the facts the inventory states of this asset itself
    in_scope: bool
    uses: tuple[str, ...]  # asset ids
    description: str | None
    denied: tuple[str, ...] = ()  # open facts stated false (absent ones are unknown)
    unknown: tuple[str, ...] = ()  # closed facts stated unknown (absent ones are "no")
    values: tuple[tuple[str, str], ...] = ()  # valued facts: (name, value)
    ms_scopes: tuple[str, ...] | None = None  # management systems whose scope holds it; None: `in_scope` for all


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ControlView:
    org: str
    provision: str  # IRI
    status: str
    justification: str | None
    inclusion_reasons: tuple[str, ...] = ()  # why it is in the SoA (ISO/IEC 42001 6.1.3 d)
    inclusion_note: str | None = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class OwnerView:
    """A person or team of an organisation that work is assigned to."""

    org: str
    id: str
    iri: str
    name: str
    kind: str  # person or team
    email: str | None
    team: str | None  # for a person: the team's owner id


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class WorkItemView:
    """The work on one obligation (of an asset, or organisation-wide: `asset` is then the organisation's id) or
    one SoA decision on a control (`asset` None). Its IRI is the obligation's or decision's."""

    iri: str
    org: str
    kind: str  # obligation or control
    asset: str | None
    provision: str  # IRI
    framework: str
    ref: str
    assignee: str | None  # an owner id
    due: dt.date | None
    review_cadence: str | None
    last_reviewed: dt.date | None
    next_review: dt.date | None  # last review + cadence
    status: str  # not_started, in_progress, implemented, verified
    status_reason: str | None
    status_changed_at: dt.datetime | None
    status_changed_by: str | None

    def overdue(self, day: dt.date) -> bool:
        """Due before `day` and not yet implemented or verified."""
        return self.due is not None and self.due < day and self.status in ("not_started", "in_progress")


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class EvidenceView:
    org: str
    id: str
    provision: str  # IRI of the provision it proves
    assets: tuple[str, ...]  # asset ids; empty means organisation-wide
    uri: str
    sha256: str
    collected: dt.date
    valid_until: dt.date | None
    owner: str
    title: str | None

    @property
    def iri(self) -> str:
        """Its global id: the IRI its record is stored under (`graph.write.ingest.evidence_iri`)."""
        return org_iri(self.org, "evidence", self.id)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class RecordedControlView:
    """A control decision as recorded (`ControlView`), with its provision resolved."""

    org: str
    provision: ProvisionView
    status: str  # implemented, partial, planned or excluded
    justification: str | None

    @property
    def iri(self) -> str:
        """The IRI its record is stored under (`graph.write.ingest.control_iri`)."""
        return org_iri(self.org, "control", f"{self.provision.framework}/{self.provision.ref}")


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ConditionView:
    """A rule's condition as the engine reads it; the file format (and its validation) is
    `loaders.applicability.Condition`, which the store holds as JSON."""

    kinds: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    any_facts: tuple[str, ...] = ()
    not_facts: tuple[str, ...] = ()
    annex_iii: str | tuple[str, ...] | None = None  # "any", "none", or the points
    in_scope: bool | None = None
    not_roles: tuple[str, ...] = ()  # the organisation holds none of these roles for the asset
    annex_iii_except: tuple[str, ...] = ()  # some Annex III point of the asset is not one of these
    values: tuple[tuple[str, tuple[str, ...]], ...] = ()  # a valued fact is one of these values
    not_values: tuple[tuple[str, tuple[str, ...]], ...] = ()
    before: tuple[tuple[str, dt.date], ...] = ()  # a dated fact is before this day
    dated_before: dt.date | None = None  # placed on the market or put into service before this day
    management_system: str | None = None  # the organisation declares it and the asset is in its scope
    no_management_system: str | None = None  # the organisation does not declare it


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class TransitionView:
    """A later date for assets already on the market: where `value` (a date) is before `before`."""

    value: str
    before: dt.date
    applies_from: dt.date
    basis: str
    act: str | None
    open_value: str | None = None
    open_note: str | None = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class AmendedContentView:
    """What a provision asks as amended by `act`, from `holds_from` (our own summary)."""

    act: str
    holds_from: dt.date
    content: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class RuleView:
    iri: str
    id: str
    framework: str
    reason: str
    provisions: tuple[str, ...]  # IRIs named by ref
    kinds: tuple[str, ...]  # or every coverage unit of these kinds
    condition: ConditionView
    addressee: str | None
    voluntary: bool
    basis: str = ""  # the article and paragraph it rests on
    replaces: tuple[str, ...] = ()  # a derogation: these rules' duties give way where this one holds
    grants_role: str | None = None  # a role shift (Art. 25): the asset's role becomes this one too
    transition: TransitionView | None = None
    amended: tuple[AmendedContentView, ...] = ()
    holds_from: dt.date | None = None  # the rule is law only from this day (inserted by `act`)
    act: str | None = None  # the amending act that inserted the rule, whose uncertainty travels with it
    defers: tuple[str, ...] = ()  # a deferral (Art. 111): these rules' duties apply only from `defers_to`
    defers_to: dt.date | None = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ReasonView:
    """Why a provision applies: the rule, its reason, and the facts and role that met its condition."""

    rule: str
    framework: str
    reason: str
    role: str | None
    facts: tuple[str, ...]  # "personal_data (through loan-history)"
    annex_iii: tuple[str, ...]
    conditions: tuple[str, ...] = ()  # what must also hold, not stated by the inventory; empty: it applies
    basis: str = ""  # the article and paragraph the rule rests on
    notes: tuple[str, ...] = ()  # what a transitional rule would change, where the facts do not settle it
    deferred_to: dt.date | None = None  # a transitional rule (Art. 111) moves the duty to this day


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class EvidenceMatch:
    evidence: EvidenceView
    status: str  # valid, expiring, expired
    through: str | None  # the mapping that lets evidence for another provision count, if any

    @property
    def iri(self) -> str:
        return self.evidence.iri


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ObligationView:
    asset: AssetView
    provision: ProvisionView
    addressee: str
    reasons: tuple[ReasonView, ...]
    evidence: tuple[EvidenceMatch, ...]
    status: str  # the best evidence status: valid, expiring, expired or missing
    dates: DatesView
    voluntary: bool
    organisation_wide: bool  # a management-system obligation, met once for the whole scope
    conditions: tuple[str, ...] = ()  # "applies if": each entry one alternative; empty when it applies outright
    content: str | None = None  # what the provision asks as amended, when an amending act changed it
    amended_by: str | None = None  # that act's id
    uncertainty: tuple[str, ...] = ()  # "act: what is not established", for every act the answer rests on
    date_note: str | None = None  # a transition that may move the date, when the facts do not settle it
    standing: str = ""  # "in force since …", "from … (not yet)", "voluntary" (`graph.read.obligations.standing`)
    work: WorkItemView | None = None  # who does it, by when, and where it stands

    @property
    def conditional(self) -> bool:
        return bool(self.conditions)

    @property
    def iri(self) -> str:
        """Its global id: one asset's duty under one provision; an organisation-wide duty is named once, by
        the organisation, whichever asset it was read through."""
        holder = self.asset.org if self.organisation_wide else self.asset.id
        return obligation_iri(self.asset.org, holder, self.provision.framework, self.provision.ref)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ExclusionView:
    provision: ProvisionView
    justification: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class AssetObligations:
    asset: AssetView
    obligations: tuple[ObligationView, ...]
    excluded: tuple[ExclusionView, ...]  # controls the Statement of Applicability excludes, and why
    as_of: dt.date


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class GapView:
    owner: str
    assets: tuple[str, ...]
    provision: ProvisionView
    status: str  # missing or expired
    applies_from: dt.date | None
    in_force: bool
    evidence: tuple[EvidenceMatch, ...]
    conditions: tuple[str, ...] = ()  # "applies if" (any one of these); empty when the duty is certain
    org: str = ""  # the organisation its assets belong to
    asset_statuses: tuple[tuple[str, str], ...] = ()  # (asset id, missing or expired), in the order of `assets`
    standing: str = ""  # as on the obligations it groups
    work: tuple[WorkItemView, ...] = ()  # the work items of the obligations it groups (per asset, or org-wide)

    @property
    def iri(self) -> str:
        """Its global id: one provision, one owner, as `gaps` groups them."""
        return gap_iri(self.org, self.owner, self.provision.framework, self.provision.ref)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class SoaRow:
    control: ProvisionView
    included: bool
    status: str  # implemented, partial, planned, excluded, or undecided
    justification: str | None
    evidence: tuple[EvidenceMatch, ...]
    evidence_status: str
    rests_on_expired: bool
    binding: bool = True  # False when the organisation declares no such management system
    org: str = ""  # the organisation whose decision it is
    inclusion_reasons: tuple[str, ...] = ()  # why it is included (ISO/IEC 42001 6.1.3 d)
    inclusion_note: str | None = None
    work: WorkItemView | None = None  # its work item, keyed by the decision's IRI

    @property
    def missing_inclusion_reason(self) -> bool:
        """An included control whose decision states no reason for inclusion: reported, never guessed."""
        return self.included and not self.inclusion_reasons and not (self.inclusion_note or "").strip()

    @property
    def iri(self) -> str:
        """Its global id: the organisation's decision on one control."""
        return soa_decision_iri(self.org, self.control.framework, self.control.ref)


@dataclass(frozen=True, slots=True)
class EvidenceFilter:
    """Which evidence items a list keeps; every field left empty keeps all."""

    statuses: tuple[str, ...] = ()  # valid, expiring, expired (on the asked day)
    asset: str | None = None  # items that name this asset (organisation-wide items name none)
    expiring_before: dt.date | None = None  # items whose validity ends before this day
    frameworks: tuple[str, ...] = ()  # items proving a provision of one of these frameworks


@dataclass(frozen=True, slots=True)
class ControlFilter:
    """Which recorded controls or Statement of Applicability decisions a list keeps."""

    frameworks: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # implemented, partial, planned, excluded (and undecided for the SoA)


@dataclass(frozen=True, slots=True)
class ObligationFilter:
    """Which obligations (or gaps) a list keeps. The work model's owner and due-before filters slot in here
    as further fields, each a clause of `graph.read.listings.keeps`."""

    frameworks: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # valid, expiring, expired, missing
    asset: str | None = None  # only this asset's obligations (and, for gaps, the gaps that name it)


@dataclass(frozen=True, slots=True)
class DevServerView:
    """A running local Bolt server (`aimsgraph neo4j dev-server`): how to reach it. The password is shown to the
    user who started it, on their terminal, because they need it to connect; it is kept in `root` with mode
    0600."""

    uri: str
    user: str
    password: str
    database: str
    root: str
    http_port: int
