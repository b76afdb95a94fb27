"""A chain of `uses` thousands deep (issue 24's probe): obligations and gaps answer in memory linear in the
graph, in a child process under a memory cap. Before, a 10,000-deep chain made `obligations` take 844 MB
(every asset held a path as long as its depth) and `gaps` 218 s; 30,000 ended in a MemoryError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.memory import run_capped

pytestmark = [pytest.mark.slow, pytest.mark.integration]

SETUP = """
from pathlib import Path
from graph.service import Service
from graph.stores.embedded import EmbeddedStore
service = Service(EmbeddedStore.open(None))
service.load(include_bundled=True, replace=True)
service.load([Path(sys.argv[2])])
answers = service.answers().organisation
"""
WORK = """
top = answers.asset("a0", org="chain")
found = answers.obligations("a0", org="chain")
facts = answers.facts(top)
gaps = answers.gaps("chain") if sys.argv[3] == "gaps" else []
report(obligations=len(found.obligations), facts=facts, gaps=len(gaps),
       most_assets=max((len(g.assets) for g in gaps), default=0))
"""
GROWTH_MIB = 150  # what the answers may add to the loaded store; the quadratic paths took 844 MB at 10,000


def write_chain(tmp_path: Path, depth: int) -> Path:
    """a0 (an AI system) uses a1 uses … a{depth} (a dataset with personal data): the probe's shape."""
    assets: list[dict[str, object]] = [
        {
            "id": f"a{i}",
            "kind": "ai_system" if i == 0 else "model",
            "name": f"A{i}",
            "owner": "o",
            "roles": ["controller"],  # GDPR duties bind the chain (ISO binds only a declared management system)
            "uses": [f"a{i + 1}"],
        }
        for i in range(depth)
    ]
    assets[0]["kind"] = "ai_system"
    assets.append({"id": f"a{depth}", "kind": "dataset", "name": "Data", "owner": "o", "personal_data": True})
    path = tmp_path / "chain.json"
    path.write_text(json.dumps({"organisation": {"id": "chain", "name": "Chain"}, "assets": assets}))
    return path


@pytest.mark.parametrize(("depth", "what"), [(10_000, "gaps"), (30_000, "obligations")])
def test_a_deep_uses_chain_is_answered_in_bounded_memory(tmp_path: Path, depth: int, what: str) -> None:
    run = run_capped(SETUP, WORK, [str(write_chain(tmp_path, depth)), what], cap_mib=2048)
    assert run.returncode == 0 and run.result is not None, run.stderr  # no MemoryError
    result = run.result
    assert result["grew_mib"] < GROWTH_MIB, result["grew_mib"]
    (path,) = result["facts"]["personal_data"]
    assert path.startswith("a1 → a2 → ") and path.endswith(f"more) → a{depth}")
    if what == "gaps":
        assert result["gaps"] > 0 and result["most_assets"] <= depth + 1  # each asset named once per gap
