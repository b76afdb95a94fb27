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
from typing import Any

from core import deadlines
from core.errors import NotFoundError, UsageError
from core.vocabulary import (
    CLOSED_VALUE_NAMES,
    EXPIRING_WITHIN_DAYS,
    MANAGEMENT_SYSTEMS,
    OPEN_FACTS,
    ORG_FACTS,
    ORG_VALUE_NAMES,
)
from graph.read import propagation
from graph.read.catalog_queries import CatalogQueries
from graph.read.crosswalks import Crosswalks
from graph.read.read_model import Snapshot
from graph.read.refs import annex_iii_ref
from graph.views.read import (
    ActView,
    AssetObligations,
    AssetView,
    ConditionView,
    CoverageView,
    DatesView,
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
    WorkItemView,
)
from mappings.relations import Relation, covers
from ontology.namespaces import org_iri, provision_path, soa_decision_iri

_RANK = {"valid": 3, "expiring": 2, "expired": 1, "missing": 0}
SOA_FRAMEWORKS = ("iso42001", "iso27001")
"""The management-system standards whose Annex A controls a Statement of Applicability decides."""
_CLOSED_VALUES = CLOSED_VALUE_NAMES


def _in_point(point: str, refs: set[str]) -> bool:
    """Annex III point 5(b) lies within point 5: naming "5" names all of its sub-points."""
    ref = annex_iii_ref(point)
    return any(ref.startswith(r + "(") for r in refs)


def _stated_dates(asset: AssetView) -> list[dt.date]:
    """The days the inventory says the asset was placed on the market or put into service."""
    return [dt.date.fromisoformat(v) for k, v in asset.values if k in ("placed_on_market", "put_into_service")]


def evidence_status(evidence: EvidenceView, day: dt.date) -> str:
    if evidence.valid_until is None:
        return "valid"
    if evidence.valid_until < day:
        return "expired"
    if (evidence.valid_until - day).days < EXPIRING_WITHIN_DAYS:  # not day + 30 days: past 9999-12-01 it overflows
        return "expiring"
    return "valid"


def standing(dates: DatesView, voluntary: bool) -> str:
    """Where a duty stands on the asked day, in words every face shows: "voluntary" for guidance, "in force since
    <day>", "from <day> (not yet)", or "in force" where it binds from a day nobody stated."""
    if voluntary:
        return "voluntary"
    if dates.applies_from is None:
        return "in force" if dates.in_force else "no date stated"
    if dates.in_force:
        return f"in force since {dates.applies_from.isoformat()}"
    return f"from {dates.applies_from.isoformat()} (not yet)"


def management_system_dates(dates: DatesView, org: OrganisationView | None, day: dt.date) -> DatesView:
    """A management-system standard's duty binds from the day the organisation established (or was certified
    for) the system, not from a date in the standard, which has none: in force since that day, or in force
    from a day the inventory does not state. Guidance (no system declared) is left to `standing`."""
    framework = dates.provision.framework
    if dates.applies_from is not None or dates.rule is not None or framework not in MANAGEMENT_SYSTEMS:
        return dates
    if org is None or framework not in org.management_systems:
        return dates
    since = org.management_system_since(framework)
    return replace(dates, applies_from=since, original=since, in_force=since is None or since <= day)


def best_status(matches: Sequence[EvidenceMatch]) -> str:
    if not matches:  # most obligations of a large organisation: no evidence at all
        return "missing"
    return max((m.status for m in matches), key=_RANK.__getitem__)


def _transitional(law: dict[str, Any], reasons: list[ReasonView], day: dt.date) -> dict[str, Any]:
    """Article 111's effect on an obligation: a later date where every reason for it is deferred, and the notes of
    what a transitional rule would change where the facts do not settle it, beside any other date note."""
    found: dict[str, Any] = {}
    notes = list(dict.fromkeys(n for r in reasons for n in r.notes))
    if not notes:
        return found
    deferred = [r.deferred_to for r in reasons]
    dates = law["dates"]
    if all(deferred) and (dates.applies_from is None or max(deferred) > dates.applies_from):  # type: ignore[type-var]
        later = max(d for d in deferred if d is not None)
        found["dates"] = replace(dates, applies_from=later, in_force=later <= day)
    found["date_note"] = "; ".join([n for n in (law.get("date_note"), *notes) if n])
    return found


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
    def _state(
        self, name: str, asset: AssetView, facts: dict[str, list[str]], org: OrganisationView | None
    ) -> bool | None:
        """A yes/no fact: True, False, or None when the inventory does not say."""
        if name in facts:
            return True
        if name in ORG_FACTS:
            if org is None:
                return None
            return True if name in org.facts else False if name in org.denied else None
        if name in OPEN_FACTS:
            return False if name in asset.denied else None
        return None if name in asset.unknown else False  # the older facts: absent is "no"

    @staticmethod
    def _value(name: str, asset: AssetView, org: OrganisationView | None) -> str | None:
        source = (org.values if org else ()) if name in ORG_VALUE_NAMES else asset.values
        return next((v for k, v in source if k == name), None)

    def _roles(
        self, asset: AssetView, facts: dict[str, list[str]], org: OrganisationView | None, day: dt.date
    ) -> dict[str, tuple[str, ...]]:
        """The asset's roles, with those a rule grants (Article 25's new provider), each with what it rests on."""
        roles: dict[str, tuple[str, ...]] = dict.fromkeys(asset.roles, ())
        granting = self._snapshot.rules.granting
        for _ in range(3):  # a grant may rest on another (gpai systemic risk → gpai provider); never deeper
            changed = False
            for rule in granting:
                reason = self._match(rule, asset, facts, roles=roles, org=org, day=day)
                role = rule.grants_role or ""
                if reason is None or (role in roles and len(roles[role]) <= len(reason.conditions)):
                    continue
                roles[role] = reason.conditions
                changed = True
            if not changed:
                break
        return roles

    def _open_facts(
        self, when: ConditionView, asset: AssetView, facts: dict[str, list[str]], org: OrganisationView | None
    ) -> list[str] | None:
        """The yes/no parts of a condition: None when one fails, else what the inventory leaves open."""
        open_: list[str] = []
        for name in when.facts:
            state = self._state(name, asset, facts, org)
            if state is False:
                return None
            if state is None:
                open_.append(f"{name} = yes")
        if when.any_facts:
            states = {name: self._state(name, asset, facts, org) for name in when.any_facts}
            if not any(states.values()):
                unknown = [name for name, state in states.items() if state is None]
                if not unknown:
                    return None
                open_.append(" or ".join(f"{name} = yes" for name in unknown))
        for name in when.not_facts:
            state = self._state(name, asset, facts, org)
            if state is True:
                return None
            if state is None:
                open_.append(f"{name} = no")
        return open_

    def _open_values(
        self, when: ConditionView, asset: AssetView, org: OrganisationView | None, assume_dated: bool = False
    ) -> list[str] | None:
        """The valued and dated parts of a condition: None when one fails, else what is left open."""
        open_: list[str] = []
        for name, allowed in when.values:
            value = self._value(name, asset, org)
            if value is None and name not in _CLOSED_VALUES:
                open_.append(f"{name} is {' or '.join(allowed)}")
            elif value not in allowed:
                return None
        for name, refused in when.not_values:
            value = self._value(name, asset, org)
            if value is None and name not in _CLOSED_VALUES:
                open_.append(f"{name} is not {' or '.join(refused)}")
            elif value in refused:
                return None
        for name, limit in when.before:
            value = self._value(name, asset, org)
            if value is None:
                open_.append(f"{name} before {limit.isoformat()}")
            elif dt.date.fromisoformat(value) >= limit:
                return None
        if when.dated_before is not None:
            stated = _stated_dates(asset)
            if (not stated and not assume_dated) or (stated and min(stated) >= when.dated_before):
                return None  # no date stated: `_matched` notes what the rule would do (it never hedges)
        return open_

    def _match(
        self,
        rule: RuleView,
        asset: AssetView,
        facts: dict[str, list[str]],
        *,
        roles: dict[str, tuple[str, ...]] | None = None,
        org: OrganisationView | None = None,
        day: dt.date | None = None,
        assume_dated: bool = False,
    ) -> ReasonView | None:
        """The reason the rule applies, None when it does not; `conditions` lists what the inventory leaves open.
        `assume_dated`: as if the asset's dates met the rule's `dated_before` (to say what it would do)."""
        when = rule.condition
        if rule.holds_from is not None and (day or dt.date.today()) < rule.holds_from:
            return None
        if when.kinds and asset.kind not in when.kinds:
            return None
        open_: list[str] = []
        held = roles if roles is not None else dict.fromkeys(asset.roles, ())
        role = None
        if when.roles:
            candidates = [r for r in when.roles if r in held]
            if not candidates:
                return None
            role = min(candidates, key=lambda r: len(held[r]))
            open_ += held[role]
        if any(r in asset.roles for r in when.not_roles):
            return None  # the roles the inventory states (a role a rule grants is the consequence, not the cause)
        stated = self._open_facts(when, asset, facts, org)
        if stated is None:
            return None
        open_ += stated
        points = tuple(asset.annex_iii)
        if when.annex_iii == "any" and not points:
            return None
        if when.annex_iii == "none" and points:
            return None
        if isinstance(when.annex_iii, tuple):
            wanted = {annex_iii_ref(p) for p in when.annex_iii}
            points = tuple(p for p in points if annex_iii_ref(p) in wanted or _in_point(p, wanted))
            if not points:
                return None
        if when.annex_iii_except:
            left_out = {annex_iii_ref(p) for p in when.annex_iii_except}
            points = tuple(p for p in points if annex_iii_ref(p) not in left_out and not _in_point(p, left_out))
            if not points:
                return None
        valued = self._open_values(when, asset, org, assume_dated)
        if valued is None:
            return None
        open_ += valued
        if when.in_scope is not None and asset.in_scope != when.in_scope:
            return None
        declared = org.management_systems if org else ()
        if when.management_system is not None:
            if when.management_system not in declared:
                return None
            inside = asset.in_scope if asset.ms_scopes is None else when.management_system in asset.ms_scopes
            if not inside:
                return None
        if when.no_management_system is not None and when.no_management_system in declared:
            return None
        named = [*(f for f in when.facts if f in facts), *(f for f in when.any_facts if f in facts)]
        described = tuple(fact if via == "" else f"{fact} (through {via})" for fact in named for via in facts[fact][:1])
        described += tuple(
            f"{name} = yes"
            for name in [*when.facts, *when.any_facts]
            if name in ORG_FACTS and name not in facts and org and name in org.facts
        )
        return ReasonView(
            rule=rule.id,
            framework=rule.framework,
            reason=rule.reason,
            role=role,
            facts=described,
            annex_iii=points if (when.annex_iii is not None or when.annex_iii_except) else (),
            conditions=tuple(dict.fromkeys(open_)),
            basis=rule.basis,
        )

    def _matched(self, asset: AssetView, wanted: set[str], day: dt.date) -> list[tuple[RuleView, ReasonView]]:
        """Every rule that holds (or may hold) for the asset, after derogations have taken away what they replace."""
        facts = self.facts(asset)
        org = self._orgs.organisations.get(asset.org)
        roles = self._roles(asset, facts, org, day)
        found: list[tuple[RuleView, ReasonView]] = []
        for framework, rules in sorted(self._snapshot.rules.by_framework.items()):
            if wanted and framework not in wanted:
                continue
            deadlines.check()  # a request's timeout stops one asset's answer between frameworks
            for rule in rules:
                reason = self._match(rule, asset, facts, roles=roles, org=org, day=day)
                if reason is not None:
                    found.append((rule, reason))
        derogations = [(r, why) for r, why in found if r.replaces]
        notes = self._undated(asset, facts, roles, org, day=day, wanted=wanted) if not _stated_dates(asset) else {}
        if not derogations and not notes and not any(r.defers for r, _ in found):
            return found
        deferrals = [(r, why) for r, why in found if r.defers]
        kept: list[tuple[RuleView, ReasonView]] = []
        for rule, matched in found:
            reason = matched
            extra: list[str] = []
            gone = False
            for derogation, why in derogations:
                if rule.id not in derogation.replaces:
                    continue
                if not why.conditions:
                    gone = True
                    break
                extra.append(f"not derogated ({derogation.basis}): unless {' and '.join(why.conditions)}")
            if gone:
                continue
            if extra:
                reason = replace(reason, conditions=reason.conditions + tuple(extra))
            for deferral, why in deferrals:
                if rule.id not in deferral.defers or deferral.defers_to is None:
                    continue
                later = f"from {deferral.defers_to.isoformat()} ({deferral.basis})"
                if why.conditions:
                    reason = replace(reason, notes=(*reason.notes, f"if {' and '.join(why.conditions)}: {later}"))
                else:
                    reason = replace(reason, notes=(*reason.notes, later), deferred_to=deferral.defers_to)
            if rule.id in notes:
                reason = replace(reason, notes=(*reason.notes, *notes[rule.id]))
            kept.append((rule, reason))
        return kept

    def _undated(
        self,
        asset: AssetView,
        facts: dict[str, list[str]],
        roles: dict[str, tuple[str, ...]],
        org: OrganisationView | None,
        *,
        day: dt.date,
        wanted: set[str],
    ) -> dict[str, list[str]]:
        """What the transitional rules (Article 111) would do to other rules' duties if the asset was already on
        the market or in service: the inventory states neither date, so the answer says it instead of guessing."""
        notes: dict[str, list[str]] = defaultdict(list)
        for rule in self._snapshot.rules.dated:
            limit = rule.condition.dated_before
            if wanted and rule.framework not in wanted:
                continue
            if limit is None or (rule.condition.kinds and asset.kind not in rule.condition.kinds):
                continue
            why = self._match(rule, asset, facts, roles=roles, org=org, day=day, assume_dated=True)
            if why is None:
                continue
            when = " and ".join(
                (f"placed on the market or put into service before {limit.isoformat()}", *why.conditions)
            )
            effect = f"from {rule.defers_to.isoformat()}" if rule.defers_to else "does not apply"
            for target in (*rule.replaces, *rule.defers):
                notes[target].append(f"if {when}: {effect} ({rule.basis})")
        return notes

    def _provisions(self, rule: RuleView) -> list[ProvisionView]:
        memo = self._snapshot.rule_provisions
        if rule.iri not in memo:
            by_iri = self._snapshot.catalog.by_iri
            found = [by_iri[iri] for iri in rule.provisions if iri in by_iri]
            if rule.kinds:
                found += [v for v in self._snapshot.catalog.units(rule.framework) if v.kind in rule.kinds]
            memo[rule.iri] = found
        return memo[rule.iri]

    def _act(self, framework: str, act_id: str | None) -> ActView | None:
        if act_id is None:
            return None
        return next(
            (a for a in self._snapshot.timeline.acts.values() if a.framework == framework and a.id == act_id), None
        )

    def _law_in_force(self, rules: list[RuleView], asset: AssetView, dates: DatesView, day: dt.date) -> dict[str, Any]:
        """The content, date and uncertainty of the law as it stands on `day` for these rules' provision."""
        found: dict[str, Any] = {}
        uncertain: dict[str, str] = {}
        if dates.rule is not None and dates.rule.act_rank > 0 and dates.rule.act.uncertainty:
            uncertain[dates.rule.act.id] = dates.rule.act.uncertainty
        for rule in rules:
            inserted_by = self._act(rule.framework, rule.act)
            if inserted_by is not None and inserted_by.uncertainty:
                uncertain[inserted_by.id] = inserted_by.uncertainty
            current = [a for a in rule.amended if a.holds_from <= day]
            if current:
                latest = max(current, key=lambda a: a.holds_from)
                found["content"], found["amended_by"] = latest.content, latest.act
                act = self._act(rule.framework, latest.act)
                if act is not None and act.uncertainty:
                    uncertain[act.id] = act.uncertainty
            transition = rule.transition
            amending = self._act(rule.framework, transition.act) if transition is not None else None
            if amending is not None and (amending.in_force is None or amending.in_force > day):
                transition = None  # the law that grants it does not hold yet on the asked day
            if transition is not None:
                value = self._value(transition.value, asset, None)
                later = f"from {transition.applies_from.isoformat()} ({transition.basis})"
                other = self._value(transition.open_value, asset, None) if transition.open_value else None
                if value is None and other is not None and dt.date.fromisoformat(other) < transition.before:
                    found["date_note"] = (
                        f"{transition.open_value} {other}, {transition.value} not stated: {transition.open_note}; "
                        f"if {transition.value} is before {transition.before.isoformat()}: {later}"
                    )
                elif value is None:
                    found["date_note"] = f"if {transition.value} is before {transition.before.isoformat()}: {later}"
                elif dt.date.fromisoformat(value) < transition.before:
                    found["dates"] = replace(
                        dates, applies_from=transition.applies_from, in_force=transition.applies_from <= day
                    )
                    found["date_note"] = f"{transition.value} {value}: {later}"
                act = self._act(rule.framework, transition.act)
                if act is not None and act.uncertainty:
                    uncertain[act.id] = act.uncertainty
        if uncertain:
            found["uncertainty"] = tuple(f"{act}: {text}" for act, text in sorted(uncertain.items()))
        return found

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
        """Every provision that applies to the asset, with addressee, reasons, evidence, status and dates;
        worked out once per snapshot, and kept across writes that leave it standing (`read_model.carry`)."""
        asset = self.asset(asset_id, org)
        day = as_of or dt.date.today()
        wanted = frozenset(self._catalog.framework(f).id for f in frameworks)
        key = (asset.org, asset.id, day, wanted)
        found = self._snapshot.answer(key)
        if found is None:
            found = self._obligations(asset, set(wanted), day)
            self._snapshot.remember(key, found)
        return found

    def _obligations(self, asset: AssetView, wanted: set[str], day: dt.date) -> AssetObligations:
        scope = "annex_i" if "annex_i" in asset.facts else "annex_iii" if asset.annex_iii else "all"
        gathered: dict[str, tuple[ProvisionView, str, list[ReasonView], bool, bool, list[RuleView]]] = {}
        excluded: dict[str, ExclusionView] = {}
        noted: set[str] = set()  # provisions a transitional rule (Article 111) speaks to
        for rule, reason in self._matched(asset, wanted, day):
            deadlines.check()
            for provision in self._provisions(rule):
                decision = self._orgs.controls.get((asset.org, provision.iri))
                if decision is not None and decision.status == "excluded":
                    excluded[provision.iri] = ExclusionView(provision, decision.justification or "")
                    continue
                addressee = rule.addressee or reason.role or "organisation"
                if provision.iri not in gathered:
                    org_wide = rule.addressee == "organisation"
                    gathered[provision.iri] = (provision, addressee, [], rule.voluntary, org_wide, [])
                entry = gathered[provision.iri]
                entry[2].append(reason)
                entry[5].append(rule)
                if reason.notes:
                    noted.add(provision.iri)
        obligations = []
        asset_prefix = org_iri(asset.org, "obligation", asset.id)  # `obligation_iri`, its parts quoted once
        org_prefix = org_iri(asset.org, "obligation", asset.org)
        organisation = self._orgs.organisations.get(asset.org)
        work = self._orgs.work
        for number, (provision, addressee, reasons, voluntary, org_wide, rules) in enumerate(gathered.values()):
            if number % 64 == 0:
                deadlines.check()
            matches = self._matches(provision, None if org_wide else asset, day, asset.org)
            dates = self._catalog.dates(provision, scope=scope, as_of=day)
            dates = management_system_dates(dates, organisation, day)
            certain = [r for r in reasons if not r.conditions]
            conditions = () if certain else tuple(dict.fromkeys(" and ".join(r.conditions) for r in reasons))
            law = {"dates": dates, **self._law_in_force(rules, asset, dates, day)}
            if provision.iri in noted:
                law.update(_transitional(law, reasons, day))
            iri = f"{org_prefix if org_wide else asset_prefix}/{provision_path(provision.framework, provision.ref)}"
            obligations.append(
                ObligationView(
                    asset=asset,
                    provision=provision,
                    addressee=addressee,
                    reasons=tuple(reasons),
                    evidence=matches,
                    status=best_status(matches),
                    voluntary=voluntary,
                    organisation_wide=org_wide,
                    conditions=conditions,
                    standing=standing(law["dates"], voluntary),
                    work=work.get(iri),
                    **law,
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

        Obligations not yet in force are included (their date says so): they are the gaps to close next. An
        obligation that applies only if a fact the inventory does not state holds is a gap with its conditions
        ("applies if ..."); voluntary guidance (a management system the organisation does not declare) never is.
        A gap groups the owner's assets under one provision; each asset keeps its own status (its evidence may
        be missing for one and expired for another), and the gap's `status` is the worst of them (missing).
        """
        found = self.organisation(org).id
        day = as_of or dt.date.today()
        kept = self._snapshot.kept_gaps((found, day))
        if kept is None:
            kept = self._snapshot.gaps[(found, day)] = self._gaps(found, day)
        return list(kept)

    def _gaps(self, found: str, day: dt.date) -> list[GapView]:
        # per (owner, provision): the last obligation met (a gap takes its dates, evidence and standing), the
        # conditions merged over all, every asset's status and the work items; one GapView each at the end,
        # not one per obligation (tens of thousands per call on the demo with a few dozen assets)
        last: dict[tuple[str, str], ObligationView] = {}
        conditions_of: dict[tuple[str, str], tuple[str, ...]] = {}
        # not tuples grown per asset: quadratic
        statuses_of: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        work_of: dict[tuple[str, str], dict[str, WorkItemView]] = defaultdict(dict)
        for asset in self.assets(found):
            deadlines.check()  # a request's timeout stops the work here, not after the last asset
            for obligation in self.obligations(asset.id, org=found, as_of=day).obligations:
                if obligation.voluntary or obligation.status in ("valid", "expiring"):
                    continue
                owner = "organisation" if obligation.organisation_wide else asset.owner
                key = (owner, obligation.provision.iri)
                statuses_of[key].append((asset.id, obligation.status))
                if obligation.work is not None:
                    work_of[key][obligation.work.iri] = obligation.work
                conditions = obligation.conditions
                if key in last:  # certain for one asset is certain; otherwise every alternative, once
                    earlier = conditions_of[key]
                    conditions = () if not (earlier and conditions) else tuple(dict.fromkeys(earlier + conditions))
                last[key] = obligation
                conditions_of[key] = conditions
        gaps = [
            GapView(
                owner=key[0],
                assets=tuple(asset for asset, _ in statuses_of[key]),
                provision=obligation.provision,
                status=min((status for _, status in statuses_of[key]), key=_RANK.__getitem__),
                applies_from=obligation.dates.applies_from,
                in_force=obligation.dates.in_force,
                evidence=obligation.evidence,
                conditions=conditions_of[key],
                org=found,
                asset_statuses=tuple(statuses_of[key]),
                standing=obligation.standing,
                work=tuple(work_of[key].values()),
            )
            for key, obligation in last.items()
        ]
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

    def statement_of_applicability(
        self, org: str | None = None, as_of: dt.date | None = None, framework: str = "iso42001"
    ) -> list[SoaRow]:
        """Every Annex A control of an ISO management-system standard (ISO/IEC 42001 by default, or 27001):
        included or excluded and why, its status and its evidence."""
        organisation = self.organisation(org)
        found = organisation.id
        standard = self._catalog.framework(framework).id
        if standard not in SOA_FRAMEWORKS:
            raise UsageError(f"a Statement of Applicability is kept for {' and '.join(SOA_FRAMEWORKS)}, not {standard}")
        binding = standard in organisation.management_systems
        day = as_of or dt.date.today()
        rows = []
        for control in self._catalog.provisions(standard, kind="control"):
            deadlines.check()
            decision = self._orgs.controls.get((found, control.iri))
            matches = self._matches(control, None, day, found)
            status = best_status(matches)
            iri = soa_decision_iri(found, control.framework, control.ref)
            rows.append(
                SoaRow(
                    control=control,
                    included=decision is None or decision.status != "excluded",
                    status=decision.status if decision else "undecided",
                    justification=decision.justification if decision else None,
                    evidence=matches,
                    evidence_status=status,
                    rests_on_expired=status == "expired",
                    binding=binding,
                    org=found,
                    inclusion_reasons=decision.inclusion_reasons if decision else (),
                    inclusion_note=decision.inclusion_note if decision else None,
                    work=self._orgs.work.get(iri),
                )
            )
        return rows
