"""Which data ships with the product, and how any input file is recognised."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ontology.resources import applicability_paths, catalog_paths, timeline_paths


def mapping_set_paths() -> list[Path]:
    """The curated crosswalks shipped in mappings/sets/."""
    return sorted(Path(str(resources.files("mappings").joinpath("sets"))).glob("*.yaml"))


def demo_paths() -> list[Path]:
    """The bundled demo organisation, so a new user sees real answers at once."""
    return sorted(Path(str(resources.files("loaders").joinpath("demo"))).glob("*.yaml"))


def bundled_paths() -> list[Path]:
    """Everything an empty store is bootstrapped from: catalogs, timelines, applicability rules, mapping sets and
    the demo organisation."""
    return catalog_paths() + timeline_paths() + applicability_paths() + mapping_set_paths() + demo_paths()
