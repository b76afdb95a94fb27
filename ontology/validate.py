"""SHACL validation of graph content against the bundled shapes.

pyshacl runs on an rdflib graph holding the data plus the vocabulary (for the class hierarchy). Each
violation comes back with its focus node, so callers can point at the file and line that made it.

rdflib and pyshacl are imported when first used: together they cost a reading command a third of a second
of start-up, and most commands never validate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ontology.rdf import XSD_STRING, Lit, Obj, Triple
from ontology.resources import shapes_graph, vocabulary_graph

if TYPE_CHECKING:
    import rdflib


@dataclass(frozen=True, slots=True)
class Violation:
    focus: str
    path: str | None
    message: str


def _rdflib_term(obj: Obj) -> rdflib.term.Node:
    import rdflib

    if not isinstance(obj, Lit):
        return rdflib.URIRef(obj)
    if obj.datatype == XSD_STRING:  # rdflib tells "x" from "x"^^xsd:string; RDF 1.1 does not
        return rdflib.Literal(obj.lexical)
    return rdflib.Literal(obj.lexical, datatype=rdflib.URIRef(obj.datatype))


def to_rdflib(triples: Iterable[Triple], graph: rdflib.Graph | None = None) -> rdflib.Graph:
    import rdflib

    target = graph if graph is not None else rdflib.Graph()
    for s, p, o in triples:
        target.add((rdflib.URIRef(s), rdflib.URIRef(p), _rdflib_term(o)))
    return target


def _short(term: object) -> str | None:
    if term is None:
        return None
    text = str(term)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def validate_graph(data: rdflib.Graph) -> list[Violation]:
    """Every SHACL violation in `data`; an empty list means the data conforms."""
    import rdflib
    from pyshacl import validate as shacl_validate
    from rdflib.namespace import SH

    conforms, report, _ = shacl_validate(
        data,
        shacl_graph=shapes_graph(),
        ont_graph=vocabulary_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    if conforms:
        return []
    assert isinstance(report, rdflib.Graph)
    violations: list[Violation] = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        violations.append(Violation(str(focus), _short(path), str(message) if message else "violates a shape"))
    violations.sort(key=lambda v: (v.focus, v.path or "", v.message))
    return violations
