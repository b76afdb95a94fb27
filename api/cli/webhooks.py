"""`aimsgraph webhooks create|list|remove|deliveries`: receivers of the changes feed, managed from the command line.

The changes go to the store like `keys` does: directly, or through the write channel of the `aimsgraph serve`
that holds it (which is also the process that sends the webhooks). The same is done through the API
(`createWebhook`, `removeWebhook`, `webhooks` with an admin key).
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from api.cli.common import app, cli_actor, err, make_table, open_service, open_writes, out, print_json

webhooks_app = typer.Typer(
    help="Webhooks: receivers the changes feed is POSTed to, signed (secret shown once).", no_args_is_help=True
)
app.add_typer(webhooks_app, name="webhooks")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print only JSON on stdout.")]


@webhooks_app.command("create")
def create(
    url: Annotated[str, typer.Argument(help="An http(s) URL that accepts POSTs.")],
    organisation: Annotated[
        str | None, typer.Option("--organisation", help="Only this organisation's changes.")
    ] = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="Only changes to this kind (repeatable): asset, evidence …")
    ] = None,
    since: Annotated[
        int | None, typer.Option("--since", help="Send the changes committed after this sequence too.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Register a webhook and print its secret, once: it signs each body (X-Aimsgraph-Signature)."""
    actor = cli_actor()
    with open_writes() as service:
        view, secret = service.webhooks.create(actor, url, organisation=organisation, kinds=kind or (), since=since)
    if as_json:
        print_json({"id": view.id, "url": view.url, "delivered": view.delivered, "secret": secret})
        return
    err.print(f"created webhook {view.id} for {view.url}; its signing secret is not shown again:")
    out.print(secret, highlight=False, markup=False)


@webhooks_app.command("list")
def list_webhooks(as_json: JsonFlag = False) -> None:
    """Every webhook, active and removed, with how far its deliveries went; no secrets."""
    with open_service() as service:
        hooks = service.webhooks.list()
    rows = [
        {
            "id": w.id,
            "url": w.url,
            "organisation": w.organisation,
            "kinds": list(w.kinds),
            "active": w.active,
            "delivered": w.delivered,
            "lastStatus": w.last_status,
        }
        for w in hooks
    ]
    if as_json:
        print_json(rows)
        return
    out.print(
        make_table(
            f"{len(hooks)} webhooks",
            ["id", "url", "active", "delivered", "last status"],
            [[w.id, w.url, "yes" if w.active else "no", str(w.delivered), w.last_status or ""] for w in hooks],
        )
    )


@webhooks_app.command("remove")
def remove(
    webhook_id: Annotated[str, typer.Argument(help="The webhook's id (see `aimsgraph webhooks list`).")],
) -> None:
    """Stop sending changes to a webhook, for good; its delivery log stays."""
    actor = cli_actor()
    with open_writes() as service:
        view = service.webhooks.remove(actor, webhook_id)
    err.print(f"removed webhook {view.id} ({view.url})")


@webhooks_app.command("deliveries")
def deliveries(
    webhook_id: Annotated[str, typer.Argument(help="The webhook's id.")],
    first: Annotated[int, typer.Option("--first", help="How many attempts, newest first.")] = 20,
    as_json: JsonFlag = False,
) -> None:
    """The delivery log of a webhook, newest first: each attempt, its sequences and outcome."""
    with open_service() as service:
        entries = list(service.audit_log(kind="webhook_delivery", target=webhook_id)[: max(0, first)])
    rows = [{"recordedAt": e.recorded_at.isoformat(), **json.loads(e.after)} for e in entries]
    if as_json:
        print_json(rows)
        return
    out.print(
        make_table(
            f"{len(rows)} delivery attempts of {webhook_id}",
            ["when", "sequences", "changes", "attempt", "status"],
            [
                [
                    r["recordedAt"][:19],
                    f"{r['firstSequence']}-{r['lastSequence']}",
                    str(r["changes"]),
                    str(r["attempt"]),
                    r["status"],
                ]
                for r in rows
            ],
        )
    )
