"""Every Cypher example the docs show runs against the dev server (ArcadeDB) on the synced demo, with rows:
the ```cypher blocks of the Neo4j docs (found in the Markdown, so a new example is tested without being listed
here), the runnable queries of the Neo4j Browser guide and the search phrases of the Bloom perspective, which
also name only labels, relationship types and properties the sync writes."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

from graph.cypher.reports import check_read_only, convert, tokens
from graph.service import Service
from graph.stores.neo4j import Neo4jStore
from tests.support.fixtures import DEMO_DAY, DemoDatabase

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
GUIDE = DOCS / "neo4j" / "browser-guide.html"
PERSPECTIVE = DOCS / "neo4j" / "bloom-perspective.json"
PARAM = re.compile(r"^//\s*param:\s*(\w+)\s+(\w+)(?:\s*=\s*(\"[^\"]*\"|\S+))?")


def markdown_examples() -> list[tuple[str, str]]:
    found = []
    for page in sorted([*DOCS.glob("neo4j*.md"), *DOCS.glob("neo4j/*.md")]):
        blocks = re.findall(r"^```cypher\n(.*?)^```", page.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)
        found += [(f"{page.name}#{n}", block) for n, block in enumerate(blocks, start=1)]
    return found


def guide_examples() -> list[tuple[str, str]]:
    blocks = re.findall(r'<pre class="[^"]*runnable[^"]*">(.*?)</pre>', GUIDE.read_text(encoding="utf-8"), re.DOTALL)
    return [(f"browser-guide#{n}", html.unescape(block)) for n, block in enumerate(blocks, start=1)]


def perspective() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(PERSPECTIVE.read_text(encoding="utf-8"))
    return loaded


def parameters(cypher: str) -> dict[str, Any]:
    """The values the example's `// param:` lines give (a day: the demo's), so it runs as the docs show it."""
    values: dict[str, Any] = {}
    for line in cypher.splitlines():
        match = PARAM.match(line.strip())
        if match:
            name, kind, raw = match.groups()
            values[name] = None if raw in (None, "null") else convert(name, kind, raw.strip('"'))
            if kind == "date":
                values[name] = DEMO_DAY
    used = {t.text for t in tokens(cypher) if t.kind == "param"}
    assert used <= set(values), f"undeclared parameters {sorted(used - set(values))}"
    return values


@pytest.mark.parametrize(("where", "cypher"), markdown_examples() + guide_examples(), ids=lambda x: str(x)[:30])
def test_every_documented_example_returns_rows(neo4j_demo: DemoDatabase, where: str, cypher: str) -> None:
    check_read_only(cypher)
    store = neo4j_demo.open()
    try:
        rows = store.query(cypher, parameters(cypher))
    finally:
        store.close()
    assert rows, f"{where} returns no row on the demo"


def test_the_docs_examples_are_found() -> None:
    assert len(markdown_examples()) >= 3 and len(guide_examples()) >= 5


def test_the_a54_example_returns_exactly_one_provisions_curated_mappings(
    neo4j_demo: DemoDatabase, bundled: Service
) -> None:
    [(_, example)] = [(w, c) for w, c in markdown_examples() if "ref: 'A.5.4'" in c]
    store = neo4j_demo.open()
    try:
        rows = store.query(example)
    finally:
        store.close()
    answers = bundled.answers()
    a54 = answers.catalog.provision("iso27001", "A.5.4")
    curated = [v for v in answers.crosswalks.mappings_of([a54.iri])[0] if v.target is not None and not v.inferred]
    assert {r["provision"] for r in rows} == {f"ISO/IEC 27001:2022 A.5.4 {a54.title}"}
    assert len(rows) == len(curated) > 0  # curated only: no inferred edge among them


def test_the_bloom_search_phrases_return_rows(neo4j_demo: DemoDatabase) -> None:
    store = neo4j_demo.open()
    try:
        for template in perspective()["templates"]:
            check_read_only(template["cypher"])
            params = {p["name"].lstrip("$"): p["example"] for p in template["params"]}
            assert store.query(template["cypher"], params), template["name"]
    finally:
        store.close()


def _schema(store: Neo4jStore) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    labels: dict[str, set[str]] = {}
    for row in store.query("MATCH (n) UNWIND labels(n) AS label WITH DISTINCT label RETURN label"):
        keys = store.query(f"MATCH (n:`{row['label']}`) UNWIND keys(n) AS key RETURN DISTINCT key")
        labels[row["label"]] = {k["key"] for k in keys}
    types: dict[str, set[str]] = {}
    for row in store.query("MATCH ()-[r]->() WITH DISTINCT type(r) AS type RETURN type"):
        keys = store.query(f"MATCH ()-[r:`{row['type']}`]->() UNWIND keys(r) AS key RETURN DISTINCT key")
        types[row["type"]] = {k["key"] for k in keys}
    return labels, types


def named(cypher: str) -> tuple[set[str], set[str], set[str]]:
    """The labels, relationship types and properties a query names (in patterns, and as `variable.property`)."""
    labels = {x for group in re.findall(r"\(\s*\w*\s*((?::\w+)+)", cypher) for x in group.split(":") if x}
    types = {x for group in re.findall(r"\[\s*\w*\s*:\s*([\w|]+)", cypher) for x in group.split("|")}
    props = set(re.findall(r"\b[a-z]\w*\.([a-z]\w*)\b", cypher)) - {"inDays"}
    props |= set(re.findall(r"[{,]\s*([a-z]\w*)\s*:\s*['$]", cypher))
    return labels, types, props


def test_the_guide_and_the_perspective_name_only_what_the_sync_writes(neo4j_demo: DemoDatabase) -> None:
    store = neo4j_demo.open()
    try:
        labels, types = _schema(store)
    finally:
        store.close()
    every_property = set().union(*labels.values(), *types.values())
    view = perspective()
    for category in view["categories"]:
        for label in category["labels"]:
            assert label in labels, label
            for prop in category["properties"]:
                assert prop["name"] in labels[label], (label, prop["name"])
        assert sum(p["isCaption"] for p in category["properties"]) == 1, category["name"]
    for kind in view["relationshipTypes"]:
        assert kind["name"] in types, kind["name"]
        for prop in kind["properties"]:
            assert prop["name"] in types[kind["name"]], (kind["name"], prop["name"])
    assert set(view["hiddenRelationshipTypes"]) <= types.keys()
    queries = [c for _, c in guide_examples()] + [t["cypher"] for t in view["templates"]]
    for cypher in queries:
        used_labels, used_types, used_props = named(cypher)
        assert used_labels <= labels.keys(), used_labels - labels.keys()
        assert used_types <= types.keys(), used_types - types.keys()
        assert used_props <= every_property, used_props - every_property


def test_the_name_check_catches_a_misspelt_property() -> None:
    assert named("MATCH (p:Provision {framework: 'x'})-[m:MAPS_TO]-(q) RETURN p.valid_until")[2] == {
        "framework",
        "valid_until",
    }
