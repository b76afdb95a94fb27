"""Facts taken in through `uses`, in time and memory linear in the organisation's graph.

Personal data, special categories and transfers outside the EEA travel from a dataset or model to the
systems that use it (never from a vendor: a vendor's facts describe what is sent to it). A reason names the
path a fact came along ("personal_data (through scorer → loans)").

Why hops and not paths: storing each asset's full path made a chain of 10,000 assets cost 844 MB and `gaps`
218 s (every asset held a path as long as its depth: quadratic), and 30,000 ran out of memory. Each asset
now keeps, per fact, one `Hop` — the asset it used, where the fact comes from, and how many hops away — and a
path is spelled out only when a reason is written, at most `SHOWN_HOPS` names long: a longer chain shows its
first hops, how many are left out, and the asset the fact comes from. So the walk is O(assets + uses), an
answer's reasons O(facts), and there is no limit on the depth of `uses`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from core import deadlines
from core.vocabulary import PROPAGATING_FACTS
from graph.views.read import AssetView

AssetKey = tuple[str, str]  # (organisation, asset id)
SHOWN_HOPS = 8  # a path longer than this shows its first hops, a count, and where the fact comes from


class Hop(NamedTuple):
    """How a fact reaches an asset: through `via` (an asset it uses), from `origin`, `hops` steps away."""

    via: str
    origin: str
    hops: int


TakenIn = dict[str, Hop]  # fact → how it reaches the asset


def walk(asset: AssetView, assets: Mapping[AssetKey, AssetView], memo: dict[AssetKey, TakenIn]) -> TakenIn:
    """The facts `asset` takes in through `uses`, worked out for it and every asset it reaches (memoised in
    `memo`, which the snapshot keeps: a second question costs a lookup). Iterative: no recursion limit."""
    stack = [asset]
    opened: set[AssetKey] = set()  # loads refuse cycles; this keeps a damaged store from looping
    steps = 0
    while stack:
        steps += 1
        if steps % 1024 == 0:
            deadlines.check()  # a request's timeout stops the first walk down a long `uses` chain
        current = stack[-1]
        key = (current.org, current.id)
        if key in memo:
            stack.pop()
            continue
        used = [u for u in (assets.get((current.org, i)) for i in current.uses) if u is not None]
        pending = [u for u in used if u.kind != "vendor" and (u.org, u.id) not in memo]
        if pending and key not in opened:
            opened.add(key)
            stack.extend(pending)
            continue
        for other in pending:  # only left pending on a cycle
            memo.setdefault((other.org, other.id), {})
        found: TakenIn = {}
        for other in used:
            if other.kind == "vendor":
                continue
            for fact in other.facts:
                if fact in PROPAGATING_FACTS and fact not in found:
                    found[fact] = Hop(other.id, other.id, 1)
            for fact, hop in memo[(other.org, other.id)].items():
                if fact not in found:
                    found[fact] = Hop(other.id, hop.origin, hop.hops + 1)
        memo[key] = found
        stack.pop()
    return memo[(asset.org, asset.id)]


def path(asset: AssetView, fact: str, memo: Mapping[AssetKey, TakenIn]) -> str:
    """The path `fact` came along to `asset` ("scorer → loans"), at most `SHOWN_HOPS` names long; `walk` must
    have run for the asset."""
    hop = memo[(asset.org, asset.id)][fact]
    names = [hop.via]
    total = hop.hops
    while hop.hops > 1 and len(names) < (total if total <= SHOWN_HOPS else SHOWN_HOPS - 1):
        hop = memo[(asset.org, hop.via)][fact]
        names.append(hop.via)
    if total <= SHOWN_HOPS:
        return " → ".join(names)
    left_out = total - len(names) - 1
    return " → ".join(names) + f" → … ({left_out:,} more) → {hop.origin}"


def taken_in(asset: AssetView, assets: Mapping[AssetKey, AssetView], memo: dict[AssetKey, TakenIn]) -> dict[str, str]:
    """Each fact `asset` takes in through `uses`, with the path it came along (for the reasons)."""
    return {fact: path(asset, fact, memo) for fact in walk(asset, assets, memo)}
