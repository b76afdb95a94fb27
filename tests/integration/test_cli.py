"""The CLI contract other tools rely on: JSON-only stdout, exit codes, messages that say what and where."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import Cli, ProcessCli, tiny_catalog

pytestmark = pytest.mark.integration


def test_first_use_bootstraps_an_empty_store_from_the_bundled_data(cli: Cli) -> None:
    result = cli.run("frameworks", "--json", check=True)
    frameworks = json.loads(result.stdout)  # stdout holds only JSON
    assert {f["id"]: f["provisionCount"] for f in frameworks} == {
        "eu-ai-act": 560,
        "gdpr": 513,
        "iso27001": 139,
        "iso42001": 96,
        "nist-ai-600-1": 230,
        "nist-ai-rmf": 95,
    }
    assert set(frameworks[0]) >= {"id", "name", "version", "provisionCount"}
    assert cli.store.is_dir()


def test_provisions_json_lists_every_node_with_the_contract_fields(seeded_cli: Cli) -> None:
    rows = seeded_cli.json("provisions", "iso42001")
    assert len(rows) == 96
    assert set(rows[0]) >= {"ref", "title", "kind", "parent", "summary"}
    control = next(r for r in rows if r["ref"] == "A.6.2.4")
    assert control["kind"] == "control" and control["parent"] == "A.6.2" and control["summary"]


def test_provision_resolves_refs_leniently_and_shows_children(seeded_cli: Cli) -> None:
    data = seeded_cli.json("provision", "eu-ai-act", "art. 9(2)")
    assert data["ref"] == "Article 9(2)"
    assert [c["ref"] for c in data["children"]] == [f"Article 9(2)({x})" for x in "abcd"]
    human = seeded_cli.run("provision", "iso27001", "a.5.1", check=True).stdout
    assert "A.5.1" in human and "Policies for information security" in human


def test_search_finds_by_ref_and_by_words(seeded_cli: Cli) -> None:
    hits = seeded_cli.json("search", "human oversight", "--framework", "eu-ai-act")
    assert hits[0]["ref"] == "Article 14"
    assert seeded_cli.json("search", "GOVERN 1.1")[0]["ref"] == "GOVERN 1.1"


def test_the_console_script_exits_1_on_unknown_things_and_2_on_usage(seeded_cli: Cli) -> None:
    process = ProcessCli(seeded_cli.store)
    result = process.run("provision", "gdpr", "Article 100", "--json")
    assert result.returncode == 1 and result.stdout == "" and "unknown provision 'gdpr Article 100'" in result.stderr
    assert process.run("no-such-command").returncode == 2
    bad_setting = process.run("frameworks", env={"AIMSGRAPH_PORT": "99999"})
    assert bad_setting.returncode == 2 and bad_setting.stderr.count("\n") == 1
    assert "AIMSGRAPH_PORT" in bad_setting.stderr and "Traceback" not in bad_setting.stderr


def test_unknown_things_exit_1_with_a_message_on_stderr(seeded_cli: Cli) -> None:
    result = seeded_cli.run("provision", "gdpr", "Article 100", "--json")
    assert result.returncode == 1 and result.stdout == ""
    assert "unknown provision 'gdpr Article 100'" in result.stderr
    result = seeded_cli.run("provisions", "iso9001")
    assert result.returncode == 1 and "known frameworks: eu-ai-act" in result.stderr


def test_usage_errors_exit_2(seeded_cli: Cli) -> None:
    assert seeded_cli.run("provisions").returncode == 2
    assert seeded_cli.run("no-such-command").returncode == 2


def test_validate_passes_on_the_bundled_data(seeded_cli: Cli) -> None:
    result = seeded_cli.run("validate", "--json", check=True)
    assert json.loads(result.stdout) == {"valid": True, "problems": []}


def test_a_bad_file_fails_validate_and_load_and_leaves_the_store_as_it_was(seeded_cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        tiny_catalog("bad", "{ref: '1', kind: clause, title: One}", "{ref: '1', kind: clause, title: Again}")
    )
    before = seeded_cli.json("frameworks")
    validated = seeded_cli.run("validate", str(bad), "--json")
    assert validated.returncode == 1
    (problem,) = json.loads(validated.stdout)["problems"]
    assert problem["file"] == str(bad) and problem["line"] == 12 and "duplicate ref '1'" in problem["message"]
    loaded = seeded_cli.run("load", str(bad))
    assert loaded.returncode == 1
    assert f"{bad}:12" in loaded.stderr and "nothing was loaded" in loaded.stderr
    assert "[provisions → 1 → ref]" in loaded.stderr  # the path inside the file is data, not console markup
    assert seeded_cli.json("frameworks") == before


def test_load_adds_a_framework_and_replace_makes_it_the_only_content(seeded_cli: Cli, tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text(tiny_catalog("extra", "{ref: '1', kind: clause, title: One}"))
    report = seeded_cli.json("load", str(extra))
    assert report["frameworks"] == ["extra"] and report["nodes"] == 2
    assert len(seeded_cli.json("frameworks")) == 7
    seeded_cli.run("load", str(extra), "--replace", check=True)
    assert [f["id"] for f in seeded_cli.json("frameworks")] == ["extra"]
    seeded_cli.run("load", "--replace", check=True)  # no files: back to the bundled data
    assert len(seeded_cli.json("frameworks")) == 6


def test_the_store_comes_from_the_option_then_the_environment(seeded_store: Path, tmp_path: Path) -> None:
    from_env = tmp_path / "from-env"
    shutil.copytree(seeded_store, from_env)
    cli = Cli(from_env)
    cli.run("--store", str(tmp_path / "from-option"), "load", "--replace", str(tiny(tmp_path)), check=True)
    assert [f["id"] for f in Cli(tmp_path / "from-option").json("frameworks")] == ["tiny"]
    assert len(cli.json("frameworks")) == 6  # the environment's store was not touched


def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(tiny_catalog("tiny", "{ref: '1', kind: clause, title: One}"))
    return path


@pytest.mark.parametrize(
    ("setting", "value"),
    [("AIMSGRAPH_PORT", "99999"), ("AIMSGRAPH_STORE_KIND", "cloud"), ("AIMSGRAPH_MAX_TOKENS", "x")],
)
def test_a_bad_setting_is_one_line_and_exit_2(seeded_cli: Cli, setting: str, value: str) -> None:
    result = seeded_cli.run("frameworks", env={setting: value})
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"error: invalid setting {setting}='{value}'") and result.stderr.count("\n") == 1


def test_data_that_looks_like_markup_prints_as_written(seeded_cli: Cli, tmp_path: Path) -> None:
    odd = tmp_path / "odd.yaml"
    odd.write_text(
        tiny_catalog(
            "odd",
            "{ref: '1', kind: clause, title: '[deleted] clause [bold]x'}",
            "{ref: '1.1', kind: control, parent: '1', title: 'Brackets',"
            " summary: 'Ends a style [/] early, or tries to.'}",
        )
    )
    seeded_cli.run("load", str(odd), check=True)
    listing = seeded_cli.run("provisions", "odd", check=True).stdout
    assert "[deleted] clause [bold]x" in listing
    shown = seeded_cli.run("provision", "odd", "1.1", check=True).stdout
    assert "Ends a style [/] early" in shown
    found = seeded_cli.run("search", "Brackets", "--framework", "odd", check=True).stdout
    assert "Brackets" in found
    refused = seeded_cli.run("provision", "odd", "[red]nope")
    assert refused.returncode == 1 and "'odd [red]nope'" in refused.stderr
