"""What the write side answers with: who acts, the API keys, the audit trail's entries and a write's outcome.

Plain immutable views, like `graph.views.read`, so that the API and the CLI render them their own way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypedDict, cast, get_type_hints

from core.vocabulary import KEY_ROLES

ActorKind = Literal["key", "cli", "system", "anonymous"]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who makes a change, as the audit trail records it; `request_id` ties the change to a server log line.
    `system` is the product acting on its own (an empty store filled with the bundled data on first use), so the
    trail does not credit a command nobody ran."""

    kind: ActorKind
    key_id: str | None = None
    name: str | None = None
    request_id: str | None = None

    @property
    def label(self) -> str:
        """`key 3f2a9c1d0b7e (grc-sync)`, `cli alice`, `system first fill` or `anonymous`."""
        if self.kind == "key":
            return f"key {self.key_id}" + (f" ({self.name})" if self.name else "")
        if self.kind == "cli":
            return f"cli {self.name or ''}".strip()
        if self.kind == "system":
            return f"system {self.name or ''}".strip()
        return "anonymous"


ANONYMOUS = Actor("anonymous")


class LoadOptions(TypedDict, total=False):
    """How a load treats what the store holds: the one place its options are named.

    `Service.load`, the loader, and the write channel's both ends take these as `**options`, so an option is
    added here once and reaches every road a load takes (a direct write, or a server's through the channel).
    """

    replace: bool  # the files become the whole content (API keys and the audit trail stay)
    include_bundled: bool  # load the bundled data as well as the files
    overwrite: bool  # replace frameworks and mapping sets already in the store when they differ
    drop_dangling: bool  # remove mappings that point at provisions the load removes
    fmt: str | None  # read every file as this import format (`oscal`, `sssom`, …); None: as each looks


def load_options(data: Mapping[str, Any]) -> LoadOptions:
    """Options received as data (the write channel's request), checked against `LoadOptions`: an unknown name
    or a value of the wrong type is a ValueError naming it."""
    declared = get_type_hints(LoadOptions)  # the types themselves (bool, str | None), not their names
    options: dict[str, Any] = {}
    for name, value in data.items():
        if name not in declared:
            raise ValueError(f"unknown load option {name!r}; known: {', '.join(declared)}")
        if declared[name] is bool:
            fits, wanted = isinstance(value, bool), "true or false"
        else:
            fits, wanted = value is None or isinstance(value, str), "a string or null"
        if not fits:
            raise ValueError(f"load option {name!r} must be {wanted}, not {value!r}")
        options[name] = value
    return cast(LoadOptions, options)


@dataclass(frozen=True, slots=True)
class ApiKeyView:
    """An API key without its secret: nothing here lets anyone authenticate."""

    id: str
    name: str
    role: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def allows(self, role: str) -> bool:
        """Whether the key's role includes `role` (admin ⊇ editor ⊇ viewer)."""
        return self.active and KEY_ROLES.index(self.role) >= KEY_ROLES.index(role)


@dataclass(frozen=True, slots=True)
class AuditEntryView:
    """One recorded change: who, when, which operation on what, and the value before and after (JSON text,
    "null" where there was none)."""

    id: str
    sequence: int
    recorded_at: dt.datetime
    actor: str
    actor_key: str | None
    operation: str
    organisation: str | None
    kind: str
    target: str
    before: str
    after: str
    request_id: str | None


@dataclass(frozen=True, slots=True)
class ChangesView:
    """A page of the changes feed: the entries committed after a sequence, oldest first, whole commits only.

    `next` is the sequence to ask from next time (the last commit this page read up to, or the revision the
    page was read at when nothing more is there); `more` says whether entries past `next` were already
    there; `revision` is the store revision the page was read at."""

    entries: tuple[AuditEntryView, ...]
    next: int
    more: bool
    revision: int


@dataclass(frozen=True, slots=True)
class WebhookView:
    """A registered webhook, without its secret: where changes are sent, which ones, and how far they went."""

    id: str
    url: str
    organisation: str | None
    kinds: tuple[str, ...]
    created_at: dt.datetime
    removed_at: dt.datetime | None
    delivered: int  # every change up to this sequence was accepted by the receiver
    last_status: str | None  # the outcome of the last attempt: "200", "timeout", "connection refused" ...

    @property
    def active(self) -> bool:
        return self.removed_at is None


@dataclass(frozen=True, slots=True)
class MappingRef:
    """One mapping as a write names it: the two provisions, in the frameworks' own refs."""

    mapping_id: str
    source_framework: str
    source_ref: str
    target_framework: str
    target_ref: str
    relation: str
    review_status: str
    mapping_set: str


@dataclass(frozen=True, slots=True)
class Written:
    """The outcome of a write: the value after it (None when removed) and its audit entry (None when the
    write changed nothing)."""

    after: Any
    audit: AuditEntryView | None
