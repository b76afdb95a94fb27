"""Namespaces and stable identifiers.

An IRI is a function of its input only (framework id and ref as the source writes it), so loading the same
file twice, or on another machine, names the same things.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

AG = "https://w3id.org/aimsgraph/ontology#"
AGID = "https://w3id.org/aimsgraph/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"

PREFIXES: dict[str, str] = {
    "ag": AG,
    "agid": AGID,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
}


def framework_iri(framework_id: str) -> str:
    return f"{AGID}{quote(framework_id, safe='')}"


def provision_iri(framework_id: str, ref: str) -> str:
    return f"{AGID}{quote(framework_id, safe='')}/{quote(ref, safe='')}"


def org_iri(org: str, kind: str = "", item_id: str = "") -> str:
    """An organisation (`org_iri("acme")`) or one of its things (`org_iri("acme", "asset", "credit-model")`)."""
    base = f"{AGID}org/{quote(org, safe='')}"
    return base if not kind else f"{base}/{quote(kind, safe='')}/{quote(item_id, safe='')}"


def role_iri(role: str) -> str:
    return f"{AGID}role/{quote(role, safe='')}"


# Derived and work-model items. Obligations, gaps and SoA decisions are answers, not stored records, but a GRC
# tool must name them to page, look them up (`node(id)`) and attach work to them, so each gets a stable IRI that
# is a function of what identifies it. These IRIs are the GraphQL global ids (`node(id:)`), the keys the work
# model hangs assignees and statuses on, and the ids the Neo4j model shows.


def obligation_iri(org: str, asset_id: str, framework_id: str, ref: str) -> str:
    """One asset's duty under one provision; an organisation-wide duty uses the organisation's id as `asset_id`."""
    return f"{org_iri(org, 'obligation', asset_id)}/{provision_path(framework_id, ref)}"


@lru_cache(maxsize=16_384)
def provision_path(framework_id: str, ref: str) -> str:
    """The provision's part of an IRI (`eu-ai-act/Article%209`), quoted once per provision: an asset's answer
    names hundreds of obligations, and quoting each anew was most of the answer's time."""
    return f"{quote(framework_id, safe='')}/{quote(ref, safe='')}"


def gap_iri(org: str, owner: str, framework_id: str, ref: str) -> str:
    """A gap as `gaps` groups it: one provision, one owner (an asset owner, or "organisation")."""
    return f"{org_iri(org, 'gap', owner)}/{quote(framework_id, safe='')}/{quote(ref, safe='')}"


def soa_decision_iri(org: str, framework_id: str, ref: str) -> str:
    """The organisation's Statement of Applicability decision on one control."""
    return f"{org_iri(org, 'soa-decision', framework_id)}/{quote(ref, safe='')}"


def owner_iri(org: str, owner_id: str) -> str:
    """A person or team the work model assigns obligations and controls to."""
    return org_iri(org, "owner", owner_id)
