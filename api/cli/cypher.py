"""`aimsgraph neo4j sync` and `aimsgraph report`: thin commands over the service's Neo4j parts.

Credentials come from options or the environment (`AIMSGRAPH_NEO4J_USER`, `AIMSGRAPH_NEO4J_PASSWORD`,
`AIMSGRAPH_NEO4J_DATABASE`); nothing here prints them, and the service's messages name a server by scheme,
host and port only.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from api.cli.common import (
    Cell,
    JsonOption,
    app,
    err,
    load_settings,
    make_table,
    open_service,
    out,
    print_error,
    print_json,
)
from api.cli.progress import DelayedProgress
from core.errors import AimsgraphError
from graph.bootstrap import bootstrap
from graph.service import DevServerView, Service
from graph.settings import Settings, default_store_path, is_store_uri
from graph.views.read import to_jsonable

# The driver logs each retried transaction as a warning; a command's user gets one line when it finally fails.
logging.getLogger("neo4j").setLevel(logging.ERROR)

neo4j_app = typer.Typer(
    help="Work with a Neo4j database: sync the graph into it, or start a local one.", no_args_is_help=True
)
app.add_typer(neo4j_app, name="neo4j")

UserOption = Annotated[str | None, typer.Option("--user", envvar="AIMSGRAPH_NEO4J_USER", help="Neo4j user.")]
PasswordOption = Annotated[
    str | None,
    typer.Option(
        "--password", envvar="AIMSGRAPH_NEO4J_PASSWORD", help="Neo4j password (never shown).", show_default=False
    ),
]
DatabaseOption = Annotated[
    str | None,
    typer.Option("--database", envvar="AIMSGRAPH_NEO4J_DATABASE", help="Neo4j database (default: the server's)."),
]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


@neo4j_app.command("dev-server")
def dev_server(
    root: Annotated[
        Path | None,
        typer.Option("--root", help="Where its databases and password live (default: beside the default store)."),
    ] = None,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Bolt port on 127.0.0.1.")] = 7687,
    http_port: Annotated[
        int | None, typer.Option("--http-port", min=1, max=65535, help="ArcadeDB's HTTP port (default: a free one).")
    ] = None,
    database: Annotated[str, typer.Option("--database", help="The database to create and serve.")] = "aimsgraph",
    as_json: JsonOption = False,
) -> None:
    """A local Bolt server (ArcadeDB, Neo4j 5 compatible) for `neo4j sync`, `report` and `--store bolt://…`,
    until Ctrl-C. Needs the neo4j-dev extra: pip install 'aimsgraph[neo4j-dev]'."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    where = root or default_store_path().parent / "arcadedb"

    def ready(server: DevServerView) -> None:
        if as_json:
            print_json(to_jsonable(server))
            sys.stdout.flush()
            return
        env = (
            f"AIMSGRAPH_STORE={server.uri} AIMSGRAPH_NEO4J_USER={server.user} "
            f"AIMSGRAPH_NEO4J_PASSWORD={server.password} AIMSGRAPH_NEO4J_DATABASE={server.database}"
        )
        out.print(
            Text(
                f"Bolt server (ArcadeDB, Neo4j 5 compatible) on {server.uri}\n"
                f"  user {server.user}, password {server.password}, database {server.database}\n"
                f"  data and password in {server.root}\n"
                f"  for aimsgraph: export {env}\n"
                "Ctrl-C stops it."
            ),
            highlight=False,
        )

    try:
        Service.run_neo4j_dev_server(
            where, database=database, bolt_port=port, http_port=http_port, on_ready=ready, stop=stop
        )
    except AimsgraphError as error:
        print_error(str(error))
        raise typer.Exit(1) from None
    err.print(Text("dev server stopped"))


@neo4j_app.command("sync")
def sync(
    uri: Annotated[str, typer.Option("--uri", envvar="AIMSGRAPH_NEO4J_URI", help="bolt:// or neo4j:// URI.")],
    user: UserOption = None,
    password: PasswordOption = None,
    database: DatabaseOption = None,
    obligations: Annotated[
        bool, typer.Option("--obligations/--no-obligations", help="Also write each asset's obligations (SUBJECT_TO).")
    ] = True,
    as_json: JsonOption = False,
) -> None:
    """Copy the embedded store into a Neo4j database in one transaction: idempotent, removes what is gone."""
    _require_uri(uri)
    with open_service() as service:
        try:
            with DelayedProgress(err.real) as progress:
                report = service.sync_to_neo4j(
                    uri, user=user, password=password, database=database, obligations=obligations, progress=progress
                )
        except AimsgraphError as error:
            print_error(str(error))
            raise typer.Exit(1) from None
    if as_json:
        print_json(to_jsonable(report))
        return
    err.print(
        Text(
            f"synced {report.records} records into {report.target} ({report.server}) in {report.seconds:.1f} s: "
            f"{report.created} created, {report.updated} updated, {report.removed} removed, {report.unchanged} "
            f"unchanged; {report.links} links and {report.mappings} MAPS_TO written, {report.inferred} "
            f"INFERRED_MAPS_TO, {report.obligations} SUBJECT_TO and {report.coverage} COVERAGE derived (as of "
            f"{report.as_of}); revision {report.revision}"
        )
    )


@app.command("report")
def report(
    name: Annotated[str | None, typer.Argument(help="A bundled report (see --list) or a .cypher file.")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", help="A parameter as name=value (repeatable).")] = None,
    list_reports: Annotated[
        bool, typer.Option("--list", help="List the bundled reports and their parameters.")
    ] = False,
    uri: Annotated[
        str | None, typer.Option("--uri", help="Run on this Neo4j server (default: the --store, if it is one).")
    ] = None,
    user: UserOption = None,
    password: PasswordOption = None,
    database: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run a read-only Cypher report on a Neo4j store; a report that would write is refused before it runs."""
    if list_reports:
        _list(as_json)
        return
    if name is None:
        print_error("name a report, or pass --list")
        raise typer.Exit(2)
    try:
        chosen, params = Service.prepare_report(name, param or [])
    except AimsgraphError as error:
        print_error(str(error))
        raise typer.Exit(1) from None
    target = uri or load_settings().store_uri  # --uri, else the --store / $AIMSGRAPH_STORE if it is Neo4j
    if target is None:
        print_error("reports run on a Neo4j store: pass --uri bolt://… (or --store bolt://…)")
        raise typer.Exit(1)
    service = _open_uri(target, user, password, database)
    try:
        result = service.run_report(chosen, params)
    except AimsgraphError as error:
        print_error(str(error))
        raise typer.Exit(1) from None
    finally:
        service.close()
    rows = [_jsonable(row) for row in result.rows]
    if as_json:
        print_json(rows)
        return
    columns = list(result.columns)
    out.print(
        make_table(
            f"{chosen.name}: {len(rows)} rows ({result.seconds * 1000:.0f} ms)",
            columns,
            [[_cell(row.get(c)) for c in columns] for row in rows],
        )
    )


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _open_uri(uri: str, user: str | None, password: str | None, database: str | None) -> Service:
    """A service over the Neo4j database at `uri` (never filled from the bundled data)."""
    _require_uri(uri)
    settings = Settings(store=uri, neo4j_user=user, neo4j_password=password, neo4j_database=database)
    try:
        return bootstrap(settings, fill_empty=False)
    except AimsgraphError as error:
        print_error(str(error))
        raise typer.Exit(1) from None


def _require_uri(uri: str) -> None:
    if not is_store_uri(uri):
        print_error("--uri takes a Neo4j server's bolt:// or neo4j:// URI")
        raise typer.Exit(1)


def _list(as_json: bool) -> None:
    reports = Service.report_library()
    if as_json:
        print_json(
            [
                {
                    "name": r.name,
                    "question": r.question,
                    "description": r.description,
                    "params": [
                        {
                            "name": p.name,
                            "type": p.type,
                            "default": _jsonable(p.default),
                            "required": p.required,
                            "doc": p.doc,
                        }
                        for p in r.params
                    ],
                }
                for r in reports
            ]
        )
        return
    rows: list[list[Cell]] = []
    for r in reports:
        params = ", ".join(
            f"{p.name}:{p.type}" + ("" if p.required else f"={p.default if p.default is not None else 'null'}")
            for p in r.params
        )
        rows.append([r.name, params, r.question])
    out.print(make_table(f"{len(reports)} reports", ["name", "parameters", "question"], rows))
