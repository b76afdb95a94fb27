"""When provisions apply: every provision of the two laws has a date, parts inherit it, and the AI Act's
amendments are data that an "as of" question follows."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from core.errors import DataError, UsageError
from graph.service import Service
from tests.conftest import Cli

BEFORE_OMNIBUS = dt.date(2026, 7, 1)
AFTER_OMNIBUS = dt.date(2026, 11, 29)


@pytest.mark.parametrize("framework", ["eu-ai-act", "gdpr"])
def test_every_provision_of_the_laws_has_a_date(bundled: Service, framework: str) -> None:
    catalog = bundled.answers().catalog
    missing = [v.ref for v in catalog.provisions(framework) if catalog.dates(v).applies_from is None]
    assert not missing, missing[:20]


def test_a_paragraph_inherits_the_date_of_its_article(bundled: Service) -> None:
    catalog = bundled.answers().catalog
    assert catalog.provision("eu-ai-act", "Art. 26(1)").applies_from == dt.date(2026, 8, 2)
    assert catalog.provision("gdpr", "Article 35(1)").applies_from == dt.date(2018, 5, 25)
    assert catalog.provision("eu-ai-act", "Article 5(1)(a)").applies_from == dt.date(2025, 2, 2)


def test_an_annex_iii_obligation_reads_the_original_and_the_amended_date(bundled: Service) -> None:
    catalog = bundled.answers().catalog
    article_9 = catalog.provision("eu-ai-act", "Article 9(2)")
    original = catalog.dates(article_9, scope="annex_iii", as_of=BEFORE_OMNIBUS)
    amended = catalog.dates(article_9, scope="annex_iii", as_of=AFTER_OMNIBUS)
    assert (original.applies_from, original.rule and original.rule.act.id) == (dt.date(2026, 8, 2), "reg-2024-1689")
    assert (amended.applies_from, amended.original, amended.amended) == (
        dt.date(2027, 12, 2),
        dt.date(2026, 8, 2),
        True,
    )
    assert amended.rule is not None and amended.rule.act.oj_reference == "OJ L, 2026/1744, 24.7.2026"
    assert not amended.in_force  # on 29 Nov 2026 the Annex III duties do not apply yet


def test_without_a_route_every_high_risk_duty_follows_one_rule_that_the_answer_names(bundled: Service) -> None:
    catalog = bundled.answers().catalog
    refs = ["Article 9", "Article 26", "Article 43", "Article 49", "Article 72", "Article 73", "Article 86"]
    dates = {ref: catalog.dates(catalog.provision("eu-ai-act", ref), as_of=AFTER_OMNIBUS) for ref in refs}
    assert {d.applies_from for d in dates.values()} == {dt.date(2027, 12, 2)}
    assert all(d.rule is not None and d.rule.basis for d in dates.values())
    assert "earliest day" in (dates["Article 43"].rule.note or "")  # type: ignore[union-attr]


def test_article_113c_dates_the_annex_i_route_later_than_the_rest(bundled: Service) -> None:
    catalog = bundled.answers().catalog
    article_9 = catalog.provision("eu-ai-act", "Article 9")
    assert catalog.dates(article_9, scope="annex_i", as_of=BEFORE_OMNIBUS).applies_from == dt.date(2027, 8, 2)
    assert catalog.dates(article_9, scope="annex_i", as_of=AFTER_OMNIBUS).applies_from == dt.date(2028, 8, 2)
    ai_literacy = catalog.provision("eu-ai-act", "Article 4")
    assert catalog.dates(ai_literacy, scope="annex_i").applies_from == dt.date(2025, 2, 2)  # not every duty moves


def test_the_amending_acts_are_listed_with_their_status_and_uncertainty(bundled: Service) -> None:
    acts = bundled.answers().catalog.acts("eu-ai-act")
    assert [a.id for a in acts] == ["reg-2024-1689", "digital-omnibus-ai"]
    omnibus = acts[1]
    assert omnibus.status == "in_force" and omnibus.in_force == dt.date(2026, 7, 27)
    assert omnibus.uncertainty and "OJ" in omnibus.uncertainty and omnibus.sources


def test_an_act_is_adopted_when_the_council_votes_and_signed_on_the_date_in_its_title(bundled: Service) -> None:
    original, omnibus = bundled.answers().catalog.acts("eu-ai-act")
    assert (original.adopted, original.signed) == (dt.date(2024, 5, 21), dt.date(2024, 6, 13))
    assert (omnibus.adopted, omnibus.signed) == (dt.date(2026, 6, 29), dt.date(2026, 7, 8))
    assert "8 July 2026" in omnibus.title


def test_an_unknown_scope_is_refused(bundled: Service) -> None:
    catalog = bundled.answers().catalog
    with pytest.raises(UsageError, match="annex_iii"):
        catalog.dates(catalog.provision("eu-ai-act", "Article 9"), scope="annex_ii")


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        (
            "{act: nosuch, basis: Art. 1, refs: ['Article 1'], scope: all, applies_from: 2026-01-01}",
            "unknown act 'nosuch'",
        ),
        (
            "{act: original, basis: Art. 1, refs: ['Article 999'], scope: all, applies_from: 2026-01-01}",
            "unknown eu-ai-act ref 'Article 999'",
        ),
    ],
    ids=["unknown-act", "unknown-ref"],
)
def test_a_timeline_naming_an_unknown_act_or_ref_is_refused_with_its_line(
    bundled: Service, tmp_path: Path, rule: str, problem: str
) -> None:
    bad = tmp_path / "timeline.yaml"
    bad.write_text(
        f"framework: eu-ai-act\nacts:\n  - {{id: original, title: The law, status: in_force}}\nrules:\n  - {rule}\n"
    )
    with pytest.raises(DataError) as caught:
        bundled.load([bad])
    found = [str(p) for p in caught.value.problems]
    assert any(":5" in p and problem in p for p in found)


def test_the_cli_shows_the_amended_date_beside_the_original(seeded_cli: Cli) -> None:
    data = seeded_cli.json("provision", "eu-ai-act", "Article 9", "--scope", "annex_iii", "--as-of", "2026-11-29")
    assert data["appliesFrom"] == "2027-12-02" and data["dates"]["original"] == "2026-08-02"
    assert data["dates"]["act"] == "digital-omnibus-ai" and data["dates"]["amended"] is True
    earlier = seeded_cli.json("provision", "eu-ai-act", "Article 9", "--scope", "annex_iii", "--as-of", "2026-07-01")
    assert earlier["appliesFrom"] == "2026-08-02" and earlier["dates"]["amended"] is False
    human = seeded_cli.run("provision", "eu-ai-act", "Article 9", "--scope", "annex_iii", check=True).stdout
    assert "applies from: 2027-12-02" in human and "originally 2026-08-02" in human
    acts = json.loads(seeded_cli.run("acts", "eu-ai-act", "--json", check=True).stdout)
    assert acts[1]["ojReference"] == "OJ L, 2026/1744, 24.7.2026"
