"""The sync: the embedded store's content, and the engine's derived answers, copied into a Neo4j database.

What goes across, in ONE transaction (so a sync killed midway leaves the database as the previous sync left it,
and a rerun ends identical to a clean sync):
- every record, by stable id: new ones created, changed ones rewritten, unchanged ones left alone (content
  hash), and records no longer in the source removed; each mapping's `MAPS_TO` edge with them;
- derived relationships the engine computes and the store does not hold, marked `derived: true` and dated
  with the sync's day (docs/neo4j.md): inferred crosswalk edges (`INFERRED_MAPS_TO {path, via, …}`, their own
  type, so `MAPS_TO` is curated only) for every ordered pair of frameworks; each asset's obligations
  (`(:Asset)-[:SUBJECT_TO {…}]->(:Provision)`), with the addressee, the reasons, and the evidence status as
  of that day, organisation-wide ones once, from the organisation; and each organisation's coverage verdicts
  (`(:Organisation)-[:COVERAGE {have, want, status, …}]->(:Provision)`), the one coverage definition;
- derived provision properties: `framework`, a display `name`, and the dates per scope as the law stands
  on the sync's day beside the original ones.

Why derived obligations rather than Cypher over stored facts: which provisions apply to an asset is decided
by the applicability rules, facts taken in through `uses` and the statement of applicability — logic that
lives once, in `graph.read.obligations`. Re-stating it in Cypher would make two engines that drift apart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from core.errors import UsageError
from core.records import GraphBatch
from core.vocabulary import SCOPES
from graph.read.answers import Answers
from graph.read.organisation_index import record_digest
from graph.read.read_model import ReadModel
from graph.stores.neo4j import Neo4jStore, WriteStats
from graph.stores.neo4j_cypher import DATE_SCOPE_SUFFIXES
from graph.stores.protocol import Store
from graph.views.read import ObligationView
from graph.views.write import Actor
from graph.write.audit import AuditLog
from graph.write.unit_of_work import UnitsOfWork

SYNC_OPERATION = "sync"

ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What a sync did: counts of records and relationships, and how long it took."""

    target: str
    server: str
    revision: int
    records: int
    created: int
    updated: int
    removed: int
    unchanged: int
    links: int
    mappings: int  # asserted MAPS_TO edges (one per mapping between provisions)
    inferred: int  # INFERRED_MAPS_TO edges
    obligations: int  # SUBJECT_TO edges
    coverage: int  # COVERAGE edges (verdicts)
    as_of: dt.date
    seconds: float


@dataclass(frozen=True, slots=True)
class CrosswalkEdges:
    """What the sync materialises of the crosswalks, worked out in one pass over every ordered pair of
    frameworks (each pair's crosswalk asked once): the inferred edges, the counts per pair, the counts per
    provision."""

    inferred: list[dict[str, Any]]  # INFERRED_MAPS_TO rows {source, target, props}
    counts: list[dict[str, Any]]  # CROSSWALK rows between frameworks
    links: dict[str, dict[str, Any]]  # per provision IRI: curatedLinks, inferredLinks, curatedReaches, reaches


def crosswalk_edges(answers: Answers) -> CrosswalkEdges:
    """Every inferred crosswalk edge between two provisions (`INFERRED_MAPS_TO`), and the counts the heavy
    reports read instead of grouping 70,000 edges at query time (2.3 s on ArcadeDB): per ordered pair of
    frameworks, `(:Framework)-[:CROSSWALK {asserted, inferred}]->(:Framework)`, each a list of 11 counts, the
    k-th the edges of strength k or more (no strength counts as 0), for `mapping-counts-by-framework-pair`; per
    provision, how many curated and inferred edges touch it (either direction) and which frameworks they reach,
    for `most-linked-provisions`. The curated edges counted are the store's `MAPS_TO` (one per asserted mapping
    between two provisions, read the way it was asserted)."""
    frameworks = list(answers.catalog.frameworks())
    inferred: list[dict[str, Any]] = []
    counts: list[dict[str, Any]] = []
    links: dict[str, dict[str, Any]] = {}

    def touch(end: str, kind: str, reached: str) -> None:
        entry = links.get(end)
        if entry is None:
            entry = links[end] = {"curatedLinks": 0, "inferredLinks": 0, "curated": set(), "all": set()}
        entry[kind] += 1
        entry["all"].add(reached)
        if kind == "curatedLinks":
            entry["curated"].add(reached)

    for source in frameworks:
        for target in frameworks:
            if source.id == target.id:
                continue
            pair = {"asserted": [0] * 11, "inferred": [0] * 11}
            for view in answers.crosswalks.crosswalk(source.id, target.id, include_inferred=True):
                if view.target is None or (view.inverted and not view.inferred):
                    continue  # a "no counterpart" record; a mapping asserted the other way (counted there)
                kind = "inferred" if view.inferred else "asserted"
                for k in range(min(view.strength or 0, 10) + 1):
                    pair[kind][k] += 1
                touch(view.source.iri, f"{'inferred' if view.inferred else 'curated'}Links", target.id)
                touch(view.target.iri, f"{'inferred' if view.inferred else 'curated'}Links", source.id)
                if not view.inferred:
                    continue
                props: dict[str, Any] = {
                    "relation": view.relation,
                    "sourceFramework": source.id,
                    "targetFramework": target.id,
                    "path": [step.iri for step in view.path],  # the provisions it composes, source first
                    "via": [f"{step.framework}:{step.ref}" for step in view.path],
                    "hops": len(view.path) - 1,
                    "reviewStatus": view.review_status,
                }
                if view.strength is not None:
                    props["strength"] = view.strength
                inferred.append({"source": view.source.iri, "target": view.target.iri, "props": props})
            if any(pair["asserted"]) or any(pair["inferred"]):
                counts.append(
                    {
                        "source": source.iri,
                        "target": target.iri,
                        "props": {"sourceFramework": source.id, "targetFramework": target.id, **pair},
                    }
                )
    per_provision = {
        iri: {
            "curatedLinks": e["curatedLinks"],
            "inferredLinks": e["inferredLinks"],
            "curatedReaches": sorted(e["curated"]),
            "reaches": sorted(e["all"]),
        }
        for iri, e in links.items()
    }
    return CrosswalkEdges(inferred, counts, per_provision)


def obligation_edges(answers: Answers, as_of: dt.date, progress: ProgressCallback) -> list[dict[str, Any]]:
    """Each asset's obligations, as the engine answers `aimsgraph obligations ASSET` on `as_of`.

    An organisation-wide obligation (a management-system clause, an Annex A control: met once for the whole
    scope, its evidence status the same for every asset) becomes one edge from the organisation, with the
    number of assets it reaches, instead of one per asset: in a generated organisation they are 94% of all
    obligations, and one edge per asset made 2.4 million edges for 10,000 assets.
    """
    rows: list[dict[str, Any]] = []
    for org in answers.organisation.organisations():
        assets = answers.organisation.assets(org.id)
        shared: dict[str, dict[str, Any]] = {}
        for done, asset in enumerate(assets, start=1):
            found = answers.organisation.obligations(asset.id, org=org.id, as_of=as_of)
            for obligation in found.obligations:
                props = _obligation_props(obligation, as_of)
                if not obligation.organisation_wide:
                    rows.append({"source": asset.iri, "target": obligation.provision.iri, "props": props})
                    continue
                row = shared.setdefault(
                    obligation.provision.iri,
                    {"source": org.iri, "target": obligation.provision.iri, "props": {**props, "assets": 0}},
                )
                merged = row["props"]
                merged["assets"] += 1
                merged["rules"] = sorted(set(merged["rules"]) | set(props["rules"]))
            if done % 100 == 0 or done == len(assets):
                progress(f"working out obligations ({org.id})", done, len(assets))
        rows.extend(shared[key] for key in sorted(shared))
    return rows


def _obligation_props(obligation: ObligationView, as_of: dt.date) -> dict[str, Any]:
    provision = obligation.provision
    props: dict[str, Any] = {
        "framework": provision.framework,
        "addressee": obligation.addressee,
        "status": obligation.status,
        "voluntary": obligation.voluntary,
        "organisationWide": obligation.organisation_wide,
        "inForce": obligation.dates.in_force,
        "standing": obligation.standing,  # "in force since …", "voluntary" …: the CLI's and GraphQL's words
        "rules": sorted({reason.rule for reason in obligation.reasons}),  # the reasons: ApplicabilityRule nodes
        "evidence": [match.evidence.id for match in obligation.evidence],
        "asOf": as_of,
    }
    if obligation.dates.applies_from is not None:
        props["appliesFrom"] = obligation.dates.applies_from
    props["conditional"] = obligation.conditional
    if obligation.conditions:
        props["conditions"] = list(obligation.conditions)  # "applies if": each one alternative
    if obligation.amended_by:
        props["amendedBy"] = obligation.amended_by
    if obligation.uncertainty:
        props["uncertainActs"] = sorted({u.split(":", 1)[0] for u in obligation.uncertainty})
    return props


def provision_props(
    answers: Answers, as_of: dt.date, links: dict[str, dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """What an analyst reads on a provision node without a join: its framework, a display name (Browser and
    Bloom captions), and when it applies, per scope, as the law stands on `as_of` beside what the law as first
    published said (`aimsgraph provision … --scope`)."""
    rows: list[dict[str, Any]] = []
    for framework in answers.catalog.frameworks():
        for view in answers.catalog.provisions(framework.id):
            props: dict[str, Any] = {
                "framework": framework.id,
                "name": f"{framework.name} {view.ref}" + (f" {view.title}" if view.title else ""),
            }
            for scope in SCOPES:
                dates = answers.catalog.dates(view, scope=scope, as_of=as_of)
                if dates.applies_from is None:
                    continue
                suffix = "" if scope == "all" else DATE_SCOPE_SUFFIXES[scope]
                props[f"appliesFrom{suffix}"] = dates.applies_from
                if dates.original is not None:
                    props[f"originalAppliesFrom{suffix}"] = dates.original
                if scope == "all":
                    props["inForce"] = dates.in_force
                    props["datesAsOf"] = as_of
                    if dates.amended and dates.rule is not None:
                        props["amendedBy"] = dates.rule.act.id
            props.update((links or {}).get(view.iri, {"curatedLinks": 0, "inferredLinks": 0}))
            rows.append({"iri": view.iri, "props": props})
    return rows


def coverage_edges(answers: Answers, as_of: dt.date) -> list[dict[str, Any]]:
    """Each organisation's coverage verdicts, for every ordered pair of frameworks it implements controls of:
    `(:Organisation)-[:COVERAGE {have, want, status, because}]->(:Provision)`, the same verdicts as
    `aimsgraph coverage --org` and GraphQL's `coverage(org:)` (graph.read.obligations), so the Cypher coverage
    reports read them rather than define coverage a second time."""
    rows: list[dict[str, Any]] = []
    frameworks = [f.id for f in answers.catalog.frameworks()]
    for org in answers.organisation.organisations():
        for have in frameworks:
            for want in frameworks:
                if have == want:
                    continue
                try:
                    result = answers.organisation.coverage(want, have=have, org=org.id, as_of=as_of)
                except UsageError:
                    continue  # the organisation implements no control of `have`
                for verdict in result.verdicts:
                    props: dict[str, Any] = {
                        "have": have,
                        "want": want,
                        "status": verdict.status,
                        "because": [f"{m.source.framework}:{m.source.ref} {m.relation}" for m in verdict.because],
                        "restsOnExpired": verdict.rests_on_expired,
                    }
                    rows.append({"source": org.iri, "target": verdict.unit.iri, "props": props})
    return rows


SYNCER = Actor("cli", name="neo4j sync")
"""Who a sync is recorded as when the caller names nobody."""


def batch_digest(batch: GraphBatch) -> str:
    """SHA-256 over the records' ids and content digests, in id order: what the sync's audit entry says it
    copied (two syncs of the same content have the same digest)."""
    digest = hashlib.sha256()
    for node in sorted(batch.nodes, key=lambda n: n.id):
        digest.update(f"{node.id}\0{record_digest(node)}\n".encode())
    return digest.hexdigest()


def _audited_sync(
    source: Store,
    target: Neo4jStore,
    batch: GraphBatch,
    derived: dict[str, list[dict[str, Any]]],
    *,
    actor: Actor,
    progress: ProgressCallback,
    provisions: list[dict[str, Any]],
) -> WriteStats:
    """The sync's bookkeeping as a change like any other: one unit of work on the target, committed at the
    revision it read, with one audit entry (the source, its revision, the counts and the content's digest).

    Earlier syncs' entries are carried in the batch, so the database keeps the trail of its syncs while each
    sync still makes it hold exactly what the source holds (a sync removes only what syncs wrote).
    """
    units = UnitsOfWork(target, ReadModel(target), AuditLog(target))
    written: list[WriteStats] = []

    def write(records: GraphBatch, expected: int) -> int:
        stats = target.sync(records, derived, progress, provisions, expected_revision=expected)
        written.append(stats)
        return stats.revision

    with units.start() as uow:
        known = {node.id for node in batch.nodes}
        earlier = [
            node
            for node in uow.nodes("AuditEntry")
            if node.prop("operation") == SYNC_OPERATION and node.id not in known
        ]
        uow.record(
            actor,
            operation=SYNC_OPERATION,
            kind="sync",
            target=target.location,
            before=None,
            after={
                "source": source.name,
                "sourceRevision": source.revision,
                "records": len(batch),
                "digest": batch_digest(batch),
                "inferredMappings": len(derived.get("inferred_mappings", ())),
                "obligations": len(derived.get("obligations", ())),
            },
            nodes=[*batch.nodes, *earlier],
        )
        entries = uow.commit(uow.revision, write=write)
    if not written:  # committed, but its answer was lost (see `UnitOfWork.commit`): the counts are not known
        return WriteStats(entries[0].sequence, 0, 0, 0, 0, 0, {})
    stats = written[-1]
    # the report counts the source's records: the sync's own entry (and the trail it carries) are bookkeeping
    return replace(stats, created=stats.created - 1, unchanged=stats.unchanged - len(earlier))


def sync(
    source: Store,
    answers: Answers,
    target: Neo4jStore,
    *,
    obligations: bool = True,
    as_of: dt.date | None = None,
    progress: ProgressCallback,
    actor: Actor = SYNCER,
) -> SyncReport:
    """Copy `source` (read at the revision `answers` was taken at) and the derived answers into `target`."""
    started = time.perf_counter()
    day = as_of or dt.date.today()
    progress("reading the store", 0, 1)
    batch = GraphBatch(list(source.all_nodes()))
    progress("reading the store", 1, 1)
    crosswalks = crosswalk_edges(answers)
    derived = {
        "inferred_mappings": crosswalks.inferred,
        "crosswalk_counts": crosswalks.counts,
        # without obligations, none: the database then holds what a clean sync without them would
        "obligations": obligation_edges(answers, day, progress) if obligations else [],
        "coverage": coverage_edges(answers, day),
    }
    provisions = provision_props(answers, day, crosswalks.links)
    stats = _audited_sync(source, target, batch, derived, actor=actor, progress=progress, provisions=provisions)
    return SyncReport(
        target=target.location,
        server=target.dialect.describe(),
        revision=stats.revision,
        records=len(batch),
        created=stats.created,
        updated=stats.updated,
        removed=stats.removed,
        unchanged=stats.unchanged,
        links=stats.links,
        mappings=stats.derived.get("MAPS_TO", 0),
        inferred=stats.derived.get("inferred_mappings", 0),
        obligations=stats.derived.get("obligations", 0),
        coverage=stats.derived.get("coverage", 0),
        as_of=day,
        seconds=time.perf_counter() - started,
    )


def sync_to(
    source: Store,
    answers: Answers,
    uri: str,
    *,
    user: str | None,
    password: str | None,
    database: str | None,
    obligations: bool,
    as_of: dt.date | None,
    progress: ProgressCallback,
    actor: Actor = SYNCER,
) -> SyncReport:
    """Open the Neo4j database at `uri`, sync into it, close it."""
    target = Neo4jStore.open(uri, user=user, password=password, database=database)
    try:
        return sync(source, answers, target, obligations=obligations, as_of=as_of, progress=progress, actor=actor)
    finally:
        target.close()
