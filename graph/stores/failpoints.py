"""Named crash points inside writes, so tests can kill a process exactly where they claim to.

A crash test that sends SIGKILL after a delay mostly kills the process before the store is touched. With
`AIMSGRAPH_FAILPOINT=<name>` in its environment, a process kills itself with SIGKILL when it reaches that
point, which proves what the store looks like after a crash in that very step. This is a test facility, read
from the environment directly rather than from `Settings`: it must work in any process, however started.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

_ARMED = os.environ.get("AIMSGRAPH_FAILPOINT", "")
# `pause` instead of the default `kill`: say so on stderr and sleep, so a test can kill something else (a
# database server) while this process is at the point, then see how it copes when it wakes.
_ACTION = os.environ.get("AIMSGRAPH_FAILPOINT_ACTION", "kill")
_PAUSE = float(os.environ.get("AIMSGRAPH_FAILPOINT_PAUSE", "5"))
# With a release file the pause ends when that file appears (`_PAUSE` is then only a hang guard): a test that
# must act while this process is held (another server's commit) says when it is done, instead of racing a clock
# that a loaded machine can outrun.
_RELEASE = os.environ.get("AIMSGRAPH_FAILPOINT_RELEASE", "")

POINTS = (
    "generation:filled",  # the new generation is bulk-loaded, not yet current
    "generation:switched",  # the pointer names the new generation; the old one is still on disk
    "generation:old-dropped",  # the old generation is removed, nothing flushed yet
    "upsert:before",  # a small upsert is about to run its one SPARQL update
    "upsert:applied",  # the update ran, nothing flushed yet
    "neo4j:nodes-written",  # a Neo4j write has created its nodes inside the open transaction, no links yet
    "neo4j:before-commit",  # a Neo4j write (or sync) has run every statement; the commit is next
)


def failpoint(name: str) -> None:
    """Die here, as a power cut or kill -9 would, when the environment arms this point."""
    if name != _ARMED:
        return
    if _ACTION == "pause":
        sys.stderr.write(f"failpoint {name}: pausing {_PAUSE:g} s\n")
        sys.stderr.flush()
        if not _RELEASE:
            time.sleep(_PAUSE)
            return
        deadline = time.monotonic() + _PAUSE
        while not Path(_RELEASE).exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        return
    os.kill(os.getpid(), signal.SIGKILL)
