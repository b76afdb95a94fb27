"""The SSSOM reader refuses what it cannot read with file, line and reason, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import DataError
from graph.service import Service


@pytest.fixture(scope="module")
def exported(bundled: Service) -> str:
    return bundled.answers().exports.mapping_set("iso42001-gdpr")


def problems(service: Service, tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "set.sssom.tsv"
    path.write_text(text)
    with pytest.raises(DataError) as caught:
        service.load([path])
    return [str(p) for p in caught.value.problems]


def split(text: str) -> tuple[list[str], list[str]]:
    lines = text.splitlines()
    end = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    return lines[:end], lines[end:]


def test_a_header_that_is_not_yaml_is_refused_at_its_line(bundled: Service, tmp_path: Path, exported: str) -> None:
    header, body = split(exported)
    (problem,) = problems(bundled, tmp_path, "\n".join(["# curie_map: [unclosed", *header[1:], *body]) + "\n")
    assert problem.startswith(f"{tmp_path / 'set.sssom.tsv'}:2:") and "YAML syntax error" in problem


def test_an_unknown_predicate_and_a_foreign_subject_are_refused_at_their_lines(
    bundled: Service, tmp_path: Path, exported: str
) -> None:
    header, body = split(exported)
    body[1] = body[1].replace("skos:relatedMatch", "skos:closeMatch", 1)
    body[2] = "nist-ai-rmf:GOVERN%201.1" + body[2][body[2].index("\t") :]
    found = problems(bundled, tmp_path, "\n".join([*header, *body]) + "\n")
    first_row = len(header) + 2
    assert any(f":{first_row}:" in p and "unknown predicate 'skos:closeMatch'" in p for p in found)
    assert any(f":{first_row + 1}:" in p and "is not a iso42001 provision" in p for p in found)


def test_a_header_without_framework_sources_is_refused(bundled: Service, tmp_path: Path, exported: str) -> None:
    header, body = split(exported)
    header = [line for line in header if "subject_source" not in line]
    found = problems(bundled, tmp_path, "\n".join([*header, *body]) + "\n")
    assert any("subject_source/object_source name no framework" in p for p in found)


def test_a_file_that_is_not_utf8_is_refused(bundled: Service, tmp_path: Path) -> None:
    path = tmp_path / "set.sssom.tsv"
    path.write_bytes(b"# mapping_set_id: x\n\xff\xfe broken\n")
    with pytest.raises(DataError) as caught:
        bundled.load([path])
    assert "set.sssom.tsv:2: not UTF-8 text" in str(caught.value)
