"""`aimsgraph assets`, `audit`, `obligations`, `gaps` and `soa`: the organisation, what the law asks of each
asset and why, and what evidence covers it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

from graph.views.read import (
    EvidenceMatch,
    GapView,
    ObligationView,
)

if TYPE_CHECKING:
    pass
from api.cli.common import (
    AsOfOption,
    Cell,
    JsonOption,
    app,
    iso,
    make_table,
    open_service,
    out,
    plain,
    print_json,
    snapshot,
    work_cell,
    work_json,
    write_output,
)

OrgOption = Annotated[str | None, typer.Option("--org", help="Organisation id (default: the only one loaded).")]
OwnerFilter = Annotated[
    str | None,
    typer.Option("--owner", help="Only work this owner (or team) must do: assigned, or else the asset's owner."),
]
DueBeforeOption = Annotated[
    dt.datetime | None,
    typer.Option("--due-before", formats=["%Y-%m-%d"], help="Only work due before this day."),
]
STATUS_STYLE = {"valid": "green", "expiring": "yellow", "expired": "red", "missing": "red", "excluded": "dim"}


def _evidence_json(match: EvidenceMatch) -> dict[str, Any]:
    item = match.evidence
    return {
        "id": item.id,
        "title": item.title,
        "location": item.uri,
        "sha256": item.sha256,
        "collected": item.collected.isoformat(),
        "validUntil": iso(item.valid_until),
        "owner": item.owner,
        "status": match.status,
        "through": match.through,
    }


def _obligation_json(obligation: ObligationView) -> dict[str, Any]:
    provision = obligation.provision
    return {
        "framework": provision.framework,
        "ref": provision.ref,
        "title": provision.display_title,
        "addressee": obligation.addressee,
        "reasons": [
            {
                "rule": r.rule,
                "reason": r.reason,
                "role": r.role,
                "facts": list(r.facts),
                "annexIii": list(r.annex_iii),
                "basis": r.basis,
                "conditions": list(r.conditions),
            }
            for r in obligation.reasons
        ],
        "evidence": [_evidence_json(m) for m in obligation.evidence],
        "status": obligation.status,
        "appliesFrom": iso(obligation.dates.applies_from),
        "inForce": obligation.dates.in_force,
        "amended": obligation.dates.amended,
        "voluntary": obligation.voluntary,
        "organisationWide": obligation.organisation_wide,
        "conditional": obligation.conditional,
        "conditions": list(obligation.conditions),
        "dateBasis": obligation.dates.rule.basis if obligation.dates.rule else None,
        "dateNote": obligation.date_note,
        "content": obligation.content,
        "amendedBy": obligation.amended_by,
        "uncertainty": list(obligation.uncertainty),
        "standing": obligation.standing,
        "work": work_json(obligation.work),
    }


def _applies_if(conditions: tuple[str, ...]) -> str:
    """An obligation's open conditions as one phrase: any alternative makes it apply."""
    return "applies if " + " — or — ".join(conditions)


@app.command()
def assets(org: OrgOption = None, as_json: JsonOption = False) -> None:
    """The organisation's assets: kind, owner, roles, facts and what each uses."""
    with snapshot() as answers:
        found = answers.organisation.assets(org)
    if as_json:
        print_json(
            [
                {
                    "id": a.id,
                    "kind": a.kind,
                    "name": a.name,
                    "owner": a.owner,
                    "roles": list(a.roles),
                    "facts": list(a.facts),
                    "annexIii": list(a.annex_iii),
                    "inScope": a.in_scope,
                    "uses": list(a.uses),
                }
                for a in found
            ]
        )
        return
    out.print(
        make_table(
            f"{len(found)} assets",
            ["id", "kind", "name", "owner", "roles", "uses"],
            [[a.id, a.kind, a.name, a.owner, ", ".join(a.roles), ", ".join(a.uses)] for a in found],
        )
    )


@app.command()
def audit(
    asset: Annotated[str | None, typer.Option("--asset", help="Only changes to this asset.")] = None,
    org: Annotated[str | None, typer.Option("--org", help="Only changes in this organisation.")] = None,
    first: Annotated[int, typer.Option("--first", min=1, help="How many entries, newest first.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """The audit trail, newest first: who changed what through the API or the CLI, when, before and after."""
    with open_service() as service:
        trail = service.audit_log(organisation=org, target=asset, kind="asset" if asset else None)
        total, entries = len(trail), list(trail[:first])
    if as_json:
        print_json(
            [
                {
                    "id": e.id,
                    "sequence": e.sequence,
                    "recordedAt": e.recorded_at.isoformat(),
                    "actor": e.actor,
                    "actorKey": e.actor_key,
                    "operation": e.operation,
                    "organisation": e.organisation,
                    "kind": e.kind,
                    "target": e.target,
                    "before": json.loads(e.before),
                    "after": json.loads(e.after),
                    "requestId": e.request_id,
                }
                for e in entries
            ]
        )
        return
    out.print(
        make_table(
            f"{len(entries)} of {total} audit entries, newest first",
            ["sequence", "recorded at", "actor", "operation", "what", "organisation"],
            [
                [
                    str(e.sequence),
                    e.recorded_at.isoformat(timespec="seconds"),
                    e.actor,
                    e.operation,
                    f"{e.kind} {e.target}",
                    e.organisation or "",
                ]
                for e in entries
            ],
        )
    )


@app.command()
def obligations(
    asset: Annotated[str, typer.Argument(help="Asset id (see `aimsgraph assets`).")],
    framework: Annotated[
        list[str] | None, typer.Option("--framework", help="Only this framework (repeatable).")
    ] = None,
    org: OrgOption = None,
    as_of: AsOfOption = None,
    owner: OwnerFilter = None,
    due_before: DueBeforeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Which obligations an asset touches, why, from when, what evidence covers each, and who does the work."""
    with snapshot() as answers:
        found = answers.organisation.obligations(
            asset, org=org, frameworks=framework or (), as_of=as_of.date() if as_of else None
        )
        listed = answers.work.obligations(
            found.obligations, owner=owner, due_before=due_before.date() if due_before else None
        )
    if as_json:
        rows = [_obligation_json(o) for o in listed]
        rows += [
            {
                "framework": e.provision.framework,
                "ref": e.provision.ref,
                "title": e.provision.display_title,
                "status": "excluded",
                "justification": e.justification,
                "reasons": [],
                "evidence": [],
            }
            for e in (found.excluded if owner is None and due_before is None else ())
        ]
        print_json(rows)
        return
    table_rows: list[list[Cell]] = []
    for o in listed:
        when = o.standing
        if o.date_note:
            when += f" [{o.date_note}]"
        first = o.reasons[0]
        why = f"{first.reason} ({first.basis})" if first.basis else first.reason
        if first.facts:
            why += f" [{'; '.join(first.facts)}]"
        if o.conditions:
            why = f"{_applies_if(o.conditions)}. {why}"
        if o.voluntary:
            why = f"guidance, not a duty. {why}"
        status = Text(o.status, style=STATUS_STYLE[o.status])
        work = work_cell([o.work] if o.work else [])
        table_rows.append([o.provision.framework, o.provision.ref, o.addressee, status, when, work, why])
    conditional = sum(1 for o in listed if o.conditions)
    title = f"{found.asset.id} ({found.asset.kind}): {len(listed)} obligations as of {found.as_of}"
    if conditional:
        title += f", {conditional} of them conditional on facts the inventory does not state"
    columns = ["framework", "ref", "addressee", "evidence", "in force", "work", "why"]
    out.print(make_table(title, columns, table_rows))
    for o in listed:
        if o.content:
            out.print(Text(f"{o.provision.framework} {o.provision.ref} as amended ({o.amended_by}): {o.content}"))
    for act in sorted({u.split(":", 1)[0] for o in listed for u in o.uncertainty}):
        out.print(Text(f"uncertain: answers citing {act} rest on facts not verified against the Official Journal"))
    for e in found.excluded:
        out.print(plain(f"excluded by the SoA: {e.provision.framework} {e.provision.ref} — {e.justification}"))


def _gap_assets(gap: GapView) -> str:
    """The gap's assets; each with its own status where they differ (evidence missing for one, expired for
    another)."""
    if len({status for _, status in gap.asset_statuses}) <= 1:
        return ", ".join(gap.assets)
    return ", ".join(f"{asset} ({status})" for asset, status in gap.asset_statuses)


@app.command()
def gaps(
    org: OrgOption = None,
    as_of: AsOfOption = None,
    owner: OwnerFilter = None,
    due_before: DueBeforeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Binding obligations without valid evidence, by owner (those not yet in force say from when), with who
    does the work and by when."""
    with snapshot() as answers:
        org_id = answers.organisation.organisation(org).id
        found = answers.work.gaps(
            answers.organisation.gaps(org_id, as_of.date() if as_of else None),
            org_id,
            owner=owner,
            due_before=due_before.date() if due_before else None,
        )
    if as_json:
        by_owner: dict[str, list[dict[str, Any]]] = {}
        for gap in found:
            by_owner.setdefault(gap.owner, []).append(
                {
                    "framework": gap.provision.framework,
                    "ref": gap.provision.ref,
                    "title": gap.provision.display_title,
                    "status": gap.status,
                    "assets": list(gap.assets),
                    "assetStatuses": dict(gap.asset_statuses),  # asset id → status: keys are data
                    "appliesFrom": iso(gap.applies_from),
                    "inForce": gap.in_force,
                    "expiredEvidence": [m.evidence.id for m in gap.evidence if m.status == "expired"],
                    "conditional": bool(gap.conditions),
                    "conditions": list(gap.conditions),
                    "standing": gap.standing,
                    "work": [work_json(w) for w in gap.work],
                }
            )
        print_json(by_owner)
        return
    rows: list[list[Cell]] = [
        [
            g.owner,
            g.provision.framework,
            g.provision.ref,
            Text(g.status, style=STATUS_STYLE[g.status]),
            g.standing,
            _gap_assets(g),
            work_cell(g.work),
            _applies_if(g.conditions) if g.conditions else "",
        ]
        for g in found
    ]
    conditional = sum(1 for g in found if g.conditions)
    title = f"{len(found)} gaps" + (
        f" ({conditional} only if facts the inventory leaves open hold)" if conditional else ""
    )
    out.print(
        make_table(title, ["owner", "framework", "ref", "evidence", "in force", "assets", "work", "applies if"], rows)
    )


@app.command()
def soa(
    org: OrgOption = None,
    fmt: Annotated[str, typer.Option("--format", help="csv, json or md.")] = "md",
    as_of: AsOfOption = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """The ISO/IEC 42001 Statement of Applicability: every Annex A control, included or excluded and why."""
    with snapshot() as answers:
        rows = answers.organisation.statement_of_applicability(org, as_of.date() if as_of else None)
        from api.cli.soa import render_soa  # only this command renders an SoA

        text = render_soa(rows, fmt)
    write_output(text, output)
