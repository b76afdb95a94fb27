"""Inference over small hand-made graphs with known answers."""

from __future__ import annotations

import datetime as dt

from mappings.inference import HOP_PENALTY, adjacency, infer_from
from mappings.model import Mapping, Provenance
from mappings.relations import Relation

PROV = Provenance("test", ("tester",), dt.date(2026, 1, 1), "asserted")


def m(source: str, relation: str, target: str, strength: int = 8) -> Mapping:
    return Mapping(f"{source}>{target}", source, target, Relation(relation), strength, "semantic", "because", PROV)


def in_framework(prefix: str):  # type: ignore[no-untyped-def]
    return lambda iri: iri.startswith(prefix)


def test_subset_chains_compose_with_the_path_as_provenance() -> None:
    edges = adjacency([m("a:1", "subset", "b:1", 9), m("b:1", "subset", "c:1", 7)])
    (found,) = infer_from("a:1", edges, in_framework("c:"))
    assert (found.target, found.relation, found.inferred) == ("c:1", Relation.SUBSET, True)
    assert found.path == ("a:1", "b:1", "c:1") and found.via == ("a:1>b:1", "b:1>c:1")
    assert found.strength == 7 - HOP_PENALTY


def test_strength_falls_with_every_hop_but_not_below_one() -> None:
    edges = adjacency([m("a:1", "equal", "b:1", 9), m("b:1", "equal", "c:1", 9), m("c:1", "equal", "d:1", 3)])
    (found,) = infer_from("a:1", edges, in_framework("d:"))
    assert found.relation is Relation.EQUAL and found.strength == 1 and len(found.path) == 4


def test_paths_use_inverses_so_direction_is_respected() -> None:
    # a:1 ⊂ b:1 and c:1 ⊂ b:1: read backwards b:1 ⊃ c:1, so a:1 → c:1 is only possibly related.
    edges = adjacency([m("a:1", "subset", "b:1"), m("c:1", "subset", "b:1")])
    (found,) = infer_from("a:1", edges, in_framework("c:"))
    assert found.relation is Relation.RELATED
    # and c:1 ⊂ b:1 ⊃ ... read from c's side, c:1 → a:1 is also merely related
    (back,) = infer_from("c:1", edges, in_framework("a:"))
    assert back.relation is Relation.RELATED and back.path == ("c:1", "b:1", "a:1")


def test_superset_read_backwards_composes_into_subset() -> None:
    # b:1 ⊇ a:1 read backwards is a:1 ⊆ b:1; with b:1 ⊆ c:1 that gives a:1 ⊆ c:1.
    edges = adjacency([m("b:1", "superset", "a:1"), m("b:1", "subset", "c:1")])
    (found,) = infer_from("a:1", edges, in_framework("c:"))
    assert found.relation is Relation.SUBSET


def test_asserted_pairs_are_never_overridden() -> None:
    edges = adjacency([m("a:1", "intersects", "c:1", 2), m("a:1", "equal", "b:1"), m("b:1", "equal", "c:1")])
    assert infer_from("a:1", edges, in_framework("c:")) == []
    # nor when the pair is asserted the other way round
    edges = adjacency([m("c:1", "intersects", "a:1", 2), m("a:1", "equal", "b:1"), m("b:1", "equal", "c:1")])
    assert infer_from("a:1", edges, in_framework("c:")) == []


def test_depth_bounds_the_paths() -> None:
    chain = [m("a:1", "equal", "b:1"), m("b:1", "equal", "c:1"), m("c:1", "equal", "d:1"), m("d:1", "equal", "e:1")]
    edges = adjacency(chain)
    assert [f.target for f in infer_from("a:1", edges, in_framework("e:"), depth=4)] == ["e:1"]
    assert infer_from("a:1", edges, in_framework("e:"), depth=3) == []
    assert [f.target for f in infer_from("a:1", edges, in_framework("d:"), depth=3)] == ["d:1"]


def test_no_relationship_records_open_no_path() -> None:
    edges = adjacency([m("a:1", "no_relationship", "b:1"), m("b:1", "equal", "c:1")])
    assert infer_from("a:1", edges, in_framework("c:")) == []


def test_the_most_informative_path_wins() -> None:
    edges = adjacency(
        [
            m("a:1", "intersects", "b:1", 9),
            m("b:1", "equal", "c:1", 9),  # → intersects, strength 7
            m("a:1", "subset", "b:2", 5),
            m("b:2", "subset", "c:1", 5),  # → subset, strength 3: a stronger statement, weaker strength
        ]
    )
    (found,) = infer_from("a:1", edges, in_framework("c:"))
    assert found.relation is Relation.SUBSET and found.path == ("a:1", "b:2", "c:1")


def test_the_inverse_of_a_mapping_swaps_ends_and_relation() -> None:
    forward = m("a:1", "subset", "b:1")
    backward = forward.inverse()
    assert (backward.source, backward.target, backward.relation, backward.inverted) == (
        "b:1",
        "a:1",
        Relation.SUPERSET,
        True,
    )
    assert backward.inverse() == forward


def test_the_best_path_is_chosen_on_the_strength_it_reports() -> None:
    # a 3-hop path of 9s reports 9 - 2*2 = 5; a 2-hop path of 8s reports 8 - 2 = 6: the shorter one wins.
    edges = adjacency(
        [
            m("a:1", "equal", "x:1", 9),
            m("x:1", "equal", "y:1", 9),
            m("y:1", "equal", "t:1", 9),
            m("a:1", "equal", "z:1", 8),
            m("z:1", "equal", "t:1", 8),
        ]
    )
    (found,) = infer_from("a:1", edges, in_framework("t:"), depth=3)
    assert found.strength == 6 and found.path == ("a:1", "z:1", "t:1")
