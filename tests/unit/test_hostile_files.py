"""Hostile and broken input files end in a clear error with file and line, in bounded memory and time.

Every case here ended in a traceback, a hang or gigabytes of memory before the readers were bounded.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from core.errors import DataError
from loaders.files import read_data_file
from loaders.limits import InputLimits

BILLION_LAUGHS = "\n".join(
    ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]" for i in range(9)]
    + ["framework: *j"]
)


def refused(path: Path, limits: InputLimits | None = None) -> str:
    with pytest.raises(DataError) as caught:
        read_data_file(path, limits) if limits else read_data_file(path)
    (problem,) = caught.value.problems
    assert problem.file == str(path)
    return str(problem)


def write(tmp_path: Path, text: str, name: str = "input.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_billion_laughs_file_is_refused_before_it_expands(tmp_path: Path) -> None:
    assert "expands to more than 1,000,000 values" in refused(write(tmp_path, BILLION_LAUGHS))


def test_an_alias_that_refers_to_itself_is_refused(tmp_path: Path) -> None:
    assert "alias *a refers to itself" in refused(write(tmp_path, "framework: &a [1, *a]\n"))


def test_deep_nesting_is_refused_at_its_line(tmp_path: Path) -> None:
    problem = refused(write(tmp_path, "framework:\n  " + "[" * 10_000 + "]" * 10_000 + "\n"))
    assert "nest" in problem and ":2:" in problem  # libyaml stops at its own depth, or we stop at 64
    moderate = refused(write(tmp_path, "framework:\n  " + "[" * 100 + "]" * 100 + "\n", "moderate.yaml"))
    assert "nested more than 64 levels deep" in moderate


def test_an_impossible_date_names_its_line(tmp_path: Path) -> None:
    text = "framework:\n  id: x\n  issued: 2023-13-45\n"
    problem = refused(write(tmp_path, text))
    assert ":3:" in problem and "'2023-13-45' is not a valid date" in problem


def test_a_device_a_directory_and_a_pipe_are_not_read(tmp_path: Path) -> None:
    assert "not a regular file" in refused(Path("/dev/zero"))
    assert "not a regular file" in refused(tmp_path)
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    outcome: list[str] = []
    reader = threading.Thread(target=lambda: outcome.append(refused(fifo)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert outcome and "not a regular file" in outcome[0]  # and it did not hang waiting for a writer


def test_a_file_over_the_size_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = write(tmp_path, "# " + "x" * 5000 + "\n")
    problem = refused(big, InputLimits(max_bytes=4096))
    assert "larger than the input limit of 4,096 bytes" in problem and "AIMSGRAPH_MAX_INPUT_BYTES" in problem


def test_a_file_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"framework:\n  name: caf\xe9\n")
    assert "not UTF-8" in refused(path) and ":2:" in refused(path)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("# - a\n# - list\n", "not a YAML mapping"),
        ("# just a string\n", "not a YAML mapping"),
        ("# other: 5\n", "other"),
        ("# creator_label: 5\n", "creator_label"),
        ("# mapping_date: 2023-13-45\n", "not a valid date"),
        ("# curie_map: " + "[" * 5000 + "]" * 5000 + "\n", "nest"),
        ('# other: "[1, 2]"\n', "not a JSON object"),
    ],
)
def test_a_broken_sssom_header_is_one_clear_problem(tmp_path: Path, header: str, expected: str) -> None:
    path = write(tmp_path, header + "subject_id\tpredicate_id\tobject_id\n", "set.sssom.tsv")
    with pytest.raises(DataError) as caught:
        read_data_file(path)
    assert any(expected in str(p) for p in caught.value.problems), caught.value.problems


def test_an_oversized_sssom_cell_is_refused_at_its_line(tmp_path: Path) -> None:
    header = "# mapping_set_id: x\n"
    row = "iso42001:4.1\tskos:exactMatch\tiso27001:4.1\t" + "x" * 150_000 + "\n"
    path = write(tmp_path, header + "subject_id\tpredicate_id\tobject_id\tcomment\n" + row, "set.sssom.tsv")
    with pytest.raises(DataError) as caught:
        read_data_file(path)
    (problem,) = caught.value.problems
    assert problem.line == 3 and "cannot read the table" in problem.message


def test_a_confidence_that_is_not_a_number_is_refused_at_its_line(tmp_path: Path) -> None:
    header = (
        "# curie_map: {iso42001: 'https://w3id.org/aimsgraph/id/iso42001/', "
        "iso27001: 'https://w3id.org/aimsgraph/id/iso27001/'}\n"
        "# mapping_set_id: https://w3id.org/aimsgraph/id/mapping-set/x\n"
        "# subject_source: https://w3id.org/aimsgraph/id/iso42001\n"
        "# object_source: https://w3id.org/aimsgraph/id/iso27001\n"
        "# creator_label: [tests]\n# mapping_date: 2026-01-01\n# mapping_set_description: A set for a test.\n"
    )
    row = "iso42001:4.1\tskos:exactMatch\tiso27001:4.1\tabc\tA comment long enough to pass.\n"
    path = write(tmp_path, header + "subject_id\tpredicate_id\tobject_id\tconfidence\tcomment\n" + row, "x.sssom.tsv")
    with pytest.raises(DataError) as caught:
        read_data_file(path)
    assert any(p.line == 9 and "strength" in (p.path or "") for p in caught.value.problems), caught.value.problems


# -- issue 24: repeated keys and columns, extra cells, lines after multi-line cells, long lists ------------------
SHEET_HEADER = "organisation,id,kind,name,owner,description\n"


def problems_of(path: Path, limits: InputLimits | None = None) -> list[str]:
    with pytest.raises(DataError) as caught:
        read_data_file(path, limits) if limits else read_data_file(path)
    return [str(p) for p in caught.value.problems]


def test_a_json_key_given_twice_is_refused_not_silently_the_last_value(tmp_path: Path) -> None:
    text = '{"organisation": {"id": "acme", "name": "Acme", "name": "Evil Corp"}, "assets": []}'
    found = problems_of(write(tmp_path, text, "org.json"))
    assert any("duplicate key 'name'" in p for p in found), found


def test_a_csv_column_given_twice_is_refused(tmp_path: Path) -> None:
    text = "organisation,id,kind,name,owner,name\nacme,a1,ai_system,Scorer,risk,Other\n"
    (problem,) = problems_of(write(tmp_path, text, "assets.csv"))
    assert "column 'name' appears twice" in problem and ":1:" in problem


def test_a_csv_row_with_extra_cells_is_a_clear_error_at_its_line(tmp_path: Path) -> None:
    text = SHEET_HEADER + "acme,a1,ai_system,Scorer,risk,ok\nacme,a2,ai_system,Other,risk,ok,surplus,more\n"
    (problem,) = problems_of(write(tmp_path, text, "assets.csv"))
    assert ":3:" in problem and "8 cells where the header names 6 columns" in problem


def test_after_a_multi_line_cell_the_error_names_the_rows_own_line(tmp_path: Path) -> None:
    text = SHEET_HEADER + 'acme,a1,ai_system,Scorer,risk,"one\ntwo\nthree"\nacme,a2,robot,Other,risk,fine\n'
    found = problems_of(write(tmp_path, text, "assets.csv"))
    assert any(":5" in p and "robot" in p for p in found), found  # a2 starts on line 5, not 3


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("org.json", '{"organisation": {"id": "o", "name": "O", "jurisdictions": [' + ",".join(["1"] * 300) + "]}}"),
        ("org.yaml", "organisation:\n  id: o\n  name: O\n  jurisdictions:\n" + "  - 1\n" * 300),
        ("org.yaml", "organisation:\n  id: o\n  name: O\n  extra:\n" + "".join(f"    k{i}: 1\n" for i in range(300))),
        ("assets.csv", SHEET_HEADER + "acme,a,ai_system,A,risk,x\n" * 300),
    ],
)
def test_a_list_longer_than_the_item_limit_is_refused_before_validation(tmp_path: Path, name: str, text: str) -> None:
    (problem,) = problems_of(write(tmp_path, text, name), InputLimits(max_items=200))
    assert "more than 200 entries" in problem and "AIMSGRAPH_MAX_INPUT_ITEMS" in problem


def test_the_problems_listed_for_one_file_are_bounded_and_the_rest_counted(tmp_path: Path) -> None:
    assets = ",".join(f'{{"id": "a{i}", "kind": "robot", "name": "A", "owner": "o"}}' for i in range(500))
    text = '{"organisation": {"id": "o", "name": "O"}, "assets": [' + assets + "]}"
    found = problems_of(write(tmp_path, text, "org.json"), InputLimits(max_problems=20))
    assert len(found) == 21 and "… and 480 more problems" in found[-1]


def test_an_organisation_with_thousands_of_jurisdictions_is_one_problem(tmp_path: Path) -> None:
    text = '{"organisation": {"id": "o", "name": "O", "jurisdictions": [' + ",".join(["1"] * 5000) + "]}}"
    (problem,) = problems_of(write(tmp_path, text, "org.json"))
    assert "jurisdictions" in problem and "at most 500 items" in problem
