"""Facts travel along `uses` in linear time and memory (graph/read/propagation.py), and a reason still says
which way a fact came: in full for a short path, and with its first hops, a count and its origin for a long one."""

from __future__ import annotations

from graph.read.propagation import SHOWN_HOPS, Hop, TakenIn, taken_in, walk
from graph.views.read import AssetView


def asset(asset_id: str, kind: str = "model", uses: tuple[str, ...] = (), facts: tuple[str, ...] = ()) -> AssetView:
    return AssetView(
        org="o",
        id=asset_id,
        iri=f"urn:{asset_id}",
        kind=kind,
        name=asset_id,
        owner="x",
        roles=(),
        annex_iii=(),
        facts=facts,
        in_scope=True,
        uses=uses,
        description=None,
    )


def chain(depth: int) -> dict[tuple[str, str], AssetView]:
    """a0 uses a1 uses … a{depth}, a dataset holding personal data."""
    assets = [asset(f"a{i}", uses=(f"a{i + 1}",)) for i in range(depth)]
    assets.append(asset(f"a{depth}", kind="dataset", facts=("personal_data",)))
    return {(a.org, a.id): a for a in assets}


def test_a_short_path_is_named_in_full() -> None:
    assets = chain(3)
    assert taken_in(assets[("o", "a0")], assets, {}) == {"personal_data": "a1 → a2 → a3"}


def test_a_long_path_names_its_first_hops_how_many_are_left_out_and_its_origin() -> None:
    assets = chain(10_000)
    memo: dict[tuple[str, str], TakenIn] = {}
    shown = taken_in(assets[("o", "a0")], assets, memo)["personal_data"]
    names = [f"a{i}" for i in range(1, SHOWN_HOPS)]
    assert shown == " → ".join(names) + f" → … ({10_000 - SHOWN_HOPS:,} more) → a10000"
    assert memo[("o", "a0")] == {"personal_data": Hop("a1", "a10000", 10_000)}


def test_the_memo_holds_one_hop_per_asset_and_fact_not_a_path_per_asset() -> None:
    assets = chain(30_000)
    memo: dict[tuple[str, str], TakenIn] = {}
    walk(assets[("o", "a0")], assets, memo)
    assert len(memo) == 30_001 and all(len(found) <= 1 for found in memo.values())
    assert all(isinstance(hop.via, str) and len(hop.via) < 8 for found in memo.values() for hop in found.values())


def test_a_vendor_passes_nothing_on_and_a_cycle_does_not_loop() -> None:
    vendor = asset("v", kind="vendor", facts=("personal_data",))
    user = asset("u", uses=("v",))
    first, second = asset("c1", uses=("c2",), facts=("personal_data",)), asset("c2", uses=("c1",))
    assets = {(a.org, a.id): a for a in (vendor, user, first, second)}
    assert taken_in(user, assets, {}) == {}
    assert taken_in(second, assets, {}) == {"personal_data": "c1"}
