"""Per-request context: one snapshot of the graph, and the DataLoaders that batch the costlier relation lookups.

The snapshot (`Answers`) is taken once when the operation runs (`api.graphql.app`), so every field of one
response is answered from the same revision. A DataLoader gathers all the keys asked for in one tick and answers
them with one service call (mappings, assets, obligations); a provision's framework, parent and children are
plain dictionary lookups in the snapshot, resolved without one (an awaitable per list item cost more than the
lookup).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from strawberry.dataloader import DataLoader

from api.graphql.events import Announcer
from graph.service import Answers, Service
from graph.settings import Settings
from graph.views.read import AssetObligations, AssetView, MappingView
from graph.views.write import Actor, ApiKeyView

ObligationsKey = tuple[str, str, tuple[str, ...], dt.date | None]  # organisation, asset, frameworks, as of


@dataclass
class Context:
    """One request: its snapshot, its settings, who asks (the key, or nobody) and the service to write through.

    `refresh()` after a write moves the request to the new revision, so a mutation's answer shows its effect.
    """

    answers: Answers
    settings: Settings
    service: Service | None = None
    key: ApiKeyView | None = None
    request_id: str | None = None
    auth_error: str | None = None  # a key was sent and refused: the request is answered UNAUTHENTICATED
    deadline: float = float("inf")  # set when the operation starts (api.graphql.errors.Deadline)
    deadline_seconds: float = 0.0
    committed: list[int] = field(default_factory=list)  # audit sequences of the changes this request committed
    events: Announcer | None = None  # the server's follower of the audit trail (subscriptions)
    connection_params: dict[str, object] | None = None  # a WebSocket's connection_init payload
    mappings: DataLoader[str, list[MappingView]] = field(init=False)
    inferred_mappings: DataLoader[str, list[MappingView]] = field(init=False)
    assets: DataLoader[tuple[str, str], AssetView | None] = field(init=False)
    obligations: DataLoader[ObligationsKey, AssetObligations] = field(init=False)

    @property
    def role(self) -> str | None:
        """The caller's role: the key's, or viewer for an anonymous caller where anonymous reads are allowed."""
        if self.key is not None:
            return self.key.role
        return "viewer" if self.settings.anonymous_read else None

    @property
    def actor(self) -> Actor:
        if self.key is None:
            return Actor("anonymous", request_id=self.request_id)
        return Actor("key", key_id=self.key.id, name=self.key.name or None, request_id=self.request_id)

    def refresh(self) -> None:
        """Answer the rest of the request from the store's newest revision (after this request wrote)."""
        if self.service is not None:
            self.answers = self.service.answers()
            self.__post_init__()

    def __post_init__(self) -> None:
        crosswalks = self.answers.crosswalks

        async def load_mappings(iris: Sequence[str]) -> list[list[MappingView]]:
            return crosswalks.mappings_of(iris)

        async def load_inferred_mappings(iris: Sequence[str]) -> list[list[MappingView]]:
            return crosswalks.mappings_of(iris, include_inferred=True)

        self.mappings = DataLoader(load_fn=load_mappings)
        self.inferred_mappings = DataLoader(load_fn=load_inferred_mappings)
        organisation = self.answers.organisation

        async def load_assets(keys: Sequence[tuple[str, str]]) -> list[AssetView | None]:
            return organisation.assets_by_key(keys)

        async def load_obligations(keys: Sequence[ObligationsKey]) -> list[AssetObligations]:
            return [
                organisation.obligations(asset, org=org, frameworks=frameworks, as_of=as_of)
                for org, asset, frameworks, as_of in keys
            ]

        self.assets = DataLoader(load_fn=load_assets)
        self.obligations = DataLoader(load_fn=load_obligations)
