"""Filter inputs of the list queries: each field narrows the list, a field left out keeps everything.

Each input turns into the service's own filter view (`graph.views.read.*Filter`), where the filtering happens,
so the CLI and the reports filter the same way. The work model's filters (owner, due before) join
`ObligationFilter` as further fields, with a clause of their own in `graph.read.listings.keeps`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from api.graphql.enums import ControlStatus, EvidenceStatus, SoaStatus
from graph.views.read import ControlFilter, EvidenceFilter, ObligationFilter

FRAMEWORKS = "Only items of these frameworks (their ids); every framework when left out."


@strawberry.input(description="Which evidence items to list; every field left out keeps all.")
class EvidenceFilterInput:
    statuses: list[EvidenceStatus] | None = strawberry.field(
        default=None, description="Only items with one of these statuses on the asked day (valid, expiring, expired)."
    )
    asset_id: str | None = strawberry.field(
        default=None,
        description="Only items that name this asset (organisation-wide items name none, so they are left out).",
    )
    expiring_before: dt.date | None = strawberry.field(
        default=None, description="Only items whose validity ends before this day (items valid without end never)."
    )
    frameworks: list[str] | None = strawberry.field(default=None, description=FRAMEWORKS)

    def view(self) -> EvidenceFilter:
        return EvidenceFilter(
            statuses=tuple(s.value for s in self.statuses or ()),
            asset=self.asset_id,
            expiring_before=self.expiring_before,
            frameworks=tuple(self.frameworks or ()),
        )


@strawberry.input(description="Which recorded controls to list; every field left out keeps all.")
class ControlFilterInput:
    frameworks: list[str] | None = strawberry.field(default=None, description=FRAMEWORKS)
    statuses: list[ControlStatus] | None = strawberry.field(
        default=None, description="Only decisions with one of these statuses."
    )

    def view(self) -> ControlFilter:
        return ControlFilter(tuple(self.frameworks or ()), tuple(s.value for s in self.statuses or ()))


@strawberry.input(description="Which Statement of Applicability decisions to list; every field left out keeps all.")
class SoaFilterInput:
    frameworks: list[str] | None = strawberry.field(
        default=None, description="iso42001 and/or iso27001; both when left out."
    )
    statuses: list[SoaStatus] | None = strawberry.field(
        default=None, description="Only decisions with one of these statuses (undecided: none recorded)."
    )

    def view(self) -> ControlFilter:
        return ControlFilter(tuple(self.frameworks or ()), tuple(s.value for s in self.statuses or ()))


@strawberry.input(description="Which obligations or gaps to list; every field left out keeps all.")
class ObligationFilterInput:
    frameworks: list[str] | None = strawberry.field(default=None, description=FRAMEWORKS)
    statuses: list[EvidenceStatus] | None = strawberry.field(
        default=None,
        description="Only those whose evidence status is one of these; a gap matches when one of its assets has one.",
    )
    asset_id: str | None = strawberry.field(
        default=None, description="Only this asset's obligations; for gaps, the gaps that name it."
    )

    def view(self) -> ObligationFilter:
        return ObligationFilter(
            frameworks=tuple(self.frameworks or ()),
            statuses=tuple(s.value for s in self.statuses or ()),
            asset=self.asset_id,
        )


EvidenceFilterArg = Annotated[
    EvidenceFilterInput | None, strawberry.argument(description="Which items to list; all when left out.")
]
ControlFilterArg = Annotated[
    ControlFilterInput | None, strawberry.argument(description="Which decisions to list; all when left out.")
]
SoaFilterArg = Annotated[
    SoaFilterInput | None, strawberry.argument(description="Which decisions to list; all when left out.")
]
ObligationFilterArg = Annotated[
    ObligationFilterInput | None, strawberry.argument(description="Which ones to list; all when left out.")
]
