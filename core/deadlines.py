"""A deadline for the work of one request, checked inside long loops, so a timeout stops the work itself.

Why: the GraphQL timeout cancelled the operation's coroutine, but resolvers are synchronous, so a field that
worked for 77 s (`gaps` over a large inventory) ran to its end before the timeout could act, holding a
thread and the interpreter. The server sets a deadline around each operation (`deadline(seconds)`, a context
variable: it follows the operation into its thread and tasks, and nothing else sees it); every loop of the
read side that grows with the data calls `check()`, which raises `OperationTimeout` once it has passed: one
asset's turn in `gaps` and in the spreadsheet exports, each framework, rule and batch of provisions of an
asset's obligations, every thousand steps of the walk down `uses`, crosswalks (every few hundred mappings,
each source provision of inference), coverage, the Statement of Applicability, search (per framework), a
mapping set's and the whole graph's exports. The CLI sets no deadline, so `check()` costs it one lookup.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from core.errors import AimsgraphError

_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar("aimsgraph_deadline", default=None)


class OperationTimeout(AimsgraphError):  # noqa: N818 - named for what the user sees: a timeout
    """The request's work passed its deadline and was stopped."""

    code = "TIMEOUT"

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the operation ran longer than {seconds:g} s and was stopped; ask for less")


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Work inside this block stops (at its next `check()`) once `seconds` have passed."""
    token = _DEADLINE.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def check() -> None:
    """Raise OperationTimeout if the current deadline has passed; nothing when there is none."""
    current = _DEADLINE.get()
    if current is not None and time.monotonic() > current[0]:
        raise OperationTimeout(current[1])
