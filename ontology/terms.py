"""The one table that says how graph records become RDF and back.

Each record label is an ontology class; each property and link name has one predicate. Nothing else in the
code base spells predicate IRIs for records, so the Turtle export, SHACL validation and the embedded store
cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.vocabulary import Relation
from ontology.namespaces import AG, DCTERMS, SKOS, XSD

Datatype = Literal["string", "integer", "boolean", "date", "dateTime", "decimal", "anyURI"]


@dataclass(frozen=True, slots=True)
class PropertyTerm:
    name: str
    iri: str
    datatype: Datatype = "string"
    many: bool = False


@dataclass(frozen=True, slots=True)
class LinkTerm:
    name: str
    iri: str


PROPERTY_TERMS: tuple[PropertyTerm, ...] = (
    PropertyTerm("ref", SKOS + "notation"),
    PropertyTerm("name", SKOS + "prefLabel"),
    PropertyTerm("title", DCTERMS + "title"),
    PropertyTerm("summary", DCTERMS + "description"),
    PropertyTerm("order", AG + "order", "integer"),
    PropertyTerm("informative", AG + "informative", "boolean"),
    PropertyTerm("applies_from", AG + "appliesFrom", "date"),
    PropertyTerm("framework_id", AG + "frameworkId"),
    PropertyTerm("identifier", DCTERMS + "identifier"),
    PropertyTerm("version", DCTERMS + "hasVersion"),
    PropertyTerm("issued", DCTERMS + "issued", "date"),
    PropertyTerm("created", DCTERMS + "created", "date"),
    PropertyTerm("publisher", DCTERMS + "publisher"),
    PropertyTerm("creator", DCTERMS + "creator", many=True),
    PropertyTerm("source", DCTERMS + "source"),
    PropertyTerm("url", "http://www.w3.org/2000/01/rdf-schema#seeAlso", "anyURI"),
    PropertyTerm("binding", AG + "binding", "boolean"),
    PropertyTerm("strength", AG + "strength", "integer"),
    PropertyTerm("rationale_type", AG + "rationaleType"),
    PropertyTerm("rationale", AG + "rationale"),
    PropertyTerm("review_status", AG + "reviewStatus"),
    PropertyTerm("inferred", AG + "inferred", "boolean"),
    PropertyTerm("from_authority", AG + "fromAuthority", "boolean"),
    PropertyTerm("harmonized_structure", AG + "harmonizedStructure", "boolean"),
    PropertyTerm("adopted", AG + "adopted", "date"),
    PropertyTerm("signed", AG + "signed", "date"),
    PropertyTerm("published", AG + "published", "date"),
    PropertyTerm("in_force", AG + "inForce", "date"),
    PropertyTerm("oj_reference", AG + "ojReference"),
    PropertyTerm("uncertainty", AG + "uncertainty"),
    PropertyTerm("cites", DCTERMS + "references", many=True),
    PropertyTerm("basis", AG + "basis"),
    PropertyTerm("scope", AG + "dateScope"),
    PropertyTerm("holds_from", AG + "holdsFrom", "date"),
    PropertyTerm("note", SKOS + "note"),
    PropertyTerm("owner", AG + "owner"),
    PropertyTerm("roles", AG + "role", many=True),
    PropertyTerm("annex_iii", AG + "annexIII", many=True),
    PropertyTerm("facts", AG + "fact", many=True),
    PropertyTerm("in_scope", AG + "inScope", "boolean"),
    PropertyTerm("denied_facts", AG + "deniedFact", many=True),
    PropertyTerm("unknown_facts", AG + "unknownFact", many=True),
    PropertyTerm("fact_values", AG + "factValue", many=True),
    PropertyTerm("management_systems", AG + "managementSystem", many=True),
    PropertyTerm("ms_scopes", AG + "inManagementSystemScope", many=True),
    PropertyTerm("jurisdiction", AG + "jurisdiction", many=True),
    PropertyTerm("justification", AG + "justification"),
    PropertyTerm("reason", AG + "reason"),
    PropertyTerm("condition", AG + "condition"),
    PropertyTerm("effects", AG + "ruleEffects"),
    PropertyTerm("provision_kinds", AG + "provisionKind", many=True),
    PropertyTerm("voluntary", AG + "voluntary", "boolean"),
    PropertyTerm("addressee_role", AG + "addresseeRole"),
    PropertyTerm("status", AG + "status"),
    PropertyTerm("location", AG + "location", "anyURI"),
    PropertyTerm("content_hash", AG + "contentHash"),
    PropertyTerm("collected_on", AG + "collectedOn", "date"),
    PropertyTerm("valid_until", AG + "validUntil", "date"),
    # the audit trail and API keys
    PropertyTerm("recorded_at", AG + "recordedAt", "dateTime"),
    PropertyTerm("sequence", AG + "sequence", "integer"),
    PropertyTerm("actor", AG + "actor"),
    PropertyTerm("actor_key", AG + "actorKey"),
    PropertyTerm("operation", AG + "operation"),
    PropertyTerm("audited_organisation", AG + "auditedOrganisation"),
    PropertyTerm("audited_kind", AG + "auditedKind"),
    PropertyTerm("audited_id", AG + "auditedId"),
    PropertyTerm("audited_assets", AG + "auditedAsset", many=True),
    PropertyTerm("before", AG + "before"),
    PropertyTerm("after", AG + "after"),
    PropertyTerm("request_id", AG + "requestId"),
    PropertyTerm("key_role", AG + "keyRole"),
    PropertyTerm("key_hash", AG + "keyHash"),
    PropertyTerm("created_at", AG + "createdAt", "dateTime"),
    PropertyTerm("revoked_at", AG + "revokedAt", "dateTime"),
    # webhooks
    PropertyTerm("webhook_secret", AG + "webhookSecret"),
    PropertyTerm("webhook_organisation", AG + "webhookOrganisation"),
    PropertyTerm("webhook_kinds", AG + "webhookKind", many=True),
    PropertyTerm("delivered", AG + "delivered", "integer"),
    # the work model: owners, work items on obligations and controls, the SoA's reason for inclusion
    PropertyTerm("email", AG + "email"),
    PropertyTerm("owner_kind", AG + "ownerKind"),
    PropertyTerm("work_kind", AG + "workKind"),
    PropertyTerm("due_on", AG + "dueOn", "date"),
    PropertyTerm("review_cadence", AG + "reviewCadence"),
    PropertyTerm("last_reviewed", AG + "lastReviewed", "date"),
    PropertyTerm("work_status", AG + "workStatus"),
    PropertyTerm("status_reason", AG + "statusReason"),
    PropertyTerm("status_changed_at", AG + "statusChangedAt", "dateTime"),
    PropertyTerm("status_changed_by", AG + "statusChangedBy"),
    PropertyTerm("inclusion_reasons", AG + "inclusionReason", many=True),
    PropertyTerm("inclusion_note", AG + "inclusionNote"),
    PropertyTerm("ms_since", AG + "managementSystemSince", many=True),
)
SECRET_PROPERTIES: frozenset[str] = frozenset({"key_hash", "webhook_secret"})
"""Properties that stay in the store and never leave it: no export carries them."""

LINK_TERMS: tuple[LinkTerm, ...] = (
    LinkTerm("PART_OF", AG + "partOf"),
    LinkTerm("IN_FRAMEWORK", SKOS + "inScheme"),
    LinkTerm("ADDRESSEE", AG + "addressee"),
    LinkTerm("SOURCE", AG + "source"),
    LinkTerm("TARGET", AG + "target"),
    LinkTerm("RELATION", AG + "relation"),
    LinkTerm("IN_MAPPING_SET", AG + "inMappingSet"),
    LinkTerm("SOURCE_FRAMEWORK", AG + "sourceFramework"),
    LinkTerm("TARGET_FRAMEWORK", AG + "targetFramework"),
    LinkTerm("IMPLEMENTS", AG + "implements"),
    LinkTerm("SCOPE", AG + "scope"),
    LinkTerm("EVIDENCES", AG + "evidences"),
    LinkTerm("USES", AG + "uses"),
    LinkTerm("OWNED_BY", AG + "ownedBy"),
    LinkTerm("USED_IN", AG + "usedIn"),
    LinkTerm("DATES", AG + "dates"),
    LinkTerm("UNDER_ACT", AG + "underAct"),
    LinkTerm("IN_ORGANISATION", AG + "inOrganisation"),
    LinkTerm("RULE_FOR", AG + "ruleFor"),
    LinkTerm("ASSIGNED_TO", AG + "assignedTo"),
    LinkTerm("WORK_ON", AG + "workOn"),
    LinkTerm("MEMBER_OF", AG + "memberOf"),
)

PROPERTY_BY_NAME = {term.name: term for term in PROPERTY_TERMS}
PROPERTY_BY_IRI = {term.iri: term for term in PROPERTY_TERMS}
LINK_BY_NAME = {term.name: term for term in LINK_TERMS}
LINK_BY_IRI = {term.iri: term for term in LINK_TERMS}

XSD_DATATYPES: dict[Datatype, str] = {
    "string": XSD + "string",
    "integer": XSD + "integer",
    "boolean": XSD + "boolean",
    "date": XSD + "date",
    "dateTime": XSD + "dateTime",
    "decimal": XSD + "decimal",
    "anyURI": XSD + "anyURI",
}


def class_iri(label: str) -> str:
    """Record labels are the local names of ontology classes (`Article` → ag:Article)."""
    return AG + label


def label_of(class_iri_value: str) -> str | None:
    return class_iri_value[len(AG) :] if class_iri_value.startswith(AG) else None


RELATION_IRIS: dict[Relation, str] = {
    Relation.EQUAL: AG + "equal",
    Relation.SUBSET: AG + "subset",
    Relation.SUPERSET: AG + "superset",
    Relation.INTERSECTS: AG + "intersects",
    Relation.NO_RELATIONSHIP: AG + "noRelationship",
    Relation.RELATED: AG + "related",
}
"""The individual that names each relation on a reified mapping (`ag:relation ag:subset`)."""
RELATIONS_BY_IRI: dict[str, Relation] = {iri: relation for relation, iri in RELATION_IRIS.items()}

SKOS_MATCH: dict[Relation, str] = {
    Relation.EQUAL: SKOS + "exactMatch",
    Relation.SUBSET: SKOS + "broadMatch",  # S lies within T: T is broader
    Relation.SUPERSET: SKOS + "narrowMatch",
    Relation.INTERSECTS: SKOS + "relatedMatch",
    Relation.RELATED: SKOS + "relatedMatch",
}
"""The SKOS mapping property each relation is exported as."""
RELATION_FOR_SKOS: dict[str, Relation] = {iri: rel for rel, iri in SKOS_MATCH.items() if rel is not Relation.RELATED}

DPV = "https://w3id.org/dpv#"
AIRO = "https://w3id.org/airo#"
ROLE_MATCHES: dict[str, tuple[str, str]] = {
    "provider": (SKOS + "exactMatch", AIRO + "AIProvider"),
    "deployer": (SKOS + "exactMatch", AIRO + "AIDeployer"),
    "importer": (SKOS + "broadMatch", AIRO + "AIOperator"),
    "distributor": (SKOS + "broadMatch", AIRO + "AIOperator"),
    "authorised_representative": (SKOS + "broadMatch", AIRO + "AIOperator"),
    "product_manufacturer": (SKOS + "broadMatch", AIRO + "AIOperator"),
    "controller": (SKOS + "exactMatch", DPV + "DataController"),
    "processor": (SKOS + "exactMatch", DPV + "DataProcessor"),
    "joint_controller": (SKOS + "exactMatch", DPV + "JointDataControllers"),
    "data_subject": (SKOS + "exactMatch", DPV + "DataSubject"),
    "recipient": (SKOS + "exactMatch", DPV + "Recipient"),
}
"""Addressee roles as the DPV and AIRO vocabularies name them, where they have a term: AIRO's provider and
deployer are the AI Act's (Art. 3(3), 3(4)); its operator (Art. 3(8)) is broader than the other AI Act
roles; DPV's controller, processor, joint controllers, data subject and recipient are the GDPR's (Art. 4,
26). Roles without a fitting term (the authorities, the Commission) have none."""
