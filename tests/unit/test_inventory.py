"""Inventories load all or nothing: every problem listed with file and line, the store unchanged; a reload
replaces the organisation's facts without leaving stale ones; evidence counts through covering mappings."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import DataError
from graph.service import Service
from graph.stores.embedded import EmbeddedStore

TODAY = dt.date(2026, 11, 29)
GOOD = """\
organisation: {id: acme, name: Acme Bank, jurisdictions: [EU]}
assets:
  - {id: scorer, kind: ai_system, name: Scorer, owner: risk, roles: [provider, controller], annex_iii: ["5(b)"],
     automated_decisions: true, uses: [loans]}
  - {id: loans, kind: dataset, name: Loan history, owner: data, roles: [controller], personal_data: true}
controls:
  - {framework: iso27001, ref: A.8.24, status: implemented}
  - {framework: iso42001, ref: A.10.4, status: excluded, justification: We have no customers for AI products.}
evidence:
  - {id: ev-1, proves: {framework: iso42001, ref: "6.1.3"}, assets: [scorer], uri: "https://docs.example/risk",
     sha256: "%s", collected: 2026-01-01, valid_until: 2027-06-01, owner: ciso}
""" % ("ab" * 32)


@pytest.fixture
def service(seeded_store: Path, tmp_path: Path) -> Iterator[Service]:
    """A copy of a store bootstrapped once from the bundled data."""
    copy = tmp_path / "store"
    shutil.copytree(seeded_store, copy)
    fresh = Service(EmbeddedStore.open(copy))
    yield fresh
    fresh.close()


def write(tmp_path: Path, text: str, name: str = "acme.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def problems(service: Service, path: Path) -> list[str]:
    before = service.answers().revision
    with pytest.raises(DataError) as caught:
        service.load([path])
    assert service.answers().revision == before  # nothing was written
    return [str(p) for p in caught.value.problems]


def test_a_good_inventory_loads_and_answers(service: Service, tmp_path: Path) -> None:
    report = service.load([write(tmp_path, GOOD)])
    assert report.organisations == ("acme",)
    org = service.answers().organisation
    found = org.obligations("scorer", org="acme", as_of=TODAY)
    gdpr = {o.provision.ref for o in found.obligations if o.provision.framework == "gdpr"}
    assert "Article 22" in gdpr  # automated decisions on personal data taken in from `loans`
    controller = next(
        o for o in found.obligations if o.provision.ref == "Article 22" and o.provision.framework == "gdpr"
    )
    assert any("personal_data (through loans)" in f for r in controller.reasons for f in r.facts)
    assert [e.provision.ref for e in found.excluded] == ["A.10.4"]


def test_evidence_counts_for_an_obligation_through_a_mapping_that_covers_it(service: Service, tmp_path: Path) -> None:
    service.load([write(tmp_path, GOOD)])
    found = service.answers().organisation.obligations("scorer", org="acme", frameworks=["nist-ai-rmf"], as_of=TODAY)
    manage = next(o for o in found.obligations if o.provision.ref == "MANAGE 1.3")
    (match,) = manage.evidence
    assert match.evidence.id == "ev-1" and match.status == "valid"
    assert match.through and "iso42001 6.1.3" in match.through and "broader than" in match.through
    assert manage.voluntary and manage.status == "valid"


def test_every_problem_of_a_bad_inventory_is_listed_with_its_line(service: Service, tmp_path: Path) -> None:
    bad = GOOD.replace("uses: [loans]", "uses: [loans, ghost]").replace('annex_iii: ["5(b)"]', 'annex_iii: ["9(z)"]')
    bad = bad.replace("roles: [controller], personal", "roles: [overlord], personal")
    bad = bad.replace("ref: A.8.24", "ref: A.99.1").replace("valid_until: 2027-06-01", "valid_until: 2025-06-01")
    found = problems(service, write(tmp_path, bad))
    text = "\n".join(found)
    assert "acme.yaml:4 [assets → 0 → uses → 1]: unknown asset 'ghost'" in text
    assert "overlord" in text
    assert "valid_until 2025-06-01 is before collected 2026-01-01" in text


def test_refs_and_annex_iii_points_are_checked_against_the_catalogs(service: Service, tmp_path: Path) -> None:
    bad = GOOD.replace('annex_iii: ["5(b)"]', 'annex_iii: ["9(z)"]').replace("ref: A.8.24", "ref: A.99.1")
    text = "\n".join(problems(service, write(tmp_path, bad)))
    assert "unknown Annex III point '9(z)'" in text and "unknown iso27001 ref 'A.99.1'" in text


def test_a_cycle_in_uses_is_refused_with_its_path(service: Service, tmp_path: Path) -> None:
    cyclic = GOOD.replace(
        "roles: [controller], personal_data: true}", "roles: [controller], personal_data: true, uses: [scorer]}"
    )
    text = "\n".join(problems(service, write(tmp_path, cyclic)))
    assert "uses form a cycle: scorer → loans → scorer" in text or "loans → scorer → loans" in text


def test_a_bad_date_and_a_missing_justification_are_refused(service: Service, tmp_path: Path) -> None:
    bad = GOOD.replace("collected: 2026-01-01", "collected: 2026-13-45").replace(
        ", justification: We have no customers for AI products.", ""
    )
    text = "\n".join(problems(service, write(tmp_path, bad)))
    assert "2026-13-45" in text


def test_reloading_the_same_inventory_changes_nothing(service: Service, tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    service.load([path])
    revision = service.answers().revision
    assert service.load([path]).unchanged and service.answers().revision == revision


def test_a_changed_inventory_replaces_the_organisations_facts_without_stale_ones(
    service: Service, tmp_path: Path
) -> None:
    service.load([write(tmp_path, GOOD)])
    smaller = GOOD.replace(
        "  - {id: loans, kind: dataset, name: Loan history, owner: data, roles: [controller], personal_data: true}\n",
        "",
    ).replace("uses: [loans]", "uses: []")
    service.load([write(tmp_path, smaller, "acme-v2.yaml")])
    org = service.answers().organisation
    assert [a.id for a in org.assets("acme")] == ["scorer"]
    gdpr = {
        o.provision.ref for o in org.obligations("scorer", org="acme").obligations if o.provision.framework == "gdpr"
    }
    assert "Article 22" not in gdpr  # no personal data any more: nothing stale keeps it


def test_a_rule_file_with_an_unknown_field_is_refused(service: Service, tmp_path: Path) -> None:
    rules = "framework: gdpr\napplicability:\n  - {id: x, reason: A reason long enough., provisions: [Article 5],\n"
    rules += "     when: {roles: [controller], colour: blue}}\n"
    text = "\n".join(problems(service, write(tmp_path, rules, "rules.yaml")))
    assert "colour" in text and ":4" in text


SHEET = """\
organisation,organisation_name,id,kind,name,owner,roles,annex_iii,uses,personal_data,automated_decisions
acme,Acme Bank,scorer,ai_system,Scorer v2,risk,provider;controller,5(b),loans,,yes
acme,Acme Bank,loans,dataset,Loan history,data,controller,,,true,
"""


def test_an_asset_sheet_replaces_the_assets_and_keeps_controls_and_evidence(service: Service, tmp_path: Path) -> None:
    service.load([write(tmp_path, GOOD)])
    sheet = tmp_path / "acme-assets.csv"
    sheet.write_text(SHEET)
    service.load([sheet])
    org = service.answers().organisation
    assert org.asset("scorer", "acme").name == "Scorer v2"
    found = org.obligations("scorer", org="acme", as_of=TODAY)
    assert [e.provision.ref for e in found.excluded] == ["A.10.4"]  # the SoA decision stayed
    manage = next(o for o in found.obligations if o.provision.ref == "MANAGE 1.3")
    assert manage.status == "valid"  # and so did the evidence


def test_an_asset_sheet_that_drops_an_asset_evidence_names_is_refused(service: Service, tmp_path: Path) -> None:
    service.load([write(tmp_path, GOOD)])
    sheet = tmp_path / "acme-assets.csv"
    sheet.write_text(SHEET.splitlines()[0] + "\nacme,Acme Bank,loans,dataset,Loan history,data,controller,,,true,\n")
    text = "\n".join(problems(service, sheet))
    assert "would be removed" in text and "scorer" in text  # evidence ev-1 still names it


def test_a_bad_asset_sheet_names_the_row(service: Service, tmp_path: Path) -> None:
    sheet = tmp_path / "bad.csv"
    sheet.write_text(SHEET.replace("ai_system", "robot").replace(",yes\n", ",perhaps\n"))
    text = "\n".join(problems(service, sheet))
    assert "bad.csv:2" in text and "robot" in text and "perhaps" in text


def test_cycles_are_found_once_each_in_one_pass() -> None:
    from loaders.inventory import find_cycles

    uses = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["e"], "e": ["d"], "f": ["a"], "g": []}
    found = sorted(tuple(sorted(set(c))) for c in find_cycles(uses))
    assert found == [("a", "b", "c"), ("d", "e")]
    chain = {f"n{i}": [f"n{i + 1}"] for i in range(50_000)} | {"n50000": []}
    assert find_cycles(chain) == []  # a long chain: no recursion limit, no quadratic walk
