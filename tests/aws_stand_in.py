"""A tiny local STS + S3 stand-in for what the moto emulator cannot model.

moto does not check MFA codes, rejects GetSessionToken credentials once IAM
enforcement is on, and has no notion of trust policies. This server speaks just
enough of the STS query API (GetSessionToken, AssumeRole) and S3 ListBuckets to
drive the app's real botocore calls over loopback, and records every request
(action, parameters and the access key that signed it) so tests can assert on
what was sent.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"


@dataclass
class Recorded:
    action: str
    params: dict[str, str]
    signer: str  # access key ID in the Authorization header


@dataclass
class Issued:
    access_key_id: str
    secret_access_key: str
    session_token: str
    account: str
    arn: str


@dataclass
class StandIn:
    """Run with ``with StandIn() as aws: ...``; ``aws.endpoint_url`` is the address."""

    valid_mfa_code: str = "123456"
    duration: timedelta = timedelta(hours=1)  # when the request names no DurationSeconds
    # Long-term keys the stand-in accepts: access key ID -> account.
    users: dict[str, str] = field(default_factory=dict)
    buckets: dict[str, list[str]] = field(default_factory=dict)  # account -> names
    # Optional hook to answer a request differently (e.g. an error).
    override: Callable[[Recorded], tuple[int, str] | None] | None = None
    requests: list[Recorded] = field(default_factory=list)
    issued: dict[str, Issued] = field(default_factory=dict)
    _counter: Any = field(default_factory=lambda: itertools.count(1))

    def __enter__(self) -> StandIn:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode()
                params = dict(urllib.parse.parse_qsl(body))
                self._answer(params.pop("Action", ""), params)

            def do_GET(self) -> None:
                query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                self._answer("ListBuckets", query)

            def _answer(self, action: str, params: dict[str, str]) -> None:
                auth = self.headers.get("Authorization", "")
                signer = auth.split("Credential=")[1].split("/")[0] if "Credential=" in auth else ""
                status, text = stand_in.handle(Recorded(action, params, signer))
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    @property
    def endpoint_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def actions(self) -> list[str]:
        return [r.action for r in self.requests]

    # --- behaviour ---

    def handle(self, request: Recorded) -> tuple[int, str]:
        self.requests.append(request)
        if self.override is not None:
            answer = self.override(request)
            if answer is not None:
                return answer
        caller = self._caller_account(request.signer)
        if caller is None:
            return _error(403, "InvalidClientTokenId", "The security token is invalid.")
        if request.action == "GetSessionToken":
            if request.params.get("TokenCode") != self.valid_mfa_code:
                return _error(403, "AccessDenied", "MultiFactorAuthentication failed.")
            issued = self._issue(caller, f"arn:aws:iam::{caller}:user/stand-in")
            return 200, _credentials_xml("GetSessionToken", issued, self._lifetime(request))
        if request.action == "AssumeRole":
            arn = request.params["RoleArn"]
            account = arn.split(":")[4]
            role = arn.rsplit("/", 1)[1]
            session = request.params["RoleSessionName"]
            issued = self._issue(account, f"arn:aws:sts::{account}:assumed-role/{role}/{session}")
            return 200, _credentials_xml("AssumeRole", issued, self._lifetime(request))
        if request.action == "ListBuckets":
            return 200, _buckets_xml(self.buckets.get(caller, []))
        return _error(400, "InvalidAction", request.action)

    def _lifetime(self, request: Recorded) -> timedelta:
        asked = request.params.get("DurationSeconds")
        return timedelta(seconds=int(asked)) if asked else self.duration

    def _caller_account(self, access_key_id: str) -> str | None:
        if access_key_id in self.users:
            return self.users[access_key_id]
        issued = self.issued.get(access_key_id)
        return issued.account if issued else None

    def _issue(self, account: str, arn: str) -> Issued:
        number = next(self._counter)
        issued = Issued(
            access_key_id=f"ASIASTANDIN{number:09d}",
            secret_access_key=secrets.token_urlsafe(30),
            session_token="FwoG" + secrets.token_urlsafe(60),
            account=account,
            arn=arn,
        )
        self.issued[issued.access_key_id] = issued
        return issued


def _credentials_xml(action: str, issued: Issued, duration: timedelta) -> str:
    expiration = (datetime.now(timezone.utc) + duration).strftime("%Y-%m-%dT%H:%M:%SZ")
    user = (
        f"<AssumedRoleUser><Arn>{issued.arn}</Arn><AssumedRoleId>AROA:x</AssumedRoleId>"
        "</AssumedRoleUser>"
        if action == "AssumeRole"
        else ""
    )
    return (
        f'<{action}Response xmlns="{STS_NS}"><{action}Result><Credentials>'
        f"<AccessKeyId>{issued.access_key_id}</AccessKeyId>"
        f"<SecretAccessKey>{issued.secret_access_key}</SecretAccessKey>"
        f"<SessionToken>{issued.session_token}</SessionToken>"
        f"<Expiration>{expiration}</Expiration></Credentials>{user}</{action}Result>"
        f"<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></{action}Response>"
    )


def _buckets_xml(names: list[str]) -> str:
    items = "".join(
        f"<Bucket><Name>{n}</Name><CreationDate>2024-01-0{i % 9 + 1}T00:00:00.000Z"
        "</CreationDate></Bucket>"
        for i, n in enumerate(names)
    )
    return (
        '<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        f"<Owner><ID>x</ID></Owner><Buckets>{items}</Buckets></ListAllMyBucketsResult>"
    )


def _error(status: int, code: str, message: str) -> tuple[int, str]:
    return status, (
        f'<ErrorResponse xmlns="{STS_NS}"><Error><Type>Sender</Type><Code>{code}</Code>'
        f"<Message>{message}</Message></Error><RequestId>1</RequestId></ErrorResponse>"
    )
