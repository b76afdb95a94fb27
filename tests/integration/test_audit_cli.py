"""`aimsgraph audit`: the trail newest first from the command line, narrowed to one asset, as a table or JSON,
the same entries the GraphQL `auditLog` pages through."""

from __future__ import annotations

from graph.service import Service
from graph.stores.embedded import EmbeddedStore
from graph.views.write import Actor
from loaders.bundle import bundled_paths
from tests.conftest import Cli

GRC = Actor("key", key_id="3f2a9c1d0b7e", name="grc-sync", request_id="req-1")


def test_the_trail_reads_newest_first_narrowed_to_one_asset(seeded_cli: Cli) -> None:
    service = Service(EmbeddedStore.open(seeded_cli.store))
    for owner in ("risk", "models"):
        service.inventory.upsert_asset(GRC, None, {"id": "cli-audited", "kind": "model", "name": "A", "owner": owner})
    service.inventory.upsert_asset(GRC, None, {"id": "cli-other", "kind": "model", "name": "B", "owner": "x"})
    service.close()
    everything = seeded_cli.json("audit")
    assert [(e["target"], e["operation"]) for e in everything] == [
        ("cli-other", "upsertAsset"),
        ("cli-audited", "upsertAsset"),
        ("cli-audited", "upsertAsset"),
        (f"{len(bundled_paths())} files", "load"),  # the load that filled the store is in the trail too
    ]
    narrowed = seeded_cli.json("audit", "--asset", "cli-audited", "--first", "1")
    assert len(narrowed) == 1 and narrowed[0]["before"]["owner"] == "risk" and narrowed[0]["after"]["owner"] == "models"
    assert narrowed[0]["actor"] == "key 3f2a9c1d0b7e (grc-sync)" and narrowed[0]["requestId"] == "req-1"
    table = seeded_cli.run("audit", "--asset", "cli-audited")
    assert table.returncode == 0 and "2 of 2 audit entries" in table.stdout and "asset cli-audited" in table.stdout
    assert seeded_cli.json("audit", "--asset", "nothing-like-it") == []
