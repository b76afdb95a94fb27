"""GraphQL object types. Each wraps a service view; relations resolve through the request's DataLoaders."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Generic, TypeVar

import strawberry
from strawberry.types import Info

from api.graphql.context import Context
from api.graphql.enums import (
    AddresseeRole,
    AssetFact,
    AssetKind,
    CoverageStatus,
    DateScope,
    EvidenceStatus,
    ProvisionKind,
    RationaleType,
    Relation,
    ReviewStatus,
    SoaStatus,
)
from graph.views import (
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
    ProvisionView,
    ReasonView,
    SoaRow,
    VerdictView,
)

T = TypeVar("T")


@strawberry.type(description="A framework: a law, regulation or standard.")
class Framework:
    view: strawberry.Private[FrameworkView]

    @strawberry.field(description="Its id: iso42001, iso27001, eu-ai-act, nist-ai-rmf or gdpr.")
    def id(self) -> str:
        return self.view.id

    @strawberry.field(description="Its stable IRI in the graph.")
    def iri(self) -> str:
        return self.view.iri

    @strawberry.field(description="Its short name, e.g. ISO/IEC 42001.")
    def name(self) -> str:
        return self.view.name

    @strawberry.field(description="Official title.")
    def title(self) -> str:
        return self.view.title

    @strawberry.field(description="The edition or version the catalog follows.")
    def version(self) -> str:
        return self.view.version

    @strawberry.field(description="When that edition was issued.")
    def issued(self) -> dt.date:
        return self.view.issued

    @strawberry.field(description="Who publishes it (ISO/IEC, the EU, NIST).")
    def publisher(self) -> str:
        return self.view.publisher

    @strawberry.field(description="The document the catalog's structure was taken from.")
    def source(self) -> str:
        return self.view.source

    @strawberry.field(description="Where to read it.")
    def url(self) -> str | None:
        return self.view.url

    @strawberry.field(description="True for law, false for voluntary or certifiable standards.")
    def binding(self) -> bool:
        return self.view.binding

    @strawberry.field(description="The roles its provisions bind unless a provision names its own.")
    def default_addressees(self) -> list[AddresseeRole]:
        return [AddresseeRole(r) for r in self.view.default_addressees]

    @strawberry.field(description="How many provisions its catalog holds.")
    def provision_count(self) -> int:
        return self.view.provision_count


@strawberry.type(description="A provision: clause, control, article, paragraph, point, annex, subcategory ...")
class Provision:
    view: strawberry.Private[ProvisionView]

    @strawberry.field(description="Its stable IRI in the graph.")
    def iri(self) -> str:
        return self.view.iri

    @strawberry.field(description="The ref as the source writes it, e.g. 'Article 9(2)' or 'A.6.2.4'.")
    def ref(self) -> str:
        return self.view.ref

    @strawberry.field(description="What kind of provision it is (article, paragraph, control ...).")
    def kind(self) -> ProvisionKind:
        return ProvisionKind(self.view.kind)

    @strawberry.field(description="Official heading; null for paragraphs and points, which have none.")
    def title(self) -> str | None:
        return self.view.title

    @strawberry.field(description="Our own short summary of what the provision asks.")
    def summary(self) -> str | None:
        return self.view.summary

    @strawberry.field(description="Position in the source document.")
    def order(self) -> int:
        return self.view.order

    @strawberry.field(description="Roles the provision binds, e.g. provider, deployer, controller.")
    def addressees(self) -> list[AddresseeRole]:
        return [AddresseeRole(r) for r in self.view.addressees]

    @strawberry.field(
        description="The day the provision applies from, for a scope (all, annex_i, annex_iii), as the law stands "
        "on `asOf` (today by default): amendments included."
    )
    def applies_from(
        self, info: Info[Context, None], as_of: dt.date | None = None, scope: DateScope = DateScope.all
    ) -> dt.date | None:
        return info.context.answers.catalog.dates(self.view, scope=scope.value, as_of=as_of).applies_from

    @strawberry.field(description="When the provision applies, why (the act and its basis), and the original date.")
    def dates(self, info: Info[Context, None], as_of: dt.date | None = None, scope: DateScope = DateScope.all) -> Dates:
        return Dates(view=info.context.answers.catalog.dates(self.view, scope=scope.value, as_of=as_of))

    @strawberry.field(description="For a defined term: the provisions whose reading turns on it.")
    async def used_in(self, info: Info[Context, None]) -> list[Provision]:
        views = await info.context.provisions.load_many(list(self.view.used_in_iris))
        return [Provision(view=v) for v in views if v is not None]

    @strawberry.field(description="True for guidance the framework marks informative rather than required.")
    def informative(self) -> bool:
        return self.view.informative

    @strawberry.field(description="The framework it belongs to.")
    async def framework(self, info: Info[Context, None]) -> Framework:
        view = await info.context.frameworks.load(self.view.framework)
        assert view is not None
        return Framework(view=view)

    @strawberry.field(description="The provision it is part of; null at the top.")
    async def parent(self, info: Info[Context, None]) -> Provision | None:
        if self.view.parent_iri is None:
            return None
        view = await info.context.provisions.load(self.view.parent_iri)
        return Provision(view=view) if view else None

    @strawberry.field(description="Its direct parts, in document order.")
    async def children(self, info: Info[Context, None]) -> list[Provision]:
        views = await info.context.provisions.load_many(list(self.view.child_iris))
        return [Provision(view=v) for v in views if v is not None]

    @strawberry.field(description="Mappings from this provision, incoming ones read backwards (inverted).")
    async def mappings(
        self, info: Info[Context, None], include_inferred: bool = False, target_framework: str | None = None
    ) -> list[Mapping]:
        if target_framework is not None:
            target_framework = info.context.answers.catalog.framework(target_framework).id  # NOT_FOUND if unknown
        loader = info.context.inferred_mappings if include_inferred else info.context.mappings
        views = await loader.load(self.view.iri)
        return [Mapping(view=v) for v in views if target_framework is None or v.target_framework == target_framework]


@strawberry.type(description="A law as first published, or an act amending it.")
class Act:
    view: strawberry.Private[ActView]

    @strawberry.field(description="Our id for the act, e.g. reg-2024-1689.")
    def id(self) -> str:
        return self.view.id

    @strawberry.field(description="The act's official title.")
    def title(self) -> str:
        return self.view.title

    @strawberry.field(description="proposed, adopted, published or in_force.")
    def status(self) -> str:
        return self.view.status

    @strawberry.field(description="The day it entered into force, if it has.")
    def in_force(self) -> dt.date | None:
        return self.view.in_force

    @strawberry.field(description="Its Official Journal reference, where established; never guessed.")
    def oj_reference(self) -> str | None:
        return self.view.oj_reference

    @strawberry.field(description="Its ELI or EUR-Lex address.")
    def url(self) -> str | None:
        return self.view.url

    @strawberry.field(description="Where its status and content were read.")
    def sources(self) -> list[str]:
        return list(self.view.sources)

    @strawberry.field(description="What about the act is not established, and why.")
    def uncertainty(self) -> str | None:
        return self.view.uncertainty


@strawberry.type(description="When a provision applies, for a scope, as the law stood on a day.")
class Dates:
    view: strawberry.Private[DatesView]

    @strawberry.field(description="all, annex_i or annex_iii.")
    def scope(self) -> DateScope:
        return DateScope(self.view.scope)

    @strawberry.field(description="The day the question was asked for.")
    def as_of(self) -> dt.date:
        return self.view.as_of

    @strawberry.field(description="The day the provision applies from, amendments included.")
    def applies_from(self) -> dt.date | None:
        return self.view.applies_from

    @strawberry.field(description="The day the law as first published gave.")
    def original(self) -> dt.date | None:
        return self.view.original

    @strawberry.field(description="Whether an amending act moved the date.")
    def amended(self) -> bool:
        return self.view.amended

    @strawberry.field(description="Whether the provision applies on the asked day.")
    def in_force(self) -> bool:
        return self.view.in_force

    @strawberry.field(description="The provision that sets the date, e.g. Article 113(c).")
    def basis(self) -> str | None:
        return self.view.rule.basis if self.view.rule else None

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
class Mapping:
    view: strawberry.Private[MappingView]

    @strawberry.field(description="The provision mapped from.")
    def source(self) -> Provision:
        return Provision(view=self.view.source)

    @strawberry.field(description="Null for a record that the source has no counterpart in the target framework.")
    def target(self) -> Provision | None:
        return Provision(view=self.view.target) if self.view.target else None

    @strawberry.field(description="The framework mapped to.")
    def target_framework(self) -> str:
        return self.view.target_framework

    @strawberry.field(description="equal, subset, superset, intersects, no_relationship, or related (inferred only).")
    def relation(self) -> Relation:
        return Relation(self.view.relation)

    @strawberry.field(description="1–10; null for no_relationship.")
    def strength(self) -> int | None:
        return self.view.strength

    @strawberry.field(description="syntactic, semantic or functional; null for no_relationship.")
    def rationale_type(self) -> RationaleType | None:
        return RationaleType(self.view.rationale_type) if self.view.rationale_type else None

    @strawberry.field(description="Why the relation holds, in the curator's words.")
    def rationale(self) -> str:
        return self.view.rationale

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

    @strawberry.field(description="Composed along a path of mappings rather than asserted.")
    def inferred(self) -> bool:
        return self.view.inferred

    @strawberry.field(description="Asserted the other way round and read backwards.")
    def inverted(self) -> bool:
        return self.view.inverted

    @strawberry.field(description="One ISO harmonized-structure clause: the same requirement for two systems.")
    def harmonized_structure(self) -> bool:
        return self.view.harmonized

    @strawberry.field(description="For an inferred mapping, the provisions along its path, source first.")
    def path(self) -> list[Provision]:
        return [Provision(view=p) for p in self.view.path]


@strawberry.type(description="A curated collection of mappings between two frameworks, with one provenance.")
class MappingSet:
    view: strawberry.Private[MappingSetView]

    @strawberry.field(description="The set's id.")
    def id(self) -> str:
        return self.view.id

    @strawberry.field(description="Its title.")
    def title(self) -> str:
        return self.view.title

    @strawberry.field(description="The framework its mappings start from.")
    def source_framework(self) -> str:
        return self.view.source_framework

    @strawberry.field(description="The framework its mappings lead to.")
    def target_framework(self) -> str:
        return self.view.target_framework

    @strawberry.field(description="Who curated it.")
    def creators(self) -> list[str]:
        return list(self.view.creators)

    @strawberry.field(description="When it was made.")
    def created(self) -> dt.date:
        return self.view.created

    @strawberry.field(description="What it covers and how it was made.")
    def description(self) -> str:
        return self.view.description

    @strawberry.field(description="The published crosswalk the set's pairs were taken from, if any.")
    def authority(self) -> str | None:
        return self.view.authority

    @strawberry.field(description="Where the published crosswalk is.")
    def authority_url(self) -> str | None:
        return self.view.authority_url

    @strawberry.field(description="How many mappings it holds.")
    def mapping_count(self) -> int:
        return self.view.mapping_count

    @strawberry.field(description="How many source provisions it records as having no counterpart.")
    def no_counterpart_count(self) -> int:
        return self.view.no_counterpart_count


@strawberry.type(description="How well one target provision is covered, and why.")
class Verdict:
    view: strawberry.Private[VerdictView]

    @strawberry.field(description="The target provision assessed (a coverage unit).")
    def provision(self) -> Provision:
        return Provision(view=self.view.unit)

    @strawberry.field(description="covered, reusable, partial or uncovered.")
    def status(self) -> CoverageStatus:
        return CoverageStatus(self.view.status)

    @strawberry.field(description="With an organisation: every implemented source behind it has expired evidence.")
    def rests_on_expired(self) -> bool:
        return self.view.rests_on_expired

    @strawberry.field(description="The mappings from implemented provisions that reach it, strongest first.")
    def because(self) -> list[Mapping]:
        return [Mapping(view=m) for m in self.view.because]


@strawberry.type(description="What of one framework the implemented provisions of another cover.")
class Coverage:
    view: strawberry.Private[CoverageView]

    @strawberry.field(description="The framework whose provisions are implemented.")
    def have(self) -> str:
        return self.view.have

    @strawberry.field(description="The framework assessed.")
    def want(self) -> str:
        return self.view.want

    @strawberry.field(description="Share of the target's units fully covered.")
    def ratio(self) -> float:
        return self.view.ratio

    @strawberry.field(description="Share of the target's units covered, or reusable from another management system.")
    def reuse_ratio(self) -> float:
        return self.view.reuse_ratio

    @strawberry.field(description="Share of the target's units covered or partly covered.")
    def reached_ratio(self) -> float:
        return self.view.reached_ratio

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


@strawberry.type(description="Where a page stands in the whole list (Relay).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items come before this page.")
    start_cursor: str | None = strawberry.field(description="The cursor of the page's first item.")
    end_cursor: str | None = strawberry.field(description="The cursor of the page's last item: pass it as `after`.")


@strawberry.type(description="One item of a page, with its cursor (Relay).")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Pass as `after` to continue after this item.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of results, Relay style.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page.")
    page_info: PageInfo = strawberry.field(description="Where the page stands in the whole list.")
    total_count: int = strawberry.field(description="How many items the whole list holds.")


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The offset a cursor stands for; ValueError for anything not made by `encode_cursor`."""
    try:
        kind, _, number = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        offset = int(number)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"invalid cursor {cursor!r}") from error
    if kind != "offset" or offset < 0:
        raise ValueError(f"invalid cursor {cursor!r}")
    return offset


@strawberry.type(description="An AI system, model, dataset, vendor or use case of an organisation.")
class Asset:
    view: strawberry.Private[AssetView]

    @strawberry.field(description="The asset's id in its organisation's inventory.")
    def id(self) -> str:
        return self.view.id

    @strawberry.field(description="The organisation it belongs to.")
    def organisation(self) -> str:
        return self.view.org

    @strawberry.field(description="ai_system, model, dataset, vendor or use_case.")
    def kind(self) -> AssetKind:
        return AssetKind(self.view.kind)

    @strawberry.field(description="Its name.")
    def name(self) -> str:
        return self.view.name

    @strawberry.field(description="The team or person answerable for it.")
    def owner(self) -> str:
        return self.view.owner

    @strawberry.field(description="The organisation's roles for it: provider, deployer, controller ...")
    def roles(self) -> list[AddresseeRole]:
        return [AddresseeRole(r) for r in self.view.roles]

    @strawberry.field(description="The facts the inventory states of it (personal_data, automated_decisions ...).")
    def facts(self) -> list[AssetFact]:
        return [AssetFact(f) for f in self.view.facts]

    @strawberry.field(description="AI Act Annex III points its use falls under.")
    def annex_iii(self) -> list[str]:
        return list(self.view.annex_iii)

    @strawberry.field(description="Inside the ISO management systems' scope.")
    def in_scope(self) -> bool:
        return self.view.in_scope

    @strawberry.field(description="The assets it uses.")
    async def uses(self, info: Info[Context, None]) -> list[Asset]:
        found = await info.context.assets.load_many([(self.view.org, used) for used in self.view.uses])
        return [Asset(view=a) for a in found if a is not None]

    @strawberry.field(description="What applies to it, why, from when, and with what evidence.")
    async def obligations(
        self, info: Info[Context, None], frameworks: list[str] | None = None, as_of: dt.date | None = None
    ) -> list[Obligation]:
        found = await info.context.obligations.load((self.view.org, self.view.id, tuple(frameworks or ()), as_of))
        return [Obligation(view=o) for o in found.obligations]


@strawberry.type(description="Why a provision applies: the rule and the facts and role that met it.")
class Reason:
    view: strawberry.Private[ReasonView]

    @strawberry.field(description="The applicability rule's id.")
    def rule(self) -> str:
        return self.view.rule

    @strawberry.field(description="The rule's reason, in our words.")
    def reason(self) -> str:
        return self.view.reason

    @strawberry.field(description="The role that matched, if the rule asks for one.")
    def role(self) -> AddresseeRole | None:
        return AddresseeRole(self.view.role) if self.view.role else None

    @strawberry.field(description="The facts that met the condition, with the asset each came through.")
    def facts(self) -> list[str]:
        return list(self.view.facts)

    @strawberry.field(description="The Annex III points that met the condition.")
    def annex_iii(self) -> list[str]:
        return list(self.view.annex_iii)


@strawberry.type(description="An evidence item counted for an obligation, with its status on the asked day.")
class EvidenceItem:
    view: strawberry.Private[EvidenceMatch]

    @strawberry.field(description="The evidence id.")
    def id(self) -> str:
        return self.view.evidence.id

    @strawberry.field(description="Its title.")
    def title(self) -> str | None:
        return self.view.evidence.title

    @strawberry.field(description="Where it is.")
    def uri(self) -> str:
        return self.view.evidence.uri

    @strawberry.field(description="Its SHA-256.")
    def sha256(self) -> str:
        return self.view.evidence.sha256

    @strawberry.field(description="When it was collected.")
    def collected(self) -> dt.date:
        return self.view.evidence.collected

    @strawberry.field(description="Until when it is valid.")
    def valid_until(self) -> dt.date | None:
        return self.view.evidence.valid_until

    @strawberry.field(description="valid, expiring (within 30 days) or expired.")
    def status(self) -> EvidenceStatus:
        return EvidenceStatus(self.view.status)

    @strawberry.field(description="The mapping that lets evidence for another provision count, if any.")
    def through(self) -> str | None:
        return self.view.through


@strawberry.type(description="A provision that applies to an asset.")
class Obligation:
    view: strawberry.Private[ObligationView]

    @strawberry.field(description="The provision.")
    def provision(self) -> Provision:
        return Provision(view=self.view.provision)

    @strawberry.field(description="The role it binds: provider, deployer, controller, organisation ...")
    def addressee(self) -> AddresseeRole:
        return AddresseeRole(self.view.addressee)

    @strawberry.field(description="Why it applies.")
    def reasons(self) -> list[Reason]:
        return [Reason(view=r) for r in self.view.reasons]

    @strawberry.field(description="The evidence that covers it.")
    def evidence(self) -> list[EvidenceItem]:
        return [EvidenceItem(view=m) for m in self.view.evidence]

    @strawberry.field(description="The best evidence status: valid, expiring, expired or missing.")
    def status(self) -> EvidenceStatus:
        return EvidenceStatus(self.view.status)

    @strawberry.field(description="When it applies to this asset, as the law stands on the asked day.")
    def dates(self) -> Dates:
        return Dates(view=self.view.dates)

    @strawberry.field(description="Guidance rather than a duty (NIST AI RMF).")
    def voluntary(self) -> bool:
        return self.view.voluntary


@strawberry.type(description="A binding obligation without valid evidence.")
class Gap:
    view: strawberry.Private[GapView]

    @strawberry.field(description="Who must close it: the asset owner, or the organisation.")
    def owner(self) -> str:
        return self.view.owner

    @strawberry.field(description="The assets it concerns.")
    def assets(self) -> list[str]:
        return list(self.view.assets)

    @strawberry.field(description="The provision.")
    def provision(self) -> Provision:
        return Provision(view=self.view.provision)

    @strawberry.field(description="missing or expired.")
    def status(self) -> EvidenceStatus:
        return EvidenceStatus(self.view.status)

    @strawberry.field(description="When the obligation applies from.")
    def applies_from(self) -> dt.date | None:
        return self.view.applies_from

    @strawberry.field(description="Whether it applies already.")
    def in_force(self) -> bool:
        return self.view.in_force


@strawberry.type(description="One ISO/IEC 42001 Annex A control in the Statement of Applicability.")
class SoaEntry:
    view: strawberry.Private[SoaRow]

    @strawberry.field(description="The control.")
    def control(self) -> Provision:
        return Provision(view=self.view.control)

    @strawberry.field(description="Included, or excluded by the organisation.")
    def included(self) -> bool:
        return self.view.included

    @strawberry.field(description="implemented, partial, planned, excluded or undecided.")
    def status(self) -> SoaStatus:
        return SoaStatus(self.view.status)

    @strawberry.field(description="Why it is excluded, where it is.")
    def justification(self) -> str | None:
        return self.view.justification

    @strawberry.field(description="The evidence for it.")
    def evidence(self) -> list[EvidenceItem]:
        return [EvidenceItem(view=m) for m in self.view.evidence]

    @strawberry.field(description="The best evidence status.")
    def evidence_status(self) -> EvidenceStatus:
        return EvidenceStatus(self.view.evidence_status)

    @strawberry.field(description="True when the entry rests on expired evidence.")
    def rests_on_expired(self) -> bool:
        return self.view.rests_on_expired
