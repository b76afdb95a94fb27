"""The list queries a GRC tool syncs from (evidence, recorded controls, Statement of Applicability decisions)
and `node(id:)`, the lookup of anything by its global id.

Resolvers are a few lines over `Answers.lists` (graph/read/listings.py), where the filtering happens; every
list is a connection cut by `api.graphql.paging`. A lookup of an id the graph does not hold answers null at its
field with a NOT_FOUND error entry at that path; the rest of the response stands.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.graphql.arguments import After, AsOf, First, OrgId
from api.graphql.auth import CanRead
from api.graphql.context import Context
from api.graphql.enums import ControlStatus, EvidenceStatus
from api.graphql.filters import (
    ControlFilterArg,
    ControlFilterInput,
    EvidenceFilterArg,
    EvidenceFilterInput,
    SoaFilterArg,
    SoaFilterInput,
)
from api.graphql.node import IRI, Node
from api.graphql.paging import Connection, by_iri, default_page, paginate, paginate_loaded
from api.graphql.types import (
    Asset,
    Framework,
    Gap,
    Mapping,
    MappingSet,
    Obligation,
    Organisation,
    Provision,
    SoaEntry,
    as_asset,
    assets_of,
)
from graph.views.read import (
    AssetView,
    EvidenceMatch,
    FrameworkView,
    GapView,
    MappingSetView,
    MappingView,
    ObligationView,
    OrganisationView,
    ProvisionView,
    RecordedControlView,
    SoaRow,
)


@strawberry.type(description="An evidence item of an organisation, with its status on the asked day.")
class Evidence(Node):
    view: strawberry.Private[EvidenceMatch]

    def __post_init__(self) -> None:
        """Plain attributes, filled from the view once: strawberry resolves them on its fast path."""
        item = self.view.evidence
        self.iri = strawberry.ID(item.iri)
        self.id = item.id
        self.organisation = item.org
        self.title = item.title
        self.location = item.uri
        self.sha256 = item.sha256
        self.collected = item.collected
        self.valid_until = item.valid_until
        self.owner = item.owner
        self.status = EvidenceStatus(self.view.status)

    iri: strawberry.ID = strawberry.field(default=None, description=IRI)

    id: str = strawberry.field(default=None, description="The evidence id, as the inventory writes it.")

    organisation: str = strawberry.field(default=None, description="The organisation it belongs to.")

    title: str | None = strawberry.field(default=None, description="Its title.")

    location: str = strawberry.field(default=None, description="Where it is (a URI).")

    sha256: str = strawberry.field(default=None, description="Its SHA-256.")

    collected: dt.date = strawberry.field(default=None, description="When it was collected.")

    valid_until: dt.date | None = strawberry.field(default=None, description="Until when it is valid.")

    owner: str = strawberry.field(default=None, description="Who keeps it.")

    status: EvidenceStatus = strawberry.field(
        default=None, description="valid, expiring (within 30 days) or expired, on the asked day."
    )

    @strawberry.field(description="The provision it shows to be met.")
    def provision(self, info: Info[Context, None]) -> Provision | None:
        (view,) = info.context.answers.catalog.provisions_by_iri((self.view.evidence.provision,))
        return Provision(view=view) if view else None

    @strawberry.field(description="The assets it covers, a page at a time; none for an organisation-wide item.")
    async def assets(self, info: Info[Context, None], first: First = None, after: After = None) -> Connection[Asset]:
        page, limit = default_page(info, first)
        item = self.view.evidence
        return await paginate_loaded(
            item.assets, assets_of(info, item.org), as_asset, first=page, after=after, limit=limit
        )


@strawberry.type(description="A control decision an organisation recorded (recordControl, or its inventory).")
class RecordedControl(Node):
    view: strawberry.Private[RecordedControlView]

    def __post_init__(self) -> None:
        """Plain attributes, filled from the view once: strawberry resolves them on its fast path."""
        self.iri = strawberry.ID(self.view.iri)
        self.organisation = self.view.org
        self.framework = self.view.provision.framework
        self.ref = self.view.provision.ref
        self.status = ControlStatus(self.view.status)
        self.justification = self.view.justification

    iri: strawberry.ID = strawberry.field(default=None, description=IRI)

    organisation: str = strawberry.field(default=None, description="The organisation whose decision it is.")

    framework: str = strawberry.field(default=None, description="The framework of the control.")

    ref: str = strawberry.field(default=None, description="The control's ref, e.g. A.8.24.")

    status: ControlStatus = strawberry.field(default=None, description="implemented, partial, planned or excluded.")

    justification: str | None = strawberry.field(default=None, description="Why it is excluded, where it is.")

    @strawberry.field(description="The control (or other provision) decided on.")
    def provision(self) -> Provision:
        return Provision(view=self.view.provision)


def as_node(view: object) -> Node:
    """The GraphQL type of a view `Answers.lists.node` found. A new kind of node (owners) adds a line here."""
    if isinstance(view, FrameworkView):
        return Framework(view=view)
    if isinstance(view, ProvisionView):
        return Provision(view=view)
    if isinstance(view, OrganisationView):
        return Organisation(view=view)
    if isinstance(view, AssetView):
        return Asset(view=view)
    if isinstance(view, EvidenceMatch):
        return Evidence(view=view)
    if isinstance(view, RecordedControlView):
        return RecordedControl(view=view)
    if isinstance(view, MappingSetView):
        return MappingSet(view=view)
    if isinstance(view, MappingView):
        return Mapping(view=view)
    if isinstance(view, ObligationView):
        return Obligation(view=view)
    if isinstance(view, GapView):
        return Gap(view=view, org=view.org)
    if isinstance(view, SoaRow):
        return SoaEntry(view=view)
    raise TypeError(f"no GraphQL type for {type(view).__name__}")


NODE_TYPES: list[type] = [Framework, Provision, Organisation, Asset, Evidence, RecordedControl, MappingSet, Mapping]
NODE_TYPES += [Obligation, Gap, SoaEntry]
"""Every type that implements Node (the schema is told of them all, found through `node` or not)."""


@strawberry.type
class ListQueries:
    """The list fields and `node`, kept beside the other queries (`api.graphql.schema.Query` inherits them)."""

    @strawberry.field(
        permission_classes=[CanRead],
        description="Anything by its global id (its `iri`): a framework, provision, organisation, asset, evidence "
        "item, recorded control, mapping set, asserted mapping, obligation, gap or Statement of Applicability "
        "decision. Null, with a NOT_FOUND error at this path, when the graph holds nothing under the id; the rest "
        "of the answer stands. Obligations and gaps are answered for today.",
    )
    def node(
        self, info: Info[Context, None], id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")]
    ) -> Node | None:
        return as_node(info.context.answers.lists.node(str(id)))

    @strawberry.field(
        permission_classes=[CanRead],
        description="An organisation's evidence items by id, with their status on `asOf`, a page at a time.",
    )
    def evidence(
        self,
        info: Info[Context, None],
        organisation: OrgId = None,
        filter: EvidenceFilterArg = None,
        as_of: AsOf = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Evidence]:
        page, limit = default_page(info, first)
        wanted = filter.view() if filter else EvidenceFilterInput().view()
        views = info.context.answers.lists.evidence(organisation, wanted, as_of)
        return paginate(views, lambda v: Evidence(view=v), page, after, limit, key=lambda v: (v.evidence.id,))

    @strawberry.field(
        permission_classes=[CanRead],
        description="The control decisions an organisation recorded, by framework and document order, a page at a "
        "time.",
    )
    def controls(
        self,
        info: Info[Context, None],
        organisation: OrgId = None,
        filter: ControlFilterArg = None,
        first: First = None,
        after: After = None,
    ) -> Connection[RecordedControl]:
        page, limit = default_page(info, first)
        wanted = filter.view() if filter else ControlFilterInput().view()
        views = info.context.answers.lists.controls(organisation, wanted)
        return paginate(views, lambda v: RecordedControl(view=v), page, after, limit, key=by_iri, ordered=False)

    @strawberry.field(
        permission_classes=[CanRead],
        description="The Statement of Applicability decisions: every Annex A control of ISO/IEC 42001 and of "
        "ISO/IEC 27001 (42001's first), with the decision recorded on it or `undecided`, a page at a time.",
    )
    def soa_decisions(
        self,
        info: Info[Context, None],
        organisation: OrgId = None,
        filter: SoaFilterArg = None,
        as_of: AsOf = None,
        first: First = None,
        after: After = None,
    ) -> Connection[SoaEntry]:
        page, limit = default_page(info, first)
        wanted = filter.view() if filter else SoaFilterInput().view()
        views = info.context.answers.lists.soa_decisions(organisation, wanted, as_of)
        return paginate(views, lambda v: SoaEntry(view=v), page, after, limit, key=by_iri, ordered=False)
