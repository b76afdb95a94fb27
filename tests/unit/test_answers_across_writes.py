"""Worked-out answers (an asset's obligations, an organisation's gaps) outlive a write that leaves them standing,
and never one that changes what they rest on: after every write each answer equals what a new reader works
out from the store, and the ones the write could not change are the very objects worked out before it (so
a mixed load does not work every asset out again after each write)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from graph.read.answers import Answers
from graph.read.read_model import ANCESTORS
from graph.service import Service
from graph.stores.embedded import EmbeddedStore
from graph.views.write import Actor

ACTOR = Actor("cli", name="test")
ORG = "northwind"
DAY = dt.date(2026, 11, 29)
NEW_ASSET = {"id": "bench-1", "kind": "model", "name": "B", "owner": "ml-team", "uses": ["loan-history"]}


@pytest.fixture
def service() -> Iterator[Service]:
    opened = Service(EmbeddedStore.open(None))
    opened.load(include_bundled=True, replace=True)
    yield opened
    opened.close()


def _worked_out(answers: Answers) -> dict[str, Any]:
    """Every asset's obligations and the gaps, as the reads of a GRC tool ask for them."""
    found: dict[str, Any] = {
        asset.id: answers.organisation.obligations(asset.id, org=ORG, as_of=DAY)
        for asset in answers.organisation.assets(ORG)
    }
    found["<gaps>"] = answers.organisation.gaps(ORG, as_of=DAY)
    return found


def _fresh(service: Service) -> dict[str, Any]:
    """What a reader that never saw the earlier snapshots works out from the store."""
    return _worked_out(Service(service._store).answers())


def _asset(asset_id: str, kind: str, **more: Any) -> dict[str, Any]:
    return {"id": asset_id, "kind": kind, "name": asset_id, "owner": "ml-team", **more}


def test_a_new_asset_leaves_every_other_assets_obligations_worked_out_and_right(service: Service) -> None:
    before = _worked_out(service.answers())
    service.inventory.upsert_asset(ACTOR, ORG, NEW_ASSET)
    after = _worked_out(service.answers())
    assert after == _fresh(service)
    kept = [asset for asset in before if asset != "<gaps>" and after[asset] is before[asset]]
    assert sorted(kept) == sorted(a for a in before if a != "<gaps>")  # none worked out again
    assert any("bench-1" in gap.assets for gap in after["<gaps>"])  # the gaps are the new organisation's


def test_a_changed_asset_is_answered_afresh_for_itself_and_every_asset_that_uses_it(service: Service) -> None:
    # a chain whose users state nothing about personal data: they take it in from the dataset
    service.inventory.upsert_asset(ACTOR, ORG, _asset("chain-data", "dataset", personal_data=False))
    for asset, kind, uses in (("chain-model", "model", "chain-data"), ("chain-system", "ai_system", "chain-model")):
        service.inventory.upsert_asset(ACTOR, ORG, _asset(asset, kind, roles=["controller"], uses=[uses]))
    before = _worked_out(service.answers())
    service.inventory.upsert_asset(ACTOR, ORG, _asset("chain-data", "dataset", personal_data=True))
    after = _worked_out(service.answers())
    assert after == _fresh(service)
    for asset in ("chain-model", "chain-system"):  # they take the new fact in: their answers changed
        assert after[asset] != before[asset], asset
    untouched = [a for a in before if not a.startswith(("chain-", "<")) and after[a] is before[a]]
    assert len(untouched) == len(before) - 4  # every other asset's answer was kept


def test_evidence_changes_every_answer_of_its_organisation(service: Service) -> None:
    before = _worked_out(service.answers())
    evidence = {
        "id": "ev-new",
        "proves": {"framework": "eu-ai-act", "ref": "Article 9"},
        "assets": ["credit-model"],
        "uri": "https://evidence.example/new",
        "sha256": "ab" * 32,
        "collected": "2026-10-01",
        "owner": "ciso",
    }
    service.inventory.attach_evidence(ACTOR, ORG, evidence)
    after = _worked_out(service.answers())
    assert after == _fresh(service)
    assert all(after[a] is not before[a] for a in before)  # none kept: evidence may count for any of them


def test_a_key_made_or_revoked_leaves_every_answer_as_worked_out(service: Service) -> None:
    before = _worked_out(service.answers())
    key, _ = service.keys.create(ACTOR, "editor", "carried")
    service.keys.revoke(ACTOR, key.id)
    answers = service.answers()
    assert answers.revision == service.answers().revision > 0
    after = _worked_out(answers)
    assert all(after[a] is before[a] for a in before if a != "<gaps>")
    assert after["<gaps>"] == before["<gaps>"]
    assert after == _fresh(service)


def test_without_carrying_every_write_works_every_answer_out_again(service: Service) -> None:
    """The baseline the benchmark compares against (`ReadModel.carry_answers = False`) stays right too."""
    service._read_model.carry_answers = False
    before = _worked_out(service.answers())
    service.inventory.upsert_asset(ACTOR, ORG, NEW_ASSET)
    after = _worked_out(service.answers())
    assert after == _fresh(service)
    assert all(after[a] is not before[a] for a in before)


def test_an_answer_worked_out_at_a_replaced_snapshot_serves_the_newer_one_when_the_write_left_it_standing(
    service: Service,
) -> None:
    """A `gaps` under a mixed load spans writes: what it works out at the snapshot it started on lands after
    that snapshot was replaced, and the next question must not work it out again (the p95 tripled when it did)."""
    started = service.answers()  # a long question starts here ...
    service.inventory.upsert_asset(ACTOR, ORG, NEW_ASSET)  # ... a write lands meanwhile ...
    service.inventory.upsert_asset(ACTOR, ORG, {**NEW_ASSET, "id": "bench-2"})  # ... and another
    late = started.organisation.obligations("credit-model", org=ORG, as_of=DAY)  # worked out at the old one
    newest = service.answers()
    assert newest.organisation.obligations("credit-model", org=ORG, as_of=DAY) is late
    assert _worked_out(newest) == _fresh(service)


def test_an_answer_worked_out_at_a_replaced_snapshot_is_not_taken_when_the_write_changed_what_it_rests_on(
    service: Service,
) -> None:
    service.inventory.upsert_asset(ACTOR, ORG, _asset("chain-data", "dataset", personal_data=False))
    service.inventory.upsert_asset(
        ACTOR, ORG, _asset("chain-model", "model", roles=["controller"], uses=["chain-data"])
    )
    started = service.answers()
    service.inventory.upsert_asset(ACTOR, ORG, _asset("chain-data", "dataset", personal_data=True))
    service.inventory.upsert_asset(ACTOR, ORG, NEW_ASSET)  # a later write that leaves the chain alone
    stale = started.organisation.obligations("chain-model", org=ORG, as_of=DAY)
    stale_gaps = started.organisation.gaps(ORG, as_of=DAY)
    newest = service.answers()
    assert newest.organisation.obligations("chain-model", org=ORG, as_of=DAY) != stale  # it takes the fact in
    assert newest.organisation.gaps(ORG, as_of=DAY) is not stale_gaps
    assert _worked_out(newest) == _fresh(service)


def test_gaps_worked_out_at_a_snapshot_a_key_write_replaced_serve_the_newer_one(service: Service) -> None:
    started = service.answers()
    service.keys.create(ACTOR, "viewer", "meanwhile")
    late = started.organisation.gaps(ORG, as_of=DAY)
    assert service.answers().organisation.gaps(ORG, as_of=DAY) == late
    assert service.answers().snapshot.gaps[(ORG, DAY)] is started.snapshot.gaps[(ORG, DAY)]


def test_a_stream_of_writes_keeps_only_a_few_snapshots_answers_behind_the_newest(service: Service) -> None:
    for number in range(10):
        service.inventory.upsert_asset(ACTOR, ORG, {**NEW_ASSET, "owner": f"team-{number}"})
    behind, link = 0, service.answers().snapshot.earlier
    while link is not None:
        behind, link = behind + 1, link.earlier
    assert behind == ANCESTORS
