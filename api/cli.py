"""The `aimsgraph` command line: thin commands over the service (the README's CLI tour is the contract).

With `--json` a command prints only JSON on stdout; messages and progress go to stderr. Exit codes: 0 ok,
1 a user or data error (the message says what and where), 2 a usage error (bad options or settings).
Data is never read as console markup: titles, summaries and error messages print exactly as they are.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import ValidationError
from rich.text import Text

from api.progress import DelayedProgress
from core.errors import AimsgraphError
from core.vocabulary import COVERAGE_STATUSES
from graph.bootstrap import bootstrap
from graph.service import DEFAULT_DEPTH, MAX_DEPTH, SEARCH_LIMIT, Answers, Service, inventory_schema
from graph.settings import Settings
from graph.views import (
    CrosswalkMatrix,
    DatesView,
    EvidenceMatch,
    MappingView,
    MatrixCell,
    ObligationView,
    ProvisionView,
    to_jsonable,
)

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

app = typer.Typer(
    name="aimsgraph",
    help="Map AI-governance frameworks to each other and to your assets.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


class _DeferredConsole:
    """A rich console made on first use: a command that prints only JSON never imports rich's console
    (about 20 ms of a CLI call's start-up)."""

    def __init__(self, *, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def real(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr, soft_wrap=self._stderr)
        return self._console

    def print(self, *objects: Any, **options: Any) -> None:
        self.real().print(*objects, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real(), name)


out = _DeferredConsole(stderr=False)
err = _DeferredConsole(stderr=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print only JSON on stdout.")]


class State:
    store: str | None = None


@app.callback()
def main_options(
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            help="Store directory, or a Neo4j server's bolt:// or neo4j:// URI "
            "(default: $AIMSGRAPH_STORE, else a per-user data directory).",
        ),
    ] = None,
) -> None:
    global out, err  # a fresh pair per command: in-process runs each read their own COLUMNS
    State.store = store
    out, err = _DeferredConsole(stderr=False), _DeferredConsole(stderr=True)


def _error(message: str) -> None:
    """One error on stderr; the message is data, never markup."""
    err.print(Text.assemble(("error:", "red"), " ", message), highlight=False)


def _settings() -> Settings:
    """The settings, or a one-line error and exit 2 when the environment holds a bad one."""
    try:
        return Settings(store=State.store) if State.store is not None else Settings()
    except ValidationError as error:
        first = error.errors()[0]
        name = "AIMSGRAPH_" + "_".join(str(part) for part in first["loc"]).upper()
        _error(f"invalid setting {name}={first.get('input')!r}: {first['msg']}")
        raise typer.Exit(2) from None


def _waiting(message: str) -> None:
    err.print(Text(message + " …"), highlight=False)


@contextmanager
def _service(*, write: bool = False, fill_empty: bool = True) -> Iterator[Service]:
    """Open the store for one command, turning the service's errors into messages and exit code 1.

    Reading commands open it read-only, so they never stand in a writer's way.
    """
    settings = _settings()
    service: Service | None = None
    try:
        with DelayedProgress(err.real) as progress:
            service = bootstrap(settings, write=write, fill_empty=fill_empty, progress=progress, on_wait=_waiting)
        yield service
    except AimsgraphError as error:
        _error(str(error))
        raise typer.Exit(1) from None
    finally:
        if service is not None:
            service.close()


@contextmanager
def _answers() -> Iterator[Answers]:
    """One snapshot of the graph for one command: every answer it prints comes from the same revision."""
    with _service() as service:
        yield service.answers()


def _print_json(data: Any) -> None:
    """Indented for a person at a terminal; compact into a pipe or file, where json's C encoder is several
    times faster (an asset's obligations: ~3 ms against ~18 ms)."""
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=indent) + "\n")


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _provision_row(view: ProvisionView, dates: DatesView | None = None) -> dict[str, Any]:
    """A provision as JSON; with `dates`, `applies_from` is the law as it stands on the asked day."""
    return {
        "ref": view.ref,
        "title": view.title,
        "kind": view.kind,
        "parent": view.parent,
        "summary": view.summary,
        "addressees": list(view.addressees),
        "applies_from": _iso(dates.applies_from if dates else view.applies_from),
        **({"used_in": list(view.used_in)} if view.used_in else {}),
    }


def _dates_json(dates: DatesView) -> dict[str, Any]:
    rule = dates.rule
    return {
        "scope": dates.scope,
        "as_of": dates.as_of.isoformat(),
        "applies_from": _iso(dates.applies_from),
        "original": _iso(dates.original),
        "amended": dates.amended,
        "in_force": dates.in_force,
        "basis": rule.basis if rule else None,
        "act": rule.act.id if rule else None,
        "note": rule.note if rule else None,
    }


SCOPE_NAMES = {"all": "all systems", "annex_i": "Annex I", "annex_iii": "Annex III"}
AsOfOption = Annotated[
    dt.datetime | None,
    typer.Option("--as-of", formats=["%Y-%m-%d"], help="The law as it stood on this day (default: today)."),
]
ScopeOption = Annotated[
    str,
    typer.Option(help="Dates for: all systems, or high-risk through annex_i (Art. 6(1)) or annex_iii (Art. 6(2))."),
]


Cell = str | Text


def _cell(value: Cell) -> Text:
    """Data as plain text: a title holding `[deleted]` or `[/]` prints as written."""
    return value if isinstance(value, Text) else Text(value)


def _table(title: str, columns: list[str], rows: list[list[Cell]]) -> Table:
    from rich.table import Table

    table = Table(title=Text(title), title_justify="left", show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(value) for value in row))
    return table


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
    with _service(write=True, fill_empty=not replace) as service, DelayedProgress(err.real) as progress:
        report = service.load(
            files or [],
            replace=replace,
            include_bundled=bundled,
            overwrite=overwrite,
            drop_dangling=drop_dangling,
            progress=progress,
        )
    if as_json:
        _print_json(to_jsonable(report))
        return
    if report.unchanged:
        err.print(Text(f"nothing to load: the store already holds these files' content (revision {report.revision})"))
        return
    loaded = (
        ", ".join(
            [
                *report.frameworks,
                *(f"{t} timeline" for t in report.timelines),
                *report.mapping_sets,
                *(f"organisation {o}" for o in report.organisations),
            ]
        )
        or "nothing"
    )
    err.print(
        Text(
            f"loaded {report.nodes} nodes ({loaded}) from {len(report.files)} file(s) in {report.seconds:.2f} s; "
            f"revision {report.revision}"
        )
    )
    if report.dropped:
        err.print(Text(f"removed {len(report.dropped)} mapping(s) that pointed at removed provisions:"))
        for line in report.dropped:
            err.print(Text(f"  {line}"))


@app.command()
def validate(
    files: Annotated[list[Path] | None, typer.Argument(help="Files to check; none checks the bundled data.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Check files against the schema and the SHACL shapes without loading them."""
    with _service() as service, DelayedProgress(err.real) as progress:
        problems = service.validate(files or None, progress)
    if as_json:
        _print_json({"valid": not problems, "problems": [to_jsonable(p) for p in problems]})
    else:
        for problem in problems:
            err.print(Text(str(problem)), highlight=False)
        err.print("valid" if not problems else f"{len(problems)} problem(s)")
    if problems:
        raise typer.Exit(1)


@app.command()
def frameworks(as_json: JsonOption = False) -> None:
    """The frameworks in the graph."""
    with _answers() as answers:
        views = answers.catalog.frameworks()
    if as_json:
        _print_json(
            [
                {
                    "id": f.id,
                    "name": f.name,
                    "title": f.title,
                    "version": f.version,
                    "issued": f.issued.isoformat(),
                    "binding": f.binding,
                    "provision_count": f.provision_count,
                }
                for f in views
            ]
        )
        return
    out.print(
        _table(
            "Frameworks",
            ["id", "name", "version", "issued", "provisions"],
            [[f.id, f.name, f.version, f.issued.isoformat(), str(f.provision_count)] for f in views],
        )
    )


@app.command()
def provisions(
    framework: Annotated[str, typer.Argument(help="Framework id, e.g. iso42001.")],
    kind: Annotated[str | None, typer.Option(help="Only this kind, e.g. control or article.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Every provision of a framework, in document order."""
    with _answers() as answers:
        views = answers.catalog.provisions(framework, kind)
        dates = [answers.catalog.dates(v) for v in views]
    if as_json:
        _print_json([_provision_row(v, d) for v, d in zip(views, dates, strict=True)])
        return
    out.print(
        _table(
            f"{framework}: {len(views)} provisions",
            ["ref", "kind", "title"],
            [[v.ref, v.kind, v.title or ""] for v in views],
        )
    )


@app.command()
def provision(
    framework: Annotated[str, typer.Argument(help="Framework id.")],
    ref: Annotated[str, typer.Argument(help="Ref as written, e.g. 'Article 9(2)', 'Art. 9(2)', 'a.5.1'.")],
    as_of: AsOfOption = None,
    scope: ScopeOption = "all",
    as_json: JsonOption = False,
) -> None:
    """One provision with its summary, parent, children and when it applies (as amended; the original too)."""
    day = as_of.date() if as_of else None
    with _answers() as answers:
        view = answers.catalog.provision(framework, ref)
        children = answers.catalog.children(view)
        dates = answers.catalog.dates(view, scope=scope, as_of=day)
        child_dates = [answers.catalog.dates(c, scope=scope, as_of=day) for c in children]
    if as_json:
        _print_json(
            {
                **_provision_row(view, dates),
                "framework": view.framework,
                "dates": _dates_json(dates),
                "children": [_provision_row(c, d) for c, d in zip(children, child_dates, strict=True)],
            }
        )
        return
    out.print(Text.assemble((f"{view.framework} {view.ref}", "bold"), f"  {view.title or ''}"), highlight=False)
    out.print(Text(f"kind: {view.kind}" + (f"   part of: {view.parent}" if view.parent else "")), highlight=False)
    if view.addressees:
        out.print(Text(f"binds: {', '.join(view.addressees)}"), highlight=False)
    if dates.applies_from:
        line = f"applies from: {dates.applies_from.isoformat()}"
        if dates.scope != "all":
            line += f" (for high-risk systems through {SCOPE_NAMES[dates.scope]})"
        if dates.rule:
            line += f" — {dates.rule.basis}"
        if dates.amended:
            line += f"; originally {_iso(dates.original)}"
        out.print(Text(line), highlight=False)
    if view.used_in:
        out.print(Text(f"used in: {', '.join(view.used_in)}"), highlight=False)
    if view.summary:
        out.print(Text(f"\n{view.summary}"), highlight=False)
    if children:
        out.print(
            _table(
                "\nContains",
                ["ref", "kind", "title / summary"],
                [[c.ref, c.kind, c.title or (c.summary or "")] for c in children],
            )
        )


@app.command()
def acts(
    framework: Annotated[str, typer.Argument(help="A law's framework id, e.g. eu-ai-act.")],
    as_json: JsonOption = False,
) -> None:
    """The law as first published and the acts that amended its dates: status, Official Journal, sources."""
    with _answers() as answers:
        found = answers.catalog.acts(framework)
    if as_json:
        _print_json([to_jsonable(a) for a in found])
        return
    out.print(
        _table(
            f"{framework}: the law and its amendments",
            ["act", "status", "in force", "Official Journal", "title"],
            [[a.id, a.status, _iso(a.in_force) or "", a.oj_reference or "", a.title] for a in found],
        )
    )
    for act in found:
        if act.uncertainty:
            out.print(Text(f"{act.id}: {act.uncertainty}"), highlight=False)


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="A ref or words from titles and summaries.")],
    framework: Annotated[str | None, typer.Option(help="Only this framework.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=SEARCH_LIMIT, help="Most results.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Find provisions by ref or by words in titles and summaries."""
    with _answers() as answers:
        views = answers.catalog.search(text, framework, limit)
    if as_json:
        _print_json([{"framework": v.framework, **_provision_row(v)} for v in views])
        return
    out.print(
        _table(
            f"{len(views)} match(es) for {text!r}",
            ["framework", "ref", "kind", "title"],
            [[v.framework, v.ref, v.kind, v.display_title] for v in views],
        )
    )


def _mapping_row(view: MappingView) -> dict[str, Any]:
    return {
        "source": view.source.ref,
        "source_framework": view.source.framework,
        "source_title": view.source.display_title,
        "target": view.target.ref if view.target else None,
        "target_framework": view.target_framework,
        "target_title": view.target.display_title if view.target else None,
        "relation": view.relation,
        "strength": view.strength,
        "rationale_type": view.rationale_type,
        "rationale": view.rationale,
        "provenance": {
            "mapping_set": view.mapping_set,
            "creators": list(view.creators),
            "created": view.created.isoformat() if view.created else None,
            "review_status": view.review_status,
            "authority": view.authority,
        },
        "inferred": view.inferred,
        "inverted": view.inverted,
        "harmonized_structure": view.harmonized,
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
    with _answers() as answers:
        views = answers.crosswalks.crosswalk(
            source, target, include_inferred=inferred, min_strength=min_strength, depth=depth
        )
        grid = answers.crosswalks.matrix(views) if matrix and not as_json else None
    if as_json:
        _print_json([_mapping_row(v) for v in views])
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
    out.print(_table(f"{source} → {target}: {len(views)} mapping(s)", CROSSWALK_COLUMNS, rows))


CROSSWALK_COLUMNS = ["source", "relation", "target", "str.", "from", "rationale"]


def _matrix_cell(cell: MatrixCell) -> Text:
    return Text(str(cell.count), style=RELATION_STYLE.get(cell.best or "", "")) if cell.count else Text("·")


def _matrix_table(title: str, grid: CrosswalkMatrix) -> Table:
    from rich.table import Table

    table = Table(title=Text(title), title_justify="left")
    table.add_column("source ↓ / target →")
    for column in grid.columns:
        table.add_column(Text(column), justify="right")
    for row, cells in zip(grid.rows, grid.cells, strict=True):
        table.add_row(Text(row), *[_matrix_cell(cell) for cell in cells])
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
            _error(f"cannot read {have_file}: {error}")
            raise typer.Exit(1) from None
        refs = [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]
    with _answers() as answers:
        if org is not None:
            result = answers.organisation.coverage(want, have=have, org=org, have_refs=refs, include_inferred=inferred)
        else:
            result = answers.crosswalks.coverage(want, have=have, have_refs=refs, include_inferred=inferred)
    if as_json:
        _print_json(
            {
                "have": result.have,
                "have_refs": list(result.have_refs),
                "want": result.want,
                **{
                    status: [
                        {
                            "ref": v.unit.ref,
                            "title": v.unit.display_title,
                            "because": [_mapping_row(m) for m in v.because],
                            "rests_on_expired": v.rests_on_expired,
                        }
                        for v in result.of(status)
                    ]
                    for status in COVERAGE_STATUSES
                },
                "ratio": round(result.ratio, 4),
                "reuse_ratio": round(result.reuse_ratio, 4),
                "reached_ratio": round(result.reached_ratio, 4),
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
    out.print(_table(title, ["ref", "title", "verdict", "best reason"], rows))
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


export_app = typer.Typer(help="Export the graph or mapping sets.", no_args_is_help=True)
app.add_typer(export_app, name="export")


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(Text(f"wrote {output}"))


OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")]


@export_app.command("graph")
def export_graph(
    rdf_format: Annotated[str, typer.Option("--format", help="turtle, json-ld or nt.")] = "turtle",
    output: OutputOption = None,
) -> None:
    """The whole graph as RDF; the output validates against the bundled SHACL shapes."""
    with _answers() as answers:
        text = answers.exports.graph(rdf_format)
    _write(text, output)


@export_app.command("mappings")
def export_mappings(
    mapping_set: Annotated[str, typer.Option("--set", help="Mapping set id (see `aimsgraph mapping-sets`).")],
    fmt: Annotated[str, typer.Option("--format", help="sssom (TSV) or skos (Turtle).")] = "sssom",
    output: OutputOption = None,
) -> None:
    """One mapping set as SSSOM TSV or SKOS Turtle; `aimsgraph load` reads the SSSOM back."""
    with _answers() as answers:
        text = answers.exports.mapping_set(mapping_set, fmt)
    _write(text, output)


@app.command("mapping-sets")
def mapping_sets(as_json: JsonOption = False) -> None:
    """The mapping sets in the graph, with their provenance."""
    with _answers() as answers:
        sets = answers.crosswalks.mapping_sets()
    if as_json:
        _print_json([to_jsonable(s) for s in sets])
        return
    out.print(
        _table(
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
OrgOption = Annotated[str | None, typer.Option("--org", help="Organisation id (default: the only one loaded).")]
STATUS_STYLE = {"valid": "green", "expiring": "yellow", "expired": "red", "missing": "red", "excluded": "dim"}


def _evidence_json(match: EvidenceMatch) -> dict[str, Any]:
    item = match.evidence
    return {
        "id": item.id,
        "title": item.title,
        "uri": item.uri,
        "sha256": item.sha256,
        "collected": item.collected.isoformat(),
        "valid_until": _iso(item.valid_until),
        "owner": item.owner,
        "status": match.status,
        "through": match.through,
    }


def _obligation_json(obligation: ObligationView) -> dict[str, Any]:
    provision = obligation.provision
    return {
        "framework": provision.framework,
        "ref": provision.ref,
        "title": provision.display_title,
        "addressee": obligation.addressee,
        "reasons": [
            {"rule": r.rule, "reason": r.reason, "role": r.role, "facts": list(r.facts), "annex_iii": list(r.annex_iii)}
            for r in obligation.reasons
        ],
        "evidence": [_evidence_json(m) for m in obligation.evidence],
        "status": obligation.status,
        "applies_from": _iso(obligation.dates.applies_from),
        "in_force": obligation.dates.in_force,
        "amended": obligation.dates.amended,
        "voluntary": obligation.voluntary,
        "organisation_wide": obligation.organisation_wide,
    }


@app.command()
def assets(org: OrgOption = None, as_json: JsonOption = False) -> None:
    """The organisation's assets: kind, owner, roles, facts and what each uses."""
    with _answers() as answers:
        found = answers.organisation.assets(org)
    if as_json:
        _print_json(
            [
                {
                    "id": a.id,
                    "kind": a.kind,
                    "name": a.name,
                    "owner": a.owner,
                    "roles": list(a.roles),
                    "facts": list(a.facts),
                    "annex_iii": list(a.annex_iii),
                    "in_scope": a.in_scope,
                    "uses": list(a.uses),
                }
                for a in found
            ]
        )
        return
    out.print(
        _table(
            f"{len(found)} assets",
            ["id", "kind", "name", "owner", "roles", "uses"],
            [[a.id, a.kind, a.name, a.owner, ", ".join(a.roles), ", ".join(a.uses)] for a in found],
        )
    )


@app.command()
def audit(
    asset: Annotated[str | None, typer.Option("--asset", help="Only changes to this asset.")] = None,
    org: Annotated[str | None, typer.Option("--org", help="Only changes in this organisation.")] = None,
    first: Annotated[int, typer.Option("--first", min=1, help="How many entries, newest first.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """The audit trail, newest first: who changed what through the API or the CLI, when, before and after."""
    with _service() as service:
        trail = service.audit_log(organisation=org, target=asset, kind="asset" if asset else None)
        total, entries = len(trail), list(trail[:first])
    if as_json:
        _print_json(
            [
                {
                    "id": e.id,
                    "sequence": e.sequence,
                    "recorded_at": e.recorded_at.isoformat(),
                    "actor": e.actor,
                    "actor_key": e.actor_key,
                    "operation": e.operation,
                    "organisation": e.organisation,
                    "kind": e.kind,
                    "target": e.target,
                    "before": json.loads(e.before),
                    "after": json.loads(e.after),
                    "request_id": e.request_id,
                }
                for e in entries
            ]
        )
        return
    out.print(
        _table(
            f"{len(entries)} of {total} audit entries, newest first",
            ["sequence", "recorded at", "actor", "operation", "what", "organisation"],
            [
                [
                    str(e.sequence),
                    e.recorded_at.isoformat(timespec="seconds"),
                    e.actor,
                    e.operation,
                    f"{e.kind} {e.target}",
                    e.organisation or "",
                ]
                for e in entries
            ],
        )
    )


@app.command()
def obligations(
    asset: Annotated[str, typer.Argument(help="Asset id (see `aimsgraph assets`).")],
    framework: Annotated[
        list[str] | None, typer.Option("--framework", help="Only this framework (repeatable).")
    ] = None,
    org: OrgOption = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """Which obligations an asset touches, why, from when, and what evidence covers each."""
    with _answers() as answers:
        found = answers.organisation.obligations(
            asset, org=org, frameworks=framework or (), as_of=as_of.date() if as_of else None
        )
    if as_json:
        rows = [_obligation_json(o) for o in found.obligations]
        rows += [
            {
                "framework": e.provision.framework,
                "ref": e.provision.ref,
                "title": e.provision.display_title,
                "status": "excluded",
                "justification": e.justification,
                "reasons": [],
                "evidence": [],
            }
            for e in found.excluded
        ]
        _print_json(rows)
        return
    table_rows: list[list[Cell]] = []
    for o in found.obligations:
        when = _iso(o.dates.applies_from) or ""
        if not o.dates.in_force:
            when += " (not yet)"
        first = o.reasons[0]
        why = first.reason if not first.facts else f"{first.reason} [{'; '.join(first.facts)}]"
        status = Text(o.status, style=STATUS_STYLE[o.status])
        table_rows.append([o.provision.framework, o.provision.ref, o.addressee, status, when, why])
    title = f"{found.asset.id} ({found.asset.kind}): {len(found.obligations)} obligations as of {found.as_of}"
    out.print(_table(title, ["framework", "ref", "addressee", "evidence", "applies from", "why"], table_rows))
    for e in found.excluded:
        out.print(Text(f"excluded by the SoA: {e.provision.framework} {e.provision.ref} — {e.justification}"))


@app.command()
def gaps(org: OrgOption = None, as_of: AsOfOption = None, as_json: JsonOption = False) -> None:
    """Binding obligations without valid evidence, by owner (those not yet in force say from when)."""
    with _answers() as answers:
        found = answers.organisation.gaps(org, as_of.date() if as_of else None)
    if as_json:
        by_owner: dict[str, list[dict[str, Any]]] = {}
        for gap in found:
            by_owner.setdefault(gap.owner, []).append(
                {
                    "framework": gap.provision.framework,
                    "ref": gap.provision.ref,
                    "title": gap.provision.display_title,
                    "status": gap.status,
                    "assets": list(gap.assets),
                    "applies_from": _iso(gap.applies_from),
                    "in_force": gap.in_force,
                    "expired_evidence": [m.evidence.id for m in gap.evidence if m.status == "expired"],
                }
            )
        _print_json(by_owner)
        return
    rows: list[list[Cell]] = [
        [
            g.owner,
            g.provision.framework,
            g.provision.ref,
            Text(g.status, style=STATUS_STYLE[g.status]),
            (_iso(g.applies_from) or "") + ("" if g.in_force else " (not yet)"),
            ", ".join(g.assets),
        ]
        for g in found
    ]
    out.print(_table(f"{len(found)} gaps", ["owner", "framework", "ref", "evidence", "applies from", "assets"], rows))


@app.command()
def soa(
    org: OrgOption = None,
    fmt: Annotated[str, typer.Option("--format", help="csv, json or md.")] = "md",
    as_of: AsOfOption = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """The ISO/IEC 42001 Statement of Applicability: every Annex A control, included or excluded and why."""
    with _answers() as answers:
        rows = answers.organisation.statement_of_applicability(org, as_of.date() if as_of else None)
        from api.soa import render_soa  # only this command renders an SoA

        text = render_soa(rows, fmt)
    _write(text, output)


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
        _error(f"unknown format {what!r}; known: inventory, graphql, settings")
        raise typer.Exit(2)
    _print_json(inventory_schema())


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Worker processes (default $AIMSGRAPH_WORKERS, else 1). 1 holds the store for writing and takes "
            "mutations; more open it read-only, follow the commits of CLI loads and refuse mutations.",
        ),
    ] = None,
) -> None:
    """Serve the GraphQL API at /graphql, with /healthz and /readyz."""
    import uvicorn

    from api.graphql.app import create_app
    from api.workers import serve_workers

    settings = _settings()
    workers = workers or settings.workers
    where = f"http://{host or settings.host}:{port or settings.port}/graphql"
    if workers == 1:
        with _service(write=True) as service:
            err.print(Text(f"aimsgraph: GraphQL on {where} (store: {settings.store_label}, held for writing)"))
            uvicorn.run(
                create_app(service, settings),
                host=host or settings.host,
                port=port or settings.port,
                log_level="info",
                access_log=False,  # the app logs each request as JSON, with its request id
            )
        return
    with _service(write=True):  # create and fill the store once, then let it go
        pass
    # The workers are new processes: they read the same settings from the environment.
    os.environ["AIMSGRAPH_STORE"] = str(settings.store)
    os.environ["AIMSGRAPH_WORKERS"] = str(workers)
    followers = "workers over" if settings.store_uri else "read-only workers following"  # Neo4j: all may write
    err.print(Text(f"aimsgraph: GraphQL on {where} ({workers} {followers} {settings.store_label})"))
    serve_workers(
        "api.graphql.app:follower_app", host=host or settings.host, port=port or settings.port, workers=workers
    )


from api import neo4j_commands  # noqa: E402 - registers `neo4j sync` and `report`, which use the helpers above

neo4j_commands.register(app)

from api.keys_commands import keys_app  # noqa: E402 — registered last; its commands import this module lazily

app.add_typer(keys_app, name="keys")


def main() -> None:
    """Console-script entry point."""
    command: Callable[[], Any] = app
    command()
