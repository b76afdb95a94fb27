"""The command line as a whole process: what a user waits for, start-up included.

Each command runs as a new process on an on-disk store holding the bundled data and the demo organisation
(filled and warmed by one untimed run, as a user's first command does), against `python -c pass` from the same
interpreter in the same run: the floor no command can go under. Figures are medians of wall-clock time.

Run alone with `.venv/bin/python bench/cli.py [--quick]`; `bench/run.py` calls it too.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import standalone

COMMANDS: dict[str, list[str]] = {
    "obligations credit-model --json": ["obligations", "credit-model", "--json"],
    "provision eu-ai-act 'Article 9' --json": ["provision", "eu-ai-act", "Article 9", "--json"],
    "gaps --json": ["gaps", "--json"],
}
TARGET_MS = 300.0  # issue 8: `obligations ASSET --json` on the demo store


def _cli() -> list[str]:
    """The installed console script beside this interpreter, else the module (same code either way)."""
    script = Path(sys.executable).with_name("aimsgraph")
    return [str(script)] if script.exists() else [sys.executable, "-m", "api.cli"]


def _wall_ms(argv: list[str], env: dict[str, str], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1e3


def run(quick: bool) -> dict[str, Any]:
    repeat = 5 if quick else 25
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "AIMSGRAPH_STORE": str(Path(tmp) / "store"), "AIMSGRAPH_STORE_KIND": "embedded"}
        cli = _cli()
        for argv in COMMANDS.values():  # fill the store, then keep its snapshot: a user's first commands
            subprocess.run([*cli, *argv], env=env, check=True, stdout=subprocess.DEVNULL)
        floor = _wall_ms([sys.executable, "-c", "pass"], env, repeat)
        commands = {}
        for name, argv in COMMANDS.items():
            ms = _wall_ms([*cli, *argv], env, repeat)
            commands[name] = {"wall_ms": ms, "over_floor_ms": ms - floor}
    return {"python_pass_ms": floor, "commands": commands, "target_ms": TARGET_MS}


def report(results: dict[str, Any]) -> None:
    floor = results["python_pass_ms"]
    print(f"\nCLI as a whole process (median wall time; `python -c pass` in the same run: {floor:.0f} ms)")
    for name, figures in results["commands"].items():
        print(
            f"  aimsgraph {name:<40} {figures['wall_ms']:6.0f} ms  ({figures['over_floor_ms']:+.0f} ms over the floor)"
        )
    print(f"  target for `obligations ASSET --json`: ≤ {results['target_ms']:.0f} ms wall")


if __name__ == "__main__":
    sys.exit(standalone.main(__doc__, run, report))
