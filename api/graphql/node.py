"""The `Node` interface: everything a client may look up again by its global id (`Query.node(id:)`).

A global id is the thing's IRI, the same IRI the RDF exports and the Neo4j model name it by: stored things
under their record's IRI, derived answers (obligations, gaps, Statement of Applicability decisions) under the
stable IRI `ontology.namespaces` makes of what identifies them. `id` stays the short id the files write.
"""

from __future__ import annotations

import strawberry

IRI = "Its global id: its stable IRI in the graph (pass it to `node(id:)`)."


@strawberry.interface(
    description="Something with a global id (its IRI) that `node(id:)` finds again. Every type but `Mapping` "
    "always has one; an inferred mapping is composed on the fly and has none (null)."
)
class Node:
    iri: strawberry.ID | None = strawberry.field(description=IRI)
