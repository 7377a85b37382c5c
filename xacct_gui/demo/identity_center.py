"""A small local IAM Identity Center: the ``sso-oidc`` and ``sso`` portal wire formats.

Used by the tests (moto has neither service) and, with its approval pages
(:mod:`.approval`), by ``--demo``.

Both APIs are REST-JSON. The stand-in answers what botocore sends (the paths,
query names and the ``x-amz-sso_bearer_token`` header of botocore's service
models) and errors the way AWS does: the code in the ``x-amzn-ErrorType``
header, an OAuth-style ``{"error", "error_description"}`` body for sso-oidc and
``{"message"}`` for the portal. It checks what a real service checks and a bug
would break: registered grant types, the PKCE S256 challenge, the redirect URI
(any loopback port), the state round trip, device-code polling and slow-down,
``maxResults`` ≤ 100, bearer tokens and their expiry, refresh-token rotation.

``with SsoStandIn(accounts=..., throttle_every=7) as idc:`` then point botocore at
``idc.endpoint_url`` (one server serves both services). ``idc.calls`` counts
requests per operation.
"""

from __future__ import annotations

import base64
import collections
import hashlib
import json
import secrets
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
# status, a JSON object (or an HTML page, or nothing), extra headers
Answer = tuple[int, Any, dict[str, str]]


class Reply(Exception):
    """An answer other than 200 (raised inside the handlers)."""

    def __init__(self, status: int, code: str, body: dict[str, Any], headers: Any = None) -> None:
        super().__init__(code)
        self.status, self.code, self.body = status, code, body
        self.headers = dict(headers or {})


def oidc_error(code: str, error: str, status: int = 400) -> Reply:
    return Reply(status, code, {"error": error, "error_description": f"{code} (stand-in)"})


def portal_error(code: str, status: int, message: str) -> Reply:
    return Reply(status, code, {"message": message})


def make_accounts(count: int, roles: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """``count`` accounts named like real ones (prod/dev/test), each with ``roles``."""
    stages = ("prod", "dev", "test", "staging", "sandbox")
    return {
        f"{100000000000 + i:012d}": {
            "name": f"team-{i:04d}-{stages[i % len(stages)]}",
            "email": f"aws+{i:04d}@example.com",
            "roles": list(roles),
        }
        for i in range(count)
    }


@dataclass
class _Client:
    client_id: str
    secret: str
    grant_types: list[str]
    redirect_uris: list[str]
    scopes: list[str]


@dataclass
class SsoStandIn:
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    region: str = "eu-west-1"
    access_token_seconds: int = 3600
    client_secret_seconds: int = 90 * 24 * 3600
    client_secret_chars: int = 3000  # real secrets are long JWE blobs
    issue_refresh_tokens: bool = True
    rotate_refresh_tokens: bool = True
    throttle_every: int = 0  # every Nth portal call answers 429 (0: never)
    authorize: str = "approve"  # or "deny": what the browser's user does
    device_pending_polls: int = 2  # polls answered authorization_pending before approval
    device_slow_down_polls: tuple[int, ...] = ()  # poll numbers answered slow_down
    device_outcome: str = "approve"  # or "deny", "expire"
    # (account, role) -> {"accessKeyId", "secretAccessKey", "sessionToken", "expiration"}:
    # real credentials (e.g. minted by moto's STS) so S3 calls made with them succeed.
    mint_credentials: Any = None
    calls: collections.Counter[str] = field(default_factory=collections.Counter)
    clients: dict[str, _Client] = field(default_factory=dict)
    # access token -> expiry (monotonic); refresh token -> client id
    access_tokens: dict[str, float] = field(default_factory=dict)
    refresh_tokens: dict[str, str] = field(default_factory=dict)
    _codes: dict[str, dict[str, str]] = field(default_factory=dict)
    _devices: dict[str, dict[str, Any]] = field(default_factory=dict)
    _portal_calls: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- server ---

    def __enter__(self) -> SsoStandIn:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # Headers and body go out in two writes: without this, Nagle's algorithm
                # and delayed ACKs add ~40 ms to every keep-alive request.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._dispatch("GET")

            def do_POST(self) -> None:
                self._dispatch("POST")

            def _dispatch(self, method: str) -> None:
                parts = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(parts.query))
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else {}
                except ValueError:
                    body = {}
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    status, answer, extra = stand_in.handle(
                        method, parts.path, query, body, headers
                    )
                except Reply as reply:
                    status, answer, extra = reply.status, reply.body, reply.headers
                    extra["x-amzn-ErrorType"] = reply.code
                kind = "text/html; charset=utf-8" if isinstance(answer, str) else "application/json"
                if isinstance(answer, str):  # a page for the browser (the demo's approval)
                    data = answer.encode()
                else:
                    data = json.dumps(answer).encode() if answer is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("x-amzn-RequestId", secrets.token_hex(8))
                for key, value in extra.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # --- controls for tests ---

    def expire_access_tokens(self) -> None:
        with self._lock:
            for token in self.access_tokens:
                self.access_tokens[token] = 0.0

    def revoke_refresh_tokens(self) -> None:
        with self._lock:
            self.refresh_tokens.clear()

    @property
    def role_count(self) -> int:
        return sum(len(a["roles"]) for a in self.accounts.values())

    # --- routing ---

    def handle(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        body: dict[str, Any],
        headers: dict[str, str],
    ) -> Answer:
        routes: dict[tuple[str, str], tuple[str, Any]] = {
            ("POST", "/client/register"): ("RegisterClient", self._register),
            ("POST", "/device_authorization"): ("StartDeviceAuthorization", self._device),
            ("POST", "/token"): ("CreateToken", self._token),
            ("GET", "/authorize"): ("Authorize", self._authorize),
            ("GET", "/assignment/accounts"): ("ListAccounts", self._list_accounts),
            ("GET", "/assignment/roles"): ("ListAccountRoles", self._list_roles),
            ("GET", "/federation/credentials"): ("GetRoleCredentials", self._credentials),
            ("POST", "/logout"): ("Logout", self._logout),
        }
        route = routes.get((method, path))
        if route is None:
            raise portal_error("ResourceNotFoundException", 404, "No such operation")
        name, handler = route
        with self._lock:
            self.calls[name] += 1
            if name in ("ListAccounts", "ListAccountRoles", "GetRoleCredentials"):
                self._portal_calls += 1
                if self.throttle_every and self._portal_calls % self.throttle_every == 0:
                    self.calls["throttled"] += 1
                    raise portal_error("TooManyRequestsException", 429, "Rate exceeded")
            if name == "Authorize":
                answer: Answer = handler(query)
            elif path.startswith(("/assignment", "/federation", "/logout")):
                answer = handler(query, headers)
            else:
                answer = handler(body)
            return answer

    # --- sso-oidc ---

    def _register(self, body: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        if body.get("clientType") != "public" or not body.get("clientName"):
            raise oidc_error("InvalidClientMetadataException", "invalid_client_metadata")
        grants = list(body.get("grantTypes") or [DEVICE_GRANT, "refresh_token"])
        if "authorization_code" in grants:
            uris = body.get("redirectUris") or []
            if not uris or not all(u.startswith("http://127.0.0.1") for u in uris):
                raise oidc_error("InvalidRedirectUriException", "invalid_redirect_uri")
            if not str(body.get("issuerUrl", "")).startswith("https://"):
                raise oidc_error("InvalidRequestException", "invalid_request")
        client = _Client(
            client_id=secrets.token_urlsafe(16),
            secret=secrets.token_urlsafe(self.client_secret_chars)[: self.client_secret_chars],
            grant_types=grants,
            redirect_uris=list(body.get("redirectUris") or []),
            scopes=list(body.get("scopes") or []),
        )
        self.clients[client.client_id] = client
        now = int(time.time())
        answer = {
            "clientId": client.client_id,
            "clientSecret": client.secret,
            "clientIdIssuedAt": now,
            "clientSecretExpiresAt": now + self.client_secret_seconds,
        }
        return 200, answer, {}

    def _client(self, body: dict[str, Any], grant: str) -> _Client:
        client = self.clients.get(str(body.get("clientId")))
        if client is None or not secrets.compare_digest(
            client.secret, str(body.get("clientSecret", ""))
        ):
            raise oidc_error("InvalidClientException", "invalid_client", 401)
        if grant not in client.grant_types:
            raise oidc_error("UnauthorizedClientException", "unauthorized_client")
        return client

    def _device(self, body: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        self._client(body, DEVICE_GRANT)
        code = secrets.token_urlsafe(24)
        user_code = f"{secrets.token_hex(2).upper()}-{secrets.token_hex(2).upper()}"
        self._devices[code] = {"client": body["clientId"], "polls": 0, "user_code": user_code}
        page = f"https://device.sso.{self.region}.amazonaws.com/"
        answer = {
            "deviceCode": code,
            "userCode": user_code,
            "verificationUri": page,
            "verificationUriComplete": f"{page}?user_code={user_code}",
            "expiresIn": 600,
            "interval": 1,
        }
        return 200, answer, {}

    def _authorize(self, query: dict[str, str]) -> tuple[int, None, dict[str, str]]:
        client = self.clients.get(query.get("client_id", ""))
        redirect = query.get("redirect_uri", "")
        parsed = urllib.parse.urlsplit(redirect)
        if (
            client is None
            or query.get("response_type") != "code"
            or query.get("code_challenge_method") != "S256"
            or len(query.get("code_challenge", "")) != 43
            or parsed.scheme != "http"
            or parsed.hostname != "127.0.0.1"
            or parsed.path != "/oauth/callback"
            or "sso:account:access" not in query.get("scopes", "").split()
        ):
            raise oidc_error("InvalidRequestException", "invalid_request")
        state = query.get("state", "")
        if self.authorize == "deny":
            target = {"error": "access_denied", "state": state}
        else:
            code = secrets.token_urlsafe(24)
            self._codes[code] = {
                "client": client.client_id,
                "challenge": query["code_challenge"],
                "redirect_uri": redirect,
            }
            target = {"code": code, "state": state}
        location = f"{redirect}?{urllib.parse.urlencode(target)}"
        return 302, None, {"Location": location}

    def _issue(self, client: _Client) -> dict[str, Any]:
        token = "aoa" + secrets.token_urlsafe(600)
        self.access_tokens[token] = time.monotonic() + self.access_token_seconds
        answer: dict[str, Any] = {
            "accessToken": token,
            "tokenType": "Bearer",
            "expiresIn": self.access_token_seconds,
        }
        if self.issue_refresh_tokens and "sso:account:access" in client.scopes:
            refresh = "aor" + secrets.token_urlsafe(400)
            self.refresh_tokens[refresh] = client.client_id
            answer["refreshToken"] = refresh
        return answer

    def _token(self, body: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        grant = str(body.get("grantType", ""))
        client = self._client(body, grant)
        if grant == "authorization_code":
            issued = self._codes.pop(str(body.get("code")), None)
            verifier = str(body.get("codeVerifier", ""))
            challenge = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                .decode()
                .rstrip("=")
            )
            if (
                issued is None
                or issued["client"] != client.client_id
                or issued["challenge"] != challenge
                or issued["redirect_uri"] != body.get("redirectUri")
            ):
                raise oidc_error("InvalidGrantException", "invalid_grant")
            return 200, self._issue(client), {}
        if grant == DEVICE_GRANT:
            device = self._devices.get(str(body.get("deviceCode")))
            if device is None or device["client"] != client.client_id:
                raise oidc_error("InvalidGrantException", "invalid_grant")
            device["polls"] += 1
            if device["polls"] in self.device_slow_down_polls:
                raise oidc_error("SlowDownException", "slow_down")
            if device["polls"] <= self.device_pending_polls and not device.get("approved"):
                raise oidc_error("AuthorizationPendingException", "authorization_pending")
            if self.device_outcome == "deny":
                raise oidc_error("AccessDeniedException", "access_denied")
            if self.device_outcome == "expire":
                raise oidc_error("ExpiredTokenException", "expired_token")
            del self._devices[str(body.get("deviceCode"))]
            return 200, self._issue(client), {}
        if grant == "refresh_token":
            refresh = str(body.get("refreshToken", ""))
            if self.refresh_tokens.get(refresh) != client.client_id:
                raise oidc_error("InvalidGrantException", "invalid_grant")
            answer = self._issue(client)
            if self.rotate_refresh_tokens:
                del self.refresh_tokens[refresh]
            else:
                self.refresh_tokens.pop(answer.pop("refreshToken", ""), None)
            return 200, answer, {}
        raise oidc_error("UnsupportedGrantTypeException", "unsupported_grant_type")

    # --- portal ---

    def _bearer(self, headers: dict[str, str]) -> str:
        token = headers.get("x-amz-sso_bearer_token", "")
        if self.access_tokens.get(token, 0.0) < time.monotonic():
            raise portal_error("UnauthorizedException", 401, "Session token not found or invalid")
        return token

    def _page(
        self, items: list[dict[str, Any]], key: str, query: dict[str, str]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        size = int(query.get("max_result", "20"))
        if not 1 <= size <= 100:
            raise portal_error("InvalidRequestException", 400, "maxResults must be 1-100")
        start = int(query.get("next_token") or 0)
        answer: dict[str, Any] = {key: items[start : start + size]}
        if start + size < len(items):
            answer["nextToken"] = str(start + size)
        return 200, answer, {}

    def _list_accounts(
        self, query: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        self._bearer(headers)
        items = [
            {"accountId": aid, "accountName": a["name"], "emailAddress": a["email"]}
            for aid, a in self.accounts.items()
        ]
        return self._page(items, "accountList", query)

    def _list_roles(
        self, query: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        self._bearer(headers)
        account = self.accounts.get(query.get("account_id", ""))
        if account is None:
            raise portal_error("ResourceNotFoundException", 404, "No access")
        items = [{"roleName": r, "accountId": query["account_id"]} for r in account["roles"]]
        return self._page(items, "roleList", query)

    def _credentials(
        self, query: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        self._bearer(headers)
        account = self.accounts.get(query.get("account_id", ""))
        if account is None or query.get("role_name") not in account["roles"]:
            raise portal_error("ForbiddenException", 403, "No access")
        if self.mint_credentials is not None:
            return (
                200,
                {"roleCredentials": self.mint_credentials(query["account_id"], query["role_name"])},
                {},
            )
        expiration_ms = int((time.time() + 3600) * 1000)
        creds = {
            "accessKeyId": "ASIA" + secrets.token_hex(8).upper(),
            "secretAccessKey": secrets.token_urlsafe(30),
            "sessionToken": secrets.token_urlsafe(300),
            "expiration": expiration_ms,
        }
        return 200, {"roleCredentials": creds}, {}

    def _logout(
        self, query: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, None, dict[str, str]]:
        token = self._bearer(headers)
        del self.access_tokens[token]
        self.refresh_tokens.clear()
        return 200, None, {}
