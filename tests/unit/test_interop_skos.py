"""RDF that plain SKOS tools understand without inference: rdflib, with no reasoner, finds every provision as a
skos:Concept in its framework's skos:ConceptScheme and every part's skos:broader; the JSON-LD export is
compacted with the documented context; AI Act and GDPR roles point at their AIRO and DPV terms."""

from __future__ import annotations

import json

import pytest
import rdflib
from rdflib.namespace import RDF, SKOS

from graph.service import Service
from ontology.namespaces import framework_iri


@pytest.fixture(scope="module")
def turtle(bundled: Service) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=bundled.answers().exports.graph("turtle"), format="turtle")
    return graph


def test_every_provision_is_a_concept_in_its_scheme_and_every_part_has_its_broader(
    bundled: Service, turtle: rdflib.Graph
) -> None:
    catalog = bundled.answers().catalog
    concepts = set(turtle.subjects(RDF.type, SKOS.Concept))
    for framework in catalog.frameworks():
        scheme = rdflib.URIRef(framework_iri(framework.id))
        assert (scheme, RDF.type, SKOS.ConceptScheme) in turtle
        for view in catalog.provisions(framework.id):
            concept = rdflib.URIRef(view.iri)
            assert concept in concepts, view.iri
            assert (concept, SKOS.inScheme, scheme) in turtle
            assert (concept, SKOS.prefLabel, None) in turtle
            if view.parent_iri:
                assert (concept, SKOS.broader, rdflib.URIRef(view.parent_iri)) in turtle
            else:
                assert (concept, SKOS.topConceptOf, scheme) in turtle


def test_ai_act_and_gdpr_roles_point_at_their_airo_and_dpv_terms(turtle: rdflib.Graph) -> None:
    airo, dpv = rdflib.Namespace("https://w3id.org/airo#"), rdflib.Namespace("https://w3id.org/dpv#")
    matches = {(str(o)) for _, o in turtle.subject_objects(SKOS.exactMatch)}
    assert str(airo.AIProvider) in matches and str(airo.AIDeployer) in matches
    assert str(dpv.DataController) in matches and str(dpv.DataProcessor) in matches


@pytest.mark.slow
def test_the_json_ld_export_uses_the_documented_context_and_means_the_same_graph(
    bundled: Service, turtle: rdflib.Graph
) -> None:
    text = bundled.answers().exports.graph("json-ld")
    document = json.loads(text)
    assert document["@context"]["broader"] == {"@id": "skos:broader", "@type": "@id"}
    again = rdflib.Graph()
    again.parse(data=text, format="json-ld")
    assert len(again) == len(turtle)
