"""Access to the Turtle files and catalogs shipped inside the package."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import rdflib


def _package_path(*parts: str) -> Path:
    return Path(str(resources.files("ontology").joinpath(*parts)))


def vocabulary_path() -> Path:
    return _package_path("aimsgraph.ttl")


def shapes_path() -> Path:
    return _package_path("shapes.ttl")


def applicability_paths() -> list[Path]:
    """The rules that say when each bundled framework's provisions apply to an asset."""
    return sorted(_package_path("applicability").glob("*.yaml"))


def timeline_paths() -> list[Path]:
    """When the provisions of the bundled laws apply, and the amendments that moved those dates."""
    return sorted(_package_path("timeline").glob("*.yaml"))


def catalog_paths() -> list[Path]:
    """The bundled framework catalogs, in a stable order."""
    return sorted(_package_path("catalogs").glob("*.yaml"))


@cache
def vocabulary_graph() -> rdflib.Graph:
    import rdflib

    return rdflib.Graph().parse(vocabulary_path(), format="turtle")


@cache
def shapes_graph() -> rdflib.Graph:
    import rdflib

    return rdflib.Graph().parse(shapes_path(), format="turtle")
