"""First paint of each explorer view on the demo data, in headless Chromium against a real `aimsgraph serve`.

Figures: for each view, the time from the page's start until the view first shows its data
(`aimsgraph:painted`) and until it is finished (`aimsgraph:ready`; later for the crosswalk, which draws the
inferred mappings in a second pass), on the first visit (a new browser profile: every file fetched, the
server's answers not yet computed) and on later visits (the median). The baseline, measured in the same page
load, is the time the GraphQL requests it waited on before its first paint took (Resource Timing): the ratio
says how much of the wait is the page's own work (loading its code, building the page, drawing). The target
is a first paint of at most 1 s; nothing here is asserted.

The browser is the tests' (tests/support/browser.py, loaded by path); without chromium the benchmark says so
and is skipped (scripts/install-browser.sh installs it).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from types import ModuleType
from typing import Any

TARGET_MS = 1000.0


def _browser_support() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "tests" / "support" / "browser.py"
    spec = importlib.util.spec_from_file_location("aimsgraph_bench_browser", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load the browser support from {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _serve(store: Path, log: Any) -> tuple[str, subprocess.Popen[bytes]]:
    script = shutil.which("aimsgraph", path=str(Path(sys.executable).parent)) or "aimsgraph"
    port = _free_port()
    process = subprocess.Popen(
        [script, "serve", "--port", str(port)],
        env={**os.environ, "AIMSGRAPH_STORE": str(store)},
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=1) as response:
                if response.status == 200:
                    return base, process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("aimsgraph serve did not start")


def run(quick: bool) -> dict[str, Any]:
    try:
        browser_support = _browser_support()
        browser = browser_support.start_chromium()
    except Exception as error:
        return {"skipped": f"no headless browser: {str(error).splitlines()[0]}"}
    repeat = 2 if quick else 6
    try:
        with tempfile.TemporaryDirectory() as tmp, (Path(tmp) / "serve.log").open("wb") as log:
            base, process = _serve(Path(tmp) / "store", log)
            try:
                views: dict[str, Any] = {}
                for view, route in browser_support.VIEW_ROUTES.items():
                    loads = [browser_support.load_view(browser.driver, base, route) for _ in range(repeat)]
                    first, later = loads[0], loads[1:]
                    painted = statistics.median(m["painted"] for m in later)
                    graphql = statistics.median(m["graphql"] for m in later)
                    views[view] = {
                        "first_visit_painted_ms": first["painted"],
                        "first_visit_ready_ms": first["ready"],
                        "painted_ms": painted,
                        "ready_ms": statistics.median(m["ready"] for m in later),
                        "graphql_ms": graphql,
                        "requests": later[0]["requests"],
                        "ratio": painted / graphql if graphql else None,
                    }
                return {"views": views, "repeat": repeat, "target_ms": TARGET_MS}
            finally:
                process.terminate()
                process.wait(timeout=30)
    finally:
        browser.close()


def report(results: dict[str, Any]) -> None:
    if "skipped" in results:
        print(f"\nExplorer first paint: skipped ({results['skipped']})")
        return
    print(
        f"\nExplorer first paint in headless Chromium, 1280×800, demo data (median of {results['repeat'] - 1} "
        f"later visits; first visit with a new profile; target ≤ {results['target_ms']:.0f} ms)"
    )
    print(f"  {'view':<11} {'first visit':>12} {'painted':>8} {'ready':>8} {'its GraphQL':>12} {'ratio':>6}")
    for view, v in results["views"].items():
        ratio = f"{v['ratio']:.2f}" if v["ratio"] else "–"
        print(
            f"  {view:<11} {v['first_visit_painted_ms']:>9.0f} ms {v['painted_ms']:>5.0f} ms {v['ready_ms']:>5.0f} ms "
            f"{v['graphql_ms']:>9.0f} ms {ratio:>6}"
        )


if __name__ == "__main__":
    report(run("--quick" in sys.argv))
