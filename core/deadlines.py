"""A deadline for the work of one request, checked inside long loops, so a timeout stops the work itself.

Why: the GraphQL timeout cancelled the operation's coroutine, but resolvers are synchronous, so a field that
worked for 77 s (`gaps` over a large inventory) ran to its end before the timeout could act, holding a
thread and the interpreter. The server sets a deadline around each operation (`deadline(seconds)`, a context
variable: it follows the operation into its thread and tasks, and nothing else sees it); the loops that can
run long — one asset's turn in `gaps`, one provision's walk in crosswalk inference — call `check()`, which
raises `OperationTimeout` once it has passed. The CLI sets no deadline, so `check()` costs it one lookup.
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
