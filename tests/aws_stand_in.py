"""A tiny local STS + S3 stand-in for what the moto emulator cannot model.

moto does not check MFA codes, rejects GetSessionToken credentials once IAM
enforcement is on, and has no notion of trust policies. This server speaks just
enough of the STS query API (GetSessionToken, AssumeRole) and S3 ListBuckets to
drive the app's real botocore calls over loopback, and records every request
(action, parameters and the access key that signed it) so tests can assert on
what was sent.

ListBuckets pages the way AWS does (``max-buckets``, at most 10,000 a page, the rest
behind a ``ContinuationToken``), so the benchmark (build_scripts/bench) also serves its
100,000-bucket account from here, with dates and regions of its own
(:class:`ListedBucket`) and keep-alive connections.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import urllib.parse
from collections.abc import Callable, Sequence
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
    connection: int = 0  # the client's port: requests on one kept-alive connection share it


@dataclass(frozen=True)
class ListedBucket:
    """A bucket with its own creation date (timezone-aware) and region, listed as AWS
    lists them (``BucketRegion``); a plain name gets a made-up date and no region."""

    name: str
    created: datetime
    region: str | None = None


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
    # account -> its buckets, by name or with dates and regions. Treat a listing as fixed
    # once served (assign a new list to change it): it is rendered to XML only once.
    buckets: dict[str, Sequence[str | ListedBucket]] = field(default_factory=dict)
    page_limit: int = 10_000  # ListBuckets page size when asked for more, as AWS caps it
    # False: answer ListBuckets as the moto emulator does, every bucket in one page and
    # no ContinuationToken, whatever max-buckets asks for.
    honour_max_buckets: bool = True
    # HTTP/1.1 keep-alive, as real endpoints serve botocore's connection pool; off by
    # default, so every request comes on a connection of its own.
    keep_alive: bool = False
    # Optional hook to answer a request differently (e.g. an error).
    override: Callable[[Recorded], tuple[int, str] | None] | None = None
    requests: list[Recorded] = field(default_factory=list)
    issued: dict[str, Issued] = field(default_factory=dict)
    _counter: Any = field(default_factory=lambda: itertools.count(1))
    _rendered: dict[str, tuple[Sequence[str | ListedBucket], list[str]]] = field(
        default_factory=dict, repr=False
    )

    def __enter__(self) -> StandIn:
        stand_in = self
        for account in self.buckets:  # render before the first request is timed
            self._listing(account)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1" if stand_in.keep_alive else "HTTP/1.0"

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
                port = int(self.client_address[1])
                status, text = stand_in.handle(Recorded(action, params, signer, port))
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
        return f"http://{host!s}:{port}"

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
            return self._list_buckets(caller, request.params)
        return _error(400, "InvalidAction", request.action)

    def _list_buckets(self, account: str, params: dict[str, str]) -> tuple[int, str]:
        try:
            size = min(int(params.get("max-buckets", self.page_limit)), self.page_limit)
            start = int(params.get("continuation-token", "0"))
        except ValueError:
            size, start = 0, 0
        if size < 1 or start < 0:
            return _error(400, "InvalidArgument", "bad max-buckets or continuation-token")
        listing = self._listing(account)
        if not self.honour_max_buckets:
            return 200, _buckets_xml(listing)
        end = start + size
        token = f"<ContinuationToken>{end}</ContinuationToken>" if end < len(listing) else ""
        return 200, _buckets_xml(listing[start:end], token)

    def _listing(self, account: str) -> list[str]:
        """The account's <Bucket> elements, rendered once per listing."""
        source = self.buckets.get(account, ())
        cached = self._rendered.get(account)
        if cached is None or cached[0] is not source or len(cached[1]) != len(source):
            cached = (source, [_bucket_xml(i, entry) for i, entry in enumerate(source)])
            self._rendered[account] = cached
        return cached[1]

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


def _bucket_xml(index: int, entry: str | ListedBucket) -> str:
    if isinstance(entry, str):
        return (
            f"<Bucket><Name>{entry}</Name><CreationDate>2024-01-0{index % 9 + 1}T00:00:00.000Z"
            "</CreationDate></Bucket>"
        )
    created = entry.created.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    region = f"<BucketRegion>{entry.region}</BucketRegion>" if entry.region else ""
    return (
        f"<Bucket><Name>{entry.name}</Name><CreationDate>{created}</CreationDate>{region}</Bucket>"
    )


def _buckets_xml(items: Sequence[str], token: str = "") -> str:
    return (
        '<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        f"<Owner><ID>x</ID></Owner><Buckets>{''.join(items)}</Buckets>{token}"
        "</ListAllMyBucketsResult>"
    )


def _error(status: int, code: str, message: str) -> tuple[int, str]:
    return status, (
        f'<ErrorResponse xmlns="{STS_NS}"><Error><Type>Sender</Type><Code>{code}</Code>'
        f"<Message>{message}</Message></Error><RequestId>1</RequestId></ErrorResponse>"
    )
