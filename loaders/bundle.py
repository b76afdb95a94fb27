"""Which data ships with the product, and how any input file is recognised."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ontology.resources import catalog_paths, timeline_paths


def mapping_set_paths() -> list[Path]:
    """The curated crosswalks shipped in mappings/sets/."""
    return sorted(Path(str(resources.files("mappings").joinpath("sets"))).glob("*.yaml"))


def bundled_paths() -> list[Path]:
    """Everything an empty store is bootstrapped from: the catalogs, their timelines, then the mapping sets."""
    return catalog_paths() + timeline_paths() + mapping_set_paths()
