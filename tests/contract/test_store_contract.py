"""The contract every store keeps, so that the service can run on any of them unchanged.

One suite, parametrised over the stores; a new store joins by adding a factory to STORES.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.errors import RevisionConflictError, StoreBusyError
from core.records import GraphBatch, Node, Scalar, Value
from graph.stores.embedded import EmbeddedStore
from graph.stores.protocol import Store, open_store
from ontology.rdf import UnknownTermError

StoreFactory = Callable[[pytest.FixtureRequest, Path], Store]

STORES: dict[str, StoreFactory] = {
    "memory": lambda request, tmp: open_store("memory"),
    "embedded-disk": lambda request, tmp: open_store("embedded", path=tmp / "store"),
    # a fresh database on the session's ArcadeDB server (Bolt), through the Neo4j store
    "neo4j": lambda request, tmp: request.getfixturevalue("neo4j_store"),
}


@pytest.fixture(
    params=[pytest.param(name, marks=[pytest.mark.integration] if name == "neo4j" else []) for name in sorted(STORES)]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened = STORES[request.param](request, tmp_path)
    yield opened
    opened.close()


def article(n: int, **extra: object) -> Node:
    return Node(
        id=f"https://example.org/a/{n}",
        labels=("Provision", "Article"),
        props={"ref": f"Article {n}", "order": n, "title": f"Title {n}", **extra},  # type: ignore[dict-item]
        links={"IN_FRAMEWORK": ("https://example.org/fw",)},
    )


FRAMEWORK = Node(
    id="https://example.org/fw",
    labels=("Framework",),
    props={"framework_id": "fw", "issued": dt.date(2024, 6, 13), "binding": True, "creator": ("a", "b")},
)


def test_a_new_store_is_empty(store: Store) -> None:
    assert store.is_empty()
    assert store.get(["https://example.org/fw"]) == {}
    assert list(store.nodes("Framework")) == []


def test_nodes_read_back_exactly_as_written(store: Store) -> None:
    store.write(GraphBatch([FRAMEWORK, article(1), article(2, informative=True)]), replace=True)
    found = store.get([FRAMEWORK.id, article(1).id, "https://example.org/unknown"])
    assert found == {FRAMEWORK.id: FRAMEWORK, article(1).id: article(1)}
    assert sorted(n.id for n in store.nodes("Article")) == [article(1).id, article(2).id]
    assert store.get([article(2).id])[article(2).id].props["informative"] is True


def test_every_write_raises_the_revision(store: Store) -> None:
    first = store.revision
    store.write(GraphBatch([FRAMEWORK]), replace=True)
    second = store.revision
    store.write(GraphBatch([article(1)]))
    assert first < second < store.revision


def test_a_conditional_commit_at_the_current_revision_lands_and_makes_the_next(store: Store) -> None:
    store.write(GraphBatch([FRAMEWORK]), replace=True)
    at = store.revision
    assert store.commit(GraphBatch([article(1)]), expected_revision=at) == at + 1
    assert store.revision == at + 1 and article(1).id in store.get([article(1).id])
    assert store.commit(GraphBatch([FRAMEWORK, article(3)]), expected_revision=at + 1, replace=True) == at + 2
    assert article(1).id not in store.get([article(1).id])


def test_a_conditional_commit_at_a_stale_revision_is_refused_and_writes_nothing(store: Store) -> None:
    """Optimistic concurrency: a change prepared at a revision another commit has since moved past is refused
    (CONFLICT, retryable) and none of it is written, on every store."""
    store.write(GraphBatch([FRAMEWORK, article(1)]), replace=True)
    stale = store.revision
    store.write(GraphBatch([article(2)]))  # another writer's commit lands first
    for replace in (False, True):
        with pytest.raises(RevisionConflictError) as refused:
            store.commit(
                GraphBatch([article(1, title="Stale"), article(9)], deletes=[article(2).id]),
                expected_revision=stale,
                replace=replace,
            )
        assert refused.value.code == "CONFLICT" and refused.value.retryable
    assert store.revision == stale + 1
    found = store.get([article(1).id, article(2).id, article(9).id])
    assert found == {article(1).id: article(1), article(2).id: article(2)}
    with pytest.raises(RevisionConflictError):
        store.commit(GraphBatch([article(9)]), expected_revision=stale + 5)  # ahead of the store: refused too


def test_upsert_replaces_a_node_whole_and_keeps_the_others(store: Store) -> None:
    store.write(GraphBatch([FRAMEWORK, article(1), article(2)]), replace=True)
    changed = Node(id=article(1).id, labels=("Provision", "Article"), props={"ref": "Article 1", "order": 1})
    store.write(GraphBatch([changed]))
    assert store.get([article(1).id])[article(1).id] == changed  # title and links are gone with the old version
    assert store.get([article(2).id])[article(2).id] == article(2)


def test_deletes_happen_in_the_same_write(store: Store) -> None:
    store.write(GraphBatch([FRAMEWORK, article(1), article(2)]), replace=True)
    store.write(GraphBatch([article(3)], deletes=[article(1).id]))
    assert sorted(store.get([article(n).id for n in (1, 2, 3)])) == [article(2).id, article(3).id]


def test_replace_makes_the_batch_the_whole_content(store: Store) -> None:
    store.write(GraphBatch([FRAMEWORK, article(1)]), replace=True)
    store.write(GraphBatch([article(2)]), replace=True)
    assert [n.id for n in store.nodes("Provision")] == [article(2).id]
    assert list(store.nodes("Framework")) == []


def test_referrers_are_the_incoming_neighbours(store: Store) -> None:
    store.write(GraphBatch([FRAMEWORK, article(1), article(2)]), replace=True)
    found = store.referrers([FRAMEWORK.id, article(1).id], "IN_FRAMEWORK")
    assert sorted(found[FRAMEWORK.id]) == [article(1).id, article(2).id]
    assert found.get(article(1).id, []) == []


def test_a_failed_write_changes_nothing(store: Store) -> None:
    store.write(GraphBatch([FRAMEWORK, article(1)]), replace=True)
    revision = store.revision
    broken = Node(id="https://example.org/x", labels=("Article",), props={"no_such_property": 1})
    for replace in (False, True):
        with pytest.raises(ValueError, match="no_such_property"):
            store.write(GraphBatch([article(5), broken]), replace=replace)
        assert store.revision == revision
        assert sorted(store.get([article(1).id, article(5).id])) == [article(1).id]


def test_a_large_upsert_keeps_the_rest_replaces_its_nodes_and_applies_its_deletes(store: Store) -> None:
    """Above 5,000 nodes an upsert takes another path (a rebuilt generation); its result must be the same."""
    store.write(GraphBatch([FRAMEWORK, *(article(n) for n in range(100))]), replace=True)
    revision = store.revision
    changed = [article(n, title=f"Changed {n}") for n in range(50, 6050)]
    store.write(GraphBatch(changed, deletes=[article(0).id, article(1).id]))
    assert store.revision == revision + 1
    assert store.get([article(0).id, article(1).id]) == {}
    assert store.get([article(2).id])[article(2).id] == article(2)  # untouched
    assert store.get([article(50).id])[article(50).id].props["title"] == "Changed 50"  # replaced whole
    assert store.get([article(6049).id])[article(6049).id] == article(6049, title="Changed 6049")  # added
    assert len(list(store.nodes("Article"))) == 98 + 6000 - 50
    assert store.get([FRAMEWORK.id])[FRAMEWORK.id] == FRAMEWORK


def test_durable_stores_survive_the_process(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = EmbeddedStore.open(path)
    assert store.capabilities.durable
    store.write(GraphBatch([FRAMEWORK, article(7)]), replace=True)
    store.close()
    code = (
        "import sys; from graph.stores.embedded import EmbeddedStore as S; s = S.open(sys.argv[1]); "
        "print(sorted(n.props['ref'] for n in s.nodes('Article')), s.revision)"
    )
    result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "['Article 7'] 1"


def test_a_second_process_reads_while_the_first_holds_the_store_and_cannot_write(tmp_path: Path) -> None:
    path = tmp_path / "store"
    holder = EmbeddedStore.open(path)
    holder.write(GraphBatch([FRAMEWORK]), replace=True)
    code = (
        "import sys; from graph.stores.embedded import EmbeddedStore as S\n"
        "r = S.open(sys.argv[1], read_only=True); print(r.capabilities.writable, len(list(r.nodes('Framework'))))\n"
        "try:\n    S.open(sys.argv[1], wait=0.3)\nexcept Exception as e:\n    print(type(e).__name__, e)"
    )
    result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    lines = result.stdout.splitlines()
    assert lines[0] == "False 1"  # a reader never waits for the writer
    assert lines[1].startswith(StoreBusyError.__name__) and "held for writing by another process" in lines[1]
    holder.close()


def test_unknown_store_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown store 'nosuch'"):
        open_store("nosuch")


def test_the_neo4j_driver_is_not_imported_for_the_embedded_store() -> None:
    code = (
        "import graph.bootstrap, graph.stores.protocol; graph.stores.protocol.open_store('memory'); "
        "import sys; print('neo4j' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_the_cli_does_not_load_the_neo4j_driver_until_a_command_needs_it() -> None:
    code = "import api.cli, sys; print('neo4j' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_large_write_fed_to_the_bulk_loader_in_chunks_lands_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large writes are bulk-loaded a chunk at a time to bound memory; the generation still flips once."""
    from graph.stores import embedded

    monkeypatch.setattr(embedded, "_CHUNK_LINES", 500)
    store = EmbeddedStore.open(tmp_path / "store")
    store.write(GraphBatch([FRAMEWORK, *(article(n) for n in range(10))]), replace=True)
    store.write(GraphBatch([article(n, title=f"New {n}") for n in range(6000)]))
    assert store.revision == 2 and len(store.generations()) == 1
    assert len(list(store.nodes("Article"))) == 6000
    assert store.get([article(5999).id])[article(5999).id].props["title"] == "New 5999"
    assert store.get([FRAMEWORK.id])[FRAMEWORK.id] == FRAMEWORK
    assert not list((tmp_path / "store").glob("aimsgraph-scratch-*"))  # the scratch files are gone
    store.close()


def test_a_large_upsert_keeps_literals_that_hold_unicode_line_separators(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The large-write path copies the current content line by line; U+2028 in a literal is not a line end."""
    from graph.stores import embedded

    monkeypatch.setattr(embedded, "_LARGE_WRITE", 3)
    store = EmbeddedStore.open(tmp_path / "store")
    store.write(GraphBatch([article(1, title="one\u2028two"), article(2, title="keep\u2028me\x85too")]), replace=True)
    store.write(GraphBatch([article(1, title="new"), article(3), article(4), article(5)]))
    found = store.get([article(n).id for n in range(1, 6)])
    assert found[article(2).id].props["title"] == "keep\u2028me\x85too" and found[article(1).id].props["title"] == "new"
    assert len(found) == 5
    store.close()


def test_projected_nodes_carry_only_the_named_properties_and_the_label(store: Store) -> None:
    store.write(GraphBatch([FRAMEWORK, article(1), article(2, informative=True)]), replace=True)
    projected = list(store.nodes_projected("Article", ["order", "informative"]))
    assert projected == [
        Node(id=article(1).id, labels=("Article",), props={"order": 1}),
        Node(id=article(2).id, labels=("Article",), props={"order": 2, "informative": True}),
    ]
    assert list(store.nodes_projected("Framework", ["creator"])) == [
        Node(id=FRAMEWORK.id, labels=("Framework",), props={"creator": ("a", "b")})
    ]
    assert list(store.nodes_projected("Article", [])) == [
        Node(id=article(n).id, labels=("Article",), props={}) for n in (1, 2)
    ]


def test_a_projection_of_an_unknown_property_is_refused(store: Store) -> None:
    store.write(GraphBatch([FRAMEWORK]), replace=True)
    with pytest.raises(UnknownTermError, match="no_such_property"):
        list(store.nodes_projected("Framework", ["framework_id", "no_such_property"]))


_SAMPLES: dict[str, tuple[Scalar, ...]] = {
    "string": ("plain", "ünïcödé\u2028line"),
    "anyURI": ("https://example.org/x?y=1",),
    "integer": (0, -7, 2**53),
    "boolean": (True, False),
    "date": (dt.date(2026, 12, 2), dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    "dateTime": (
        dt.datetime(2026, 12, 7, 1, 2, 3, 456789, tzinfo=dt.UTC),
        dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    ),
    "decimal": (0.5, -12.25),
}


def test_every_property_kind_reads_back_with_its_value_and_its_python_type(store: Store) -> None:
    """A value that comes back as another type (a driver's DateTime, a naive datetime) is read wrongly
    wherever it is used: a revoked key whose `revoked_at` is not a datetime looked active."""
    from ontology.terms import PROPERTY_TERMS

    written: list[Node] = []
    for term in PROPERTY_TERMS:
        for index, sample in enumerate(_SAMPLES[term.datatype]):
            value: Value = (sample,) if term.many else sample
            written.append(
                Node(id=f"https://example.org/kind/{term.name}/{index}", labels=("Article",), props={term.name: value})
            )
    store.write(GraphBatch(written), replace=True)
    found = store.get([node.id for node in written])
    for node in written:
        assert found[node.id].props == node.props, node.id
        ((name, expected),) = node.props.items()
        got = found[node.id].props[name]
        wants = expected if isinstance(expected, tuple) else (expected,)
        for want, have in zip(wants, got if isinstance(got, tuple) else (got,), strict=True):
            assert type(have) is type(want), (node.id, type(have), type(want))
            # an instant: aware, the same moment (a store may keep it in UTC)
            if isinstance(want, dt.datetime) and isinstance(have, dt.datetime):
                assert have.utcoffset() is not None and have == want, node.id
