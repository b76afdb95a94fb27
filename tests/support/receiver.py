"""A webhook receiver for the tests: a real HTTP server on a loopback port, in a thread, that checks each body's
signature and keeps what it was sent; it can be told to refuse the next few deliveries.

It does what the README tells a receiver to do: delivery is at least once (a receiver's answer that arrives
after `AIMSGRAPH_WEBHOOK_TIMEOUT` counts as a failed attempt, and the changes are sent again), so it keeps each
change once by its `id` and counts the ones that came again (`repeated`) for the tests to account for."""

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
        self._held: dict[str, dict[str, Any]] = {}  # each change once, by id, in the order it first came
        self.repeated = 0
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
                        document = json.loads(body)
                        receiver.bodies.append(document)
                        for change in document["changes"]:
                            if change["id"] in receiver._held:
                                receiver.repeated += 1
                            else:
                                receiver._held[change["id"]] = change
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
        """Each change received, once, in the order it first came."""
        with self._changed:
            return list(self._held.values())

    def wait_for(self, count: int, timeout: float = 60) -> list[dict[str, Any]]:
        """The changes received, once there are `count` of them (or the timeout, as a hang guard, passes)."""
        with self._changed:
            self._changed.wait_for(lambda: len(self._held) >= count, timeout=timeout)
        return self.changes()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
