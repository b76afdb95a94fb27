"""Progress appears on long commands only."""

from __future__ import annotations

import io
import time
from pathlib import Path

from rich.console import Console

from api.cli.progress import DelayedProgress
from graph.service import Service
from graph.stores.embedded import EmbeddedStore
from tests.conftest import tiny_catalog


def console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=True, width=100), buffer


def test_a_quick_command_prints_nothing() -> None:
    term, buffer = console()
    with DelayedProgress(lambda: term, delay=5) as progress:
        progress("reading", 1, 2)
    assert buffer.getvalue() == ""


def test_a_long_phase_is_shown_while_it_runs() -> None:
    term, buffer = console()
    with DelayedProgress(lambda: term, delay=0.05) as progress:
        progress("validating shapes", 0, 1)  # no further call until the phase ends
        time.sleep(0.4)
        assert "validating shapes" in buffer.getvalue()
        progress("validating shapes", 1, 1)


def test_progress_moves_inside_one_large_file(tmp_path: Path) -> None:
    """Not only per file: while one big file is taken in, its phase reports how far it got."""
    path = tmp_path / "big.yaml"
    provisions = [
        f"{{ref: 'C.{n}', kind: control, title: Control {n}, summary: Keep record {n} current.}}" for n in range(1_200)
    ]
    path.write_text(tiny_catalog("big", *provisions))
    calls: list[tuple[str, int, int]] = []
    service = Service(EmbeddedStore.open(None))
    service.load([path], replace=True, progress=lambda phase, done, total: calls.append((phase, done, total)))
    inside = [(done, total) for phase, done, total in calls if phase == "taking in big.yaml"]
    assert any(0 < done < total for done, total in inside), calls
    assert inside[-1] == (1_200, 1_200)
    service.close()
