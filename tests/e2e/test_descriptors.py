"""The connection guard counts the descriptors the server holds besides its connections (issue 24): the write
channel's CLI clients, the checkpoints it publishes, the store's files. A real `aimsgraph serve` runs with an
open-file limit of 256; 100 CLI clients hold the write channel open (each a descriptor in the server) while
idle TCP connections flood it. No accept may fail for want of a descriptor (asyncio logs "socket.accept() out
of system resource" when one does), the server never reaches its limit, and it keeps answering.

With a fixed margin for "the store's files and the log" the guard admitted as many connections as before, and
the channel's descriptors pushed the process over its limit: accepts failed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.channel.address import socket_path
from tests.conftest import AIMSGRAPH
from tests.e2e.test_connections import OPEN_FILES, Server, _few_files
from tests.support.servers import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHANNEL_CLIENTS = 100
FLOOD = 400  # idle TCP connections, more than the server can hold beside the channel's clients
LIMITS = {  # the open-file limit bounds the connections, nothing else
    "AIMSGRAPH_MAX_CONNECTIONS": "10000",
    "AIMSGRAPH_MAX_CONNECTIONS_PER_CLIENT": "10000",
    "AIMSGRAPH_HEADER_TIMEOUT": "60",
}


@pytest.fixture(params=["uvloop", "asyncio"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    """The server on uvicorn's default loop (uvloop, a dependency), and on asyncio's own, which uvicorn takes
    where uvloop is not installed: the two accept and admit connections differently."""
    store = tmp_path / "store"
    port = free_port()
    loop_env: dict[str, str] = {}
    if request.param == "asyncio":  # uvloop hidden: its import fails, as where it is not installed
        hidden = tmp_path / "no-uvloop"
        (hidden / "uvloop").mkdir(parents=True)
        (hidden / "uvloop" / "__init__.py").write_text("raise ImportError('hidden by the test')\n")
        loop_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(hidden), os.environ.get("PYTHONPATH")]))
    log = tempfile.TemporaryFile()  # noqa: SIM115 — closed below
    process = subprocess.Popen(
        [AIMSGRAPH, "serve", "--port", str(port)],
        env={**os.environ, "AIMSGRAPH_STORE": str(store), **LIMITS, **loop_env},
        stdout=subprocess.DEVNULL,
        stderr=log,
        preexec_fn=_few_files,  # noqa: PLW1509 — only sets a resource limit in the child
    )
    running = Server(process, port, log)
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{running.base}/healthz", timeout=1).status_code == 200 and socket_path(store).exists():
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"server did not start: {running.log_text()}")
        time.sleep(0.2)
    yield running, store
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def _channel_client(store: Path) -> socket.socket:
    """A CLI client connected to the write channel, holding it open without sending (a change being read)."""
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(10)
    directory = os.open(store, os.O_RDONLY)  # the store's path may be too long for a socket address
    try:
        give_up = time.monotonic() + 30
        while True:
            try:
                client.connect(f"/proc/self/fd/{directory}/{socket_path(store).name}")
                return client
            except BlockingIOError:  # the channel's backlog (16) is full until the server accepts: again
                if time.monotonic() > give_up:
                    raise
                time.sleep(0.01)
    finally:
        os.close(directory)


def test_the_channels_clients_never_make_an_accept_fail_under_an_idle_flood(server: tuple[Server, Path]) -> None:
    running, store = server
    held: list[socket.socket] = []
    try:
        before = running.open_files()
        held += [_channel_client(store) for _ in range(CHANNEL_CLIENTS)]
        wait_until = time.monotonic() + 30
        accepted = before + CHANNEL_CLIENTS - 8  # (a few of the server's own descriptors come and go meanwhile)
        while running.open_files() < accepted and time.monotonic() < wait_until:
            time.sleep(0.05)  # until the server has accepted the channel's clients (a condition, bounded)
        assert running.open_files() >= accepted
        for number in range(FLOOD):
            sock = socket.socket()
            sock.settimeout(5)
            try:
                sock.connect(("127.0.0.1", running.port))
                held.append(sock)
            except OSError:
                sock.close()
            if number % 50 == 49:  # a health check among the flood, on a new connection as a load balancer's
                assert httpx.get(f"{running.base}/healthz", timeout=10).status_code == 200
                assert running.open_files() < OPEN_FILES
        answer = httpx.post(f"{running.base}/graphql", json={"query": "{ frameworks { id } }"}, timeout=30)
        assert answer.status_code == 200 and len(answer.json()["data"]["frameworks"]) == 6
    finally:
        for sock in held:
            sock.close()
    log = running.log_text()
    assert "out of system resource" not in log and "Too many open files" not in log, log[-2000:]
    assert "Traceback" not in log


BURST = 1_500  # connections started at once: the listening queue refills as fast as the server empties it


def test_a_burst_of_connections_never_makes_an_accept_fail(server: tuple[Server, Path]) -> None:
    """asyncio accepts up to the listening backlog per turn of its loop and admits each connection (where the
    guard closes an idle one) a turn or two later, the idle one's descriptor closing a turn after that: a burst
    that keeps the queue full has several backlogs of descriptors on their way in or out at once. Counted as
    one, the bound let a burst take the process to its open-file limit."""
    running, _ = server
    burst: list[socket.socket] = []
    try:
        for _ in range(BURST):  # non-blocking: every connect is started before the server has accepted any
            sock = socket.socket()
            sock.setblocking(False)
            sock.connect_ex(("127.0.0.1", running.port))
            burst.append(sock)
        deadline = time.monotonic() + 30
        answered = False
        while not answered and time.monotonic() < deadline:  # the server drains the burst, then answers
            try:
                answered = httpx.get(f"{running.base}/healthz", timeout=10).status_code == 200
            except httpx.TransportError:
                continue
        assert answered
        assert running.open_files() < OPEN_FILES
    finally:
        for sock in burst:
            sock.close()
    log = running.log_text()
    assert "out of system resource" not in log and "Too many open files" not in log, log[-2000:]
    assert "Traceback" not in log
