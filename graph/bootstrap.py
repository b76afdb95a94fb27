"""Wiring: settings → store → service. The one place that decides which concrete store is used, and how.

Why readers and writers open differently: a command that only reads opens the embedded store's newest
checkpoint read-only, so any number of reads run beside one writer and never block it (nor read a store being
written); a command that writes (a load, a server that
will take writes) holds the store, waiting a bounded time for another writer and saying what it waits for.
Tests pass their own store instead of patching anything.
"""

from __future__ import annotations

from collections.abc import Callable

from graph.read.snapshot_cache import SnapshotCache
from graph.service import ProgressCallback, Service, no_progress
from graph.settings import Settings
from graph.stores.protocol import Store, open_store


def _nothing(message: str) -> None:
    return None


def open_configured_store(settings: Settings, *, write: bool, on_wait: Callable[[str], None] = _nothing) -> Store:
    """The store the settings name: read-only for a reader when the store exists, writable otherwise."""
    if settings.store_uri is not None:  # a Neo4j server: every process reads and writes, the server arbitrates
        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
        return open_store(
            "neo4j",
            uri=settings.store_uri,
            user=settings.neo4j_user,
            password=password,
            database=settings.neo4j_database,
        )
    if settings.store_kind != "embedded":
        return open_store(settings.store_kind)
    exists = (settings.store_path / "CURRENT").exists()
    if not write and exists:
        return open_store("embedded", path=settings.store_path, read_only=True, wait=settings.lock_wait)
    return open_store(
        "embedded",
        path=settings.store_path,
        wait=settings.lock_wait,
        on_wait=on_wait,
        sync_interval=settings.sync_interval,
    )


def bootstrap(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    write: bool = False,
    fill_empty: bool = True,
    progress: ProgressCallback = no_progress,
    on_wait: Callable[[str], None] = _nothing,
) -> Service:
    """A ready service. An empty store is filled from the bundled data on first use (which takes the writer's
    lock once, even for a reading command)."""
    settings = settings or Settings()
    if store is None:
        store = open_configured_store(settings, write=write, on_wait=on_wait)
        if fill_empty and not store.capabilities.writable and store.is_empty():
            store.close()
            store = open_configured_store(settings, write=True, on_wait=on_wait)
    service = Service(store, settings.input_limits(), SnapshotCache.beside(store))
    if fill_empty and store.capabilities.writable:
        service.ensure_bootstrapped(progress)
    return service
