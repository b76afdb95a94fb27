"""Turn validated input models into graph records, remembering which file and line each node came from.

The origin table lets a SHACL violation on a node be reported at the line that produced it. Records built
only from a validated model through the reference checks are `vouched` (see `graph.write.kinds`): the loader's
SHACL pass leaves them to their models.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from core.records import GraphBatch, Node, Value
from core.vocabulary import ASSET_KIND_LABELS, FACTS, KIND_LABELS, OPEN_FACTS, ORG_FACTS, VALUE_NAMES, Relation, Role
from graph.read.refs import annex_iii_ref, candidate_keys, ref_key
from graph.views.read import ProgressCallback, no_progress
from loaders.applicability import RuleFile
from loaders.catalog import Catalog
from loaders.inventory import Asset as InventoryAsset
from loaders.inventory import ControlDecision, EvidenceItem, Inventory, Owner
from loaders.mapping_set import MappingSetFile
from loaders.timeline import Timeline
from loaders.yaml_source import PathKey, SourceDocument
from ontology.namespaces import AGID, framework_iri, org_iri, owner_iri, provision_iri, role_iri
from ontology.terms import RELATION_IRIS

PROGRESS_STEP = 500


@dataclass(slots=True)
class Ingest:
    """A batch under construction plus the origin (file, line) of each node in it."""

    batch: GraphBatch = field(default_factory=GraphBatch)
    origins: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    framework_ids: list[str] = field(default_factory=list)
    mapping_set_ids: list[str] = field(default_factory=list)
    timeline_ids: list[str] = field(default_factory=list)  # frameworks whose timeline is in the batch
    organisation_ids: list[str] = field(default_factory=list)
    rule_framework_ids: list[str] = field(default_factory=list)  # frameworks whose applicability rules are in it
    asset_sheet_ids: list[str] = field(default_factory=list)  # organisations whose assets alone are in it
    vouched: set[str] = field(default_factory=set)  # ids of records their validated models vouch for
    progress: ProgressCallback = no_progress

    def step(self, doc: SourceDocument, done: int, total: int) -> None:
        """Progress inside one file: every `PROGRESS_STEP` items of a long list, so a bar moves while one big
        file (a 100,000-asset inventory, a 5,000-pair mapping collection) is taken in."""
        if done % PROGRESS_STEP == 0 or done == total:
            self.progress(f"taking in {Path(doc.file).name}", done, total)

    def add(self, node: Node, file: str, line: int | None, *, vouched: bool = False) -> None:
        self.batch.add(node)
        self.origins.setdefault(node.id, (file, line))
        if vouched:
            self.vouched.add(node.id)


def role_node(role: Role) -> Node:
    return Node(
        id=role_iri(role),
        labels=("AddresseeRole",),
        props={"ref": role, "name": role.replace("_", " ")},
    )


def add_catalog(ingest: Ingest, catalog: Catalog, doc: SourceDocument) -> None:
    header = catalog.framework
    fw_iri = framework_iri(header.id)
    roles: set[Role] = set(header.default_addressees)
    props: dict[str, Value] = {
        "framework_id": header.id,
        "name": header.name,
        "title": header.title,
        "version": header.version,
        "issued": header.issued,
        "publisher": header.publisher,
        "source": header.source,
        "binding": header.binding,
    }
    if header.url:
        props["url"] = header.url
    ingest.add(
        Node(
            id=fw_iri,
            labels=("Framework",),
            props=props,
            links={"ADDRESSEE": tuple(role_iri(r) for r in header.default_addressees)},
        ),
        doc.file,
        doc.line_of(("framework",)),
    )
    ingest.framework_ids.append(header.id)
    for index, entry in enumerate(catalog.provisions):
        ingest.step(doc, index, len(catalog.provisions))
        entry_props: dict[str, Value] = {"ref": entry.ref, "order": index + 1}
        if entry.title:
            entry_props["title"] = entry.title
        if entry.summary:
            entry_props["summary"] = entry.summary
        if entry.applies_from:
            entry_props["applies_from"] = entry.applies_from
        if entry.informative:
            entry_props["informative"] = True
        links: dict[str, tuple[str, ...]] = {"IN_FRAMEWORK": (fw_iri,)}
        if entry.parent:
            links["PART_OF"] = (provision_iri(header.id, entry.parent),)
        if entry.used_in:
            links["USED_IN"] = tuple(provision_iri(header.id, ref) for ref in entry.used_in)
        if entry.addressees:
            links["ADDRESSEE"] = tuple(role_iri(r) for r in entry.addressees)
            roles.update(entry.addressees)
        ingest.add(
            Node(
                id=provision_iri(header.id, entry.ref),
                labels=("Provision", KIND_LABELS[entry.kind]),
                props=entry_props,
                links=links,
            ),
            doc.file,
            doc.line_of(("provisions", index)),
        )
    ingest.step(doc, len(catalog.provisions), len(catalog.provisions))
    for role in sorted(roles):
        ingest.add(role_node(role), doc.file, None)


class RefResolver:
    """Which refs exist, per framework, for checking the refs a mapping set names.

    Refs in data files must be written exactly as the catalog writes them; a near miss (`art. 9(2)`) is
    reported with the canonical spelling as a suggestion rather than silently accepted.
    """

    def __init__(self) -> None:
        self._exact: dict[str, set[str]] = {}
        self._lenient: dict[str, dict[str, str]] = {}

    def add_framework(self, framework_id: str, refs: Iterable[str]) -> None:
        known = set(refs)
        self._exact[framework_id] = known
        self._lenient[framework_id] = {ref_key(ref): ref for ref in known}

    def has_framework(self, framework_id: str) -> bool:
        return framework_id in self._exact

    def problem(self, framework_id: str, ref: str) -> str | None:
        """None when the ref exists; otherwise why not, with a suggestion where one fits."""
        if framework_id not in self._exact:
            return f"unknown framework {framework_id!r}"
        if ref in self._exact[framework_id]:
            return None
        suggestion = next(
            (self._lenient[framework_id][key] for key in candidate_keys(ref) if key in self._lenient[framework_id]),
            None,
        )
        hint = f"; did you mean {suggestion!r}?" if suggestion else ""
        return f"unknown {framework_id} ref {ref!r}{hint}"

    def check(self, doc: SourceDocument, path: PathKey, framework_id: str, ref: str) -> bool:
        """True when the ref exists; otherwise the problem goes on `doc` at `path`, so every bad ref in a
        file is reported in one pass rather than the first one stopping the load."""
        why = self.problem(framework_id, ref)
        if why:
            doc.problems.append(doc.problem(path, why))
        return why is None

    def check_framework(self, doc: SourceDocument, framework_id: str) -> bool:
        """True when the catalog a file builds on is loaded; otherwise the problem goes on `doc`."""
        if not self.has_framework(framework_id):
            message = f"unknown framework {framework_id!r}: load its catalog first"
            doc.problems.append(doc.problem(("framework",), message))
        return self.has_framework(framework_id)


def mapping_iri(set_id: str, source_ref: str, target_ref: str) -> str:
    digest = hashlib.sha1(f"{source_ref}\x1f{target_ref}".encode()).hexdigest()[:16]
    return f"{AGID}mapping/{quote(set_id, safe='')}/{digest}"


def mapping_set_iri(set_id: str) -> str:
    return f"{AGID}mapping-set/{quote(set_id, safe='')}"


def add_mapping_set(ingest: Ingest, parsed: MappingSetFile, doc: SourceDocument, refs: RefResolver) -> None:
    """Add a mapping set and its mappings; every unknown ref becomes a problem on `doc` with its line."""
    header = parsed.mapping_set
    for side, framework in (
        ("source_framework", header.source_framework),
        ("target_framework", header.target_framework),
    ):
        if not refs.has_framework(framework):
            doc.problems.append(doc.problem(("mapping_set", side), f"unknown framework {framework!r}"))
    if doc.problems:
        return
    set_iri = mapping_set_iri(header.id)
    props: dict[str, Value] = {
        "identifier": header.id,
        "title": header.title,
        "creator": tuple(header.creators),
        "created": header.created,
        "summary": header.description,
        "review_status": header.review_status,
    }
    if header.authority is not None:
        props["source"] = header.authority.name
        props["publisher"] = header.authority.publisher
        if header.authority.url:
            props["url"] = header.authority.url
    ingest.add(
        Node(
            id=set_iri,
            labels=("MappingSet",),
            props=props,
            links={
                "SOURCE_FRAMEWORK": (framework_iri(header.source_framework),),
                "TARGET_FRAMEWORK": (framework_iri(header.target_framework),),
            },
        ),
        doc.file,
        doc.line_of(("mapping_set",)),
        vouched=True,
    )
    ingest.mapping_set_ids.append(header.id)
    for index, entry in enumerate(parsed.mappings):
        ingest.step(doc, index, len(parsed.mappings))
        known = [  # a list, not a generator: both sides are checked and reported
            refs.check(doc, ("mappings", index, side), framework, ref)
            for side, framework, ref in (
                ("source", header.source_framework, entry.source),
                ("target", header.target_framework, entry.target),
            )
        ]
        if not all(known):
            continue
        mapping_props: dict[str, Value] = {
            "strength": entry.strength,
            "rationale_type": entry.rationale_type,
            "rationale": entry.rationale,
            "review_status": entry.review_status or header.review_status,
        }
        if entry.from_authority:
            mapping_props["from_authority"] = True
        if entry.harmonized_structure:
            mapping_props["harmonized_structure"] = True
        ingest.add(
            Node(
                id=mapping_iri(header.id, entry.source, entry.target),
                labels=("Mapping",),
                props=mapping_props,
                links={
                    "SOURCE": (provision_iri(header.source_framework, entry.source),),
                    "TARGET": (provision_iri(header.target_framework, entry.target),),
                    "RELATION": (relation_iri(entry.relation),),
                    "IN_MAPPING_SET": (set_iri,),
                },
            ),
            doc.file,
            doc.line_of(("mappings", index)),
            vouched=True,
        )
    ingest.step(doc, len(parsed.mappings), len(parsed.mappings))
    for index, record in enumerate(parsed.no_counterpart):
        if not refs.check(doc, ("no_counterpart", index, "source"), header.source_framework, record.source):
            continue
        ingest.add(
            Node(
                id=mapping_iri(header.id, record.source, ""),
                labels=("Mapping",),
                props={"rationale": record.rationale, "review_status": header.review_status},
                links={
                    "SOURCE": (provision_iri(header.source_framework, record.source),),
                    "TARGET": (framework_iri(header.target_framework),),
                    "RELATION": (relation_iri("no_relationship"),),
                    "IN_MAPPING_SET": (set_iri,),
                },
            ),
            doc.file,
            doc.line_of(("no_counterpart", index)),
            vouched=True,
        )


def act_iri(framework_id: str, act_id: str) -> str:
    return f"{AGID}act/{quote(framework_id, safe='')}/{quote(act_id, safe='')}"


def add_timeline(ingest: Ingest, parsed: Timeline, doc: SourceDocument, refs: RefResolver) -> None:
    """Add a law's acts and date rules; every unknown ref becomes a problem on `doc` with its line."""
    fid = parsed.framework
    if not refs.check_framework(doc, fid):
        return
    fw_iri = framework_iri(fid)
    for index, act in enumerate(parsed.acts):
        props: dict[str, Value] = {"identifier": act.id, "title": act.title, "status": act.status}
        for name, value in (
            ("adopted", act.adopted),
            ("signed", act.signed),
            ("published", act.published),
            ("in_force", act.in_force),
            ("oj_reference", act.oj_reference),
            ("url", act.url),
            ("uncertainty", act.uncertainty),
        ):
            if value is not None:
                props[name] = value
        if act.sources:
            props["cites"] = tuple(act.sources)
        ingest.add(
            Node(id=act_iri(fid, act.id), labels=("LegalAct",), props=props, links={"IN_FRAMEWORK": (fw_iri,)}),
            doc.file,
            doc.line_of(("acts", index)),
        )
    for index, rule in enumerate(parsed.rules):
        dated: list[str] = []
        for position, ref in enumerate(rule.refs):
            if refs.check(doc, ("rules", index, "refs", position), fid, ref):
                dated.append(provision_iri(fid, ref))
        key = "\x1f".join([rule.act, rule.scope, rule.basis, str(rule.applies_from), *sorted(rule.refs)])
        props = {"basis": rule.basis, "scope": rule.scope, "applies_from": rule.applies_from}
        if rule.holds_from is not None:
            props["holds_from"] = rule.holds_from
        if rule.note:
            props["note"] = rule.note
        ingest.add(
            Node(
                id=f"{AGID}date-rule/{quote(fid, safe='')}/{hashlib.sha1(key.encode()).hexdigest()[:16]}",
                labels=("DateRule",),
                props=props,
                links={"DATES": tuple(dated), "UNDER_ACT": (act_iri(fid, rule.act),), "IN_FRAMEWORK": (fw_iri,)},
            ),
            doc.file,
            doc.line_of(("rules", index)),
        )
    ingest.timeline_ids.append(fid)


def asset_iri(org: str, asset_id: str) -> str:
    return org_iri(org, "asset", asset_id)


def _asset_iris(org_id: str, ids: Iterable[str], known: Mapping[str, str] | None) -> tuple[str, ...]:
    """The IRIs of assets named by id, from `known` (worked out once per inventory) where it has them."""
    found = known or {}
    return tuple(found.get(asset_id) or asset_iri(org_id, asset_id) for asset_id in ids)


def stated_facts(model: object, open_facts: Iterable[str], closed_facts: Iterable[str] = ()) -> dict[str, Value]:
    """What the inventory says beyond the facts that hold: open facts stated false (absent ones stay unknown),
    closed facts stated unknown (`null`; absent ones are "no"), and valued facts as `name=value`."""
    props: dict[str, Value] = {}
    denied = tuple(name for name in open_facts if getattr(model, name, None) is False)
    unknown = tuple(name for name in closed_facts if getattr(model, name, False) is None)
    values = []
    for name in VALUE_NAMES:
        value = getattr(model, name, None)
        if value is not None:
            values.append(f"{name}={value.isoformat() if hasattr(value, 'isoformat') else value}")
    if denied:
        props["denied_facts"] = denied
    if unknown:
        props["unknown_facts"] = unknown
    if values:
        props["fact_values"] = tuple(values)
    return props


def asset_node(org_id: str, asset: InventoryAsset, iris: Mapping[str, str] | None = None) -> Node:
    """The record of one asset; file loads and API writes build it here, so both write the same thing."""
    facts = tuple(name for name in (*FACTS, *OPEN_FACTS) if getattr(asset, name))
    props: dict[str, Value] = {"identifier": asset.id, "name": asset.name, "owner": asset.owner}
    if asset.roles:
        props["roles"] = tuple(asset.roles)
    if asset.annex_iii:
        props["annex_iii"] = tuple(asset.annex_iii)
    if facts:
        props["facts"] = facts
    props.update(stated_facts(asset, OPEN_FACTS, FACTS))
    if asset.management_system_scopes is not None:
        # an empty list (in no scope) is written as "none": a store keeps no empty list
        props["ms_scopes"] = tuple(asset.management_system_scopes) or ("none",)
    if not asset.in_scope:
        props["in_scope"] = False
    if asset.description:
        props["summary"] = asset.description
    return Node(
        id=asset_iri(org_id, asset.id),
        labels=("Asset", ASSET_KIND_LABELS[asset.kind]),
        props=props,
        links={"IN_ORGANISATION": (org_iri(org_id),), "USES": _asset_iris(org_id, asset.uses, iris)},
    )


def control_iri(org_id: str, framework: str, ref: str) -> str:
    return org_iri(org_id, "control", f"{framework}/{ref}")


def control_node(org_id: str, control: ControlDecision) -> Node:
    """The record of an implemented control or SoA decision."""
    props: dict[str, Value] = {"status": control.status}
    if control.justification:
        props["justification"] = control.justification
    if control.inclusion_reasons:
        props["inclusion_reasons"] = tuple(control.inclusion_reasons)
    if control.inclusion_note:
        props["inclusion_note"] = control.inclusion_note
    return Node(
        id=control_iri(org_id, control.framework, control.ref),
        labels=("ImplementedControl",),
        props=props,
        links={"IN_ORGANISATION": (org_iri(org_id),), "IMPLEMENTS": (provision_iri(control.framework, control.ref),)},
    )


def owner_node(org_id: str, owner: Owner) -> Node:
    """The record of a person or team of the work model; file loads and API writes build it here."""
    props: dict[str, Value] = {"identifier": owner.id, "name": owner.name, "owner_kind": owner.kind}
    if owner.email:
        props["email"] = owner.email
    links: dict[str, tuple[str, ...]] = {"IN_ORGANISATION": (org_iri(org_id),)}
    if owner.team:
        links["MEMBER_OF"] = (owner_iri(org_id, owner.team),)
    return Node(id=owner_iri(org_id, owner.id), labels=("Owner",), props=props, links=links)


def evidence_iri(org_id: str, evidence_id: str) -> str:
    return org_iri(org_id, "evidence", evidence_id)


def evidence_node(org_id: str, item: EvidenceItem, iris: Mapping[str, str] | None = None) -> Node:
    """The record of one evidence item."""
    props: dict[str, Value] = {
        "identifier": item.id,
        "location": item.uri,
        "content_hash": item.sha256.lower(),
        "collected_on": item.collected,
        "owner": item.owner,
    }
    if item.valid_until is not None:
        props["valid_until"] = item.valid_until
    if item.title:
        props["title"] = item.title
    return Node(
        id=evidence_iri(org_id, item.id),
        labels=("Evidence",),
        props=props,
        links={
            "IN_ORGANISATION": (org_iri(org_id),),
            "EVIDENCES": (provision_iri(item.proves.framework, item.proves.ref),),
            "SCOPE": _asset_iris(org_id, item.assets, iris),
        },
    )


def add_inventory(ingest: Ingest, parsed: Inventory, doc: SourceDocument, refs: RefResolver) -> None:
    """Add an organisation, its assets, controls and evidence; unknown refs and Annex III points are problems.

    Every record is vouched for by the inventory's models: pyshacl took 26 s for 10,000 assets (minutes for
    the 100,000 real inventories reach), and the bundled demo organisation's records are SHACL-checked in the
    tests, so models and shapes cannot drift apart.
    """
    org = parsed.organisation
    organisation = org_iri(org.id)
    org_props: dict[str, Value] = {"identifier": org.id, "name": org.name}
    if org.jurisdictions:
        org_props["jurisdiction"] = tuple(org.jurisdictions)
    if org.scope:
        org_props["summary"] = org.scope
    org_facts = tuple(name for name in ORG_FACTS if getattr(org, name))
    if org_facts:
        org_props["facts"] = org_facts
    org_props.update(stated_facts(org, ORG_FACTS))
    if org.management_systems:
        org_props["management_systems"] = tuple(m.standard for m in org.management_systems)
        since = tuple(f"{m.standard}={m.since.isoformat()}" for m in org.management_systems if m.since)
        if since:
            org_props["ms_since"] = since
    ingest.add(
        Node(id=organisation, labels=("Asset", "Organisation"), props=org_props),
        doc.file,
        doc.line_of(("organisation",)),
        vouched=True,
    )
    for index, owner in enumerate(parsed.owners):
        ingest.add(owner_node(org.id, owner), doc.file, doc.line_of(("owners", index)), vouched=True)
    # Each asset's IRI once: `uses` names ~20 assets each, and quoting them again took 10 s for 100,000 assets.
    iris = {asset.id: asset_iri(org.id, asset.id) for asset in parsed.assets}
    for index, asset in enumerate(parsed.assets):
        ingest.step(doc, index, len(parsed.assets))
        for position, point in enumerate(asset.annex_iii):
            why = refs.problem("eu-ai-act", annex_iii_ref(point))
            if why:
                doc.problems.append(
                    doc.problem(("assets", index, "annex_iii", position), f"unknown Annex III point {point!r}")
                )
        ingest.add(asset_node(org.id, asset, iris), doc.file, doc.line_of(("assets", index)), vouched=True)
    ingest.step(doc, len(parsed.assets), len(parsed.assets))
    for index, control in enumerate(parsed.controls):
        if not refs.check(doc, ("controls", index, "ref"), control.framework, control.ref):
            continue
        ingest.add(control_node(org.id, control), doc.file, doc.line_of(("controls", index)), vouched=True)
    for index, item in enumerate(parsed.evidence):
        if not refs.check(doc, ("evidence", index, "proves"), item.proves.framework, item.proves.ref):
            continue
        ingest.add(evidence_node(org.id, item, iris), doc.file, doc.line_of(("evidence", index)), vouched=True)
    ingest.organisation_ids.append(org.id)


def add_rules(ingest: Ingest, parsed: RuleFile, doc: SourceDocument, refs: RefResolver) -> None:
    """Add a framework's applicability rules; every unknown ref becomes a problem with its line."""
    fid = parsed.framework
    if not refs.check_framework(doc, fid):
        return
    for index, rule in enumerate(parsed.applicability):
        targets = []
        for position, ref in enumerate(rule.provisions):
            if refs.check(doc, ("applicability", index, "provisions", position), fid, ref):
                targets.append(provision_iri(fid, ref))
        props: dict[str, Value] = {
            "identifier": rule.id,
            "reason": rule.reason,
            "condition": rule.when.model_dump_json(exclude_defaults=True),
        }
        if rule.kinds:
            props["provision_kinds"] = tuple(rule.kinds)
        if rule.addressee:
            props["addressee_role"] = rule.addressee
        if rule.voluntary:
            props["voluntary"] = True
        props["basis"] = rule.basis
        effects = rule.model_dump(
            mode="json",
            include={"replaces", "grants_role", "transition", "defers", "defers_to", "amended", "holds_from", "act"},
            exclude_defaults=True,
        )
        if effects:
            props["effects"] = json.dumps(effects, sort_keys=True)
        ingest.add(
            Node(
                id=f"{AGID}applicability/{quote(fid, safe='')}/{quote(rule.id, safe='')}",
                labels=("ApplicabilityRule",),
                props=props,
                links={"RULE_FOR": tuple(targets), "IN_FRAMEWORK": (framework_iri(fid),)},
            ),
            doc.file,
            doc.line_of(("applicability", index)),
        )
    ingest.rule_framework_ids.append(fid)


def relation_iri(relation: str) -> str:
    return RELATION_IRIS[Relation(relation)]
