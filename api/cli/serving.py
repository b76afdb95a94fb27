"""`aimsgraph serve`: the GraphQL API over uvicorn, one process holding the store or several following it."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.text import Text

from api.cli.common import app, err, load_settings, open_service


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

    from api.cli.connections import GuardedH11Protocol, uvicorn_options
    from api.cli.workers import serve_workers
    from api.graphql.app import create_app

    settings = load_settings()
    workers = workers or settings.workers
    where = f"http://{host or settings.host}:{port or settings.port}/graphql"
    if workers == 1:
        with open_service(write=True) as service:
            err.print(Text(f"aimsgraph: GraphQL on {where} (store: {settings.store_label}, held for writing)"))
            GuardedH11Protocol.configure(
                settings.max_connections, settings.max_connections_per_client, settings.header_timeout
            )
            uvicorn.run(
                create_app(service, settings),
                host=host or settings.host,
                port=port or settings.port,
                log_level="info",
                access_log=False,  # the app logs each request as JSON, with its request id
                **uvicorn_options(settings),
            )
        return
    with open_service(write=True):  # create and fill the store once, then let it go
        pass
    # The workers are new processes: they read the same settings from the environment.
    os.environ["AIMSGRAPH_STORE"] = str(settings.store)
    os.environ["AIMSGRAPH_WORKERS"] = str(workers)
    followers = "workers over" if settings.store_uri else "read-only workers following"  # Neo4j: all may write
    err.print(Text(f"aimsgraph: GraphQL on {where} ({workers} {followers} {settings.store_label})"))
    serve_workers(
        "api.graphql.app:follower_app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        options=uvicorn_options(settings),
    )
