"""Recognising an input file and handing it to the right reader.

Each import format is one class implementing `ImportFormat` (a name, and `read(path, limits) → [(document,
parsed file)]`), listed in `IMPORT_FORMATS`: one file may hold several things (a CISO Assistant library holds
a framework and its mapping sets, an OSCAL mapping collection several mappings). The built-in readers return
the models a load knows (`DataFile`), so the load after them is one path; a new format is one new class, and
the loader takes extra ones (`graph.write.kinds`) — with a kind of its own when it brings a new model.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from core.errors import DataError, Problem
from loaders.applicability import RuleFile, parse_rules
from loaders.catalog import Catalog, parse_catalog
from loaders.inventory import Inventory, parse_inventory
from loaders.inventory_csv import AssetSheet
from loaders.limits import DEFAULT_LIMITS, InputLimits, check_json_shape, read_text
from loaders.mapping_set import MappingSetFile, parse_mapping_set
from loaders.timeline import Timeline, parse_timeline
from loaders.yaml_source import SourceDocument, read_yaml

DataFile = Catalog | MappingSetFile | Timeline | Inventory | RuleFile | AssetSheet
Parsed = list[tuple[SourceDocument, DataFile]]


class ImportFormat(Protocol):
    """One input format: what `aimsgraph import NAME` reads, and how."""

    @property
    def name(self) -> str: ...

    def read(self, path: Path, limits: InputLimits) -> Sequence[tuple[SourceDocument, object]]:
        """Everything the file holds, each with its document (for file, line and problems); DataError when
        the file breaks the format's rules."""
        ...


class OscalFormat:
    """OSCAL catalogs and mapping collections, from their JSON form."""

    name = "oscal"

    def read(self, path: Path, limits: InputLimits) -> Parsed:
        from loaders.oscal import read_oscal

        doc = _read_json(path, limits)
        if doc is None:
            raise DataError([Problem(str(path), "not JSON: OSCAL is imported from its JSON form")])
        return list(read_oscal(doc, limits))


class CisoAssistantFormat:
    """A CISO Assistant library (YAML): a framework and its requirement mapping sets."""

    name = "ciso-assistant"

    def read(self, path: Path, limits: InputLimits) -> Parsed:
        from loaders.ciso_assistant import read_library

        return read_library(read_yaml(path, limits), limits)


class SssomFormat:
    """A mapping set as SSSOM TSV."""

    name = "sssom"

    def read(self, path: Path, limits: InputLimits) -> Parsed:
        from loaders.sssom import read_sssom

        return [read_sssom(path, limits)]


class NativeFormat:
    """aimsgraph's own files (YAML or JSON; an asset sheet as CSV), each read as what it is."""

    name = "aimsgraph"

    def read(self, path: Path, limits: InputLimits) -> Parsed:
        return [read_data_file(path, limits)]


IMPORT_FORMATS: dict[str, ImportFormat] = {
    fmt.name: fmt for fmt in (OscalFormat(), CisoAssistantFormat(), SssomFormat(), NativeFormat())
}
"""`aimsgraph import FORMAT`: the built-in formats by name."""


def read_data_files(path: Path, limits: InputLimits = DEFAULT_LIMITS) -> Parsed:
    """Everything one file holds, read as what it looks like (`aimsgraph load`; `import` names its format)."""
    if path.suffix.lower() == ".json":
        fast = _read_json(path, limits)
        if (
            fast is not None
            and isinstance(fast.data, dict)
            and ("catalog" in fast.data or "mapping-collection" in fast.data)
        ):
            from loaders.oscal import read_oscal

            return list(read_oscal(fast, limits))
        if fast is not None:
            try:
                return [_dispatch(fast)]
            except DataError:
                pass  # read again as YAML below, for line numbers in the message
        return [_dispatch(read_yaml(path, limits))]
    if path.suffix.lower() in (".yaml", ".yml"):
        doc = read_yaml(path, limits)
        if isinstance(doc.data, dict) and "urn" in doc.data and "objects" in doc.data:
            from loaders.ciso_assistant import read_library

            return read_library(doc, limits)
        return [_dispatch(doc)]
    return [read_data_file(path, limits)]


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
                "an inventory `organisation` and `assets`, applicability rules `framework` and `applicability`; "
                "an OSCAL JSON file `catalog` or `mapping-collection`, a CISO Assistant library `urn` and `objects`",
            )
        ]
    )
