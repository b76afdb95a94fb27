"""The arguments many fields share, each described once (`Annotated` with `strawberry.argument`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from api.graphql.enums import DateScope

ORG = "The organisation; may be left out when the graph holds one."

First = Annotated[
    int | None,
    strawberry.argument(
        description="How many items: 0 to the page limit (AIMSGRAPH_MAX_PAGE_SIZE); 100, or the limit if lower, "
        "when left out."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description="Continue after this cursor (a page's `pageInfo.endCursor`); from the start when left out."
    ),
]
OrgId = Annotated[str | None, strawberry.argument(description=ORG)]
AsOf = Annotated[
    dt.date | None,
    strawberry.argument(
        description="The day to answer for: the law and the evidence as they stand then; today when left out."
    ),
]
AssetId = Annotated[str, strawberry.argument(description="The asset's id in its organisation's inventory.")]
Ref = Annotated[
    str,
    strawberry.argument(
        description="A provision's ref, as the catalog writes it or close to it ('Art. 9(2)', 'a.5.1')."
    ),
]
FrameworkId = Annotated[
    str,
    strawberry.argument(
        description="A framework's id: iso42001, iso27001, eu-ai-act, nist-ai-rmf, nist-ai-600-1 or gdpr."
    ),
]
Frameworks = Annotated[
    list[str] | None,
    strawberry.argument(description="Only provisions of these frameworks (ids); every framework when left out."),
]
IncludeInferred = Annotated[
    bool,
    strawberry.argument(
        description="Also mappings composed along a path of asserted ones (relation `related`, with their `path`)."
    ),
]
Scope = Annotated[
    DateScope,
    strawberry.argument(description="For which systems: all, or high-risk ones through Annex I or Annex III."),
]
