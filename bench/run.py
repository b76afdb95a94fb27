"""Benchmarks of the foundation's query paths, each against a baseline measured in the same run.

Figures are ratios to the baseline (machines here are shared and noisy; absolute times are context only):

* bootstrap: parse + validate + write the bundled catalogs into an empty on-disk store, against parsing the
  same content as Turtle into a plain in-memory rdflib graph;
* store write: the bundled batch written into each candidate store (the choice the README records);
* provisions: all provisions of a framework (the `provisions` command and GraphQL query), against a SPARQL
  query over a plain in-memory rdflib graph — cold (index built after opening) and warm;
* a GraphQL page of 100 provisions with their parents through the real schema, against the same baseline;
* crosswalk --inferred for every ordered pair of frameworks, against SPARQL property paths (1–3 mapping
  hops either way) in plain rdflib, which find the pairs without judging their relation; a check that both
  find the same pairs rides along;
* the command line as whole processes (`bench/cli.py`), against `python -c pass`;
* coverage for each mapped pair, against SPARQL that fetches the mapped targets and parent links, rolled up
  to units in Python (one query with an unbounded `ag:partOf*` did not finish in five minutes);
* the Neo4j store and sync on an ArcadeDB server started for the run (`neo4j_bench.py`);
* OSCAL import and export of a 1,000-control catalog and a 5,000-pair mapping collection, against `json.loads`
  of the same files (`interop.py`);
* the explorer's first paint per view in headless Chromium against a real server (`explorer.py`);
* the server under load (`concurrency.py`), the GraphQL layer's cost and a mixed read/write load
  (`graphql_layer.py`), and obligations over generated organisations (`obligations.py`);
* the write side under the mixed load, on the embedded store and on ArcadeDB (`write_load.py`): writes per
  second, p95, errors, lost writes and audit mismatches;
* the changes feed's read rate against auditLog pages, and subscription fan-out to 50 clients against one
  (`events.py`).

Run: `make bench` (or `.venv/bin/python bench/run.py [--quick]`). Results also go to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cli
import concurrency
import events
import graphql_layer
import interop
import neo4j_bench
import obligations
import pyoxigraph as ox
import rdflib
import uses_chain
import write_load

import explorer
from graph.read.read_model import ReadModel
from graph.service import Service
from graph.stores.embedded import EmbeddedStore
from graph.write.audit import AuditLog
from graph.write.ingest import Ingest
from graph.write.loading import Loader
from graph.write.unit_of_work import UnitsOfWork
from loaders.bundle import bundled_paths
from ontology.namespaces import PREFIXES
from ontology.rdf import nodes_to_triples, to_ntriples
from ontology.validate import to_rdflib

PROVISIONS_SPARQL = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX ag: <https://w3id.org/aimsgraph/ontology#>
SELECT ?ref ?title ?kind ?parentRef ?summary WHERE {
  ?fw ag:frameworkId "eu-ai-act" .
  ?p skos:inScheme ?fw ; skos:notation ?ref ; ag:order ?order ; a ?kind .
  FILTER (?kind != ag:Provision)
  OPTIONAL { ?p dcterms:title ?title }
  OPTIONAL { ?p dcterms:description ?summary }
  OPTIONAL { ?p ag:partOf/skos:notation ?parentRef }
} ORDER BY ?order
"""


def measure(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of `repeat` runs, in seconds."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def bundled_ingest() -> Ingest:
    store = EmbeddedStore.open(None)
    return Loader(UnitsOfWork(store, ReadModel(store), AuditLog(store))).read(bundled_paths())


Row = dict[str, object]


def row(name: str, ours: float, baseline: float, baseline_name: str) -> Row:
    return {
        "benchmark": name,
        "ours_ms": ours * 1e3,
        "baseline": baseline_name,
        "baseline_ms": baseline * 1e3,
        "ratio": ours / baseline,
    }


class Fixture:
    """The bundled data in every form the benchmarks need, prepared once."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.ingest = bundled_ingest()
        self.triples = list(nodes_to_triples(self.ingest.batch))
        self.turtle = to_rdflib(self.triples).serialize(format="turtle")
        self.ntriples = to_ntriples(self.triples)
        self._counter = 0

    def fresh_path(self, stem: str) -> Path:
        self._counter += 1
        return self.tmp / f"{stem}-{self._counter}"

    def rdflib_graph(self) -> rdflib.Graph:
        return rdflib.Graph().parse(data=self.turtle, format="turtle")


def bench_bootstrap(fx: Fixture, repeat: int) -> list[Row]:
    def bootstrap_disk() -> None:
        store = EmbeddedStore.open(fx.fresh_path("store"))
        Service(store).ensure_bootstrapped()
        store.close()

    return [
        row(
            "bootstrap: parse+validate+write bundled data (on disk)",
            measure(bootstrap_disk, repeat),
            measure(fx.rdflib_graph, repeat),
            "rdflib parse of the same Turtle, in memory",
        )
    ]


def bench_store_write(fx: Fixture, repeat: int) -> list[Row]:
    """The store choice: the bundled batch written into each candidate."""

    def write_oxigraph_memory() -> None:
        ox.Store().bulk_load(fx.ntriples.encode(), format=ox.RdfFormat.N_TRIPLES)

    def write_embedded_disk() -> None:
        store = EmbeddedStore.open(fx.fresh_path("write"))
        store.write(fx.ingest.batch, replace=True)
        store.close()

    baseline = measure(lambda: to_rdflib(fx.triples), repeat)
    return [
        row("store write: rdflib Memory", baseline, baseline, "rdflib Memory"),
        row("store write: Oxigraph in memory", measure(write_oxigraph_memory, repeat), baseline, "rdflib Memory"),
        row(
            "store write: Oxigraph on disk (embedded)", measure(write_embedded_disk, repeat), baseline, "rdflib Memory"
        ),
    ]


def bench_provisions(fx: Fixture, slow_repeat: int, fast_repeat: int) -> list[Row]:
    """All provisions of the EU AI Act (481 rows), as the `provisions` command and GraphQL query ask."""
    graph = fx.rdflib_graph()
    prepared = rdflib.plugins.sparql.prepareQuery(PROVISIONS_SPARQL, initNs=PREFIXES)
    expected = len(list(graph.query(prepared)))
    baseline = measure(lambda: list(graph.query(prepared)), max(3, fast_repeat // 20))
    store_path = fx.fresh_path("query")
    seeded = EmbeddedStore.open(store_path)
    Service(seeded).ensure_bootstrapped()
    seeded.close()

    def cold_query() -> None:
        store = EmbeddedStore.open(store_path)
        assert len(Service(store).answers().catalog.provisions("eu-ai-act")) == expected
        store.close()

    warm = Service(EmbeddedStore.open(store_path, read_only=True))
    assert len(warm.answers().catalog.provisions("eu-ai-act")) == expected

    def warm_provisions() -> object:
        return warm.answers().catalog.provisions("eu-ai-act")

    def warm_lookup() -> object:
        return warm.answers().catalog.provision("eu-ai-act", "art. 9(2)")

    name = "rdflib SPARQL, in memory"
    return [
        row("provisions eu-ai-act: cold (open + index build)", measure(cold_query, slow_repeat), baseline, name),
        row("provisions eu-ai-act: warm (snapshot + answer)", measure(warm_provisions, fast_repeat), baseline, name),
        row("provision lookup (lenient ref): warm", measure(warm_lookup, fast_repeat), baseline, name),
    ]


HOP = "((^ag:source/ag:target)|(^ag:target/ag:source))"
REACH_SPARQL = """
PREFIX ag: <https://w3id.org/aimsgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?s ?t WHERE {{
  ?fa ag:frameworkId "{source}" . ?s skos:inScheme ?fa .
  ?s {hop}/{hop}?/{hop}? ?t .
  ?fb ag:frameworkId "{target}" . ?t skos:inScheme ?fb .
}}"""
COVERAGE_SPARQL = """
PREFIX ag: <https://w3id.org/aimsgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?t ?relation WHERE {{
  ?fa ag:frameworkId "{have}" . ?fb ag:frameworkId "{want}" .
  ?s skos:inScheme ?fa . ?m ag:{near} ?s ; ag:{far} ?t ; ag:relation ?relation . ?t skos:inScheme ?fb .
}}"""
PARENTS_SPARQL = """
PREFIX ag: <https://w3id.org/aimsgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?child ?parent WHERE {{ ?fb ag:frameworkId "{want}" . ?child skos:inScheme ?fb ; ag:partOf ?parent . }}"""


def select(graph: rdflib.Graph, query: str) -> list[tuple[rdflib.term.Node, ...]]:
    """A SELECT's result rows as plain tuples (rdflib types its result for every query form)."""
    return [tuple(found) for found in graph.query(query)]  # type: ignore[arg-type]


def naive_coverage(graph: rdflib.Graph, have: str, want: str) -> dict[str, set[str]]:
    """What a first implementation would do: fetch mapped targets and parent links, roll up in Python.

    (A single query with `ag:partOf*` did not finish in five minutes in rdflib: unbounded paths are out.)
    """
    parents = {str(r[0]): str(r[1]) for r in select(graph, PARENTS_SPARQL.format(want=want))}
    reached: dict[str, set[str]] = {}
    for near, far in (("source", "target"), ("target", "source")):  # a UNION of the two took minutes
        for target, relation in select(graph, COVERAGE_SPARQL.format(have=have, want=want, near=near, far=far)):
            node: str | None = str(target)
            while node is not None:
                reached.setdefault(node, set()).add(str(relation))
                node = parents.get(node)
    return reached


class Bundled:
    """The bundled data with its crosswalks, in our service and as a plain in-memory rdflib graph."""

    def __init__(self) -> None:
        self.service = Service(EmbeddedStore.open(None))
        self.service.load(include_bundled=True, replace=True)
        self.graph = rdflib.Graph().parse(data=self.service.answers().exports.graph("nt"), format="nt")
        # Records of absence are no path: the reachability baseline walks only real mappings.
        absent = rdflib.URIRef("https://w3id.org/aimsgraph/ontology#noRelationship")
        relation = rdflib.URIRef("https://w3id.org/aimsgraph/ontology#relation")
        for mapping in list(self.graph.subjects(relation, absent)):
            self.graph.remove((mapping, None, None))
        self.frameworks = [f.id for f in self.service.answers().catalog.frameworks()]


def bench_crosswalk(data: Bundled, repeat: int, pairs: list[tuple[str, str]]) -> list[Row]:
    """`crosswalk A B --inferred` for each ordered pair; the baseline finds the same pairs by property paths."""
    rows = []
    service = data.service
    for source, target in pairs:
        query = REACH_SPARQL.format(source=source, target=target, hop=HOP)
        reach = {(str(s), str(t)) for s, t in select(data.graph, query)}

        def baseline_run(q: str = query) -> object:
            return list(data.graph.query(q))

        def cold(a: str = source, b: str = target) -> object:
            answers = service.answers()
            answers.snapshot.inferred.clear()  # measure the inference itself, not its cache
            return answers.crosswalks.crosswalk(a, b, include_inferred=True)

        def warm(a: str = source, b: str = target) -> object:
            return service.answers().crosswalks.crosswalk(a, b, include_inferred=True)

        baseline = measure(baseline_run, repeat)
        found = service.answers().crosswalks.crosswalk(source, target, include_inferred=True)
        # pairs reachable along real mappings; curated absences now hide some of them from the answer
        ours = {(v.source.iri, v.target.iri) for v in found if v.target}
        agree = "same pairs" if ours == reach else f"{len(reach - ours)} reachable pairs withheld by absences"
        name = f"crosswalk --inferred {source} → {target} ({len(ours)} pairs, {agree})"
        rows.append(row(name + ": cold", measure(cold, repeat), baseline, "rdflib SPARQL property paths"))
        rows.append(row(name + ": warm", measure(warm, repeat), baseline, "rdflib SPARQL property paths"))
    return rows


def bench_coverage(data: Bundled, repeat: int, pairs: list[tuple[str, str]]) -> list[Row]:
    """`coverage --have A --want B`; the baseline fetches mapped targets by SPARQL and rolls them up."""
    rows = []
    for have, want in pairs:

        def baseline_run(h: str = have, w: str = want) -> object:
            return naive_coverage(data.graph, h, w)

        def ours_run(h: str = have, w: str = want) -> object:
            return data.service.answers().crosswalks.coverage(w, have=h)

        baseline = measure(baseline_run, repeat)
        ours = measure(ours_run, repeat)
        rows.append(row(f"coverage --have {have} --want {want}", ours, baseline, "rdflib SPARQL + Python roll-up"))
    return rows


GRAPHQL_PAGE = """{ provisions(framework: "eu-ai-act", first: 100) {
  totalCount edges { node { ref title summary parent { ref title } } } } }"""


def bench_graphql(data: Bundled, fast_repeat: int) -> list[Row]:
    """A GraphQL page of 100 provisions with their parents, executed by the real schema (parse, validate,
    DataLoaders), against the rdflib SPARQL baseline for all provisions of the framework."""
    import asyncio

    from api.graphql.context import Context
    from api.graphql.schema import build_schema
    from graph.settings import Settings

    settings = Settings()
    schema = build_schema(settings)

    def execute() -> None:
        context = Context(answers=data.service.answers(), settings=settings)
        result = asyncio.run(schema.execute(GRAPHQL_PAGE, context_value=context))
        assert result.errors is None

    prepared = rdflib.plugins.sparql.prepareQuery(PROVISIONS_SPARQL, initNs=PREFIXES)
    baseline = measure(lambda: list(data.graph.query(prepared)), max(3, fast_repeat // 20))
    execute()
    return [
        row(
            "graphql provisions page (100, with parents)",
            measure(execute, fast_repeat),
            baseline,
            "rdflib SPARQL, in memory",
        )
    ]


LIST_QUERIES = {
    "graphql obligations list (gdpr, organisation, 100)": """{ obligations(filter: {frameworks: ["gdpr"]},
      first: 100) { totalCount edges { node { iri status provision { ref } asset { id } } } } }""",
    "graphql evidence list (expired)": """{ evidence(filter: {statuses: [EXPIRED]}) { totalCount
      edges { node { iri id validUntil provision { ref } } } } }""",
    "graphql node(id) of a gap": """query($id: ID!) { node(id: $id) { iri ... on Gap { status } } }""",
}


def bench_lists(data: Bundled, fast_repeat: int) -> list[Row]:
    """The list queries and `node(id)` through the real schema, each against the service answering the same
    question in process (the views alone, no GraphQL): the difference is what paging, filtering inputs and
    serialising cost. A gap's node(id) works out the organisation's gaps to find it (gaps are derived)."""
    import asyncio

    from api.graphql.context import Context
    from api.graphql.schema import build_schema
    from graph.settings import Settings
    from graph.views.read import EvidenceFilter, ObligationFilter

    settings = Settings()
    schema = build_schema(settings)
    gap = data.service.answers().lists.gaps()[0].iri
    direct = {
        "graphql obligations list (gdpr, organisation, 100)": lambda: data.service.answers().lists.obligations(
            None, ObligationFilter(frameworks=("gdpr",))
        ),
        "graphql evidence list (expired)": lambda: data.service.answers().lists.evidence(
            None, EvidenceFilter(statuses=("expired",))
        ),
        "graphql node(id) of a gap": lambda: data.service.answers().lists.node(gap),
    }
    rows = []
    for name, query in LIST_QUERIES.items():

        def execute(q: str = query) -> None:
            context = Context(answers=data.service.answers(), settings=settings)
            result = asyncio.run(schema.execute(q, variable_values={"id": gap}, context_value=context))
            assert result.errors is None, result.errors

        execute()
        rows.append(row(name, measure(execute, fast_repeat), measure(direct[name], fast_repeat), "service call"))
    return rows


def report(rows: list[Row], payload: dict[str, object]) -> None:
    """Print the table and keep every figure in bench/results/latest.json."""
    width = max(len(str(r["benchmark"])) for r in rows)
    print(f"{'benchmark':<{width}}  {'ours ms':>9}  {'base ms':>9}  {'ratio':>9}  baseline")
    for r in rows:
        print(
            f"{r['benchmark']:<{width}}  {r['ours_ms']:>9.2f}  {r['baseline_ms']:>9.2f}  {r['ratio']:>9.3g}  "
            f"{r['baseline']}"
        )
    results = Path(__file__).parent / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.json").write_text(json.dumps({**payload, "rows": rows}, indent=2))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="few repetitions: proves the benchmarks run")
    args = parser.parse_args()
    slow_repeat, fast_repeat = (1, 5) if args.quick else (5, 200)
    with tempfile.TemporaryDirectory() as tmp:
        fx = Fixture(Path(tmp))
        rows = bench_bootstrap(fx, slow_repeat) + bench_store_write(fx, slow_repeat)
        rows += bench_provisions(fx, slow_repeat, fast_repeat)
    data = Bundled()
    pairs = [(a, b) for a in data.frameworks for b in data.frameworks if a != b]
    if args.quick:
        pairs = [("iso27001", "eu-ai-act"), ("nist-ai-rmf", "iso42001")]
    rows += bench_graphql(data, fast_repeat if not args.quick else 3)
    rows += bench_lists(data, 20 if not args.quick else 2)
    rows += bench_crosswalk(data, slow_repeat, pairs)
    coverage_pairs = [
        ("iso27001", "iso42001"),
        ("nist-ai-rmf", "iso42001"),
        ("iso42001", "eu-ai-act"),
        ("iso42001", "gdpr"),
        ("nist-ai-rmf", "eu-ai-act"),
    ]
    rows += bench_coverage(data, slow_repeat if args.quick else 3, coverage_pairs[:2] if args.quick else coverage_pairs)
    under_load = concurrency.run(args.quick)
    api_layer = graphql_layer.run(args.quick)
    organisation = obligations.run(args.quick)
    command_line = cli.run(args.quick)
    neo4j_store = neo4j_bench.run(args.quick)
    oscal = interop.run(args.quick)
    first_paint = explorer.run(args.quick)
    writes = write_load.run(args.quick)
    chains = uses_chain.run(args.quick)
    sync_events = events.run(args.quick)
    report(
        rows,
        {
            "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "python": sys.version.split()[0],
            "machine": platform.machine(),
            "quick": args.quick,
            "triples": len(fx.triples),
            "concurrency": under_load,
            "graphql": api_layer,
            "obligations": organisation,
            "cli": command_line,
            "neo4j": neo4j_store,
            "oscal": oscal,
            "explorer": first_paint,
            "write_load": writes,
            "uses_chain": chains,
            "events": sync_events,
        },
    )
    concurrency.report(under_load)
    graphql_layer.report(api_layer)
    obligations.report(organisation)
    cli.report(command_line)
    neo4j_bench.report(neo4j_store)
    interop.report(oscal)
    explorer.report(first_paint)
    write_load.report(writes)
    uses_chain.report(chains)
    events.report(sync_events)
    return 0


if __name__ == "__main__":
    sys.exit(main())
