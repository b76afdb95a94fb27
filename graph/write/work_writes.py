"""The work model's writes: owners (people and teams), and the work on each obligation and SoA decision —
who is assigned, when it is due, how often it is reviewed, and where it stands.

A work item is a record at the IRI of what it is about (`obligation_iri` for an asset's obligation, with the
organisation's id as the asset for an organisation-wide duty; `soa_decision_iri` for a control), so it needs no
id of its own and every interface names it alike. Every change goes through the unit of work with its audit
entry (who and when), and that entry names the asset, so the asset's trail shows the work on its obligations.

Checked before anything is written: the owner exists, the obligation is one the engine finds for the asset
(or one the organisation owes as a whole), the control is one the SoA decides, and a status moves only as
`core.work` allows (one step forward, or back to in progress with a reason). Nothing here reads the whole
organisation: the checks read the records they name and the snapshot's indexes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from core.errors import ConflictError, DataError, NotFoundError, Problem
from core.records import Node, Value
from core.work import next_review, transition_problem
from graph.read.catalog_queries import CatalogQueries
from graph.read.crosswalks import Crosswalks
from graph.read.obligations import Obligations
from graph.views.read import OwnerView, WorkItemView
from graph.views.write import Actor, AuditEntryView, Written
from graph.write.ingest import owner_node
from graph.write.org_writes import INPUT, InventoryWrites, validated
from graph.write.unit_of_work import UnitOfWork, UnitsOfWork
from loaders.inventory import Owner, WorkPlan
from ontology.namespaces import obligation_iri, org_iri, owner_iri, provision_iri, soa_decision_iri

_PLAN_FIELDS = ("assignee", "due", "review_cadence", "last_reviewed")
TARGET = "target"  # where a work item's target is named (GraphQL's `target` argument)


def _problem(path: str, message: str) -> Problem:
    return Problem("<request>", message, path=path)


def owner_model(node: Node) -> Owner:
    """An owner record read back into the inventory's model: the form audit entries keep."""
    team = node.link("MEMBER_OF")
    email = node.prop("email")
    return Owner(
        id=str(node.prop("identifier")),
        name=str(node.prop("name")),
        kind="person" if node.prop("owner_kind") == "person" else "team",
        email=email if isinstance(email, str) else None,
        team=team.rsplit("/", 1)[-1] if team else None,
    )


def owner_view(org: str, owner: Owner) -> OwnerView:
    return OwnerView(
        org=org,
        id=owner.id,
        iri=owner_iri(org, owner.id),
        name=owner.name,
        kind=owner.kind,
        email=owner.email,
        team=owner.team,
    )


def _state(item: WorkItemView | None) -> dict[str, Any] | None:
    """A work item as its audit entry keeps it (who and when are the entry's own)."""
    if item is None:
        return None
    data: dict[str, Any] = {
        "kind": item.kind,
        "asset": item.asset,
        "framework": item.framework,
        "ref": item.ref,
        "assignee": item.assignee,
        "due": item.due.isoformat() if item.due else None,
        "review_cadence": item.review_cadence,
        "last_reviewed": item.last_reviewed.isoformat() if item.last_reviewed else None,
        "status": item.status,
        "status_reason": item.status_reason,
    }
    return {key: value for key, value in data.items() if value is not None}


def work_target(item: WorkItemView) -> str:
    """How the audit trail names a work item, as `recordControl` names a control: "credit-system eu-ai-act
    Article 9" for an asset's obligation, "iso42001 A.6.2.4" for a control's SoA decision."""
    return " ".join(part for part in (item.asset, item.framework, item.ref) if part)


def work_node(item: WorkItemView) -> Node:
    """The record of a work item."""
    props: dict[str, Value] = {"work_kind": item.kind, "work_status": item.status}
    for name, value in (
        ("due_on", item.due),
        ("review_cadence", item.review_cadence),
        ("last_reviewed", item.last_reviewed),
        ("status_reason", item.status_reason),
        ("status_changed_at", item.status_changed_at),
        ("status_changed_by", item.status_changed_by),
    ):
        if value is not None:
            props[name] = value
    links: dict[str, tuple[str, ...]] = {"IN_ORGANISATION": (org_iri(item.org),), "WORK_ON": (item.provision,)}
    if item.asset is not None:
        links["SCOPE"] = (org_iri(item.org) if item.asset == item.org else org_iri(item.org, "asset", item.asset),)
    if item.assignee is not None:
        links["ASSIGNED_TO"] = (owner_iri(item.org, item.assignee),)
    return Node(id=item.iri, labels=("WorkItem",), props=props, links=links)


class WorkWrites:
    """Owners and work items of an organisation, one write at a time."""

    def __init__(self, units: UnitsOfWork, inventory: InventoryWrites) -> None:
        self._units = units
        self._store = units.store
        self._read_model = units.read_model
        self._inventory = inventory

    # -- owners -----------------------------------------------------------------------------------------------
    def upsert_owner(self, actor: Actor, org: str | None, data: Mapping[str, Any]) -> Written:
        """Create or replace a person or team; a person's team must be a team of the organisation."""
        owner = validated(Owner, data)
        with self._units.start() as uow:
            org_id = self._inventory.organisation(org)
            if owner.team is not None:
                team = self._owner(org_id, owner.team)
                if team is None:
                    raise DataError([_problem(f"{INPUT} → team", f"unknown team {owner.team!r} in {org_id}")])
                if team.prop("owner_kind") != "team":
                    raise DataError([_problem(f"{INPUT} → team", f"{owner.team!r} is a person, not a team")])
            old = self._owner(org_id, owner.id)
            before = owner_model(old) if old is not None else None
            if (
                before is not None
                and before.kind == "team"
                and owner.kind == "person"
                and self._members(org_id, owner.id)
            ):
                raise ConflictError(f"{owner.id!r} has members; a team with members cannot become a person")
            if before == owner:
                return Written(owner_view(org_id, owner), None)
            uow.record(
                actor,
                operation="upsertOwner",
                kind="owner",
                target=owner.id,
                organisation=org_id,
                before=_dump(before),
                after=_dump(owner),
                nodes=[owner_node(org_id, owner)],
            )
            entry = uow.commit(uow.revision)[0]
        return Written(owner_view(org_id, owner), entry)

    def delete_owner(self, actor: Actor, org: str | None, owner_id: str) -> Written:
        """Remove an owner nothing is assigned to and no person belongs to; otherwise say what still names it."""
        with self._units.start() as uow:
            org_id = self._inventory.organisation(org)
            old = self._owner(org_id, owner_id)
            if old is None:
                raise NotFoundError("owner", owner_id, f"in {org_id}")
            iri = owner_iri(org_id, owner_id)
            named = [f"work on {w.framework} {w.ref}" for w in self._work_of(org_id) if w.assignee == owner_id]
            named += [f"member {m}" for m in self._members(org_id, owner_id)]
            if named:
                raise ConflictError(f"{owner_id!r} is still named by {', '.join(named[:10])}; reassign those first")
            uow.record(
                actor,
                operation="deleteOwner",
                kind="owner",
                target=owner_id,
                organisation=org_id,
                before=_dump(owner_model(old)),
                after=None,
                deletes=[iri],
            )
            entry = uow.commit(uow.revision)[0]
        return Written(None, entry)

    def _owner(self, org: str, owner_id: str) -> Node | None:
        iri = owner_iri(org, owner_id)
        node = self._store.get([iri]).get(iri)
        return node if node is not None and "Owner" in node.labels else None

    def _members(self, org: str, team: str) -> list[str]:
        iri = owner_iri(org, team)
        return sorted(m.rsplit("/", 1)[-1] for m in self._store.referrers([iri], "MEMBER_OF").get(iri, []))

    def _work_of(self, org: str) -> list[WorkItemView]:
        return [w for w in self._read_model.snapshot().organisations.work.values() if w.org == org]

    # -- work items ---------------------------------------------------------------------------------------------
    def plan(self, actor: Actor, org: str | None, target: Mapping[str, Any], data: Mapping[str, Any]) -> Written:
        """Set who does the work on an obligation or control, by when, and its review cadence; only the fields
        given change (`null` clears one). A new work item starts not started."""
        plan = validated(WorkPlan, data)
        given = {name: getattr(plan, name) for name in _PLAN_FIELDS if name in data}
        with self._units.start() as uow:
            org_id = self._inventory.organisation(org)
            before = self._target(org_id, target)
            if given.get("assignee") is not None and self._owner(org_id, given["assignee"]) is None:
                raise DataError([_problem(f"{INPUT} → assignee", f"unknown owner {given['assignee']!r} in {org_id}")])
            after = _with_next_review(WorkItemView(**{**_fields(before), **given}))
            stored = before if self._stored(before) else None
            if stored is not None and _state(stored) == _state(after):
                return Written(after, None)  # nothing changes: nothing is written
            entry = self._record(uow, actor, "planWork", stored, after)
        return Written(after, entry)

    def advance(
        self, actor: Actor, org: str | None, target: Mapping[str, Any], status: str, reason: str | None = None
    ) -> Written:
        """Move the work's status one step (or back to in progress, with a reason); verifying it is a review, so
        the last review becomes today."""
        with self._units.start() as uow:
            org_id = self._inventory.organisation(org)
            before = self._target(org_id, target)
            why = transition_problem(before.status, status, reason)
            if why:
                raise DataError([_problem("status", why)])
            now = dt.datetime.now(dt.UTC)
            changes: dict[str, Any] = {
                "status": status,
                "status_reason": (reason or "").strip() or None,
                "status_changed_at": now,
                "status_changed_by": actor.label,
            }
            if status == "verified":
                changes["last_reviewed"] = now.date()
            after = _with_next_review(WorkItemView(**{**_fields(before), **changes}))
            entry = self._record(uow, actor, "advanceWork", before if self._stored(before) else None, after)
        return Written(after, entry)

    def _stored(self, item: WorkItemView) -> bool:
        return item.iri in self._store.get([item.iri])

    @staticmethod
    def _record(
        uow: UnitOfWork, actor: Actor, operation: str, before: WorkItemView | None, after: WorkItemView
    ) -> AuditEntryView:
        uow.record(
            actor,
            operation=operation,
            kind="work",
            target=work_target(after),
            organisation=after.org,
            before=_state(before),
            after=_state(after),
            nodes=[work_node(after)],
            assets=[after.asset] if after.asset is not None and after.asset != after.org else [],
        )
        return uow.commit(uow.revision)[0]

    def _target(self, org: str, target: Mapping[str, Any]) -> WorkItemView:
        """The work item the target names, as stored or new (not started); DataError when the target is not an
        obligation the engine finds or a control the SoA decides."""
        framework, ref = str(target.get("framework") or ""), str(target.get("ref") or "")
        asset = target.get("asset_id")
        snapshot = self._read_model.snapshot()
        provision = snapshot.catalog.by_iri.get(provision_iri(framework, ref))
        if provision is None:
            raise DataError([_problem(f"{TARGET} → ref", f"unknown {framework or '?'} ref {ref!r}")])
        if asset is None:
            if provision.kind != "control" or framework not in ("iso42001", "iso27001"):
                raise DataError(
                    [_problem(f"{TARGET} → ref", f"{framework} {ref} is not an Annex A control the SoA decides")]
                )
            iri, kind = soa_decision_iri(org, framework, ref), "control"
        else:
            asset = str(asset)
            self._check_obligation(snapshot, org, asset, framework, ref)
            iri, kind = obligation_iri(org, asset, framework, ref), "obligation"
        stored = snapshot.organisations.work.get(iri)
        if stored is not None:
            return stored
        return WorkItemView(
            iri=iri,
            org=org,
            kind=kind,
            asset=asset,
            provision=provision.iri,
            framework=provision.framework,
            ref=provision.ref,
            assignee=None,
            due=None,
            review_cadence=None,
            last_reviewed=None,
            next_review=None,
            status="not_started",
            status_reason=None,
            status_changed_at=None,
            status_changed_by=None,
        )

    @staticmethod
    def _check_obligation(snapshot: Any, org: str, asset: str, framework: str, ref: str) -> None:
        catalog = CatalogQueries(snapshot)
        engine = Obligations(snapshot, catalog, Crosswalks(snapshot, catalog))
        if asset == org:  # organisation-wide: any asset's obligations name it as such
            holders = [a for (o, _), a in snapshot.organisations.assets.items() if o == org]
            for view in holders:
                found = engine.obligations(view.id, org=org, frameworks=[framework]).obligations
                if any(o.provision.ref == ref and o.organisation_wide for o in found):
                    return
                if any(o.organisation_wide for o in found):
                    break  # organisation-wide duties are the same for every asset in scope
            raise DataError(
                [_problem(f"{TARGET} → ref", f"{framework} {ref} is not an organisation-wide obligation of {org}")]
            )
        if (org, asset) not in snapshot.organisations.assets:
            raise DataError([_problem(f"{TARGET} → assetId", f"unknown asset {asset!r} in {org}")])
        found = engine.obligations(asset, org=org, frameworks=[framework]).obligations
        match = next((o for o in found if o.provision.ref == ref), None)
        if match is None:
            raise DataError([_problem(f"{TARGET} → ref", f"{framework} {ref} is not an obligation of {asset!r}")])
        if match.organisation_wide:
            raise DataError(
                [
                    _problem(
                        f"{TARGET} → assetId",
                        f"{framework} {ref} is owed by the organisation as a whole: name {org!r} as the asset",
                    )
                ]
            )


def _dump(model: Owner | None) -> Any:
    return None if model is None else model.model_dump(mode="json", exclude_defaults=True)


def _fields(item: WorkItemView) -> dict[str, Any]:
    return {name: getattr(item, name) for name in WorkItemView.__dataclass_fields__}


def _with_next_review(item: WorkItemView) -> WorkItemView:
    return WorkItemView(**{**_fields(item), "next_review": next_review(item.last_reviewed, item.review_cadence)})
