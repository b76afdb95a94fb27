"""The `aimsgraph` command line: thin commands over the service (the README's CLI tour is the contract).

With `--json` a command prints only JSON on stdout; messages and progress go to stderr. Exit codes: 0 ok,
1 a user or data error (the message says what and where), 2 a usage error (bad options or settings).
Data is never read as console markup: titles, summaries and error messages print exactly as they are, except
that a control character in them (an escape sequence) is shown as `\\xNN` rather than sent to the terminal.
"""

from __future__ import annotations

import datetime as dt
import functools
import getpass
import json
import re
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import ValidationError
from rich.text import Text

from api.channel import client as channel
from api.channel.address import remove_stale
from api.cli.progress import DelayedProgress
from core.errors import AimsgraphError, StoreBusyError
from core.safe_text import terminal_text
from graph.bootstrap import bootstrap
from graph.service import Answers, Service
from graph.settings import Settings
from graph.views.read import (
    DatesView,
    LoadReport,
    ProvisionView,
    WorkItemView,
    to_jsonable,
)
from graph.views.write import Actor

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

export_app = typer.Typer(
    help="Export the graph, a mapping set, or a document for another tool (OSCAL, CISO Assistant, spreadsheets).",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export")


class _DeferredConsole:
    """A rich console made on first use: a command that prints only JSON never imports rich's console
    (about 20 ms of a CLI call's start-up)."""

    def __init__(self, *, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def reset(self) -> None:
        self._console = None

    def real(self) -> Console:
        if self._console is None:
            self._console = _safe_console_class()(stderr=self._stderr, soft_wrap=self._stderr)
        return self._console

    def print(self, *objects: Any, **options: Any) -> None:
        self.real().print(*objects, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real(), name)


@functools.cache
def _safe_console_class() -> type[Console]:
    """A rich console that never sends a control character of the data to the terminal.

    rich drops BEL, CR and backspace from text but passes ESC and the C1 codes, so an asset named
    `\\x1b]0;pwned\\x07\\x1b[2J` would set the window title and clear the screen. Cells and messages are
    neutralised where they are made (`plain`, `text_cell`), where the layout can count them; this is the
    net under every print: any text segment still holding a control character is shown as `\\xNN`. The
    console's own styles and cursor moves are separate control segments and pass unchanged.
    """
    from rich.console import Console, ConsoleOptions, RenderableType
    from rich.segment import Segment

    class SafeConsole(Console):
        def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterator[Segment]:
            for segment in super().render(renderable, options):
                if segment.control is None and _CONTROL.search(segment.text):
                    yield Segment(terminal_text(segment.text, keep_newlines=True), segment.style)
                else:
                    yield segment

    return SafeConsole


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

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
    State.store = store
    out.reset()  # a fresh console per command: in-process runs each read their own COLUMNS
    err.reset()


def print_error(message: str) -> None:
    """One error on stderr; the message is data, never markup, and never a control sequence."""
    err.print(Text.assemble(("error:", "red"), " ", plain(message)), highlight=False)


def load_settings() -> Settings:
    """The settings, or a one-line error and exit 2 when the environment holds a bad one."""
    try:
        return Settings(store=State.store) if State.store is not None else Settings()
    except ValidationError as error:
        first = error.errors()[0]
        name = "AIMSGRAPH_" + "_".join(str(part) for part in first["loc"]).upper()
        print_error(f"invalid setting {name}={first.get('input')!r}: {first['msg']}")
        raise typer.Exit(2) from None


def _waiting(message: str) -> None:
    err.print(Text(message + " …"), highlight=False)


@contextmanager
def open_service(*, write: bool = False, fill_empty: bool = True) -> Iterator[Service]:
    """Open the store for one command, turning the service's errors into messages and exit code 1.

    Reading commands open it read-only, so they never stand in a writer's way.
    """
    settings = load_settings()
    service: Service | None = None
    try:
        with DelayedProgress(err.real) as progress:
            service = bootstrap(settings, write=write, fill_empty=fill_empty, progress=progress, on_wait=_waiting)
        yield service
    except AimsgraphError as error:
        print_error(str(error))
        raise typer.Exit(1) from None
    finally:
        if service is not None:
            service.close()


def cli_actor() -> Actor:
    """The CLI user, as the audit trail names who made a change."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Actor("cli", name=user)


def _writer(settings: Settings, fill_empty: bool) -> channel.Writes:
    """Where this command's change goes: the server holding the embedded store, when one answers on its write
    channel; else the store itself, held for this command.

    Why a loop: between a server taking the store's lock and opening its channel there is a moment when
    neither way is open; and a CLI load in progress holds the lock for a while. Both are waited for up to
    `lock_wait` seconds. A socket left by a killed server refuses connections at once, and is removed once
    this command holds the lock (then no server can be behind it).
    """
    store = settings.store_path
    direct = settings.model_copy(update={"lock_wait": 0.0})
    deadline = time.monotonic() + settings.lock_wait
    told = False
    while True:
        connection = channel.connect(store)
        if connection is not None:
            return channel.RemoteWrites(connection, cli_actor())
        try:
            with DelayedProgress(err.real) as progress:
                service = bootstrap(direct, write=True, fill_empty=fill_empty, progress=progress)
        except StoreBusyError:
            if time.monotonic() >= deadline:
                raise
            if not told:
                _waiting(f"waiting up to {settings.lock_wait:g} s for the store at {store}, held for writing elsewhere")
                told = True
            time.sleep(0.1)
            continue
        remove_stale(store)
        return service


@contextmanager
def open_writes(*, fill_empty: bool = True) -> Iterator[channel.Writes]:
    """The changes of one command (load, keys): sent to the server that holds the embedded store when one runs
    (through its write channel, so they print the same), else written directly. Errors as `open_service`."""
    settings = load_settings()
    if settings.store_uri is not None or settings.store_kind != "embedded":  # the server or process arbitrates
        with open_service(write=True, fill_empty=fill_empty) as service:
            yield service
        return
    writes: channel.Writes | None = None
    try:
        writes = _writer(settings, fill_empty)
        yield writes
    except AimsgraphError as error:
        print_error(str(error))
        raise typer.Exit(1) from None
    finally:
        if writes is not None:
            writes.close()


@contextmanager
def snapshot() -> Iterator[Answers]:
    """One snapshot of the graph for one command: every answer it prints comes from the same revision."""
    with open_service() as service:
        yield service.answers()


def print_json(data: Any) -> None:
    """Indented for a person at a terminal; compact into a pipe or file, where json's C encoder is several
    times faster (an asset's obligations: ~3 ms against ~18 ms)."""
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=indent) + "\n")


def iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def work_json(item: WorkItemView | None) -> dict[str, Any] | None:
    """A work item as the CLI's JSON names it (the GraphQL field names), wherever a command shows one."""
    if item is None:
        return None
    return {
        "iri": item.iri,
        "kind": item.kind,
        "assetId": item.asset,
        "framework": item.framework,
        "ref": item.ref,
        "assigneeId": item.assignee,
        "due": iso(item.due),
        "reviewCadence": item.review_cadence,
        "lastReviewed": iso(item.last_reviewed),
        "nextReview": iso(item.next_review),
        "status": item.status,
        "statusReason": item.status_reason,
        "statusChangedAt": item.status_changed_at.isoformat() if item.status_changed_at else None,
        "statusChangedBy": item.status_changed_by,
    }


def work_cell(items: Sequence[WorkItemView]) -> str:
    """Who, by when and where it stands, in one table cell ("" when no work is planned)."""
    return "; ".join(
        ", ".join(
            part
            for part in (w.assignee or "unassigned", f"due {iso(w.due)}" if w.due else "", w.status.replace("_", " "))
            if part
        )
        for w in items
    )


def provision_row(view: ProvisionView, dates: DatesView | None = None) -> dict[str, Any]:
    """A provision as JSON; with `dates`, `appliesFrom` is the law as it stands on the asked day."""
    return {
        "ref": view.ref,
        "title": view.title,
        "kind": view.kind,
        "parent": view.parent,
        "summary": view.summary,
        "addressees": list(view.addressees),
        "appliesFrom": iso(dates.applies_from if dates else view.applies_from),
        **({"usedIn": list(view.used_in)} if view.used_in else {}),
    }


def dates_json(dates: DatesView) -> dict[str, Any]:
    rule = dates.rule
    return {
        "scope": dates.scope,
        "asOf": dates.as_of.isoformat(),
        "appliesFrom": iso(dates.applies_from),
        "original": iso(dates.original),
        "amended": dates.amended,
        "inForce": dates.in_force,
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


def plain(text: str) -> Text:
    """Data as plain text for the terminal: a title holding `[deleted]` or `[/]` prints as written, and a
    control character (an escape sequence) is shown as `\\xNN`, never sent."""
    return Text(terminal_text(text, keep_newlines=True))


def text_cell(value: Cell) -> Text:
    """A table cell: data as plain text (`plain`)."""
    return value if isinstance(value, Text) else plain(value)


def make_table(title: str, columns: list[str], rows: list[list[Cell]]) -> Table:
    from rich.table import Table

    table = Table(title=Text(title), title_justify="left", show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(text_cell(value) for value in row))
    return table


def write_output(text: str, output: Path | None) -> None:
    """An export to a file, or to stdout; at a terminal its control characters are shown, not sent."""
    if output is None:
        sys.stdout.write(terminal_text(text, keep_newlines=True) if sys.stdout.isatty() else text)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(Text(f"wrote {output}"))


OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")]


def print_load_report(report: LoadReport, as_json: bool) -> None:
    """What a load did, for `load` and `import`: JSON on stdout, or one line (and any dropped mappings) on stderr."""
    if as_json:
        print_json(to_jsonable(report))
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
