"""A local Bolt server for users without Neo4j: ArcadeDB started from its PyPI wheel (`aimsgraph neo4j dev-server`).

Why ArcadeDB: it speaks Bolt and Cypher ("Neo4j/5.26.0 compatible"), its wheel (`arcadedb-embedded`, the
`neo4j-dev` extra) ships the server jars, the Bolt plugin and its own Java runtime, so an air-gapped machine with
PyPI access gets a server without Docker. The tests and the benchmarks start their throwaway servers with the
same launcher. It is a development server: loopback only, one root user. What differs from a real Neo4j 5 is
kept in `graph/stores/cypher_dialect.py` and listed in docs/neo4j.md.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import secrets
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATABASE = "aimsgraph"
_LOG_TAIL = 30


class ArcadeDBUnavailableError(RuntimeError):
    """The wheel is not installed, or the server did not come up (the message holds its log tail)."""


def package_dir() -> Path:
    """Where the wheel keeps `jre/` and `jars/`, found without importing it (importing starts nothing, but
    costs time and is not needed)."""
    spec = importlib.util.find_spec("arcadedb_embedded")
    if spec is None or spec.origin is None:
        raise ArcadeDBUnavailableError(
            "the arcadedb-embedded wheel is not installed: pip install 'aimsgraph[neo4j-dev]' (or the dev extra)"
        )
    return Path(spec.origin).parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def port_in_use(port: int) -> bool:
    """Whether a server holds `port` (a port a closed server left in TIME_WAIT is free to bind again)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
        return False


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@dataclass
class ArcadeDB:
    """A running server: its Bolt URI, the root password, and the process to stop."""

    root: Path
    bolt_port: int
    http_port: int
    password: str
    process: subprocess.Popen[bytes]
    log: Path
    database: str = DEFAULT_DATABASE
    user: str = "root"
    created: set[str] = field(default_factory=set)

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def log_tail(self, lines: int = _LOG_TAIL) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def create_database(self, name: str) -> str:
        """A fresh, empty database on this server (through its HTTP API), for a test that needs isolation."""
        self._command(f"create database {name}")
        self.created.add(name)
        return name

    def drop_database(self, name: str) -> None:
        self._command(f"drop database {name}")
        self.created.discard(name)

    def _command(self, command: str) -> None:
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.http_port}/api/v1/server",
            data=json.dumps({"command": command}).encode(),
            headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """Kill -9, as a crash would: for tests of a server dying mid-operation."""
        if self.alive():
            self.process.kill()
            self.process.wait(timeout=30)

    def stop(self) -> None:
        """Terminate, then kill if it does not go within ten seconds."""
        if not self.alive():
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


def start_arcadedb(
    root: Path,
    *,
    database: str = DEFAULT_DATABASE,
    timeout: float = 90.0,
    heap: str = "1g",
    password: str | None = None,
    bolt_port: int | None = None,
    http_port: int | None = None,
) -> ArcadeDB:
    """Start a server rooted at `root` and wait until Bolt accepts a connection (free loopback ports unless
    given).

    A fresh `root` gets a new root password; restarting over an existing `root` (its databases survive) must
    pass the password it was created with (`start_persistent` remembers it).
    """
    home = package_dir()
    java = home / "jre" / "bin" / "java"
    if not java.exists():
        raise ArcadeDBUnavailableError(f"no Java runtime in the arcadedb-embedded wheel at {java}")
    root.mkdir(parents=True, exist_ok=True)
    for port in (bolt_port, http_port):
        if port is not None and port_in_use(port):
            raise ArcadeDBUnavailableError(f"port {port} on 127.0.0.1 is already in use; choose another")
    bolt_port, http_port = bolt_port or free_port(), http_port or free_port()
    password = password or secrets.token_hex(12)
    command = [
        str(java),
        f"-Xmx{heap}",
        "-cp",
        f"{home / 'jars'}/*",
        f"-Darcadedb.server.rootPath={root}",
        f"-Darcadedb.server.rootPassword={password}",
        f"-Darcadedb.server.defaultDatabases={database}[root]",
        "-Darcadedb.server.plugins=Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
        "-Darcadedb.bolt.host=127.0.0.1",
        f"-Darcadedb.bolt.port={bolt_port}",
        "-Darcadedb.server.httpIncomingHost=127.0.0.1",
        f"-Darcadedb.server.httpIncomingPort={http_port}",
        "com.arcadedb.server.ArcadeDBServer",
    ]
    log = root / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=root, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = ArcadeDB(root, bolt_port, http_port, password, process, log, database)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.alive():
            raise ArcadeDBUnavailableError(
                f"ArcadeDB exited with {process.returncode} while starting:\n{server.log_tail()}"
            )
        if _accepts(bolt_port) and "Server started" in server.log_tail(200):
            return server
        time.sleep(0.2)
    server.stop()
    raise ArcadeDBUnavailableError(
        f"ArcadeDB's Bolt port {bolt_port} did not open within {timeout:g} s:\n{server.log_tail()}"
    )


_CREDENTIALS = "aimsgraph-dev-server.json"


def start_persistent(
    root: Path,
    *,
    database: str = DEFAULT_DATABASE,
    bolt_port: int | None = None,
    http_port: int | None = None,
    heap: str = "1g",
) -> ArcadeDB:
    """Start (or restart) a server whose databases and root password live in `root`.

    The password is made once and kept in `root/aimsgraph-dev-server.json` (mode 0600), because ArcadeDB
    fixes the root password when it first creates its security files: a restart must present the same one.
    """
    root.mkdir(parents=True, exist_ok=True)
    kept = root / _CREDENTIALS
    if kept.exists():
        password = str(json.loads(kept.read_text())["password"])
    else:
        password = secrets.token_hex(12)
        descriptor = os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as sink:
            json.dump({"user": "root", "password": password}, sink)
    return start_arcadedb(
        root, database=database, password=password, bolt_port=bolt_port, http_port=http_port, heap=heap
    )
