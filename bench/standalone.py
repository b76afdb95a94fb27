"""The command line of a benchmark module run on its own (`python bench/concurrency.py --quick`).

`bench/run.py` runs every benchmark and keeps the figures; each module can also run alone while one
figure is being worked on, and they share this entry point rather than each parsing `--quick` itself.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def main(doc: str | None, run: Callable[[bool], dict[str, Any]], report: Callable[[dict[str, Any]], None]) -> int:
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="few repetitions: proves the benchmark runs")
    report(run(parser.parse_args().quick))
    return 0
