"""A chain of `uses` (issue 24's probe: a0 uses a1 uses … aN, a dataset with personal data): the time and memory
of `obligations` for the top asset (which walks the whole chain) and the time of `gaps` for the organisation,
at two depths of the same run. Linear
propagation gives ratios near the depth ratio (4); the quadratic paths gave ~16 and 844 MB at 10,000.

Run alone with `.venv/bin/python bench/uses_chain.py [--quick]`; `bench/run.py` calls it too.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import standalone

from graph.service import Service
from graph.stores.embedded import EmbeddedStore


def chain(depth: int) -> dict[str, Any]:
    assets: list[dict[str, Any]] = [
        {"id": f"a{i}", "kind": "model", "name": f"A{i}", "owner": "o", "uses": [f"a{i + 1}"]} for i in range(depth)
    ]
    assets[0]["kind"] = "ai_system"
    assets.append({"id": f"a{depth}", "kind": "dataset", "name": "Data", "owner": "o", "personal_data": True})
    return {"organisation": {"id": "chain", "name": "Chain"}, "assets": assets}


def measure(service: Service, depth: int, tmp: Path) -> dict[str, float]:
    path = tmp / f"chain{depth}.json"
    path.write_text(json.dumps(chain(depth)))
    service.load([path])
    organisation = service.answers().organisation
    tracemalloc.start()  # around the first question only: it walks the whole chain (the memo it keeps)
    started = time.perf_counter()
    organisation.obligations("a0", org="chain")
    obligations_s = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()  # tracing every allocation slows `gaps` more than linearly: timed without it
    started = time.perf_counter()
    organisation.gaps("chain")
    gaps_s = time.perf_counter() - started
    return {"obligations_s": obligations_s, "gaps_s": gaps_s, "peak_mib": peak / 2**20}


def run(quick: bool) -> dict[str, Any]:
    small, large = (250, 1_000) if quick else (1_000, 4_000)
    points: dict[str, Any] = {}
    for depth in (small, large):
        with tempfile.TemporaryDirectory() as tmp:
            service = Service(EmbeddedStore.open(None))
            service.load(include_bundled=True, replace=True)
            points[str(depth)] = measure(service, depth, Path(tmp))
            service.close()
    a, b = points[str(small)], points[str(large)]
    return {
        "depths": [small, large],
        "points": points,
        "gaps_time_ratio": b["gaps_s"] / a["gaps_s"],
        "obligations_peak_ratio": b["peak_mib"] / a["peak_mib"],
        "depth_ratio": large / small,
    }


def report(results: dict[str, Any]) -> None:
    small, large = results["depths"]
    print(f"\nuses chain, depth {small:,} against {large:,} (×{results['depth_ratio']:g}):")
    for depth, point in results["points"].items():
        print(
            f"  depth {int(depth):>6,}: obligations(a0) {point['obligations_s'] * 1e3:8.1f} ms  "
            f"(peak {point['peak_mib']:6.1f} MiB)  gaps {point['gaps_s']:6.2f} s"
        )
    print(f"  gaps time ×{results['gaps_time_ratio']:.2f}, obligations peak ×{results['obligations_peak_ratio']:.2f}")


if __name__ == "__main__":
    sys.exit(standalone.main(__doc__, run, report))
