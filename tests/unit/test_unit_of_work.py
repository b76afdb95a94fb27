"""Every change goes through one unit of work: loads are audited like mutations, a change prepared from a
stale read is refused, the audit trail lists each entry once, and an asset's trail shows what bears on it."""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from core.errors import RevisionConflictError
from core.records import GraphBatch, Node
from graph.service import Service
from graph.stores.embedded import EmbeddedStore
from graph.views.write import Actor
from graph.write.audit import AuditLog, audit_node
from loaders.bundle import bundled_paths
from tests.conftest import tiny_catalog

ME = Actor("cli", name="tests")


@pytest.fixture
def service() -> Iterator[Service]:
    service = Service(EmbeddedStore.open(None))
    service.load(include_bundled=True, replace=True)
    yield service
    service.close()


def evidence(item: str, assets: list[str], valid_until: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item,
        "proves": {"framework": "eu-ai-act", "ref": "Article 9"},
        "assets": assets,
        "uri": "https://evidence.example/1",
        "sha256": "0" * 64,
        "collected": "2026-01-01",
        "owner": "ciso",
    }
    if valid_until:
        data["valid_until"] = valid_until
    return data


def test_a_load_leaves_one_audit_entry_naming_the_files_their_digest_and_the_counts(
    service: Service, tmp_path: Path
) -> None:
    extra = tmp_path / "x.yaml"
    extra.write_text(tiny_catalog("x", "{ref: '1', kind: clause, title: One}"))
    before = len(service.audit_log())
    report = service.load([extra])
    trail = service.audit_log()
    assert len(trail) == before + 1
    entry = trail[0]
    assert entry.actor == "cli load"  # nobody named: a load someone ran
    assert (entry.operation, entry.kind, entry.target, entry.sequence) == ("load", "load", "x.yaml", report.revision)
    after = __import__("json").loads(entry.after)
    assert after["files"] == [str(extra)] and after["frameworks"] == ["x"]
    assert after["digest"] == hashlib.sha256(b"x.yaml\0" + extra.read_bytes() + b"\0").hexdigest()
    assert after["records"] == report.nodes and after["written"] >= 2
    service.load([extra])  # the same content again: nothing written, nothing recorded
    assert len(service.audit_log()) == before + 1


def test_the_bundled_load_that_fills_a_store_is_recorded_as_the_systems_not_a_commands() -> None:
    service = Service(EmbeddedStore.open(None))
    service.ensure_bootstrapped()
    (entry,) = list(service.audit_log())
    assert entry.operation == "load" and entry.sequence == service.answers().revision
    assert entry.actor == "system first fill"
    assert len(__import__("json").loads(entry.after)["files"]) == len(bundled_paths())


def test_an_assets_trail_holds_its_evidence_and_its_organisations_controls(service: Service) -> None:
    service.inventory.attach_evidence(ME, None, evidence("ev-credit", ["credit-model"]))
    service.inventory.attach_evidence(ME, None, evidence("ev-chatbot", ["support-chatbot"]))
    service.inventory.record_control(ME, None, {"framework": "iso42001", "ref": "A.6.2.4", "status": "planned"})
    service.inventory.revoke_evidence(ME, None, "ev-credit")
    trail = service.audit_log(target="credit-model", kind="asset")
    assert [(e.operation, e.target) for e in trail] == [
        ("revokeEvidence", "ev-credit"),
        ("recordControl", "iso42001 A.6.2.4"),
        ("attachEvidence", "ev-credit"),
    ]
    other = service.audit_log(target="support-chatbot", kind="asset")
    assert ("attachEvidence", "ev-chatbot") in [(e.operation, e.target) for e in other]
    assert "ev-credit" not in {e.target for e in other}


def test_a_change_prepared_at_a_stale_revision_is_refused_and_writes_nothing(service: Service) -> None:
    """The unit of work's commit names the revision its reads were made at; another commit first → CONFLICT."""
    units = service._units  # the unit of work itself is what this test drives
    node = Node(id="https://w3id.org/aimsgraph/id/test/stale", labels=("Organisation",), props={"identifier": "s"})
    with units.start() as stale:
        read_at = stale.revision
        with units.start() as other:  # the same thread may nest (the lock is re-entrant): a commit lands first
            other.record(ME, operation="t", kind="test", target="first", before=None, after=1)
            other.commit(other.revision)
        stale.record(ME, operation="t", kind="test", target="stale", before=None, after=2, nodes=[node])
        with pytest.raises(RevisionConflictError) as refused:
            stale.commit(read_at)
    assert refused.value.code == "CONFLICT" and refused.value.retryable
    assert "retry" in str(refused.value) and "nothing was written" in str(refused.value)
    assert service.answers().revision == read_at + 1
    assert node.id not in service._store.get([node.id])
    assert [e.target for e in service.audit_log()][:1] == ["first"]


def test_leaving_a_unit_of_work_without_commit_writes_nothing(service: Service) -> None:
    revision = service.answers().revision
    with pytest.raises(KeyError), service._units.start() as uow:
        uow.record(ME, operation="t", kind="test", target="never", before=None, after=None)
        raise KeyError("a refusal")
    assert service.answers().revision == revision and "never" not in {e.target for e in service.audit_log()}


def test_the_parts_of_a_service_are_one_each_when_the_first_requests_arrive_together() -> None:
    """Sixteen threads released together ask a fresh service for its write parts: all get the same ones (a
    lazily built part could be built once per thread, each with a write lock of its own)."""
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, so a race shows
    try:
        for _ in range(20):
            service = Service(EmbeddedStore.open(None))
            gate = threading.Barrier(16)
            seen: list[tuple[int, int, int]] = []

            def ask(
                service: Service = service, gate: threading.Barrier = gate, seen: list[tuple[int, int, int]] = seen
            ) -> None:
                gate.wait()
                seen.append((id(service.inventory), id(service.mappings), id(service.keys)))

            threads = [threading.Thread(target=ask) for _ in range(16)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert len(set(seen)) == 1
            service.close()
    finally:
        sys.setswitchinterval(switch)


def _entry(sequence: int, target: str) -> Node:
    return audit_node(ME, sequence=sequence, operation="t", kind="asset", target=target, before=None, after=None)


def test_the_audit_index_lists_an_entry_once_when_a_reread_raced_its_commit() -> None:
    """A reader re-reads the trail while this process commits: the re-read already holds the new entry when
    the commit tells the index about it (`added`); it must not be listed twice."""
    store = EmbeddedStore.open(None)
    store.write(GraphBatch([_entry(1, "a")]))
    log = AuditLog(store)
    assert len(log.query(1)) == 1
    entry = _entry(2, "b")
    store.write(GraphBatch([entry]))  # committed; its `added` is still to come
    assert len(log.query(1)) == 1  # a request that started at revision 1 …
    stale = AuditLog(store)
    assert len(stale.query(1)) == 1  # … and an index first built after the commit, asked as of before it
    for index in (log, stale):
        index.added(entry, 1, 2)
        assert [e.target for e in index.query(2)] == ["b", "a"]


class CountingProjections(EmbeddedStore):
    """The real embedded store, counting how often the whole trail is read."""

    trail_reads = 0

    def nodes_projected(self, label: str, names: Iterable[str]) -> Iterator[Node]:
        if label == "AuditEntry":
            self.trail_reads += 1
        return super().nodes_projected(label, names)


def test_the_audit_index_grows_with_this_processs_writes_without_rereading_the_trail() -> None:
    store = CountingProjections.open(None)
    service = Service(store)
    service.load(include_bundled=True, replace=True)
    assert len(service.audit_log()) == 1
    reads = store.trail_reads
    for turn in range(5):
        service.inventory.upsert_asset(ME, None, {"id": "t", "kind": "model", "name": "T", "owner": f"o-{turn}"})
        assert len(service.audit_log()) == 2 + turn
    assert store.trail_reads == reads  # the index took each entry in as it was committed
    service.close()


@pytest.mark.parametrize(("days_left", "status"), [(40, "valid"), (10, "expiring"), (-1, "expired")])
def test_evidence_close_to_its_end_is_expiring(service: Service, days_left: int, status: str) -> None:
    """Evidence valid for fewer than 30 more days is `expiring`: the obligation it covers says so, so the
    owner renews it before it lapses; past its end it is `expired`."""
    day = dt.date(2027, 3, 1)
    until = day + dt.timedelta(days=days_left)
    service.inventory.attach_evidence(ME, None, evidence("ev-ending", ["credit-system"], until.isoformat()))
    found = service.answers().organisation.obligations("credit-system", frameworks=["eu-ai-act"], as_of=day)
    (article,) = [o for o in found.obligations if o.provision.ref == "Article 9"]
    assert [m.status for m in article.evidence if m.evidence.id == "ev-ending"] == [status]
    assert article.status == status
