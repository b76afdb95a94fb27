"""Recognising an input file and handing it to the right reader."""

from __future__ import annotations

import json
from pathlib import Path

from core.errors import DataError
from loaders.applicability import RuleFile, parse_rules
from loaders.catalog import Catalog, parse_catalog
from loaders.inventory import Inventory, parse_inventory
from loaders.inventory_csv import AssetSheet
from loaders.limits import DEFAULT_LIMITS, InputLimits, check_json_shape, read_text
from loaders.mapping_set import MappingSetFile, parse_mapping_set
from loaders.timeline import Timeline, parse_timeline
from loaders.yaml_source import SourceDocument, read_yaml

DataFile = Catalog | MappingSetFile | Timeline | Inventory | RuleFile | AssetSheet


def read_data_file(path: Path, limits: InputLimits = DEFAULT_LIMITS) -> tuple[SourceDocument, DataFile]:
    """Read one file as whatever it is (a catalog, a timeline, a mapping set in YAML or SSSOM TSV)."""
    if path.suffix.lower() == ".csv":
        from loaders.inventory_csv import read_assets_csv

        return read_assets_csv(path, limits)
    if path.suffix.lower() in (".tsv", ".sssom"):
        from loaders.sssom import read_sssom

        return read_sssom(path, limits)
    if path.suffix.lower() == ".json":
        fast = _read_json(path, limits)
        if fast is not None:
            try:
                return _dispatch(fast)
            except DataError:
                pass  # read again as YAML (JSON is YAML): the same data, with line numbers for the message
    return _dispatch(read_yaml(path, limits))


def _read_json(path: Path, limits: InputLimits) -> SourceDocument | None:
    """A JSON file parsed by the json module: 40 MB in under a second, where YAML takes a minute.

    None when the json module cannot read it, or when an object repeats a key (json keeps the last value
    silently): the YAML reader then says where. A list too long is refused here, before validation."""
    try:
        data = json.loads(read_text(path, limits), object_pairs_hook=_unique_keys)
    except (ValueError, RecursionError):
        return None
    check_json_shape(data, str(path), limits)
    return SourceDocument(file=str(path), data=data, max_problems=limits.max_problems)


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise ValueError("a repeated key")  # read again as YAML, which names the key and its lines
    return found


def _dispatch(doc: SourceDocument) -> tuple[SourceDocument, DataFile]:
    if isinstance(doc.data, dict) and "applicability" in doc.data:
        return doc, parse_rules(doc)
    if isinstance(doc.data, dict) and "organisation" in doc.data:
        return doc, parse_inventory(doc)
    if isinstance(doc.data, dict) and "rules" in doc.data and "acts" in doc.data:
        return doc, parse_timeline(doc)
    if isinstance(doc.data, dict) and "framework" in doc.data:
        return doc, parse_catalog(doc)
    if isinstance(doc.data, dict) and "mapping_set" in doc.data:
        return doc, parse_mapping_set(doc)
    raise DataError(
        [
            doc.problem(
                (),
                "not a file aimsgraph knows: a catalog has top-level `framework` and `provisions`, "
                "a mapping set `mapping_set` and `mappings`, a timeline `acts` and `rules`, "
                "an inventory `organisation` and `assets`, applicability rules `framework` and `applicability`",
            )
        ]
    )
