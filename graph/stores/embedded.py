"""The embedded default store: Oxigraph (RocksDB on disk, or in memory), no server.

Why Oxigraph: it keeps RDF natively (the canonical model), writes transactionally, and measured well ahead
of rdflib's own stores for loading and lookups (see the README's benchmark figures).

How a write stays atomic, even under kill -9:
- Content lives in one named graph, a *generation*; a meta graph names the current generation and the
  revision.
- ``replace`` fills a fresh generation with Oxigraph's bulk loader (fast, not transactional, but nobody
  reads that graph yet), then flips the meta pointer in one atomic SPARQL update, then drops the old
  generation. A crash before the flip leaves an orphan generation that the next write removes; the
  previous content stays current. Leftovers of a crash are removed by the next write, not on open, so a
  read never waits for them.
- A small upsert is a single SPARQL update (delete the nodes' old triples, insert the new ones, bump the
  revision), which Oxigraph applies in one transaction. A large one rebuilds a generation as above from
  the current content less the replaced nodes, plus the batch.

One process may hold the store for writing (RocksDB's lock); a second writer waits a bounded time, then is
told who holds it. Readers in other processes never open the live store: they open the newest consistent
checkpoint the writer publishes (`graph.stores.checkpoints`), never block the writer, and follow its commits
by taking each newer checkpoint as it appears (see `_follow`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Self, TextIO

import pyoxigraph as ox

from core.errors import ReadOnlyStoreError, RevisionConflictError, StoreBusyError
from core.records import GraphBatch, Node
from graph.stores import checkpoints
from graph.stores.checkpoints import Lease
from graph.stores.failpoints import failpoint
from graph.stores.protocol import Capabilities
from graph.stores.syncer import Syncer
from ontology.namespaces import AG
from ontology.rdf import (
    RDF_TYPE,
    Lit,
    Obj,
    Triple,
    nodes_to_triples,
    property_names,
    to_ntriples,
    triples_to_node,
    write_ntriples,
)
from ontology.terms import LINK_BY_NAME, PROPERTY_BY_NAME, class_iri

_META = ox.NamedNode("urn:aimsgraph:meta")
_STORE = ox.NamedNode("urn:aimsgraph:store")
_CURRENT = ox.NamedNode(AG + "currentGeneration")
_REVISION = ox.NamedNode(AG + "revision")
_GENERATION_PREFIX = "urn:aimsgraph:generation:"
_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
# Above this many nodes an upsert rebuilds a generation with the bulk loader instead of one SPARQL update:
# measured here, a 150k-node SPARQL upsert took 74 s, a bulk-loaded generation a few seconds.
_LARGE_WRITE = 5_000
_KEEP_LOGS = 3
DEFAULT_SYNC_INTERVAL = 1.0  # seconds; see graph.stores.syncer
_SCRATCH = "aimsgraph-scratch-"
_WRITER = "aimsgraph-writer"  # who holds the write lock: {"pid": …, "command": …}, for the refusal message


def _this_command() -> str:
    """`aimsgraph serve`, `aimsgraph load` …: what this process is, in the words a user typed."""
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    args = sys.argv[1:]
    command = "serve" if "serve" in args else next((arg for arg in args if not arg.startswith("-")), "")
    return f"{program} {command}".strip()


def _holder(location: Path) -> tuple[int, str] | None:
    """The live process that holds the store for writing, as its writer file says; None if unknown or gone."""
    try:
        said = json.loads((location / _WRITER).read_text())
        pid, command = int(said["pid"]), str(said["command"])
        os.kill(pid, 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return pid, command


def _writer_crashed(location: Path) -> bool:
    """A writer's file names a process that is gone: it was killed, perhaps before publishing its last commits."""
    return (location / _WRITER).exists() and _holder(location) is None


def _meta(oxstore: ox.Store) -> tuple[ox.NamedNode | None, int]:
    """The current generation and the revision, as the meta graph says."""
    generation = next(iter(oxstore.quads_for_pattern(_STORE, _CURRENT, None, _META)), None)
    revision = next(iter(oxstore.quads_for_pattern(_STORE, _REVISION, None, _META)), None)
    current = generation.object if generation and isinstance(generation.object, ox.NamedNode) else None
    number = int(revision.object.value) if revision and isinstance(revision.object, ox.Literal) else 0
    return current, number


def _busy_message(location: Path, holder: tuple[int, str] | None) -> str:
    if holder is None:
        return (
            f"the store at {location} is held for writing by another process (a running `aimsgraph serve` or "
            "load); stop it or wait for it, or use another --store"
        )
    pid, command = holder
    if command.endswith(" serve"):
        return (
            f"the store at {location} is held for writing by another process, `aimsgraph serve` (pid {pid}): "
            "stop it, or send the change through its GraphQL API (mutations, `createApiKey`)"
        )
    return f"the store at {location} is held for writing by another process, `{command}` (pid {pid}); wait for it"


_CHUNK_LINES = 300_000  # triples per bulk load: bounds the bulk loader's memory


class _Chunks:
    """A text sink that rolls over to a new N-Triples file every `_CHUNK_LINES` lines."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self.paths: list[Path] = []
        self._handle: TextIO | None = None
        self._lines = 0

    def write(self, text: str) -> int:
        if self._handle is None or self._lines >= _CHUNK_LINES:
            self.close()
            path = self._folder / f"part-{len(self.paths):05d}.nt"
            self.paths.append(path)
            self._handle = path.open("w", encoding="utf-8")
            self._lines = 0
        self._lines += text.count("\n")
        return self._handle.write(text)

    def writelines(self, lines: Iterable[str]) -> None:
        """Each item is one N-Triples line; they are written in slices (one call per line cost ~2 s for
        100,000 assets)."""
        pending: list[str] = []
        for line in lines:
            pending.append(line)
            if len(pending) == 10_000:
                self._write_lines(pending)
                pending = []
        self._write_lines(pending)

    def _write_lines(self, lines: list[str]) -> None:
        while lines:
            if self._handle is None or self._lines >= _CHUNK_LINES:
                self.write("")  # rolls over to a new file
            room = _CHUNK_LINES - self._lines
            self.write("".join(lines[:room]))
            lines = lines[room:]

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _prune_logs(location: Path) -> None:
    """Keep the store directory bounded: RocksDB leaves a LOG.old.* file per open, and about a thousand of
    them made parallel opens fail. The newest few stay for diagnosis."""
    old = sorted(location.glob("LOG.old.*"), key=lambda p: p.name)
    for path in old[:-_KEEP_LOGS]:
        path.unlink(missing_ok=True)


def _from_ox(term: object) -> Obj | None:
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        return Lit(term.value, term.datatype.value)
    return None


class EmbeddedStore:
    name = "embedded"

    def __init__(
        self,
        oxstore: ox.Store,
        *,
        path: Path | None,
        writable: bool,
        sync_interval: float = DEFAULT_SYNC_INTERVAL,
        lease: Lease | None = None,
    ) -> None:
        self._ox = oxstore
        self._path = path
        self._writable = writable
        self._syncer = Syncer(self._flush, sync_interval) if path is not None and writable else None
        self._generation, self._revision = self._read_meta()
        self._orphans_checked = not writable
        self._commit_lock = threading.Lock()
        # a reader: the checkpoints it holds (the one it reads and the one before, for reads still on it)
        self._leases: list[Lease] = [lease] if lease is not None else []
        self._switching = threading.Lock()
        # a writer: what its newest checkpoint holds, so an idle interval publishes nothing
        self._publishing = threading.Lock()
        self._published: tuple[ox.NamedNode | None, int] | None = None
        self._on_request: checkpoints.PublishOnRequest | None = None

    # -- opening -------------------------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: Path | str | None = None,
        *,
        read_only: bool = False,
        wait: float = 0.0,
        on_wait: Callable[[str], None] | None = None,
        sync_interval: float = DEFAULT_SYNC_INTERVAL,
    ) -> Self:
        """Open (creating if needed) the store at `path`, or an in-memory one when `path` is None.

        A read-only open reads the newest checkpoint and never blocks a writer (it waits, up to `wait` seconds
        and at least a few, only for a store's very first checkpoint). A writable open of a store that another process
        holds for writing waits up to `wait` seconds (saying so through `on_wait`), then raises
        `StoreBusyError`: it never falls back to read-only without a word. A small write is synced to disk
        within `sync_interval` seconds (see `graph.stores.syncer`); it survives a killed process at once.
        """
        if path is None:
            return cls(ox.Store(), path=None, writable=True)
        location = Path(path)
        if read_only:
            if not (location / "CURRENT").exists():
                raise StoreBusyError(f"there is no store at {location} yet")
            lease = cls._lease_checkpoint(location, wait)
            _prune_logs(lease.path)
            return cls(ox.Store.read_only(str(lease.path)), path=location, writable=False, lease=lease)
        location.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                store = cls(ox.Store(str(location)), path=location, writable=True, sync_interval=sync_interval)
            except OSError as error:
                if "lock" not in str(error).lower():
                    raise
                holder = _holder(location)
                if holder is not None and holder[1].endswith(" serve"):  # a server does not let go: say so now
                    raise StoreBusyError(_busy_message(location, holder)) from error
                if time.monotonic() >= deadline:
                    raise StoreBusyError(_busy_message(location, holder)) from error
                if on_wait is not None and not told:
                    on_wait(f"waiting up to {wait:g} s for the store at {location}, held for writing elsewhere")
                    told = True
                time.sleep(0.2)
                continue
            _prune_logs(location)
            for leftover in location.glob(f"{_SCRATCH}*"):  # a killed write's scratch file
                shutil.rmtree(leftover, ignore_errors=True)
            (location / _WRITER).write_text(json.dumps({"pid": os.getpid(), "command": _this_command()}))
            latest = checkpoints.latest(location)
            if latest is not None and checkpoints.revision_of(latest) == store._revision:
                store._published = (store._generation, store._revision)
            store.publish()  # readers wait for no commit: a killed predecessor's last ones become readable now
            checkpoints.mark_committed(location, store._revision)
            store._on_request = checkpoints.PublishOnRequest(location, store.publish)
            store._on_request.start()  # a reader behind the last commit asks, and gets it at once
            return store

    @classmethod
    def _lease_checkpoint(cls, location: Path, wait: float) -> Lease:
        """A hold on the store's newest checkpoint. With no live writer to publish one (a store from before
        checkpoints, or a writer killed before it published its last commits), this reader takes the write
        lock for a moment and publishes it; a live writer publishes on open and after its commits."""
        if checkpoints.latest(location) is None or _writer_crashed(location):
            with contextlib.suppress(StoreBusyError):  # a live writer: it publishes
                cls.open(location, wait=0).close()
        deadline = time.monotonic() + max(wait, 5.0)
        checkpoints.catch_up(location)  # a live writer's last commits, published for this reader
        while True:
            lease = checkpoints.lease_newest(location)
            if lease is not None:
                return lease
            if time.monotonic() >= deadline:
                raise StoreBusyError(
                    f"the store at {location} has no readable checkpoint yet; the process writing it makes one "
                    "when it opens the store"
                )
            time.sleep(0.05)

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(durable=self._path is not None, writable=self._writable)

    @property
    def revision(self) -> int:
        """The committed revision; a read-only handle first catches up with the writer's commits."""
        if not self._writable:
            self._follow()
        return self._revision

    @property
    def location(self) -> Path | None:
        return self._path

    def content_key(self, revision: int) -> str | None:
        """The committed content at `revision`, named by its generation and revision (both change only in
        the transaction that changes the content); None once the store has moved past it."""
        if self._generation is None or self._revision != revision:
            return None
        return f"{self._generation.value}#{revision}"

    # -- following the writer's commits, and publishing them -----------------------------------------------
    def _follow(self) -> None:
        """Take the writer's newest checkpoint when it is newer than the one read.

        The check is one small file read (`LATEST`) per request. The handle reads its metadata only from the
        checkpoint it has just opened, so it never pairs one revision's number with another's content.
        """
        assert self._path is not None and self._leases
        name = checkpoints.catch_up(self._path)  # asks the writer for commits it has not published yet
        if name is None or name == self._leases[-1].name:
            return
        with self._switching:
            if name == self._leases[-1].name:  # another request switched meanwhile
                return
            lease = checkpoints.lease_newest(self._path)
            if lease is None or lease.name == self._leases[-1].name:
                if lease is not None:
                    lease.release()
                return
            _prune_logs(lease.path)
            oxstore = ox.Store.read_only(str(lease.path))
            generation, revision = _meta(oxstore)
            self._ox, self._generation, self._revision = oxstore, generation, revision
            self._leases.append(lease)
            while len(self._leases) > 2:
                self._leases.pop(0).release()

    def publish(self) -> None:
        """Make every commit so far readable by other processes: a checkpoint, unless the newest one has them."""
        if self._path is None or not self._writable:
            return
        with self._publishing:
            state = _meta(self._ox)
            if state == self._published:
                return
            checkpoints.publish(self._path, self._ox, state[1])
            self._published = state

    def _committed(self, *, flushed: bool) -> None:
        """A commit is in. A large write has flushed already, so its checkpoint costs only links: published now.
        A small one is flushed and published by the syncer within the sync interval."""
        if flushed:
            self.publish()
        elif self._syncer is not None:
            self._syncer.committed()
        if self._path is not None:
            checkpoints.mark_committed(self._path, self._revision)  # before the write is acknowledged

    # -- meta ----------------------------------------------------------------------------------------------
    def _read_meta(self) -> tuple[ox.NamedNode | None, int]:
        return _meta(self._ox)

    def generations(self) -> list[str]:
        """The content generations on disk: one, unless a crash left an orphan that the next write removes."""
        return sorted(
            graph.value
            for graph in self._ox.named_graphs()
            if isinstance(graph, ox.NamedNode) and graph.value.startswith(_GENERATION_PREFIX)
        )

    def _drop_orphan_generations(self) -> None:
        for graph in list(self._ox.named_graphs()):
            if (
                isinstance(graph, ox.NamedNode)
                and graph.value.startswith(_GENERATION_PREFIX)
                and graph != self._generation
            ):
                self._ox.remove_graph(graph)

    def _require_writable(self) -> None:
        if not self._writable:
            where = f" at {self._path}" if self._path else ""
            raise ReadOnlyStoreError(
                f"the store{where} is open read-only because another process holds it for writing "
                "(is `aimsgraph serve` running?); stop that process or use another --store"
            )

    # -- writes --------------------------------------------------------------------------------------------
    def commit(self, batch: GraphBatch, *, expected_revision: int, replace: bool = False) -> int:
        """The conditional write. One process holds the store for writing (RocksDB's lock), so the revision
        this handle keeps is the store's, and checking it under the commit lock is checking the store's."""
        self._require_writable()
        with self._commit_lock:
            if self._revision != expected_revision:
                raise RevisionConflictError(expected_revision, self._revision)
            self._write(batch, replace=replace)
            return self._revision

    def write(self, batch: GraphBatch, *, replace: bool = False) -> None:
        self._require_writable()
        with self._commit_lock:
            self._write(batch, replace=replace)

    def _write(self, batch: GraphBatch, *, replace: bool) -> None:
        if not self._orphans_checked:  # on the first write, not on open: a read never pays for a crash's leftovers
            self._drop_orphan_generations()
            self._orphans_checked = True
        large = replace or self._generation is None or len(batch) + len(batch.deletes) > _LARGE_WRITE
        if large:
            self._write_large(batch, replace=replace or self._generation is None)
        else:
            self._upsert(batch, to_ntriples(nodes_to_triples(batch)))  # fails on a bad record before writing
        self._generation, self._revision = self._read_meta()
        self._committed(flushed=large)

    def _write_large(self, batch: GraphBatch, *, replace: bool) -> None:
        """Stream the new generation's N-Triples to a file, then bulk-load it.

        Why a file: 100,000 assets are 2.9 million triples, ~400 MB of N-Triples; held as one string (and its
        encoded copy) they cost more memory than the whole load may use. A bad record fails while the file is
        written, before the store is touched.
        """
        with tempfile.TemporaryDirectory(dir=self._path, prefix=_SCRATCH) as scratch:
            chunks = _Chunks(Path(scratch))
            if not replace:
                self._copy_current_without({n.id for n in batch} | set(batch.deletes), chunks, Path(scratch))
            write_ntriples(nodes_to_triples(batch), chunks)
            chunks.close()
            self._write_generation(chunks.paths)

    def _write_generation(self, payloads: list[Path]) -> None:
        """Fill a fresh, still invisible generation with the fast bulk loader, then flip to it atomically.

        The bulk loader's memory grows with its input (1.5 GB for 2.9 million triples), so it is fed a few
        hundred thousand triples at a time: nobody reads the generation until the flip, so several loads into
        it are as atomic as one.
        """
        old = self._generation
        fresh = ox.NamedNode(f"{_GENERATION_PREFIX}{uuid.uuid4()}")
        for payload in payloads:
            self._ox.bulk_load(path=str(payload), format=ox.RdfFormat.N_TRIPLES, to_graph=fresh)
        failpoint("generation:filled")
        revision = ox.Literal(str(self._revision + 1), datatype=_XSD_INTEGER)
        self._ox.update(
            f"DELETE WHERE {{ GRAPH {_META} {{ {_STORE} ?p ?o }} }} ;\n"
            f"INSERT DATA {{ GRAPH {_META} {{ {_STORE} {_CURRENT} {fresh} ; {_REVISION} {revision} }} }}"
        )
        failpoint("generation:switched")
        if old is not None:
            self._ox.remove_graph(old)
        failpoint("generation:old-dropped")
        if self._path is not None:
            self._ox.flush()

    def _copy_current_without(self, subjects: set[str], handle: _Chunks, scratch: Path) -> None:
        """Write the current generation as N-Triples, less every triple whose subject is in `subjects`.

        The dump goes to a file and is read back a line at a time, split on line feeds only: N-Triples ends
        every triple with one, while a literal may hold U+2028 or U+0085, which `str.splitlines` would also
        split on (that cut a triple in two and failed the write).
        """
        assert self._generation is not None
        dump = scratch / "current.nt"
        self._ox.dump(str(dump), format=ox.RdfFormat.N_TRIPLES, from_graph=self._generation)
        with dump.open("rb") as lines:
            handle.writelines(
                line.decode("utf-8") for line in lines if line[1 : line.find(b">")].decode("utf-8") not in subjects
            )
        dump.unlink()

    def _upsert(self, batch: GraphBatch, payload: str) -> None:
        """A small upsert: one SPARQL update, which Oxigraph applies in a single transaction."""
        graph = self._generation
        assert graph is not None
        ids = dict.fromkeys([node.id for node in batch] + list(batch.deletes))
        subjects = " ".join(f"<{node_id}>" for node_id in ids)
        revision = ox.Literal(str(self._revision + 1), datatype=_XSD_INTEGER)
        update = (
            f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} "
            f"WHERE {{ VALUES ?s {{ {subjects} }} GRAPH {graph} {{ ?s ?p ?o }} }} ;\n"
            + (f"INSERT DATA {{ GRAPH {graph} {{ {payload} }} }} ;\n" if payload else "")
            + f"DELETE WHERE {{ GRAPH {_META} {{ {_STORE} {_REVISION} ?r }} }} ;\n"
            f"INSERT DATA {{ GRAPH {_META} {{ {_STORE} {_REVISION} {revision} }} }}"
        )
        failpoint("upsert:before")
        self._ox.update(update)
        failpoint("upsert:applied")

    def _flush(self) -> None:
        self._ox.flush()
        self.publish()

    # -- reads ---------------------------------------------------------------------------------------------
    def _pairs(self, subject: ox.NamedNode) -> Iterator[tuple[str, Obj]]:
        for quad in self._ox.quads_for_pattern(subject, None, None, self._generation):
            obj = _from_ox(quad.object)
            if obj is not None:
                yield quad.predicate.value, obj

    def get(self, ids: Iterable[str]) -> dict[str, Node]:
        if self._generation is None:
            return {}
        found: dict[str, Node] = {}
        for node_id in ids:
            node = triples_to_node(node_id, self._pairs(ox.NamedNode(node_id)))
            if node is not None:
                found[node_id] = node
        return found

    def nodes(self, label: str) -> Iterator[Node]:
        if self._generation is None:
            return
        quads = self._ox.quads_for_pattern(
            None, ox.NamedNode(RDF_TYPE), ox.NamedNode(class_iri(label)), self._generation
        )
        subjects = [q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)]
        yield from self.get(subjects).values()

    def nodes_projected(self, label: str, names: Iterable[str]) -> Iterator[Node]:
        """One scan per named property over the whole generation (the index on predicates), so no other
        value of these nodes is read or decoded."""
        wanted = property_names(names)
        if self._generation is None:
            return
        kind = class_iri(label)
        pairs: dict[str, list[tuple[str, Obj]]] = {
            q.subject.value: [(RDF_TYPE, kind)]
            for q in self._ox.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(kind), self._generation)
            if isinstance(q.subject, ox.NamedNode)
        }
        for name in wanted:
            predicate = PROPERTY_BY_NAME[name].iri
            for quad in self._ox.quads_for_pattern(None, ox.NamedNode(predicate), None, self._generation):
                found = pairs.get(quad.subject.value) if isinstance(quad.subject, ox.NamedNode) else None
                value = _from_ox(quad.object)
                if found is not None and value is not None:
                    found.append((predicate, value))
        for subject in sorted(pairs):
            node = triples_to_node(subject, pairs[subject])
            if node is not None:
                yield node

    def referrers(self, ids: Iterable[str], link: str) -> dict[str, list[str]]:
        predicate = ox.NamedNode(LINK_BY_NAME[link].iri)
        result: dict[str, list[str]] = defaultdict(list)
        if self._generation is None:
            return result
        for node_id in ids:
            for quad in self._ox.quads_for_pattern(None, predicate, ox.NamedNode(node_id), self._generation):
                if isinstance(quad.subject, ox.NamedNode):
                    result[node_id].append(quad.subject.value)
        return result

    def all_nodes(self) -> Iterator[Node]:
        grouped: dict[str, list[tuple[str, Obj]]] = defaultdict(list)
        for subject, predicate, obj in self.triples():
            grouped[subject].append((predicate, obj))
        for subject, pairs in grouped.items():
            node = triples_to_node(subject, pairs)
            if node is not None:
                yield node

    def triples(self) -> Iterator[Triple]:
        """Everything in the current generation."""
        if self._generation is None:
            return
        for quad in self._ox.quads_for_pattern(None, None, None, self._generation):
            obj = _from_ox(quad.object)
            if isinstance(quad.subject, ox.NamedNode) and obj is not None:
                yield quad.subject.value, quad.predicate.value, obj

    def is_empty(self) -> bool:
        return self._generation is None or next(iter(self.triples()), None) is None

    def close(self) -> None:
        if self._on_request is not None:
            self._on_request.close()
        if self._syncer is not None:
            self._syncer.close()  # flushes and publishes what is pending
        if self._path is not None and self._writable:
            self.publish()
            (self._path / _WRITER).unlink(missing_ok=True)
        for lease in self._leases:
            lease.release()
        self._leases.clear()
        del self._ox
