"""The server under load: throughput and latency at 1, 8 and 32 concurrent clients against the one-client
figure of the same run, for one writer process and for read-only workers, plus server memory over a repeated
hostile run; and /healthz, polled from its own process (a new connection per check, as a load balancer does),
while 32 clients send the mix and while 10,000 idle connections are opened against the server (issue 24:
p99 ≤ 50 ms, no errors, server memory against its own figure before the run). All traffic goes to a server
on 127.0.0.1 that this script starts and stops; every loop is bounded in time.

With `BENCH_BASELINE=<git ref>` the /healthz runs are repeated against that ref's build and this one, in
alternating rounds on fresh stores (`bench/baseline.py`).

Run alone with `.venv/bin/python bench/concurrency.py [--quick]`; `bench/run.py` calls it too.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import standalone
from baseline import baseline_env, baseline_ref

AIMSGRAPH = shutil.which("aimsgraph", path=str(Path(sys.executable).parent)) or "aimsgraph"
MIX = [
    '{ provision(framework: "eu-ai-act", ref: "Art. 26(1)") { ref title appliesFrom parent { ref } } }',
    '{ provisions(framework: "iso42001", first: 100) { edges { node { ref title parent { ref } } } } }',
    '{ crosswalk(source: "iso42001", target: "iso27001", first: 50) { edges { node { relation target { ref } } } } }',
    '{ coverage(have: "iso27001", want: "iso42001") { ratio reuseRatio reusable { provision { ref } } } }',
    '{ search(text: "impact assessment", first: 20) { edges { node { ref framework { id } } } } }',
]
HOSTILE = [
    "{ " + "frameworks { id } " * 3000 + "}",
    '{ provision(framework: "gdpr", ref: "Article 5") { ' + "children { " * 40 + "ref" + " }" * 40 + " } }",
    "{ " + " ".join(f"x{i}: frameworks {{ id }}" for i in range(200)) + " }",
    '{ provisions(framework: "gdpr", first: 100000) { totalCount } }',
    '{ search(text: "' + "x" * 50_000 + '") { totalCount } }',
    '{ provision(framework: "nope", ref: "1") { ref } }',
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def server(store: Path, workers: int, code_env: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """`aimsgraph serve` on `store` (with `code_env`: another build's, `bench/baseline.py`)."""
    port = free_port()
    env = {**os.environ, **(code_env or {}), "AIMSGRAPH_STORE": str(store)}
    process = subprocess.Popen(
        [AIMSGRAPH, "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def run_clients(count: int, client: Callable[[int], None]) -> float:
    """Run `client(i)` in `count` threads at once; the seconds until the last one is done."""
    threads = [threading.Thread(target=client, args=(i,)) for i in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def latency_figures(latencies: list[float], elapsed: float) -> dict[str, float]:
    """Requests, throughput and the p50/p95/p99 latencies in ms of a run of `elapsed` seconds."""
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1e3 if ordered else 0.0

    return {
        "requests": len(ordered),
        "throughput_rps": len(ordered) / elapsed,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
    }


def load(base: str, clients: int, seconds: float) -> dict[str, Any]:
    """`clients` threads, each sending the mix in turn for `seconds`: throughput and latency percentiles."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(offset: int) -> None:
        nonlocal errors
        mine: list[float] = []
        failed = 0
        with httpx.Client(timeout=30) as http:
            turn = offset
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                try:  # a refused or dropped connection is an error of the run, not the end of this client
                    response = http.post(f"{base}/graphql", json={"query": MIX[turn % len(MIX)]})
                    ok = response.status_code == 200 and "errors" not in response.json()
                except httpx.HTTPError:
                    ok = False
                mine.append(time.perf_counter() - started)
                failed += not ok
                turn += 1
        with lock:
            latencies.extend(mine)
            errors += failed

    elapsed = run_clients(clients, client)
    return {
        "clients": clients,
        "errors": errors,
        **latency_figures(latencies, elapsed),
        "mean_ms": statistics.fmean(latencies) * 1e3 if latencies else 0.0,
    }


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def hostile_memory(base: str, pid: int, rounds: int) -> dict[str, Any]:
    """Server memory after each round of hostile requests: flat means nothing accumulates."""
    sizes = []
    with httpx.Client(timeout=30) as http:
        for _ in range(rounds):
            for query in HOSTILE:
                http.post(f"{base}/graphql", json={"query": query})
            for body in (b"5", b"\xff", b"[1]"):
                http.post(f"{base}/graphql", content=body, headers={"Content-Type": "application/json"})
            sizes.append(round(rss_mb(pid), 1))
    return {"rss_mb_per_round": sizes, "growth_after_first_round_mb": round(sizes[-1] - sizes[0], 1)}


# A health checker in its own process, so its figures are the server's and not the load generator's: a new
# connection per check, one check every 20 ms, for a fixed time; prints the latencies and errors as JSON.
_POLLER = r"""
import http.client, json, sys, time
host, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
latencies, errors = [], 0
stop = time.monotonic() + seconds
while time.monotonic() < stop:
    started = time.perf_counter()
    try:
        connection = http.client.HTTPConnection(host, port, timeout=10)
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        connection.close()
        errors += response.status != 200
    except OSError:
        errors += 1
    latencies.append(time.perf_counter() - started)
    time.sleep(0.02)
print(json.dumps({"latencies": latencies, "errors": errors}))
"""


@contextmanager
def health_poller(base: str, seconds: float) -> Iterator[dict[str, Any]]:
    """Poll /healthz from another process for `seconds` while the block runs; fills the yielded dict with
    the checks' p50/p99/max in ms and their errors when the block ends."""
    port = base.rsplit(":", 1)[1]
    poller = subprocess.Popen(
        [sys.executable, "-c", _POLLER, "127.0.0.1", port, str(seconds)], stdout=subprocess.PIPE, text=True
    )
    figures: dict[str, Any] = {}
    try:
        yield figures
    finally:
        out, _ = poller.communicate(timeout=seconds + 60)
        found = json.loads(out)
        ordered = sorted(found["latencies"])
        figures.update(
            checks=len(ordered),
            errors=found["errors"],
            p50_ms=ordered[len(ordered) // 2] * 1e3 if ordered else 0.0,
            p99_ms=ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1e3 if ordered else 0.0,
            max_ms=ordered[-1] * 1e3 if ordered else 0.0,
        )


def open_files(pid: int) -> int:
    return sum(1 for _ in Path(f"/proc/{pid}/fd").iterdir())


def idle_flood(base: str, pid: int, count: int, seconds: float) -> dict[str, Any]:
    """Open `count` TCP connections that never send a byte (as fast as they connect, for at most `seconds`),
    hold them, and report what the server kept: its open files and memory against the figures before."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < count + 256 <= hard or (hard == resource.RLIM_INFINITY and soft < count + 256):
        resource.setrlimit(resource.RLIMIT_NOFILE, (count + 256, hard))
    port = int(base.rsplit(":", 1)[1])
    before_rss, before_files = rss_mb(pid), open_files(pid)
    sockets: list[socket.socket] = []
    failed = 0
    peak_files = before_files
    stop_at = time.monotonic() + seconds
    try:
        while len(sockets) + failed < count and time.monotonic() < stop_at:
            sock = socket.socket()
            sock.settimeout(5)
            try:
                # from 100 addresses other than the health checker's (127.0.0.2-101: all of 127/8 is local), as a
                # flood from many clients; from one address the per-client limit would close all but 100
                sock.bind((f"127.0.0.{2 + (len(sockets) + failed) % 100}", 0))
                sock.connect(("127.0.0.1", port))
                sockets.append(sock)
            except OSError:
                sock.close()
                failed += 1
            if len(sockets) % 500 == 0:
                peak_files = max(peak_files, open_files(pid))
        time.sleep(min(2.0, max(0.0, stop_at - time.monotonic())))  # held: the header timeout may act
        peak_files = max(peak_files, open_files(pid))
        during_rss = rss_mb(pid)
    finally:
        for sock in sockets:
            sock.close()
    return {
        "opened": len(sockets),
        "connect_failures": failed,
        "server_open_files_before": before_files,
        "server_open_files_peak": peak_files,
        "server_rss_before_mb": round(before_rss, 1),
        "server_rss_during_mb": round(during_rss, 1),
        "server_rss_ratio": round(during_rss / before_rss, 2) if before_rss else 0.0,
    }


def health_runs(base: str, pid: int, quick: bool) -> dict[str, Any]:
    """/healthz while 32 clients send the mix, and while idle connections flood the server."""
    seconds = 3.0 if quick else 10.0
    before = rss_mb(pid)
    with health_poller(base, seconds) as under_load:
        point = load(base, 32, seconds)
    loaded = {**under_load, "graphql_errors": point["errors"], "server_rss_ratio": round(rss_mb(pid) / before, 2)}
    count = 1_000 if quick else 10_000
    with health_poller(base, seconds + 5) as under_flood:
        flood = idle_flood(base, pid, count, seconds)
    return {"32 clients": loaded, f"{count:,} idle connections": {**under_flood, **flood}}


HEALTH_ROUNDS = 2  # rounds of (before, after) for /healthz when a baseline is given, alternating the order


def health_rounds(quick: bool, ref: str) -> dict[str, list[dict[str, Any]]]:
    """`health_runs` against this build and the build of `ref`, each on a fresh store, round by round."""
    found: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    with baseline_env(ref) as before_env:
        builds = [("after", {}), ("before", before_env or {})]
        for turn in range(1 if quick else HEALTH_ROUNDS):
            for name, env in builds if turn % 2 else builds[::-1]:
                with tempfile.TemporaryDirectory() as tmp:
                    store = Path(tmp) / "store"
                    subprocess.run(
                        [AIMSGRAPH, "--store", str(store), "frameworks"],
                        capture_output=True,
                        check=True,
                        env={**os.environ, **env},
                    )
                    with server(store, 1, env) as (base, pid):
                        for query in MIX:
                            httpx.post(f"{base}/graphql", json={"query": query}, timeout=30)
                        found[name].append(health_runs(base, pid, quick))
    return found


def run(quick: bool) -> dict[str, Any]:
    seconds = 2.0 if quick else 10.0
    results: dict[str, Any] = {"seconds_per_point": seconds, "modes": {}}
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        subprocess.run([AIMSGRAPH, "--store", str(store), "frameworks"], capture_output=True, check=True)
        for workers in (1, 2):
            with server(store, workers) as (base, pid):
                for query in MIX:  # warm the parser and validation caches and the indexes
                    httpx.post(f"{base}/graphql", json={"query": query}, timeout=30)
                points = [load(base, clients, seconds) for clients in (1, 8, 32)]
                single = points[0]
                for point in points:
                    point["throughput_vs_1_client"] = point["throughput_rps"] / single["throughput_rps"]
                    point["p95_vs_1_client"] = point["p95_ms"] / single["p95_ms"] if single["p95_ms"] else 0.0
                mode: dict[str, Any] = {"points": points}
                if workers == 1:
                    mode["hostile_memory"] = hostile_memory(base, pid, 3 if quick else 10)
                    results["health"] = health_runs(base, pid, quick)
                results["modes"][f"{workers} worker(s)"] = mode
    ref = baseline_ref()
    if ref is not None:
        results["health_baseline"] = {"ref": ref, **health_rounds(quick, ref)}
    return results


def report(results: dict[str, Any]) -> None:
    print(f"\nserver under load ({results['seconds_per_point']:g} s per point; ratios against 1 client)")
    print(f"{'mode':<13} {'clients':>7} {'req/s':>8} {'×1 client':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} errors")
    for name, mode in results["modes"].items():
        for p in mode["points"]:
            print(
                f"{name:<13} {p['clients']:>7} {p['throughput_rps']:>8.1f} {p['throughput_vs_1_client']:>9.2f} "
                f"{p['p50_ms']:>8.1f} {p['p95_ms']:>8.1f} {p['p99_ms']:>8.1f} {p['errors']}"
            )
        if "hostile_memory" in mode:
            memory = mode["hostile_memory"]
            print(f"{name}: server RSS over hostile rounds (MB): {memory['rss_mb_per_round']}")
    print("\n/healthz from its own process (a new connection per check), one writer process")
    for name, h in results.get("health", {}).items():
        extra = (
            f" opened {h['opened']:,}, server files {h['server_open_files_before']}→{h['server_open_files_peak']}"
            if "opened" in h
            else f" graphql errors {h['graphql_errors']}"
        )
        print(
            f"  under {name:<22} checks {h['checks']:>4} p50 {h['p50_ms']:6.1f} ms  p99 {h['p99_ms']:6.1f} ms  "
            f"max {h['max_ms']:7.1f} ms  errors {h['errors']}  server RSS ×{h['server_rss_ratio']:.2f}{extra}"
        )
    if "health_baseline" in results:
        report_health_rounds(results["health_baseline"])


def report_health_rounds(compared: dict[str, Any]) -> None:
    print(f"\n/healthz, this build (after) against the build of {compared['ref']!r} (before), round by round")
    for name in ("before", "after"):
        for number, runs in enumerate(compared[name], 1):
            for under, h in runs.items():
                print(
                    f"  {name} #{number} under {under:<22} checks {h['checks']:>4} p50 {h['p50_ms']:6.1f} ms  "
                    f"p99 {h['p99_ms']:6.1f} ms  max {h['max_ms']:7.1f} ms  errors {h['errors']}  "
                    f"server RSS ×{h['server_rss_ratio']:.2f}"
                )


if __name__ == "__main__":
    sys.exit(standalone.main(__doc__, run, report))
