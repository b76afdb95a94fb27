"""Records ⇄ RDF, through the term table, in a form neutral to the RDF library.

The embedded store (pyoxigraph) and the exporter/validator (rdflib) both consume these plain tuples, so the
mapping is written once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from core.records import Node, Scalar, Value
from ontology.namespaces import RDF
from ontology.terms import (
    LINK_BY_IRI,
    LINK_BY_NAME,
    PROPERTY_BY_IRI,
    PROPERTY_BY_NAME,
    XSD_DATATYPES,
    class_iri,
    label_of,
)

RDF_TYPE = RDF + "type"


@dataclass(frozen=True, slots=True)
class Lit:
    lexical: str
    datatype: str


Obj = str | Lit  # a str object is an IRI
Triple = tuple[str, str, Obj]


class UnknownTermError(ValueError):
    """A record used a property or link name that the term table does not define (a programming error)."""


def property_names(names: Iterable[str]) -> list[str]:
    """The names once each, in order, all of them properties the term table defines; else UnknownTermError."""
    wanted = list(dict.fromkeys(names))
    unknown = [name for name in wanted if name not in PROPERTY_BY_NAME]
    if unknown:
        raise UnknownTermError(f"properties {unknown!r} have no term in ontology/terms.py")
    return wanted


def _lexical(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def node_to_triples(node: Node) -> Iterator[Triple]:
    for label in node.labels:
        yield node.id, RDF_TYPE, class_iri(label)
    for name, value in node.props.items():
        term = PROPERTY_BY_NAME.get(name)
        if term is None:
            raise UnknownTermError(f"property {name!r} of {node.id} has no term in ontology/terms.py")
        values: tuple[Scalar, ...] = value if isinstance(value, tuple) else (value,)
        for item in values:
            yield node.id, term.iri, Lit(_lexical(item), XSD_DATATYPES[term.datatype])
    for name, targets in node.links.items():
        link = LINK_BY_NAME.get(name)
        if link is None:
            raise UnknownTermError(f"link {name!r} of {node.id} has no term in ontology/terms.py")
        for target in targets:
            yield node.id, link.iri, target


def nodes_to_triples(nodes: Iterable[Node]) -> Iterator[Triple]:
    for node in nodes:
        yield from node_to_triples(node)


def _python_value(literal: Lit, datatype: str) -> Scalar:
    text = literal.lexical
    if datatype == "integer":
        return int(text)
    if datatype == "boolean":
        return text in ("true", "1")
    if datatype == "date":
        return dt.date.fromisoformat(text)
    if datatype == "dateTime":
        return dt.datetime.fromisoformat(text)
    if datatype == "decimal":
        return float(text)
    return text


def triples_to_node(subject: str, triples: Iterable[tuple[str, Obj]]) -> Node | None:
    """Rebuild one record from its (predicate, object) pairs; None if the subject has no known class."""
    labels: list[str] = []
    props: dict[str, list[Scalar]] = defaultdict(list)
    links: dict[str, list[str]] = defaultdict(list)
    for predicate, obj in triples:
        if predicate == RDF_TYPE and isinstance(obj, str):
            label = label_of(obj)
            if label:
                labels.append(label)
        elif isinstance(obj, Lit) and predicate in PROPERTY_BY_IRI:
            term = PROPERTY_BY_IRI[predicate]
            props[term.name].append(_python_value(obj, term.datatype))
        elif isinstance(obj, str) and predicate in LINK_BY_IRI:
            links[LINK_BY_IRI[predicate].name].append(obj)
    if not labels:
        return None
    folded: dict[str, Value] = {}
    for name, values in props.items():
        term = PROPERTY_BY_NAME[name]
        folded[name] = tuple(sorted(values, key=str)) if term.many else values[0]
    return Node(
        id=subject,
        labels=tuple(sorted(labels)),
        props=folded,
        links={name: tuple(sorted(targets)) for name, targets in links.items()},
    )


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def ntriples_term(obj: Obj) -> str:
    if isinstance(obj, Lit):
        if obj.datatype == XSD_STRING:  # RDF 1.1: the same literal; plain form suits every tool
            return f'"{_escape(obj.lexical)}"'
        return f'"{_escape(obj.lexical)}"^^<{obj.datatype}>'
    return f"<{obj}>"


class TextSink(Protocol):
    def writelines(self, lines: Iterable[str], /) -> None: ...


def write_ntriples(triples: Iterable[Triple], handle: TextSink) -> None:
    """Stream N-Triples to a file, a line at a time, for writes too large to hold as one string."""
    handle.writelines(f"<{s}> <{p}> {ntriples_term(o)} .\n" for s, p, o in triples)


def to_ntriples(triples: Iterable[Triple]) -> str:
    """N-Triples text for the triples; also valid inside a SPARQL ``INSERT DATA`` block.

    Subjects and predicates are IRIs the product minted (percent-encoded), so only literals need escaping.
    """
    return "".join(f"<{s}> <{p}> {ntriples_term(o)} .\n" for s, p, o in triples)
