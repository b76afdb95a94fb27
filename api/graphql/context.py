"""Per-request context: the service and the DataLoaders that batch every relation lookup.

A DataLoader gathers all the keys asked for in one tick and answers them with one service call, so a query
over N provisions never costs N lookups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from strawberry.dataloader import DataLoader

from graph.errors import NotFoundError
from graph.service import Service
from graph.settings import Settings
from graph.views import FrameworkView, MappingView, ProvisionView


@dataclass
class Context:
    service: Service
    settings: Settings
    provisions: DataLoader[str, ProvisionView | None] = field(init=False)
    frameworks: DataLoader[str, FrameworkView | None] = field(init=False)
    mappings: DataLoader[str, list[MappingView]] = field(init=False)
    inferred_mappings: DataLoader[str, list[MappingView]] = field(init=False)

    def __post_init__(self) -> None:
        service = self.service

        async def load_provisions(iris: Sequence[str]) -> list[ProvisionView | None]:
            return service.provisions_by_iri(iris)

        async def load_frameworks(ids: Sequence[str]) -> list[FrameworkView | None]:
            found: list[FrameworkView | None] = []
            for framework_id in ids:
                try:
                    found.append(service.framework(framework_id))
                except NotFoundError:
                    found.append(None)
            return found

        async def load_mappings(iris: Sequence[str]) -> list[list[MappingView]]:
            return service.mappings_of(iris)

        async def load_inferred_mappings(iris: Sequence[str]) -> list[list[MappingView]]:
            return service.mappings_of(iris, include_inferred=True)

        self.provisions = DataLoader(load_fn=load_provisions)
        self.mappings = DataLoader(load_fn=load_mappings)
        self.inferred_mappings = DataLoader(load_fn=load_inferred_mappings)
        self.frameworks = DataLoader(load_fn=load_frameworks)
