"""Which data ships with the product, and how any input file is recognised."""

from __future__ import annotations

from pathlib import Path

from ontology.resources import catalog_paths


def bundled_paths() -> list[Path]:
    """Everything an empty store is bootstrapped from, in load order."""
    return catalog_paths()
