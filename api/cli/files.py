"""`aimsgraph load`, `validate` and `schema`: data files in, and the contracts (GraphQL schema, settings,
inventory JSON Schema) out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.progress import DelayedProgress
from graph.service import inventory_schema
from graph.views.read import (
    to_jsonable,
)

if TYPE_CHECKING:
    pass
from api.cli.common import (
    JsonOption,
    app,
    err,
    open_service,
    open_writes,
    plain,
    print_error,
    print_json,
    print_load_report,
)


@app.command()
def load(
    files: Annotated[list[Path] | None, typer.Argument(help="Data files; none loads the bundled data.")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Make these files the whole content.")] = False,
    bundled: Annotated[bool, typer.Option("--bundled", help="Load the bundled data as well as FILES.")] = False,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace frameworks and mapping sets already in the store.")
    ] = False,
    drop_dangling: Annotated[
        bool,
        typer.Option("--drop-dangling", help="Remove mappings that point at provisions this load removes."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Load data files in one transaction; an invalid file leaves the store as it was."""
    with open_writes(fill_empty=not replace) as service, DelayedProgress(err.real) as progress:
        report = service.load(
            files or [],
            replace=replace,
            include_bundled=bundled,
            overwrite=overwrite,
            drop_dangling=drop_dangling,
            progress=progress,
        )
    print_load_report(report, as_json)


@app.command()
def validate(
    files: Annotated[list[Path] | None, typer.Argument(help="Files to check; none checks the bundled data.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Check files against the schema and the SHACL shapes without loading them."""
    with open_service() as service, DelayedProgress(err.real) as progress:
        problems = service.validate(files or None, progress)
    if as_json:
        print_json({"valid": not problems, "problems": [to_jsonable(p) for p in problems]})
    else:
        for problem in problems:
            err.print(plain(str(problem)), highlight=False)
        err.print("valid" if not problems else f"{len(problems)} problem(s)")
    if problems:
        raise typer.Exit(1)


@app.command()
def schema(
    what: Annotated[
        str, typer.Argument(help="inventory (JSON Schema), graphql (SDL) or settings (Markdown).")
    ] = "inventory",
) -> None:
    """A contract other tools build against: the inventory's JSON Schema (docs/inventory.schema.json), the GraphQL
    schema (schema.graphql) or the settings table (README)."""
    if what == "graphql":
        from api.graphql.schema import sdl

        sys.stdout.write(sdl())
        return
    if what == "settings":
        from graph.settings import settings_markdown

        sys.stdout.write(settings_markdown())
        return
    if what != "inventory":
        print_error(f"unknown format {what!r}; known: inventory, graphql, settings")
        raise typer.Exit(2)
    print_json(inventory_schema())
