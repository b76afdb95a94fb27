"""Lists a GRC tool syncs from, with filters, and the lookup of anything by its global id (its IRI).

Why here and not in each interface: "the evidence expiring before June", "the excluded ISO 27001 controls",
"the missing GDPR obligations of one asset" are questions of the product, answered once for GraphQL, the CLI
and the reports. Every list comes in a stable order (the order a connection's cursors follow); a filter is a
plain view (`graph.views.read.*Filter`) whose empty fields keep everything.

Global ids are IRIs (`ontology.namespaces`): stored things (frameworks, provisions, organisations, assets,
evidence, recorded controls, mapping sets) under the IRI of their record, and derived answers (obligations,
gaps, Statement of Applicability decisions) under an IRI made of what identifies them. `node` reads the IRI's
shape, looks the thing up in the snapshot, and raises NotFoundError for anything it does not find.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from urllib.parse import quote, unquote

from core.errors import NotFoundError
from graph.read.catalog_queries import CatalogQueries
from graph.read.crosswalks import Crosswalks
from graph.read.obligations import SOA_FRAMEWORKS, Obligations, evidence_status
from graph.read.read_model import Snapshot
from graph.views.read import (
    AssetView,
    ControlFilter,
    EvidenceFilter,
    EvidenceMatch,
    FrameworkView,
    GapView,
    MappingSetView,
    MappingView,
    ObligationFilter,
    ObligationView,
    OrganisationView,
    ProvisionView,
    RecordedControlView,
    SoaRow,
)
from ontology.namespaces import AGID

NodeView = (
    FrameworkView
    | ProvisionView
    | OrganisationView
    | AssetView
    | EvidenceMatch
    | RecordedControlView
    | MappingSetView
    | MappingView
    | ObligationView
    | GapView
    | SoaRow
)
"""What a global id can name. Owners (the work model) join here with their view and a branch in `node`."""


def keeps(item: ObligationView | GapView, wanted: ObligationFilter) -> bool:
    """Whether an obligation or a gap passes the filter (one clause per field)."""
    if wanted.frameworks and item.provision.framework not in wanted.frameworks:
        return False
    if isinstance(item, GapView):
        statuses = {status for asset, status in item.asset_statuses if wanted.asset in (None, asset)}
        if wanted.asset is not None and not statuses:
            return False
        return not wanted.statuses or bool(statuses & set(wanted.statuses))
    if wanted.asset is not None and item.asset.id != wanted.asset:
        return False
    return not wanted.statuses or item.status in wanted.statuses


class Listings:
    """The lists and the lookup by global id, at one snapshot."""

    def __init__(
        self, snapshot: Snapshot, catalog: CatalogQueries, crosswalks: Crosswalks, organisation: Obligations
    ) -> None:
        self._snapshot = snapshot
        self._orgs = snapshot.organisations
        self._catalog = catalog
        self._crosswalks = crosswalks
        self._organisation = organisation
        # an organisation's gaps on a day, worked out once per request (aliased `node` lookups of gaps, a gap
        # list and its lookups): they walk every asset's obligations
        self._gaps: dict[tuple[str, dt.date | None], list[GapView]] = {}

    # -- lists ---------------------------------------------------------------------------------------------
    def _frameworks(self, ids: Sequence[str]) -> set[str]:
        return {self._catalog.framework(f).id for f in ids}  # NOT_FOUND for an unknown framework

    def evidence(
        self, org: str | None = None, wanted: EvidenceFilter | None = None, as_of: dt.date | None = None
    ) -> list[EvidenceMatch]:
        """The organisation's evidence items by id, each with its status on `as_of` (today by default)."""
        found = self._organisation.organisation(org).id
        day = as_of or dt.date.today()
        wanted = wanted or EvidenceFilter()
        if wanted.asset is not None:
            self._organisation.asset(wanted.asset, found)  # NOT_FOUND for an unknown asset
        frameworks = self._frameworks(wanted.frameworks)
        items = []
        for item in sorted(self._orgs.evidence.get(found, ()), key=lambda e: e.id):
            status = evidence_status(item, day)
            if wanted.statuses and status not in wanted.statuses:
                continue
            if wanted.asset is not None and wanted.asset not in item.assets:
                continue
            if wanted.expiring_before is not None and (
                item.valid_until is None or item.valid_until >= wanted.expiring_before
            ):
                continue
            if frameworks and self._catalog.framework_of(item.provision) not in frameworks:
                continue
            items.append(EvidenceMatch(item, status, None))
        return items

    def controls(self, org: str | None = None, wanted: ControlFilter | None = None) -> list[RecordedControlView]:
        """The control decisions the organisation recorded, by framework and document order."""
        found = self._organisation.organisation(org).id
        wanted = wanted or ControlFilter()
        frameworks = self._frameworks(wanted.frameworks)
        recorded = []
        for (owner, iri), control in self._orgs.controls.items():
            provision = self._catalog.provisions_by_iri([iri])[0]
            if owner != found or provision is None:
                continue
            if frameworks and provision.framework not in frameworks:
                continue
            if wanted.statuses and control.status not in wanted.statuses:
                continue
            recorded.append(RecordedControlView(found, provision, control.status, control.justification))
        return sorted(recorded, key=lambda c: (c.provision.framework, c.provision.order))

    def soa_decisions(
        self, org: str | None = None, wanted: ControlFilter | None = None, as_of: dt.date | None = None
    ) -> list[SoaRow]:
        """Every Annex A control of ISO/IEC 42001 and 27001 (or the frameworks asked for) with the decision on it:
        undecided where none is recorded."""
        wanted = wanted or ControlFilter()
        frameworks = self._frameworks(wanted.frameworks) or set(SOA_FRAMEWORKS)
        rows = [
            row
            for framework in SOA_FRAMEWORKS
            if framework in frameworks
            for row in self._organisation.statement_of_applicability(org, as_of, framework)
        ]
        return [row for row in rows if not wanted.statuses or row.status in wanted.statuses]

    def obligations(
        self, org: str | None = None, wanted: ObligationFilter | None = None, as_of: dt.date | None = None
    ) -> list[ObligationView]:
        """Every obligation of the organisation's assets (or of `wanted.asset`), by asset then framework and
        document order; an organisation-wide duty once, where its first asset lists it."""
        found = self._organisation.organisation(org).id
        wanted = wanted or ObligationFilter()
        self._frameworks(wanted.frameworks)
        assets = (
            [self._organisation.asset(wanted.asset, found)]
            if wanted.asset is not None
            else self._organisation.assets(found)
        )
        seen: set[str] = set()
        listed = []
        for asset in assets:
            answer = self._organisation.obligations(asset.id, org=found, frameworks=wanted.frameworks, as_of=as_of)
            for obligation in answer.obligations:
                if obligation.iri in seen or not keeps(obligation, wanted):
                    continue
                seen.add(obligation.iri)
                listed.append(obligation)
        return listed

    def gaps(
        self, org: str | None = None, wanted: ObligationFilter | None = None, as_of: dt.date | None = None
    ) -> list[GapView]:
        """The organisation's gaps (`Obligations.gaps`) that pass the filter."""
        found = self._organisation.organisation(org).id
        wanted = wanted or ObligationFilter()
        self._frameworks(wanted.frameworks)
        if wanted.asset is not None:
            self._organisation.asset(wanted.asset, found)
        if (found, as_of) not in self._gaps:
            self._gaps[(found, as_of)] = self._organisation.gaps(found, as_of)
        return [gap for gap in self._gaps[(found, as_of)] if keeps(gap, wanted)]

    # -- lookup by global id ---------------------------------------------------------------------------------
    def node(self, iri: str) -> NodeView:
        """The thing a global id names; NotFoundError when the graph holds nothing under it."""
        if not iri.startswith(AGID):
            raise NotFoundError("node", iri, "a global id is an IRI starting with " + AGID)
        parts = [unquote(part) for part in iri[len(AGID) :].split("/")]
        found: NodeView | None = None
        try:
            found = self._lookup(parts)
        except NotFoundError:
            found = None
        if found is None or found.iri != iri:  # the IRI's spelling must be the canonical one, too
            raise NotFoundError("node", iri, "nothing in the graph has this global id")
        return found

    def _lookup(self, parts: list[str]) -> NodeView | None:
        head, rest = parts[0], parts[1:]
        if head == "org" and rest:
            return self._in_organisation(rest[0], rest[1:])
        if head == "mapping" and len(rest) == 2:
            return self._mapping(AGID + "/".join(quote(part, safe="") for part in parts))
        if head == "mapping-set" and len(rest) == 1:
            return next((s for s in self._crosswalks.mapping_sets() if s.id == rest[0]), None)
        if len(parts) == 1:
            return self._catalog.frameworks_by_id([head])[0]
        if len(parts) == 2:
            framework = self._catalog.frameworks_by_id([head])[0]
            return self._catalog.provision(framework.id, rest[0]) if framework else None
        return None

    def _mapping(self, iri: str) -> MappingView | None:
        stored = next((m for m in self._snapshot.mappings.mappings if m.id == iri), None)
        if stored is None:
            return None
        views = self._crosswalks.mappings_of([stored.source])[0]
        return next((v for v in views if v.iri == iri and not v.inverted), None)

    def _in_organisation(self, org: str, parts: list[str]) -> NodeView | None:
        if not parts:
            return self._organisation.organisation(org)
        kind, rest = parts[0], parts[1:]
        lookups: dict[str, Callable[[str, list[str]], NodeView | None]] = {
            "asset": self._asset,
            "evidence": self._evidence,
            "control": self._control,
            "obligation": self._obligation,
            "gap": self._gap,
            "soa-decision": self._soa_decision,
            # the work model's owners (`ontology.namespaces.owner_iri`: org/{org}/owner/{id}) add "owner" here
        }
        lookup = lookups.get(kind)
        return lookup(org, rest) if lookup else None

    def _asset(self, org: str, parts: list[str]) -> AssetView | None:
        return self._organisation.asset(parts[0], org) if len(parts) == 1 else None

    def _evidence(self, org: str, parts: list[str]) -> EvidenceMatch | None:
        return next((e for e in self.evidence(org) if [e.evidence.id] == parts), None)

    def _control(self, org: str, parts: list[str]) -> RecordedControlView | None:
        framework, _, ref = parts[0].partition("/") if len(parts) == 1 else ("", "", "")
        return next((c for c in self.controls(org, ControlFilter((framework,))) if c.provision.ref == ref), None)

    def _obligation(self, org: str, parts: list[str]) -> ObligationView | None:
        if len(parts) != 3:
            return None
        holder, framework, ref = parts
        # an organisation-wide duty is named by the organisation: any asset may carry it
        wanted = ObligationFilter(frameworks=(framework,), asset=None if holder == org else holder)
        return next((o for o in self.obligations(org, wanted) if o.provision.ref == ref), None)

    def _gap(self, org: str, parts: list[str]) -> GapView | None:
        if len(parts) != 3:
            return None
        owner, framework, ref = parts
        gaps = self.gaps(org, ObligationFilter(frameworks=(framework,)))
        return next((g for g in gaps if g.owner == owner and g.provision.ref == ref), None)

    def _soa_decision(self, org: str, parts: list[str]) -> SoaRow | None:
        if len(parts) != 2 or parts[0] not in SOA_FRAMEWORKS:
            return None
        rows = self.soa_decisions(org, ControlFilter((parts[0],)))
        return next((r for r in rows if r.control.ref == parts[1]), None)
