"""Two tiny frameworks and mapping sets written as files, for tests with answers known by hand."""

from __future__ import annotations

import textwrap
from pathlib import Path

LAW = """\
framework: {id: law, name: Law, title: A small law, version: "1", issued: 2024-01-01, publisher: t, source: t,
  binding: true}
provisions:
  - {ref: "Chapter I", kind: chapter, title: Rules}
  - {ref: "Article 1", kind: article, parent: "Chapter I", title: One, summary: Two duties in two paragraphs.}
  - {ref: "Article 1(1)", kind: paragraph, parent: "Article 1", summary: The first duty of article one.}
  - {ref: "Article 1(2)", kind: paragraph, parent: "Article 1", summary: The second duty of article one.}
  - {ref: "Article 2", kind: article, parent: "Chapter I", title: Two, summary: A duty that a clause meets.}
  - {ref: "Article 3", kind: article, parent: "Chapter I", title: Three, summary: A duty partly met elsewhere.}
  - {ref: "Article 4", kind: article, parent: "Chapter I", title: Four, summary: A duty nothing else meets.}
"""

STANDARD = """\
framework: {id: std, name: Std, title: A small standard, version: "1", issued: 2024-01-01, publisher: t, source: t,
  binding: false}
provisions:
  - {ref: "4", kind: clause, title: Context}
  - {ref: "4.1", kind: clause, parent: "4", title: Issues}
  - {ref: "4.2", kind: clause, parent: "4", title: Parties}
  - {ref: "Annex A", kind: annex, title: Controls}
  - {ref: "A.1", kind: control_objective, parent: "Annex A", title: Objective}
  - {ref: "A.1.1", kind: control, parent: "A.1", title: First, summary: The first control of the standard.}
  - {ref: "A.1.2", kind: control, parent: "A.1", title: Second, summary: The second control of the standard.}
  - {ref: "A.1.3", kind: control, parent: "A.1", title: Third, summary: The third control of the standard.}
"""

SET_HEADER = """\
mapping_set:
  id: {id}
  title: Test set
  source_framework: {source}
  target_framework: {target}
  creators: [tester]
  created: 2026-01-01
  description: A set written for the tests.
"""


def mapping(source: str, relation: str, target: str, strength: int = 8) -> str:
    return (
        f'  - source: "{source}"\n    target: "{target}"\n    relation: {relation}\n    strength: {strength}\n'
        f"    rationale_type: semantic\n    rationale: Written for a test with a known answer.\n"
    )


def write_set(
    tmp: Path, body: str, set_id: str = "std-law", source: str = "std", target: str = "law", *, extra: str = ""
) -> Path:
    path = tmp / f"{set_id}.yaml"
    path.write_text(SET_HEADER.format(id=set_id, source=source, target=target) + "mappings:\n" + body + extra)
    return path


def write_frameworks(tmp: Path) -> list[Path]:
    law, std = tmp / "law.yaml", tmp / "std.yaml"
    law.write_text(textwrap.dedent(LAW))
    std.write_text(textwrap.dedent(STANDARD))
    return [law, std]
