"""`aimsgraph neo4j sync` against a real ArcadeDB server: complete, idempotent, convergent after a deletion, and
atomic — a sync killed midway (the process, or the server) leaves the database as it was, and a rerun ends
identical to a clean sync."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import UsageError
from core.records import GraphBatch, Node
from graph.cypher.sync import SyncReport
from graph.service import Service
from graph.stores.embedded import EmbeddedStore
from graph.views.write import Actor
from tests.conftest import AIMSGRAPH, Cli, ProcessCli
from tests.support.arcadedb import ArcadeDB, start_arcadedb
from tests.support.fixtures import DEMO_DAY, DemoDatabase, fresh_database, graph_dump, open_neo4j, store_env


def credentials(server: ArcadeDB) -> dict[str, str]:
    """The environment that lets a sync log in, leaving AIMSGRAPH_STORE (the source) alone."""
    return {"AIMSGRAPH_NEO4J_USER": server.user, "AIMSGRAPH_NEO4J_PASSWORD": server.password}


pytestmark = [pytest.mark.integration, pytest.mark.slow]  # each sync of the bundled data takes seconds

OLD = Node("https://example.org/old", ("Framework",), {"framework_id": "old"})


@pytest.fixture
def source() -> Iterator[tuple[Service, EmbeddedStore]]:
    """A writable in-memory embedded store with the bundled data, for tests that change the source."""
    store = EmbeddedStore.open(None)
    service = Service(store)
    service.load(include_bundled=True, replace=True)
    yield service, store
    service.close()


def sync(service: Service, server: ArcadeDB, database: str) -> SyncReport:
    return service.sync_to_neo4j(
        server.uri, user=server.user, password=server.password, database=database, as_of=DEMO_DAY
    )


def test_the_demo_sync_holds_every_record_and_the_engines_obligations(
    neo4j_demo: DemoDatabase, bundled: Service, bundled_records: list[Node]
) -> None:
    store = neo4j_demo.open()

    # Every record but the audit trail, which is each store's own history (its load entry names its own files).
    def content(nodes: list[Node]) -> list[Node]:
        return sorted((n for n in nodes if "AuditEntry" not in n.labels), key=lambda n: n.id)

    assert content(list(store.all_nodes())) == content(bundled_records)
    answers = bundled.answers()
    found = [
        o
        for a in answers.organisation.assets()
        for o in answers.organisation.obligations(a.id, as_of=DEMO_DAY).obligations
    ]
    own = sum(1 for o in found if not o.organisation_wide)
    shared = {o.provision.iri for o in found if o.organisation_wide}  # once, from the organisation
    [count] = store.query("MATCH (a:Asset)-[o:SUBJECT_TO]->(:Provision) WHERE NOT a:Organisation RETURN count(o) AS n")
    assert count["n"] == own > 100
    [org] = store.query(
        "MATCH (:Organisation {id: 'northwind'})-[o:SUBJECT_TO]->(:Provision) "
        "RETURN count(o) AS n, collect(DISTINCT o.organisationWide) AS wide"
    )
    assert org == {"n": len(shared), "wide": [True]}
    [credit] = store.query(
        "MATCH (:Asset {id: 'credit-system'})-[o:SUBJECT_TO]->(p:Provision {ref: 'Article 22'}) "
        "WHERE o.framework = 'gdpr' "
        "RETURN o.status AS status, o.addressee AS addressee, o.evidence AS evidence, o.asOf AS asOf"
    )
    assert credit == {
        "status": "valid",
        "addressee": "controller",
        "evidence": ["ev-credit-contest"],
        "asOf": DEMO_DAY,
    }
    [literacy] = store.query(
        "MATCH (:Asset {id: 'credit-system'})-[o:SUBJECT_TO]->(p:Provision {ref: 'Article 4'}) "
        "RETURN o.conditional AS conditional, o.amendedBy AS amendedBy, o.uncertainActs AS uncertain"
    )
    assert literacy == {"conditional": False, "amendedBy": "digital-omnibus-ai", "uncertain": ["digital-omnibus-ai"]}
    # inferred mappings have their own type, with the path they compose; MAPS_TO is curated only
    [inferred] = store.query(
        "MATCH (s:Provision)-[r:INFERRED_MAPS_TO]->(t:Provision) WITH s, r, t LIMIT 1 "
        "RETURN r.path AS path, r.via AS via, r.hops AS hops, s.iri AS source, t.iri AS target"
    )
    assert inferred["hops"] >= 2 and len(inferred["path"]) == len(inferred["via"]) == inferred["hops"] + 1
    assert (inferred["path"][0], inferred["path"][-1]) == (inferred["source"], inferred["target"])
    [curated] = store.query("MATCH ()-[r:MAPS_TO]->() RETURN count(r) AS n, count(r.mapping) AS with_record")
    assert curated["n"] == curated["with_record"] > 0  # every MAPS_TO stands for a curated Mapping record
    # provisions carry their framework, a caption, and their dates per scope as the engine answers them
    article9 = answers.catalog.provision("eu-ai-act", "Article 9")
    [node] = store.query(
        "MATCH (p:Provision {framework: 'eu-ai-act', ref: 'Article 9'}) RETURN p.name AS name, "
        "p.appliesFrom AS appliesFrom, p.appliesFromAnnexIII AS annexIII, p.originalAppliesFromAnnexIII AS original, "
        "p.catalogAppliesFrom AS catalog"
    )
    scoped = answers.catalog.dates(article9, scope="annex_iii", as_of=DEMO_DAY)
    assert node == {
        "name": f"EU AI Act Article 9 {article9.title}",
        "appliesFrom": answers.catalog.dates(article9, as_of=DEMO_DAY).applies_from,
        "annexIII": scoped.applies_from,
        "original": scoped.original,
        "catalog": article9.applies_from,
    }
    [twice] = store.query("MATCH (p:Provision {ref: 'A.5.4'}) RETURN collect(p.framework) AS frameworks")
    assert sorted(twice["frameworks"]) == ["iso27001", "iso42001"]
    store.close()


def test_a_second_sync_finds_nothing_to_change(
    arcadedb: ArcadeDB, neo4j_database: str, bundled: Service, bundled_records: list[Node]
) -> None:
    first = sync(bundled, arcadedb, neo4j_database)
    store = open_neo4j(arcadedb, neo4j_database)
    before = graph_dump(store)
    second = sync(bundled, arcadedb, neo4j_database)
    assert first.created == len(bundled_records) and first.removed == 0
    assert (second.created, second.updated, second.removed, second.links) == (0, 0, 0, 0)
    assert second.unchanged == len(bundled_records)
    assert graph_dump(store) == before
    store.close()


def test_each_sync_is_one_audited_change_in_the_database_it_writes(
    arcadedb: ArcadeDB, neo4j_database: str, bundled: Service, bundled_records: list[Node]
) -> None:
    """A sync's bookkeeping goes through the unit of work: one audit entry per sync, its sequence the revision
    the sync made, naming the source, the counts and the content's digest; the trail of syncs is kept."""
    first = sync(bundled, arcadedb, neo4j_database)
    second = sync(bundled, arcadedb, neo4j_database)
    target = Service(open_neo4j(arcadedb, neo4j_database))
    entries = [e for e in target.audit_log() if e.operation == "sync"]
    assert [e.sequence for e in entries] == [second.revision, first.revision]
    newest, oldest = (json.loads(e.after) for e in entries)
    assert newest["records"] == oldest["records"] == len(bundled_records)
    assert newest["source"] == "embedded" and newest["sourceRevision"] == bundled.answers().revision
    assert newest["digest"] == oldest["digest"] and len(newest["digest"]) == 64
    assert newest["obligations"] == second.obligations > 0
    assert entries[0].actor == "cli neo4j sync"
    target.close()


def test_a_sync_after_a_deletion_converges_to_a_clean_sync(
    arcadedb: ArcadeDB, neo4j_database: str, source: tuple[Service, EmbeddedStore]
) -> None:
    service, store = source
    sync(service, arcadedb, neo4j_database)
    asset = "https://w3id.org/aimsgraph/id/org/northwind/asset/code-assistant"
    evidence = "https://w3id.org/aimsgraph/id/org/northwind/evidence/ev-code-assistant-aup"
    assert sorted(store.get([asset, evidence])) == [asset, evidence]
    store.write(GraphBatch([], deletes=[asset, evidence]))
    report = sync(service, arcadedb, neo4j_database)
    assert report.removed == 2
    clean = fresh_database(arcadedb)
    sync(service, arcadedb, clean)
    synced, fresh = open_neo4j(arcadedb, neo4j_database), open_neo4j(arcadedb, clean)
    assert graph_dump(synced) == graph_dump(fresh)
    assert synced.get([asset, evidence]) == {}
    # other evidence still names the asset in its scope, as in the source: the link ends at a placeholder
    assert synced.query(f"MATCH (n {{iri: '{asset}'}}) RETURN labels(n) AS labels") == [
        {"labels": ["Placeholder", "Record"]}
    ]
    # a write straight into the database between syncs (it takes an asset's SUBJECT_TO edges with it) is
    # undone by the next sync, derived edges included
    synced.write(GraphBatch([], deletes=["https://w3id.org/aimsgraph/id/org/northwind/asset/credit-system"]))
    sync(service, arcadedb, neo4j_database)
    assert graph_dump(synced) == graph_dump(fresh)
    synced.close()
    fresh.close()


def test_a_sync_refuses_a_database_that_servers_write_to_and_deletes_nothing(
    arcadedb: ArcadeDB, neo4j_database: str, source: tuple[Service, EmbeddedStore]
) -> None:
    """The review synced a fresh embedded store into a database that API servers wrote to: it removed 2,515
    records, the audit trail and every API key. A sync removes only what syncs wrote, and refuses a live store."""
    live = Service(open_neo4j(arcadedb, neo4j_database))
    live.ensure_bootstrapped()
    key, _ = live.keys.create(Actor("cli", name="ops"), "editor", "grc")
    live.inventory.upsert_asset(Actor("cli"), None, {"id": "api-made", "kind": "model", "name": "A", "owner": "o"})
    before = graph_dump(open_neo4j(arcadedb, neo4j_database))
    service, _ = source
    with pytest.raises(UsageError) as refused:
        sync(service, arcadedb, neo4j_database)
    assert "refusing to sync" in str(refused.value) and "live" in str(refused.value)
    assert graph_dump(open_neo4j(arcadedb, neo4j_database)) == before  # not one record touched
    assert [k.id for k in live.keys.list()] == [key.id]
    live.close()


def sync_args(server: ArcadeDB, database: str) -> list[str]:
    return ["neo4j", "sync", "--uri", server.uri, "--database", database]


def test_a_sync_killed_before_it_commits_changes_nothing_and_a_rerun_ends_as_a_clean_sync(
    arcadedb: ArcadeDB, neo4j_database: str, seeded_store: Path
) -> None:
    target = open_neo4j(arcadedb, neo4j_database)
    target.sync(GraphBatch([OLD]), {})  # what an earlier sync left
    before, revision = graph_dump(target), target.revision
    cli = ProcessCli(seeded_store)
    login = credentials(arcadedb)
    killed = cli.run(*sync_args(arcadedb, neo4j_database), env={**login, "AIMSGRAPH_FAILPOINT": "neo4j:before-commit"})
    assert killed.returncode == -9  # killed at the named point: every statement ran, the commit did not
    deadline = time.monotonic() + 20
    while graph_dump(target) != before and time.monotonic() < deadline:  # the server rolls the session back
        time.sleep(0.5)
    assert graph_dump(target) == before and target.revision == revision
    cli.run(*sync_args(arcadedb, neo4j_database), env=login, check=True)
    clean = fresh_database(arcadedb)
    cli.run(*sync_args(arcadedb, clean), env=login, check=True)
    assert graph_dump(target) == graph_dump(open_neo4j(arcadedb, clean))
    assert target.get([OLD.id]) == {}  # what the source does not hold is gone
    target.close()


def test_a_server_that_dies_mid_sync_fails_it_in_one_line_and_a_rerun_after_restart_ends_as_a_clean_sync(
    tmp_path: Path, seeded_store: Path
) -> None:
    root = tmp_path / "arcadedb"
    server = start_arcadedb(root, heap="512m")
    try:
        database = server.create_database("victim")
        store = open_neo4j(server, database)
        store.sync(GraphBatch([OLD]), {})  # what an earlier sync left
        store.close()
        env = {
            **os.environ,
            **store_env(server, database),
            "AIMSGRAPH_STORE": str(seeded_store),
            "AIMSGRAPH_FAILPOINT": "neo4j:nodes-written",
            "AIMSGRAPH_FAILPOINT_ACTION": "pause",
            "AIMSGRAPH_FAILPOINT_PAUSE": "3",
        }
        process = subprocess.Popen(
            [AIMSGRAPH, *sync_args(server, database)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stderr is not None
        seen: list[str] = []
        while not seen or not seen[-1].startswith("failpoint neo4j:nodes-written"):
            line = process.stderr.readline()  # wait until the sync is inside its transaction, nodes written
            assert line, f"the sync ended before the failpoint: {seen}"
            seen.append(line)
        server.kill()
        _, rest = process.communicate(timeout=120)
        assert process.returncode == 1
        errors = [x for x in rest.splitlines() if x.strip()]
        assert errors[-1].startswith("error: could not write to the Neo4j server at bolt://127.0.0.1:"), errors
        assert server.password not in rest
        assert not any(x.startswith("Traceback") for x in errors)
    finally:
        server.stop()
    server = start_arcadedb(root, heap="512m", password=server.password)  # the same databases, new ports
    try:
        store = open_neo4j(server, "victim")
        assert [n.id for n in store.all_nodes()] == [OLD.id]  # the killed sync left nothing behind
        cli = Cli(seeded_store)
        cli.run(*sync_args(server, "victim"), env=credentials(server), check=True)
        clean = server.create_database("clean")
        cli.run(*sync_args(server, clean), env=credentials(server), check=True)
        assert graph_dump(store) == graph_dump(open_neo4j(server, clean))
        store.close()
    finally:
        server.stop()


def test_owners_and_work_items_sync_as_nodes_with_their_links_and_the_obligations_standing(
    source: tuple[Service, EmbeddedStore], arcadedb: ArcadeDB, neo4j_database: str
) -> None:
    """The work model reaches Neo4j as every record does: an Owner and a WorkItem node, equal to the source's
    (a status change's datetime included), linked ASSIGNED_TO and WORK_ON, and each obligation's standing."""
    service, store = source
    me = Actor("cli", name="tests")
    target = {"asset_id": "credit-system", "framework": "eu-ai-act", "ref": "Article 9"}
    service.work.upsert_owner(me, None, {"id": "risk-team", "name": "Risk team", "email": "risk@example.org"})
    service.work.plan(me, None, target, {"assignee": "risk-team", "due": "2027-01-31", "review_cadence": "yearly"})
    work = service.work.advance(me, None, target, "in_progress").after
    sync(service, arcadedb, neo4j_database)
    copy = open_neo4j(arcadedb, neo4j_database)
    ids = [work.iri, "https://w3id.org/aimsgraph/id/org/northwind/owner/risk-team"]
    assert copy.get(ids) == store.get(ids) and len(copy.get(ids)) == 2
    [row] = copy.query(
        "MATCH (w:WorkItem)-[:ASSIGNED_TO]->(o:Owner), (w)-[:WORK_ON]->(p:Provision) "
        "RETURN w.workStatus AS status, o.name AS owner, p.ref AS ref"
    )
    assert row == {"status": "in_progress", "owner": "Risk team", "ref": "Article 9"}
    [standing] = copy.query(
        "MATCH (:Organisation {id: 'northwind'})-[o:SUBJECT_TO]->(p:Provision {ref: '4.1'}) "
        "WHERE o.framework = 'iso27001' RETURN o.standing AS standing, o.inForce AS inForce"
    )
    assert standing == {"standing": "in force", "inForce": True}
    copy.close()
