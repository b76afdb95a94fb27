"""The engine agrees with what `loaders/demo/EXPECTED.md` says the law assigns to the demo organisations.

The table at the end of EXPECTED.md is written from the law by hand (with the reasons above it); this test reads
it, so a change of rule that the table does not also record fails here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.service import Service
from graph.stores.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = ROOT / "loaders" / "demo" / "EXPECTED.md"
RIVERMOUTH = ROOT / "examples" / "rivermouth-council.yaml"
DAY = dt.date(2026, 12, 7)


def _refs(cell: str, framework: str) -> list[str]:
    """`4, 8-21, 49(1)` as catalog refs (articles for the two laws; other refs as written)."""
    refs: list[str] = []
    for token in (t.strip() for t in cell.split(",")):
        if not token:
            continue
        if framework not in ("eu-ai-act", "gdpr"):
            refs.append(token)
        elif span := re.fullmatch(r"(\d+)-(\d+)", token):
            refs += [f"Article {n}" for n in range(int(span[1]), int(span[2]) + 1)]
        else:
            refs.append(f"Article {token}")
    return refs


def _rows() -> list[tuple[str, str, str, list[str], list[str], list[str]]]:
    text = EXPECTED.read_text()
    table = text[text.index("## The table the tests read") :]
    rows = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 6 or cells[0] in ("organisation", "") or set(cells[0]) <= {"-"}:
            continue
        org, asset, framework, must, must_not, only_if = cells
        rows.append(
            (org, asset, framework, _refs(must, framework), _refs(must_not, framework), _refs(only_if, framework))
        )
    return rows


ROWS = _rows()


@pytest.fixture(scope="module")
def demo() -> Iterator[Service]:
    service = Service(EmbeddedStore.open(None))
    service.load([RIVERMOUTH], include_bundled=True, replace=True)
    yield service
    service.close()


def test_the_table_covers_every_demo_asset() -> None:
    assert len(ROWS) >= 30
    northwind = {asset for org, asset, *_ in ROWS if org == "northwind"}
    assert {"credit-system", "doc-classifier", "broker-affordability", "cv-vendor"} <= northwind
    assert {"benefits-triage"} <= {asset for org, asset, *_ in ROWS if org == "rivermouth"}


@pytest.mark.parametrize("row", ROWS, ids=[f"{r[1]}-{r[2]}" for r in ROWS])
def test_the_engine_agrees_with_expected_md(
    demo: Service, row: tuple[str, str, str, list[str], list[str], list[str]]
) -> None:
    org, asset, framework, must, must_not, only_if = row
    found = demo.answers().organisation.obligations(asset, org=org, frameworks=[framework], as_of=DAY)
    by_ref = {o.provision.ref: o for o in found.obligations}
    binding = {ref for ref, o in by_ref.items() if not o.voluntary and not o.conditions}
    assert not [r for r in must if r not in binding], f"EXPECTED.md says these apply to {asset}"
    assert not [r for r in must_not if r in by_ref and not by_ref[r].voluntary], f"EXPECTED.md: not for {asset}"
    assert not [r for r in only_if if r not in by_ref or not by_ref[r].conditions], f"EXPECTED.md: {asset} only if"


def test_a_public_body_without_a_management_system_has_no_iso_gaps(demo: Service) -> None:
    gaps = demo.answers().organisation.gaps("rivermouth", as_of=DAY)
    assert gaps and not [g for g in gaps if g.provision.framework in ("iso27001", "iso42001")]
    rows = demo.answers().organisation.statement_of_applicability("rivermouth", as_of=DAY)
    assert rows and not any(r.binding for r in rows)


def test_the_demo_vendors_data_processing_agreements_attach_to_article_28(demo: Service) -> None:
    found = demo.answers().organisation.obligations("cloud-provider", org="northwind", frameworks=["gdpr"], as_of=DAY)
    article_28 = next(o for o in found.obligations if o.provision.ref == "Article 28(3)")
    assert article_28.addressee == "controller"
    assert [m.evidence.id for m in article_28.evidence] == ["ev-dpa-cloud"] and article_28.status == "valid"
