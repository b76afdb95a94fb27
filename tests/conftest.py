"""Shared fixtures. Tests run against the installed package (pytest's importlib mode keeps the repo root
off sys.path); subprocess tests call the installed `aimsgraph` console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.service import Service
from graph.stores.embedded import EmbeddedStore

AIMSGRAPH = shutil.which("aimsgraph", path=str(Path(sys.executable).parent)) or "aimsgraph"


@pytest.fixture(scope="session")
def bundled() -> Iterator[Service]:
    """An in-memory store holding the bundled data; shared and read-only by convention."""
    service = Service(EmbeddedStore.open(None))
    service.load(include_bundled=True, replace=True)
    yield service
    service.store.close()


@pytest.fixture
def memory_service() -> Iterator[Service]:
    service = Service(EmbeddedStore.open(None))
    yield service
    service.store.close()


@pytest.fixture
def data_dir() -> Path:
    return Path(__file__).parent / "data"


def tiny_catalog(framework_id: str, *provisions: str) -> str:
    """A minimal valid catalog; each provision is a one-line YAML flow mapping."""
    header = (
        f"framework:\n  id: {framework_id}\n  name: {framework_id.title()}\n  title: A test framework\n"
        "  version: '1'\n  issued: 2024-01-01\n  publisher: tests\n  source: tests\n  binding: false\n"
    )
    return header + "provisions:\n" + "".join(f"  - {p}\n" for p in provisions)


class Cli:
    """Runs the installed CLI as a user would, against one store directory."""

    def __init__(self, store: Path) -> None:
        self.store = store

    def run(self, *args: str, check: bool = False, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "AIMSGRAPH_STORE": str(self.store), "COLUMNS": "200"}
        result = subprocess.run(
            [AIMSGRAPH, *args], capture_output=True, text=True, env=env, timeout=timeout, check=False
        )
        if check and result.returncode != 0:
            raise AssertionError(f"aimsgraph {' '.join(args)} exited {result.returncode}: {result.stderr}")
        return result

    def json(self, *args: str) -> Any:
        result = self.run(*args, "--json", check=True)
        return json.loads(result.stdout)


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
