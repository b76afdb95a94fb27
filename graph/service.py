"""The service layer: every question and command of the product, answered once.

The GraphQL API, the CLI and the reports all call `Service`; none of them holds logic of its own, and none
touches the store. Reads go through `answers()`, which pins one snapshot of the graph for a whole command or
request; every change goes through one unit of work (`graph.write.unit_of_work`): the loader part (`load`:
whole files, one audit entry per load) and the write parts (`inventory`, `mappings`, `keys`: one thing at a
time, each with its audit entry). Each concern is a small part in its own module: `read_model` (snapshots),
`catalog_queries`, `crosswalks`, `exports`, `loading`, `unit_of_work`, `org_writes`, `mapping_writes`, `keys`,
`audit`.

The parts are composed once, in `__init__`, before the service answers anything: parts built lazily on first
use raced (`functools.cached_property` holds no lock since Python 3.12), and requests arriving together built
several write locks, each believing it was the only writer.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

from core.errors import Problem, StoreUnavailableError
from graph.read.answers import Answers
from graph.read.catalog_queries import SEARCH_LIMIT
from graph.read.read_model import ReadModel, SnapshotKeeper
from graph.stores.protocol import Store
from graph.views.read import DevServerView, LoadReport, ProgressCallback, no_progress
from graph.views.write import Actor, AuditEntryView, ChangesView, LoadOptions, Written
from graph.write.audit import AuditLog
from graph.write.changes import ChangeFeed
from graph.write.ingest import asset_iri
from graph.write.keys import ApiKeys
from graph.write.kinds import FileKind
from graph.write.loading import Loader
from graph.write.mapping_writes import MappingWrites
from graph.write.org_writes import InventoryWrites
from graph.write.unit_of_work import UnitsOfWork
from graph.write.webhooks import Webhooks
from graph.write.work_writes import WorkWrites
from loaders.files import ImportFormat
from loaders.limits import DEFAULT_LIMITS, InputLimits
from mappings.inference import DEFAULT_DEPTH, MAX_DEPTH

if TYPE_CHECKING:  # the Neo4j parts import the driver: only their commands need it
    from graph.cypher.reports import Report, ReportResult
    from graph.cypher.sync import SyncReport

__all__ = [
    "DEFAULT_DEPTH",
    "MAX_DEPTH",
    "SEARCH_LIMIT",
    "Answers",
    "DevServerView",
    "FileKind",
    "Health",
    "ImportFormat",
    "LoadOptions",
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
        self,
        store: Store,
        limits: InputLimits = DEFAULT_LIMITS,
        snapshots: SnapshotKeeper | None = None,
        *,
        formats: Iterable[ImportFormat] = (),
        kinds: Iterable[FileKind[Any]] = (),
    ) -> None:
        """`formats` and `kinds` add import formats and file kinds to the built-in ones (`graph.write.kinds`)."""
        self._store = store
        self._limits = limits
        self._read_model = ReadModel(store, snapshots)
        self._audit = AuditLog(store)
        self._units = UnitsOfWork(store, self._read_model, self._audit)
        self._changes = ChangeFeed(self._audit)
        self._loader = Loader(self._units, limits, formats=formats, kinds=kinds)
        self.inventory = InventoryWrites(self._units)
        """One-at-a-time writes to an organisation's inventory (assets, links, controls, evidence)."""
        self.mappings = MappingWrites(self._units)
        """Proposing and reviewing crosswalk mappings."""
        self.keys = ApiKeys(self._units)
        """API keys: create, list, revoke, authenticate."""
        self.webhooks = Webhooks(self._units)
        """Webhooks: register, list, remove, and record their deliveries (sent by `api.graphql.webhook_delivery`)."""
        self.work = WorkWrites(self._units, self.inventory)
        """The work model: owners, and who does the work on each obligation and control, by when, and its status."""

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
        after: int | None = None,
    ) -> Sequence[AuditEntryView]:
        """The audit trail as of `revision` (a request's snapshot; the store's newest when left out), newest
        first, filtered where asked (`after`: only entries committed after that sequence); an entry's values
        are read from the store as it is indexed or sliced. The trail needs no snapshot of the indexes, so
        none is built for it."""
        at = self._store.revision if revision is None else revision
        holders: list[str] = []
        if kind == "asset" and target is not None and organisation is None:  # the asset's organisation(s)
            orgs = [str(node.prop("identifier")) for node in self._store.nodes("Organisation")]
            found = self._store.get(asset_iri(org, target) for org in orgs)
            holders = [org for org in orgs if asset_iri(org, target) in found]
        return self._audit.query(at, organisation=organisation, target=target, kind=kind, holders=holders, after=after)

    def changes(
        self,
        since: int,
        first: int,
        *,
        revision: int | None = None,
        organisation: str | None = None,
        kinds: Sequence[str] = (),
    ) -> ChangesView:
        """What was committed after sequence `since`, oldest first, whole commits, as of `revision` (the store's
        newest when left out): the feed a connector syncs from (see `graph.write.changes`)."""
        at = self.latest_revision() if revision is None else revision
        return self._changes.since(at, since, first, organisation=organisation, kinds=kinds)

    def latest_revision(self) -> int:
        """The store's newest revision, as this process can read it (a follower's newest checkpoint)."""
        return self._store.revision

    def on_commit(self, listener: Callable[[int], None]) -> None:
        """Call `listener(revision)` after each change this process commits (once its audit entry is indexed)."""
        self._audit.listen(listener)

    # -- writes --------------------------------------------------------------------------------------------
    @property
    def read_only_reason(self) -> str:
        """What a write on this (read-only) service is told."""
        return self._units.read_only_reason

    @read_only_reason.setter
    def read_only_reason(self, reason: str) -> None:
        self._units.read_only_reason = reason

    def load(
        self,
        paths: Iterable[Path] = (),
        *,
        progress: ProgressCallback = no_progress,
        actor: Actor | None = None,
        **options: Unpack[LoadOptions],
    ) -> LoadReport:
        """Load data files in one unit of work (see `graph.write.loading`), with one audit entry naming the
        files, their digest and the counts. `options` (`graph.views.write.LoadOptions`): `fmt` reads every
        file as one import format (`import_formats`); without it each file is read as what it looks like."""
        if actor is None:
            return self._loader.load(paths, progress=progress, **options)
        return self._loader.load(paths, progress=progress, actor=actor, **options)

    @property
    def import_formats(self) -> list[str]:
        """The names `load(fmt=…)` and `aimsgraph import FORMAT` take."""
        return self._loader.formats

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
        actor: Actor | None = None,
    ) -> SyncReport:
        """Copy this store's content and the engine's derived answers into a Neo4j database (one transaction,
        one unit of work on the database with its audit entry: see `graph.cypher.sync`)."""
        from graph.cypher.sync import SYNCER, sync_to

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
            actor=actor or SYNCER,
        )

    @staticmethod
    def run_neo4j_dev_server(
        root: Path,
        *,
        database: str,
        bolt_port: int | None,
        http_port: int | None,
        on_ready: Callable[[DevServerView], None],
        stop: threading.Event,
    ) -> None:
        """Run a local Bolt server (ArcadeDB from the `neo4j-dev` extra) until `stop` is set, then stop it.

        Raises StoreUnavailableError when it cannot start or dies while running (the message holds its log tail).
        """
        from graph.cypher.dev_server import ArcadeDBUnavailableError, start_persistent

        try:
            server = start_persistent(root, database=database, bolt_port=bolt_port, http_port=http_port)
        except ArcadeDBUnavailableError as error:
            raise StoreUnavailableError(f"the dev server did not start: {error}") from None
        try:
            on_ready(
                DevServerView(
                    uri=server.uri,
                    user=server.user,
                    password=server.password,
                    database=server.database,
                    root=str(root),
                    http_port=server.http_port,
                )
            )
            while not stop.wait(0.5):
                if not server.alive():
                    raise StoreUnavailableError(f"the dev server stopped by itself:\n{server.log_tail()}")
        finally:
            server.stop()

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
