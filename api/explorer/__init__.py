"""The explorer (a web page at `/`) and GraphiQL, served from files inside the package.

Why files in the package: serving must need no Node and no network. The explorer's own code is plain ES
modules (`static/js`, no build step); the third-party libraries (Cytoscape.js, GraphiQL with React) are
vendored, minified, under `static/vendor` by `explorer/vendor.mjs` from their npm packages. Both pages use
only the public GraphQL API, and are sent with a Content-Security-Policy that lets them load and connect to
this server alone, so the browser itself refuses any request that would leave it.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

STATIC = Path(str(files(__name__) / "static"))

# Nothing but this server: scripts, styles, images and API calls. Inline styles are allowed for the libraries
# that set them on elements (Cytoscape's container, GraphiQL's editor); inline scripts are not.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'none'"
)
_HEADERS = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "Cache-Control": "no-cache"}


def graphiql_page() -> Response:
    """GraphiQL from the package, with the README's example queries as its tabs (static/examples.json)."""
    return FileResponse(STATIC / "graphiql.html", headers=_HEADERS, media_type="text/html")


async def _index(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", headers=_HEADERS, media_type="text/html")


def routes() -> list[BaseRoute]:
    """`/` (the explorer) and `/static/…` (its code, styles and the vendored libraries)."""
    return [
        Route("/", _index, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
