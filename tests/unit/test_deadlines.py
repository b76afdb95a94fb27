"""A request's deadline stops the work inside any long field, not only `gaps` and inference (issue 24): an
asset's obligations over a generated organisation (its first walk down a long `uses` chain), a crosswalk, the
coverage of a framework by an organisation's controls, the Statement of Applicability, search, a spreadsheet
export and the whole graph's export each check it in their loops, and stop with TIMEOUT once it has passed;
without a deadline the same questions answer."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from core.deadlines import OperationTimeout, deadline
from graph.read.answers import Answers
from graph.service import Service
from graph.stores.embedded import EmbeddedStore

DEPTH = 2_000  # a generated organisation: an AI system on top of a chain of 2,000 models down to a dataset


def _generated(depth: int) -> dict[str, Any]:
    assets: list[dict[str, Any]] = [
        {"id": f"a{i}", "kind": "model", "name": f"A{i}", "owner": "o", "uses": [f"a{i + 1}"]} for i in range(depth)
    ]
    assets[0].update(kind="ai_system", roles=["provider", "controller"])
    assets.append({"id": f"a{depth}", "kind": "dataset", "name": "Data", "owner": "o", "personal_data": True})
    return {
        "organisation": {"id": "large", "name": "Large", "management_systems": [{"standard": "iso42001"}]},
        "assets": assets,
        "controls": [{"framework": "iso27001", "ref": "A.5.1", "status": "implemented"}],
    }


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    opened = Service(EmbeddedStore.open(None))
    opened.load(include_bundled=True, replace=True)
    inventory = tmp_path_factory.mktemp("large") / "large.json"
    inventory.write_text(json.dumps(_generated(DEPTH)))
    opened.load([inventory])
    yield opened
    opened.close()


FIELDS: dict[str, Callable[[Answers], object]] = {
    "obligations over a long uses chain": lambda a: a.organisation.obligations("a0", org="large"),
    "crosswalk": lambda a: a.crosswalks.crosswalk("iso42001", "eu-ai-act"),
    "coverage by the organisation's controls": lambda a: a.organisation.coverage(
        "iso42001", have="iso27001", org="large"
    ),
    "statement of applicability": lambda a: a.organisation.statement_of_applicability("large"),
    "search": lambda a: a.catalog.search("risk management"),
    "obligations spreadsheet": lambda a: a.interop.csv("obligations", org="large"),
    "whole-graph export": lambda a: a.exports.graph("nt"),
}


@pytest.mark.parametrize("field", FIELDS)
def test_a_passed_deadline_stops_the_field_with_timeout(service: Service, field: str) -> None:
    answers = Answers(service._store, Service(service._store).answers().snapshot)  # nothing worked out yet
    with deadline(0), pytest.raises(OperationTimeout) as stopped:
        FIELDS[field](answers)
    assert stopped.value.code == "TIMEOUT"


@pytest.mark.parametrize("field", ["obligations over a long uses chain", "crosswalk", "search"])
def test_without_a_deadline_the_same_field_answers(service: Service, field: str) -> None:
    assert FIELDS[field](service.answers())


def test_an_assets_obligations_take_in_facts_from_the_bottom_of_the_generated_chain(service: Service) -> None:
    facts = service.answers().organisation.facts(service.answers().organisation.asset("a0", "large"))
    assert "personal_data" in facts  # the chain is whole: the walk the deadline stops is a real one
