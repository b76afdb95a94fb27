"""`aimsgraph crosswalk`, `coverage`, `mapping-sets` and `export`: how the frameworks map to each other."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

from core.vocabulary import COVERAGE_STATUSES
from graph.service import DEFAULT_DEPTH, MAX_DEPTH
from graph.views.read import (
    CrosswalkMatrix,
    MappingView,
    MatrixCell,
    to_jsonable,
)

if TYPE_CHECKING:
    from rich.table import Table
from api.cli.common import (
    Cell,
    JsonOption,
    OutputOption,
    app,
    export_app,
    make_table,
    out,
    plain,
    print_error,
    print_json,
    snapshot,
    write_output,
)


def _mapping_row(view: MappingView) -> dict[str, Any]:
    return {
        "source": view.source.ref,
        "sourceFramework": view.source.framework,
        "sourceTitle": view.source.display_title,
        "target": view.target.ref if view.target else None,
        "targetFramework": view.target_framework,
        "targetTitle": view.target.display_title if view.target else None,
        "relation": view.relation,
        "strength": view.strength,
        "rationaleType": view.rationale_type,
        "rationale": view.rationale,
        "provenance": {
            "mappingSet": view.mapping_set,
            "creators": list(view.creators),
            "created": view.created.isoformat() if view.created else None,
            "reviewStatus": view.review_status,
            "authority": view.authority,
        },
        "inferred": view.inferred,
        "inverted": view.inverted,
        "harmonizedStructure": view.harmonized,
        "path": [f"{p.framework} {p.ref}" for p in view.path],
    }


RELATION_STYLE = {
    "equal": "bold green",
    "superset": "green",
    "subset": "yellow",
    "intersects": "cyan",
    "related": "dim",
    "no_relationship": "red",
}


@app.command()
def crosswalk(
    source: Annotated[str, typer.Argument(help="Source framework id.")],
    target: Annotated[str, typer.Argument(help="Target framework id.")],
    inferred: Annotated[bool, typer.Option("--inferred", help="Add mappings composed along paths.")] = False,
    min_strength: Annotated[int | None, typer.Option(min=1, max=10, help="Only mappings this strong.")] = None,
    depth: Annotated[int, typer.Option(min=1, max=MAX_DEPTH, help="Longest inference path, in hops.")] = DEFAULT_DEPTH,
    matrix: Annotated[bool, typer.Option("--matrix", help="Show a matrix of source × target groups.")] = False,
    as_json: JsonOption = False,
) -> None:
    """How the provisions of one framework relate to another's (read backwards where asserted the other way)."""
    with snapshot() as answers:
        views = answers.crosswalks.crosswalk(
            source, target, include_inferred=inferred, min_strength=min_strength, depth=depth
        )
        grid = answers.crosswalks.matrix(views) if matrix and not as_json else None
    if as_json:
        print_json([_mapping_row(v) for v in views])
        return
    if grid is not None:
        out.print(_matrix_table(f"{source} → {target}: mappings per group", grid))
        return
    rows: list[list[Cell]] = [
        [
            v.source.ref,
            Text(v.relation, style=RELATION_STYLE.get(v.relation, "")),
            v.target.ref if v.target else "(no counterpart)",
            str(v.strength or ""),
            ("inferred" if v.inferred else "inverse" if v.inverted else v.mapping_set),
            v.rationale,
        ]
        for v in views
    ]
    out.print(make_table(f"{source} → {target}: {len(views)} mapping(s)", CROSSWALK_COLUMNS, rows))


CROSSWALK_COLUMNS = ["source", "relation", "target", "str.", "from", "rationale"]


def _matrix_cell(cell: MatrixCell) -> Text:
    return Text(str(cell.count), style=RELATION_STYLE.get(cell.best or "", "")) if cell.count else Text("·")


def _matrix_table(title: str, grid: CrosswalkMatrix) -> Table:
    from rich.table import Table

    table = Table(title=Text(title), title_justify="left")
    table.add_column("source ↓ / target →")
    for column in grid.columns:
        table.add_column(plain(column), justify="right")
    for row, cells in zip(grid.rows, grid.cells, strict=True):
        table.add_row(plain(row), *[_matrix_cell(cell) for cell in cells])
    return table


@app.command()
def coverage(
    want: Annotated[str, typer.Option("--want", help="The framework to assess.")],
    have: Annotated[str, typer.Option("--have", help="The framework you implement.")],
    have_file: Annotated[
        Path | None,
        typer.Option("--have-file", help="Only these implemented refs of --have: one per line, # comments."),
    ] = None,
    inferred: Annotated[bool, typer.Option("--inferred", help="Count inferred mappings too.")] = False,
    org: Annotated[
        str | None,
        typer.Option("--org", help="What this organisation implements of --have (flags expired evidence)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """What of --want is covered, partial or uncovered by what you implement of --have — and why."""
    refs: list[str] = []
    if have_file is not None:
        try:
            lines = have_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            print_error(f"cannot read {have_file}: {error}")
            raise typer.Exit(1) from None
        refs = [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]
    with snapshot() as answers:
        if org is not None:
            result = answers.organisation.coverage(want, have=have, org=org, have_refs=refs, include_inferred=inferred)
        else:
            result = answers.crosswalks.coverage(want, have=have, have_refs=refs, include_inferred=inferred)
    if as_json:
        print_json(
            {
                "have": result.have,
                "haveRefs": list(result.have_refs),
                "want": result.want,
                **{
                    status: [
                        {
                            "ref": v.unit.ref,
                            "title": v.unit.display_title,
                            "because": [_mapping_row(m) for m in v.because],
                            "restsOnExpired": v.rests_on_expired,
                        }
                        for v in result.of(status)
                    ]
                    for status in COVERAGE_STATUSES
                },
                "ratio": round(result.ratio, 4),
                "reuseRatio": round(result.reuse_ratio, 4),
                "reachedRatio": round(result.reached_ratio, 4),
            }
        )
        return
    style = {"covered": "green", "reusable": "blue", "partial": "yellow", "uncovered": "red"}
    rows: list[list[Cell]] = []
    for verdict in result.verdicts:
        best = verdict.because[0] if verdict.because else None
        reason = f"{best.source.framework} {best.source.ref} {best.relation} ({best.strength})" if best else ""
        status = verdict.status + (" (expired evidence)" if verdict.rests_on_expired else "")
        rows.append([verdict.unit.ref, verdict.unit.display_title, Text(status, style=style[verdict.status]), reason])
    title = f"{result.want} as covered by {result.have}" + (f" ({len(refs)} refs)" if refs else "")
    out.print(make_table(title, ["ref", "title", "verdict", "best reason"], rows))
    counts = ", ".join(f"{status} {len(result.of(status))}" for status in COVERAGE_STATUSES)
    out.print(
        f"{counts} of {len(result.verdicts)}; covered {result.ratio:.1%}, covered or reusable "
        f"{result.reuse_ratio:.1%}, reached {result.reached_ratio:.1%}"
    )
    if result.of("reusable"):
        out.print(
            "reusable: the same ISO harmonized-structure requirement, met for your other management system; "
            "reuse that process and extend its scope"
        )


@export_app.command("graph")
def export_graph(
    rdf_format: Annotated[str, typer.Option("--format", help="turtle, json-ld or nt.")] = "turtle",
    output: OutputOption = None,
) -> None:
    """The whole graph as RDF; the output validates against the bundled SHACL shapes."""
    with snapshot() as answers:
        text = answers.exports.graph(rdf_format)
    write_output(text, output)


@export_app.command("mappings")
def export_mappings(
    mapping_set: Annotated[str, typer.Option("--set", help="Mapping set id (see `aimsgraph mapping-sets`).")],
    fmt: Annotated[str, typer.Option("--format", help="sssom (TSV) or skos (Turtle).")] = "sssom",
    output: OutputOption = None,
) -> None:
    """One mapping set as SSSOM TSV or SKOS Turtle; `aimsgraph load` reads the SSSOM back."""
    with snapshot() as answers:
        text = answers.exports.mapping_set(mapping_set, fmt)
    write_output(text, output)


@app.command("mapping-sets")
def mapping_sets(as_json: JsonOption = False) -> None:
    """The mapping sets in the graph, with their provenance."""
    with snapshot() as answers:
        sets = answers.crosswalks.mapping_sets()
    if as_json:
        print_json([to_jsonable(s) for s in sets])
        return
    out.print(
        make_table(
            "Mapping sets",
            ["id", "source → target", "mappings", "no counterpart", "by", "authority"],
            [
                [
                    s.id,
                    f"{s.source_framework} → {s.target_framework}",
                    str(s.mapping_count),
                    str(s.no_counterpart_count),
                    ", ".join(s.creators),
                    s.authority or "",
                ]
                for s in sets
            ],
        )
    )


# -- the organisation ------------------------------------------------------------------------------------------
