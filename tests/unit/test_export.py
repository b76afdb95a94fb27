"""The RDF model is canonical: an export of the graph parses and conforms to the shapes."""

from __future__ import annotations

import json

import pytest
import rdflib

from core.errors import UsageError
from core.vocabulary import KIND_LABELS
from graph.service import Service
from ontology.namespaces import AG, SKOS, provision_iri
from ontology.resources import shapes_graph
from ontology.validate import validate_graph


def test_turtle_export_validates_against_the_shapes(bundled: Service) -> None:
    graph = rdflib.Graph().parse(data=bundled.answers().exports.graph("turtle"), format="turtle")
    assert validate_graph(graph) == []
    provisions = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef(AG + "Provision")))
    assert len(provisions) == sum(f.provision_count for f in bundled.answers().catalog.frameworks())
    article = rdflib.URIRef(provision_iri("eu-ai-act", "Article 9(2)"))
    assert graph.value(article, rdflib.URIRef(SKOS + "notation")) == rdflib.Literal("Article 9(2)")
    assert str(article) == "https://w3id.org/aimsgraph/id/eu-ai-act/Article%209%282%29"


def test_json_ld_export_parses(bundled: Service) -> None:
    text = bundled.answers().exports.graph("json-ld")
    assert isinstance(json.loads(text), list | dict)
    assert len(rdflib.Graph().parse(data=text, format="json-ld")) > 10_000


def test_unknown_export_format_is_a_usage_error(bundled: Service) -> None:
    with pytest.raises(UsageError, match="turtle, json-ld, nt"):
        bundled.answers().exports.graph("xml")


def test_the_shapes_target_every_provision_kind_and_the_mapping_classes() -> None:
    targets = {str(o) for o in shapes_graph().objects(None, rdflib.URIRef("http://www.w3.org/ns/shacl#targetClass"))}
    every_kind = {AG + label for label in KIND_LABELS.values()}
    assert every_kind <= targets, f"no shape targets {sorted(every_kind - targets)}"
    assert {AG + c for c in ("Provision", "Mapping", "MappingSet", "Evidence")} <= targets
