"""Real `aimsgraph serve` processes for tests, started on free loopback ports and stopped after."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO

import httpx

from tests.conftest import AIMSGRAPH

_logs: dict[int, IO[bytes]] = {}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(
    condition: object, what: str, *, timeout: float = 120.0, process: subprocess.Popen[bytes] | None = None
) -> None:
    """Poll `condition` (a callable) until it holds; fail saying `what` did not happen, or that `process` died.
    The timeout is a safety net for a broken feature, not a measurement: it is far above any healthy wait."""
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"{what}: the process exited with {process.returncode}: {server_log(process)}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout:g} s")
        time.sleep(0.05)


def server_log(process: subprocess.Popen[bytes], tail: int | None = 4000) -> str:
    """What the server wrote to stderr: the last `tail` characters, or all of it."""
    log = _logs.get(process.pid)
    if log is None:
        return ""
    log.seek(0)
    text = log.read().decode(errors="replace")
    return text if tail is None else text[-tail:]


def _answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def start_server(store: Path, *args: str, env: dict[str, str] | None = None) -> tuple[str, subprocess.Popen[bytes]]:
    """A real `aimsgraph serve` on a free loopback port, once it answers /healthz."""
    port = free_port()
    # The request deadline is a hang guard in tests, not a measurement: at its 10 s default, writes queued
    # behind one another on a loaded machine were answered TIMEOUT and racing tests failed (a test of the
    # deadline itself sets its own).
    full_env = {**os.environ, "AIMSGRAPH_STORE": str(store), "AIMSGRAPH_REQUEST_TIMEOUT": "600", **(env or {})}
    # The server's log goes to a file, never to a pipe nobody reads: it writes a JSON line per request, and a
    # full pipe (64 KiB) would block the server in its logging call.
    log = tempfile.TemporaryFile()  # noqa: SIM115 — closed with the process, in stop()
    process = subprocess.Popen(
        [AIMSGRAPH, "serve", "--port", str(port), *args], env=full_env, stdout=subprocess.DEVNULL, stderr=log
    )
    _logs[process.pid] = log
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(base), "the server answering /healthz", process=process)
    except AssertionError:
        process.kill()
        raise
    return base, process


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log = _logs.pop(process.pid, None)
    if log is not None:
        log.close()
