"""The hostile probe's large inputs (issue 24) end in a clear error in bounded memory, each run in a child
process under a memory cap. The inputs are generated here: a 10 MB JSON inventory with 5 million integers in
`jurisdictions` (it reached 6.7 GB and died with a MemoryError), and a 3.8 MB YAML file within the value
limit (3.0 GB)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.memory import run_capped

pytestmark = [pytest.mark.slow, pytest.mark.integration]

SETUP = """
from pathlib import Path
from core.errors import DataError
from loaders.files import read_data_file
"""
WORK = """
try:
    read_data_file(Path(sys.argv[2]))
    report(outcome="loaded")
except DataError as error:
    report(outcome="refused", problems=[str(p) for p in error.problems])
"""
CAP_MIB = 1536  # the address space the child may use at all; the growth bound below is the real check
GROWTH_MIB = 300


def read_capped(path: Path) -> dict[str, Any]:
    run = run_capped(SETUP, WORK, [str(path)], cap_mib=CAP_MIB)
    assert run.returncode == 0 and run.result is not None, run.stderr  # no MemoryError, no traceback
    assert run.result["grew_mib"] < GROWTH_MIB, run.result["grew_mib"]
    return run.result


def test_five_million_integers_in_a_json_inventory_are_refused_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "org.json"
    numbers = ",".join(["1"] * 5_000_000)
    path.write_text('{"organisation": {"id": "o", "name": "O", "jurisdictions": [' + numbers + "]}}")
    assert path.stat().st_size > 10_000_000
    result = read_capped(path)
    assert result["outcome"] == "refused"
    (problem,) = result["problems"]
    assert "more than 200,000 entries" in problem and "organisation → jurisdictions" in problem


def test_a_long_yaml_list_within_the_value_limit_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "org.yaml"
    path.write_text("organisation:\n  id: o\n  name: O\n  jurisdictions:\n" + "  - 1\n" * 630_000 + "assets: []\n")
    assert path.stat().st_size > 3_700_000
    result = read_capped(path)
    assert result["outcome"] == "refused"
    (problem,) = result["problems"]
    assert "more than 200,000 entries" in problem and ":200005:" in problem
