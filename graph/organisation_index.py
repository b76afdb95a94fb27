"""The organisations in the graph: their assets, control decisions and evidence, indexed for the engine."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from core.records import Node
from core.vocabulary import LABEL_ASSET_KINDS
from graph.store import Store
from graph.views import AssetView, ControlView, EvidenceView, OrganisationView


def _text(node: Node, name: str) -> str | None:
    value = node.prop(name)
    return value if isinstance(value, str) else None


def _many(node: Node, name: str) -> tuple[str, ...]:
    value = node.prop(name)
    if isinstance(value, tuple):
        return tuple(str(v) for v in value)
    return (str(value),) if value is not None else ()


@dataclass(slots=True)
class OrganisationIndex:
    organisations: dict[str, OrganisationView] = field(default_factory=dict)
    assets: dict[tuple[str, str], AssetView] = field(default_factory=dict)  # (org, asset id)
    controls: dict[tuple[str, str], ControlView] = field(default_factory=dict)  # (org, provision IRI)
    evidence: dict[str, list[EvidenceView]] = field(default_factory=dict)  # org → its evidence
    node_ids: dict[str, list[str]] = field(default_factory=dict)  # org → every node it owns

    @classmethod
    def build(cls, store: Store) -> OrganisationIndex:
        index = cls()
        org_by_iri: dict[str, str] = {}
        ids: dict[str, list[str]] = defaultdict(list)
        for node in store.nodes("Organisation"):
            org = _text(node, "identifier") or node.id
            org_by_iri[node.id] = org
            ids[org].append(node.id)
            index.organisations[org] = OrganisationView(
                id=org,
                iri=node.id,
                name=_text(node, "name") or org,
                jurisdictions=_many(node, "jurisdiction"),
                scope=_text(node, "summary"),
            )
        asset_ids: dict[str, str] = {}
        asset_nodes = [n for n in store.nodes("Asset") if "Organisation" not in n.labels]
        for node in asset_nodes:
            asset_ids[node.id] = _text(node, "identifier") or node.id
        for node in asset_nodes:
            owner_org = org_by_iri.get(node.link("IN_ORGANISATION") or "")
            if owner_org is None:
                continue
            org = owner_org
            ids[org].append(node.id)
            kind = next((LABEL_ASSET_KINDS[label] for label in node.labels if label in LABEL_ASSET_KINDS), "ai_system")
            asset = AssetView(
                org=org,
                id=asset_ids[node.id],
                iri=node.id,
                kind=kind,
                name=_text(node, "name") or asset_ids[node.id],
                owner=_text(node, "owner") or "",
                roles=_many(node, "roles"),
                annex_iii=_many(node, "annex_iii"),
                facts=_many(node, "facts"),
                in_scope=node.prop("in_scope") is not False,
                uses=tuple(sorted(asset_ids[iri] for iri in node.links.get("USES", ()) if iri in asset_ids)),
                description=_text(node, "summary"),
            )
            index.assets[(org, asset.id)] = asset
        for node in store.nodes("ImplementedControl"):
            control_org = org_by_iri.get(node.link("IN_ORGANISATION") or "")
            provision = node.link("IMPLEMENTS")
            if control_org is None or provision is None:
                continue
            org = control_org
            ids[org].append(node.id)
            index.controls[(org, provision)] = ControlView(
                org=org,
                provision=provision,
                status=_text(node, "status") or "implemented",
                justification=_text(node, "justification"),
            )
        for node in store.nodes("Evidence"):
            evidence_org = org_by_iri.get(node.link("IN_ORGANISATION") or "")
            provision = node.link("EVIDENCES")
            collected = node.prop("collected_on")
            if evidence_org is None or provision is None or not isinstance(collected, dt.date):
                continue
            org = evidence_org
            ids[org].append(node.id)
            valid_until = node.prop("valid_until")
            index.evidence.setdefault(org, []).append(
                EvidenceView(
                    org=org,
                    id=_text(node, "identifier") or node.id,
                    provision=provision,
                    assets=tuple(sorted(asset_ids.get(iri, iri) for iri in node.links.get("SCOPE", ()))),
                    uri=_text(node, "location") or "",
                    sha256=_text(node, "content_hash") or "",
                    collected=collected,
                    valid_until=valid_until if isinstance(valid_until, dt.date) else None,
                    owner=_text(node, "owner") or "",
                    title=_text(node, "title"),
                )
            )
        index.node_ids = dict(ids)
        return index
