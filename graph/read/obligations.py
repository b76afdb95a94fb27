"""The applicability engine: which provisions apply to an asset, why, from when, and what evidence covers them.

How an answer is built:
- the asset's facts are its own plus those it takes on through `uses` (personal data, special categories and
  transfers outside the EEA travel from a dataset or model to the systems that use it, never from a vendor,
  and each reason says through which asset);
- every applicability rule whose condition holds adds its provisions, naming the role that matched (the
  addressee) and the reason; a control the Statement of Applicability excludes is left out and listed with
  its justification;
- evidence counts when it proves the provision (or what the provision is part of), or a provision that a
  curated mapping says is equal to or broader than it — for the asset, or organisation-wide for a
  management-system obligation; its status is valid, expiring (within 30 days), expired or missing;
- the date comes from the law's timeline for the asset's high-risk route (Annex I, Annex III or none).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from core import deadlines
from core.errors import NotFoundError, UsageError
from core.vocabulary import EXPIRING_WITHIN_DAYS
from graph.read import propagation
from graph.read.catalog_queries import CatalogQueries
from graph.read.crosswalks import Crosswalks
from graph.read.read_model import Snapshot
from graph.read.refs import annex_iii_ref
from graph.views.read import (
    AssetObligations,
    AssetView,
    CoverageView,
    EvidenceMatch,
    EvidenceView,
    ExclusionView,
    GapView,
    ObligationView,
    OrganisationView,
    ProvisionView,
    ReasonView,
    RuleView,
    SoaRow,
    VerdictView,
)
from mappings.relations import Relation, covers

_RANK = {"valid": 3, "expiring": 2, "expired": 1, "missing": 0}


def evidence_status(evidence: EvidenceView, day: dt.date) -> str:
    if evidence.valid_until is None:
        return "valid"
    if evidence.valid_until < day:
        return "expired"
    if (evidence.valid_until - day).days < EXPIRING_WITHIN_DAYS:  # not day + 30 days: past 9999-12-01 it overflows
        return "expiring"
    return "valid"


def best_status(matches: Sequence[EvidenceMatch]) -> str:
    if not matches:  # most obligations of a large organisation: no evidence at all
        return "missing"
    return max((m.status for m in matches), key=_RANK.__getitem__)


class Obligations:
    def __init__(self, snapshot: Snapshot, catalog: CatalogQueries, crosswalks: Crosswalks) -> None:
        self._snapshot = snapshot
        self._orgs = snapshot.organisations
        self._catalog = catalog
        self._crosswalks = crosswalks

    # -- the organisation and its assets -------------------------------------------------------------------
    def organisation(self, org: str | None = None) -> OrganisationView:
        """The organisation named, or the only one in the graph."""
        known = self._orgs.organisations
        if org is not None:
            if org not in known:
                raise NotFoundError("organisation", org, f"known: {', '.join(sorted(known)) or 'none loaded'}")
            return known[org]
        if len(known) != 1:
            names = ", ".join(sorted(known)) or "none loaded"
            raise UsageError(f"name the organisation: the graph holds {len(known)} ({names})")
        return next(iter(known.values()))

    def organisations(self) -> list[OrganisationView]:
        return sorted(self._orgs.organisations.values(), key=lambda o: o.id)

    def assets(self, org: str | None = None) -> list[AssetView]:
        found = self.organisation(org).id
        return sorted((a for (o, _), a in self._orgs.assets.items() if o == found), key=lambda a: a.id)

    def asset(self, asset_id: str, org: str | None = None) -> AssetView:
        found = self.organisation(org).id
        asset = self._orgs.assets.get((found, asset_id))
        if asset is None:
            ids = sorted(a for (o, a) in self._orgs.assets if o == found)
            raise NotFoundError("asset", asset_id, f"assets of {found}: {', '.join(ids[:20])}")
        return asset

    def assets_by_key(self, keys: Sequence[tuple[str, str]]) -> list[AssetView | None]:
        """Batch lookup for DataLoaders: (organisation, asset id) pairs, in the order asked."""
        return [self._orgs.assets.get(key) for key in keys]

    def facts(self, asset: AssetView) -> dict[str, list[str]]:
        """Each fact that holds of the asset, with where it comes from ("" for the asset itself)."""
        found: dict[str, list[str]] = {fact: [""] for fact in asset.facts}
        for fact, path in self._taken_in(asset).items():
            found.setdefault(fact, [path])
        return found

    def _taken_in(self, asset: AssetView) -> dict[str, str]:
        """The facts an asset takes on through `uses`, each with the path it came along (`propagation`: linear
        in the organisation's graph, memoised per snapshot)."""
        return propagation.taken_in(asset, self._orgs.assets, self._snapshot.taken_in)

    # -- rules ---------------------------------------------------------------------------------------------
    def _match(self, rule: RuleView, asset: AssetView, facts: dict[str, list[str]]) -> ReasonView | None:
        when = rule.condition
        if when.kinds and asset.kind not in when.kinds:
            return None
        role = next((r for r in when.roles if r in asset.roles), None)
        if when.roles and role is None:
            return None
        if any(f not in facts for f in when.facts) or (when.any_facts and not any(f in facts for f in when.any_facts)):
            return None
        if any(f in facts for f in when.not_facts):
            return None
        points = tuple(asset.annex_iii)
        if when.annex_iii == "any" and not points:
            return None
        if when.annex_iii == "none" and points:
            return None
        if isinstance(when.annex_iii, tuple):
            wanted = {annex_iii_ref(p) for p in when.annex_iii}
            points = tuple(p for p in points if annex_iii_ref(p) in wanted)
            if not points:
                return None
        if when.in_scope is not None and asset.in_scope != when.in_scope:
            return None
        named = [*when.facts, *(f for f in when.any_facts if f in facts)]
        described = tuple(fact if via == "" else f"{fact} (through {via})" for fact in named for via in facts[fact][:1])
        return ReasonView(
            rule=rule.id,
            framework=rule.framework,
            reason=rule.reason,
            role=role,
            facts=described,
            annex_iii=points if when.annex_iii is not None else (),
        )

    def _provisions(self, rule: RuleView) -> list[ProvisionView]:
        memo = self._snapshot.rule_provisions
        if rule.iri not in memo:
            by_iri = self._snapshot.catalog.by_iri
            found = [by_iri[iri] for iri in rule.provisions if iri in by_iri]
            if rule.kinds:
                found += [v for v in self._snapshot.catalog.units(rule.framework) if v.kind in rule.kinds]
            memo[rule.iri] = found
        return memo[rule.iri]

    # -- evidence ------------------------------------------------------------------------------------------
    def _evidence(self, org: str) -> dict[str, list[EvidenceView]]:
        if org not in self._snapshot.evidence:
            by_provision: dict[str, list[EvidenceView]] = defaultdict(list)
            for item in self._orgs.evidence.get(org, ()):
                by_provision[item.provision].append(item)
            self._snapshot.evidence[org] = dict(by_provision)
        return self._snapshot.evidence[org]

    def _candidates(self, provision: ProvisionView, org: str) -> list[tuple[EvidenceView, str | None]]:
        """Evidence that could count for the provision (before asset and date), worked out once per snapshot."""
        key = (org, provision.iri)
        memo = self._snapshot.candidates
        if key in memo:
            return memo[key]
        evidence = self._evidence(org)
        found: list[tuple[EvidenceView, str | None]] = []
        for part in [provision, *self._catalog.ancestors(provision)]:
            found += [(e, None) for e in evidence.get(part.iri, ())]
            for mapping in self._snapshot.mappings.edges.get(part.iri, ()):
                if mapping.relation in (Relation.EQUAL, Relation.SUBSET) and not mapping.harmonized:
                    items = evidence.get(mapping.target, ())
                    if not items:
                        continue
                    label = self._catalog.label(mapping.target)
                    how = "equal to" if mapping.relation is Relation.EQUAL else "broader than"
                    note = f"{label} ({how} {part.framework} {part.ref}; {mapping.provenance.mapping_set})"
                    found += [(e, note) for e in items]
        memo[key] = found
        return found

    def _matches(
        self, provision: ProvisionView, asset: AssetView | None, day: dt.date, org: str
    ) -> tuple[EvidenceMatch, ...]:
        candidates = self._candidates(provision, org)
        if not candidates:
            return ()
        found = [
            EvidenceMatch(item, evidence_status(item, day), via)
            for item, via in candidates
            if asset is None or not item.assets or asset.id in item.assets
        ]
        found.sort(key=lambda m: (-_RANK[m.status], m.through is not None, m.evidence.id))
        return tuple(found)

    # -- the questions -------------------------------------------------------------------------------------
    def obligations(
        self,
        asset_id: str,
        *,
        org: str | None = None,
        frameworks: Sequence[str] = (),
        as_of: dt.date | None = None,
    ) -> AssetObligations:
        """Every provision that applies to the asset, with addressee, reasons, evidence, status and dates."""
        asset = self.asset(asset_id, org)
        day = as_of or dt.date.today()
        wanted = {self._catalog.framework(f).id for f in frameworks}
        facts = self.facts(asset)
        scope = "annex_i" if "annex_i" in facts else "annex_iii" if asset.annex_iii else "all"
        gathered: dict[str, tuple[ProvisionView, str, list[ReasonView], bool, bool]] = {}
        excluded: dict[str, ExclusionView] = {}
        for framework, rules in sorted(self._snapshot.rules.by_framework.items()):
            if wanted and framework not in wanted:
                continue
            for rule in rules:
                reason = self._match(rule, asset, facts)
                if reason is None:
                    continue
                for provision in self._provisions(rule):
                    decision = self._orgs.controls.get((asset.org, provision.iri))
                    if decision is not None and decision.status == "excluded":
                        excluded[provision.iri] = ExclusionView(provision, decision.justification or "")
                        continue
                    addressee = rule.addressee or reason.role or "organisation"
                    if provision.iri not in gathered:
                        org_wide = rule.addressee == "organisation"
                        gathered[provision.iri] = (provision, addressee, [], rule.voluntary, org_wide)
                    gathered[provision.iri][2].append(reason)
        obligations = []
        for provision, addressee, reasons, voluntary, org_wide in gathered.values():
            matches = self._matches(provision, None if org_wide else asset, day, asset.org)
            obligations.append(
                ObligationView(
                    asset=asset,
                    provision=provision,
                    addressee=addressee,
                    reasons=tuple(reasons),
                    evidence=matches,
                    status=best_status(matches),
                    dates=self._catalog.dates(provision, scope=scope, as_of=day),
                    voluntary=voluntary,
                    organisation_wide=org_wide,
                )
            )
        obligations.sort(key=lambda o: (o.provision.framework, o.provision.order))
        return AssetObligations(
            asset=asset,
            obligations=tuple(obligations),
            excluded=tuple(sorted(excluded.values(), key=lambda e: e.provision.order)),
            as_of=day,
        )

    def gaps(self, org: str | None = None, as_of: dt.date | None = None) -> list[GapView]:
        """Binding obligations without valid evidence, by owner; organisation-wide ones once.

        Obligations not yet in force are included (their date says so): they are the gaps to close next.
        """
        found = self.organisation(org).id
        day = as_of or dt.date.today()
        per_provision: dict[tuple[str, str], GapView] = {}
        assets_of: dict[tuple[str, str], list[str]] = defaultdict(list)  # not a tuple grown per asset: quadratic
        for asset in self.assets(found):
            deadlines.check()  # a request's timeout stops the work here, not after the last asset
            for obligation in self.obligations(asset.id, org=found, as_of=day).obligations:
                if obligation.voluntary or obligation.status in ("valid", "expiring"):
                    continue
                owner = "organisation" if obligation.organisation_wide else asset.owner
                key = (owner, obligation.provision.iri)
                assets_of[key].append(asset.id)
                per_provision[key] = GapView(
                    owner=owner,
                    assets=(),
                    provision=obligation.provision,
                    status=obligation.status,
                    applies_from=obligation.dates.applies_from,
                    in_force=obligation.dates.in_force,
                    evidence=obligation.evidence,
                )
        gaps = (replace(gap, assets=tuple(assets_of[key])) for key, gap in per_provision.items())
        return sorted(gaps, key=lambda g: (g.owner, g.provision.framework, g.provision.order))

    def coverage(
        self,
        want: str,
        *,
        have: str,
        org: str | None = None,
        have_refs: Sequence[str] = (),
        include_inferred: bool = False,
        as_of: dt.date | None = None,
    ) -> CoverageView:
        """Coverage of `want` by what the organisation implements of `have` (implemented or partial controls),
        each verdict flagged when every implemented provision behind it rests on expired evidence."""
        if have_refs:
            raise UsageError("name the implemented provisions or the organisation that implements them, not both")
        found = self.organisation(org).id
        day = as_of or dt.date.today()
        have_id = self._catalog.framework(have).id
        implemented = [
            self._snapshot.catalog.by_iri[c.provision]
            for (o, _), c in sorted(self._orgs.controls.items())
            if o == found and c.status in ("implemented", "partial") and c.provision in self._snapshot.catalog.by_iri
        ]
        refs = [p.ref for p in implemented if p.framework == have_id]
        if not refs:
            raise UsageError(f"{found} records no implemented {have_id} controls")
        # Keeping control decisions for a management-system standard means running its clauses (the SoA is
        # itself clause 6.1.3's output), so the clauses count as implemented with the controls.
        refs += [v.ref for v in self._snapshot.catalog.units(have_id) if v.kind == "clause" and v.ref not in refs]
        result = self._crosswalks.coverage(want, have=have_id, have_refs=refs, include_inferred=include_inferred)
        status_of = {p.iri: best_status(self._matches(p, None, day, found)) for p in implemented}

        def expired(verdict: VerdictView) -> bool:
            sources = [
                m.source.iri for m in verdict.because if covers(Relation(m.relation)) or verdict.status != "covered"
            ]
            known = [status_of.get(iri) for iri in sources if iri in status_of]
            return bool(known) and all(s == "expired" for s in known)

        flagged = tuple(replace(v, rests_on_expired=expired(v)) for v in result.verdicts)
        return replace(result, verdicts=flagged)

    def statement_of_applicability(self, org: str | None = None, as_of: dt.date | None = None) -> list[SoaRow]:
        """Every ISO/IEC 42001 Annex A control: included or excluded and why, its status and its evidence."""
        found = self.organisation(org).id
        day = as_of or dt.date.today()
        rows = []
        for control in self._catalog.provisions("iso42001", kind="control"):
            decision = self._orgs.controls.get((found, control.iri))
            matches = self._matches(control, None, day, found)
            status = best_status(matches)
            rows.append(
                SoaRow(
                    control=control,
                    included=decision is None or decision.status != "excluded",
                    status=decision.status if decision else "undecided",
                    justification=decision.justification if decision else None,
                    evidence=matches,
                    evidence_status=status,
                    rests_on_expired=status == "expired",
                )
            )
        return rows
