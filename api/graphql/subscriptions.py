"""GraphQL subscriptions: the changes feed, pushed over a WebSocket as it is committed (see `api.graphql.events`).

Served by strawberry on the same /graphql route, in both protocols (graphql-transport-ws and the older
graphql-ws). A client authenticates as over HTTP: `Authorization: Bearer <token>` in the handshake's headers
or in the connection_init payload (`{"Authorization": "Bearer agk_…"}`); the viewer role is needed.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.graphql.auth import CanRead
from api.graphql.context import Context
from api.graphql.errors import ApiError
from api.graphql.write_types import AuditEntry


@strawberry.type(description="Changes as they are committed.")
class Subscription:
    @strawberry.subscription(
        permission_classes=[CanRead],
        description="Every change committed after `since` (from now when left out), oldest first, each once, "
        "then each new one as it is committed — by this server, the CLI or another process on the same store. "
        "After a reconnect, pass the `sequence` of the last change received as `since`.",
    )
    async def changes(
        self,
        info: Info[Context, None],
        since: Annotated[
            int | None,
            strawberry.argument(description="The last sequence received; only later changes are sent."),
        ] = None,
        organisation: Annotated[
            str | None, strawberry.argument(description="Only changes in this organisation.")
        ] = None,
        kinds: Annotated[
            list[str] | None,
            strawberry.argument(description="Only changes to these kinds (asset, evidence, control, mapping ...)."),
        ] = None,
    ) -> AsyncGenerator[AuditEntry, None]:
        events = info.context.events
        if events is None:
            raise ApiError("this server does not announce changes", "STORE_UNAVAILABLE")
        if since is not None and since < 0:
            raise ApiError("`since` is a sequence: 0 or more")
        async for entry in events.follow(since, organisation=organisation, kinds=kinds or ()):
            yield AuditEntry(view=entry)
