"""Exports: the whole graph as RDF, and one mapping set as SSSOM TSV or SKOS Turtle.

Every graph export is checked against the bundled SHACL shapes before it is handed out: a file that other
tools will trust must not carry content the product itself would refuse to load.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from importlib import resources
from typing import TYPE_CHECKING

from core import deadlines
from core.errors import IntegrityError, NotFoundError, UsageError
from core.records import Node
from core.vocabulary import KIND_LABELS
from graph.read.catalog_queries import CatalogQueries
from graph.read.read_model import Snapshot
from graph.stores.protocol import Store
from loaders.mapping_set import MappingSetFile
from mappings.relations import Relation
from ontology.namespaces import AG, DCTERMS, PREFIXES, SKOS
from ontology.rdf import nodes_to_triples
from ontology.terms import ROLE_MATCHES, SECRET_PROPERTIES, SKOS_MATCH
from ontology.validate import to_rdflib, validate_graph

if TYPE_CHECKING:
    import rdflib

RDF_FORMATS = {"turtle": "turtle", "ttl": "turtle", "json-ld": "json-ld", "jsonld": "json-ld", "nt": "nt"}
MAPPING_FORMATS = ("sssom", "skos")


def _without_secrets(nodes: Iterable[Node]) -> Iterator[Node]:
    """The nodes less their secret properties (API key hashes): they never leave the store."""
    for number, node in enumerate(nodes):
        if number % 1024 == 0:
            deadlines.check()  # a request's timeout stops an export of the whole graph
        if any(name in SECRET_PROPERTIES for name in node.props):
            props = {k: v for k, v in node.props.items() if k not in SECRET_PROPERTIES}
            yield Node(id=node.id, labels=node.labels, props=props, links=node.links)
        else:
            yield node


def _serialise(graph: rdflib.Graph, rdf_format: str) -> str:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    graph.bind("dpv", "https://w3id.org/dpv#")
    graph.bind("airo", "https://w3id.org/airo#")
    if rdf_format == "json-ld":  # compacted with the documented context (docs/interop.md), not expanded IRIs
        context = json.loads(resources.files("ontology").joinpath("aimsgraph.context.jsonld").read_text("utf-8"))
        compact: str = graph.serialize(format="json-ld", context=context["@context"])
        return compact
    text: str = graph.serialize(format=rdf_format)
    return text


def _materialise_skos(graph: rdflib.Graph) -> None:
    """What a SKOS tool needs stated, since it runs no inference over our ontology: each framework a
    skos:ConceptScheme, each provision a skos:Concept with a skos:prefLabel, skos:broader to its parent
    (ag:partOf's super-property) and skos:topConceptOf its framework when it has no parent; each addressee
    role matched to its DPV or AIRO term where one fits."""
    import rdflib
    from rdflib.namespace import RDF as RDF_NS

    skos = rdflib.Namespace(SKOS)
    ag = rdflib.Namespace(AG)
    kinds = {rdflib.URIRef(AG + label) for label in KIND_LABELS.values()} | {ag.Provision}
    for framework in set(graph.subjects(RDF_NS.type, ag.Framework)):
        graph.add((framework, RDF_NS.type, skos.ConceptScheme))
    for provision in {s for kind in kinds for s in graph.subjects(RDF_NS.type, kind)}:
        graph.add((provision, RDF_NS.type, skos.Concept))
        title = graph.value(provision, rdflib.URIRef(DCTERMS + "title")) or graph.value(provision, skos.notation)
        if title is not None:
            graph.add((provision, skos.prefLabel, rdflib.Literal(str(title), lang="en")))
        parent = graph.value(provision, ag.partOf)
        if parent is not None:
            graph.add((provision, skos.broader, parent))
            graph.add((parent, skos.narrower, provision))
        else:
            for scheme in graph.objects(provision, skos.inScheme):
                graph.add((provision, skos.topConceptOf, scheme))
                graph.add((scheme, skos.hasTopConcept, provision))
    for role in set(graph.subjects(RDF_NS.type, ag.AddresseeRole)):
        name = str(graph.value(role, skos.notation) or "")
        if name in ROLE_MATCHES:
            predicate, term = ROLE_MATCHES[name]
            graph.add((role, rdflib.URIRef(predicate), rdflib.URIRef(term)))


class Exports:
    def __init__(self, store: Store, snapshot: Snapshot, catalog: CatalogQueries) -> None:
        self._store = store
        self._snapshot = snapshot
        self._catalog = catalog

    def graph(self, rdf_format: str = "turtle") -> str:
        """The whole graph as RDF (turtle, json-ld or nt); IntegrityError if it breaks the shapes."""
        if rdf_format not in RDF_FORMATS:
            raise UsageError(f"unknown export format {rdf_format!r}; choose one of turtle, json-ld, nt")
        graph = to_rdflib(nodes_to_triples(_without_secrets(self._store.all_nodes())))
        violations = validate_graph(graph)
        if violations:
            listed = "\n".join(f"  {v.focus} {v.path or ''}: {v.message}" for v in violations[:20])
            more = f"\n  … and {len(violations) - 20} more" if len(violations) > 20 else ""
            raise IntegrityError(
                f"the store breaks its own shapes in {len(violations)} place(s); nothing was exported:\n{listed}{more}"
            )
        _materialise_skos(graph)
        return _serialise(graph, RDF_FORMATS[rdf_format])

    def mapping_set_file(self, set_id: str) -> MappingSetFile:
        """A stored mapping set in its file form, as loaded (for export)."""
        index = self._snapshot.mappings
        found = index.sets.get(set_id)
        if found is None:
            raise NotFoundError("mapping set", set_id, f"known sets: {', '.join(sorted(index.sets)) or 'none'}")
        by_iri = self._snapshot.catalog.by_iri
        entries: list[dict[str, object]] = []
        absent: list[dict[str, object]] = []
        for number, mapping in enumerate(index.mappings):
            if number % 512 == 0:
                deadlines.check()  # a request's timeout stops the export inside the field
            if mapping.provenance.mapping_set != set_id:
                continue
            source = by_iri.get(mapping.source)
            if source is None:
                raise IntegrityError(
                    f"mapping set {set_id} names a provision the store does not hold: {mapping.source}"
                )
            if mapping.relation is Relation.NO_RELATIONSHIP:
                absent.append({"source": source.ref, "rationale": mapping.rationale})
                continue
            target = by_iri.get(mapping.target)
            if target is None:
                raise IntegrityError(
                    f"mapping set {set_id} names a provision the store does not hold: {mapping.target}"
                )
            entry: dict[str, object] = {
                "source": source.ref,
                "target": target.ref,
                "relation": mapping.relation.value,
                "strength": mapping.strength,
                "rationale_type": mapping.rationale_type,
                "rationale": mapping.rationale,
            }
            if mapping.provenance.review_status != found.review_status:
                entry["review_status"] = mapping.provenance.review_status
            if mapping.provenance.authority:
                entry["from_authority"] = True
            if mapping.harmonized:
                entry["harmonized_structure"] = True
            entries.append(entry)
        header: dict[str, object] = {
            "id": found.id,
            "title": found.title,
            "source_framework": found.source_framework,
            "target_framework": found.target_framework,
            "creators": list(found.creators),
            "created": found.created,
            "review_status": found.review_status,
            "description": found.description,
        }
        if found.authority:
            header["authority"] = {
                "name": found.authority,
                "publisher": found.authority_publisher or "",
                "url": found.authority_url,
            }
        return MappingSetFile.model_validate({"mapping_set": header, "mappings": entries, "no_counterpart": absent})

    def mapping_set(self, set_id: str, fmt: str = "sssom") -> str:
        """One mapping set as SSSOM TSV (lossless; `load` reads it back) or SKOS Turtle."""
        if fmt not in MAPPING_FORMATS:
            raise UsageError(f"unknown mapping export format {fmt!r}; choose sssom or skos")
        mapping_set = self.mapping_set_file(set_id)
        if fmt == "sssom":
            from loaders.sssom import write_sssom

            labels = {(v.framework, v.ref): v.display_title for v in self._snapshot.catalog.by_iri.values()}
            versions = {f.id: f.version for f in self._catalog.frameworks()}
            return write_sssom(mapping_set, labels, versions)
        index = self._snapshot.mappings
        found = index.sets[set_id]
        mappings = [m for m in index.mappings if m.provenance.mapping_set == set_id]
        nodes = self._store.get([found.iri, *(m.id for m in mappings)])
        import rdflib

        graph = to_rdflib(nodes_to_triples(nodes.values()))
        for mapping in mappings:
            if mapping.relation in SKOS_MATCH:
                graph.add(
                    (
                        rdflib.URIRef(mapping.source),
                        rdflib.URIRef(SKOS_MATCH[mapping.relation]),
                        rdflib.URIRef(mapping.target),
                    )
                )
        return _serialise(graph, "turtle")
