"""`aimsgraph work`: the work model from the command line — owners, who does the work on an obligation or
control, by when, how often it is reviewed, and where it stands.

The changes go through the same service calls as the GraphQL mutations (`upsertOwner`, `planWork`,
`advanceWork`), directly or through the write channel of the server holding the store, each with its audit
entry naming the CLI user. An obligation is named by `--asset ID --framework F --ref R` (the organisation's id
as the asset for an organisation-wide duty); a control's SoA decision by `--framework F --ref R` alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from api.cli.common import (
    JsonOption,
    app,
    cli_actor,
    err,
    iso,
    make_table,
    open_writes,
    out,
    print_json,
    snapshot,
    work_json,
)
from graph.views.read import OwnerView, WorkItemView

work_app = typer.Typer(
    help="The work model: owners, and who does the work on each obligation and control, by when, and its status.",
    no_args_is_help=True,
)
app.add_typer(work_app, name="work")

OrgOption = Annotated[str | None, typer.Option("--org", help="Organisation id (default: the only one loaded).")]
AssetOption = Annotated[
    str | None,
    typer.Option(
        "--asset",
        help="The asset whose obligation it is (the organisation's id: organisation-wide); "
        "left out: the control's SoA decision.",
    ),
]
FrameworkOption = Annotated[str, typer.Option("--framework", help="The provision's framework, e.g. eu-ai-act.")]
RefOption = Annotated[
    str, typer.Option("--ref", help="The provision's ref as the catalog writes it, e.g. 'Article 9'.")
]
DayOption = Annotated[dt.datetime | None, typer.Option(formats=["%Y-%m-%d"])]


def _owner_json(owner: OwnerView) -> dict[str, Any]:
    return {
        "id": owner.id,
        "iri": owner.iri,
        "name": owner.name,
        "kind": owner.kind,
        "email": owner.email,
        "team": owner.team,
    }


def _target(asset: str | None, framework: str, ref: str) -> dict[str, Any]:
    return {"asset_id": asset, "framework": framework, "ref": ref}


def _print_item(item: WorkItemView, as_json: bool) -> None:
    if as_json:
        print_json(work_json(item))
        return
    what = f"{item.asset} " if item.asset else "SoA decision "
    out.print(
        f"{what}{item.framework} {item.ref}: {item.status}"
        + (f", assigned to {item.assignee}" if item.assignee else ", unassigned")
        + (f", due {iso(item.due)}" if item.due else "")
        + (f", next review {iso(item.next_review)}" if item.next_review else ""),
        highlight=False,
        markup=False,
    )


@work_app.command("owners")
def owners(org: OrgOption = None, as_json: JsonOption = False) -> None:
    """The people and teams work can be assigned to."""
    with snapshot() as answers:
        found = answers.work.owners(org)
    if as_json:
        print_json([_owner_json(o) for o in found])
        return
    rows: list[list[Any]] = [[o.id, o.name, o.kind, o.email or "", o.team or ""] for o in found]
    out.print(make_table(f"{len(found)} owners", ["id", "name", "kind", "email", "team"], rows))


@work_app.command("owner")
def owner(
    owner_id: Annotated[str, typer.Argument(help="The owner's id.")],
    name: Annotated[str, typer.Option("--name", help="Their name.")],
    kind: Annotated[str, typer.Option("--kind", help="person or team.")] = "team",
    email: Annotated[str | None, typer.Option("--email", help="How to reach them.")] = None,
    team: Annotated[str | None, typer.Option("--team", help="For a person: their team's id.")] = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create or replace a person or team."""
    data: dict[str, Any] = {"id": owner_id, "name": name, "kind": kind}
    data.update({k: v for k, v in (("email", email), ("team", team)) if v is not None})
    actor = cli_actor()
    with open_writes() as writes:
        written = writes.work.upsert_owner(actor, org, data)
    if as_json:
        print_json(_owner_json(written.after))
        return
    err.print(f"owner {written.after.id} ({written.after.kind}) recorded", highlight=False, markup=False)


@work_app.command("assign")
def assign(
    framework: FrameworkOption,
    ref: RefOption,
    asset: AssetOption = None,
    to: Annotated[str | None, typer.Option("--to", help="The owner id to assign.")] = None,
    due: Annotated[dt.datetime | None, typer.Option("--due", formats=["%Y-%m-%d"], help="When it is due.")] = None,
    cadence: Annotated[
        str | None,
        typer.Option("--cadence", help="monthly, quarterly, half-yearly, yearly or '90 days'."),
    ] = None,
    last_reviewed: Annotated[
        dt.datetime | None, typer.Option("--last-reviewed", formats=["%Y-%m-%d"], help="When it was last reviewed.")
    ] = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Assign the work on an obligation or control, and set its due date and review cadence (only what is given
    changes)."""
    plan: dict[str, Any] = {}
    if to is not None:
        plan["assignee"] = to
    if due is not None:
        plan["due"] = due.date().isoformat()
    if cadence is not None:
        plan["review_cadence"] = cadence
    if last_reviewed is not None:
        plan["last_reviewed"] = last_reviewed.date().isoformat()
    actor = cli_actor()
    with open_writes() as writes:
        written = writes.work.plan(actor, org, _target(asset, framework, ref), plan)
    _print_item(written.after, as_json)


@work_app.command("advance")
def advance(
    status: Annotated[str, typer.Argument(help="in_progress, implemented or verified (one step at a time).")],
    framework: FrameworkOption,
    ref: RefOption,
    asset: AssetOption = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why; required when going back to in_progress.")
    ] = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Move the work's status one step forward, or back to in_progress with a reason."""
    actor = cli_actor()
    with open_writes() as writes:
        written = writes.work.advance(actor, org, _target(asset, framework, ref), status, reason)
    _print_item(written.after, as_json)


@work_app.command("list")
def list_work(
    owner_id: Annotated[str | None, typer.Option("--owner", help="Only work assigned to this owner (or team).")] = None,
    status: Annotated[str | None, typer.Option("--status", help="Only work in this status.")] = None,
    due_before: Annotated[
        dt.datetime | None, typer.Option("--due-before", formats=["%Y-%m-%d"], help="Only work due before this day.")
    ] = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """The organisation's work items, soonest due first."""
    with snapshot() as answers:
        found = answers.work.items(
            org, owner=owner_id, status=status, due_before=due_before.date() if due_before else None
        )
    if as_json:
        print_json([work_json(w) for w in found])
        return
    rows: list[list[Any]] = [
        [
            w.asset or "(SoA)",
            w.framework,
            w.ref,
            w.assignee or "",
            iso(w.due) or "",
            w.status,
            iso(w.next_review) or "",
        ]
        for w in found
    ]
    out.print(
        make_table(
            f"{len(found)} work items",
            ["asset", "framework", "ref", "assignee", "due", "status", "next review"],
            rows,
        )
    )
