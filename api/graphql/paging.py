"""Relay connections: the page types every growing list is answered with, and the helpers that cut a page.

A cursor is an offset into the whole list, as the service orders it (opaque to clients). Every connection
field takes `first` (at most `AIMSGRAPH_MAX_PAGE_SIZE`; 100 when left out, or the limit if lower) and `after`
(a cursor), so a list costs one page however long it grows.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import strawberry
from strawberry.types import Info

from api.graphql.context import Context
from api.graphql.errors import ApiError

T = TypeVar("T")
V = TypeVar("V")
W = TypeVar("W")
N = TypeVar("N")

DEFAULT_PAGE = 100


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


def check_first(first: int, limit: int) -> None:
    if first < 0 or first > limit:
        raise ApiError(f"`first` must be between 0 and {limit}")


def default_page(info: Info[Context, None], first: int | None) -> tuple[int, int]:
    """The page size asked for (`DEFAULT_PAGE`, or the limit if lower, when left out) and the limit."""
    limit = info.context.settings.max_page_size
    return (min(DEFAULT_PAGE, limit) if first is None else first), limit


@dataclass(frozen=True, slots=True)
class Page(Generic[V]):
    """One page cut from a list: where it starts, its items, and how long the whole list is."""

    start: int
    items: Sequence[V]
    total: int


def cut(items: Sequence[V], first: int, after: str | None, limit: int) -> Page[V]:
    check_first(first, limit)
    try:
        start = decode_cursor(after) + 1 if after else 0
    except ValueError as error:
        raise ApiError(str(error)) from error
    return Page(start, items[start : start + first], len(items))


def connection(page: Page[V], nodes: Sequence[N | None]) -> Connection[N]:
    """The page's nodes (one per item, in order) as a connection; a None node has no edge, and the cursors
    of the others stay their items' offsets."""
    edges = [Edge(cursor=encode_cursor(page.start + i), node=node) for i, node in enumerate(nodes) if node is not None]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.start + len(page.items) < page.total,
            has_previous_page=page.start > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=page.total,
    )


def paginate(items: Sequence[V], wrap: Callable[[V], N], first: int, after: str | None, limit: int) -> Connection[N]:
    page = cut(items, first, after, limit)
    return connection(page, [wrap(item) for item in page.items])


async def paginate_loaded(
    keys: Sequence[V],
    load: Callable[[Sequence[V]], Awaitable[Sequence[W | None]]],
    wrap: Callable[[W], N],
    *,
    first: int,
    after: str | None,
    limit: int,
) -> Connection[N]:
    """A page of `keys` whose items are loaded for that page alone (through a DataLoader, say)."""
    page = cut(keys, first, after, limit)
    found = await load(page.items)
    return connection(page, [None if value is None else wrap(value) for value in found])
