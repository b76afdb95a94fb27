"""A progress display on stderr that appears only when a command has run for more than a second.

A timer, not the progress calls, decides when to show it: a long phase (SHACL validation) reports only its
start and end, and the user should see it running in between.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rich's progress is imported only when a command runs long enough to show it
    from rich.console import Console
    from rich.progress import Progress, TaskID


class DelayedProgress:
    """Usable as the service's ProgressCallback; quick commands print nothing at all."""

    def __init__(self, console: Callable[[], Console], delay: float = 1.0) -> None:
        self._console = console  # made only if the display shows: rich's console costs start-up time
        self._lock = threading.Lock()
        self._phases: dict[str, tuple[int, int]] = {}
        self._tasks: dict[str, TaskID] = {}
        self._progress: Progress | None = None
        self._closed = False
        self._timer = threading.Timer(delay, self._show)
        self._timer.daemon = True
        self._timer.start()

    def __call__(self, phase: str, done: int, total: int) -> None:
        with self._lock:
            self._phases[phase] = (done, total)
            if self._progress is not None:
                self._render(phase)

    def _render(self, phase: str) -> None:
        assert self._progress is not None
        done, total = self._phases[phase]
        if phase not in self._tasks:
            self._tasks[phase] = self._progress.add_task(phase, total=total)
        self._progress.update(self._tasks[phase], completed=done, total=total)

    def _show(self) -> None:
        with self._lock:
            if self._closed:
                return
            from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TimeElapsedColumn(),
                console=self._console(),
                transient=True,
            )
            self._progress.start()
            for phase in self._phases:
                self._render(phase)

    def __enter__(self) -> DelayedProgress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._timer.cancel()
        with self._lock:
            self._closed = True
            if self._progress is not None:
                self._progress.stop()
