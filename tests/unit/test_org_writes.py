"""The service's one-at-a-time writes, below the API: the patched organisation index is the rebuilt one, the
cycle check agrees with the file loader's, and a write reads only what it needs."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest

from core.errors import AimsgraphError
from graph.read.organisation_index import OrganisationIndex
from graph.service import Service
from graph.stores.embedded import EmbeddedStore
from graph.views.write import Actor
from loaders.inventory import find_cycles

ME = Actor("cli", name="tests")


@pytest.fixture
def service() -> Iterator[Service]:
    service = Service(EmbeddedStore.open(None))
    service.load(include_bundled=True, replace=True)
    yield service
    service.close()


def comparable(index: OrganisationIndex) -> dict[str, Any]:
    return {
        "organisations": index.organisations,
        "assets": index.assets,
        "controls": index.controls,
        "evidence": {org: sorted(items, key=lambda e: e.id) for org, items in index.evidence.items() if items},
        "node_ids": {org: sorted(ids) for org, ids in index.node_ids.items()},
    }


def test_the_index_after_a_stream_of_writes_is_the_index_a_rebuild_makes(service: Service) -> None:
    rng = random.Random(9)
    ids = [f"p{i}" for i in range(12)]
    for step in range(60):
        asset_id = rng.choice(ids)
        action = rng.choice(["upsert", "upsert", "link", "unlink", "delete", "control", "evidence", "revoke"])
        try:
            if action == "upsert":
                uses = rng.sample([i for i in ids if i < asset_id], k=min(2, len([i for i in ids if i < asset_id])))
                data = {"id": asset_id, "kind": "model", "name": f"n{step}", "owner": "o", "gpai": step % 2 == 0}
                service.inventory.upsert_asset(ME, None, {**data, "uses": uses})
            elif action in ("link", "unlink"):
                service.inventory.link(ME, None, asset_id, rng.choice(ids), present=action == "link")
            elif action == "delete":
                service.inventory.delete_asset(ME, None, asset_id)
            elif action == "control":
                status = rng.choice(["implemented", "planned", "partial"])
                control = {"framework": "iso42001", "ref": "A.6.2.4", "status": status}
                service.inventory.record_control(ME, None, control)
            elif action == "evidence":
                service.inventory.attach_evidence(
                    ME,
                    None,
                    {
                        "id": f"ev-{asset_id}",
                        "proves": {"framework": "eu-ai-act", "ref": "Article 9"},
                        "assets": [asset_id],
                        "uri": "https://e.example",
                        "sha256": "0" * 64,
                        "collected": "2026-01-01",
                        "owner": "o",
                    },
                )
            else:
                service.inventory.revoke_evidence(ME, None, f"ev-{asset_id}")
        except AimsgraphError:
            pass  # refused writes (unknown ids, cycles, conflicts) change nothing
        if step % 7 == 0:
            assert comparable(service.answers().snapshot.organisations) == comparable(
                OrganisationIndex.build(service._store)
            )
    assert comparable(service.answers().snapshot.organisations) == comparable(OrganisationIndex.build(service._store))


def test_a_link_is_refused_exactly_when_a_file_load_would_find_a_cycle(service: Service) -> None:
    rng = random.Random(3)
    ids = [f"c{i}" for i in range(8)]
    for asset_id in ids:
        service.inventory.upsert_asset(ME, None, {"id": asset_id, "kind": "dataset", "name": asset_id, "owner": "o"})
    uses: dict[str, list[str]] = {i: [] for i in ids}
    for _ in range(40):
        a, b = rng.sample(ids, 2)
        would = {**uses, a: [*uses[a], b]}
        expected_cycle = bool(find_cycles(would)) or b in uses[a]
        try:
            service.inventory.link(ME, None, a, b, present=True)
            refused = False
        except AimsgraphError as error:
            refused = "cycle" in str(error)
        if b in uses[a]:
            continue
        assert refused == expected_cycle, (a, b, uses)
        if not refused:
            uses[a].append(b)
    stored = {a.id: sorted(a.uses) for a in service.answers().organisation.assets(None) if a.id in uses}
    assert stored == {a: sorted(u) for a, u in uses.items()}


def test_an_upsert_is_refused_exactly_when_a_use_it_adds_closes_a_cycle(service: Service) -> None:
    """Only added uses are searched (a large organisation's unchanged uses would reach thousands of assets):
    a re-sent asset passes, a new use that leads back to it is refused, and nothing is written."""
    base = {"kind": "model", "owner": "o"}
    service.inventory.upsert_asset(ME, None, {**base, "id": "c-low", "name": "low"})
    service.inventory.upsert_asset(ME, None, {**base, "id": "c-mid", "name": "mid", "uses": ["c-low"]})
    service.inventory.upsert_asset(ME, None, {**base, "id": "c-top", "name": "top", "uses": ["c-mid"]})
    resent = service.inventory.upsert_asset(ME, None, {**base, "id": "c-top", "name": "top 2", "uses": ["c-mid"]})
    assert resent.audit is not None  # the name changed, the uses did not: written
    with pytest.raises(AimsgraphError, match="cycle"):
        service.inventory.upsert_asset(ME, None, {**base, "id": "c-low", "name": "low", "uses": ["c-top"]})
    assert service.answers().organisation.asset("c-low").uses == ()


def test_linking_and_unlinking_keep_every_fact_the_law_reads_including_the_unknown_ones(service: Service) -> None:
    """Linking rebuilds the asset from its record; it once kept only the old yes/no flags, so a link dropped
    Article 6(3)'s condition, the legal basis, a denied fact and the scopes, and the engine's answer changed."""
    asset = {
        "id": "facts-kept", "kind": "ai_system", "name": "F", "owner": "o", "roles": ["provider"],
        "annex_iii": ["4(a)"], "art6_3_condition": "a", "profiles_natural_persons": False,
        "legal_basis": "contract", "placed_on_market": "2026-03-01", "large_scale": True,
        "personal_data": None, "management_system_scopes": ["iso42001"],
    }  # fmt: skip
    service.inventory.upsert_asset(ME, None, asset)
    service.inventory.upsert_asset(ME, None, {"id": "facts-dep", "kind": "dataset", "name": "D", "owner": "o"})
    iri = f"https://w3id.org/aimsgraph/id/org/northwind/asset/{asset['id']}"
    before = service._store.get([iri])[iri]
    service.inventory.link(ME, None, "facts-kept", "facts-dep", present=True)
    service.inventory.link(ME, None, "facts-kept", "facts-dep", present=False)
    after = service._store.get([iri])[iri]
    assert after.props == before.props
