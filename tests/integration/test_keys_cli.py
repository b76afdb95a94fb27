"""`aimsgraph keys create|list|revoke`: the token shown once, no secret listed, a revoked key refused, and the
key kept only as a hash in the store (and never in an export)."""

from __future__ import annotations

from typing import Any

import pytest

from core.records import GraphBatch, Node
from graph.service import Service
from graph.stores.embedded import EmbeddedStore
from tests.conftest import Cli

pytestmark = pytest.mark.integration
ELSEWHERE = "https://w3id.org/aimsgraph/id/test/elsewhere"


def test_keys_are_created_listed_and_revoked_from_the_command_line(seeded_cli: Cli) -> None:
    made = seeded_cli.json("keys", "create", "--role", "editor", "--name", "grc-sync")
    assert made["role"] == "editor" and made["token"].startswith(f"agk_{made['id']}_")
    listed = seeded_cli.json("keys", "list")
    assert [{k: v for k, v in key.items() if k != "createdAt"} for key in listed] == [
        {"id": made["id"], "name": "grc-sync", "role": "editor", "revokedAt": None}
    ]
    assert made["token"] not in seeded_cli.run("keys", "list").stdout
    table = seeded_cli.run("keys", "list")
    assert table.returncode == 0 and "grc-sync" in table.stdout
    service = Service(EmbeddedStore.open(seeded_cli.store, read_only=True))
    try:
        assert service.keys.authenticate(made["token"]).id == made["id"]
        stored = service.keys.list()[0]
        assert made["token"].split("_", 2)[2] not in repr(
            service._store.get([f"https://w3id.org/aimsgraph/id/api-key/{stored.id}"])
        )
        export = service.answers().exports.graph("nt")
        assert "keyHash" not in export and made["id"] in export
        entry = service.audit_log(service.answers().revision)[0]
        assert entry.operation == "createApiKey" and entry.actor.startswith("cli ")
    finally:
        service.close()
    revoked = seeded_cli.run("keys", "revoke", made["id"])
    assert revoked.returncode == 0 and f"revoked key {made['id']}" in revoked.stderr
    assert seeded_cli.json("keys", "list")[0]["revokedAt"] is not None
    unknown = seeded_cli.run("keys", "revoke", "000000000000")
    assert unknown.returncode == 1 and "unknown API key" in unknown.stderr


def test_a_key_with_an_unknown_role_is_refused(seeded_cli: Cli) -> None:
    result = seeded_cli.run("keys", "create", "--role", "root")
    assert result.returncode == 1 and "unknown role 'root'" in result.stderr and "Traceback" not in result.stderr


def test_the_graphql_schema_and_the_settings_table_are_printed(seeded_cli: Cli) -> None:
    sdl = seeded_cli.run("schema", "graphql")
    assert sdl.returncode == 0 and "type Mutation {" in sdl.stdout
    settings = seeded_cli.run("schema", "settings")
    assert "`AIMSGRAPH_ANONYMOUS_READ`" in settings.stdout


def test_a_key_change_that_meets_another_commit_says_so_and_writes_nothing(
    seeded_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18: a change prepared before another process's commit is refused with a clear error (exit 1, the
    conflict and "retry" in words, no traceback), and nothing of it is written; run again, it goes through."""
    commit = EmbeddedStore.commit
    interfered: list[int] = []

    def another_commit_first(self: EmbeddedStore, batch: GraphBatch, **options: Any) -> int:
        if not interfered:  # once: another writer's commit lands between this change's read and its commit
            interfered.append(self.revision)
            self.write(GraphBatch([Node(id=f"{ELSEWHERE}/1", labels=("Organisation",), props={"identifier": "x"})]))
        return commit(self, batch, **options)

    monkeypatch.setattr(EmbeddedStore, "commit", another_commit_first)
    refused = seeded_cli.run("keys", "create", "--role", "editor", "--name", "raced")
    assert interfered and refused.returncode == 1, refused
    assert "the store changed while this change was prepared" in refused.stderr and "retry" in refused.stderr
    assert "Traceback" not in refused.stderr and refused.stdout == ""
    assert seeded_cli.json("keys", "list") == []
    again = seeded_cli.json("keys", "create", "--role", "editor", "--name", "raced")
    assert [key["id"] for key in seeded_cli.json("keys", "list")] == [again["id"]]
