"""The `aimsgraph` command line: thin commands over the service (the README's CLI tour is the contract).

`common` holds what every command shares (the typer app, the consoles, opening the service, JSON and table
output, the shared options); each module beside it registers its commands on that app when imported, and
imports nothing from its siblings. Importing this package registers them all, in the order `--help` lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api.cli import catalog, crosswalks, cypher, files, interop, keys, organisation, serving, webhooks, work
from api.cli.common import app

__all__ = ["app", "main"]
_COMMAND_MODULES = (files, interop, catalog, crosswalks, organisation, serving, cypher, keys, webhooks, work)


def main() -> None:
    """Console-script entry point."""
    command: Callable[[], Any] = app
    command()
