"""Coverage: given what an organisation implements in framework A, what of framework B is met.

The README's definition ("Crosswalks"), applied to B's *coverage units* (ISO clauses without subclauses and
controls, NIST subcategories, law articles):
- covered: an implemented provision is `equal` to or a `superset` of the unit — or of a grouping that
  contains the unit (S ⊇ T ⊇ unit) — or every part of the unit is covered so, through every level (each
  point of each paragraph of an article);
- partial: only weaker relations (`subset`, `intersects`, or an inferred `related`) reach the unit or a part
  of it;
- uncovered: nothing reaches it.
Each verdict keeps the mappings behind it, so a user can see why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from mappings.model import Mapping
from mappings.relations import covers

Status = Literal["covered", "partial", "uncovered"]


@dataclass(frozen=True, slots=True)
class Verdict:
    unit: str
    status: Status
    because: tuple[Mapping, ...]


@dataclass(frozen=True, slots=True)
class CoverageResult:
    verdicts: tuple[Verdict, ...]

    def of(self, status: Status) -> list[Verdict]:
        return [v for v in self.verdicts if v.status == status]

    @property
    def ratio(self) -> float:
        """Share of units fully covered."""
        return len(self.of("covered")) / len(self.verdicts) if self.verdicts else 0.0

    @property
    def reached_ratio(self) -> float:
        """Share of units covered or partly covered."""
        return (len(self.verdicts) - len(self.of("uncovered"))) / len(self.verdicts) if self.verdicts else 0.0


def assess(
    units: Sequence[str],
    mappings: Iterable[Mapping],
    unit_of: Callable[[str], str | None],
    units_under: Callable[[str], Sequence[str]],
    parts_of: Callable[[str], Sequence[str]],
) -> CoverageResult:
    """Verdicts for `units` given mappings from implemented provisions into the target framework.

    `unit_of(t)` is the unit a target provision is (or is part of), None above the units; `units_under(t)`
    the units below a grouping; `parts_of(t)` a provision's direct parts. A provision is covered when a
    covering mapping reaches it or a grouping above it, or when each of its parts is covered — through
    every level (an article whose paragraphs' points are all covered is covered).
    """
    reasons: dict[str, list[Mapping]] = defaultdict(list)
    reached: set[str] = set()  # provisions a covering mapping reaches directly
    for mapping in mappings:
        unit = unit_of(mapping.target)
        if unit is not None:
            reasons[unit].append(mapping)
            if covers(mapping.relation):
                reached.add(mapping.target)
            continue
        for below in units_under(mapping.target):
            reasons[below].append(mapping)
            if covers(mapping.relation):
                reached.add(below)
    known: dict[str, bool] = {}

    def covered(provision: str) -> bool:
        if provision not in known:
            parts = parts_of(provision)
            known[provision] = provision in reached or (bool(parts) and all(covered(part) for part in parts))
        return known[provision]

    verdicts = []
    for unit in units:
        status: Status
        if covered(unit):
            status = "covered"
        elif reasons.get(unit):
            status = "partial"
        else:
            status = "uncovered"
        ranked = sorted(reasons.get(unit, ()), key=lambda m: (not covers(m.relation), m.inferred, -(m.strength or 0)))
        verdicts.append(Verdict(unit, status, tuple(ranked)))
    return CoverageResult(tuple(verdicts))
