"""The Neo4j store: the graph in a Neo4j 5 database (or any Bolt server the dialect module knows), through the
official driver. The statements live in `neo4j_cypher`, the records ⇄ rows mapping in `neo4j_rows`.

The model is the one DESIGN.md promises analysts (docs/neo4j.md has the details):
- every record is a node labelled `Record` plus its own labels (`Provision:Article`, `Asset:AISystem`, …),
  with a unique `iri` (the record's IRI) and its properties as properties, under GraphQL's camelCase names
  (`id` the short id, `validUntil`, …; dates as Cypher dates, many-valued ones as lists);
- every link is a relationship whose type is the link name (`PART_OF`, `USES`, `EVIDENCES`, …);
- a link to a node that is not (or no longer) in the graph ends at a `Record:Placeholder` node holding only
  the id, so the link survives exactly as the embedded store keeps it; placeholders no longer linked to go;
- every reified mapping also gets a derived `(:Provision)-[:MAPS_TO {relation, strength, …}]->(:Provision)`
  so crosswalks can be queried directly. Derived relationships and properties and the bookkeeping property
  `_hash` are never read back into a record.

Why one transaction per write: a write is atomic for every reader and every other API server, and a failed
one leaves nothing behind. The revision lives in the database (an `AimsgraphMeta` node) and is raised first
in that same transaction, so concurrent writers queue on it (or, on ArcadeDB, conflict and are retried by
the driver's managed transactions) and no acknowledged write is lost; `revision` is one indexed read, which
lets several API servers over one database notice each other's writes.

Why `_hash`: a replacing write (the sync) compares each node's content hash with the stored one and rewrites
only what changed, so a repeated sync costs a read of the ids, not a rewrite of the graph.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import neo4j
from neo4j import exceptions as neo4j_errors

from core.errors import RevisionConflictError, StoreQueryError, StoreUnavailableError, UsageError
from core.records import GraphBatch, Node
from graph.stores import neo4j_cypher as cypher
from graph.stores import neo4j_rows as encoding
from graph.stores.cypher_dialect import Dialect, detect
from graph.stores.failpoints import failpoint
from graph.stores.protocol import Capabilities
from ontology.rdf import UnknownTermError, property_names
from ontology.terms import LINK_BY_NAME

_T = TypeVar("_T")
ProgressCallback = Callable[[str, int, int], None]


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


def _weighted_chunks(rows: Iterable[_T], weight: Callable[[_T], int], size: int = 1000) -> Iterator[list[_T]]:
    """Rows in chunks of about `size` by weight (the relationships a row stands for), for grouped UNWINDs."""
    chunk: list[_T] = []
    load = 0
    for row in rows:
        chunk.append(row)
        load += weight(row)
        if load >= size:
            yield chunk
            chunk, load = [], 0
    if chunk:
        yield chunk


def _chunks(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def redacted(uri: str) -> str:
    """The server as a message may name it: scheme, host and port, never a user or password."""
    parts = urlsplit(uri)
    host = parts.hostname or "?"
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


@dataclass(slots=True)
class _Plan:
    """A write, worked out in Python before the transaction: the rows, the ids to delete, and whether the batch
    becomes the whole content."""

    rows: dict[str, encoding.Row]
    deletes: set[str]
    replace: bool
    expected: int | None = None  # the revision the write was prepared at (None: unconditional)
    synced: bool = False  # a sync: its records are marked as its own, and it removes only what it wrote


@dataclass(frozen=True, slots=True)
class WriteStats:
    """What one write did, for the sync's report."""

    revision: int
    created: int
    updated: int
    removed: int
    unchanged: int
    links: int
    derived: dict[str, int]
    rewritten: frozenset[str] = frozenset()  # ids of the nodes whose properties were written anew


@dataclass(slots=True)
class _Diff:
    """How a write changes the stored graph (see `Neo4jStore._diff`)."""

    existing: set[str]  # ids stored before the write, placeholders included
    fresh: list[encoding.Row]  # not stored yet
    kept: list[encoding.Row]  # changed, same labels: rewritten in place
    relabelled: list[encoding.Row]  # changed labels (a placeholder becoming a record, too): deleted and created again
    removed: list[str]  # records that go


class SyncTargetInUseError(UsageError):
    """The sync's target holds records no sync wrote: it is a live store (or someone else's data)."""

    def __init__(self, location: str, foreign: Sequence[str]) -> None:
        shown = ", ".join(foreign[:3]) + (" …" if len(foreign) > 3 else "")
        super().__init__(
            f"refusing to sync into {location}: it holds records that no sync wrote ({shown}), so it is a live "
            "aimsgraph store (servers write API keys, the audit trail and assets to it) or another tool's data, "
            "and a sync would overwrite or remove them. Sync into a database of its own (--database), or point "
            "the servers at this one and stop syncing into it"
        )


class Neo4jStore:
    name = "neo4j"

    def __init__(self, driver: neo4j.Driver, *, uri: str, database: str | None, dialect: Dialect, secret: str) -> None:
        self._driver = driver
        self._uri = uri
        self._database = database
        self.dialect = dialect
        self._secret = secret

    # -- opening -------------------------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        uri: str,
        *,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        timeout: float = 10.0,
    ) -> Neo4jStore:
        """Connect, recognise the server's dialect, and create the constraints and indexes (idempotent).

        Credentials may also come inside the URI (`bolt://user:password@host:7687`); messages never show them.
        """
        parts = urlsplit(uri)
        if parts.scheme not in cypher.URI_SCHEMES:
            raise UsageError(f"not a Bolt URI: {redacted(uri)} (expected one of {', '.join(cypher.URI_SCHEMES)})")
        user = user or parts.username or "neo4j"
        password = password if password is not None else (parts.password or "")
        clean = redacted(uri)
        secret = password
        try:
            driver = neo4j.GraphDatabase.driver(
                clean, auth=(user, password), connection_timeout=timeout, max_transaction_retry_time=15.0
            )
        except (ValueError, neo4j_errors.ConfigurationError) as error:
            raise StoreUnavailableError(f"cannot use the Neo4j URI {clean}: {error}") from None
        store = cls(driver, uri=clean, database=database, dialect=detect(""), secret=secret)
        try:
            with store._guard("connect to"):
                store.dialect = detect(driver.get_server_info().agent)
                store.ensure_schema()  # also proves the database exists and the user may use it
        except BaseException:
            driver.close()
            raise
        return store

    @contextmanager
    def _guard(self, doing: str) -> Iterator[None]:
        """Turn the driver's connection and credential failures into one clear line, password-free."""
        try:
            yield
        except neo4j_errors.AuthError:
            raise StoreUnavailableError(
                f"the Neo4j server at {self._uri} refused the credentials (check AIMSGRAPH_NEO4J_USER and "
                "AIMSGRAPH_NEO4J_PASSWORD, or --user and --password)"
            ) from None
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as error:
            raise StoreUnavailableError(
                f"could not {doing} the Neo4j server at {self._uri}: {self._scrub(error)}"
            ) from None
        except neo4j_errors.Neo4jError as error:
            if error.code and ".Database." in error.code:
                raise StoreUnavailableError(
                    f"the Neo4j server at {self._uri} has no usable database {self._database!r}: {self._scrub(error)}"
                ) from None
            raise StoreQueryError(
                f"the Neo4j server at {self._uri} refused the statement ({error.code}): {self._scrub(error)}"
            ) from None

    def _scrub(self, error: BaseException) -> str:
        text = (getattr(error, "message", None) or str(error) or type(error).__name__).splitlines()[0]
        return text.replace(self._secret, "***") if self._secret else text

    def _read(self, work: Callable[[neo4j.ManagedTransaction], _T]) -> _T:
        with self._guard("read from"), self._driver.session(database=self._database) as session:
            return session.execute_read(work)

    def _write(self, work: Callable[[neo4j.ManagedTransaction], _T]) -> _T:
        with self._guard("write to"), self._driver.session(database=self._database) as session:
            return session.execute_write(work)

    def ensure_schema(self) -> None:
        """Constraints and indexes; each its own statement (schema changes may not share a transaction)."""
        with self._driver.session(database=self._database) as session:
            for statement in self.dialect.schema_statements:
                session.run(statement).consume()

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(durable=True, writable=True)

    @property
    def location(self) -> str:
        """The server, password-free, as messages name it."""
        return self._uri + (f" (database {self._database})" if self._database else "")

    @property
    def revision(self) -> int:
        """The revision stored in the database: one indexed read, so other processes' writes are seen.

        An auto-commit read (one round trip; a managed transaction costs a second one for its commit): every
        API request asks this first. Measured on ArcadeDB: 0.3 ms against 0.5 ms.
        """
        with self._guard("read from"), self._driver.session(database=self._database) as session:
            record = session.run(cypher.REVISION).single()
        return int(record["revision"]) if record is not None else 0

    # -- writes --------------------------------------------------------------------------------------------
    def write(self, batch: GraphBatch, *, replace: bool = False, progress: ProgressCallback = _no_progress) -> None:
        """Upsert (or, with replace, make the batch the whole content) in one transaction.

        Every record is checked before the transaction opens, so a bad one changes nothing.
        """
        self._commit(batch, replace=replace, derived={}, progress=progress)

    def commit(self, batch: GraphBatch, *, expected_revision: int, replace: bool = False) -> int:
        """`write`, refused unless the database is still at `expected_revision`.

        The revision is bumped by the transaction's first statement (an atomic increment of the meta node,
        which takes its write lock on Neo4j and conflicts on ArcadeDB's optimistic transactions); the bump must
        land on `expected_revision + 1`, or the transaction is rolled back and RevisionConflictError raised.
        So two API servers that read the same revision can never both commit against it.
        """
        stats = self._commit(batch, replace=replace, derived={}, progress=_no_progress, expected=expected_revision)
        return stats.revision

    def sync(
        self,
        batch: GraphBatch,
        derived: dict[str, list[dict[str, Any]]],
        progress: ProgressCallback = _no_progress,
        provision_props: Sequence[dict[str, Any]] = (),
        *,
        expected_revision: int | None = None,
    ) -> WriteStats:
        """Make the batch the whole of what syncs wrote, and replace the derived relationships of each kind in
        `derived` (see `cypher.DERIVED`), all in one transaction: a sync is atomic, and one killed midway left
        nothing.

        A sync owns only what it wrote (each record it writes is marked `_synced`): it removes only records
        of an earlier sync, and it refuses a database that holds any record it did not write — a live
        aimsgraph store that servers write to (API keys, the audit trail, API-written assets), which a sync
        would otherwise overwrite or wipe (`SyncTargetInUseError`). The check runs inside the sync's
        transaction, after its revision bump, so a server's write cannot slip in between. With
        `expected_revision` the sync commits only at that revision, as `commit` does (the sync's unit of work)."""
        unknown = set(derived) - set(cypher.DERIVED)
        if unknown:
            raise ValueError(f"unknown derived relationships: {', '.join(sorted(unknown))}")
        return self._commit(
            batch,
            replace=True,
            derived=derived,
            progress=progress,
            synced=True,
            expected=expected_revision,
            provision_props=provision_props,
        )

    def _commit(
        self,
        batch: GraphBatch,
        *,
        replace: bool,
        derived: dict[str, list[dict[str, Any]]],
        progress: ProgressCallback,
        expected: int | None = None,
        synced: bool = False,
        provision_props: Sequence[dict[str, Any]] = (),
    ) -> WriteStats:
        rows: dict[str, encoding.Row] = {}
        for node in batch:
            row = encoding.encode(node)
            if synced:
                row.props[cypher.SYNCED_PROPERTY] = True
            rows[node.id] = row
        plan = _Plan(rows, set() if replace else set(batch.deletes), replace, expected, synced)

        def work(tx: neo4j.ManagedTransaction) -> WriteStats:
            stats = self._apply(tx, plan, progress)
            if not derived:
                # A plain write may remove nodes and with them derived edges: the next sync rewrites them all
                # rather than trust a hash that no longer describes the database.
                for kind in [*cypher.DERIVED, "provision_props"]:
                    tx.run(cypher.set_derived_hash(kind), hash=None).consume()
            # Every kind to rewrite is dropped before any is written (and see `cypher.DROP_DERIVED`).
            stale: list[tuple[str, list[dict[str, Any]], str]] = []
            for kind, items in sorted(derived.items()):
                stats.derived[kind] = len(items)
                digest = hashlib.blake2b(repr(items).encode(), digest_size=16).hexdigest()
                stored = tx.run(cypher.derived_hash(kind)).single()
                if stored is not None and stored["hash"] == digest:
                    continue  # the same derived edges as the last sync: nothing to rewrite
                tx.run(cypher.DROP_DERIVED[kind]).consume()
                stale.append((kind, items, digest))
            for kind, items, digest in stale:
                by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
                for item in items:
                    by_source[item["source"]].append({"target": item["target"], "props": item["props"]})
                rows = [{"source": source, "edges": edges} for source, edges in by_source.items()]
                done = 0
                for chunk in _weighted_chunks(rows, lambda r: len(r["edges"])):
                    tx.run(cypher.DERIVED[kind], rows=chunk).consume()
                    done += sum(len(r["edges"]) for r in chunk)
                    progress(f"writing {kind}", done, len(items))
                tx.run(cypher.set_derived_hash(kind), hash=digest).consume()
            if provision_props:
                # All of them when they changed; else only on the nodes written anew, which lost them
                # (`SET n = row.props`). A sync always writes its own audit entry, so "any node written" would
                # rewrite them all every time.
                digest = hashlib.blake2b(repr(list(provision_props)).encode(), digest_size=16).hexdigest()
                stored = tx.run(cypher.derived_hash("provision_props")).single()
                todo = list(provision_props)
                if stored is not None and stored["hash"] == digest:
                    todo = [row for row in todo if row["iri"] in stats.rewritten]
                for part in _chunks(todo, self.dialect.batch_rows):
                    tx.run(cypher.SET_PROVISION_PROPS, rows=list(part)).consume()
                tx.run(cypher.set_derived_hash("provision_props"), hash=digest).consume()
            failpoint("neo4j:before-commit")
            return stats

        return self._write(work)

    def _diff(self, tx: neo4j.ManagedTransaction, plan: _Plan) -> _Diff:
        """Compare the plan with what the database holds (ids, content hashes, labels), inside the write's
        transaction, and sort the rows into what to create, rewrite in place, recreate, or remove."""
        existing: dict[str, tuple[str | None, frozenset[str]]] = {}
        if plan.synced:
            foreign = [r["id"] for r in tx.run(cypher.NOT_SYNCED)]
            if foreign:
                raise SyncTargetInUseError(self.location, foreign)
        if plan.replace:
            existing = {r["id"]: (r["hash"], frozenset(r["labels"])) for r in tx.run(cypher.ALL_IDS)}
        else:
            wanted = set(plan.rows) | plan.deletes
            wanted |= {t for row in plan.rows.values() for targets in row.links.values() for t in targets}
            for chunk in _chunks(sorted(wanted), self.dialect.batch_rows):
                for r in tx.run(cypher.SOME_IDS, ids=list(chunk)):
                    existing[r["id"]] = (r["hash"], frozenset(r["labels"]))
        changed = [row for key, row in plan.rows.items() if key in existing and existing[key][0] != row.hash]
        doomed = (set(existing) if plan.replace else plan.deletes & set(existing)) - set(plan.rows)
        return _Diff(
            existing=set(existing),
            fresh=[row for key, row in plan.rows.items() if key not in existing],
            kept=[row for row in changed if existing[row.id][1] == {cypher.BASE_LABEL, *row.labels}],
            relabelled=[row for row in changed if existing[row.id][1] != {cypher.BASE_LABEL, *row.labels}],
            removed=sorted(key for key in doomed if cypher.PLACEHOLDER_LABEL not in existing[key][1]),
        )

    def _apply(self, tx: neo4j.ManagedTransaction, plan: _Plan, progress: ProgressCallback) -> WriteStats:
        """The whole write inside one transaction (the driver may run it again on a transient error).

        A node whose labels change is deleted and created again with its incoming relationships: labels are
        never changed in place (ArcadeDB fails a second label change of one node inside a transaction, and
        Cypher has no portable dynamic label).
        """
        size = self.dialect.batch_rows
        record = tx.run(cypher.BUMP).single()
        assert record is not None
        if plan.expected is not None and int(record["revision"]) != plan.expected + 1:
            raise RevisionConflictError(plan.expected, int(record["revision"]) - 1)  # rolls the transaction back

        def run(statement: str, key: str, items: Sequence[Any], **extra: Any) -> None:
            for chunk in _chunks(items, size):
                tx.run(statement, {key: list(chunk), **extra}).consume()

        diff = self._diff(tx, plan)
        created = diff.fresh + diff.relabelled
        total = len(diff.removed) + len(diff.kept) + len(created)
        progress("writing nodes", 0, total)
        # 1. Nodes rewritten or removed lose their outgoing links and the crosswalk edges derived from them.
        touched = [row.id for row in diff.kept + diff.relabelled] + diff.removed
        run(cypher.DROP_MAPS_TO, "ids", touched)
        run(cypher.DROP_LINKS, "ids", touched, types=cypher.LINK_TYPES)
        # 2. Nodes removed or relabelled go, keeping what other nodes said about them to attach again below.
        gone = diff.removed + [row.id for row in diff.relabelled]
        carried: list[dict[str, Any]] = []
        for chunk in _chunks(gone, size):
            carried += [dict(r) for r in tx.run(cypher.INCOMING, ids=list(chunk))]
        for chunk in _chunks([row.id for row in diff.relabelled], size):
            carried += [dict(r) for r in tx.run(cypher.OUTGOING_DERIVED, ids=list(chunk), types=cypher.LINK_TYPES)]
        run(cypher.DELETE, "ids", gone)
        # 3. Nodes whose labels stay get their new properties in place.
        run(cypher.SET_PROPS, "rows", [{"id": row.id, "props": row.props} for row in diff.kept])
        done = len(diff.removed) + len(diff.kept)
        progress("writing nodes", done, total)
        # 4. New and relabelled nodes, created with all their labels at once (grouped by label set).
        by_labels: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for row in created:
            by_labels[row.labels].append({"id": row.id, "props": row.props})
        for labels, group in by_labels.items():
            for part in _chunks(group, size):
                tx.run(cypher.create_nodes(labels), rows=list(part)).consume()
                done += len(part)
                progress("writing nodes", done, total)
        # 5. Placeholders for link ends not in the graph, then the links and the carried relationships.
        written = diff.kept + created
        ends = {t for row in written for values in row.links.values() for t in values}
        ends |= {r["source"] for r in carried} | {r["target"] for r in carried}
        present = (diff.existing - set(gone)) | {row.id for row in created}
        run(cypher.NEW_PLACEHOLDERS, "ids", sorted(ends - present))
        failpoint("neo4j:nodes-written")
        links = self._link(run, written, carried, progress)
        # 6. Derived crosswalk edges, then placeholders nothing links to any more.
        run(cypher.CREATE_MAPS_TO, "rows", [row.maps_to for row in written if row.maps_to is not None])
        tx.run(cypher.SWEEP_PLACEHOLDERS, types=cypher.LINK_TYPES).consume()
        return WriteStats(
            revision=int(record["revision"]),
            created=len(diff.fresh),
            updated=len(diff.kept) + len(diff.relabelled),
            removed=len(diff.removed),
            unchanged=len(plan.rows) - len(diff.fresh) - len(diff.kept) - len(diff.relabelled),
            links=links,
            derived={"MAPS_TO": sum(1 for row in written if row.maps_to is not None)},
            rewritten=frozenset(row.id for row in written),
        )

    @staticmethod
    def _link(
        run: Callable[..., None], written: list[encoding.Row], carried: list[dict[str, Any]], progress: ProgressCallback
    ) -> int:
        """The written nodes' links, by type, and the relationships carried over from recreated nodes."""
        grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in written:
            for link, values in row.links.items():
                grouped[link].append({"source": row.id, "targets": list(values)})
        total = sum(len(r["targets"]) for rows in grouped.values() for r in rows)
        done = 0
        for link, rows in sorted(grouped.items()):
            for chunk in _weighted_chunks(rows, lambda r: len(r["targets"])):
                run(cypher.create_links(link), "rows", chunk)
                done += sum(len(r["targets"]) for r in chunk)
                progress("writing links", done, total)
        by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for relationship in carried:
            by_type[relationship["type"]].append(relationship)
        for kind, relationships in sorted(by_type.items()):
            run(cypher.recreate(kind), "rows", relationships)
        return total

    # -- reads ---------------------------------------------------------------------------------------------
    def _records(self, statement: str, **params: Any) -> list[Node]:
        def read(tx: neo4j.ManagedTransaction) -> list[Node]:
            return [
                encoding.decode(r["id"], r["labels"], r["props"], r["links"])
                for r in tx.run(statement, {**params, "types": cypher.LINK_TYPES})
            ]

        return self._read(read)

    def get(self, ids: Iterable[str]) -> dict[str, Node]:
        wanted = list(dict.fromkeys(ids))
        found: dict[str, Node] = {}
        for chunk in _chunks(wanted, self.dialect.batch_rows):
            found.update((node.id, node) for node in self._records(cypher.GET, ids=list(chunk)))
        return found

    def nodes(self, label: str) -> Iterator[Node]:
        if label in cypher.RESERVED_LABELS:
            return iter(())
        return iter(sorted(self._records(cypher.nodes_with_label(label)), key=lambda n: n.id))

    def nodes_projected(self, label: str, names: Iterable[str]) -> Iterator[Node]:
        if label in cypher.RESERVED_LABELS:
            return iter(())
        wanted = property_names(names)
        statement = cypher.projected_nodes(label, wanted)

        def read(tx: neo4j.ManagedTransaction) -> list[Node]:
            # named by all its labels (a provision's own date has its own name), labelled as asked, as the
            # embedded store answers
            return [
                Node(node.id, (label,), node.props, {})
                for node in (
                    encoding.decode(r["id"], r["labels"], {k: v for k, v in r["props"].items() if v is not None}, ())
                    for r in tx.run(statement)
                )
            ]

        return iter(sorted(self._read(read), key=lambda n: n.id))

    def all_nodes(self) -> Iterator[Node]:
        def read(tx: neo4j.ManagedTransaction) -> list[Node]:
            links: dict[str, list[tuple[str, str]]] = defaultdict(list)
            for r in tx.run(cypher.ALL_LINKS, types=cypher.LINK_TYPES):
                links[r["id"]].append((r["type"], r["target"]))
            return [
                encoding.decode(r["id"], r["labels"], r["props"], links.get(r["id"], ()))
                for r in tx.run(cypher.ALL_NODES)
            ]

        return iter(self._read(read))

    def referrers(self, ids: Iterable[str], link: str) -> dict[str, list[str]]:
        if link not in LINK_BY_NAME:
            raise UnknownTermError(f"link {link!r} has no term in ontology/terms.py")
        statement = cypher.referrers(link)
        wanted = list(dict.fromkeys(ids))

        def read(tx: neo4j.ManagedTransaction) -> dict[str, list[str]]:
            result: dict[str, list[str]] = defaultdict(list)
            for chunk in _chunks(wanted, self.dialect.batch_rows):
                for r in tx.run(statement, ids=list(chunk)):
                    result[r["id"]].append(r["referrer"])
            return result

        return self._read(read)

    def is_empty(self) -> bool:
        return self._read(lambda tx: tx.run(cypher.ANY_NODE).single() is None)

    # -- queries for the sync and the reports ----------------------------------------------------------------
    def query(self, statement: str, parameters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run one read query and return its rows as plain Python values (dates as `datetime.date`).

        Callers (the report runner) check the statement is read-only first: ArcadeDB does not enforce READ.
        """

        def read(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            result = tx.run(statement, parameters or {})
            keys = result.keys()
            return [{key: encoding.plain(r[key]) for key in keys} for r in result]

        return self._read(read)

    def publish(self) -> None:
        """Every session reads the server's committed state: nothing to publish."""

    def close(self) -> None:
        self._driver.close()
