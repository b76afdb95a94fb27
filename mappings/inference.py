"""Inferred mappings: composing asserted mappings (and their inverses) along paths of bounded depth.

Why bounded: the DESIGN measurements showed an unbounded path query taking seconds; three hops are enough
to reach any framework through one or two others. Rules:
- relations compose per `mappings.relations.compose`; a path through `no_relationship` does not exist;
- strength is the weakest link's, less `HOP_PENALTY` for every hop after the first (never below 1);
  paths are compared on that reported strength, so a short strong path beats a long one that only looked
  stronger before its penalty;
- a pair that has an asserted mapping (either direction) is never given an inferred one;
- of several paths to the same target the most informative wins: higher relation rank, then strength,
  then the shorter path; the path (provision IRIs) and the mappings used are kept as provenance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from collections.abc import Mapping as MappingType
from dataclasses import dataclass

from core import deadlines
from mappings.model import Mapping, Provenance
from mappings.relations import RANK, Relation, compose

HOP_PENALTY = 2
DEFAULT_DEPTH = 3
MAX_DEPTH = 5
"""Deepest inference allowed: paths beyond five hops say nothing and cost a great deal."""


@dataclass(frozen=True, slots=True)
class _Walk:
    node: str
    relation: Relation
    strength: int
    path: tuple[str, ...]
    via: tuple[str, ...]


def adjacency(mappings: Iterable[Mapping]) -> dict[str, list[Mapping]]:
    """Each provision's outgoing edges: its asserted mappings and the inverses of those that target it."""
    edges: dict[str, list[Mapping]] = {}
    for mapping in mappings:
        if mapping.relation is Relation.NO_RELATIONSHIP or mapping.inferred:
            continue
        edges.setdefault(mapping.source, []).append(mapping)
        inverse = mapping.inverse()
        edges.setdefault(inverse.source, []).append(inverse)
    return edges


def reported_strength(weakest_link: int, hops: int) -> int:
    """The strength an inferred mapping reports: its weakest link's, less the penalty for each extra hop."""
    return max(1, weakest_link - HOP_PENALTY * (hops - 1))


def _rank(walk: _Walk) -> tuple[int, int, int]:
    hops = len(walk.path) - 1
    return (RANK[walk.relation], reported_strength(walk.strength, hops), -hops)


def _better(candidate: _Walk, incumbent: _Walk | None) -> bool:
    return incumbent is None or _rank(candidate) > _rank(incumbent)


def infer_from(
    source: str,
    edges: MappingType[str, list[Mapping]],
    in_target: Callable[[str], bool],
    depth: int = DEFAULT_DEPTH,
) -> list[Mapping]:
    """Inferred mappings from one provision to every provision `in_target` reachable in 2..depth hops."""
    direct = {m.target for m in edges.get(source, ())}
    best: dict[str, _Walk] = {}
    frontier = [
        _Walk(m.target, m.relation, m.strength or 1, (source, m.target), (m.id,)) for m in edges.get(source, ())
    ]
    for _ in range(depth - 1):
        deadlines.check()  # a request's timeout stops a deep walk between hops
        next_frontier: list[_Walk] = []
        for walk in frontier:
            for edge in edges.get(walk.node, ()):
                if edge.target in walk.path:
                    continue
                relation = compose(walk.relation, edge.relation)
                if relation is None:
                    continue
                step = _Walk(
                    edge.target,
                    relation,
                    min(walk.strength, edge.strength or 1),
                    (*walk.path, edge.target),
                    (*walk.via, edge.id),
                )
                next_frontier.append(step)
                if in_target(edge.target) and edge.target not in direct and _better(step, best.get(edge.target)):
                    best[edge.target] = step
        frontier = next_frontier
        if not frontier:
            break
    return [
        Mapping(
            id=f"inferred:{source}->{target}",
            source=source,
            target=target,
            relation=walk.relation,
            strength=reported_strength(walk.strength, len(walk.path) - 1),
            rationale_type=None,
            rationale=f"Inferred by composing {len(walk.path) - 1} mappings along the path.",
            provenance=Provenance(
                mapping_set="inferred", creators=("aimsgraph inference",), created=None, review_status="proposed"
            ),
            inferred=True,
            path=walk.path,
            via=walk.via,
        )
        for target, walk in sorted(best.items())
    ]
