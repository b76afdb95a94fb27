"""The audit trail keeps only what it orders and filters by in memory and reads a page's values from the
store: a page costs its own entries, however long the trail grows, and is the same whether the trail was
indexed from the store or grew with this process's own writes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from core.records import Node
from graph.service import Service
from graph.stores.embedded import EmbeddedStore
from graph.views.write import Actor
from graph.write.audit import AuditLog

CLI = Actor("cli", name="tests")


class CountingStore(EmbeddedStore):
    """The real embedded store, counting the records `get` is asked for."""

    asked: int = 0

    def get(self, ids: Iterable[str]) -> dict[str, Node]:
        wanted = list(ids)
        self.asked += len(wanted)
        return super().get(wanted)


def asset(number: int, owner: str) -> dict[str, object]:
    return {"id": f"t-{number % 3}", "kind": "model", "name": "n" * 2_000, "owner": owner}


def test_a_page_of_the_trail_reads_only_its_own_entries_from_the_store(tmp_path: Path) -> None:
    store = CountingStore.open(tmp_path / "store")
    service = Service(store)
    service.load(include_bundled=True, replace=True)
    for turn in range(30):
        service.inventory.upsert_asset(CLI, None, asset(turn, f"owner-{turn}"))
    trail = service.audit_log(service.answers().revision)
    store.asked = 0
    page = trail[5:10]
    assert store.asked == 5 and len(trail) == 31  # the load's own entry, then the 30 writes
    assert [e.sequence for e in page] == sorted((e.sequence for e in page), reverse=True)
    assert page[0].after.count('"owner":"owner-24"') == 1  # newest first: the 25th write is the 6th entry
    service.close()


def written(path: Path, writes: int) -> Service:
    """A service over a store at `path` holding the bundled data and `writes` audited asset upserts."""
    service = Service(EmbeddedStore.open(path))
    service.load(include_bundled=True, replace=True)
    for turn in range(writes):
        service.inventory.upsert_asset(CLI, None, asset(turn, f"owner-{turn}"))
    return service


def test_the_trail_indexed_from_the_store_equals_the_trail_grown_by_writes(tmp_path: Path) -> None:
    service = written(tmp_path / "store", 12)
    revision = service.answers().revision
    grown = list(service.audit_log(revision))
    narrowed = list(service.audit_log(revision, target="t-1", kind="asset"))
    service.close()
    store = EmbeddedStore.open(tmp_path / "store", read_only=True)
    fresh = AuditLog(store)
    assert list(fresh.query(revision)) == grown
    assert list(fresh.query(revision, target="t-1", kind="asset")) == narrowed
    assert [e.target for e in narrowed] == ["t-1"] * 4
    assert [e.sequence for e in fresh.query(revision - 3)] == [e.sequence for e in grown[3:]]  # as of then


def test_the_trail_holds_no_values_in_memory(tmp_path: Path) -> None:
    service = written(tmp_path / "store", 5)
    service.audit_log(service.answers().revision)
    held = service._audit._keys  # what the index keeps is the point of this test
    assert len(held) == 6 and all("n" * 100 not in repr(key) for key in held)
    service.close()


class NoWholeEntries(CountingStore):
    """The real store, refusing to read audit entries whole."""

    def nodes(self, label: str) -> Iterator[Node]:
        assert label != "AuditEntry", "the trail's index read whole entries"
        return super().nodes(label)


def test_indexing_a_trail_from_the_store_reads_no_entrys_values(tmp_path: Path) -> None:
    service = written(tmp_path / "store", 8)
    revision = service.answers().revision
    service.close()
    store = NoWholeEntries.open(tmp_path / "store", read_only=True)
    trail = AuditLog(store).query(revision)
    assert len(trail) == 9 and store.asked == 0  # counted and ordered without reading one entry
    assert '"owner":"owner-7"' in trail[0].after and store.asked == 1
