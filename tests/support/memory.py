"""Running a piece of the product in a child process under a memory cap, and reading how much it grew.

Why a child: a resource test must not take the shared machine down when the bound it checks is broken, so
the child's address space is capped (`RLIMIT_AS`) and a runaway ends in its own MemoryError. Why a growth
figure rather than an absolute one: the peak resident size (`ru_maxrss`) is read after the imports and again
after the work, so what the test bounds is what the work added, whatever the libraries cost on this machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from typing import Any

_PRELUDE = """
import json, resource, sys
_cap = int(sys.argv[1]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (_cap, _cap))
def _peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

_REPORT = """
def report(**values):
    values["grew_mib"] = _peak_mib() - _baseline_mib
    print("RESULT " + json.dumps(values), flush=True)
"""


@dataclass(frozen=True, slots=True)
class CappedRun:
    returncode: int
    result: dict[str, Any] | None  # what the child passed to report(), with `grew_mib`
    stderr: str


def run_capped(setup: str, work: str, args: list[str], cap_mib: int = 2048, timeout: float = 600) -> CappedRun:
    """Run `setup` (imports), note the peak memory, then `work`, which calls `report(**values)` once.

    The child's argv is `[cap_mib, *args]`, so `sys.argv[2:]` are the caller's arguments.
    """
    code = "\n".join(
        [
            _PRELUDE,
            textwrap.dedent(setup),
            "_baseline_mib = _peak_mib()",
            _REPORT,
            textwrap.dedent(work),
        ]
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(cap_mib), *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    result = json.loads(line.removeprefix("RESULT ")) if line else None
    return CappedRun(done.returncode, result, done.stderr[-4000:])
