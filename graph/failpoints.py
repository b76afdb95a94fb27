"""Named crash points inside writes, so tests can kill a process exactly where they claim to.

A crash test that sends SIGKILL after a delay mostly kills the process before the store is touched. With
`AIMSGRAPH_FAILPOINT=<name>` in its environment, a process kills itself with SIGKILL when it reaches that
point, which proves what the store looks like after a crash in that very step. This is a test facility, read
from the environment directly rather than from `Settings`: it must work in any process, however started.
"""

from __future__ import annotations

import os
import signal

_ARMED = os.environ.get("AIMSGRAPH_FAILPOINT", "")

POINTS = (
    "generation:filled",  # the new generation is bulk-loaded, not yet current
    "generation:switched",  # the pointer names the new generation; the old one is still on disk
    "generation:old-dropped",  # the old generation is removed, nothing flushed yet
    "upsert:before",  # a small upsert is about to run its one SPARQL update
    "upsert:applied",  # the update ran, nothing flushed yet
)


def failpoint(name: str) -> None:
    """Die here, as a power cut or kill -9 would, when the environment arms this point."""
    if name == _ARMED:
        os.kill(os.getpid(), signal.SIGKILL)
