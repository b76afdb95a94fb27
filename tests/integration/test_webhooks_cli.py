"""`aimsgraph webhooks create|list|remove|deliveries` beside a running server: the registration goes through the
server's write channel, the server sends the next change to the receiver signed with the secret shown once,
and the list and the delivery log never show the secret."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Cli
from tests.support.receiver import Receiver
from tests.support.servers import start_server, stop, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


def test_a_webhook_registered_from_the_cli_beside_a_server_is_sent_the_next_change(
    seeded_cli: Cli, receiver: Receiver
) -> None:
    _, process = start_server(seeded_cli.store, env={"AIMSGRAPH_WEBHOOK_BACKOFF": "0.05"})
    try:
        made = seeded_cli.json("webhooks", "create", receiver.url, "--kind", "api_key")
        receiver.secret = made["secret"]
        key = seeded_cli.json("keys", "create", "--role", "viewer", "--name", "announced")  # through the channel
        (change,) = receiver.wait_for(1)
        assert (change["targetKind"], change["targetId"], change["operation"]) == ("api_key", key["id"], "createApiKey")
        assert receiver.bad_signatures == 0

        def delivered() -> bool:
            return bool(seeded_cli.json("webhooks", "list")[0]["delivered"] >= change["sequence"])

        wait_for(delivered, "the delivery recorded in the store", process=process)
        (listed,) = seeded_cli.json("webhooks", "list")
        assert listed["id"] == made["id"] and listed["lastStatus"] == "204" and "secret" not in listed
        (attempt,) = seeded_cli.json("webhooks", "deliveries", made["id"])
        assert attempt["ok"] is True and attempt["firstSequence"] == change["sequence"]
        assert made["secret"] not in seeded_cli.run("webhooks", "list").stdout
        removed = seeded_cli.run("webhooks", "remove", made["id"])
        assert removed.returncode == 0 and f"removed webhook {made['id']}" in removed.stderr
        assert seeded_cli.json("webhooks", "list")[0]["active"] is False
    finally:
        stop(process)
