"""A crosswalk mapping as the rest of the product sees it: who asserted it, how sure, and why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from core.pickling import pickled_by_fields
from mappings.relations import Relation, invert


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Provenance:
    mapping_set: str
    creators: tuple[str, ...]
    created: dt.date | None  # None for inferred mappings, which nobody dated
    review_status: str
    authority: str | None = None  # the published crosswalk a pair was taken from, if any


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Mapping:
    """A directed statement `source relation target` between two provision IRIs.

    `target` is a framework IRI for a `no_relationship` record (the source has no counterpart there).
    Inverted and inferred mappings are derived on the fly, never stored; `path` lists the provision IRIs
    from source to target through which an inferred mapping was composed.
    """

    id: str
    source: str
    target: str
    relation: Relation
    strength: int | None
    rationale_type: str | None
    rationale: str
    provenance: Provenance
    inferred: bool = False
    inverted: bool = False
    harmonized: bool = False  # one ISO harmonized-structure requirement, stated for two management systems
    path: tuple[str, ...] = field(default=())
    via: tuple[str, ...] = field(default=())  # ids of the asserted mappings an inferred one was built from

    def inverse(self) -> Mapping:
        """The same statement read from target to source."""
        return replace(
            self,
            source=self.target,
            target=self.source,
            relation=invert(self.relation),
            inverted=not self.inverted,
            path=tuple(reversed(self.path)),
        )
