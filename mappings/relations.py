"""The set-theory relationships of NIST IR 8477, read from a source S to a target T, and their algebra.

- `equal`: same scope. `subset`: S lies within T. `superset`: S covers T and more. `intersects`: overlap,
  neither contains the other. `no_relationship`: recorded absence of a counterpart.
- `related` ("possibly related") is never asserted: it is what composition yields when the set relations
  along a path no longer say whether S and T overlap (the README's composition rules).

Inversion reads a mapping backwards (a `subset` read from T to S is a `superset`). Composition follows a
path S→M→T: `equal`∘R = R; `subset`∘`subset` = `subset`; `superset`∘`superset` = `superset`; anything with
`intersects`, or `subset` with `superset` in either order, is at most `related`. `no_relationship` does not
compose: there is no path through an absence.
"""

from __future__ import annotations

from core.vocabulary import Relation

__all__ = ["RANK", "Relation", "compose", "covers", "invert"]

_INVERSE = {
    Relation.EQUAL: Relation.EQUAL,
    Relation.SUBSET: Relation.SUPERSET,
    Relation.SUPERSET: Relation.SUBSET,
    Relation.INTERSECTS: Relation.INTERSECTS,
    Relation.NO_RELATIONSHIP: Relation.NO_RELATIONSHIP,
    Relation.RELATED: Relation.RELATED,
}

# How much a relation says, for picking the best of several paths (higher says more).
RANK = {
    Relation.EQUAL: 4,
    Relation.SUBSET: 3,
    Relation.SUPERSET: 3,
    Relation.INTERSECTS: 2,
    Relation.RELATED: 1,
    Relation.NO_RELATIONSHIP: 0,
}


def invert(relation: Relation) -> Relation:
    return _INVERSE[relation]


def compose(first: Relation, second: Relation) -> Relation | None:
    """The relation of S to T given S `first` M and M `second` T; None where no path exists."""
    if Relation.NO_RELATIONSHIP in (first, second):
        return None
    if first is Relation.EQUAL:
        return second
    if second is Relation.EQUAL:
        return first
    if first is second and first in (Relation.SUBSET, Relation.SUPERSET):
        return first
    return Relation.RELATED


def covers(relation: Relation) -> bool:
    """Whether implementing S fully meets T (`equal` or `superset`)."""
    return relation in (Relation.EQUAL, Relation.SUPERSET)
