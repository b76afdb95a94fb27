"""A snapshot built once is kept beside the store and reused by later processes, never against other content."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from graph.bootstrap import bootstrap
from graph.read import snapshot_cache
from graph.read.read_model import ReadModel, Snapshot
from graph.read.snapshot_cache import SnapshotCache
from graph.service import Service
from graph.settings import Settings
from tests.conftest import Cli

pytestmark = pytest.mark.integration


def _reader(store: Path) -> Service:
    """A new reading process's service, as a CLI command makes it."""
    return bootstrap(Settings(store=store), write=False)


def _refuse_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    def build(self: ReadModel, revision: int) -> Snapshot:
        raise AssertionError("the snapshot was rebuilt from the store instead of loaded")

    monkeypatch.setattr(ReadModel, "_build", build)


def _snapshot_files(store: Path) -> list[Path]:
    return sorted((store / "snapshots").glob("*.snapshot"))


def test_a_later_process_loads_the_saved_snapshot_instead_of_rebuilding(
    seeded_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _reader(seeded_cli.store)
    expected = [
        (o.provision.ref, o.status) for o in first.answers().organisation.obligations("credit-model").obligations
    ]
    first.close()
    assert _snapshot_files(seeded_cli.store)

    _refuse_builds(monkeypatch)
    second = _reader(seeded_cli.store)
    try:
        got = [
            (o.provision.ref, o.status) for o in second.answers().organisation.obligations("credit-model").obligations
        ]
    finally:
        second.close()
    assert got == expected and len(got) > 100


def test_a_write_makes_the_next_process_rebuild_from_the_new_content(seeded_cli: Cli, tmp_path: Path) -> None:
    before = _reader(seeded_cli.store)
    revision = before.answers().revision
    before.close()
    catalog = tmp_path / "extra.yaml"
    catalog.write_text(
        "framework:\n  id: extra\n  name: Extra\n  title: A test framework\n  version: '1'\n"
        "  issued: 2024-01-01\n  publisher: tests\n  source: tests\n  binding: false\n"
        "provisions:\n  - {ref: '1', kind: clause, title: One}\n"
    )
    seeded_cli.run("load", str(catalog), check=True)

    after = _reader(seeded_cli.store)
    try:
        answers = after.answers()
        assert answers.revision > revision
        assert "extra" in {f.id for f in answers.catalog.frameworks()}
    finally:
        after.close()


def test_an_unreadable_snapshot_file_is_ignored_and_rebuilt(seeded_cli: Cli) -> None:
    warm = _reader(seeded_cli.store)
    warm.answers()
    warm.close()
    for path in _snapshot_files(seeded_cli.store):
        path.write_bytes(path.read_bytes()[:1000])  # a truncated file, as a full disk might leave

    service = _reader(seeded_cli.store)
    try:
        assert len(service.answers().catalog.frameworks()) == 6
    finally:
        service.close()


def test_a_snapshot_saved_by_other_code_is_not_read(seeded_cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    warm = _reader(seeded_cli.store)
    warm.answers()
    warm.close()
    monkeypatch.setattr("graph.read.snapshot_cache.code_digest", lambda: "another release")
    built: list[int] = []
    original = ReadModel._build

    def counting_build(self: ReadModel, revision: int) -> Snapshot:
        built.append(revision)
        return original(self, revision)

    monkeypatch.setattr(ReadModel, "_build", counting_build)
    service = _reader(seeded_cli.store)
    try:
        service.answers()
    finally:
        service.close()
    assert len(built) == 1


def test_a_pickled_snapshot_equals_the_one_built(bundled: Service) -> None:
    snapshot = bundled.answers().snapshot
    copy = pickle.loads(pickle.dumps(snapshot, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy.catalog.by_iri == snapshot.catalog.by_iri
    assert copy.mappings == snapshot.mappings
    assert copy.organisations == snapshot.organisations
    assert copy.rules == snapshot.rules


def test_an_in_memory_store_keeps_no_snapshot_files(memory_service: Service) -> None:
    assert SnapshotCache.beside(memory_service._store) is None


@pytest.mark.parametrize(
    "edited",
    ["ontology/terms.py", "ontology/rdf.py", "ontology/aimsgraph.ttl", "loaders/inventory.py", "graph/read/refs.py"],
)
def test_the_snapshot_key_changes_with_any_package_of_the_product(tmp_path: Path, edited: str) -> None:
    """A snapshot pickles classes of every package and reads records through the vocabulary: editing any of
    that code (the review found `terms.py` and `rdf.py` left the key unchanged) must invalidate old files."""
    installed = Path(snapshot_cache.__file__).resolve().parents[2]
    for package in snapshot_cache.CODE_PACKAGES:
        shutil.copytree(installed / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    assert snapshot_cache.digest_of(tmp_path) == snapshot_cache.code_digest()
    with (tmp_path / edited).open("a") as handle:
        handle.write("\n# an edit\n")
    assert snapshot_cache.digest_of(tmp_path) != snapshot_cache.code_digest()


def test_the_snapshot_key_names_the_format_and_the_dependency_versions() -> None:
    """The libraries whose objects or behaviour a snapshot holds are part of its key, and so is its format."""
    assert "pyoxigraph" in snapshot_cache.DEPENDENCIES and "pydantic" in snapshot_cache.DEPENDENCIES
    assert isinstance(snapshot_cache.FORMAT, int)
