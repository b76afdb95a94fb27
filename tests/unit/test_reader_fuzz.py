"""Property-based fuzzing of every reader: whatever the bytes, a reader returns a model or raises DataError.

Budgets are bounded so the suite stays fast; a failure prints the smallest input hypothesis found.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DataError
from loaders.files import read_data_file
from loaders.mapping_set import MappingSetFile
from loaders.sssom import read_sssom, write_sssom

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.dates(),
)
json_like = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=30,
)


def read(name: str, content: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        try:
            read_data_file(path)
        except DataError as error:
            assert error.problems and all(p.file == str(path) for p in error.problems)


@FUZZ
@given(st.text(max_size=400))
def test_any_text_as_yaml_gives_a_model_or_a_data_error(text: str) -> None:
    read("input.yaml", text)


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes_as_yaml_or_sssom_give_a_model_or_a_data_error(data: bytes) -> None:
    read("input.yaml", data)
    read("input.sssom.tsv", data)


@FUZZ
@given(json_like, json_like)
def test_catalog_shaped_documents_give_a_model_or_a_data_error(header: Any, provisions: Any) -> None:
    read("catalog.yaml", yaml.safe_dump({"framework": header, "provisions": provisions}))


@FUZZ
@given(json_like, json_like, json_like)
def test_mapping_set_shaped_documents_give_a_model_or_a_data_error(header: Any, mappings: Any, absent: Any) -> None:
    read("set.yaml", yaml.safe_dump({"mapping_set": header, "mappings": mappings, "no_counterpart": absent}))


@FUZZ
@given(st.dictionaries(st.text(max_size=15), json_like, max_size=6), st.text(max_size=300))
def test_sssom_with_any_header_and_body_gives_a_model_or_a_data_error(header: dict[str, Any], body: str) -> None:
    meta = "".join(f"# {line}\n" for line in yaml.safe_dump(header).splitlines())
    read("set.sssom.tsv", meta + "subject_id\tpredicate_id\tobject_id\tcomment\n" + body)


rationales = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=10, max_size=200
).filter(lambda t: len(t.strip()) >= 10)


@FUZZ
@given(rationales)
def test_an_sssom_round_trip_keeps_every_character_of_a_rationale(rationale: str) -> None:
    """Line breaks, U+2028, U+0085, vertical tabs: whatever the rationale holds comes back unchanged."""
    original = MappingSetFile.model_validate(
        {
            "mapping_set": {
                "id": "fuzz",
                "title": "Fuzzed set",
                "source_framework": "iso42001",
                "target_framework": "iso27001",
                "creators": ["hypothesis"],
                "created": dt.date(2026, 1, 1),
                "description": "A set written by the fuzz test.",
            },
            "mappings": [
                {
                    "source": "4.1",
                    "target": "4.1",
                    "relation": "intersects",
                    "strength": 5,
                    "rationale_type": "semantic",
                    "rationale": rationale,
                }
            ],
            "no_counterpart": [{"source": "A.5.2", "rationale": rationale}],
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.sssom.tsv"
        path.write_text(write_sssom(original, {}), encoding="utf-8")
        _, again = read_sssom(path)
    assert again.mappings[0].rationale == original.mappings[0].rationale
    assert again.no_counterpart[0].rationale == original.no_counterpart[0].rationale


@FUZZ
@given(json_like, st.lists(json_like, max_size=4), st.lists(json_like, max_size=3), st.lists(json_like, max_size=3))
def test_inventory_shaped_documents_give_a_model_or_a_data_error(
    organisation: Any, assets: Any, controls: Any, evidence: Any
) -> None:
    read(
        "inventory.yaml",
        yaml.safe_dump({"organisation": organisation, "assets": assets, "controls": controls, "evidence": evidence}),
    )


@FUZZ
@given(st.lists(st.dictionaries(st.sampled_from(["id", "uses", "kind", "name", "owner"]), json_like), max_size=5))
def test_inventories_with_odd_asset_entries_give_a_model_or_a_data_error(assets: list[dict[str, Any]]) -> None:
    read("inventory.yaml", yaml.safe_dump({"organisation": {"id": "o", "name": "O"}, "assets": assets}))


@FUZZ
@given(json_like, st.lists(json_like, max_size=3))
def test_rule_shaped_documents_give_a_model_or_a_data_error(framework: Any, rules: Any) -> None:
    read("rules.yaml", yaml.safe_dump({"framework": framework, "applicability": rules}))
