"""A webhook receiver for the tests: a real HTTP server on a loopback port, in a thread, that checks each body's
signature and keeps what it was sent; it can be told to refuse the next few deliveries."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    def __init__(self, refuse: int = 0) -> None:
        self.secret = ""
        self.bodies: list[dict[str, Any]] = []
        self.refused = 0
        self.bad_signatures = 0
        self._refuse = refuse
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = "sha256=" + hmac.new(receiver.secret.encode(), body, hashlib.sha256).hexdigest()
                with receiver._changed:
                    if not hmac.compare_digest(expected, self.headers.get("X-Aimsgraph-Signature", "")):
                        receiver.bad_signatures += 1
                        status = 401
                    elif receiver.refused < receiver._refuse:
                        receiver.refused += 1
                        status = 503
                    else:
                        receiver.bodies.append(json.loads(body))
                        status = 204
                    receiver._changed.notify_all()
                self.send_response(status)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def changes(self) -> list[dict[str, Any]]:
        with self._changed:
            return [change for body in self.bodies for change in body["changes"]]

    def wait_for(self, count: int, timeout: float = 60) -> list[dict[str, Any]]:
        """The changes received, once there are `count` of them (or the timeout, as a hang guard, passes)."""
        with self._changed:
            self._changed.wait_for(lambda: sum(len(b["changes"]) for b in self.bodies) >= count, timeout=timeout)
        return self.changes()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
