"""OSCAL import and export at size: a 1,000-control catalog and a 5,000-pair mapping collection, each against
parsing the same JSON with the standard library's `json.loads` (the floor any OSCAL reader pays).

The data is generated in the shape of a real control catalog (50 groups of 20 controls, each with a statement)
and written as OSCAL by the product's own writer; importing goes through the whole load path (reading, the
models, reference checks, SHACL, the write) into an in-memory store; exporting reads it back and writes OSCAL.

Peak memory is measured too (tracemalloc, Python's allocations, in runs of their own: tracing slows every
allocation): importing each file against `json.loads` of the same text, the floor any reader pays as it holds
the parsed document. `MEMORY_BOUND` is the bound the import keeps to; a run above it says so and fails
`--check`.

Run alone: `.venv/bin/python bench/interop.py [--quick] [--check]`; `bench/run.py` runs it with the rest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graph.service import Service
from graph.stores.embedded import EmbeddedStore
from loaders.catalog import Catalog
from loaders.mapping_set import MappingSetFile
from loaders.oscal import catalog_to_oscal, mapping_set_to_oscal, provision_ids


def _catalog(framework: str, controls: int) -> Catalog:
    groups = max(1, controls // 20)
    provisions: list[dict[str, Any]] = []
    for g in range(groups):
        provisions.append({"ref": f"G{g}", "kind": "section", "title": f"Group {g}"})
        for c in range(controls // groups):
            provisions.append(
                {
                    "ref": f"G{g}.{c}",
                    "kind": "control",
                    "title": f"Control {g}.{c}",
                    "parent": f"G{g}",
                    "summary": f"Keep the records of area {g} item {c} current and reviewed.",
                }
            )
    header = {
        "id": framework,
        "name": framework.upper(),
        "title": f"Generated catalog {framework}",
        "version": "1",
        "issued": dt.date(2024, 1, 1),
        "publisher": "bench",
        "source": "bench",
        "binding": False,
    }
    return Catalog.model_validate({"framework": header, "provisions": provisions})


def _mapping_set(source: Catalog, target: Catalog, pairs: int) -> MappingSetFile:
    sources = [p.ref for p in source.provisions if p.kind == "control"]
    targets = [p.ref for p in target.provisions if p.kind == "control"]
    mappings = []
    for i in range(pairs):
        mappings.append(
            {
                "source": sources[i % len(sources)],
                "target": targets[(i * 7 + i // len(sources)) % len(targets)],
                "relation": "intersects",
                "strength": 1 + i % 10,
                "rationale_type": "semantic",
                "rationale": f"Generated pair {i}: both keep records current.",
            }
        )
    header = {
        "id": "bench-set",
        "title": "Generated mapping set",
        "source_framework": source.framework.id,
        "target_framework": target.framework.id,
        "creators": ["bench"],
        "created": dt.date(2024, 1, 1),
        "description": "Generated pairs for the benchmark.",
    }
    return MappingSetFile.model_validate({"mapping_set": header, "mappings": mappings})


MEMORY_BOUND = 40.0
"""Peak memory of an import, at most this many times the peak of `json.loads` of the same file."""


def _peak(fn: Callable[[], object]) -> int:
    """The peak of Python's allocations while `fn` runs, in bytes, above what was allocated before."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        fn()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def _median(fn: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def run(quick: bool) -> dict[str, Any]:
    controls, pairs = (200, 1_000) if quick else (1_000, 5_000)
    repeat = 1 if quick else 3
    source, target = _catalog("bench-a", controls), _catalog("bench-b", controls)
    mapping_set = _mapping_set(source, target, pairs)
    ids = {c.framework.id: provision_ids(c.framework.id, [p.ref for p in c.provisions]) for c in (source, target)}
    results: dict[str, Any] = {"controls": controls, "pairs": pairs}
    with tempfile.TemporaryDirectory() as tmp:
        files = {
            "catalog": Path(tmp) / "bench-a.json",
            "target": Path(tmp) / "bench-b.json",
            "collection": Path(tmp) / "bench-set.json",
        }
        files["catalog"].write_text(json.dumps(catalog_to_oscal(source)), encoding="utf-8")
        files["target"].write_text(json.dumps(catalog_to_oscal(target)), encoding="utf-8")
        files["collection"].write_text(json.dumps(mapping_set_to_oscal(mapping_set, ids)), encoding="utf-8")
        for name in ("catalog", "collection"):
            text = files[name].read_text(encoding="utf-8")
            results[f"{name}_bytes"] = len(text)
            results[f"{name}_json_s"] = _median(lambda text=text: json.loads(text), max(repeat, 5))  # type: ignore[misc]

        def import_catalog() -> Service:
            service = Service(EmbeddedStore.open(None))
            service.load([files["catalog"], files["target"]], fmt="oscal", replace=True)
            return service

        results["catalog_import_s"] = _median(import_catalog, repeat) / 2  # two catalogs of the same size
        service = import_catalog()
        results["collection_import_s"] = _median(
            lambda: service.load([files["collection"]], fmt="oscal", overwrite=True), 1
        )
        # peak memory, each import in a store of its own (the catalogs first, untraced, for the collection)
        results["catalog_json_peak"] = _peak(lambda: json.loads(files["catalog"].read_text(encoding="utf-8")))
        results["collection_json_peak"] = _peak(lambda: json.loads(files["collection"].read_text(encoding="utf-8")))
        fresh = Service(EmbeddedStore.open(None))
        results["catalog_import_peak"] = _peak(lambda: fresh.load([files["catalog"]], fmt="oscal", replace=True))
        fresh.close()
        fresh = import_catalog()
        results["collection_import_peak"] = _peak(
            lambda: fresh.load([files["collection"]], fmt="oscal", overwrite=True)
        )
        fresh.close()
        answers = service.answers()
        results["catalog_export_s"] = _median(lambda: answers.interop.oscal("catalog", "bench-a"), repeat)
        results["collection_export_s"] = _median(
            lambda: answers.interop.oscal("mapping-collection", "bench-set"), repeat
        )
        service.close()
    for name in ("catalog", "collection"):
        for step in ("import", "export"):
            results[f"{name}_{step}_ratio"] = results[f"{name}_{step}_s"] / results[f"{name}_json_s"]
        results[f"{name}_memory_ratio"] = results[f"{name}_import_peak"] / results[f"{name}_json_peak"]
    results["memory_within_bound"] = all(
        results[f"{name}_memory_ratio"] <= MEMORY_BOUND for name in ("catalog", "collection")
    )
    return results


def report(results: dict[str, Any]) -> None:
    print(f"\nOSCAL at size ({results['controls']:,} controls, {results['pairs']:,} pairs), against json.loads:")
    for name, what in (("catalog", "catalog"), ("collection", "mapping collection")):
        size, parse = results[f"{name}_bytes"] / 1e6, results[f"{name}_json_s"] * 1e3
        print(
            f"  {what:<19} {size:5.1f} MB  json.loads {parse:7.1f} ms"
            f"  import {results[f'{name}_import_s']:6.2f} s (×{results[f'{name}_import_ratio']:,.0f})"
            f"  export {results[f'{name}_export_s']:6.2f} s (×{results[f'{name}_export_ratio']:,.0f})"
        )
    for name, what in (("catalog", "catalog"), ("collection", "mapping collection")):
        print(
            f"  {what:<19} peak memory: import {results[f'{name}_import_peak'] / 1e6:6.1f} MB, json.loads "
            f"{results[f'{name}_json_peak'] / 1e6:5.1f} MB (×{results[f'{name}_memory_ratio']:.1f}; "
            f"bound ×{MEMORY_BOUND:g})"
        )
    if not results["memory_within_bound"]:
        print(f"  peak memory of an import is above ×{MEMORY_BOUND:g} the json.loads of its file")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--check", action="store_true", help="exit 1 when an import's peak memory is above bound")
    args = parser.parse_args()
    results = run(args.quick)
    report(results)
    return 1 if args.check and not results["memory_within_bound"] else 0


if __name__ == "__main__":
    sys.exit(main())
