"""Wiring: settings → store → service. The one place that decides which concrete store is used.

Tests pass their own store instead of patching anything.
"""

from __future__ import annotations

from graph.service import ProgressCallback, Service, no_progress
from graph.settings import Settings
from graph.store import Store, open_store


def bootstrap(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    fill_empty: bool = True,
    progress: ProgressCallback = no_progress,
) -> Service:
    """A ready service. An empty writable store is filled from the bundled data on first use."""
    settings = settings or Settings()
    if store is None:
        options = {"path": settings.store} if settings.store_kind == "embedded" else {}
        store = open_store(settings.store_kind, **options)
    service = Service(store, settings.input_limits())
    if fill_empty and store.capabilities.writable:
        service.ensure_bootstrapped(progress)
    return service
