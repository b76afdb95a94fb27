"""One coverage definition: the CLI (`aimsgraph coverage --org`), GraphQL (`coverage(organisation:)`) and the
Cypher `coverage` report (the verdicts the sync writes as COVERAGE relationships) give the same verdict for
every unit, on every ordered pair of frameworks, for the demo organisation. Before the sync wrote the engine's
verdicts, the bundled report defined coverage itself and said 12 Annex A controls were uncovered where the CLI
said 9."""

from __future__ import annotations

import json
from typing import Any

import pytest

from api.graphql.schema import build_schema
from core.vocabulary import COVERAGE_STATUSES
from graph.service import Service
from graph.settings import Settings
from tests.conftest import Cli
from tests.support.fixtures import DemoDatabase
from tests.support.graphql import execute

pytestmark = pytest.mark.integration

QUERY = """
query ($have: String!, $want: String!) {
  coverage(have: $have, want: $want, organisation: "northwind") {
    covered { provision { ref } } reusable { provision { ref } } partial { provision { ref } }
    uncovered { provision { ref } }
  }
}
"""


def test_the_cli_graphql_and_the_cypher_report_agree_on_every_framework_pair(
    seeded_cli: Cli, neo4j_demo: DemoDatabase, bundled: Service
) -> None:
    frameworks = [f.id for f in bundled.answers().catalog.frameworks()]
    schema = build_schema(Settings())
    store = neo4j_demo.open()
    report = (
        "MATCH (o:Organisation {id: 'northwind'})-[v:COVERAGE]->(u:Provision) "
        "RETURN v.have AS have, v.want AS want, u.ref AS ref, v.status AS status"
    )
    cypher: dict[tuple[str, str], dict[str, str]] = {}
    for row in store.query(report):
        cypher.setdefault((row["have"], row["want"]), {})[row["ref"]] = row["status"]
    store.close()
    compared = 0
    for have in frameworks:
        for want in frameworks:
            if have == want:
                continue
            result = seeded_cli.run("coverage", "--want", want, "--have", have, "--org", "northwind", "--json")
            if result.returncode != 0:
                # the organisation records no control of `have`: no verdicts anywhere
                assert "records no implemented" in result.stderr
                assert (have, want) not in cypher
                continue
            cli = {v["ref"]: status for status in COVERAGE_STATUSES for v in json.loads(result.stdout)[status]}
            answer: Any = execute(schema, bundled, Settings(), QUERY, have=have, want=want)
            assert answer.errors is None, answer.errors
            graphql = {
                v["provision"]["ref"]: status for status in COVERAGE_STATUSES for v in answer.data["coverage"][status]
            }
            assert cli == graphql == cypher.get((have, want)), (have, want)
            compared += 1
    assert compared >= 8  # the demo implements 27001 and 42001 controls: each against the five others
    annex_a = cypher[("iso27001", "iso42001")]
    assert annex_a["A.5.3"] == "uncovered"  # documenting impact assessments: no 27001 control reaches it
