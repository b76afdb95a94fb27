"""The README's crosswalk figures are the data's: each set's counts, the honesty totals and coverage 27001 → 42001.

The README is written by hand; this test recomputes every figure it states about the curated sets from the
bundled data, so a change to a set that moves a figure fails here until the README says the same.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

from graph.service import Service

README = Path(__file__).parent.parent.parent / "README.md"
ROW = re.compile(r"^\| `([a-z0-9-]+)` \| (\d+) \| (\d+) \| ([^|]+) \| (\d+) \|", re.MULTILINE)


def readme() -> str:
    return " ".join(README.read_text(encoding="utf-8").split())  # one line: figures may wrap


def test_the_table_of_curated_sets_states_each_sets_counts(bundled: Service) -> None:
    rows = {m.group(1): m.groups()[1:] for m in ROW.finditer(README.read_text(encoding="utf-8"))}
    mappings = bundled.answers().snapshot.mappings
    assert set(rows) == set(mappings.sets), "every bundled set has one row in the README's table, and no other"
    for set_id, (asserted, absent, relations, authority) in rows.items():
        mine = [m for m in mappings.mappings if m.provenance.mapping_set == set_id]
        counted = Counter(m.relation.value for m in mine if m.relation.value != "no_relationship")
        stated = {name: int(n) for name, n in re.findall(r"(\w+) (\d+)", relations)}
        assert (int(asserted), int(absent)) == (sum(counted.values()), len(mine) - sum(counted.values())), set_id
        assert stated == dict(counted), set_id
        assert int(authority) == sum(1 for m in mine if m.provenance.authority), set_id


def test_the_honesty_totals_count_the_sets_between_the_core_frameworks(bundled: Service) -> None:
    match = re.search(r"of the ([\d,]+) asserted mappings between the five core frameworks, ([\d,]+) are", readme())
    assert match, "the README states how many asserted mappings intersect"
    core = [
        m
        for m in bundled.answers().snapshot.mappings.mappings
        if m.relation.value != "no_relationship" and m.provenance.mapping_set != "nist-ai-600-1-nist-ai-rmf"
    ]
    stated = (int(match.group(1).replace(",", "")), int(match.group(2).replace(",", "")))
    assert stated == (len(core), sum(1 for m in core if m.relation.value == "intersects"))


def test_coverage_of_42001_from_27001_is_the_figure_the_readme_gives(bundled: Service) -> None:
    text = readme()
    whole = re.search(
        r"(\d+) of (\d+) units \*covered\*, \*\*(\d+) reusable\*\* .*? (\d+) \*partial\* and (\d+) \*uncovered\*", text
    )
    assert whole, "the README states coverage --have iso27001 --want iso42001"
    result = bundled.answers().crosswalks.coverage("iso42001", have="iso27001")
    counts = {status: len(result.of(status)) for status in ("covered", "reusable", "partial", "uncovered")}
    covered, units, reusable, partial, uncovered = (int(g) for g in whole.groups())
    assert (covered, units) == (counts["covered"], len(result.verdicts))
    assert (reusable, partial, uncovered) == (counts["reusable"], counts["partial"], counts["uncovered"])
    demo = re.search(r"implements: (\d+) reusable, (\d+) partial, (\d+) uncovered", text)
    assert demo, "the README states the demo organisation's coverage"
    org = bundled.answers().organisation.coverage("iso42001", have="iso27001", as_of=dt.date(2026, 11, 29))
    assert tuple(int(g) for g in demo.groups()) == tuple(len(org.of(s)) for s in ("reusable", "partial", "uncovered"))
