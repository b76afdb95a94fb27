"""The ASGI application: the explorer at /, GraphQL at /graphql (GraphiQL, from the package, in a browser),
/healthz and /readyz.

Why GraphQL runs in a worker thread: resolvers are plain Python over in-memory indexes, so a heavy query
would hold the event loop and stall every other request, health checks included. Each operation runs on
its own event loop in a thread of a bounded pool (`max_concurrent_operations`), under a deadline that the
long loops inside a field check (`core.deadlines`), while the server's loop keeps answering; /healthz is
answered on the loop from a kept health (`api.graphql.limits`), and a request body is bounded while it is
read.

Why /healthz comes before every middleware (`HealthFirst`): under load the loop shares the interpreter with
the GraphQL threads, and every step a request takes on the loop that gives the interpreter up (a log line
written, each middleware's await) waits to get it back; a health check from a load balancer every 20 ms does
not need its own access-log line or the body limit, so it takes the fewest steps the loop can answer in.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import asdict, replace
from typing import Any

import anyio.to_thread
from cross_web import HTTPException
from graphql import GraphQLError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types import ExecutionResult

from api.explorer import graphiql_page
from api.explorer import routes as explorer_routes
from api.graphql.context import Context
from api.graphql.events import Announcer
from api.graphql.limits import HEALTHZ_STATE, BodyLimit, HealthCache
from api.graphql.request_ids import REQUEST_ID, RequestIds, configure_json_logs, request_id_of
from api.graphql.schema import build_schema
from api.graphql.webhook_delivery import Dispatcher
from core.deadlines import deadline
from core.errors import UnauthenticatedError
from graph.bootstrap import bootstrap
from graph.service import Service
from graph.settings import Settings

SWITCH_INTERVAL = 0.001
"""Seconds a thread holds the interpreter before one waiting for it may take it (Python's default: 0.005). The
event loop gives the interpreter up at each socket call and waits to get it back while GraphQL threads
compute; with four of them at work each wait could be 5 ms or more, several per health check. At 1 ms the
loop gets back in sooner, for a few percent more switching."""

YOUNG_COLLECTION = 10_000
"""Allocations between two collections of the youngest generation (Python's default: 700). An answer of 500
obligations allocates tens of thousands of short-lived objects; at 700 the collector ran dozens of times per
answer (measured: 10–20% of a read's CPU under the mixed load)."""


def prepare_to_serve(service: Service) -> None:
    """Settle this server process's interpreter before it takes requests.

    The first snapshot is built (its indexes are shared by every later snapshot: they live as long as the
    process), then everything alive is frozen out of the cyclic collector's sight (`gc.freeze`), as the CLI
    does at start: a full collection walked those hundreds of thousands of objects again and again, ~100 ms
    each, in the middle of requests (measured in process: a read's CPU under the mixed load 22 → 17 ms). Done
    once, at start: what is frozen is never collected, so freezing again later could keep garbage for ever.
    """
    sys.setswitchinterval(SWITCH_INTERVAL)
    service.answers()
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION, *gc.get_threshold()[1:])


class _GraphQL(GraphQL[Context, None]):
    def __init__(self, service: Service, settings: Settings, health: HealthCache) -> None:
        super().__init__(build_schema(settings), graphql_ide=None if settings.production else "graphiql")
        self._service = service
        self._health = health
        self._settings = settings
        # Operations hold the interpreter: more of them at once than a few only share it thinner, and a write
        # holding the store's lock then waits its turn behind every reader (measured: writes queued for
        # seconds under 32 clients). The rest wait here, in arrival order, at no cost.
        self._running = anyio.CapacityLimiter(settings.max_concurrent_operations)
        self.events = Announcer(service, settings.events_poll_interval)
        self.webhooks = Dispatcher(service, self.events, settings)

    async def render_graphql_ide(self, request: Any) -> Response:
        """GraphiQL from the package's own files (strawberry's page loads it from a CDN: blank offline)."""
        return graphiql_page()

    async def get_context(self, request: Any, response: Any) -> Context:
        """The request's snapshot and caller, worked out in a thread: a snapshot may wait for a commit to
        finish (or be built), and the event loop must keep answering meanwhile."""
        header = request.headers.get("authorization")
        request_id = REQUEST_ID.get()
        return await anyio.to_thread.run_sync(self._context, header, request_id)

    def _context(self, header: str | None, request_id: str | None) -> Context:
        answers = self._service.answers()  # first: a follower catches up with the writer, keys included
        self._health.note(answers)  # what /healthz says follows what the requests read
        context = Context(
            answers=answers, settings=self._settings, service=self._service, request_id=request_id, events=self.events
        )
        if header is not None:
            self._authenticate(context, header)
        return context

    def _authenticate(self, context: Context, header: str) -> None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            context.auth_error = "send the API key as `Authorization: Bearer <token>`"
        else:
            try:
                context.key = self._service.keys.authenticate(token)
            except UnauthenticatedError as error:
                context.auth_error = str(error)

    async def on_ws_connect(self, context: Context) -> Any:
        """A subscription client authenticates in its connection_init payload (`Authorization`), or in the
        handshake's headers; a key that is sent and not good closes the socket (4403) before any operation."""
        params = context.connection_params or {}
        header = params.get("Authorization", params.get("authorization"))
        if header is not None:
            if not isinstance(header, str):
                raise ConnectionRejectionError({"message": "Authorization must be `Bearer <token>`"})
            await anyio.to_thread.run_sync(self._authenticate, context, header)
        if context.auth_error is not None:
            raise ConnectionRejectionError({"message": context.auth_error})
        return await super().on_ws_connect(context)

    def parse_json(self, data: str | bytes) -> Any:
        """A request body must be a JSON object (or a batch of them) in UTF-8, of bounded size: else 400."""
        raw = data.encode() if isinstance(data, str) else data
        if len(raw) > self._settings.max_request_bytes:
            raise HTTPException(400, f"request body larger than {self._settings.max_request_bytes:,} bytes")
        try:
            parsed = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise HTTPException(400, "request body is not UTF-8") from error
        except json.JSONDecodeError as error:
            raise HTTPException(400, f"request body is not JSON: {error.msg} at position {error.pos}") from error
        except RecursionError as error:  # [[[[… 400,000 deep: the parser's own recursion gives out
            raise HTTPException(400, "request body is nested too deeply to be a GraphQL request") from error
        if isinstance(parsed, list) and parsed and all(isinstance(item, dict) for item in parsed):
            return parsed
        if not isinstance(parsed, dict):
            raise HTTPException(400, 'request body must be a JSON object such as {"query": "{ frameworks { id } }"}')
        return parsed

    async def execute_single(  # noqa: PLR0917 — strawberry's signature
        self,
        request: Any,
        request_adapter: Any,
        sub_response: Any,
        context: Context,
        root_value: None,
        request_data: Any,
    ) -> ExecutionResult:
        if context.auth_error is not None:  # a key was sent and is not good: refuse the whole request
            sub_response.status_code = 401
            sub_response.headers["WWW-Authenticate"] = 'Bearer realm="aimsgraph"'
            error = GraphQLError(context.auth_error, extensions={"code": "UNAUTHENTICATED"})
            return ExecutionResult(data=None, errors=[error])
        timeout = self._settings.request_timeout
        execute = super().execute_single

        async def run() -> ExecutionResult:
            # A new context: its loaders are bound to this thread's event loop. Its answers are the store's
            # newest, taken now that the operation runs rather than when it arrived: under load it waited for
            # its turn while writes landed, and what it works out (an asset's obligations for `gaps`) is then
            # kept in the snapshot the next requests read, not in one already replaced (`Snapshot.answer`).
            answers = context.service.answers() if context.service is not None else context.answers
            fresh = replace(context, answers=answers)
            return await asyncio.wait_for(
                execute(request, request_adapter, sub_response, fresh, root_value, request_data), timeout
            )

        def in_thread() -> ExecutionResult:
            try:
                with deadline(timeout):  # checked inside long fields too, so the work itself stops
                    return asyncio.run(run())
            except TimeoutError:
                error = GraphQLError(
                    f"the operation ran longer than {timeout:g} s and was stopped; ask for less",
                    extensions={"code": "TIMEOUT"},
                )
                return ExecutionResult(data=None, errors=[error])

        return await anyio.to_thread.run_sync(in_thread, limiter=self._running)


class HealthFirst:
    """ASGI middleware, outermost: GET /healthz answered from the kept health at once, with its request id and
    no access-log line; everything else goes on to the app."""

    def __init__(self, app: ASGIApp, health: HealthCache) -> None:
        self.app = app
        self.health = health
        self.pid = os.getpid()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/healthz" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        body = self.health.kept_body() or json.dumps({**(await self.health.current()), "pid": self.pid}).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"x-request-id", request_id_of(scope).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


def create_app(service: Service, settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    health = HealthCache(service)
    graphql = _GraphQL(service, settings, health)

    async def healthz(request: Request) -> Response:
        """Liveness: the process answers, and says which revision it serves and whether it can write; answered
        on the event loop from the kept health, never queued behind GraphQL work (`HealthFirst` answers GET
        before the middleware; this route is what an app without it, or another method, reaches)."""
        return JSONResponse({**(await health.current()), "pid": os.getpid()})

    async def readyz(request: Request) -> Response:
        """Readiness: the graph holds frameworks to answer from. Says which process answers (`pid`: one of
        several workers) and the revision it serves, having first caught up with the writer's newest commit."""
        health = await anyio.to_thread.run_sync(service.health)
        ready = health.frameworks > 0
        return JSONResponse({"ready": ready, "pid": os.getpid(), **asdict(health)}, status_code=200 if ready else 503)

    configure_json_logs()
    middleware = [
        Middleware(HealthFirst, health=health),
        Middleware(RequestIds),
        Middleware(BodyLimit, max_bytes=settings.max_request_bytes, timeout=settings.body_timeout),
    ]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
                expose_headers=["X-Request-ID"],
                max_age=600,
            )
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        """Follow the audit trail from the start (subscriptions, webhooks), and stop following on shutdown; offer
        the server's protocol the kept health, so it can answer a health check as it arrives (`api.cli.healthz`)."""
        await graphql.events.start()
        await graphql.webhooks.start()
        try:
            yield {HEALTHZ_STATE: health.kept_body}
        finally:
            await graphql.webhooks.stop()
            await graphql.events.stop()

    return Starlette(
        lifespan=lifespan,
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            *explorer_routes(),
        ],
        middleware=middleware,
    )


def follower_app() -> Starlette:
    """The app of one of several worker processes (`aimsgraph serve --workers N`): each reads the embedded
    store's newest checkpoint and takes the next one the writer publishes (a CLI change is published before
    it is acknowledged, so it is seen on the next request); writes are refused with READ_ONLY, saying why."""
    settings = Settings()
    service = bootstrap(settings, write=False, fill_empty=False)
    prepare_to_serve(service)
    service.read_only_reason = (
        f"this server runs {settings.workers} read-only worker processes over the embedded store, which admits "
        "one writing process; run `aimsgraph serve` with one worker to write, or use a Neo4j store"
    )
    return create_app(service, settings)
