"""Another build of the product to measure against in the same run: `BENCH_BASELINE=main python bench/x.py`.

Why: the machine is shared, so figures from another day (or another hour) say little; a "before" measured
beside the "after", round by round, does. The baseline is the named git ref (a branch, a tag, a commit) of
this repository, exported with `git archive` and installed with `pip --target` into a temporary directory;
a server or CLI run with that directory first on PYTHONPATH runs the baseline's code with this venv's
dependencies. Without BENCH_BASELINE the benchmarks measure the working tree's installed build alone.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def baseline_ref() -> str | None:
    return os.environ.get("BENCH_BASELINE") or None


@contextmanager
def baseline_env(ref: str | None) -> Iterator[dict[str, str] | None]:
    """The environment additions that run the build of `ref` (None: no baseline), for as long as the block."""
    if ref is None:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="aimsgraph-baseline-") as tmp:
        source, site = Path(tmp) / "src", Path(tmp) / "site"
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", "--format=tar", ref], capture_output=True, check=True
        )
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(source, filter="data")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "--no-build-isolation",
                "--target",
                str(site),
                str(source),
            ],
            check=True,
            capture_output=True,
        )
        hide_undeclared(source, site)
        yield {"PYTHONPATH": str(site)}


OPTIONAL_SPEEDUPS = ("uvloop",)
"""Packages that change how the product runs merely by being importable (uvicorn takes uvloop when it finds it):
a baseline that does not declare one must not get it from this venv, or its figures are not its own."""


def hide_undeclared(source: Path, site: Path) -> None:
    """Shadow, in the baseline's `site`, each of `OPTIONAL_SPEEDUPS` that the baseline's pyproject does not
    declare, with a module whose import fails (as it would where the baseline was installed alone)."""
    declared = (source / "pyproject.toml").read_text()
    for name in OPTIONAL_SPEEDUPS:
        if f'"{name}' not in declared:
            (site / name).mkdir(exist_ok=True)
            (site / name / "__init__.py").write_text(f"raise ImportError('{name}: not a dependency of this build')\n")
