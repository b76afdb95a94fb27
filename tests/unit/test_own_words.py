"""Summaries are our own words: none shares a long run of words with the official text of its law.

The fixture holds the official English text of the provisions (EU law may be reproduced); a summary is
compared with the text of the article or annex it belongs to, as runs of RUN consecutive words, ignoring case
and punctuation.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from graph.service import Service
from graph.views.read import ProvisionView

RUN = 8
FIXTURES = Path(__file__).parent.parent / "fixtures" / "official_text"


def runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def enclosing_text(view: ProvisionView, official: dict[str, str], by_ref: dict[str, ProvisionView]) -> str | None:
    """The official text of the outermost article or annex holding the provision (it includes all parts)."""
    found = None
    current: ProvisionView | None = view
    while current is not None:
        if current.ref in official:
            found = official[current.ref]
        current = by_ref.get(current.parent) if current.parent else None
    return found


@pytest.mark.parametrize(("framework", "at_least"), [("eu-ai-act", 450), ("gdpr", 400)])
def test_no_summary_copies_a_run_of_the_official_text(bundled: Service, framework: str, at_least: int) -> None:
    official: dict[str, str] = yaml.safe_load((FIXTURES / f"{framework}.yaml").read_text(encoding="utf-8"))
    views = bundled.answers().catalog.provisions(framework)
    by_ref = {v.ref: v for v in views}
    checked, copied = 0, []
    for view in views:
        text = enclosing_text(view, official, by_ref)
        if not view.summary or text is None:
            continue
        checked += 1
        shared = runs(view.summary) & runs(text)
        if shared:
            copied.append(f"{view.ref}: '{' '.join(sorted(shared)[0])}'")
    assert checked >= at_least, f"only {checked} summaries could be compared"
    assert not copied, f"{len(copied)} summaries copy the official text: {copied[:10]}"


def test_the_check_catches_a_copied_sentence() -> None:
    official = "The purpose of this Regulation is to improve the functioning of the internal market"
    assert runs("In short: the purpose of this Regulation is to improve the functioning of markets") & runs(official)
    assert not runs("This law aims to make the single market work better for AI") & runs(official)
