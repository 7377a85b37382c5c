"""The authorization-code-with-PKCE browser flow: verifier, authorize URL, loopback callback.

The app listens on ``127.0.0.1`` on a port the OS picks, opens
``<oidc endpoint>/authorize?…`` in the browser and waits (at most 10 minutes,
cancellable) for the browser to come back to ``/oauth/callback`` with ``code``
and ``state``. The client was registered with the port-less redirect URI
``http://127.0.0.1/oauth/callback``; loopback redirects may use any port (RFC 8252).

The page the browser lands on says what happened in plain words and tells the
user to go back to the app; the code itself is never shown on it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from .errors import SignInDenied, SignInTimedOut, SsoError, cancelled

REGISTERED_REDIRECT_URI = "http://127.0.0.1/oauth/callback"
CALLBACK_PATH = "/oauth/callback"
SIGN_IN_TIMEOUT = 600.0
_VERIFIER_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"


@dataclass(frozen=True)
class Pkce:
    """A code verifier (RFC 7636: 43-128 unreserved characters) and its S256 challenge."""

    verifier: str = field(repr=False)
    challenge: str


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def new_pkce(length: int = 64) -> Pkce:
    if not 43 <= length <= 128:
        raise ValueError("a PKCE verifier is 43-128 characters")
    verifier = "".join(secrets.choice(_VERIFIER_CHARS) for _ in range(length))
    return Pkce(verifier, s256(verifier))


def new_state() -> str:
    return str(uuid.uuid4())


def authorize_url(
    base_url: str,
    *,
    client_id: str,
    redirect_uri: str,
    state: str,
    challenge: str,
    scopes: tuple[str, ...],
) -> str:
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "scopes": " ".join(scopes),
        },
        quote_via=urllib.parse.quote,
    )
    return f"{base_url.rstrip('/')}/authorize?{query}"


@dataclass
class _Outcome:
    code: str | None = None
    error: SsoError | None = None
    done: threading.Event = field(default_factory=threading.Event)


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em}}
h1{{font-size:1.4em}}</style></head>
<body><h1>{title}</h1><p>{text}</p></body></html>
"""


def _page(title: str, text: str) -> bytes:
    return _PAGE.format(title=html.escape(title), text=html.escape(text)).encode("utf-8")


class CallbackServer:
    """A one-shot loopback HTTP server that receives the authorization code.

    Create it, give :attr:`redirect_uri` to the authorize URL, then call
    :meth:`wait`; use it as a context manager so the port is always closed.
    """

    def __init__(self, expected_state: str, org: str) -> None:
        self._state = expected_state
        self._org = org
        self._outcome = _Outcome()
        outcome, state, name = self._outcome, expected_state, org

        class Handler(BaseHTTPRequestHandler):
            server_version = "xacct"
            sys_version = ""
            timeout = 5  # a connection that sends nothing must not stall the wait loop

            def log_message(self, *args: Any) -> None:  # the query holds the code
                pass

            def do_GET(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                if parts.path != CALLBACK_PATH:
                    self._send(404, _page("Not found", "This address is not part of the sign-in."))
                    return
                query = urllib.parse.parse_qs(parts.query)
                got_state = query.get("state", [""])[0]
                error = query.get("error", [""])[0]
                code = query.get("code", [""])[0]
                if outcome.done.is_set():
                    self._send(
                        409,
                        _page(
                            "Already done", "This sign-in has already finished. Go back to xacct."
                        ),
                    )
                    return
                if error:
                    denied = error == "access_denied"
                    outcome.error = SignInDenied(
                        f"Sign-in to {name} was denied in the browser."
                        if denied
                        else f"Sign-in to {name} failed in the browser ({error[:40]}).",
                        "AccessDenied" if denied else "AuthorizeError",
                    )
                    self._send(
                        200,
                        _page(
                            "Sign-in failed",
                            ("Access was denied. " if denied else "The sign-in failed. ")
                            + "Go back to xacct to try again.",
                        ),
                    )
                elif not secrets.compare_digest(got_state.encode(), state.encode()):
                    outcome.error = SsoError(
                        f"The browser's answer did not belong to this sign-in to {name} "
                        "(wrong state); sign in again.",
                        "StateMismatch",
                    )
                    self._send(
                        400,
                        _page(
                            "Sign-in failed",
                            "This answer does not belong to the sign-in xacct started "
                            "(wrong state). Go back to xacct and sign in again.",
                        ),
                    )
                elif not code:
                    outcome.error = SsoError(
                        f"The browser came back without a code for {name}; sign in again.",
                        "NoCode",
                    )
                    self._send(400, _page("Sign-in failed", "No code arrived. Go back to xacct."))
                else:
                    outcome.code = code
                    self._send(
                        200,
                        _page(
                            "Signed in",
                            f"xacct is signed in to {name}. You can close this tab and go "
                            "back to xacct.",
                        ),
                    )
                outcome.done.set()

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.send_header("Referrer-Policy", "no-referrer")
                self.end_headers()
                self.wfile.write(body)

        self._server = HTTPServer(("127.0.0.1", 0), Handler)
        self._server.timeout = 0.2

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.port}{CALLBACK_PATH}"

    def wait(
        self,
        *,
        timeout: float = SIGN_IN_TIMEOUT,
        cancel: threading.Event | None = None,
    ) -> str:
        """Serve requests until the callback arrives; the code, or raise SsoError."""
        deadline = time.monotonic() + timeout
        while not self._outcome.done.is_set():
            if cancel is not None and cancel.is_set():
                raise cancelled()
            if time.monotonic() > deadline:
                raise SignInTimedOut(
                    f"Sign-in to {self._org} timed out: the browser did not come back "
                    f"within {round(timeout / 60) or 1} minutes.",
                    "TimedOut",
                )
            self._server.handle_request()
        if self._outcome.error is not None:
            raise self._outcome.error
        assert self._outcome.code is not None
        return self._outcome.code

    def close(self) -> None:
        self._server.server_close()

    def __enter__(self) -> CallbackServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
