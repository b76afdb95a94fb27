"""Several uvicorn worker processes behind one port, with TCP_NODELAY on every connection.

Why not `uvicorn.run(workers=N)`: uvicorn binds the shared socket without naming the TCP protocol, so the
connections the workers accept carry protocol 0 and asyncio does not switch Nagle's algorithm off for them:
every small keep-alive response then waits ~40 ms for a delayed ACK (measured: 44 ms per request against 1 ms
with one worker). Binding the socket here with IPPROTO_TCP keeps asyncio's TCP_NODELAY working.
"""

from __future__ import annotations

import socket
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess


def serve_workers(app: str, *, host: str, port: int, workers: int, options: dict[str, Any] | None = None) -> None:
    """Run `workers` processes of the ASGI app factory named by `app` ("module:function") on host:port;
    `options` are further uvicorn settings (the guarded protocol: `api.cli.connections`)."""
    config = uvicorn.Config(
        app,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=False,
        **(options or {}),
    )
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    try:
        Multiprocess(config, sockets=[sock]).run()
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
