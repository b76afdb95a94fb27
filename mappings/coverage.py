"""Coverage: given what an organisation implements in framework A, what of framework B is met.

The README's definition ("Crosswalks"), applied to B's *coverage units* (ISO clauses without subclauses and
controls, NIST subcategories, law articles):
- covered: an implemented provision is `equal` to or a `superset` of the unit — or of a grouping that
  contains the unit (S ⊇ T ⊇ unit) — or every part of the unit is covered so, through every level (each
  point of each paragraph of an article);
- reusable: what would cover it is an ISO harmonized-structure pair — the same requirement, met for another
  management system: reuse that process and extend its scope (an auditor's "carry over"), not a gap;
- partial: only weaker relations (`subset`, `intersects`, or an inferred `related`) reach the unit or a part
  of it;
- uncovered: nothing reaches it.
Each verdict keeps the mappings behind it, so a user can see why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from core.vocabulary import CoverageStatus
from mappings.model import Mapping
from mappings.relations import covers

Status = CoverageStatus


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
    def reuse_ratio(self) -> float:
        """Share of units covered, or met for another management system and reusable."""
        done = len(self.of("covered")) + len(self.of("reusable"))
        return done / len(self.verdicts) if self.verdicts else 0.0

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
    reached: dict[str, int] = defaultdict(int)  # provision → best direct level: 2 covered, 1 reusable

    def note(provision: str, mapping: Mapping) -> None:
        if covers(mapping.relation):
            reached[provision] = max(reached[provision], 1 if mapping.harmonized else 2)

    for mapping in mappings:
        unit = unit_of(mapping.target)
        if unit is not None:
            reasons[unit].append(mapping)
            note(mapping.target, mapping)
            continue
        for below in units_under(mapping.target):
            reasons[below].append(mapping)
            note(below, mapping)
    known: dict[str, int] = {}

    def level(provision: str) -> int:
        """2 when covered, 1 when reusable, 0 otherwise: directly, or through every one of its parts."""
        if provision not in known:
            parts = parts_of(provision)
            rolled = min((level(part) for part in parts), default=0)
            known[provision] = max(reached.get(provision, 0), rolled)
        return known[provision]

    verdicts = []
    for unit in units:
        status: Status
        found = level(unit)
        if found == 2:
            status = "covered"
        elif found == 1:
            status = "reusable"
        elif reasons.get(unit):
            status = "partial"
        else:
            status = "uncovered"
        ranked = sorted(
            reasons.get(unit, ()),
            key=lambda m: (not covers(m.relation), m.harmonized, m.inferred, -(m.strength or 0)),
        )
        verdicts.append(Verdict(unit, status, tuple(ranked)))
    return CoverageResult(tuple(verdicts))
