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
            help="Worker processes (default $AIMSGRAPH_WORKERS, else 1). 1 holds the store for writing, takes "
            "mutations and the CLI's changes; more read the store's newest checkpoint, follow the writer's commits "
            "and refuse mutations.",
        ),
    ] = None,
) -> None:
    """Serve the explorer at /, the GraphQL API at /graphql (GraphiQL in a browser), /healthz and /readyz."""
    import uvicorn

    from api.channel.server import serve_channel
    from api.cli.connections import GuardedH11Protocol, uvicorn_options
    from api.cli.workers import serve_workers
    from api.graphql.app import create_app, prepare_to_serve

    settings = load_settings()
    workers = workers or settings.workers
    root = f"http://{host or settings.host}:{port or settings.port}"
    where = f"{root}/ (the explorer), GraphQL at {root}/graphql"
    if workers == 1:
        # The embedded store's CLI changes come to this process through its write channel (`api.channel`).
        channel_at = settings.store_path if settings.store_uri is None and settings.store_kind == "embedded" else None
        with open_service(write=True) as service, serve_channel(service, channel_at):
            prepare_to_serve(service)
            err.print(Text(f"aimsgraph: serving {where} (store: {settings.store_label}, held for writing)"))
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
    with open_service():  # a read: an empty store is filled once; beside a running server, nothing is taken
        pass
    # The workers are new processes: they read the same settings from the environment.
    os.environ["AIMSGRAPH_STORE"] = str(settings.store)
    os.environ["AIMSGRAPH_WORKERS"] = str(workers)
    followers = "workers over" if settings.store_uri else "read-only workers following"  # Neo4j: all may write
    err.print(Text(f"aimsgraph: serving {where} ({workers} {followers} {settings.store_label})"))
    serve_workers(
        "api.graphql.app:follower_app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        options=uvicorn_options(settings),
    )
