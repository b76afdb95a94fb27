"""Shared fixtures. Tests run against the installed package (pytest's importlib mode keeps the repo root
off sys.path). CLI tests run the commands in process (typer's CliRunner); the few that must prove a real
process (exit codes of the console script, SIGKILL) call the installed `aimsgraph` script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.service import Service
from graph.stores.embedded import EmbeddedStore

pytest_plugins = ["tests.support.fixtures"]  # the ArcadeDB server and databases for the Neo4j store's tests

AIMSGRAPH = shutil.which("aimsgraph", path=str(Path(sys.executable).parent)) or "aimsgraph"


@pytest.fixture(scope="session")
def bundled() -> Iterator[Service]:
    """An in-memory store holding the bundled data; shared and read-only by convention."""
    service = Service(EmbeddedStore.open(None))
    service.load(include_bundled=True, replace=True)
    yield service
    service.close()


@pytest.fixture
def memory_service() -> Iterator[Service]:
    service = Service(EmbeddedStore.open(None))
    yield service
    service.close()


def tiny_catalog(framework_id: str, *provisions: str) -> str:
    """A minimal valid catalog; each provision is a one-line YAML flow mapping."""
    header = (
        f"framework:\n  id: {framework_id}\n  name: {framework_id.title()}\n  title: A test framework\n"
        "  version: '1'\n  issued: 2024-01-01\n  publisher: tests\n  source: tests\n  binding: false\n"
    )
    return header + "provisions:\n" + "".join(f"  - {p}\n" for p in provisions)


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


class Cli:
    """Runs CLI commands in this process, as a user would type them, against one store directory.

    Exceptions are not caught: a traceback the user would see fails the test instead of becoming exit 1.
    """

    def __init__(self, store: Path) -> None:
        self.store = store

    def run(self, *args: str, check: bool = False, env: dict[str, str] | None = None) -> CliResult:
        settings = {"AIMSGRAPH_STORE": str(self.store), "COLUMNS": "200", **(env or {})}
        result = CliRunner().invoke(app, list(args), env=settings, catch_exceptions=False)
        outcome = CliResult(result.exit_code, result.stdout, result.stderr)
        if check and outcome.returncode != 0:
            raise AssertionError(f"aimsgraph {' '.join(args)} exited {outcome.returncode}: {outcome.stderr}")
        return outcome

    def json(self, *args: str, env: dict[str, str] | None = None) -> Any:
        result = self.run(*args, "--json", check=True, env=env)
        return json.loads(result.stdout)


class ProcessCli(Cli):
    """Runs the installed console script in a real process: for exit codes and signals."""

    def run(self, *args: str, check: bool = False, env: dict[str, str] | None = None) -> CliResult:
        full_env = {**os.environ, "AIMSGRAPH_STORE": str(self.store), "COLUMNS": "200", **(env or {})}
        # a hang guard, not a timing assert: a sync of the bundled data ran past two minutes on a loaded machine
        done = subprocess.run(
            [AIMSGRAPH, *args], capture_output=True, text=True, env=full_env, timeout=600, check=False
        )
        if check and done.returncode != 0:
            raise AssertionError(f"aimsgraph {' '.join(args)} exited {done.returncode}: {done.stderr}")
        return CliResult(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "store")


@pytest.fixture(scope="session")
def seeded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store directory bootstrapped once from the bundled data, copied by tests that change it."""
    path = tmp_path_factory.mktemp("seeded") / "store"
    Cli(path).run("frameworks", check=True)
    return path


@pytest.fixture
def seeded_cli(seeded_store: Path, tmp_path: Path) -> Cli:
    copy = tmp_path / "store"
    shutil.copytree(seeded_store, copy)
    return Cli(copy)
