"""The write side under the mixed load: 32 clients, one request in four a write, against one server on the
embedded store and one on ArcadeDB (over Bolt): writes per second, the p95 of all requests, of reads alone and
of writes alone, errors, and lost writes.

Every write is an `upsertAsset` of the client's own asset with a new owner each time, so after the run each
client's asset must read as its last acknowledged write (a lost write shows as an older owner), and the
asset's audit trail must hold exactly one entry per acknowledged write (a write recorded twice or not at all
shows as a different count). Reads never wait for a write: the read p95 is reported beside the write p95.

With `BENCH_BASELINE=<git ref>` (e.g. `main`) the same load runs against that ref's build too, in the same
run, in alternating rounds (`bench/baseline.py`): the before and after of a change, measured side by side.

Run alone with `.venv/bin/python bench/write_load.py [--quick]`; `bench/run.py` calls it too.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import standalone
from baseline import baseline_env, baseline_ref
from concurrency import AIMSGRAPH, free_port, latency_figures, run_clients
from graphql_layer import READS

CLIENTS = 32
WRITE_EVERY = 4
UPSERT = """mutation($input: AssetInput!) { upsertAsset(input: $input) { asset { id owner } errors { code } } }"""
OWNER = "{ asset(id: $id) { owner } }"


def _launcher() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "tests" / "support" / "arcadedb.py"
    spec = importlib.util.spec_from_file_location("aimsgraph_bench_arcadedb", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@contextmanager
def serving(env: dict[str, str]) -> Iterator[str]:
    """`aimsgraph serve` with `env` on a free port, until it answers /readyz."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [AIMSGRAPH, "serve", "--port", str(port)], env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=log
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        try:
            while True:
                try:
                    if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"the server did not start: {log.read()[-2000:]!r}")
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([AIMSGRAPH, *args], env={**os.environ, **env}, capture_output=True, text=True, check=True)
    return done.stdout


def served_enum_value(base: str, headers: dict[str, str], enum: str, value: str) -> str:
    """`value` of GraphQL enum `enum` as the server spells it: a baseline from before the enums' values became
    UPPER_SNAKE serves `model` where this build serves `MODEL`, and each build is measured in its own terms."""
    query = f'{{ __type(name: "{enum}") {{ enumValues {{ name }} }} }}'
    answer = httpx.post(f"{base}/graphql", json={"query": query}, headers=headers, timeout=60).json()
    names: list[str] = [str(v["name"]) for v in answer["data"]["__type"]["enumValues"]]
    return next(name for name in names if name.lower() == value.lower())


def mixed(base: str, headers: dict[str, str], seconds: float, run_id: str) -> dict[str, Any]:
    """32 clients for `seconds`; each client's writes go to its own asset `wl-<run>-<client>`."""
    model = served_enum_value(base, headers, "AssetKind", "model")
    reads: list[float] = []
    writes: list[float] = []
    errors: list[str] = []
    acknowledged: dict[str, tuple[str, int]] = {}  # asset → (last acknowledged owner, acknowledged writes)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(number: int) -> None:
        asset = f"wl-{run_id}-{number}"
        my_reads: list[float] = []
        my_writes: list[float] = []
        failed: list[str] = []
        last, count = "", 0
        with httpx.Client(base_url=base, headers=headers, timeout=120) as http:
            turn = number
            while time.monotonic() < stop_at:
                write = turn % WRITE_EVERY == WRITE_EVERY - 1
                owner = f"team-{turn}"
                if write:
                    given = {"id": asset, "kind": model, "name": "Bench", "owner": owner, "uses": ["loan-history"]}
                    body: dict[str, Any] = {"query": UPSERT, "variables": {"input": given}}
                else:
                    body = {"query": READS[turn % len(READS)]}
                started = time.perf_counter()
                response = http.post("/graphql", json=body)
                (my_writes if write else my_reads).append(time.perf_counter() - started)
                answer = response.json() if response.status_code == 200 else {}
                payload = next(iter((answer.get("data") or {}).values()), None)
                refused = isinstance(payload, dict) and payload.get("errors")
                if response.status_code != 200 or "errors" in answer or refused:
                    failed.append(response.text[:200])
                elif write:
                    last, count = owner, count + 1
                turn += 1
        with lock:
            reads.extend(my_reads)
            writes.extend(my_writes)
            errors.extend(failed)
            if count:
                acknowledged[asset] = (last, count)

    elapsed = run_clients(CLIENTS, client)
    lost, misrecorded = 0, 0
    with httpx.Client(base_url=base, headers=headers, timeout=120) as http:
        for asset, (owner, count) in acknowledged.items():
            query = f'{{ asset(id: "{asset}") {{ owner }} auditLog(assetId: "{asset}", first: 0) {{ totalCount }} }}'
            data = http.post("/graphql", json={"query": query}).json()["data"]
            lost += data["asset"] is None or data["asset"]["owner"] != owner
            misrecorded += data["auditLog"]["totalCount"] != count
    figures = latency_figures(reads + writes, elapsed)
    return {
        "clients": CLIENTS,
        "seconds": seconds,
        "writes": len(writes),
        "writes_per_s": len(writes) / elapsed,
        "errors": len(errors),
        "first_errors": errors[:3],
        "lost_writes": lost,
        "audit_mismatches": misrecorded,
        **figures,
        "read_p95_ms": latency_figures(reads, elapsed)["p95_ms"],
        "write_p95_ms": latency_figures(writes, elapsed)["p95_ms"],
    }


def measure(env: dict[str, str], quick: bool) -> dict[str, Any]:
    seconds, warm_up = (4.0, 2.0) if quick else (20.0, 5.0)
    _cli(env, "frameworks")  # fills an empty store from the bundled data
    token = json.loads(_cli(env, "keys", "create", "--role", "editor", "--name", "bench", "--json"))["token"]
    headers = {"Authorization": f"Bearer {token}"}
    with serving(env) as base:
        mixed(base, headers, warm_up, "warm")
        return mixed(base, headers, seconds, "run")


def _embedded(code_env: dict[str, str], quick: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        return measure({**code_env, "AIMSGRAPH_STORE": str(Path(tmp) / "store")}, quick)


def _arcadedb(code_env: dict[str, str], quick: bool) -> dict[str, Any]:
    """The mixed load on a fresh ArcadeDB database (a new server each time: every run starts from the same
    content, whatever the one before wrote)."""
    arcadedb = _launcher()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            server = arcadedb.start_arcadedb(Path(tmp) / "arcadedb", heap="1g")
        except arcadedb.ArcadeDBUnavailableError as error:
            return {"skipped": str(error)}
        try:
            env = {
                **code_env,
                "AIMSGRAPH_STORE": server.uri,
                "AIMSGRAPH_NEO4J_USER": server.user,
                "AIMSGRAPH_NEO4J_PASSWORD": server.password,
                "AIMSGRAPH_NEO4J_DATABASE": server.database,
            }
            return measure(env, quick)
        finally:
            server.stop()


ROUNDS = 2  # rounds of (before, after) per store when a baseline is given, in alternating order


def cpu_per_request(quick: bool) -> dict[str, Any]:
    """The server's CPU per request of the same mix (three reads, then an asset upsert), in process and on one
    thread, so the figure is the work itself and not the machine's queue: with every worked-out answer dropped
    at each write and the collector walking every object (before: `ReadModel.carry_answers = False`, Python's
    collector settings), against answers carried across writes and the heap settled as `aimsgraph serve`
    settles it (after: `prepare_to_serve`). Under 32 clients the p95 is mostly queueing for the interpreter,
    so it follows this figure."""
    import asyncio
    import gc

    from api.graphql.app import prepare_to_serve
    from api.graphql.context import Context
    from api.graphql.schema import build_schema
    from graph.service import Service
    from graph.settings import Settings
    from graph.stores.embedded import EmbeddedStore
    from graph.views.write import Actor

    settings = Settings()
    schema = build_schema(settings)
    actor = Actor("cli", name="bench")
    mixes = 15 if quick else 60

    def one(after: bool) -> dict[str, float]:
        thresholds = gc.get_threshold()
        with tempfile.TemporaryDirectory() as tmp:
            service = Service(EmbeddedStore.open(Path(tmp) / "store"))
            service.load(include_bundled=True, replace=True)
            service._read_model.carry_answers = after

            def ask(query: str) -> None:
                context = Context(answers=service.answers(), settings=settings, service=service)
                assert asyncio.run(schema.execute(query, context_value=context)).errors is None

            for query in READS:
                ask(query)
            if after:
                prepare_to_serve(service)
            read_s = write_s = 0.0
            try:
                for turn in range(mixes):
                    for offset in range(WRITE_EVERY - 1):
                        started = time.process_time()
                        ask(READS[(turn * (WRITE_EVERY - 1) + offset) % len(READS)])
                        read_s += time.process_time() - started
                    given = {"id": f"wl-{turn % CLIENTS}", "kind": "model", "name": "B", "owner": f"t{turn}"}
                    started = time.process_time()
                    service.inventory.upsert_asset(actor, "northwind", {**given, "uses": ["loan-history"]})
                    write_s += time.process_time() - started
            finally:
                gc.unfreeze()
                gc.set_threshold(*thresholds)
                sys.setswitchinterval(0.005)
                service.close()
        reads = mixes * (WRITE_EVERY - 1)
        return {
            "read_ms": read_s / reads * 1e3,
            "write_ms": write_s / mixes * 1e3,
            "request_ms": (read_s + write_s) / (reads + mixes) * 1e3,
        }

    found: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
    for turn in range(1 if quick else ROUNDS):
        for name in ("before", "after") if turn % 2 == 0 else ("after", "before"):
            found[name].append(one(name == "after"))
    return found


def run(quick: bool) -> dict[str, Any]:
    """Each store under the mixed load with this build and, with BENCH_BASELINE, with the baseline's build in
    the same run: `ROUNDS` rounds, the two builds alternating which goes first."""
    ref = baseline_ref()
    results: dict[str, Any] = {"baseline": ref, "stores": {}}
    with baseline_env(ref) as before_env:
        builds: list[tuple[str, dict[str, str]]] = [("after", {})]
        if before_env is not None:
            builds.append(("before", before_env))
        rounds = 1 if before_env is None or quick else ROUNDS
        for store, measure_on in (("embedded", _embedded), ("arcadedb", _arcadedb)):
            runs: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in builds}
            for turn in range(rounds):
                for name, env in builds if turn % 2 else builds[::-1]:
                    runs[name].append(measure_on(env, quick))
            results["stores"][store] = runs
    results["cpu_per_request"] = cpu_per_request(quick)
    return results


def report(results: dict[str, Any]) -> None:
    baseline = results.get("baseline")
    print(f"\nwrite side under the mixed load ({CLIENTS} clients, one request in {WRITE_EVERY} a write)")
    if baseline:
        print(f"  before: the build of {baseline!r}; after: this build; rounds alternate which goes first")
    for store, runs in results["stores"].items():
        for name, figures_list in runs.items():
            for number, figures in enumerate(figures_list, 1):
                if "skipped" in figures:
                    print(f"  {store}: skipped ({figures['skipped']})")
                    continue
                print(
                    f"  {store} {name} #{number}: {figures['writes']} writes in {figures['seconds']:g} s, "
                    f"{figures['writes_per_s']:.1f} writes/s, {figures['throughput_rps']:.1f} req/s; "
                    f"p95 {figures['p95_ms']:.0f} ms (reads {figures['read_p95_ms']:.0f}, "
                    f"writes {figures['write_p95_ms']:.0f}), "
                    f"p50 {figures['p50_ms']:.0f} ms; errors {figures['errors']}, "
                    f"lost writes {figures['lost_writes']}, audit mismatches {figures['audit_mismatches']}"
                )
                for error in figures["first_errors"]:
                    print(f"    error: {error}")
        before, after = runs.get("before", []), runs.get("after", [])
        pairs = [(b, a) for b, a in zip(before, after, strict=False) if "skipped" not in b and "skipped" not in a]
        if pairs:
            ratios = ", ".join(f"{a['p95_ms'] / b['p95_ms']:.2f}" for b, a in pairs)
            rates = ", ".join(f"{a['writes_per_s'] / b['writes_per_s']:.2f}" for b, a in pairs)
            print(f"  {store}: p95 after/before by round {ratios}; writes/s after/before {rates}")
    cpu = results.get("cpu_per_request")
    if cpu:
        print("  server CPU per request of the mix, in process (before: answers dropped at each write, default GC)")
        for name in ("before", "after"):
            print(
                f"    {name}: "
                + "; ".join(f"read {c['read_ms']:.1f} ms, write {c['write_ms']:.1f} ms" for c in cpu[name])
            )
        compared = zip(cpu["before"], cpu["after"], strict=True)
        ratios = ", ".join(f"{a['request_ms'] / b['request_ms']:.2f}" for b, a in compared)
        print(f"    CPU per request after/before by round: {ratios}")


if __name__ == "__main__":
    sys.exit(standalone.main(__doc__, run, report))
