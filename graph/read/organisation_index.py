"""The organisations in the graph: their assets, control decisions and evidence, indexed for the engine.

Why it can be patched: an organisation may hold 100,000 assets, and rebuilding its index from an on-disk
store takes tens of seconds, while a write usually changes a handful of records. `patched` applies the
records a write changed to a copy of the index (the old one may still serve readers) and gives the index a
fresh build would give; where it cannot be sure of that (an organisation removed, a link to a record that
did not exist before now resolving), it declines and the caller builds afresh.

`digests` lets a load of a whole inventory find the few records that changed without reading the stored
ones back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from urllib.parse import unquote

from core.records import Node
from core.vocabulary import LABEL_ASSET_KINDS
from core.work import next_review
from graph.read.node_source import NodeSource
from graph.views.read import AssetView, ControlView, EvidenceView, OrganisationView, OwnerView, WorkItemView

ORGANISATION_LABELS = ("Organisation", "Asset", "ImplementedControl", "Evidence", "Owner", "WorkItem")
"""The labels of an organisation's records, the only nodes this index reads."""

Record = tuple[str, str, str]  # (what, organisation, key): organisation | asset | control | evidence | owner | work


def _text(node: Node, name: str) -> str | None:
    value = node.prop(name)
    return value if isinstance(value, str) else None


def _many(node: Node, name: str) -> tuple[str, ...]:
    value = node.prop(name)
    if isinstance(value, tuple):
        return tuple(str(v) for v in value)
    return (str(value),) if value is not None else ()


def _dates(node: Node, name: str) -> tuple[tuple[str, dt.date], ...]:
    """`name=YYYY-MM-DD` pairs (a management system's since), skipping any that do not read as a date."""
    found = []
    for pair in _many(node, name):
        key, _, value = pair.partition("=")
        try:
            found.append((key, dt.date.fromisoformat(value)))
        except ValueError:
            continue
    return tuple(sorted(found))


def _values(node: Node) -> tuple[tuple[str, str], ...]:
    """Valued facts, stored as `name=value`."""
    return tuple(tuple(v.split("=", 1)) for v in _many(node, "fact_values") if "=" in v)  # type: ignore[misc]


def record_digest(node: Node) -> str:
    """The same for two nodes exactly when they are equal (labels, properties and links, in any order)."""
    canonical = repr((node.labels, sorted(node.props.items()), sorted(node.links.items())))
    return hashlib.blake2b(canonical.encode(), digest_size=16).hexdigest()


def _what(node: Node) -> str | None:
    if "Organisation" in node.labels:
        return "organisation"
    if "Asset" in node.labels:
        return "asset"
    if "ImplementedControl" in node.labels:
        return "control"
    if "Evidence" in node.labels:
        return "evidence"
    if "Owner" in node.labels:
        return "owner"
    if "WorkItem" in node.labels:
        return "work"
    return None


def _provision_ref(iri: str) -> tuple[str, str]:
    """(framework, ref) of a provision IRI (`…/id/{framework}/{ref}`, both quoted)."""
    framework, ref = iri.rsplit("/", 2)[-2:]
    return unquote(framework), unquote(ref)


class _UnsafePatchError(Exception):
    """A patch that might not equal a fresh build."""


@dataclass(slots=True)
class OrganisationIndex:
    organisations: dict[str, OrganisationView] = field(default_factory=dict)
    assets: dict[tuple[str, str], AssetView] = field(default_factory=dict)  # (org, asset id)
    controls: dict[tuple[str, str], ControlView] = field(default_factory=dict)  # (org, provision IRI)
    evidence: dict[str, list[EvidenceView]] = field(default_factory=dict)  # org → its evidence, by id
    owners: dict[tuple[str, str], OwnerView] = field(default_factory=dict)  # (org, owner id)
    # Work items by IRI (the obligation's or SoA decision's). They are not in `node_ids`: an inventory file does
    # not carry them, so reloading the organisation's file keeps the work recorded on it.
    work: dict[str, WorkItemView] = field(default_factory=dict)
    node_ids: dict[str, list[str]] = field(default_factory=dict)  # org → every node it owns, sorted
    records: dict[str, Record] = field(default_factory=dict)  # node IRI → what it became in this index
    digests: dict[str, str] = field(default_factory=dict)  # node IRI → `record_digest` of the node
    # IRIs that links name but no indexed record holds. A patch may keep one that nothing names any more (its
    # only referrer removed): that only makes later patches more cautious, so it is left out of equality.
    unresolved: set[str] = field(default_factory=set, compare=False)
    patchable: bool = True  # False when two records claimed one key: only a fresh build is then sure

    @classmethod
    def build(cls, source: NodeSource) -> OrganisationIndex:
        nodes: dict[str, Node] = {}
        for label in ORGANISATION_LABELS:
            for node in source.nodes(label):
                nodes[node.id] = node
        index = cls()
        index._apply(sorted(nodes.values(), key=lambda n: n.id), set())
        return index

    def patched(self, changed: Iterable[Node], removed: Iterable[str]) -> OrganisationIndex | None:
        """The index after a write that upserted `changed` and deleted `removed`, or None when only a fresh
        build can be trusted. Nodes that are not an organisation's records are ignored."""
        if not self.patchable:
            return None
        ours = sorted((n for n in changed if _what(n) is not None), key=lambda n: n.id)
        gone = {iri for iri in removed if iri in self.records}
        if not ours and not gone:
            return self  # indexes are read-only once built: the next snapshot may share this one
        copy = OrganisationIndex(
            organisations=dict(self.organisations),
            assets=dict(self.assets),
            controls=dict(self.controls),
            evidence={org: list(items) for org, items in self.evidence.items()},
            owners=dict(self.owners),
            work=dict(self.work),
            node_ids=dict(self.node_ids),
            records=dict(self.records),
            digests=dict(self.digests),
            unresolved=set(self.unresolved),
        )
        try:
            copy._apply(ours, gone)
        except _UnsafePatchError:
            return None
        return copy

    # -- applying records ----------------------------------------------------------------------------------
    def _apply(self, changed: list[Node], removed: set[str]) -> None:
        """Remove the old versions of `changed` and `removed`, then index `changed` (sorted by id)."""
        touched: dict[str, set[str]] = defaultdict(set)  # organisation → the node IRIs (re)claimed in it
        re_added = {n.id for n in changed}
        dropped_assets = self._remove(removed | (re_added & self.records.keys()), re_added, touched)
        org_by_iri = {view.iri: view.id for view in self.organisations.values()}
        for node in changed:
            if _what(node) == "organisation":
                if node.id in self.unresolved:
                    raise _UnsafePatchError  # records written before their organisation: let a fresh build place them
                org = _text(node, "identifier") or node.id
                org_by_iri[node.id] = org
                self._claim(node, ("organisation", org, org), touched)
                self.organisations[org] = OrganisationView(
                    id=org,
                    iri=node.id,
                    name=_text(node, "name") or org,
                    jurisdictions=_many(node, "jurisdiction"),
                    scope=_text(node, "summary"),
                    facts=_many(node, "facts"),
                    denied=_many(node, "denied_facts"),
                    values=_values(node),
                    management_systems=_many(node, "management_systems"),
                    ms_since=_dates(node, "ms_since"),
                )
        asset_ids = {view.iri: view.id for view in self.assets.values()}
        new_assets: list[tuple[Node, str]] = []
        for node in changed:
            if _what(node) != "asset":
                continue
            org_iri = node.link("IN_ORGANISATION") or ""
            owner = org_by_iri.get(org_iri)
            if owner is None:
                self.unresolved.add(org_iri)
                continue
            if node.id in self.unresolved:
                raise _UnsafePatchError  # links that did not resolve before would now: a fresh build resolves them
            asset_ids[node.id] = _text(node, "identifier") or node.id
            new_assets.append((node, owner))
        for node, org in new_assets:
            asset_id = asset_ids[node.id]
            self._claim(node, ("asset", org, asset_id), touched)
            uses = []
            for iri in node.links.get("USES", ()):
                if iri in asset_ids:
                    uses.append(asset_ids[iri])
                else:
                    self.unresolved.add(iri)
            kind = next((LABEL_ASSET_KINDS[label] for label in node.labels if label in LABEL_ASSET_KINDS), "ai_system")
            self.assets[(org, asset_id)] = AssetView(
                org=org,
                id=asset_id,
                iri=node.id,
                kind=kind,
                name=_text(node, "name") or asset_id,
                owner=_text(node, "owner") or "",
                roles=_many(node, "roles"),
                annex_iii=_many(node, "annex_iii"),
                facts=_many(node, "facts"),
                in_scope=node.prop("in_scope") is not False,
                uses=tuple(sorted(uses)),
                description=_text(node, "summary"),
                denied=_many(node, "denied_facts"),
                unknown=_many(node, "unknown_facts"),
                values=_values(node),
                ms_scopes=tuple(s for s in _many(node, "ms_scopes") if s != "none") if node.prop("ms_scopes") else None,
            )
        self._unlink({iri: at for iri, at in dropped_assets.items() if iri not in re_added}, asset_ids)
        for node in changed:
            what = _what(node)
            if what == "control":
                self._add_control(node, org_by_iri, touched)
            elif what == "evidence":
                self._add_evidence(node, org_by_iri, asset_ids, touched)
            elif what == "owner":
                self._add_owner(node, org_by_iri, touched)
            elif what == "work":
                self._add_work(node, org_by_iri)
        self._reorder(touched, removed | re_added)

    def _add_owner(self, node: Node, org_by_iri: dict[str, str], touched: dict[str, set[str]]) -> None:
        org_iri = node.link("IN_ORGANISATION") or ""
        org = org_by_iri.get(org_iri)
        if org is None:
            self.unresolved.add(org_iri)
            return
        owner_id = _text(node, "identifier") or node.id
        if (org, owner_id) in self.owners:
            self.patchable = False
        self._claim(node, ("owner", org, owner_id), touched)
        team = node.link("MEMBER_OF")
        self.owners[(org, owner_id)] = OwnerView(
            org=org,
            id=owner_id,
            iri=node.id,
            name=_text(node, "name") or owner_id,
            kind=_text(node, "owner_kind") or "team",
            email=_text(node, "email"),
            team=unquote(team.rsplit("/", 1)[-1]) if team else None,
        )

    def _add_work(self, node: Node, org_by_iri: dict[str, str]) -> None:
        """A work item: recorded by IRI, outside `node_ids` (see `work`)."""
        org_iri = node.link("IN_ORGANISATION") or ""
        org = org_by_iri.get(org_iri)
        provision = node.link("WORK_ON")
        if org is None or provision is None:
            self.unresolved.add(org_iri)
            return
        self.records[node.id] = ("work", org, node.id)
        self.digests[node.id] = record_digest(node)
        scope = node.link("SCOPE")
        assignee = node.link("ASSIGNED_TO")
        framework, ref = _provision_ref(provision)
        due, reviewed, changed = node.prop("due_on"), node.prop("last_reviewed"), node.prop("status_changed_at")
        cadence = _text(node, "review_cadence")
        last = reviewed if isinstance(reviewed, dt.date) else None
        self.work[node.id] = WorkItemView(
            iri=node.id,
            org=org,
            kind=_text(node, "work_kind") or "obligation",
            asset=unquote(scope.rsplit("/", 1)[-1]) if scope else None,
            provision=provision,
            framework=framework,
            ref=ref,
            assignee=unquote(assignee.rsplit("/", 1)[-1]) if assignee else None,
            due=due if isinstance(due, dt.date) else None,
            review_cadence=cadence,
            last_reviewed=last,
            next_review=next_review(last, cadence),
            status=_text(node, "work_status") or "not_started",
            status_reason=_text(node, "status_reason"),
            status_changed_at=changed if isinstance(changed, dt.datetime) else None,
            status_changed_by=_text(node, "status_changed_by"),
        )

    def _claim(self, node: Node, record: Record, touched: dict[str, set[str]]) -> None:
        """Record which view a node became; a key claimed twice makes later patches unsafe."""
        what, org, key = record
        if what == "asset" and (org, key) in self.assets:
            self.patchable = False
        self.records[node.id] = record
        self.digests[node.id] = record_digest(node)
        touched[org].add(node.id)

    def _add_control(self, node: Node, org_by_iri: dict[str, str], touched: dict[str, set[str]]) -> None:
        org_iri = node.link("IN_ORGANISATION") or ""
        org = org_by_iri.get(org_iri)
        provision = node.link("IMPLEMENTS")
        if org is None or provision is None:
            self.unresolved.add(org_iri)
            return
        if (org, provision) in self.controls:
            self.patchable = False
        self._claim(node, ("control", org, provision), touched)
        self.controls[(org, provision)] = ControlView(
            org=org,
            provision=provision,
            status=_text(node, "status") or "implemented",
            justification=_text(node, "justification"),
            inclusion_reasons=_many(node, "inclusion_reasons"),
            inclusion_note=_text(node, "inclusion_note"),
        )

    def _add_evidence(
        self, node: Node, org_by_iri: dict[str, str], asset_ids: dict[str, str], touched: dict[str, set[str]]
    ) -> None:
        org_iri = node.link("IN_ORGANISATION") or ""
        org = org_by_iri.get(org_iri)
        provision = node.link("EVIDENCES")
        collected = node.prop("collected_on")
        if org is None or provision is None or not isinstance(collected, dt.date):
            self.unresolved.add(org_iri)
            return
        scope = []
        for iri in node.links.get("SCOPE", ()):
            if iri not in asset_ids:
                self.unresolved.add(iri)
            scope.append(asset_ids.get(iri, iri))  # an unknown asset shows as its IRI
        valid_until = node.prop("valid_until")
        evidence_id = _text(node, "identifier") or node.id
        self._claim(node, ("evidence", org, evidence_id), touched)
        self.evidence.setdefault(org, []).append(
            EvidenceView(
                org=org,
                id=evidence_id,
                provision=provision,
                assets=tuple(sorted(scope)),
                uri=_text(node, "location") or "",
                sha256=_text(node, "content_hash") or "",
                collected=collected,
                valid_until=valid_until if isinstance(valid_until, dt.date) else None,
                owner=_text(node, "owner") or "",
                title=_text(node, "title"),
            )
        )

    # -- removing records ----------------------------------------------------------------------------------
    def _remove(self, iris: set[str], re_added: set[str], touched: dict[str, set[str]]) -> dict[str, tuple[str, str]]:
        """Drop the views of these nodes; returns the removed assets (IRI → (org, asset id))."""
        dropped: dict[str, tuple[str, str]] = {}
        for iri in iris:
            what, org, key = self.records.pop(iri)
            self.digests.pop(iri, None)
            touched.setdefault(org, set())
            if what == "organisation":
                if iri not in re_added:
                    raise _UnsafePatchError  # its records may stay in the store without it: a fresh build decides
                del self.organisations[key]
            if what == "asset":
                del self.assets[(org, key)]
                dropped[iri] = (org, key)
            elif what == "control":
                del self.controls[(org, key)]
            elif what == "owner":
                del self.owners[(org, key)]
            elif what == "work":
                del self.work[key]
            else:
                self.evidence[org] = [e for e in self.evidence.get(org, ()) if e.id != key]
        return dropped

    def _unlink(self, dropped: dict[str, tuple[str, str]], asset_ids: dict[str, str]) -> None:
        """Links to assets that are gone stop resolving, as in a fresh build: uses drop them, evidence shows
        the IRI, and the IRI joins `unresolved` if anything still names it."""
        if not dropped:
            return
        gone_ids: dict[str, set[str]] = defaultdict(set)
        iri_of: dict[tuple[str, str], str] = {}
        for iri, (org, asset_id) in dropped.items():
            asset_ids.pop(iri, None)
            gone_ids[org].add(asset_id)
            iri_of[(org, asset_id)] = iri
        for key, view in list(self.assets.items()):
            lost = gone_ids.get(view.org)
            if lost and not lost.isdisjoint(view.uses):
                self.unresolved.update(iri_of[(view.org, u)] for u in lost.intersection(view.uses))
                self.assets[key] = replace(view, uses=tuple(u for u in view.uses if u not in lost))
        for org, lost in gone_ids.items():
            kept = []
            for item in self.evidence.get(org, ()):
                if lost.isdisjoint(item.assets):
                    kept.append(item)
                    continue
                self.unresolved.update(iri_of[(org, a)] for a in lost.intersection(item.assets))
                kept.append(replace(item, assets=tuple(sorted(iri_of.get((org, a), a) for a in item.assets))))
            self.evidence[org] = kept

    def _reorder(self, touched: dict[str, set[str]], dropped: set[str]) -> None:
        """Node ids and evidence sorted again for the organisations this change touched: the kept ids are
        already in order, so sorting them with the few new ones is close to linear."""
        for org, claimed in touched.items():
            ids = sorted([iri for iri in self.node_ids.get(org, ()) if iri not in dropped] + list(claimed))
            if ids:
                self.node_ids[org] = ids
            else:
                self.node_ids.pop(org, None)
            items = sorted(self.evidence.get(org, ()), key=lambda e: e.id)
            if items:
                self.evidence[org] = items
            else:
                self.evidence.pop(org, None)
