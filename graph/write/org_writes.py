"""Writes to one organisation's inventory, one thing at a time: assets, `uses` links, control decisions and
evidence. The GraphQL mutations call these; a CLI command could call the same.

Every write is checked as a file load checks it — the same pydantic models (`loaders.inventory`), the same
reference rules (known provisions and Annex III points, known assets, no cycles in `uses`) — and then commits
only the nodes it changes plus its audit entry, in one transaction, under the writer's lock. Nothing here
walks the whole organisation: the checks read the few nodes they need from the store, so a write costs the
same in a 10-asset organisation as in a 100,000-asset one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import unquote

from pydantic import BaseModel

from core.errors import ConflictError, DataError, NotFoundError, Problem
from core.records import Node
from core.vocabulary import FACTS, LABEL_ASSET_KINDS, OPEN_FACTS, ORG_VALUE_NAMES
from graph.read.refs import annex_iii_ref
from graph.views.read import AssetView
from graph.views.write import Actor, AuditEntryView, Written
from graph.write.ingest import (
    RefResolver,
    asset_iri,
    asset_node,
    control_node,
    evidence_iri,
    evidence_node,
)
from graph.write.unit_of_work import UnitOfWork, UnitsOfWork
from loaders.inventory import Asset, ControlDecision, EvidenceItem
from loaders.validation import pydantic_problems
from loaders.yaml_source import SourceDocument
from ontology.namespaces import org_iri, provision_iri

M = TypeVar("M", bound=BaseModel)
INPUT = "input"


def validated(model: type[M], data: Mapping[str, Any], where: str = INPUT) -> M:
    """`data` as `model`, or DataError listing every problem at its path (`input → uses → 0`)."""
    from pydantic import ValidationError

    doc = SourceDocument(file="<request>", data=dict(data))
    try:
        return model.model_validate(doc.data)
    except ValidationError as error:
        pydantic_problems(doc, error)
        raise DataError(
            [Problem(p.file, p.message, path=f"{where} → {p.path}" if p.path else where) for p in doc.problems]
        ) from None


def _problem(path: str, message: str) -> Problem:
    return Problem("<request>", message, path=path)


def _id_of(iri: str) -> str:
    return unquote(iri.rsplit("/", 1)[-1])


def asset_model(node: Node) -> Asset:
    """An asset record read back into the inventory's model: the form audit entries keep."""
    kind = next((LABEL_ASSET_KINDS[label] for label in node.labels if label in LABEL_ASSET_KINDS), "ai_system")
    roles = node.prop("roles")
    annex = node.prop("annex_iii")
    summary = node.prop("summary")
    return Asset.model_validate(
        {
            "id": str(node.prop("identifier")),
            "kind": kind,
            "name": str(node.prop("name")),
            "owner": str(node.prop("owner")),
            "roles": list(roles) if isinstance(roles, tuple) else [],
            "annex_iii": [str(a) for a in annex] if isinstance(annex, tuple) else [],
            **_stated_facts(node),
            "in_scope": node.prop("in_scope") is not False,
            "uses": [_id_of(iri) for iri in node.links.get("USES", ())],
            "description": summary if isinstance(summary, str) else None,
        }
    )


def _names(node: Node, prop: str) -> set[str]:
    value = node.prop(prop)
    return {str(v) for v in value} if isinstance(value, tuple) else set()


def _stated_facts(node: Node) -> dict[str, Any]:
    """Every fact the record states, as the inventory stated it (the inverse of `ingest.asset_node`): a change
    that rebuilds an asset from its record (linking, unlinking) must keep what the law's rules read, including
    what is unknown. Closed facts are "no" unless held or stated unknown; open facts are unknown unless held or
    stated false; valued facts come back from `name=value`."""
    held, denied, unknown = _names(node, "facts"), _names(node, "denied_facts"), _names(node, "unknown_facts")
    facts: dict[str, Any] = {name: (True if name in held else None if name in unknown else False) for name in FACTS}
    facts.update({name: (True if name in held else False if name in denied else None) for name in OPEN_FACTS})
    for pair in _names(node, "fact_values"):
        name, _, value = pair.partition("=")
        if name not in ORG_VALUE_NAMES:
            facts[name] = value
    scopes = _names(node, "ms_scopes")
    if scopes:
        facts["management_system_scopes"] = sorted(scopes - {"none"})
    return facts


def asset_view(org: str, asset: Asset) -> AssetView:
    return AssetView(
        org=org,
        id=asset.id,
        iri=asset_iri(org, asset.id),
        kind=asset.kind,
        name=asset.name,
        owner=asset.owner,
        roles=tuple(asset.roles),
        annex_iii=tuple(asset.annex_iii),
        facts=tuple(name for name in FACTS if getattr(asset, name)),
        in_scope=asset.in_scope,
        uses=tuple(sorted(asset.uses)),
        description=asset.description,
    )


def _dump(model: BaseModel | None) -> Any:
    return None if model is None else model.model_dump(mode="json", exclude_defaults=True)


def control_model(node: Node) -> ControlDecision:
    provision = node.link("IMPLEMENTS") or ""
    framework, ref = (unquote(part) for part in provision.rsplit("/", 2)[-2:])
    justification = node.prop("justification")
    return ControlDecision(
        framework=framework,
        ref=ref,
        status=str(node.prop("status")),
        justification=justification if isinstance(justification, str) else None,
    )


def evidence_model(node: Node) -> EvidenceItem:
    provision = node.link("EVIDENCES") or ""
    framework, ref = (unquote(part) for part in provision.rsplit("/", 2)[-2:])
    data = {
        "id": node.prop("identifier"),
        "proves": {"framework": framework, "ref": ref},
        "assets": [_id_of(iri) for iri in node.links.get("SCOPE", ())],
        "uri": node.prop("location"),
        "sha256": node.prop("content_hash"),
        "collected": node.prop("collected_on"),
        "valid_until": node.prop("valid_until"),
        "owner": node.prop("owner"),
        "title": node.prop("title"),
    }
    return EvidenceItem.model_validate(data)


class InventoryWrites:
    """Assets, links, control decisions and evidence of an organisation, one write at a time."""

    def __init__(self, units: UnitsOfWork) -> None:
        self._units = units
        self._store = units.store  # the checks' reads, made inside a unit of work
        self._read_model = units.read_model

    # -- checks -------------------------------------------------------------------------------------------
    def organisation(self, org: str | None) -> str:
        """The organisation a write names, or the only one in the graph when it names none."""
        orgs = {str(node.prop("identifier")): node for node in self._store.nodes("Organisation")}
        if org is None:
            if len(orgs) == 1:
                return next(iter(orgs))
            raise DataError([_problem("organisation", f"name the organisation: the graph holds {len(orgs)}")])
        if org not in orgs:
            raise NotFoundError("organisation", org, "load its inventory first (`aimsgraph load inventory.yaml`)")
        return org

    def _ref_problem(self, framework: str, ref: str, path: str) -> Problem | None:
        """None when the provision exists; else the problem, with the catalog's spelling as a suggestion."""
        found = self._store.get([provision_iri(framework, ref)]).get(provision_iri(framework, ref))
        if found is not None and "Provision" in found.labels:
            return None
        refs = RefResolver()  # the error path only: suggestions need the framework's refs
        for fid, views in self._read_model.snapshot().catalog.by_framework.items():
            refs.add_framework(fid, (v.ref for v in views))
        return _problem(path, refs.problem(framework, ref) or f"unknown {framework} ref {ref!r}")

    def _assets(self, org: str, ids: list[str], path: str) -> tuple[dict[str, Node], list[Problem]]:
        """The asset records of `ids` in `org`, and a problem for each that is not one."""
        iris = {asset_id: asset_iri(org, asset_id) for asset_id in ids}
        found = self._store.get(iris.values())
        nodes: dict[str, Node] = {}
        problems = []
        for position, (asset_id, iri) in enumerate(iris.items()):
            node = found.get(iri)
            if node is None or "Asset" not in node.labels or node.link("IN_ORGANISATION") != org_iri(org):
                problems.append(_problem(f"{path} → {position}", f"unknown asset {asset_id!r} in {org}"))
            else:
                nodes[asset_id] = node
        return nodes, problems

    def _cycle(self, org: str, asset_id: str, uses: list[str]) -> list[str] | None:
        """The path by which `asset_id` would come to use itself through `uses`, if any.

        A search from both ends — forward from `uses` along `uses` links, backward from the asset along the
        assets that use it — always widening the smaller side, so the check reads only the nodes near the
        change: a dataset uses little and a top-level system is used by little, and one side ends at once.
        """
        start = asset_iri(org, asset_id)
        forward: dict[str, str | None] = dict.fromkeys((asset_iri(org, u) for u in uses), None)  # node → came from
        backward: dict[str, str | None] = {start: None}  # node → leads to
        ahead, behind = list(forward), [start]
        meet = next((n for n in ahead if n in backward), None)
        while meet is None and ahead and behind:
            if len(ahead) <= len(behind):
                found = self._store.get(ahead)
                grown = []
                for iri in ahead:
                    node = found.get(iri)
                    for used in node.links.get("USES", ()) if node else ():
                        if used not in forward:
                            forward[used] = iri
                            grown.append(used)
                ahead = grown
                meet = next((n for n in grown if n in backward), None)
            else:
                users = self._store.referrers(behind, "USES")
                grown = []
                for iri in behind:
                    for user in users.get(iri, ()):
                        if user not in backward:
                            backward[user] = iri
                            grown.append(user)
                behind = grown
                meet = next((n for n in grown if n in forward), None)
        if meet is None:
            return None
        head: list[str] = []
        step: str | None = meet
        while step is not None:
            head.append(step)
            step = forward[step]
        tail: list[str] = []
        step = backward[meet]
        while step is not None:
            tail.append(step)
            step = backward[step]
        return [asset_id, *(_id_of(iri) for iri in [*reversed(head), *tail])]

    def _check_asset(self, org: str, asset: Asset) -> None:
        problems: list[Problem] = []
        for position, point in enumerate(asset.annex_iii):
            if self._ref_problem("eu-ai-act", annex_iii_ref(point), "") is not None:
                problems.append(_problem(f"{INPUT} → annex_iii → {position}", f"unknown Annex III point {point!r}"))
        for position, used in enumerate(asset.uses):
            if used == asset.id:
                problems.append(_problem(f"{INPUT} → uses → {position}", f"{asset.id!r} uses itself"))
        others = [u for u in asset.uses if u != asset.id]
        if len(set(others)) != len(others):
            problems.append(_problem(f"{INPUT} → uses", "an asset is named twice in uses"))
        _, unknown = self._assets(org, others, f"{INPUT} → uses")
        problems.extend(unknown)
        if not problems:
            # Only a link the asset did not have can close a cycle (the stored links have none): an asset
            # whose uses are unchanged needs no search, which in a large organisation can reach thousands.
            iri = asset_iri(org, asset.id)
            stored = self._store.get([iri]).get(iri)
            had = set(stored.links.get("USES", ())) if stored is not None else set()
            added = [u for u in others if asset_iri(org, u) not in had]
            loop = self._cycle(org, asset.id, added) if added else None
            if loop:
                problems.append(_problem(f"{INPUT} → uses", "uses would form a cycle: " + " → ".join(loop)))
        if problems:
            raise DataError(problems)

    # -- assets -------------------------------------------------------------------------------------------
    def upsert_asset(self, actor: Actor, org: str | None, data: Mapping[str, Any]) -> Written:
        """Create or replace one asset, validated as an inventory's asset is."""
        asset = validated(Asset, data)
        with self._units.start() as uow:
            org_id = self.organisation(org)
            self._check_asset(org_id, asset)
            entry = self._replace(
                uow,
                actor,
                org_id,
                asset,
                asset_node(org_id, asset),
                read=asset_model,
                operation="upsertAsset",
                kind="asset",
                target=asset.id,
            )
        return Written(asset_view(org_id, asset), entry)

    def update_asset(self, actor: Actor, org: str | None, asset_id: str, changes: Mapping[str, Any]) -> Written:
        """Change the fields `changes` names (None: "not known", or refused where a field must have a value) and
        keep every other one, links included; the result is checked as a whole asset is. The stored asset is
        read inside the writer's lock, so racing updates of different fields all land."""
        if "id" in changes:
            raise DataError([_problem(f"{INPUT} → id", "an asset's id cannot change; create the new asset instead")])
        with self._units.start() as uow:
            org_id = self.organisation(org)
            found, problems = self._assets(org_id, [asset_id], "id")
            if problems:
                raise NotFoundError("asset", asset_id, f"in {org_id}")
            before = asset_model(found[asset_id])
            asset = validated(Asset, {**before.model_dump(), **changes})
            self._check_asset(org_id, asset)
            entry = self._replace(
                uow,
                actor,
                org_id,
                asset,
                asset_node(org_id, asset),
                read=asset_model,
                operation="updateAsset",
                kind="asset",
                target=asset.id,
            )
        return Written(asset_view(org_id, asset), entry)

    def delete_asset(self, actor: Actor, org: str | None, asset_id: str) -> Written:
        """Remove an asset that nothing uses and no evidence names; otherwise say what still does."""
        with self._units.start() as uow:
            org_id = self.organisation(org)
            found, problems = self._assets(org_id, [asset_id], INPUT)
            if problems:
                raise NotFoundError("asset", asset_id, f"in {org_id}")
            iri = asset_iri(org_id, asset_id)
            users = self._store.referrers([iri], "USES").get(iri, [])
            scoped = self._store.referrers([iri], "SCOPE").get(iri, [])
            work = [e for e in scoped if e.startswith(org_iri(org_id, "obligation", asset_id) + "/")]
            scoped = [e for e in scoped if e not in work]  # the work on its obligations goes with the asset
            if users or scoped:
                named = [f"asset {_id_of(u)}" for u in sorted(users)] + [
                    f"evidence {_id_of(e)}" for e in sorted(scoped)
                ]
                raise ConflictError(f"{asset_id!r} is still named by {', '.join(named)}; unlink or change those first")
            before = asset_model(found[asset_id])
            uow.record(
                actor,
                operation="deleteAsset",
                kind="asset",
                target=asset_id,
                organisation=org_id,
                before=_dump(before),
                after=None,
                deletes=[iri, *work],
            )
            entry = uow.commit(uow.revision)[0]
        return Written(None, entry)

    def link(self, actor: Actor, org: str | None, asset_id: str, uses: str, *, present: bool) -> Written:
        """Add (`present`) or remove one `uses` link, reading the asset inside the lock so that racing links
        to the same asset all land."""
        operation = "linkAssets" if present else "unlinkAssets"
        with self._units.start() as uow:
            org_id = self.organisation(org)
            found, problems = self._assets(org_id, [asset_id], f"{INPUT} → assetId")
            if present:
                _, more = self._assets(org_id, [uses], f"{INPUT} → uses")
                problems += more
            if problems:
                raise DataError(problems)
            before = asset_model(found[asset_id])
            if present and uses == asset_id:
                raise DataError([_problem(f"{INPUT} → uses", f"{asset_id!r} uses itself")])
            if (uses in before.uses) == present:
                if present:
                    return Written(asset_view(org_id, before), None)
                raise NotFoundError("link", f"{asset_id} uses {uses}", "nothing to unlink")
            if present:
                loop = self._cycle(org_id, asset_id, [uses])
                if loop:
                    raise DataError([_problem(f"{INPUT} → uses", "uses would form a cycle: " + " → ".join(loop))])
            new_uses = [*before.uses, uses] if present else [u for u in before.uses if u != uses]
            after = before.model_copy(update={"uses": new_uses})
            uow.record(
                actor,
                operation=operation,
                kind="asset",
                target=asset_id,
                organisation=org_id,
                before=_dump(before),
                after=_dump(after),
                nodes=[asset_node(org_id, after)],
            )
            entry = uow.commit(uow.revision)[0]
        return Written(asset_view(org_id, after), entry)

    def _replace(
        self,
        uow: UnitOfWork,
        actor: Actor,
        org_id: str,
        new: M,
        node: Node,
        *,
        read: Callable[[Node], M],
        operation: str,
        kind: str,
        target: str,
        assets: Callable[[M | None], list[str]] = lambda _: [],
    ) -> AuditEntryView | None:
        """Write `node` over the stored record with its audit entry, in `uow`; None, and nothing written,
        when the stored record already reads as `new`. `assets` names the assets a value bears on."""
        old = uow.get([node.id]).get(node.id)
        before = read(old) if old is not None else None
        if before == new:
            return None
        uow.record(
            actor,
            operation=operation,
            kind=kind,
            target=target,
            organisation=org_id,
            before=_dump(before),
            after=_dump(new),
            nodes=[node],
            assets=[*assets(before), *assets(new)],
        )
        return uow.commit(uow.revision)[0]

    # -- controls -----------------------------------------------------------------------------------------
    def record_control(self, actor: Actor, org: str | None, data: Mapping[str, Any]) -> Written:
        """Record an implemented control or an SoA decision (an exclusion says why)."""
        control = validated(ControlDecision, data)
        with self._units.start() as uow:
            org_id = self.organisation(org)
            problem = self._ref_problem(control.framework, control.ref, f"{INPUT} → ref")
            if problem:
                raise DataError([problem])
            entry = self._replace(
                uow,
                actor,
                org_id,
                control,
                control_node(org_id, control),
                read=control_model,
                operation="recordControl",
                kind="control",
                target=f"{control.framework} {control.ref}",
            )
        return Written(control, entry)

    # -- evidence -----------------------------------------------------------------------------------------
    def attach_evidence(self, actor: Actor, org: str | None, data: Mapping[str, Any]) -> Written:
        """Add or replace one evidence item for a provision and some assets (none: organisation-wide)."""
        item = validated(EvidenceItem, data)
        with self._units.start() as uow:
            org_id = self.organisation(org)
            problems: list[Problem] = []
            ref_problem = self._ref_problem(item.proves.framework, item.proves.ref, f"{INPUT} → proves")
            if ref_problem:
                problems.append(ref_problem)
            if len(set(item.assets)) != len(item.assets):
                problems.append(_problem(f"{INPUT} → assets", "an asset is named twice"))
            problems += self._assets(org_id, list(dict.fromkeys(item.assets)), f"{INPUT} → assets")[1]
            if problems:
                raise DataError(problems)
            entry = self._replace(
                uow,
                actor,
                org_id,
                item,
                evidence_node(org_id, item),
                read=evidence_model,
                operation="attachEvidence",
                kind="evidence",
                target=item.id,
                assets=lambda e: list(e.assets) if e is not None else [],
            )
        return Written(item, entry)

    def revoke_evidence(self, actor: Actor, org: str | None, evidence_id: str) -> Written:
        """Withdraw an evidence item: the obligations it covered become gaps again; the audit entry keeps it."""
        with self._units.start() as uow:
            org_id = self.organisation(org)
            iri = evidence_iri(org_id, evidence_id)
            old = self._store.get([iri]).get(iri)
            if old is None or "Evidence" not in old.labels:
                raise NotFoundError("evidence", evidence_id, f"in {org_id}")
            revoked = evidence_model(old)
            uow.record(
                actor,
                operation="revokeEvidence",
                kind="evidence",
                target=evidence_id,
                organisation=org_id,
                before=_dump(revoked),
                after=None,
                deletes=[iri],
                assets=revoked.assets,
            )
            entry = uow.commit(uow.revision)[0]
        return Written(None, entry)
