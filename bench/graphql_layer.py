"""The GraphQL API's own cost and its behaviour under a mixed read/write load, each against a baseline of the
same run:

* layer cost: a 100-provision page (with each provision's parent) over HTTP from a real server, against the
  direct service call that builds the same answer as JSON in process; the difference is what the GraphQL
  layer and HTTP cost per request (target ≤ 10 ms). The in-process schema execution is shown between them.
* mixed load: 32 clients (30 s; a few seconds with --quick) sending queries and mutations (one in four a
  write, with an editor key) to one fresh server: throughput, p50/p95/p99, errors (must be 0), and the
  server's RSS sampled every second.
* steady state: writes alone until the embedded store's native memory reaches the bound its RocksDB
  configuration sets (the curve, and MB per 1,000 writes late against early), then the same mixed load on
  that server: its RSS must stay flat there (see `steady_state`).
* large organisation: one asset upserted through the service into an on-disk store holding a generated
  organisation of 10,000 assets (2,000 with --quick), against the same upsert into the demo organisation;
  and the index refresh the next read pays.

Run alone with `.venv/bin/python bench/graphql_layer.py [--quick]`; `bench/run.py` calls it too. (Not
`graphql.py`: bench/ is on the path of its modules, and that name would hide the graphql package.)
"""

from __future__ import annotations

import asyncio
import json
import math
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import standalone
from concurrency import AIMSGRAPH, latency_figures, rss_mb, run_clients, server
from obligations import generate

from graph.service import Service
from graph.stores.embedded import EmbeddedStore
from graph.views.write import Actor

PAGE = """{ provisions(framework: "eu-ai-act", first: 100) {
  edges { node { ref title summary parent { ref title } } } } }"""
ACTOR = Actor("cli", name="bench")


def direct_page(service: Service) -> str:
    """The same answer as PAGE, built from the service and serialised, with no GraphQL in between."""
    answers = service.answers()
    views = answers.catalog.provisions("eu-ai-act", None)[:100]
    parents = answers.catalog.provisions_by_iri([v.parent_iri for v in views if v.parent_iri])
    by_iri = {p.iri: p for p in parents if p is not None}
    edges: list[dict[str, Any]] = []
    for view in views:
        parent = by_iri.get(view.parent_iri or "")
        node: dict[str, Any] = {"ref": view.ref, "title": view.title, "summary": view.summary}
        node["parent"] = {"ref": parent.ref, "title": parent.title} if parent else None
        edges.append({"node": node})
    return json.dumps({"data": {"provisions": {"edges": edges}}})


def median_ms(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e3


def layer_cost(store: Path, quick: bool) -> dict[str, Any]:
    from api.graphql.context import Context
    from api.graphql.schema import build_schema
    from graph.settings import Settings

    repeat = 30 if quick else 300
    with server(store, 1) as (base, _):
        service = Service(EmbeddedStore.open(store, read_only=True))
        settings = Settings()
        schema = build_schema(settings)

        def in_process() -> None:
            context = Context(answers=service.answers(), settings=settings, service=service)
            result = asyncio.run(schema.execute(PAGE, context_value=context))
            assert result.errors is None

        with httpx.Client(base_url=base, timeout=30) as http:

            def over_http() -> None:
                response = http.post("/graphql", json={"query": PAGE})
                assert response.status_code == 200 and "errors" not in response.json()

            for _ in range(20):  # warm the parser and validation caches, the snapshot and the connection
                over_http()
                in_process()
                direct_page(service)
            same = json.loads(direct_page(service)) == http.post("/graphql", json={"query": PAGE}).json()
            direct = median_ms(lambda: direct_page(service), repeat)
            executed = median_ms(in_process, repeat)
            http_ms = median_ms(over_http, repeat)
        service.close()
    return {
        "direct_ms": direct,
        "schema_in_process_ms": executed,
        "http_ms": http_ms,
        "overhead_ms": http_ms - direct,
        "same_answer": same,
        "target_ms": 10.0,
    }


READS = [
    '{ asset(id: "credit-model") { obligations(frameworks: ["eu-ai-act"], first: 500) '
    "{ edges { node { provision { ref } status } } } } }",
    PAGE,
    "{ assets(first: 20) { totalCount edges { node { id kind owner uses { edges { node { id } } } } } } }",
    "{ auditLog(first: 20) { totalCount edges { node { operation targetId recordedAt } } } }",
    "{ gaps(first: 50) { totalCount edges { node { owner provision { ref } status } } } }",
    '{ asset(id: "support-chatbot") { obligations(first: 500) '
    "{ edges { node { provision { framework { id } ref } addressee status } } } } }",
]
"""What a GRC tool reads: an asset's obligations, a page of provisions, the inventory, the trail, the gaps."""


UPSERT = """mutation($input: AssetInput!) { upsertAsset(input: $input) { asset { id owner } errors { code } } }"""
EVIDENCE = """mutation($input: EvidenceInput!) { attachEvidence(input: $input) { evidence { id } errors { code } } }"""


def _write_body(client: int, turn: int, name: str = "Bench model") -> dict[str, Any]:
    """A mutation that changes something each time: the client's own asset, or its own evidence item (an
    asset every time when its name is given)."""
    if turn % 8 == 3 or name != "Bench model":
        asset = {
            "id": f"bench-{client}",
            "kind": "MODEL",
            "name": name,
            "owner": f"team-{turn}",
            "uses": ["loan-history"],
            "personalData": True,
        }
        return {"query": UPSERT, "variables": {"input": asset}}
    evidence = {
        "id": f"ev-bench-{client}",
        "proves": {"framework": "eu-ai-act", "ref": "Article 9"},
        "assets": ["credit-model"],
        "uri": f"https://evidence.example/{turn}",
        "sha256": "ab" * 32,
        "collected": "2026-10-01",
        "owner": "ciso",
    }
    return {"query": EVIDENCE, "variables": {"input": evidence}}


def run_clients_for(
    base: str, headers: dict[str, str], clients: int, seconds: float, *, write_every: int = 4, name: str = "Bench model"
) -> dict[str, Any]:
    """`clients` threads sending the mix (one request in `write_every` a write) for `seconds`."""
    reads = READS
    latencies: list[float] = []
    errors: list[str] = []
    writes = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(number: int) -> None:
        nonlocal writes
        mine: list[float] = []
        failed: list[str] = []
        wrote = 0
        with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
            turn = number
            while time.monotonic() < stop_at:
                if turn % write_every == write_every - 1:  # a write of this client's own, changed each time
                    body = _write_body(number, turn, name)
                    wrote += 1
                else:
                    body = {"query": reads[turn % len(reads)]}
                started = time.perf_counter()
                response = http.post("/graphql", json=body)
                mine.append(time.perf_counter() - started)
                answer = response.json() if response.status_code == 200 else {}
                payload = next(iter((answer.get("data") or {}).values()), None)
                refused = isinstance(payload, dict) and payload.get("errors")
                if response.status_code != 200 or "errors" in answer or refused:
                    failed.append(response.text[:200])
                turn += 1
        with lock:
            latencies.extend(mine)
            errors.extend(failed)
            writes += wrote

    elapsed = run_clients(clients, client)
    return {
        "clients": clients,
        "seconds": seconds,
        "writes": writes,
        "errors": len(errors),
        "first_errors": errors[:3],
        **latency_figures(latencies, elapsed),
    }


def editor_headers(store: Path, name: str) -> dict[str, str]:
    made = subprocess.run(
        [AIMSGRAPH, "--store", str(store), "keys", "create", "--role", "editor", "--name", name, "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {"Authorization": f"Bearer {json.loads(made.stdout)['token']}"}


def sampled_mix(base: str, pid: int, headers: dict[str, str], seconds: float) -> dict[str, Any]:
    """32 clients on the mix for `seconds`, with the server's RSS sampled every second."""
    samples = [rss_mb(pid)]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(1.0):
            samples.append(rss_mb(pid))

    sampler = threading.Thread(target=sample)
    sampler.start()
    result = run_clients_for(base, headers, 32, seconds)
    done.set()
    sampler.join()
    samples.append(rss_mb(pid))
    result["healthy_after"] = httpx.get(f"{base}/healthz", timeout=5).status_code == 200
    result.update(
        rss_start_mb=round(samples[0], 1),
        rss_end_mb=round(samples[-1], 1),
        rss_min_mb=round(min(samples), 1),
        rss_max_mb=round(max(samples), 1),
    )
    return result


def mixed_load(store: Path, quick: bool) -> dict[str, Any]:
    """The mixed load against a freshly started server, after a short warm-up under the same load."""
    seconds, warm_up = (4.0, 2.0) if quick else (30.0, 8.0)
    headers = editor_headers(store, "bench")
    with server(store, 1) as (base, pid):
        run_clients_for(base, headers, 32, warm_up)  # thread pools and the interpreter's own arenas reach their size
        result = sampled_mix(base, pid, headers, seconds)
    return {**result, "warm_up_s": warm_up}


def write_curve(
    base: str,
    pid: int,
    headers: dict[str, str],
    chunk: float,
    *,
    target: int = sys.maxsize,
    cap: float = math.inf,
    rounds: int = sys.maxsize,
    name: str = "Bench model",
) -> tuple[list[tuple[int, float]], int]:
    """8 clients sending writes alone, `chunk` seconds at a time, until `target` writes, `cap` seconds or
    `rounds` chunks: the server's RSS after each chunk as (writes so far, MB), and the errors."""
    points = [(0, round(rss_mb(pid), 1))]
    errors = 0
    started = time.monotonic()
    while points[-1][0] < target and time.monotonic() - started < cap and len(points) <= rounds:
        run = run_clients_for(base, headers, 8, chunk, write_every=1, name=name)
        errors += run["errors"]
        points.append((points[-1][0] + run["writes"], round(rss_mb(pid), 1)))
    return points, errors


def steady_state(store: Path, quick: bool) -> dict[str, Any]:
    """Server memory under writes until the embedded store's native memory reaches its bound, then the same
    mixed load as `mixed_load` on that server: flat or not is judged there.

    Why: each write adds new strings, and RocksDB, as Oxigraph configures it, keeps memtables (128 MB each,
    per column family, partly retained for transaction conflict checks) and a 128 MB cache for its string
    table; none of these sizes can be set through pyoxigraph. Until they fill, memory climbs with what was
    written, then it saw-tooths; a fresh server's 30 seconds sit inside that climb. Each write here is an
    asset with a 16 KB name (~50 KB of new strings with its audit entry), so the bound is reached in
    minutes rather than after hundreds of thousands of ordinary writes.
    """
    chunk, cap, target, seconds = (5.0, 20.0, 300, 4.0) if quick else (20.0, 480.0, 12_000, 30.0)
    headers = editor_headers(store, "steady")
    with server(store, 1) as (base, pid):
        points, errors = write_curve(base, pid, headers, chunk, target=target, cap=cap, name="n" * 16_384)
        mix = sampled_mix(base, pid, headers, seconds)
    third = max(1, len(points) // 3)

    def per_thousand(first: tuple[int, float], last: tuple[int, float]) -> float:
        return (last[1] - first[1]) / max(1, last[0] - first[0]) * 1000

    early, late = per_thousand(points[0], points[third]), per_thousand(points[-1 - third], points[-1])
    return {
        "writes": points[-1][0],
        "errors": errors,
        "points": points,
        "early_mb_per_1000": early,
        "late_mb_per_1000": late,
        "late_vs_early": late / early if early > 0 else 0.0,
        "mix": mix,
    }


def _upserts(service: Service, org: str, asset: dict[str, Any], repeat: int) -> tuple[float, float]:
    """Median ms of one asset upsert (each a real change), and of the next read's index refresh."""
    write_times, refresh_times = [], []
    for turn in range(repeat):
        started = time.perf_counter()
        service.inventory.upsert_asset(ACTOR, org, {**asset, "owner": f"owner-{turn}"})
        write_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        service.answers()
        refresh_times.append(time.perf_counter() - started)
    return statistics.median(write_times) * 1e3, statistics.median(refresh_times) * 1e3


def large_org(quick: bool) -> dict[str, Any]:
    size = 2_000 if quick else 10_000
    repeat = 10 if quick else 40
    with tempfile.TemporaryDirectory() as tmp:
        service = Service(EmbeddedStore.open(Path(tmp) / "store"))
        service.load(include_bundled=True, replace=True)
        demo_write, demo_refresh = _upserts(
            service, "northwind", {"id": "bench-demo", "kind": "model", "name": "B", "uses": ["loan-history"]}, repeat
        )
        inventory = Path(tmp) / "org.json"
        inventory.write_text(json.dumps(generate(size)))
        service.load([inventory])
        service.answers()
        asset = {"id": f"a{size - 1}", "kind": "model", "name": "Changed", "uses": [f"a{size - 2}", f"a{size - 3}"]}
        big_write, big_refresh = _upserts(service, f"gen{size}", asset, repeat)
        service.close()
    return {
        "assets": size,
        "upsert_ms": big_write,
        "upsert_demo_ms": demo_write,
        "vs_demo": big_write / demo_write,
        "next_read_refresh_ms": big_refresh,
        "next_read_refresh_demo_ms": demo_refresh,
    }


def run(quick: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        subprocess.run([AIMSGRAPH, "--store", str(store), "frameworks"], capture_output=True, check=True)
        cost = layer_cost(store, quick)
        load = mixed_load(store, quick)
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        subprocess.run([AIMSGRAPH, "--store", str(store), "frameworks"], capture_output=True, check=True)
        steady = steady_state(store, quick)
    return {"layer_cost": cost, "mixed_load": load, "steady_state": steady, "large_org": large_org(quick)}


def report(results: dict[str, Any]) -> None:
    cost, load, big = results["layer_cost"], results["mixed_load"], results["large_org"]
    print("\ngraphql layer: a 100-provision page with parents (median ms)")
    print(
        f"  direct service call {cost['direct_ms']:.2f} | schema in process {cost['schema_in_process_ms']:.2f} | "
        f"over HTTP {cost['http_ms']:.2f} | overhead {cost['overhead_ms']:.2f} (target ≤ {cost['target_ms']:g}) | "
        f"same answer: {cost['same_answer']}"
    )
    print(
        f"mixed load: {load['clients']} clients, {load['seconds']:g} s, {load['requests']} requests "
        f"({load['writes']} writes): {load['throughput_rps']:.1f} req/s, p50 {load['p50_ms']:.1f} ms, "
        f"p95 {load['p95_ms']:.1f} ms, p99 {load['p99_ms']:.1f} ms, errors {load['errors']}, "
        f"server RSS {load['rss_start_mb']} → {load['rss_end_mb']} MB (max {load['rss_max_mb']}; a fresh server, after "
        f"{load['warm_up_s']:g} s of warm-up)"
    )
    for error in load["first_errors"]:
        print(f"  error: {error}")
    steady = results["steady_state"]
    curve = ", ".join(f"{w:,}: {m:g}" for w, m in steady["points"][:: max(1, len(steady["points"]) // 8)])
    print(
        f"writes alone (8 clients, 16 KB assets): {steady['writes']:,} writes, errors {steady['errors']}; server "
        f"RSS MB after N writes: {curve}, {steady['points'][-1][0]:,}: {steady['points'][-1][1]:g}; "
        f"{steady['early_mb_per_1000']:.1f} MB per 1,000 writes in the first third, "
        f"{steady['late_mb_per_1000']:.1f} in the last (×{steady['late_vs_early']:.2f})"
    )
    mix = steady["mix"]
    print(
        f"then the mixed load on that server: {mix['requests']} requests ({mix['writes']} writes), "
        f"{mix['throughput_rps']:.1f} req/s, p50 {mix['p50_ms']:.1f} ms, p95 {mix['p95_ms']:.1f} ms, errors "
        f"{mix['errors']}, server RSS {mix['rss_start_mb']} → {mix['rss_end_mb']} MB (min {mix['rss_min_mb']}, "
        f"max {mix['rss_max_mb']})"
    )
    print(
        f"one asset upsert: {big['upsert_ms']:.2f} ms in an organisation of {big['assets']:,} assets, "
        f"{big['upsert_demo_ms']:.2f} ms in the demo (×{big['vs_demo']:.2f}); the next read's index refresh "
        f"{big['next_read_refresh_ms']:.1f} ms ({big['next_read_refresh_demo_ms']:.1f} ms in the demo)"
    )


if __name__ == "__main__":
    sys.exit(standalone.main(__doc__, run, report))
