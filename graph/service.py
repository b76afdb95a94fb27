"""The service layer: every question and command of the product, answered once.

The GraphQL API, the CLI and the reports all call `Service`; none of them holds logic of its own, and none
touches the store. Reads go through `answers()`, which pins one snapshot of the graph for a whole command or
request; writes go through the loader part (`load`: whole files) or the write parts (`inventory`, `mappings`,
`keys`: one thing at a time, each with its audit entry, under one writer lock). Each concern is a small part
in its own module: `read_model` (snapshots), `catalog_queries`, `crosswalks`, `exports`, `loading`,
`writer`, `org_writes`, `mapping_writes`, `keys`, `audit`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import Problem
from graph.read.answers import Answers
from graph.read.catalog_queries import SEARCH_LIMIT
from graph.read.read_model import ReadModel, SnapshotKeeper
from graph.stores.protocol import Store
from graph.views.read import LoadReport, ProgressCallback, no_progress
from graph.views.write import AuditEntryView, Written
from loaders.limits import DEFAULT_LIMITS, InputLimits
from mappings.inference import DEFAULT_DEPTH, MAX_DEPTH

if TYPE_CHECKING:  # the loader, the write side and the Neo4j parts import what only their commands need
    from graph.cypher.reports import Report, ReportResult
    from graph.cypher.sync import SyncReport
    from graph.write.audit import AuditLog
    from graph.write.keys import ApiKeys
    from graph.write.loading import Loader
    from graph.write.mapping_writes import MappingWrites
    from graph.write.org_writes import InventoryWrites
    from graph.write.writer import Writer

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


def inventory_schema() -> dict[str, object]:
    """The JSON Schema of the inventory format, generated from its pydantic models."""
    from loaders.inventory import inventory_schema as schema

    return schema()


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

    def __init__(
        self, store: Store, limits: InputLimits = DEFAULT_LIMITS, snapshots: SnapshotKeeper | None = None
    ) -> None:
        self._store = store
        self._limits = limits
        self._read_model = ReadModel(store, snapshots)

    # The parts are built on first use: a reading command never imports the file readers or the write side.
    @cached_property
    def _loader(self) -> Loader:
        from graph.write.loading import Loader

        return Loader(self._store, self._read_model, self._limits)

    @cached_property
    def _audit(self) -> AuditLog:
        from graph.write.audit import AuditLog

        return AuditLog(self._store)

    @cached_property
    def _writer(self) -> Writer:
        from graph.write.writer import Writer

        return Writer(self._store, self._read_model, self._audit)

    @cached_property
    def inventory(self) -> InventoryWrites:
        """One-at-a-time writes to an organisation's inventory (assets, links, controls, evidence)."""
        from graph.write.org_writes import InventoryWrites

        return InventoryWrites(self._writer, self._read_model)

    @cached_property
    def mappings(self) -> MappingWrites:
        """Proposing and reviewing crosswalk mappings."""
        from graph.write.mapping_writes import MappingWrites

        return MappingWrites(self._writer, self._read_model)

    @cached_property
    def keys(self) -> ApiKeys:
        """API keys: create, list, revoke, authenticate."""
        from graph.write.keys import ApiKeys

        return ApiKeys(self._writer)

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
        self,
        revision: int | None = None,
        *,
        organisation: str | None = None,
        target: str | None = None,
        kind: str | None = None,
    ) -> Sequence[AuditEntryView]:
        """The audit trail as of `revision` (a request's snapshot; the store's newest when left out), newest
        first, filtered where asked; an entry's values are read from the store as it is indexed or sliced.
        The trail needs no snapshot of the indexes, so none is built for it."""
        at = self._store.revision if revision is None else revision
        return self._audit.query(at, organisation=organisation, target=target, kind=kind)

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
        """Load data files in one transaction (see `graph.write.loading`), never interleaved with an API write."""
        with self._writer.lock:
            return self._loader.load(
                paths,
                replace=replace,
                include_bundled=include_bundled,
                overwrite=overwrite,
                drop_dangling=drop_dangling,
                progress=progress,
            )

    def publish(self) -> None:
        """Make the changes so far readable by other processes at once (before a CLI change through a server's
        write channel is acknowledged); the store otherwise does so within its sync interval."""
        self._store.publish()

    def validate(self, paths: Sequence[Path] | None = None, progress: ProgressCallback = no_progress) -> list[Problem]:
        """Every problem in the files (default: the bundled data), without writing."""
        return self._loader.validate(paths, progress)

    def ensure_bootstrapped(self, progress: ProgressCallback = no_progress) -> LoadReport | None:
        """Fill an empty store from the bundled data; a store with content is left alone."""
        return self._loader.ensure_bootstrapped(progress)

    # -- Neo4j: the sync and the Cypher reports (imported on use: they load the driver) ------------------------
    def sync_to_neo4j(
        self,
        uri: str,
        *,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        obligations: bool = True,
        as_of: dt.date | None = None,
        progress: ProgressCallback = no_progress,
    ) -> SyncReport:
        """Copy this store's content and the engine's derived answers into a Neo4j database (one transaction)."""
        from graph.cypher.sync import sync_to

        return sync_to(
            self._store,
            self.answers(),
            uri,
            user=user,
            password=password,
            database=database,
            obligations=obligations,
            as_of=as_of,
            progress=progress,
        )

    @staticmethod
    def report_library() -> list[Report]:
        from graph.cypher.reports import library

        return list(library().values())

    @staticmethod
    def prepare_report(name: str, assignments: Sequence[str]) -> tuple[Report, dict[str, Any]]:
        """The report (bundled name or .cypher path), checked read-only, with its parameters typed: every
        mistake is found before any server is contacted."""
        from graph.cypher.reports import bind, find, parse_assignments

        report = find(name)
        return report, bind(report, parse_assignments(list(assignments)))

    def run_report(self, report: Report, params: dict[str, Any]) -> ReportResult:
        """Run a prepared report on this service's store (a Neo4j one)."""
        from graph.cypher.reports import run

        return run(self._store, report, params)

    # -- lifecycle -----------------------------------------------------------------------------------------
    @property
    def writable(self) -> bool:
        return self._store.capabilities.writable

    def close(self) -> None:
        self._read_model.close()  # snapshots still being kept for the next process
        self._store.close()
