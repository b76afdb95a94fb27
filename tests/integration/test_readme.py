"""The README's figures are the product's own answers: each command example that shows its output is run and
compared, and each count the prose states is worked out from the data, so no figure can go stale unseen.

Everything that turns on the day is stated for a day (`--as-of`), so the README stays true as time passes.
Output is compared with whitespace collapsed (the README wraps long lines) and `…` standing for any text.
"""

from __future__ import annotations

import re
from collections import Counter
from importlib.resources import files
from pathlib import Path

import pytest
import yaml

from tests.conftest import Cli

README = Path(__file__).resolve().parents[2] / "README.md"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "readme"
AS_OF = "2026-11-30"
CORE = {"iso42001", "iso27001", "eu-ai-act", "nist-ai-rmf", "gdpr"}  # the README's "five core frameworks"
_FENCE = re.compile(r"^```\w*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def flat(text: str) -> str:
    """Whitespace collapsed and Markdown emphasis dropped: how a reader sees the text."""
    return " ".join(text.replace("*", "").split())


def shown_commands() -> list[tuple[str, str]]:
    """Each `$ aimsgraph …` line of a fenced block with the output the README shows under it."""
    found = []
    for block in _FENCE.finditer(README.read_text(encoding="utf-8")):
        lines = block.group(1).splitlines()
        for i, line in enumerate(lines):
            if line.startswith("$ aimsgraph "):
                output = []
                for after in lines[i + 1 :]:
                    if after.startswith("$ "):
                        break
                    output.append(after)
                found.append((line[2:], "\n".join(output)))
    return found


def command_args(line: str) -> list[str]:
    import shlex

    return shlex.split(re.sub(r"\s+#.*$", "", line))[1:]


def test_the_readme_shows_command_output_to_check() -> None:
    assert len(shown_commands()) >= 3


@pytest.mark.parametrize(("line", "shown"), shown_commands(), ids=[c for c, _ in shown_commands()])
def test_each_command_the_readme_shows_prints_what_it_shows(
    line: str, shown: str, seeded_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES)  # the example files the commands name (broken.yaml)
    result = seeded_cli.run(*command_args(line), env={"COLUMNS": "80"})
    printed = flat(result.stdout + result.stderr)
    pattern = ".*?".join(re.escape(part.strip()) for part in flat(shown).split("…"))
    assert re.search(pattern, printed), f"README shows:\n{shown}\n\n`{line}` printed:\n{result.stdout}{result.stderr}"


def readme() -> str:
    return flat(README.read_text(encoding="utf-8"))


def test_the_demo_organisation_figures_are_the_data(seeded_cli: Cli) -> None:
    text = readme()
    assets = seeded_cli.json("assets")
    assert f"aimsgraph assets # {len(assets)} assets" in text
    inventory = yaml.safe_load((files("loaders") / "demo" / "demo-fintech.yaml").read_text(encoding="utf-8"))
    evidence = inventory["evidence"]
    expired = [e for e in evidence if e.get("valid_until") and str(e["valid_until"]) < AS_OF]
    assert f"{len(evidence)} evidence items, of which {len(expired)} had expired by 30 Nov 2026" in text
    shown = re.search(
        r"aimsgraph obligations support-chatbot --framework eu-ai-act --as-of (\S+) # Articles (.+?) aimsgraph", text
    )
    assert shown, "the README shows the chatbot's AI Act obligations on a stated day"
    day, listed = shown.groups()
    chatbot = seeded_cli.json("obligations", "support-chatbot", "--framework", "eu-ai-act", "--as-of", day)
    articles = [o["ref"].removeprefix("Article ") for o in chatbot]
    assert [a.removesuffix(" (as amended)") for a in listed.split(", ")] == articles


def test_the_coverage_figures_are_the_data(seeded_cli: Cli) -> None:
    text = readme()
    plain = seeded_cli.json("coverage", "--have", "iso27001", "--want", "iso42001")
    units = sum(len(plain[s]) for s in ("covered", "reusable", "partial", "uncovered"))
    assert (
        f"{len(plain['covered'])} of {units} units covered, {len(plain['reusable'])} reusable "
        f"(the shared management-system clauses: reuse the ISMS process and extend its scope), "
        f"{len(plain['partial'])} partial and {len(plain['uncovered'])} uncovered" in text
    )
    org = seeded_cli.json("coverage", "--have", "iso27001", "--want", "iso42001", "--org", "northwind")
    assert f"{len(org['reusable'])} reusable, {len(org['partial'])} partial, {len(org['uncovered'])} uncovered" in text


def test_the_catalog_table_is_the_data(seeded_cli: Cli) -> None:
    text = readme()
    for framework in seeded_cli.json("frameworks"):
        assert f"| `{framework['id']}` |" in text
        count = framework["provisionCount"]
        assert re.search(rf"\| `{re.escape(framework['id'])}` \| [^|]+ \| {count} \|", text), framework["id"]
    # The mapping-set table and the honesty totals are checked against the data by tests/unit/test_readme_figures.py.


def test_the_report_library_count_is_the_data(seeded_cli: Cli) -> None:
    reports = seeded_cli.json("report", "--list")
    assert f"aimsgraph report --list # {len(reports)} read-only reports" in readme()


def test_the_catalog_contents_the_readme_lists_are_the_data(seeded_cli: Cli) -> None:
    def count(framework: str, kind: str) -> int:
        return len(seeded_cli.json("provisions", framework, "--kind", kind))

    text = readme()
    controls_27001 = seeded_cli.json("provisions", "iso27001", "--kind", "control")
    by_theme = Counter(c["parent"] for c in controls_27001)
    themes = "/".join(str(by_theme[t]) for t in ("A.5", "A.6", "A.7", "A.8"))
    stated = [
        f"aimsgraph provisions iso42001 --kind control # the {count('iso42001', 'control')} Annex A controls",
        f"Annex A objectives and {count('iso42001', 'control')} controls",
        f"Annex A: {count('iso27001', 'theme')} themes, {len(controls_27001)} controls ({themes})",
        f"{count('eu-ai-act', 'chapter')} chapters with sections, {count('eu-ai-act', 'article')} articles, "
        f"{count('eu-ai-act', 'annex')} annexes",
        f"the {count('eu-ai-act', 'definition')} definitions of Article 3",
        f"{count('nist-ai-rmf', 'function')} functions, {count('nist-ai-rmf', 'category')} categories, "
        f"{count('nist-ai-rmf', 'subcategory')} subcategories",
        f"{count('gdpr', 'chapter')} chapters with sections, {count('gdpr', 'article')} articles",
        f"the {count('gdpr', 'definition')} definitions of Article 4",
    ]
    missing = [phrase for phrase in stated if phrase not in text]
    assert missing == []
