"""`aimsgraph keys create|list|revoke`: API keys for the GraphQL API, managed from the command line.

The commands change the store like `load` does: directly, or through the write channel of the `aimsgraph
serve` that holds it (`api.channel`), printing the same either way. The same is done through the API
(`createApiKey`, `revokeApiKey`, `apiKeys` with an admin key). The first admin key can only come from here.
"""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.common import app, cli_actor, err, make_table, open_service, open_writes, out, print_json

keys_app = typer.Typer(
    help="API keys for the GraphQL API: create (token shown once), list, revoke.", no_args_is_help=True
)
app.add_typer(keys_app, name="keys")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print only JSON on stdout.")]


@keys_app.command("create")
def create(
    role: Annotated[str, typer.Option("--role", help="viewer (queries), editor (inventory, evidence) or admin.")],
    name: Annotated[str, typer.Option("--name", help="What the key is for, e.g. the GRC tool's name.")] = "",
    as_json: JsonFlag = False,
) -> None:
    """Create a key and print its token, once: the store keeps only a hash of it."""
    actor = cli_actor()
    with open_writes() as service:
        view, token = service.keys.create(actor, role, name)
    if as_json:
        print_json({"id": view.id, "name": view.name, "role": view.role, "token": token})
        return
    err.print(f"created {view.role} key {view.id}; send it as `Authorization: Bearer <token>`. It is not shown again:")
    out.print(token, highlight=False, markup=False)


@keys_app.command("list")
def list_keys(as_json: JsonFlag = False) -> None:
    """Every key, active and revoked, without secrets."""
    with open_service() as service:
        keys = service.keys.list()
    rows = [
        {
            "id": k.id,
            "name": k.name,
            "role": k.role,
            "createdAt": k.created_at.isoformat(),
            "revokedAt": k.revoked_at.isoformat() if k.revoked_at else None,
        }
        for k in keys
    ]
    if as_json:
        print_json(rows)
        return
    out.print(
        make_table(
            f"{len(keys)} API keys",
            ["id", "name", "role", "created", "revoked"],
            [
                [
                    k.id,
                    k.name,
                    k.role,
                    k.created_at.isoformat()[:19],
                    k.revoked_at.isoformat()[:19] if k.revoked_at else "",
                ]
                for k in keys
            ],
        )
    )


@keys_app.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(help="The key's id (see `aimsgraph keys list`).")]) -> None:
    """Revoke a key for good: requests with its token are refused from then on."""
    actor = cli_actor()
    with open_writes() as service:
        view = service.keys.revoke(actor, key_id)
    err.print(f"revoked key {view.id} ({view.role})")
