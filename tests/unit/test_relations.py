"""The relationship algebra: inversion and the composition table (README, "Crosswalks")."""

from __future__ import annotations

import itertools

import pytest

from mappings.relations import Relation, compose, covers, invert

E, SUB, SUP, INT, NO, REL = (
    Relation.EQUAL,
    Relation.SUBSET,
    Relation.SUPERSET,
    Relation.INTERSECTS,
    Relation.NO_RELATIONSHIP,
    Relation.RELATED,
)


def test_inversion_reads_subset_backwards_as_superset() -> None:
    assert invert(SUB) is SUP and invert(SUP) is SUB
    assert invert(E) is E and invert(INT) is INT and invert(NO) is NO


@pytest.mark.parametrize("relation", list(Relation))
def test_inversion_is_an_involution(relation: Relation) -> None:
    assert invert(invert(relation)) is relation


EXPECTED = {
    (E, E): E, (E, SUB): SUB, (E, SUP): SUP, (E, INT): INT,
    (SUB, E): SUB, (SUP, E): SUP, (INT, E): INT,
    (SUB, SUB): SUB, (SUP, SUP): SUP,
    (SUB, SUP): REL, (SUP, SUB): REL,
    (SUB, INT): REL, (INT, SUB): REL, (SUP, INT): REL, (INT, SUP): REL, (INT, INT): REL,
}  # fmt: skip


@pytest.mark.parametrize(("first", "second"), list(itertools.product([E, SUB, SUP, INT], repeat=2)))
def test_composition_table(first: Relation, second: Relation) -> None:
    assert compose(first, second) is EXPECTED[(first, second)]


@pytest.mark.parametrize("relation", list(Relation))
def test_no_relationship_never_composes(relation: Relation) -> None:
    assert compose(NO, relation) is None and compose(relation, NO) is None


@pytest.mark.parametrize(("first", "second"), list(itertools.product([E, SUB, SUP, INT, REL], repeat=2)))
def test_composition_commutes_with_inversion(first: Relation, second: Relation) -> None:
    """Reading a composed path backwards equals composing the inverses in reverse order."""
    forward = compose(first, second)
    backward = compose(invert(second), invert(first))
    assert forward is not None and backward is not None and invert(forward) is backward


def test_only_equal_and_superset_cover() -> None:
    assert [r for r in Relation if covers(r)] == [E, SUP]
