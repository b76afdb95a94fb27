"""GraphQL object types. Each wraps a service view; relations resolve through the request's DataLoaders."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Generic, TypeVar

import strawberry
from strawberry.types import Info

from api.graphql.context import Context
from graph.views import FrameworkView, ProvisionView
from ontology.namespaces import provision_iri

T = TypeVar("T")


@strawberry.type(description="A framework: a law, regulation or standard.")
class Framework:
    view: strawberry.Private[FrameworkView]

    @strawberry.field
    def id(self) -> str:
        return self.view.id

    @strawberry.field
    def iri(self) -> str:
        return self.view.iri

    @strawberry.field
    def name(self) -> str:
        return self.view.name

    @strawberry.field(description="Official title.")
    def title(self) -> str:
        return self.view.title

    @strawberry.field
    def version(self) -> str:
        return self.view.version

    @strawberry.field
    def issued(self) -> dt.date:
        return self.view.issued

    @strawberry.field
    def publisher(self) -> str:
        return self.view.publisher

    @strawberry.field(description="The document the catalog's structure was taken from.")
    def source(self) -> str:
        return self.view.source

    @strawberry.field
    def url(self) -> str | None:
        return self.view.url

    @strawberry.field(description="True for law, false for voluntary or certifiable standards.")
    def binding(self) -> bool:
        return self.view.binding

    @strawberry.field
    def default_addressees(self) -> list[str]:
        return list(self.view.default_addressees)

    @strawberry.field
    def provision_count(self) -> int:
        return self.view.provision_count


@strawberry.type(description="A provision: clause, control, article, paragraph, point, annex, subcategory ...")
class Provision:
    view: strawberry.Private[ProvisionView]

    @strawberry.field
    def iri(self) -> str:
        return self.view.iri

    @strawberry.field(description="The ref as the source writes it, e.g. 'Article 9(2)' or 'A.6.2.4'.")
    def ref(self) -> str:
        return self.view.ref

    @strawberry.field
    def kind(self) -> str:
        return self.view.kind

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
    def addressees(self) -> list[str]:
        return list(self.view.addressees)

    @strawberry.field
    def applies_from(self) -> dt.date | None:
        return self.view.applies_from

    @strawberry.field
    def informative(self) -> bool:
        return self.view.informative

    @strawberry.field
    async def framework(self, info: Info[Context, None]) -> Framework:
        view = await info.context.frameworks.load(self.view.framework)
        assert view is not None
        return Framework(view=view)

    @strawberry.field
    async def parent(self, info: Info[Context, None]) -> Provision | None:
        if self.view.parent is None:
            return None
        view = await info.context.provisions.load(provision_iri(self.view.framework, self.view.parent))
        return Provision(view=view) if view else None

    @strawberry.field
    async def children(self, info: Info[Context, None]) -> list[Provision]:
        iris = [provision_iri(self.view.framework, ref) for ref in self.view.children]
        views = await info.context.provisions.load_many(iris)
        return [Provision(view=v) for v in views if v is not None]


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of results, Relay style.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int


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
