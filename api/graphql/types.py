"""GraphQL object types. Each wraps a service view; relations resolve through the request's DataLoaders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.graphql.arguments import After, AsOf, First, Frameworks, IncludeInferred, Scope
from api.graphql.context import Context
from api.graphql.enums import (
    AddresseeRole,
    AssetFact,
    AssetKind,
    CoverageStatus,
    DateScope,
    EvidenceStatus,
    InclusionReason,
    ProvisionKind,
    RationaleType,
    Relation,
    ReviewStatus,
    SoaStatus,
)
from api.graphql.node import IRI, Node
from api.graphql.paging import (
    Connection,
    by_iri,
    default_page,
    evidence_key,
    mapping_key,
    obligation_key,
    paginate,
    paginate_loaded,
)
from api.graphql.work_types import WorkItem, work_item
from graph.views.read import (
    ActView,
    AssetView,
    CoverageView,
    DatesView,
    EvidenceMatch,
    FrameworkView,
    GapView,
    MappingSetView,
    MappingView,
    ObligationView,
    OrganisationView,
    ProvisionView,
    ReasonView,
    SoaRow,
    VerdictView,
)


@strawberry.type(description="A framework: a law, regulation or standard.")
class Framework(Node):
    view: strawberry.Private[FrameworkView]

    def __post_init__(self) -> None:
        """Plain attributes, filled from the view once: strawberry resolves them on its fast path."""
        self.id = self.view.id
        self.iri = strawberry.ID(self.view.iri)
        self.name = self.view.name
        self.title = self.view.title
        self.version = self.view.version
        self.issued = self.view.issued
        self.publisher = self.view.publisher
        self.source = self.view.source
        self.url = self.view.url
        self.binding = self.view.binding
        self.default_addressees = [AddresseeRole(r) for r in self.view.default_addressees]
        self.provision_count = self.view.provision_count

    id: str = strawberry.field(
        default=None, description="Its id: iso42001, iso27001, eu-ai-act, nist-ai-rmf, nist-ai-600-1 or gdpr."
    )

    iri: strawberry.ID = strawberry.field(default=None, description=IRI)

    name: str = strawberry.field(default=None, description="Its short name, e.g. ISO/IEC 42001.")

    title: str = strawberry.field(default=None, description="Official title.")

    version: str = strawberry.field(default=None, description="The edition or version the catalog follows.")

    issued: dt.date = strawberry.field(default=None, description="When that edition was issued.")

    publisher: str = strawberry.field(default=None, description="Who publishes it (ISO/IEC, the EU, NIST).")

    source: str = strawberry.field(default=None, description="The document the catalog's structure was taken from.")

    url: str | None = strawberry.field(default=None, description="Where to read it.")

    binding: bool = strawberry.field(
        default=None, description="True for law, false for voluntary or certifiable standards."
    )

    default_addressees: list[AddresseeRole] = strawberry.field(
        default_factory=list, description="The roles its provisions bind unless a provision names its own."
    )

    provision_count: int = strawberry.field(default=None, description="How many provisions its catalog holds.")


@strawberry.type(description="A provision: clause, control, article, paragraph, point, annex, subcategory ...")
class Provision(Node):
    view: strawberry.Private[ProvisionView]

    def __post_init__(self) -> None:
        """Plain attributes, filled from the view once: strawberry resolves them on its fast path."""
        self.iri = strawberry.ID(self.view.iri)
        self.ref = self.view.ref
        self.kind = ProvisionKind(self.view.kind)
        self.title = self.view.title
        self.summary = self.view.summary
        self.order = self.view.order
        self.addressees = [AddresseeRole(r) for r in self.view.addressees]
        self.informative = self.view.informative

    iri: strawberry.ID = strawberry.field(default=None, description=IRI)

    ref: str = strawberry.field(
        default=None, description="The ref as the source writes it, e.g. 'Article 9(2)' or 'A.6.2.4'."
    )

    kind: ProvisionKind = strawberry.field(
        default=None, description="What kind of provision it is (article, paragraph, control ...)."
    )

    title: str | None = strawberry.field(
        default=None, description="Official heading; null for paragraphs and points, which have none."
    )

    summary: str | None = strawberry.field(
        default=None, description="Our own short summary of what the provision asks."
    )

    order: int = strawberry.field(default=None, description="Position in the source document.")

    addressees: list[AddresseeRole] = strawberry.field(
        default_factory=list, description="Roles the provision binds, e.g. PROVIDER, DEPLOYER, CONTROLLER."
    )

    @strawberry.field(
        description="The day the provision applies from, for a scope (all, annex_i, annex_iii), as the law stands "
        "on `asOf` (today by default): amendments included."
    )
    def applies_from(
        self, info: Info[Context, None], as_of: AsOf = None, scope: Scope = DateScope.all
    ) -> dt.date | None:
        return info.context.answers.catalog.dates(self.view, scope=scope.value, as_of=as_of).applies_from

    @strawberry.field(description="When the provision applies, why (the act and its basis), and the original date.")
    def dates(self, info: Info[Context, None], as_of: AsOf = None, scope: Scope = DateScope.all) -> Dates:
        return Dates(view=info.context.answers.catalog.dates(self.view, scope=scope.value, as_of=as_of))

    @strawberry.field(description="For a defined term: the provisions whose reading turns on it.")
    def used_in(self, info: Info[Context, None]) -> list[Provision]:
        views = info.context.answers.catalog.provisions_by_iri(list(self.view.used_in_iris))
        return [Provision(view=v) for v in views if v is not None]

    informative: bool = strawberry.field(
        default=None, description="True for guidance the framework marks informative rather than required."
    )

    # framework, parent, children and used_in are read from the request's snapshot, in memory, and resolved
    # synchronously: as DataLoader fields each list item became an awaitable for graphql-core, which doubled
    # the cost of an asset's 500 obligations with `provision { framework { id } }` (37.6 against 20.5 ms) and
    # of a page of 100 provisions with their parents (5.2 against 2.5 ms); batching saves nothing in memory.
    @strawberry.field(description="The framework it belongs to.")
    def framework(self, info: Info[Context, None]) -> Framework:
        (view,) = info.context.answers.catalog.frameworks_by_id((self.view.framework,))
        assert view is not None
        return Framework(view=view)

    @strawberry.field(description="The provision it is part of; null at the top.")
    def parent(self, info: Info[Context, None]) -> Provision | None:
        if self.view.parent_iri is None:
            return None
        (view,) = info.context.answers.catalog.provisions_by_iri((self.view.parent_iri,))
        return Provision(view=view) if view else None

    @strawberry.field(description="Its direct parts, in document order.")
    def children(self, info: Info[Context, None]) -> list[Provision]:
        views = info.context.answers.catalog.provisions_by_iri(list(self.view.child_iris))
        return [Provision(view=v) for v in views if v is not None]

    @strawberry.field(
        description="Mappings from this provision, incoming ones read backwards (inverted), a page at a time "
        "(they grow with proposeMapping)."
    )
    async def mappings(
        self,
        info: Info[Context, None],
        include_inferred: IncludeInferred = False,
        target_framework: Annotated[
            str | None, strawberry.argument(description="Only mappings to this framework (its id).")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Mapping]:
        if target_framework is not None:
            target_framework = info.context.answers.catalog.framework(target_framework).id  # NOT_FOUND if unknown
        loader = info.context.inferred_mappings if include_inferred else info.context.mappings
        found = await loader.load(self.view.iri)
        views = [v for v in found if target_framework is None or v.target_framework == target_framework]
        page, limit = default_page(info, first)
        return paginate(views, lambda v: Mapping(view=v), page, after, limit, key=mapping_key, ordered=False)


@strawberry.type(description="A law as first published, or an act amending it.")
class Act:
    view: strawberry.Private[ActView]

    def __post_init__(self) -> None:
        """Plain attributes, filled from the view once: strawberry resolves them on its fast path."""
        self.id = self.view.id
        self.title = self.view.title
        self.status = self.view.status
        self.adopted = self.view.adopted
        self.signed = self.view.signed
        self.in_force = self.view.in_force
        self.oj_reference = self.view.oj_reference
        self.url = self.view.url
        self.sources = list(self.view.sources)
        self.uncertainty = self.view.uncertainty

    id: str = strawberry.field(default=None, description="Our id for the act, e.g. reg-2024-1689.")

    title: str = strawberry.field(default=None, description="The act's official title.")

    status: str = strawberry.field(default=None, description="proposed, adopted, published or in_force.")

    adopted: dt.date | None = strawberry.field(
        default=None, description="The day it was adopted: for an EU act, the Council's vote after Parliament's."
    )

    signed: dt.date | None = strawberry.field(default=None, description="The day it was signed: the date in its title.")

    in_force: dt.date | None = strawberry.field(default=None, description="The day it entered into force, if it has.")

    oj_reference: str | None = strawberry.field(
        default=None, description="Its Official Journal reference, where established; never guessed."
    )

    url: str | None = strawberry.field(default=None, description="Its ELI or EUR-Lex address.")

    sources: list[str] = strawberry.field(default_factory=list, description="Where its status and content were read.")

    uncertainty: str | None = strawberry.field(
        default=None, description="What about the act is not established, and why."
    )


@strawberry.type(description="When a provision applies, for a scope, as the law stood on a day.")
class Dates:
    view: strawberry.Private[DatesView]

    def __post_init__(self) -> None:
        """Plain attributes, filled from the view once: strawberry resolves them on its fast path."""
        self.scope = DateScope(self.view.scope)
        self.as_of = self.view.as_of
        self.applies_from = self.view.applies_from
        self.original = self.view.original
        self.amended = self.view.amended
        self.in_force = self.view.in_force
        self.basis = self.view.rule.basis if self.view.rule else None

    scope: DateScope = strawberry.field(default=None, description="all, annex_i or annex_iii.")

    as_of: dt.date = strawberry.field(default=None, description="The day the question was asked for.")

    applies_from: dt.date | None = strawberry.field(
        default=None, description="The day the provision applies from, amendments included."
    )

    original: dt.date | None = strawberry.field(default=None, description="The day the law as first published gave.")

    amended: bool = strawberry.field(default=None, description="Whether an amending act moved the date.")

    in_force: bool = strawberry.field(default=None, description="Whether the provision applies on the asked day.")

    basis: str | None = strawberry.field(
        default=None, description="The provision that sets the date, e.g. Article 113(c)."
    )

    @strawberry.field(description="The act the date comes from.")
    def act(self) -> Act | None:
        return Act(view=self.view.rule.act) if self.view.rule else None


@strawberry.type(description="Who asserted a mapping, when, in which set, and on what authority.")
class Provenance:
    mapping_set: str = strawberry.field(description="The mapping set it belongs to ('inferred' for inferences).")
    creators: list[str] = strawberry.field(description="Who curated the set.")
    created: dt.date | None = strawberry.field(description="When the set was made.")
    review_status: ReviewStatus = strawberry.field(description="Where the mapping's review stands.")
    authority: str | None = strawberry.field(description="The published crosswalk it was taken from, if any.")


@strawberry.type(description="How a source provision relates to a target (NIST IR 8477 set-theory relationship).")
class Mapping(Node):
    view: strawberry.Private[MappingView]

    def __post_init__(self) -> None:
        """Plain attributes, filled from the view once: strawberry resolves them on its fast path."""
        self.iri = None if self.view.iri is None else strawberry.ID(self.view.iri)
        self.target_framework = self.view.target_framework
        self.relation = Relation(self.view.relation)
        self.strength = self.view.strength
        self.rationale_type = RationaleType(self.view.rationale_type) if self.view.rationale_type else None
        self.rationale = self.view.rationale
        self.inferred = self.view.inferred
        self.inverted = self.view.inverted
        self.harmonized_structure = self.view.harmonized

    iri: strawberry.ID | None = strawberry.field(
        default=None,
        description=IRI + " The asserted mapping's, also when read backwards (inverted); null for an inferred one.",
    )

    @strawberry.field(description="The provision mapped from.")
    def source(self) -> Provision:
        return Provision(view=self.view.source)

    @strawberry.field(description="Null for a record that the source has no counterpart in the target framework.")
    def target(self) -> Provision | None:
        return Provision(view=self.view.target) if self.view.target else None

    target_framework: str = strawberry.field(default=None, description="The framework mapped to.")

    relation: Relation = strawberry.field(
        default=None, description="equal, subset, superset, intersects, no_relationship, or related (inferred only)."
    )

    strength: int | None = strawberry.field(default=None, description="1–10; null for no_relationship.")

    rationale_type: RationaleType | None = strawberry.field(
        default=None, description="syntactic, semantic or functional; null for no_relationship."
    )

    rationale: str = strawberry.field(default=None, description="Why the relation holds, in the curator's words.")

    @strawberry.field(description="Who asserted it, when, in which set, with what review.")
    def provenance(self) -> Provenance:
        v = self.view
        return Provenance(
            mapping_set=v.mapping_set,
            creators=list(v.creators),
            created=v.created,
            review_status=ReviewStatus(v.review_status),
            authority=v.authority,
        )

    inferred: bool = strawberry.field(
        default=None, description="Composed along a path of mappings rather than asserted."
    )

    inverted: bool = strawberry.field(default=None, description="Asserted the other way round and read backwards.")

    harmonized_structure: bool = strawberry.field(
        default=None, description="One ISO harmonized-structure clause: the same requirement for two systems."
    )

    @strawberry.field(description="For an inferred mapping, the provisions along its path, source first.")
    def path(self) -> list[Provision]:
        return [Provision(view=p) for p in self.view.path]


@strawberry.type(description="A curated collection of mappings between two frameworks, with one provenance.")
class MappingSet(Node):
    view: strawberry.Private[MappingSetView]

    def __post_init__(self) -> None:
        """Plain attributes, filled from the view once: strawberry resolves them on its fast path."""
        self.iri = strawberry.ID(self.view.iri)
        self.id = self.view.id
        self.title = self.view.title
        self.source_framework = self.view.source_framework
        self.target_framework = self.view.target_framework
        self.creators = list(self.view.creators)
        self.created = self.view.created
        self.description = self.view.description
        self.authority = self.view.authority
        self.authority_url = self.view.authority_url
        self.mapping_count = self.view.mapping_count
        self.no_counterpart_count = self.view.no_counterpart_count

    iri: strawberry.ID = strawberry.field(default=None, description=IRI)

    id: str = strawberry.field(default=None, description="The set's id.")

    title: str = strawberry.field(default=None, description="Its title.")

    source_framework: str = strawberry.field(default=None, description="The framework its mappings start from.")

    target_framework: str = strawberry.field(default=None, description="The framework its mappings lead to.")

    creators: list[str] = strawberry.field(default_factory=list, description="Who curated it.")

    created: dt.date = strawberry.field(default=None, description="When it was made.")

    description: str = strawberry.field(default=None, description="What it covers and how it was made.")

    authority: str | None = strawberry.field(
        default=None, description="The published crosswalk the set's pairs were taken from, if any."
    )

    authority_url: str | None = strawberry.field(default=None, description="Where the published crosswalk is.")

    mapping_count: int = strawberry.field(default=None, description="How many mappings it holds.")

    no_counterpart_count: int = strawberry.field(
        default=None, description="How many source provisions it records as having no counterpart."
    )


@strawberry.type(description="How well one target provision is covered, and why.")
class Verdict:
    view: strawberry.Private[VerdictView]

    def __post_init__(self) -> None:
        """Plain attributes, filled from the view once: strawberry resolves them on its fast path."""
        self.status = CoverageStatus(self.view.status)
        self.rests_on_expired = self.view.rests_on_expired

    @strawberry.field(description="The target provision assessed (a coverage unit).")
    def provision(self) -> Provision:
        return Provision(view=self.view.unit)

    status: CoverageStatus = strawberry.field(default=None, description="covered, reusable, partial or uncovered.")

    rests_on_expired: bool = strawberry.field(
        default=None, description="With an organisation: every implemented source behind it has expired evidence."
    )

    @strawberry.field(
        description="The mappings from implemented provisions that reach it, strongest first, a page at a time "
        "(they grow with proposeMapping and reviewMapping)."
    )
    def because(self, info: Info[Context, None], first: First = None, after: After = None) -> Connection[Mapping]:
        page, limit = default_page(info, first)
        return paginate(
            self.view.because, lambda m: Mapping(view=m), page, after, limit, key=mapping_key, ordered=False
        )


@strawberry.type(description="What of one framework the implemented provisions of another cover.")
class Coverage:
    view: strawberry.Private[CoverageView]

    def __post_init__(self) -> None:
        """Plain attributes, filled from the view once: strawberry resolves them on its fast path."""
        self.have = self.view.have
        self.want = self.view.want
        self.ratio = self.view.ratio
        self.reuse_ratio = self.view.reuse_ratio
        self.reached_ratio = self.view.reached_ratio

    have: str = strawberry.field(default=None, description="The framework whose provisions are implemented.")

    want: str = strawberry.field(default=None, description="The framework assessed.")

    ratio: float = strawberry.field(default=None, description="Share of the target's units fully covered.")

    reuse_ratio: float = strawberry.field(
        default=None, description="Share of the target's units covered, or reusable from another management system."
    )

    reached_ratio: float = strawberry.field(
        default=None, description="Share of the target's units covered or partly covered."
    )

    @strawberry.field(description="Units fully covered.")
    def covered(self) -> list[Verdict]:
        return [Verdict(view=v) for v in self.view.of("covered")]

    @strawberry.field(
        description="Units met by the same ISO harmonized-structure requirement for another management system."
    )
    def reusable(self) -> list[Verdict]:
        return [Verdict(view=v) for v in self.view.of("reusable")]

    @strawberry.field(description="Units partly covered.")
    def partial(self) -> list[Verdict]:
        return [Verdict(view=v) for v in self.view.of("partial")]

    @strawberry.field(description="Units nothing reaches.")
    def uncovered(self) -> list[Verdict]:
        return [Verdict(view=v) for v in self.view.of("uncovered")]


@strawberry.type(description="An organisation whose assets, controls and evidence the graph holds.")
class Organisation(Node):
    view: strawberry.Private[OrganisationView]

    def __post_init__(self) -> None:
        """Plain attributes, filled from the view once: strawberry resolves them on its fast path."""
        self.id = self.view.id
        self.iri = strawberry.ID(self.view.iri)
        self.name = self.view.name
        self.jurisdictions = list(self.view.jurisdictions)
        self.scope = self.view.scope

    id: str = strawberry.field(default=None, description="Its id, as the `organisation` arguments name it.")

    iri: strawberry.ID = strawberry.field(default=None, description=IRI)

    name: str = strawberry.field(default=None, description="Its name.")

    jurisdictions: list[str] = strawberry.field(
        default_factory=list, description="Where it operates, as its inventory states (e.g. EU)."
    )

    scope: str | None = strawberry.field(
        default=None, description="Its management systems' scope, in a sentence; null when the inventory gives none."
    )


@strawberry.type(description="A fact of an asset that takes a value.")
class AssetValue:
    name: str = strawberry.field(description="The fact, e.g. legal_basis.")
    value: str = strawberry.field(description="Its value, e.g. contract, or a date.")


@strawberry.type(description="An AI system, model, dataset, vendor or use case of an organisation.")
class Asset(Node):
    view: strawberry.Private[AssetView]

    def __post_init__(self) -> None:
        """Plain attributes, filled from the view once: strawberry resolves them on its fast path."""
        self.iri = strawberry.ID(self.view.iri)
        self.id = self.view.id
        self.description = self.view.description
        self.organisation = self.view.org
        self.kind = AssetKind(self.view.kind)
        self.name = self.view.name
        self.owner = self.view.owner
        self.roles = [AddresseeRole(r) for r in self.view.roles]
        self.facts = _in_vocabulary_order(self.view.facts)
        self.annex_iii = list(self.view.annex_iii)
        self.in_scope = self.view.in_scope
        self.denied_facts = _in_vocabulary_order(self.view.denied)
        self.unknown_facts = _in_vocabulary_order(self.view.unknown)
        self.values = [AssetValue(name=n, value=v) for n, v in self.view.values]
        scopes = self.view.ms_scopes
        self.management_system_scopes = None if scopes is None else [s for s in scopes if s != "none"]

    iri: strawberry.ID = strawberry.field(default=None, description=IRI)

    id: str = strawberry.field(default=None, description="The asset's id in its organisation's inventory.")

    description: str | None = strawberry.field(default=None, description="A sentence on what it is, if given.")

    organisation: str = strawberry.field(default=None, description="The organisation it belongs to.")

    kind: AssetKind = strawberry.field(default=None, description="ai_system, model, dataset, vendor or use_case.")

    name: str = strawberry.field(default=None, description="Its name.")

    owner: str = strawberry.field(default=None, description="The team or person answerable for it.")

    roles: list[AddresseeRole] = strawberry.field(
        default_factory=list, description="The organisation's roles for it: PROVIDER, DEPLOYER, CONTROLLER ..."
    )

    facts: list[AssetFact] = strawberry.field(
        default_factory=list,
        description="The facts the inventory states of it (PERSONAL_DATA, AUTOMATED_DECISIONS ...).",
    )

    annex_iii: list[str] = strawberry.field(
        default_factory=list, description="AI Act Annex III points its use falls under."
    )

    in_scope: bool = strawberry.field(default=None, description="Inside the ISO management systems' scope.")

    denied_facts: list[AssetFact] = strawberry.field(
        default_factory=list, description="Facts that may be unknown, stated false (a fact in no list is unknown)."
    )

    unknown_facts: list[AssetFact] = strawberry.field(
        default_factory=list, description="Yes/no facts that default to no, stated not known (null in the input)."
    )

    values: list[AssetValue] = strawberry.field(
        default_factory=list,
        description="Facts with a value: art6_3_condition, annex_i_section, legal_basis, placed_on_market, "
        "put_into_service (dates as YYYY-MM-DD); one left out is unknown.",
    )

    management_system_scopes: list[str] | None = strawberry.field(
        default=None, description="The declared systems whose scope holds it; null: `inScope` says it for all."
    )

    @strawberry.field(description="The assets it uses, a page at a time (only the page's assets are loaded).")
    async def uses(self, info: Info[Context, None], first: First = None, after: After = None) -> Connection[Asset]:
        page, limit = default_page(info, first)
        return await paginate_loaded(
            self.view.uses, assets_of(info, self.view.org), as_asset, first=page, after=after, limit=limit
        )

    @strawberry.field(description="What applies to it, why, from when, and with what evidence, a page at a time.")
    async def obligations(
        self,
        info: Info[Context, None],
        frameworks: Frameworks = None,
        as_of: AsOf = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Obligation]:
        found = await info.context.obligations.load((self.view.org, self.view.id, tuple(frameworks or ()), as_of))
        page, limit = default_page(info, first)
        return paginate(
            found.obligations, lambda o: Obligation(view=o), page, after, limit, key=obligation_key, ordered=False
        )


_FACT_ORDER = {fact.value: position for position, fact in enumerate(AssetFact)}


def _in_vocabulary_order(facts: Sequence[str]) -> list[AssetFact]:
    """Facts in the vocabulary's order, however the store returned them: the same asset reads the same."""
    return [AssetFact(f) for f in sorted(facts, key=lambda f: _FACT_ORDER.get(f, len(_FACT_ORDER)))]


def as_asset(view: AssetView) -> Asset:
    return Asset(view=view)


def assets_of(info: Info[Context, None], org: str) -> Callable[[Sequence[str]], Awaitable[list[AssetView | None]]]:
    """Load assets of `org` by id through the request's DataLoader (one batch for all of a tick's pages)."""

    def load(ids: Sequence[str]) -> Awaitable[list[AssetView | None]]:
        return info.context.assets.load_many([(org, asset_id) for asset_id in ids])

    return load


@strawberry.type(description="Why a provision applies: the rule and the facts and role that met it.")
class Reason:
    view: strawberry.Private[ReasonView]

    def __post_init__(self) -> None:
        """Plain attributes, filled from the view once: strawberry resolves them on its fast path."""
        self.rule = self.view.rule
        self.reason = self.view.reason
        self.role = AddresseeRole(self.view.role) if self.view.role else None
        self.facts = list(self.view.facts)
        self.annex_iii = list(self.view.annex_iii)
        self.basis = self.view.basis
        self.conditions = list(self.view.conditions)

    rule: str = strawberry.field(default=None, description="The applicability rule's id.")

    basis: str = strawberry.field(default=None, description="The article and paragraph the rule rests on.")

    conditions: list[str] = strawberry.field(
        default_factory=list,
        description="What must also hold that the inventory does not state; empty when the rule holds outright.",
    )

    reason: str = strawberry.field(default=None, description="The rule's reason, in our words.")

    role: AddresseeRole | None = strawberry.field(
        default=None, description="The role that matched, if the rule asks for one."
    )

    facts: list[str] = strawberry.field(
        default_factory=list, description="The facts that met the condition, with the asset each came through."
    )

    annex_iii: list[str] = strawberry.field(
        default_factory=list, description="The Annex III points that met the condition."
    )


@strawberry.type(description="An evidence item counted for an obligation, with its status on the asked day.")
class EvidenceItem:
    view: strawberry.Private[EvidenceMatch]

    def __post_init__(self) -> None:
        """Plain attributes, filled from the view once: strawberry resolves them on its fast path."""
        self.id = self.view.evidence.id
        self.title = self.view.evidence.title
        self.location = self.view.evidence.uri
        self.uri = self.view.evidence.uri
        self.sha256 = self.view.evidence.sha256
        self.collected = self.view.evidence.collected
        self.valid_until = self.view.evidence.valid_until
        self.status = EvidenceStatus(self.view.status)
        self.through = self.view.through

    id: str = strawberry.field(default=None, description="The evidence id.")

    title: str | None = strawberry.field(default=None, description="Its title.")

    location: str = strawberry.field(default=None, description="Where it is (a URI).")

    uri: str = strawberry.field(
        default=None,
        description="Where it is.",
        deprecation_reason="Use `location`: evidence's address is `location` in every interface (docs/naming.md).",
    )

    sha256: str = strawberry.field(default=None, description="Its SHA-256.")

    collected: dt.date = strawberry.field(default=None, description="When it was collected.")

    valid_until: dt.date | None = strawberry.field(default=None, description="Until when it is valid.")

    status: EvidenceStatus = strawberry.field(default=None, description="valid, expiring (within 30 days) or expired.")

    through: str | None = strawberry.field(
        default=None, description="The mapping that lets evidence for another provision count, if any."
    )


@strawberry.type(description="A provision that applies to an asset.")
class Obligation(Node):
    view: strawberry.Private[ObligationView]

    def __post_init__(self) -> None:
        """Plain attributes, filled from the view once: strawberry resolves them on its fast path."""
        self.iri = strawberry.ID(self.view.iri)
        self.organisation_wide = self.view.organisation_wide
        self.addressee = AddresseeRole(self.view.addressee)
        self.status = EvidenceStatus(self.view.status)
        self.voluntary = self.view.voluntary
        self.conditional = self.view.conditional
        self.conditions = list(self.view.conditions)
        self.content = self.view.content
        self.amended_by = self.view.amended_by
        self.uncertainty = list(self.view.uncertainty)
        self.date_note = self.view.date_note
        self.standing = self.view.standing
        self.work = work_item(self.view.work)

    iri: strawberry.ID = strawberry.field(
        default=None,
        description=IRI + " One asset's duty under one provision; an organisation-wide duty has one id, named by "
        "the organisation, whichever asset it is read through.",
    )

    @strawberry.field(description="The asset it was read for (for an organisation-wide duty, one of its assets).")
    def asset(self) -> Asset:
        return Asset(view=self.view.asset)

    organisation_wide: bool = strawberry.field(
        default=None, description="A management-system duty, met once for the whole scope rather than per asset."
    )

    @strawberry.field(description="The provision.")
    def provision(self) -> Provision:
        return Provision(view=self.view.provision)

    standing: str = strawberry.field(
        default=None,
        description='Where it stands on the asked day, in words: "in force since <day>", "from <day> (not yet)", '
        '"voluntary" (guidance), or "in force" (a declared management system whose start the inventory does '
        "not state).",
    )

    work: WorkItem | None = strawberry.field(
        default=None, description="Who does the work on it, by when, and where it stands; null when none is planned."
    )

    addressee: AddresseeRole = strawberry.field(
        default=None, description="The role it binds: PROVIDER, DEPLOYER, CONTROLLER, ORGANISATION ..."
    )

    @strawberry.field(description="Why it applies.")
    def reasons(self) -> list[Reason]:
        return [Reason(view=r) for r in self.view.reasons]

    @strawberry.field(description="The evidence that covers it, best first, a page at a time.")
    def evidence(self, info: Info[Context, None], first: First = None, after: After = None) -> Connection[EvidenceItem]:
        page, limit = default_page(info, first)
        return paginate(
            self.view.evidence, lambda m: EvidenceItem(view=m), page, after, limit, key=evidence_key, ordered=False
        )

    status: EvidenceStatus = strawberry.field(
        default=None, description="The best evidence status: valid, expiring, expired or missing."
    )

    @strawberry.field(description="When it applies to this asset, as the law stands on the asked day.")
    def dates(self) -> Dates:
        return Dates(view=self.view.dates)

    voluntary: bool = strawberry.field(default=None, description="Guidance rather than a duty (NIST AI RMF).")

    conditional: bool = strawberry.field(
        default=None, description="It applies only if a fact the inventory does not state holds (see conditions)."
    )

    conditions: list[str] = strawberry.field(
        default_factory=list, description='"Applies if": each entry one alternative; empty when it applies outright.'
    )

    content: str | None = strawberry.field(
        default=None, description="What the provision asks as amended, when an amending act changed it (our words)."
    )

    amended_by: str | None = strawberry.field(default=None, description="The amending act behind `content`.")

    uncertainty: list[str] = strawberry.field(
        default_factory=list, description="What is not established about the acts this answer rests on."
    )

    date_note: str | None = strawberry.field(
        default=None, description="A transition that moves (or may move) the date, and why."
    )


@strawberry.type(description="One asset's evidence status within a gap.")
class GapAssetStatus:
    asset_id: str = strawberry.field(description="The asset's id.")
    status: EvidenceStatus = strawberry.field(description="missing or expired, for this asset.")


@strawberry.type(description="A binding obligation without valid evidence.")
class Gap(Node):
    view: strawberry.Private[GapView]
    org: strawberry.Private[str]  # the organisation its assets belong to (the view names them by id)

    def __post_init__(self) -> None:
        """Plain attributes, filled from the view once: strawberry resolves them on its fast path."""
        self.iri = strawberry.ID(self.view.iri)
        self.asset_statuses = [
            GapAssetStatus(asset_id=a, status=EvidenceStatus(s)) for a, s in self.view.asset_statuses
        ]
        self.owner = self.view.owner
        self.status = EvidenceStatus(self.view.status)
        self.applies_from = self.view.applies_from
        self.in_force = self.view.in_force
        self.conditions = list(self.view.conditions)
        self.standing = self.view.standing

    standing: str = strawberry.field(
        default=None, description='As on its obligations: "in force since <day>", "from <day> (not yet)", ...'
    )

    @strawberry.field(
        description="The work items of the obligations it groups (one per asset, or the organisation's), a page "
        "at a time."
    )
    def work(self, info: Info[Context, None], first: First = None, after: After = None) -> Connection[WorkItem]:
        page, limit = default_page(info, first)
        return paginate(self.view.work, lambda w: WorkItem(view=w), page, after, limit, key=by_iri, ordered=False)

    iri: strawberry.ID = strawberry.field(default=None, description=IRI + " One provision, one owner.")

    conditions: list[str] = strawberry.field(
        default_factory=list, description='"Applies if": empty when the duty is certain for some asset.'
    )

    @strawberry.field(
        description="Each asset's own evidence status (missing or expired), in the order of `assets`, a page at a "
        "time; `status` is the worst of them."
    )
    def asset_statuses(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[GapAssetStatus]:
        page, limit = default_page(info, first)
        return paginate(
            self.view.asset_statuses,
            lambda pair: GapAssetStatus(asset_id=pair[0], status=EvidenceStatus(pair[1])),
            page,
            after,
            limit,
            key=lambda pair: (pair[0],),
            ordered=False,
        )

    owner: str = strawberry.field(default=None, description="Who must close it: the asset owner, or the organisation.")

    @strawberry.field(
        description="The assets it concerns, a page at a time: assets rather than ids, as `Asset.uses` gives "
        "them, so one query reads their owners and kinds (only the page's are loaded). An organisation-wide "
        "gap names every asset the obligation applies to, so the list grows with the inventory."
    )
    async def assets(self, info: Info[Context, None], first: First = None, after: After = None) -> Connection[Asset]:
        page, limit = default_page(info, first)
        return await paginate_loaded(
            self.view.assets, assets_of(info, self.org), as_asset, first=page, after=after, limit=limit
        )

    @strawberry.field(description="The provision.")
    def provision(self) -> Provision:
        return Provision(view=self.view.provision)

    status: EvidenceStatus = strawberry.field(
        default=None,
        description="missing or expired: the worst of its assets' statuses (missing when one asset has no evidence "
        "and another only expired evidence; see `assetStatuses`).",
    )

    applies_from: dt.date | None = strawberry.field(default=None, description="When the obligation applies from.")

    in_force: bool = strawberry.field(default=None, description="Whether it applies already.")


@strawberry.type(
    description="One Annex A control (ISO/IEC 42001 or 27001) in the Statement of Applicability, with the "
    "organisation's decision on it."
)
class SoaEntry(Node):
    view: strawberry.Private[SoaRow]

    def __post_init__(self) -> None:
        """Plain attributes, filled from the view once: strawberry resolves them on its fast path."""
        self.iri = strawberry.ID(self.view.iri)
        self.included = self.view.included
        self.status = SoaStatus(self.view.status)
        self.justification = self.view.justification
        self.evidence_status = EvidenceStatus(self.view.evidence_status)
        self.rests_on_expired = self.view.rests_on_expired
        self.binding = self.view.binding
        self.inclusion_reasons = [InclusionReason(r) for r in self.view.inclusion_reasons]
        self.inclusion_note = self.view.inclusion_note
        self.missing_inclusion_reason = self.view.missing_inclusion_reason
        self.work = work_item(self.view.work)

    inclusion_reasons: list[InclusionReason] = strawberry.field(
        default_factory=list, description="Why it is included (ISO/IEC 42001 6.1.3 d); empty when not stated."
    )

    inclusion_note: str | None = strawberry.field(
        default=None, description="The reason for inclusion in the organisation's words."
    )

    missing_inclusion_reason: bool = strawberry.field(
        default=None,
        description="True for an included control whose decision states no reason for inclusion (reported, "
        "never guessed).",
    )

    work: WorkItem | None = strawberry.field(
        default=None, description="Who does the work on the control, by when, and where it stands."
    )

    iri: strawberry.ID = strawberry.field(
        default=None, description=IRI + " The organisation's decision on one control."
    )

    binding: bool = strawberry.field(
        default=None, description="False when the organisation declares no such management system."
    )

    @strawberry.field(description="The control.")
    def control(self) -> Provision:
        return Provision(view=self.view.control)

    included: bool = strawberry.field(default=None, description="Included, or excluded by the organisation.")

    status: SoaStatus = strawberry.field(
        default=None, description="implemented, partial, planned, excluded or undecided."
    )

    justification: str | None = strawberry.field(default=None, description="Why it is excluded, where it is.")

    @strawberry.field(description="The evidence for it, a page at a time.")
    def evidence(self, info: Info[Context, None], first: First = None, after: After = None) -> Connection[EvidenceItem]:
        page, limit = default_page(info, first)
        return paginate(
            self.view.evidence, lambda m: EvidenceItem(view=m), page, after, limit, key=evidence_key, ordered=False
        )

    evidence_status: EvidenceStatus = strawberry.field(default=None, description="The best evidence status.")

    rests_on_expired: bool = strawberry.field(
        default=None, description="True when the entry rests on expired evidence."
    )
