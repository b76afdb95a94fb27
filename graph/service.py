"""The service layer: every question and command of the product, answered once.

The GraphQL API, the CLI and the reports all call `Service`; none of them holds logic of its own, and none
touches the store. Reads go through `answers()`, which pins one snapshot of the graph for a whole command or
request; writes go through the loader part (`load`: whole files) or the write parts (`inventory`, `mappings`,
`keys`: one thing at a time, each with its audit entry, under one writer lock). Each concern is a small part
in its own module: `read_model` (snapshots), `catalog_queries`, `crosswalks`, `exports`, `loading`,
`writer`, `org_writes`, `mapping_writes`, `keys`, `audit`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.errors import Problem
from graph.answers import Answers
from graph.audit import AuditLog
from graph.catalog_queries import SEARCH_LIMIT
from graph.keys import ApiKeys
from graph.loading import Loader, ProgressCallback, no_progress
from graph.mapping_writes import MappingWrites
from graph.org_writes import InventoryWrites, Written
from graph.read_model import ReadModel
from graph.store import Store
from graph.views import LoadReport
from graph.write_views import AuditEntryView
from graph.writer import Writer
from loaders.inventory import inventory_schema
from loaders.limits import DEFAULT_LIMITS, InputLimits
from mappings.inference import DEFAULT_DEPTH, MAX_DEPTH

__all__ = [
    "DEFAULT_DEPTH",
    "MAX_DEPTH",
    "SEARCH_LIMIT",
    "Answers",
    "Health",
    "ProgressCallback",
    "Service",
    "Written",
    "inventory_schema",
    "no_progress",
]


@dataclass(frozen=True, slots=True)
class Health:
    """What a health check reports: the revision being served and whether this process can write."""

    store: str
    durable: bool
    revision: int
    writable: bool
    frameworks: int


class Service:
    """The one object every interface calls."""

    def __init__(self, store: Store, limits: InputLimits = DEFAULT_LIMITS) -> None:
        self._store = store
        self._read_model = ReadModel(store)
        self._loader = Loader(store, self._read_model, limits)
        self._audit = AuditLog(store)
        self._writer = Writer(store, self._read_model, self._audit)
        self.inventory = InventoryWrites(self._writer, self._read_model)
        """One-at-a-time writes to an organisation's inventory (assets, links, controls, evidence)."""
        self.mappings = MappingWrites(self._writer, self._read_model)
        """Proposing and reviewing crosswalk mappings."""
        self.keys = ApiKeys(self._writer)
        """API keys: create, list, revoke, authenticate."""

    # -- reads ---------------------------------------------------------------------------------------------
    def answers(self) -> Answers:
        """Everything the graph says, at the store's current revision (read once)."""
        return Answers(self._store, self._read_model.snapshot())

    def health(self) -> Health:
        answers = self.answers()
        return Health(
            store=self._store.name,
            durable=self._store.capabilities.durable,
            revision=answers.revision,
            writable=self._store.capabilities.writable,
            frameworks=len(answers.catalog.frameworks()),
        )

    def audit_log(
        self, revision: int, *, organisation: str | None = None, target: str | None = None, kind: str | None = None
    ) -> list[AuditEntryView]:
        """The audit trail as of `revision` (a request's snapshot), newest first, filtered where asked."""
        return self._audit.query(revision, organisation=organisation, target=target, kind=kind)

    # -- writes --------------------------------------------------------------------------------------------
    @property
    def read_only_reason(self) -> str:
        """What a write on this (read-only) service is told."""
        return self._writer.read_only_reason

    @read_only_reason.setter
    def read_only_reason(self, reason: str) -> None:
        self._writer.read_only_reason = reason

    def load(
        self,
        paths: Iterable[Path] = (),
        *,
        replace: bool = False,
        include_bundled: bool = False,
        overwrite: bool = False,
        drop_dangling: bool = False,
        progress: ProgressCallback = no_progress,
    ) -> LoadReport:
        """Load data files in one transaction (see `graph.loading`), never interleaved with an API write."""
        with self._writer.lock:
            return self._loader.load(
                paths,
                replace=replace,
                include_bundled=include_bundled,
                overwrite=overwrite,
                drop_dangling=drop_dangling,
                progress=progress,
            )

    def validate(self, paths: Sequence[Path] | None = None, progress: ProgressCallback = no_progress) -> list[Problem]:
        """Every problem in the files (default: the bundled data), without writing."""
        return self._loader.validate(paths, progress)

    def ensure_bootstrapped(self, progress: ProgressCallback = no_progress) -> LoadReport | None:
        """Fill an empty store from the bundled data; a store with content is left alone."""
        return self._loader.ensure_bootstrapped(progress)

    # -- lifecycle -----------------------------------------------------------------------------------------
    @property
    def writable(self) -> bool:
        return self._store.capabilities.writable

    def close(self) -> None:
        self._store.close()
