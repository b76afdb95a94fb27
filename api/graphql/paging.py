"""Relay connections: the page types every growing list is answered with, and the helpers that cut a page.

A cursor is a **keyset** cursor: it holds the sort key of its item (the values the service orders the list
by, ending in something unique such as an id), not the item's position. The next page starts after the last
item whose key is not greater than the cursor's, wherever that item stands now, so a write that inserts or
removes items before the cursor (or removes the cursor's own item) never makes a client see an entry twice or
miss one. Every connection field takes `first` (at most `AIMSGRAPH_MAX_PAGE_SIZE`; 100 when left out, or the
limit if lower) and `after` (a cursor), so a list costs one page however long it grows.

Cursors are opaque to clients (base64 of `k1:` and the key as JSON). The offset cursors of earlier versions
(`offset:N`) are refused with BAD_INPUT saying to start again from the first page: an offset means another
item once the list has changed.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import strawberry
from strawberry.types import Info

from api.graphql.context import Context
from api.graphql.errors import ApiError
from graph.views.read import (
    AssetView,
    EvidenceMatch,
    GapView,
    MappingView,
    ObligationView,
    OrganisationView,
    ProvisionView,
)
from graph.views.write import ApiKeyView, AuditEntryView, WebhookView

T = TypeVar("T")
V = TypeVar("V")
W = TypeVar("W")
N = TypeVar("N")

DEFAULT_PAGE = 100

KeyPart = str | int | bool
Key = tuple[KeyPart, ...]
"""An item's place in its list: the list is in ascending order of these keys, and no two items share one."""

KeyOf = Callable[[V], Key]


class HasIri(Protocol):
    @property
    def iri(self) -> str: ...


Locate = Callable[[Key], int]
"""Where a page after a cursor's key starts: the index of the first item past that key."""

_PREFIX = "k1:"


@strawberry.type(description="Where a page stands in the whole list (Relay).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items come before this page.")
    start_cursor: str | None = strawberry.field(description="The cursor of the page's first item.")
    end_cursor: str | None = strawberry.field(description="The cursor of the page's last item: pass it as `after`.")


@strawberry.type(description="One item of a page, with its cursor (Relay).")
class Edge(Generic[T]):
    cursor: str = strawberry.field(
        description="Pass as `after` to continue after this item; it holds the item's sort key, so it stays "
        "right while the list changes."
    )
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of results, Relay style.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page.")
    page_info: PageInfo = strawberry.field(description="Where the page stands in the whole list.")
    total_count: int = strawberry.field(description="How many items the whole list holds.")


def encode_cursor(key: Key) -> str:
    text = _PREFIX + json.dumps(list(key), ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode()


def decode_cursor(cursor: str) -> Key:
    """The key a cursor stands for; ApiError (BAD_INPUT) for anything not made by `encode_cursor`."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise ApiError(f"invalid cursor {cursor!r}") from error
    if text.startswith("offset:"):
        raise ApiError(
            f"invalid cursor {cursor!r}: an offset cursor of an earlier version; cursors now hold their item's "
            "sort key: start again from the first page (without `after`) and follow the new cursors"
        )
    if not text.startswith(_PREFIX):
        raise ApiError(f"invalid cursor {cursor!r}")
    try:
        parts = json.loads(text[len(_PREFIX) :])
    except (ValueError, RecursionError) as error:
        raise ApiError(f"invalid cursor {cursor!r}") from error
    if not isinstance(parts, list) or not parts or not all(isinstance(p, str | int | bool) for p in parts):
        raise ApiError(f"invalid cursor {cursor!r}")
    return tuple(parts)


def check_first(first: int, limit: int) -> None:
    if first < 0 or first > limit:
        raise ApiError(f"`first` must be between 0 and {limit}")


def default_page(info: Info[Context, None], first: int | None) -> tuple[int, int]:
    """The page size asked for (`DEFAULT_PAGE`, or the limit if lower, when left out) and the limit."""
    limit = info.context.settings.max_page_size
    return (min(DEFAULT_PAGE, limit) if first is None else first), limit


@dataclass(frozen=True, slots=True)
class Page(Generic[V]):
    """One page cut from a list: where it starts, its items, their keys, and how long the whole list is."""

    start: int
    items: Sequence[V]
    keys: Sequence[Key]
    total: int


def _bisect(items: Sequence[V], key: KeyOf[V]) -> Locate:
    def locate(after: Key) -> int:
        try:
            return bisect.bisect_right(items, after, key=key)
        except TypeError as error:  # a key of another list (text where this one has numbers)
            raise ApiError("invalid cursor: it was not made by this list") from error

    return locate


def cut(
    items: Sequence[V],
    first: int,
    after: str | None,
    limit: int,
    key: KeyOf[V],
    *,
    ordered: bool = True,
    locate: Locate | None = None,
) -> Page[V]:
    """The page of `items` after the cursor `after`.

    `key` gives each item's key. `ordered` says the list is in ascending key order (the service sorted it by
    the same values): the page starts past the cursor's key by bisection, whether or not its item is still
    there. Otherwise the key is the item's identity and the page starts after that item (`identity`).
    `locate` overrides both (the audit trail, newest first)."""
    check_first(first, limit)
    start = 0
    if after:
        find = locate or (_bisect(items, key) if ordered else identity(items, key))
        start = find(decode_cursor(after))
    chosen = items[start : start + first]
    return Page(start, chosen, [key(item) for item in chosen], len(items))


def connection(page: Page[V], nodes: Sequence[N | None]) -> Connection[N]:
    """The page's nodes (one per item, in order) as a connection; a None node has no edge, and the cursors
    of the others stay their items' keys."""
    edges = [Edge(cursor=encode_cursor(page.keys[i]), node=node) for i, node in enumerate(nodes) if node is not None]
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


def paginate(
    items: Sequence[V],
    wrap: Callable[[V], N],
    first: int,
    after: str | None,
    limit: int,
    *,
    key: KeyOf[V],
    ordered: bool = True,
    locate: Locate | None = None,
) -> Connection[N]:
    page = cut(items, first, after, limit, key, ordered=ordered, locate=locate)
    return connection(page, [wrap(item) for item in page.items])


def by_id(item: str) -> Key:
    """The key of a list of ids in ascending order (an asset's `uses`, a gap's assets)."""
    return (item,)


async def paginate_loaded(
    keys: Sequence[str],
    load: Callable[[Sequence[str]], Awaitable[Sequence[W | None]]],
    wrap: Callable[[W], N],
    *,
    first: int,
    after: str | None,
    limit: int,
) -> Connection[N]:
    """A page of ids (in ascending order) whose items are loaded for that page alone (through a DataLoader)."""
    page = cut(keys, first, after, limit, by_id)
    found = await load(page.items)
    return connection(page, [None if value is None else wrap(value) for value in found])


# -- the keys of the product's lists ---------------------------------------------------------------------------
# A list the service sorts by values its items carry is paged by those values (`ordered`); a list ranked by
# what an item's values alone cannot say (best evidence first, a provision's mappings in the crosswalk's
# order) is paged by the last item's identity, and a cursor whose item has left the list is refused rather
# than guessed at (`identity`).


def by_iri(view: HasIri) -> Key:
    """A list ranked by what its items' values alone cannot say, paged by each item's stable IRI (`identity`)."""
    return (view.iri,)


def provision_key(view: ProvisionView) -> Key:
    """A framework's provisions in document order."""
    return (view.order, view.iri)


def by_own_id(view: OrganisationView | AssetView) -> Key:
    return (view.id,)


def api_key_key(view: ApiKeyView) -> Key:
    """Keys oldest first, as the service lists them."""
    return (view.created_at.isoformat(), view.id)


def webhook_key(view: WebhookView) -> Key:
    """Webhooks oldest first, as the service lists them."""
    return (view.created_at.isoformat(), view.id)


def obligation_key(view: ObligationView) -> Key:
    """An obligation's global id: one per asset and provision (an organisation-wide duty one per organisation),
    so the same cursor serves an asset's list and the organisation's."""
    return (view.iri,)


def gap_key(view: GapView) -> Key:
    return (view.owner, view.provision.iri, view.status)


def mapping_key(view: MappingView) -> Key:
    target = view.target.iri if view.target else view.target_framework
    return (view.source.iri, target, view.mapping_set, view.relation, view.inferred, *(p.iri for p in view.path))


def evidence_key(match: EvidenceMatch) -> Key:
    return (match.evidence.id, match.through or "")


def identity(items: Sequence[V], key: KeyOf[V]) -> Locate:
    """Start after the item whose key is the cursor's, wherever it stands now."""

    def locate(after: Key) -> int:
        for index, item in enumerate(items):
            if key(item) == after:
                return index + 1
        raise ApiError(
            "the item this cursor follows is no longer in the list (it changed since the page was read): start "
            "again from the first page"
        )

    return locate


def audit_key(entry: AuditEntryView) -> Key:
    """The audit trail, newest first: by sequence (descending), then by the entry's id within a commit."""
    return (entry.sequence, entry.id)


def audit_locate(entries: Sequence[AuditEntryView]) -> Locate:
    """Where the page after an entry starts in a newest-first trail: the entries of later commits come first,
    then those of the cursor's own commit up to it. A few entries are read to find it (bisecting by
    sequence), not the whole trail."""

    def locate(after: Key) -> int:
        sequence, entry_id = after[0], after[-1]
        if len(after) != 2 or not isinstance(sequence, int) or isinstance(sequence, bool):
            raise ApiError("invalid cursor: it was not made by the audit log")
        low = bisect.bisect_left(entries, -sequence, key=lambda e: -e.sequence)
        high = bisect.bisect_right(entries, -sequence, lo=low, key=lambda e: -e.sequence)
        for index in range(low, high):
            if entries[index].id == entry_id:
                return index + 1
        return high

    return locate
