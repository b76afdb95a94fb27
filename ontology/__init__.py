"""The aimsgraph vocabulary: OWL terms and SHACL shapes (Turtle, shipped as package data), the namespace
constants, the stable IRIs of frameworks and provisions, and the table that turns graph records into RDF.

The RDF model is canonical: the embedded store keeps RDF, and every export validates against the shapes.
"""

from ontology.namespaces import AG, AGID, framework_iri, provision_iri, role_iri

__all__ = ["AG", "AGID", "framework_iri", "provision_iri", "role_iri"]
