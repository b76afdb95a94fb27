"""`aimsgraph import FORMAT FILE…` and `aimsgraph export oscal|ciso-assistant|csv|xlsx …`: other tools' formats
in and out (docs/interop.md). `load` and `export graph|mappings` stay as they are."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import (
    JsonOption,
    OutputOption,
    app,
    err,
    export_app,
    open_service,
    open_writes,
    print_error,
    print_load_report,
    snapshot,
    write_output,
)
from api.cli.progress import DelayedProgress

IMPORT_FORMATS = ("oscal", "ciso-assistant", "sssom", "aimsgraph")
OSCAL_DOCUMENTS = ("catalog", "mapping-collection", "profile", "component-definition")
SHEETS = ("matrix", "crosswalk", "coverage", "obligations", "gaps", "soa")

OrgOption = Annotated[str | None, typer.Option("--org", help="Organisation id (default: the only one).")]


@app.command("import")
def import_files(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help="oscal, ciso-assistant, sssom or aimsgraph (YAML).")],
    files: Annotated[list[Path], typer.Argument(help="Files in that format.")],
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace frameworks and mapping sets already in the store.")
    ] = False,
    drop_dangling: Annotated[
        bool,
        typer.Option("--drop-dangling", help="Remove mappings that point at provisions this import removes."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Import frameworks and mapping sets written by another tool, in one transaction: a file that breaks its
    format's rules, names unknown controls or repeats an id leaves the store as it was."""
    if fmt not in IMPORT_FORMATS:
        print_error(f"unknown import format {fmt!r}; choose one of {', '.join(IMPORT_FORMATS)}")
        raise typer.Exit(2)
    with open_writes() as writes, DelayedProgress(err.real) as progress:
        report = writes.load(files, overwrite=overwrite, drop_dangling=drop_dangling, progress=progress, fmt=fmt)
    print_load_report(report, as_json)


@export_app.command("oscal")
def export_oscal(
    document: Annotated[str, typer.Argument(help="catalog, mapping-collection, profile or component-definition.")],
    subject: Annotated[
        str | None,
        typer.Argument(help="The framework (catalog, component-definition) or mapping set (mapping-collection)."),
    ] = None,
    org: OrgOption = None,
    output: OutputOption = None,
) -> None:
    """An OSCAL 1.2 JSON document: a framework as a catalog, a mapping set as a mapping collection, the
    organisation's SoA as a profile, its implemented controls and evidence as a component definition."""
    if document not in OSCAL_DOCUMENTS:
        print_error(f"unknown OSCAL document {document!r}; choose one of {', '.join(OSCAL_DOCUMENTS)}")
        raise typer.Exit(2)
    if subject is None and document in ("catalog", "mapping-collection"):
        print_error(f"say which {'framework' if document == 'catalog' else 'mapping set'} to export")
        raise typer.Exit(2)
    with snapshot() as answers:
        text = answers.interop.oscal(document, subject or "iso42001", org)
    write_output(text, output)


@export_app.command("ciso-assistant")
def export_ciso_assistant(
    subject: Annotated[str, typer.Argument(help="A framework id, or a mapping set id (see `mapping-sets`).")],
    output: OutputOption = None,
) -> None:
    """A CISO Assistant library (YAML): a framework with its requirement nodes, or a mapping set as requirement
    mappings that depend on the two framework libraries."""
    with snapshot() as answers:
        text = answers.interop.ciso_assistant(subject)
    write_output(text, output)


def _sheet_options(what: str) -> None:
    if what not in SHEETS:
        print_error(f"unknown sheet {what!r}; choose one of {', '.join(SHEETS)}")
        raise typer.Exit(2)


SheetArgument = Annotated[str, typer.Argument(help="matrix, crosswalk, coverage, obligations, gaps or soa.")]
SourceOption = Annotated[
    str | None, typer.Option("--from", help="Source framework (crosswalk, coverage: the one you have).")
]
TargetOption = Annotated[str | None, typer.Option("--to", help="Target framework (crosswalk, coverage).")]


@export_app.command("csv")
def export_csv(
    what: SheetArgument,
    source: SourceOption = None,
    target: TargetOption = None,
    org: OrgOption = None,
    output: OutputOption = None,
) -> None:
    """One table as CSV for a spreadsheet; cells that a spreadsheet would run as a formula are neutralised."""
    _sheet_options(what)
    with snapshot() as answers:
        text = answers.interop.csv(what, source=source, target=target, org=org)
    write_output(text, output)


@export_app.command("xlsx")
def export_xlsx(
    what: Annotated[
        list[str] | None, typer.Argument(help="Sheets to include (default: every one that applies).")
    ] = None,
    source: SourceOption = None,
    target: TargetOption = None,
    org: OrgOption = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="The .xlsx file to write.")] = Path("aimsgraph.xlsx"),
) -> None:
    """A workbook for an auditor: one worksheet per table (matrix, crosswalk, coverage, obligations, gaps, soa)."""
    for name in what or []:
        _sheet_options(name)
    with snapshot() as answers:
        data = answers.interop.xlsx(list(what or SHEETS), source=source, target=target, org=org)
    output.write_bytes(data)
    err.print(f"wrote {output}")


__all__ = ["export_ciso_assistant", "export_csv", "export_oscal", "export_xlsx", "import_files", "open_service"]
