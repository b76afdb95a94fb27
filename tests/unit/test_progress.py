"""Progress appears on long commands only."""

from __future__ import annotations

import io
import time

from rich.console import Console

from api.cli.progress import DelayedProgress


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
