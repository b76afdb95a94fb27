"""A bad file is rejected whole with file, line and reason, and the store keeps what it had."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.errors import DataError
from core.records import Node, Value
from core.vocabulary import Relation
from graph.service import Service
from graph.stores.embedded import EmbeddedStore
from graph.write.ingest import Ingest, RefResolver
from loaders.limits import InputLimits
from loaders.yaml_source import SourceDocument
from ontology.namespaces import AGID, framework_iri, provision_iri
from ontology.terms import RELATION_IRIS

HEADER = """\
framework:
  id: demo
  name: Demo
  title: A demo framework
  version: "1"
  issued: 2024-01-01
  publisher: aimsgraph tests
  source: written for the tests
  binding: false
provisions:
"""

GOOD_BODY = """\
  - ref: "1"
    kind: clause
    title: Scope
  - ref: "1.1"
    kind: control
    parent: "1"
    title: A control
    summary: Do the thing that this control asks for.
"""


def write(tmp_path: Path, body: str, name: str = "demo.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + textwrap.dedent(body))
    return path


def problems_of(service: Service, path: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        service.load([path])
    return [str(p) for p in caught.value.problems]


@pytest.fixture
def loaded(memory_service: Service, tmp_path: Path) -> Service:
    memory_service.load([write(tmp_path, GOOD_BODY, "good.yaml")], replace=True)
    return memory_service


def assert_unchanged(service: Service) -> None:
    assert [p.ref for p in service.answers().catalog.provisions("demo")] == ["1", "1.1"]


def test_a_good_file_loads(loaded: Service) -> None:
    assert_unchanged(loaded)
    assert loaded.answers().catalog.framework("demo").provision_count == 2


def test_yaml_syntax_error_names_the_line(loaded: Service, tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_BODY + '  - ref: "2\n    kind: clause\n')
    (problem,) = problems_of(loaded, path)
    assert problem.startswith(f"{path}:") and "YAML syntax error" in problem
    assert_unchanged(loaded)


def test_duplicate_ref_is_reported_with_both_lines(loaded: Service, tmp_path: Path) -> None:
    body = (
        GOOD_BODY
        + '  - ref: "1.1"\n    kind: control\n    parent: "1"\n    title: Again\n'
        + "    summary: Twice the same ref here.\n"
    )
    (problem,) = problems_of(loaded, write(tmp_path, body))
    assert ":19 [provisions → 2 → ref]: duplicate ref '1.1' (first at line 14)" in problem
    assert_unchanged(loaded)


def test_dangling_parent_and_unknown_kind_are_reported_at_their_lines(loaded: Service, tmp_path: Path) -> None:
    body = GOOD_BODY + (
        '  - ref: "2.1"\n    kind: control\n    parent: "2"\n    title: Orphan\n'
        "    summary: Its parent does not exist.\n"
        '  - ref: "3"\n    kind: paragraf\n    title: Typo\n'
    )
    problems = problems_of(loaded, write(tmp_path, body))
    assert len(problems) == 1 and "kind" in problems[0] and ":25" in problems[0]
    assert "got 'paragraf'" in problems[0]
    assert "'chapter'" in problems[0]  # the message lists the allowed kinds
    fixed = body.replace("paragraf", "clause")
    (problem,) = problems_of(loaded, write(tmp_path, fixed))
    assert "parent '2' of '2.1' does not exist" in problem and ":21" in problem
    assert_unchanged(loaded)


def test_parent_listed_after_child_is_explained(loaded: Service, tmp_path: Path) -> None:
    body = (
        '  - ref: "1.1"\n    kind: clause\n    parent: "1"\n    title: Child\n'
        '  - ref: "1"\n    kind: clause\n    title: Parent\n'
    )
    (problem,) = problems_of(loaded, write(tmp_path, body))
    assert "comes after its child" in problem


def test_unquoted_numeric_ref_gets_a_hint(loaded: Service, tmp_path: Path) -> None:
    (problem,) = problems_of(loaded, write(tmp_path, "  - ref: 4.1\n    kind: clause\n    title: Numbers\n"))
    assert "quote refs" in problem and ":11" in problem


def test_duplicate_yaml_key_is_not_silently_dropped(loaded: Service, tmp_path: Path) -> None:
    body = GOOD_BODY + '  - ref: "2"\n    kind: clause\n    title: One\n    title: Two\n'
    (problem,) = problems_of(loaded, write(tmp_path, body))
    assert "duplicate key 'title'" in problem and ":22" in problem


def test_missing_summary_on_a_control_is_refused(loaded: Service, tmp_path: Path) -> None:
    body = GOOD_BODY + '  - ref: "1.2"\n    kind: control\n    parent: "1"\n    title: No summary\n'
    (problem,) = problems_of(loaded, write(tmp_path, body))
    assert "needs a summary" in problem


def test_one_bad_file_rejects_the_whole_load(loaded: Service, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(HEADER.replace("id: demo", "id: other") + '  - ref: "1"\n    kind: clause\n    title: Fine\n')
    bad = write(tmp_path, '  - ref: "9"\n    kind: nonsense\n    title: Bad\n', "bad.yaml")
    with pytest.raises(DataError):
        loaded.load([other, bad])
    assert [f.id for f in loaded.answers().catalog.frameworks()] == ["demo"]
    assert_unchanged(loaded)


def test_not_a_catalog_and_missing_files_are_reported(loaded: Service, tmp_path: Path) -> None:
    stray = tmp_path / "stray.yaml"
    stray.write_text("- just\n- a list\n")
    problems = problems_of(loaded, stray)
    assert "not a file aimsgraph knows" in problems[0]
    assert "cannot read file" in problems_of(loaded, tmp_path / "missing.yaml")[0]


@dataclass(frozen=True)
class CraftedRecords:
    """A model of a test's own: records written as they are, none vouched for by a model of the product."""

    nodes: list[tuple[Node, int]]


class CraftedFormat:
    """A format of the test's own: each line `ref kind parent` (`-` for none) becomes a provision of `demo`, and
    `map SOURCE TARGET STRENGTH` a mapping of the bundled-style set `crafted` with that strength."""

    name = "crafted"

    def read(self, path: Path, limits: InputLimits) -> list[tuple[SourceDocument, object]]:
        nodes: list[tuple[Node, int]] = []
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            words = line.split()
            if words[0] == "map":
                nodes.append((_crafted_mapping(words[1], words[2], int(words[3])), number))
                continue
            ref, kind, parent = words
            links = {"IN_FRAMEWORK": (framework_iri("demo"),)}
            if parent != "-":
                links["PART_OF"] = (provision_iri(*parent.split(":")),)
            props: dict[str, Value] = {"ref": ref, "order": number + 2}
            if kind == "Clause":
                props["title"] = f"Crafted {ref}"
            nodes.append(
                (Node(id=provision_iri("demo", ref), labels=("Provision", kind), props=props, links=links), number)
            )
        return [(SourceDocument(file=str(path), data=None), CraftedRecords(nodes))]


def _crafted_mapping(source: str, target: str, strength: int) -> Node:
    return Node(
        id=f"{AGID}mapping/crafted/{source}-{target}",
        labels=("Mapping",),
        props={
            "strength": strength,
            "rationale_type": "semantic",
            "rationale": "Crafted for the test.",
            "review_status": "asserted",
        },
        links={
            "SOURCE": (provision_iri("demo", source),),
            "TARGET": (provision_iri("demo", target),),
            "RELATION": (RELATION_IRIS[Relation.INTERSECTS],),
            "IN_MAPPING_SET": (f"{AGID}mapping-set/crafted",),
        },
    )


class CraftedKind:
    model = CraftedRecords
    order = 1

    def defines(self, parsed: CraftedRecords) -> tuple[str, str]:
        return "crafted records", "demo"

    def add(self, ingest: Ingest, parsed: CraftedRecords, doc: SourceDocument, refs: RefResolver) -> None:
        for node, line in parsed.nodes:
            ingest.add(node, doc.file, line)  # not vouched: the shapes check them


def test_shacl_violation_is_reported_at_the_line_that_made_it(tmp_path: Path) -> None:
    """Records that no model vouches for and that break a shape (a parent in another framework, a clause
    without its title, an article without a summary, a mapping of strength 11) are refused, each at its line."""
    loaded = Service(EmbeddedStore.open(None), formats=[CraftedFormat()], kinds=[CraftedKind()])
    loaded.load([write(tmp_path, GOOD_BODY, "good.yaml")], replace=True)
    crafted = tmp_path / "crafted.txt"
    crafted.write_text("2 Clause elsewhere:1\n3 Article -\nmap 1 1.1 11\n")
    with pytest.raises(DataError) as caught:
        loaded.load([crafted], fmt="crafted")
    text = "\n".join(map(str, caught.value.problems))
    assert "crafted.txt:1" in text and "parent" in text
    assert "crafted.txt:2" in text and "needs its title" in text and "needs a summary" in text
    assert "crafted.txt:3" in text and "strength is an integer from 1 to 10" in text
    assert_unchanged(loaded)
    loaded.close()


def test_changing_a_loaded_framework_takes_overwrite_and_says_what_changes(loaded: Service, tmp_path: Path) -> None:
    smaller = write(tmp_path, '  - ref: "1"\n    kind: clause\n    title: Scope, revised\n')
    (problem,) = problems_of(loaded, smaller)
    assert "framework 'demo' is already in the store" in problem and "0 added, 1 removed, 1 changed" in problem
    assert_unchanged(loaded)
    loaded.load([smaller], overwrite=True)
    assert [(p.ref, p.title) for p in loaded.answers().catalog.provisions("demo")] == [("1", "Scope, revised")]
