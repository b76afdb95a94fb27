"""Loading and validating data files: all or nothing, every problem reported with file and line.

Referential integrity is the store's promise. A load that would remove provisions that other content still
points at (a framework reloaded with fewer provisions while mapping sets name the missing ones) is refused
with the list of what would dangle, unless the caller asks to drop the dependent mappings, which are then
reported. A framework or mapping set already in the store is only changed on request (`overwrite`), and
the refusal says what the load would change; loading the same content again is a no-op.

A load is one change like any other: it commits through the unit of work, at the revision its checks read,
with one audit entry that names the files, their digest and the counts (a load that changes nothing writes
nothing, and no entry).
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Unpack
from urllib.parse import unquote

from core.errors import DataError, Problem, ReadOnlyStoreError
from core.records import GraphBatch, Node
from graph.read.catalog_queries import CatalogQueries
from graph.read.organisation_index import record_digest
from graph.read.read_model import Snapshot
from graph.views.read import LoadReport, ProgressCallback, no_progress
from graph.views.write import Actor, LoadOptions
from graph.write.ingest import Ingest, RefResolver
from graph.write.kinds import FileKind, Kinds
from graph.write.unit_of_work import UnitOfWork, UnitsOfWork
from loaders.bundle import bundled_paths
from loaders.files import IMPORT_FORMATS, ImportFormat, read_data_files
from loaders.limits import DEFAULT_LIMITS, InputLimits
from loaders.yaml_source import SourceDocument
from mappings.relations import Relation, invert
from ontology.namespaces import framework_iri
from ontology.rdf import nodes_to_triples
from ontology.terms import LINK_TERMS, RELATIONS_BY_IRI
from ontology.validate import to_rdflib, validate_graph

_ORGANISATION_KEYS = ("organisation", "assets of")  # what `_incoming` files an organisation's records under


def _describe(iri: str) -> str:
    """A record of an organisation in words ("evidence ev-1 of acme"), for messages."""
    parts = iri.split("/org/", 1)[-1].split("/")
    if len(parts) >= 3:
        return f"{parts[1]} {unquote('/'.join(parts[2:]))} of {unquote(parts[0])}"
    return iri.rsplit("/", 1)[-1]


KEPT_ON_REPLACE = ("ApiKey", "AuditEntry", "Webhook")
"""Records no data file defines: a replacing load keeps them."""


@dataclass(slots=True)
class _Plan:
    """What a non-replacing write removes, and what it would leave dangling."""

    deletes: list[str] = field(default_factory=list)
    dangling: dict[str, list[str]] = field(default_factory=dict)  # removed node → nodes still pointing at it


LOADER = Actor("cli", name="load")
"""Who a load is recorded as when the caller names nobody."""
FIRST_FILL = Actor("system", name="first fill")
"""Who the bundled data's first load into an empty store is recorded as: whichever command or server opened the
store first, the product did it, not a `load` someone ran."""


def files_digest(paths: Sequence[Path]) -> str:
    """SHA-256 over the files' names and bytes, in load order: what the audit entry says was loaded."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()


class Loader:
    """Loads files through the unit of work. `formats` and `kinds` add to the built-in ones (see
    `graph.write.kinds`): a new format is one class."""

    def __init__(
        self,
        units: UnitsOfWork,
        limits: InputLimits = DEFAULT_LIMITS,
        *,
        formats: Iterable[ImportFormat] = (),
        kinds: Iterable[FileKind[Any]] = (),
    ) -> None:
        self._units = units
        self._store = units.store
        self._read_model = units.read_model
        self._limits = limits
        self._formats: dict[str, ImportFormat] = {**IMPORT_FORMATS, **{f.name: f for f in formats}}
        self._kinds = Kinds(kinds)

    @property
    def formats(self) -> list[str]:
        """The import formats' names."""
        return list(self._formats)

    def _read_file(self, path: Path, fmt: str | None) -> Sequence[tuple[SourceDocument, object]]:
        if fmt is None:
            return read_data_files(path, self._limits)
        found = self._formats.get(fmt)
        if found is None:
            raise DataError([Problem(str(path), f"unknown format {fmt!r}; known: {', '.join(self._formats)}")])
        return found.read(path, self._limits)

    # -- reading and checking ------------------------------------------------------------------------------
    def _ingest(
        self,
        paths: Sequence[Path],
        progress: ProgressCallback,
        snapshot: Snapshot,
        replace: bool = False,
        fmt: str | None = None,
    ) -> Ingest:
        """Read and check every file; collect all problems before giving up, so one run shows them all.

        Catalogs are taken first, so that the other files in the same load can name their provisions; without
        `replace`, frameworks already in the store count too.
        """
        ingest = Ingest(progress=progress)
        problems: list[Problem] = []
        parsed_files: list[tuple[SourceDocument, object, FileKind[Any]]] = []
        bundled = set(bundled_paths()) if fmt else set()  # the bundled data is always read as itself
        for done, path in enumerate(paths):
            progress("reading", done, len(paths))
            try:
                for doc, parsed in self._read_file(path, None if path in bundled else fmt):
                    parsed_files.append((doc, parsed, self._kinds.of(parsed, doc)))
            except DataError as error:
                problems.extend(error.problems)
        progress("reading", len(paths), len(paths))
        refs = RefResolver()
        if not replace:
            for framework, views in snapshot.catalog.by_framework.items():
                refs.add_framework(framework, (v.ref for v in views))
        seen: dict[tuple[str, str], str] = {}
        parsed_files.sort(key=lambda item: item[2].order)
        parsed_files.reverse()  # popped from the end: catalogs first, files of a kind in the order given
        while parsed_files:  # popped as they are added: a 100,000-asset file's models are freed as soon as used
            doc, parsed, kind = parsed_files.pop()
            key = kind.defines(parsed)
            if key in seen:
                problems.append(doc.problem((), f"{key[0]} {key[1]!r} is also defined in {seen[key]}"))
                continue
            seen[key] = doc.file
            kind.add(ingest, parsed, doc, refs)
            problems.extend(doc.problems)
            doc.data = None  # the raw document, which the records now replace
            del parsed
        if not problems:
            problems.extend(self._contradictions(ingest, snapshot, replace))
        if problems:
            raise DataError(problems)
        return ingest

    def _contradictions(self, ingest: Ingest, snapshot: Snapshot, replace: bool) -> list[Problem]:
        """Pairs that two mappings describe differently (A `subset` B but B `subset` A, and the like).

        Read in one direction, every mapping between the same two provisions must say the same relation.
        """
        said: dict[tuple[str, str], tuple[str, str, str | None, int | None]] = {}
        problems: list[Problem] = []
        incoming_sets = set(ingest.mapping_set_ids)
        existing = (
            [] if replace else [m for m in snapshot.mappings.mappings if m.provenance.mapping_set not in incoming_sets]
        )
        statements: list[tuple[str, str, str, str, str | None, int | None]] = [
            (m.source, m.target, m.relation.value, m.provenance.mapping_set, None, None)
            for m in existing
            if m.relation is not Relation.NO_RELATIONSHIP
        ]
        for node in ingest.batch:
            if "Mapping" not in node.labels:
                continue
            relation = RELATIONS_BY_IRI.get(node.link("RELATION") or "")
            if relation is None or relation is Relation.NO_RELATIONSHIP:
                continue
            origin_file, origin_line = ingest.origins.get(node.id, ("<data>", None))
            statements.append(
                (
                    node.link("SOURCE") or "",
                    node.link("TARGET") or "",
                    relation.value,
                    origin_file,
                    origin_file,
                    origin_line,
                )
            )
        label = CatalogQueries(snapshot).label
        for source, target, stated, where, file, line in statements:
            forward = source <= target
            key = (source, target) if forward else (target, source)
            reading = stated if forward else invert(Relation(stated)).value
            if key not in said:
                said[key] = (reading, where, file, line)
                continue
            earlier, earlier_where, _, earlier_line = said[key]
            if earlier != reading:
                a, b = (label(x) for x in key)
                first = f"{earlier_where}" + (f":{earlier_line}" if earlier_line else "")
                problems.append(
                    Problem(
                        file or where,
                        f"contradictory mappings: {a} {reading} {b} here, but {a} {earlier} {b} in {first}",
                        line=line,
                    )
                )
        return problems

    def _shacl_problems(self, ingest: Ingest, progress: ProgressCallback) -> list[Problem]:
        """SHACL over the batch's records that no validated model vouches for (see `graph.write.kinds`).

        An organisation's records and a mapping set (its header and mappings) are left to their models and
        reference checks: pyshacl took 26 s for 10,000 assets and 107 s for a 5,000-pair mapping collection,
        and the bundled data's export (its organisation and mappings too) is SHACL-checked in the tests, so
        the models and the shapes cannot drift apart. Graph exports still check everything.
        """
        progress("validating shapes", 0, 1)
        checked = [node for node in ingest.batch if node.id not in ingest.vouched]
        if not checked:  # everything vouched for (a mapping set, an inventory): no graph to build, no pyshacl
            progress("validating shapes", 1, 1)
            return []
        data = to_rdflib(nodes_to_triples(checked))
        in_batch = {node.id for node in checked}
        linked = {t for node in checked for targets in node.links.values() for t in targets} - in_batch
        context = self._store.get(linked) if linked else {}
        to_rdflib(nodes_to_triples(context.values()), data)
        problems = []
        for violation in validate_graph(data):
            if violation.focus not in in_batch:
                continue
            file, line = ingest.origins.get(violation.focus, ("<data>", None))
            where = f"{violation.focus.rsplit('/', 1)[-1]}" + (f" {violation.path}" if violation.path else "")
            problems.append(Problem(file, f"shape violation: {violation.message}", line=line, path=where))
        progress("validating shapes", 1, 1)
        return problems

    def read(self, paths: Sequence[Path], progress: ProgressCallback = no_progress, fmt: str | None = None) -> Ingest:
        """Parse and validate files into records against the current content, without the SHACL check."""
        return self._ingest(paths, progress, self._read_model.snapshot(), fmt=fmt)

    def check(self, paths: Sequence[Path], progress: ProgressCallback = no_progress, fmt: str | None = None) -> Ingest:
        """Parse, validate and SHACL-check files without writing; raise DataError listing every problem."""
        ingest = self.read(paths, progress, fmt)
        problems = self._shacl_problems(ingest, progress)
        if problems:
            raise DataError(problems)
        return ingest

    def validate(self, paths: Sequence[Path] | None = None, progress: ProgressCallback = no_progress) -> list[Problem]:
        """Every problem in the files (default: the bundled data); an empty list means all is valid."""
        try:
            self.check(list(paths) if paths else bundled_paths(), progress)
        except DataError as error:
            return error.problems
        return []

    # -- writing -------------------------------------------------------------------------------------------
    def load(
        self,
        paths: Iterable[Path] = (),
        *,
        progress: ProgressCallback = no_progress,
        actor: Actor = LOADER,
        **options: Unpack[LoadOptions],
    ) -> LoadReport:
        """Load files in one transaction. Nothing is written unless every file is valid.

        Without `replace`, each framework or mapping set in the files replaces its earlier version (which
        takes `overwrite` when it differs) and the rest of the store stays; with `replace`, the files become
        the whole content.
        """
        started = time.perf_counter()
        self._require_writable()
        replace = options.get("replace", False)
        files = list(paths)
        if options.get("include_bundled", False) or not files:
            files = bundled_paths() + files
        with self._units.start() as uow:
            snapshot = self._read_model.snapshot()
            ingest = self._ingest(files, progress, snapshot, replace, options.get("fmt"))
            return self._write_checked(
                uow,
                actor,
                ingest,
                snapshot,
                replace=replace,
                overwrite=options.get("overwrite", False),
                drop_dangling=options.get("drop_dangling", False),
                progress=progress,
                files=files,
                started=started,
            )

    def _require_writable(self) -> None:
        if not self._store.capabilities.writable:
            raise ReadOnlyStoreError(
                "the store is held for writing by another process (is `aimsgraph serve` running?); "
                "stop it, or write through that process"
            )

    def _write_checked(
        self,
        uow: UnitOfWork,
        actor: Actor,
        ingest: Ingest,
        snapshot: Snapshot,
        *,
        replace: bool,
        overwrite: bool,
        drop_dangling: bool,
        progress: ProgressCallback,
        files: Sequence[Path],
        started: float,
    ) -> LoadReport:
        """SHACL-check an ingest and commit it in `uow` with its audit entry, or raise DataError and write
        nothing."""
        problems = self._shacl_problems(ingest, progress)
        if problems:
            raise DataError(problems)
        batch = GraphBatch(nodes=list(ingest.batch))
        dropped: list[str] = []
        if not replace:
            incoming, held = self._incoming(ingest), self._old_content(snapshot)
            digests = self._organisation_digests(incoming, snapshot)
            known = snapshot.organisations.digests
            changes = self._changes(incoming, held, digests, known)  # one read of what the load would replace
            if len(changes) == len(incoming) and all(change == (0, 0, 0) for change in changes.values()):
                return self._report(ingest, files, snapshot.revision, started, unchanged=True)
            if not overwrite:
                refused = self._overwrite_problems(ingest, changes)
                if refused:
                    raise DataError(refused)
            plan = self._plan(ingest, incoming, held)
            if plan.dangling:
                dropped = self._resolve_dangling(ingest, snapshot, plan, drop_dangling)
            batch.deletes.extend(plan.deletes)
            unchanged = {iri for iri, digest in digests.items() if known.get(iri) == digest}
            batch.nodes = [node for node in batch.nodes if node.id not in unchanged]
        written, removed = len(batch.nodes), len(batch.deletes)
        if replace:  # the whole content is replaced, but not who may write nor the record of what was written
            batch.nodes.extend(node for label in KEPT_ON_REPLACE for node in uow.nodes(label))
            uow.replace_all()
        organisations = list(ingest.organisation_ids)
        uow.record(
            actor,
            operation="load",
            kind="load",
            target=", ".join(path.name for path in files) if len(files) <= 3 else f"{len(files)} files",
            organisation=organisations[0] if len(organisations) == 1 else None,
            before=None,
            after={
                "files": [str(path) for path in files],
                "digest": files_digest(files),
                "replaced": replace,
                "records": len(ingest.batch),
                "written": written,
                "removed": removed,
                "frameworks": list(ingest.framework_ids),
                "mapping_sets": list(ingest.mapping_set_ids),
                "organisations": organisations,
                "dropped": dropped,
            },
            nodes=batch.nodes,
            deletes=batch.deletes,
        )
        progress("writing", 0, 1)
        revision = uow.commit(uow.revision)[0].sequence
        progress("writing", 1, 1)
        return self._report(ingest, files, revision, started, replaced=replace, dropped=dropped)

    @staticmethod
    def _report(
        ingest: Ingest,
        files: Sequence[Path],
        revision: int,
        started: float,
        *,
        replaced: bool = False,
        dropped: Sequence[str] = (),
        unchanged: bool = False,
    ) -> LoadReport:
        return LoadReport(
            files=tuple(str(f) for f in files),
            frameworks=tuple(ingest.framework_ids),
            mapping_sets=tuple(ingest.mapping_set_ids),
            timelines=tuple(ingest.timeline_ids),
            organisations=tuple(ingest.organisation_ids),
            nodes=0 if unchanged else len(ingest.batch),
            replaced=replaced,
            revision=revision,
            seconds=time.perf_counter() - started,
            dropped=tuple(dropped),
            unchanged=unchanged,
        )

    # -- what an update replaces ---------------------------------------------------------------------------
    @staticmethod
    def _old_content(snapshot: Snapshot) -> dict[tuple[str, str], list[str]]:
        """The node ids each thing a file can define holds now: keyed ("framework" | "set" | "timeline" |
        "rules" | "organisation" | "assets of", id), as `_incoming` keys what a load brings."""
        held: dict[tuple[str, str], list[str]] = defaultdict(list)
        for fid, views in snapshot.catalog.by_framework.items():
            held[("framework", fid)] = [framework_iri(fid), *(v.iri for v in views)]
        for set_id, found in snapshot.mappings.sets.items():
            held[("set", set_id)].append(found.iri)
        for mapping in snapshot.mappings.mappings:
            held[("set", mapping.provenance.mapping_set)].append(mapping.id)
        for fid, node_ids in snapshot.timeline.node_ids.items():
            held[("timeline", fid)] = list(node_ids)
        for org, node_ids in snapshot.organisations.node_ids.items():
            held[("organisation", org)] = list(node_ids)
        for (org, _), asset in snapshot.organisations.assets.items():
            held[("assets of", org)].append(asset.iri)
        for org, view in snapshot.organisations.organisations.items():
            held[("assets of", org)].append(view.iri)
        for fid, rules in snapshot.rules.by_framework.items():
            held[("rules", fid)] = [rule.iri for rule in rules]
        return held

    def _incoming(self, ingest: Ingest) -> dict[tuple[str, str], dict[str, Node]]:
        grouped: dict[tuple[str, str], dict[str, Node]] = defaultdict(dict)
        framework_of = {
            framework_iri(fid): fid for fid in [*ingest.framework_ids, *ingest.timeline_ids, *ingest.rule_framework_ids]
        }
        sets_by_iri = {node.id: str(node.prop("identifier")) for node in ingest.batch if "MappingSet" in node.labels}
        orgs_by_iri = {node.id: str(node.prop("identifier")) for node in ingest.batch if "Organisation" in node.labels}
        for node in ingest.batch:
            if "Framework" in node.labels:
                grouped[("framework", framework_of[node.id])][node.id] = node
            elif "Provision" in node.labels:
                grouped[("framework", framework_of[node.link("IN_FRAMEWORK") or ""])][node.id] = node
            elif "MappingSet" in node.labels:
                grouped[("set", sets_by_iri[node.id])][node.id] = node
            elif "Mapping" in node.labels:
                grouped[("set", sets_by_iri[node.link("IN_MAPPING_SET") or ""])][node.id] = node
            elif "Organisation" in node.labels:
                org = str(node.prop("identifier"))
                grouped[(self._org_key(ingest, org), org)][node.id] = node
            elif node.link("IN_ORGANISATION"):
                org = orgs_by_iri.get(node.link("IN_ORGANISATION") or "", "?")
                grouped[(self._org_key(ingest, org), org)][node.id] = node
            elif "ApplicabilityRule" in node.labels:
                grouped[("rules", framework_of.get(node.link("IN_FRAMEWORK") or "", "?"))][node.id] = node
            elif "LegalAct" in node.labels or "DateRule" in node.labels:
                grouped[("timeline", framework_of.get(node.link("IN_FRAMEWORK") or "", "?"))][node.id] = node
        return grouped

    @staticmethod
    def _org_key(ingest: Ingest, org: str) -> str:
        """An asset sheet replaces an organisation's assets; an inventory replaces all its facts."""
        return "assets of" if org in ingest.asset_sheet_ids else "organisation"

    @staticmethod
    def _organisation_digests(
        incoming_by_key: dict[tuple[str, str], dict[str, Node]], snapshot: Snapshot
    ) -> dict[str, str]:
        """The digest of each incoming record of an organisation already indexed.

        Why: an organisation may hold 100,000 records; comparing digests with the index finds the few that
        changed without reading the stored records back (~25 s from disk at that size), and only those are
        written.
        """
        known = snapshot.organisations.digests
        return {
            node_id: record_digest(node)
            for key, incoming in incoming_by_key.items()
            if key[0] in _ORGANISATION_KEYS
            for node_id, node in incoming.items()
            if node_id in known
        }

    def _changes(
        self,
        incoming_by_key: dict[tuple[str, str], dict[str, Node]],
        held: dict[tuple[str, str], list[str]],
        digests: dict[str, str],
        known: dict[str, str],
    ) -> dict[tuple[str, str], tuple[int, int, int]]:
        """For each framework, set, timeline, rule file or organisation already in the store: (added, removed,
        changed) nodes if loaded. Organisations compare digests; the rest (small) read the stored nodes."""
        changes: dict[tuple[str, str], tuple[int, int, int]] = {}
        for key, incoming in incoming_by_key.items():
            if key not in held:
                continue
            old_ids = held[key]
            if key[0] in _ORGANISATION_KEYS:
                old = set(old_ids)
                added = sum(1 for node_id in incoming if node_id not in old)
                changed = sum(
                    1 for node_id in incoming if node_id in old and digests.get(node_id) != known.get(node_id)
                )
            else:
                stored = self._store.get(old_ids)
                added = sum(1 for node_id in incoming if node_id not in stored)
                changed = sum(1 for node_id, node in incoming.items() if node_id in stored and stored[node_id] != node)
            removed = sum(1 for node_id in old_ids if node_id not in incoming)
            changes[key] = (added, removed, changed)
        return changes

    def _overwrite_problems(
        self, ingest: Ingest, changes: dict[tuple[str, str], tuple[int, int, int]]
    ) -> list[Problem]:
        problems = []
        for (what, item_id), (added, removed, changed) in sorted(changes.items()):
            if (added, removed, changed) == (0, 0, 0) or what in ("organisation", "assets of"):
                continue  # an organisation's own inventory replaces its facts without asking
            noun = {
                "framework": "framework",
                "set": "mapping set",
                "timeline": "the timeline of",
                "rules": "the applicability rules of",
            }[what]
            file, line = self._origin(ingest, what, item_id)
            problems.append(
                Problem(
                    file,
                    f"{noun} {item_id!r} is already in the store; loading this file would replace it "
                    f"({added} added, {removed} removed, {changed} changed nodes). Load with --overwrite to do so",
                    line=line,
                )
            )
        return problems

    @staticmethod
    def _origin(ingest: Ingest, what: str, item_id: str) -> tuple[str, int | None]:
        """The file and line that brought a framework, mapping set or timeline into this load."""
        for node in ingest.batch:
            if (
                (what == "framework" and node.id == framework_iri(item_id))
                or (what == "set" and "MappingSet" in node.labels and node.prop("identifier") == item_id)
                or (
                    what == "timeline"
                    and "LegalAct" in node.labels
                    and node.link("IN_FRAMEWORK") == framework_iri(item_id)
                )
                or (
                    what == "rules"
                    and "ApplicabilityRule" in node.labels
                    and node.link("IN_FRAMEWORK") == framework_iri(item_id)
                )
            ):
                return ingest.origins.get(node.id, ("<data>", None))
        return "<data>", None

    def _plan(
        self,
        ingest: Ingest,
        incoming: dict[tuple[str, str], dict[str, Node]],
        held: dict[tuple[str, str], list[str]],
    ) -> _Plan:
        incoming_ids = {node.id for node in ingest.batch}
        plan = _Plan()
        for key in incoming:
            plan.deletes.extend(node_id for node_id in held.get(key, ()) if node_id not in incoming_ids)
        removed = set(plan.deletes)
        if not removed:
            return plan
        for link in LINK_TERMS:
            for target, referrers in self._store.referrers(removed, link.name).items():
                left = [r for r in referrers if r not in removed and r not in incoming_ids]
                if left:
                    plan.dangling.setdefault(target, []).extend(left)
        return plan

    def _resolve_dangling(self, ingest: Ingest, snapshot: Snapshot, plan: _Plan, drop: bool) -> list[str]:
        """Drop the mappings that would dangle (when asked), or refuse the load naming every one."""
        mapping_by_id = {m.id: m for m in snapshot.mappings.mappings}
        set_of = {m.id: m.provenance.mapping_set for m in snapshot.mappings.mappings}
        by_iri = snapshot.catalog.by_iri
        name = CatalogQueries(snapshot).label

        problems: list[Problem] = []
        dropped: list[str] = []
        for target, referrers in sorted(plan.dangling.items()):
            view = by_iri.get(target)
            label = name(target) if view else _describe(target)
            file = next(iter(ingest.origins.values()), ("<data>", None))[0]
            if view is not None:
                file = ingest.origins.get(framework_iri(view.framework), (file, None))[0]
            not_mappings = [r for r in referrers if r not in set_of]
            if drop and not not_mappings:
                plan.deletes.extend(referrers)
                dropped.extend(
                    f"{set_of[r]}: {name(mapping_by_id[r].source)} → {name(mapping_by_id[r].target)}" for r in referrers
                )
                continue
            counts: dict[str, int] = defaultdict(int)
            for referrer in referrers:
                counts[set_of[referrer] if referrer in set_of else _describe(referrer)] += 1
            pointing = ", ".join(
                f"{n} in {where}" if where in set_of.values() else where for where, n in sorted(counts.items())
            )
            advice = (
                "load those mapping sets' new versions in the same command, or load with --drop-dangling to remove "
                "the mappings that point at removed provisions"
                if not not_mappings
                else "change or remove what still names it first"
            )
            problems.append(
                Problem(
                    file,
                    f"{label} would be removed, but {len(referrers)} record(s) still point at it ({pointing}); "
                    + advice,
                )
            )
        if problems:
            raise DataError(problems)
        plan.dangling.clear()
        return sorted(dropped)

    def ensure_bootstrapped(self, progress: ProgressCallback = no_progress) -> LoadReport | None:
        """Fill an empty store from the bundled data; a store with content is left alone."""
        if not self._store.is_empty():
            return None
        return self.load(progress=progress, include_bundled=True, replace=True, actor=FIRST_FILL)
