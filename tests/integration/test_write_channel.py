"""CLI changes beside a running server: sent through the server's write channel, printed the same as a direct
write, refused to other users, and never stuck on a dead server's socket. Real processes throughout."""

from __future__ import annotations

import getpass
import os
import re
import shlex
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import AIMSGRAPH, Cli, CliResult, ProcessCli, tiny_catalog
from tests.support.servers import start_server, stop, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SOCKET = "aimsgraph-writer.sock"


@pytest.fixture
def served(seeded_cli: Cli) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    """`aimsgraph serve` holding a copy of the seeded store, with anonymous reads refused."""
    base, process = start_server(seeded_cli.store, env={"AIMSGRAPH_ANONYMOUS_READ": "false"})
    yield base, process, seeded_cli.store
    stop(process)


def query(base: str, token: str | None, text: str = "{ frameworks { id } }") -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{base}/graphql", json={"query": text}, headers=headers, timeout=60)


def without_timing(text: str) -> str:
    """The lines a command printed, less its timing and the blank line a progress display may leave."""
    return "\n".join(line for line in re.sub(r"in \d+\.\d+ s", "in … s", text).splitlines() if line.strip())


def test_the_readme_key_walkthrough_works_while_the_server_runs(
    served: tuple[str, subprocess.Popen[bytes], Path],
) -> None:
    base, _, store = served
    cli = ProcessCli(store)
    created = cli.run("keys", "create", "--role", "viewer", "--name", "grc-sync", env={"AIMSGRAPH_LOCK_WAIT": "0"})
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    key_id = token.split("_")[1]
    assert f"created viewer key {key_id}" in created.stderr
    assert query(base, token).json()["data"]["frameworks"]  # the server knows the key at once
    listed = cli.run("keys", "list", "--json", check=True)
    assert key_id in listed.stdout  # and so does the next CLI read
    revoked = cli.run("keys", "revoke", key_id, check=True)
    assert revoked.stderr.strip() == f"revoked key {key_id} (viewer)"
    assert query(base, token).status_code == 401
    trail = cli.run("audit", "--json", check=True).stdout
    assert f'"actor": "cli {getpass.getuser()}"' in trail  # the audit trail names the CLI user, not the server


README = Path(__file__).resolve().parents[2] / "README.md"
EXAMPLES = README.parent / "examples"


def readme_commands(heading: str) -> list[list[str]]:
    """The `aimsgraph …` lines of the first fenced block under `heading`, comments dropped, as argument lists."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"^```\w*\n(.*?)^```", text[text.index(heading) :], re.MULTILINE | re.DOTALL)
    assert block is not None, heading
    lines = [re.sub(r"\s+#.*$", "", line) for line in block.group(1).splitlines() if line.startswith("aimsgraph ")]
    return [shlex.split(line)[1:] for line in lines]


def test_the_readmes_key_and_load_walkthrough_works_as_written_while_the_server_runs(
    served: tuple[str, subprocess.Popen[bytes], Path], tmp_path: Path
) -> None:
    """The README's own commands (its keys block, and the example organisation's load), run as a user types
    them in another shell while `aimsgraph serve` holds the store: each does what the README says, and the
    server answers with the change at once. `keys revoke` takes the id the create printed."""
    base, _, store = served
    create, listing, revoke = readme_commands("### Writing: keys, roles and mutations")
    assert (create[:2], listing, revoke[:2]) == (["keys", "create"], ["keys", "list"], ["keys", "revoke"])
    env = {"AIMSGRAPH_LOCK_WAIT": "0"}  # through the server's channel, never by waiting for its lock
    created = _run_in(tmp_path, store, *create, env=env)
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    key_id = token.split("_")[1]
    assert created.stderr.startswith(f"created editor key {key_id}")  # "token shown once": on stdout, alone
    assert query(base, token).json()["data"]["frameworks"]  # the server knows the key at once
    listed = _run_in(tmp_path, store, *listing, env=env)
    assert listed.returncode == 0 and key_id in listed.stdout and "grc-sync" in listed.stdout
    assert token.split("_", 2)[2] not in listed.stdout  # no secrets
    revoked = _run_in(tmp_path, store, *revoke[:2], key_id, env=env)
    assert revoked.returncode == 0 and revoked.stderr.strip() == f"revoked key {key_id} (editor)"
    assert query(base, token).status_code == 401  # and forgets it at once

    (load,) = [c for c in readme_commands("Northwind Credit") if c[:1] == ["load"]]
    viewer = _run_in(tmp_path, store, "keys", "create", "--role", "viewer", env=env).stdout.strip()
    loaded = _run_in(EXAMPLES.parent, store, *load, env=env)
    assert loaded.returncode == 0 and "organisation rivermouth" in loaded.stderr, loaded.stderr
    answer = query(base, viewer, '{ asset(id: "benefits-triage", organisation: "rivermouth") { id } }').json()
    assert answer["data"]["asset"] == {"id": "benefits-triage"}  # served at once, no restart
    again = _run_in(EXAMPLES.parent, store, *load, env=env)  # the same file again: nothing to do, said so
    assert again.returncode == 0 and "nothing to load" in again.stderr


def test_a_load_through_the_server_prints_exactly_what_a_direct_load_prints(seeded_cli: Cli, tmp_path: Path) -> None:
    twin = ProcessCli(tmp_path / "twin")
    shutil.copytree(seeded_cli.store, twin.store)
    good = tmp_path / "x.yaml"
    good.write_text(tiny_catalog("x", "{ref: '1', kind: clause, title: One}"))
    bad = tmp_path / "bad.yaml"
    bad.write_text(tiny_catalog("y", "{ref: '1', kind: clause}", "{ref: '1', kind: clause, title: Two}"))
    runs: dict[str, list[CliResult]] = {}
    commands = [("load", "x.yaml"), ("load", "bad.yaml"), ("load", "x.yaml", "--json"), ("keys", "revoke", "0" * 12)]
    for name, store in (("direct", twin.store), ("served", seeded_cli.store)):
        _, process = start_server(store) if name == "served" else ("", None)
        try:
            runs[name] = [_run_in(tmp_path, store, *command, env={"AIMSGRAPH_LOCK_WAIT": "0"}) for command in commands]
        finally:
            if process is not None:
                stop(process)
    for direct, served in zip(runs["direct"], runs["served"], strict=True):
        assert served.returncode == direct.returncode
        assert without_timing(served.stderr) == without_timing(direct.stderr)
        assert re.sub(r'"seconds": [0-9.e-]+', "", served.stdout) == re.sub(r'"seconds": [0-9.e-]+', "", direct.stdout)
    assert runs["served"][0].returncode == 0 and "loaded 2 nodes (x)" in runs["served"][0].stderr
    assert runs["served"][1].returncode == 1 and "bad.yaml:" in runs["served"][1].stderr  # named as typed
    assert runs["served"][3].returncode == 1 and "unknown API key" in runs["served"][3].stderr


def _run_in(folder: Path, store: Path, *args: str, env: dict[str, str]) -> CliResult:
    full_env = {**os.environ, "AIMSGRAPH_STORE": str(store), "COLUMNS": "200", **env}
    done = subprocess.run(
        [AIMSGRAPH, *args], capture_output=True, text=True, env=full_env, cwd=folder, timeout=300, check=False
    )
    return CliResult(done.returncode, done.stdout, done.stderr)


def test_a_killed_servers_socket_is_cleared_and_the_cli_writes_directly(seeded_cli: Cli) -> None:
    _, process = start_server(seeded_cli.store)
    assert (seeded_cli.store / SOCKET).exists()
    process.send_signal(signal.SIGKILL)
    process.wait()
    stop(process)
    assert (seeded_cli.store / SOCKET).exists()  # left behind by the kill
    made = ProcessCli(seeded_cli.store).run("keys", "create", "--role", "viewer", env={"AIMSGRAPH_LOCK_WAIT": "0"})
    assert made.returncode == 0, made.stderr
    assert not (seeded_cli.store / SOCKET).exists()


def test_the_socket_is_for_the_stores_owner_only(seeded_store: Path) -> None:
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:  # a folder another user may pass through
        Path(folder).chmod(0o711)
        store = Path(folder) / "store"
        shutil.copytree(seeded_store, store)
        store.chmod(0o755)
        _, process = start_server(store)
        try:
            assert stat.S_IMODE((store / SOCKET).stat().st_mode) == 0o600
            if os.getuid() != 0:
                pytest.skip("refusing another user needs a second uid to connect as (run as root to test it)")
            outsider = _speak_as_nobody(store)
            assert "Permission denied" in outsider  # the file's mode stops another user
            (store / SOCKET).chmod(0o666)  # and were the mode lost, the server checks the peer's uid
            outsider = _speak_as_nobody(store)
            assert "only the store's owner may use its write channel" in outsider
        finally:
            stop(process)
        assert ProcessCli(store).json("keys", "list") == []  # nothing was written for the outsider


def _speak_as_nobody(store: Path) -> str:
    """What a process of uid 65534 gets when it asks the channel for an admin key."""
    script = (
        "import json, socket, sys\n"
        "s = socket.socket(socket.AF_UNIX)\n"
        "try:\n"
        f"    s.connect({str(store / SOCKET)!r})\n"
        "except OSError as e:\n"
        "    print(e); sys.exit(0)\n"
        "try:\n"
        "    s.sendall(b'" + '{"protocol": 1, "op": "keys.create", "actor": {"kind": "cli"}, '
        '"args": {"role": "admin", "name": "x"}}' + "\\n')\n"
        "except OSError:\n"
        "    pass  # refused before it was heard: the refusal is still there to read\n"
        "print(s.makefile().readline())\n"
    )
    done = subprocess.run(
        ["/usr/bin/python3", "-c", script],
        capture_output=True,
        text=True,
        user=65534,
        timeout=60,
        check=False,
        cwd="/",
    )
    return done.stdout + done.stderr


def test_reads_during_a_cli_load_beside_the_server_see_the_old_or_the_new_revision(
    served: tuple[str, subprocess.Popen[bytes], Path], tmp_path: Path
) -> None:
    base, _, store = served
    token = ProcessCli(store).run("keys", "create", "--role", "viewer", check=True).stdout.strip()
    catalog = tmp_path / "big.yaml"
    catalog.write_text(tiny_catalog("big", *(f"{{ref: '{n}', kind: clause, title: T{n}}}" for n in range(2000))))
    seen: list[Any] = []
    done = threading.Event()

    def read() -> None:
        with httpx.Client(timeout=120) as client:
            while not done.is_set():
                response = client.post(
                    f"{base}/graphql",
                    json={"query": "{ frameworks { id } }"},
                    headers={"Authorization": f"Bearer {token}"},
                )
                seen.append((response.status_code, response.json()))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        wait_for(lambda: len(seen) >= 3, "reads before the load")
        loaded = ProcessCli(store).run("load", str(catalog), env={"AIMSGRAPH_LOCK_WAIT": "0"})
    finally:
        done.set()
        reader.join()
    assert loaded.returncode == 0, loaded.stderr
    assert all(status == 200 and "errors" not in body for status, body in seen), seen[:3]
    counts = [len(body["data"]["frameworks"]) for _, body in seen]
    assert set(counts) <= {6, 7} and counts == sorted(counts)  # old, then new; never back
    after = query(base, token, '{ framework(id: "big") { id } }').json()
    assert after["data"]["framework"] == {"id": "big"}  # the first read after the acknowledgement sees it
    assert "big" in {f["id"] for f in ProcessCli(store).json("frameworks")}  # in another process too


def test_serve_with_two_workers_starts_beside_a_running_server_and_follows_its_commits(
    served: tuple[str, subprocess.Popen[bytes], Path], tmp_path: Path
) -> None:
    writer_base, _, store = served
    token = ProcessCli(store).run("keys", "create", "--role", "viewer", check=True).stdout.strip()
    base, workers = start_server(store, "--workers", "2", env={"AIMSGRAPH_ANONYMOUS_READ": "false"})
    try:
        ready = httpx.get(f"{base}/readyz", timeout=60).json()
        assert ready["ready"] is True and ready["writable"] is False
        extra = tmp_path / "x.yaml"
        extra.write_text(tiny_catalog("x", "{ref: '1', kind: clause, title: One}"))
        loaded = ProcessCli(store).run("load", str(extra), check=True)  # through the first server's channel
        revision = int(re.search(r"revision (\d+)", loaded.stderr).group(1))  # type: ignore[union-attr]
        pids = set()
        for _ in range(20):  # each request may land on either worker: every one serves the new revision
            body = query(base, token, '{ framework(id: "x") { id } }')
            assert body.status_code == 200 and body.json()["data"]["framework"] == {"id": "x"}
            health = httpx.get(f"{base}/readyz", timeout=60).json()
            assert health["revision"] >= revision
            pids.add(health["pid"])
        assert query(writer_base, token, '{ framework(id: "x") { id } }').json()["data"]["framework"]
    finally:
        stop(workers)
    assert len(pids) >= 1


def test_the_work_commands_go_through_the_running_server_and_it_answers_with_the_work_at_once(
    served: tuple[str, subprocess.Popen[bytes], Path],
) -> None:
    """`aimsgraph work` beside a server: the change is the server's (its GraphQL sees it at once), a refused
    transition prints the same message as a direct write, and the trail names the CLI user."""
    base, _, store = served
    cli = ProcessCli(store)
    no_wait = {"AIMSGRAPH_LOCK_WAIT": "0"}  # a direct write would wait for the server's lock: fail instead
    cli.run("work", "owner", "risk-team", "--name", "Risk team", env=no_wait, check=True)
    target = ("--asset", "credit-system", "--framework", "eu-ai-act", "--ref", "Article 9")
    planned = cli.run("work", "assign", *target, "--to", "risk-team", "--due", "2027-01-31", "--json", env=no_wait)
    assert planned.returncode == 0, planned.stderr
    refused = cli.run("work", "advance", "verified", *target, env=no_wait)
    assert refused.returncode == 1
    assert "from not_started the work may go to in_progress" in refused.stderr
    admin = cli.run("keys", "create", "--role", "viewer", env=no_wait, check=True).stdout.strip()
    answer = query(base, admin, "{ workItems { edges { node { assigneeId due status } } } }").json()
    assert answer["data"]["workItems"]["edges"] == [
        {"node": {"assigneeId": "risk-team", "due": "2027-01-31", "status": "NOT_STARTED"}}
    ]
    trail = cli.run("audit", "--json", "--first", "3", check=True).stdout
    assert f'"actor": "cli {getpass.getuser()}"' in trail and '"operation": "planWork"' in trail
