"""After its own write, the writer indexes what it wrote instead of reading it back, and the answer is the
same as a fresh build's: for a replacing load, an inventory upsert, a changed inventory (assets and evidence
removed and changed), a new organisation, and a change to framework content."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.records import GraphBatch, Node
from graph.read.read_model import ReadModel, Snapshot
from graph.service import Service
from graph.stores.embedded import EmbeddedStore
from loaders.bundle import bundled_paths

DEMO = next(p for p in bundled_paths() if p.name == "demo-fintech.yaml")


@pytest.fixture
def service() -> Iterator[Service]:
    opened = Service(EmbeddedStore.open(None))
    opened.load(include_bundled=True, replace=True)
    yield opened
    opened.close()


def _indexes(snapshot: Snapshot) -> tuple[Any, ...]:
    return (
        snapshot.revision,
        snapshot.catalog,
        snapshot.mappings,
        snapshot.timeline,
        snapshot.organisations,
        snapshot.rules,
    )


def _assert_same_as_fresh_build(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer's snapshot must come from its write (no build), and equal what a new reader builds."""
    monkeypatch.setattr(ReadModel, "_build", _refuse)
    kept = service.answers().snapshot
    monkeypatch.undo()
    fresh = Service(service._store).answers().snapshot  # a new read model builds from the store
    assert _indexes(kept) == _indexes(fresh)


def _refuse(self: ReadModel, revision: int) -> Snapshot:
    raise AssertionError("the writer rebuilt its snapshot from the store")


def _edited(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    data = yaml.safe_load(DEMO.read_text())
    edit(data)
    path = tmp_path / "inventory.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_a_replacing_load_is_indexed_from_the_batch(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    _assert_same_as_fresh_build(service, monkeypatch)
    assert service.answers().organisation.assets("northwind")


def test_an_inventory_that_changes_removes_and_edits_records_is_patched_in(
    service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["assets"] = [a for a in data["assets"] if a["id"] != "code-assistant"]
        for asset in data["assets"]:
            asset["uses"] = [u for u in asset.get("uses", []) if u != "code-assistant"]
            if asset["id"] == "credit-model":
                asset["owner"] = "model-risk"
        data["evidence"] = [e for e in data["evidence"] if e["id"] != "ev-code-assistant-aup"]
        for item in data["evidence"]:
            item["assets"] = [a for a in item.get("assets", []) if a != "code-assistant"]
        data["evidence"][0]["valid_until"] = "2026-12-05"
        data["controls"] = data["controls"][1:]

    service.load([_edited(tmp_path, edit)])
    _assert_same_as_fresh_build(service, monkeypatch)
    assets = {a.id: a for a in service.answers().organisation.assets("northwind")}
    assert "code-assistant" not in assets and assets["credit-model"].owner == "model-risk"


def test_a_second_organisation_is_patched_in_beside_the_first(
    service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["organisation"] = {"id": "southwind", "name": "Southwind Credit", "jurisdictions": ["EU"]}

    service.load([_edited(tmp_path, edit)])
    _assert_same_as_fresh_build(service, monkeypatch)
    assert {o.id for o in service.answers().organisation.organisations()} == {"northwind", "southwind"}


def test_a_change_to_framework_content_rebuilds_those_indexes_and_keeps_the_organisation(
    service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = tmp_path / "extra.yaml"
    catalog.write_text(
        "framework:\n  id: extra\n  name: Extra\n  title: A test framework\n  version: '1'\n"
        "  issued: 2024-01-01\n  publisher: tests\n  source: tests\n  binding: false\n"
        "provisions:\n  - {ref: '1', kind: clause, title: One}\n"
    )
    before = service.answers().snapshot.organisations
    service.load([catalog])
    _assert_same_as_fresh_build(service, monkeypatch)
    after = service.answers().snapshot
    assert after.organisations is before  # untouched: shared, not copied
    assert "extra" in after.catalog.frameworks


def test_a_write_of_records_no_index_reads_shares_every_index(service: Service) -> None:
    """Audit entries and keys (issue 9) are written beside the content: the next snapshot reuses the indexes."""
    before = service.answers().snapshot
    store = service._store
    batch = GraphBatch([Node(id="https://example.org/audit/1", labels=("AuditEntry",), props={"note": "x"})])
    store.write(batch)
    service._read_model.after_write(batch, replace_all=False, revision=store.revision)
    after = service.answers().snapshot
    assert after.revision == before.revision + 1
    assert after.organisations is before.organisations and after.rules is before.rules
    assert after.mappings.mappings is before.mappings.mappings and after.catalog.by_iri is before.catalog.by_iri
