"""A link for the browser that holds no secret: a one-time redirect on 127.0.0.1.

A console sign-in link carries a ``SigninToken``: whoever has it is signed in as the
role for 15 minutes. Handed to a browser launcher it sits in that process's argv,
which every local user can read with ``ps``; a launcher that fails may print it.
So the browser gets ``http://127.0.0.1:<port>/<random>`` instead; the first request
for that path is answered with a redirect (302) to the real link, every other one
with 404, and the listener closes soon after the redirect (or after
:data:`LIFETIME_S` unused). The random path keeps other local users from taking the
redirect first; the answer is never cached and sends no referrer.
"""

from __future__ import annotations

import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LIFETIME_S = 120.0  # the browser may take a while to start
AFTER_USE_S = 5.0  # keep answering 404 briefly, then close


class OneTimeRedirect:
    """Serves one redirect to ``target``; :attr:`url` is what the browser gets."""

    def __init__(self, target: str, lifetime_s: float = LIFETIME_S) -> None:
        self._target = target
        self._path = "/" + secrets.token_urlsafe(24)
        self._lock = threading.Lock()
        self._used = False
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:  # the path is the key: never log it
                pass

            def do_GET(self) -> None:
                location = owner._take(self.path)
                if location is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(302)
                self.send_header("Location", location)
                self.send_header("Cache-Control", "no-store")
                self.send_header("Referrer-Policy", "no-referrer")
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, args=(0.1,), name="one-time-link", daemon=True
        ).start()
        self._timer = threading.Timer(lifetime_s, self.close)
        self._timer.daemon = True
        self._timer.start()

    @property
    def url(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}{self._path}"

    @property
    def used(self) -> bool:
        with self._lock:
            return self._used

    def _take(self, path: str) -> str | None:
        with self._lock:
            if self._used or not secrets.compare_digest(path, self._path):
                return None
            self._used = True
        closer = threading.Timer(AFTER_USE_S, self.close)
        closer.daemon = True
        closer.start()
        return self._target

    def close(self) -> None:
        self._timer.cancel()
        threading.Thread(target=self._shut_down, daemon=True).start()

    def _shut_down(self) -> None:
        self._server.shutdown()
        self._server.server_close()
