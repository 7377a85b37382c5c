"""Console sign-in links, against a local stand-in for the AWS federation endpoint.

The stand-in is a real HTTP server on 127.0.0.1 reached through the
``XACCT_GUI_FEDERATION_URL`` override, so the request the app builds (URL,
query, the Session JSON) goes over a socket exactly as it would to AWS.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.aws_stand_in import StandIn
from tests.memory_keyring import MemoryKeyring
from xacct_gui.core.aws import AwsService
from xacct_gui.core.credentials import RoleSession
from xacct_gui.core.errors import FederationError, MfaCodeRequired
from xacct_gui.core.federation import (
    FEDERATION_URL_ENV,
    INSECURE_TEST_ENV,
    ISSUER,
    STATIC_KEYS_MESSAGE,
    console_destination,
    console_signin_url,
    console_url_for,
    federation_base,
)
from xacct_gui.core.keys import KeyCredentials, KeyVault, SignInKey
from xacct_gui.core.profiles import RoleProfile

ACCESS_KEY = "ASIAFEDERATIONTEST01"
SECRET = "federationSecretKeyForTestsOnly/0000000+1"
TOKEN = "FwoGZXIvYXdzEFederationSessionToken" + "x" * 80
SIGNIN_TOKEN = "signin-token-" + "Q" * 40


def role_session(**changes: Any) -> RoleSession:
    now = datetime.now(timezone.utc)
    values: dict[str, Any] = {
        "access_key_id": ACCESS_KEY,
        "secret_access_key": SECRET,
        "session_token": TOKEN,
        "expiration": now + timedelta(hours=1),
        "issued": now,
        "assumed_role_arn": "arn:aws:sts::222222222222:assumed-role/Dev/xacct-test",
    }
    values.update(changes)
    return RoleSession(**values)


@dataclass
class Federation:
    """A stand-in federation endpoint that checks what it is sent."""

    status: int = 200
    body: bytes | None = None  # None: a proper {"SigninToken": ...} answer
    delay: float = 0.0
    requests: list[dict[str, str]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)

    def answer(self, path: str) -> tuple[int, bytes]:
        parts = urllib.parse.urlsplit(path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        self.paths.append(parts.path)
        self.requests.append(query)
        if parts.path != "/federation" or query.get("Action") != "getSigninToken":
            return 404, b"unknown action"
        if self.body is not None or self.status != 200:
            return self.status, self.body or b""
        return 200, json.dumps({"SigninToken": SIGNIN_TOKEN}).encode()


@pytest.fixture
def federation(monkeypatch: pytest.MonkeyPatch) -> Iterator[Federation]:
    state = Federation()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            if state.delay:
                time.sleep(state.delay)
            status, data = state.answer(self.path)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (timeout test)
                pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    monkeypatch.setenv(FEDERATION_URL_ENV, f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv(INSECURE_TEST_ENV, "1")  # a loopback stand-in speaks plain http
    # A developer's proxy settings must not send loopback requests elsewhere.
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_sign_in_link_carries_the_token_and_the_regional_console(
    federation: Federation, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = console_signin_url(role_session(), "eu-west-1", "aws")

    # Step 1: exactly one getSigninToken request carrying the role's three keys.
    assert len(federation.requests) == 1
    sent = federation.requests[0]
    assert sent["Action"] == "getSigninToken"
    assert set(sent) == {"Action", "Session"}
    assert json.loads(sent["Session"]) == {
        "sessionId": ACCESS_KEY,
        "sessionKey": SECRET,
        "sessionToken": TOKEN,
    }

    # Step 2: the login link on the same endpoint.
    parts = urllib.parse.urlsplit(url)
    base = urllib.parse.urlsplit(federation_base())
    assert (parts.scheme, parts.netloc, parts.path) == (base.scheme, base.netloc, "/federation")
    query = dict(urllib.parse.parse_qsl(parts.query))
    assert query == {
        "Action": "login",
        "Issuer": ISSUER,
        "Destination": "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1",
        "SigninToken": SIGNIN_TOKEN,
    }
    # The secret key never appears in the link the browser gets.
    assert SECRET not in urllib.parse.unquote(url) and TOKEN not in urllib.parse.unquote(url)


def test_keys_of_an_iam_user_are_refused_before_any_request(federation: Federation) -> None:
    static = role_session(session_token="", assumed_role_arn="sign-in key alice")
    with pytest.raises(FederationError) as info:
        console_signin_url(static, "eu-west-1")
    assert str(info.value) == STATIC_KEYS_MESSAGE
    assert info.value.code == "StaticKeys"
    assert federation.requests == []


def test_an_expired_session_is_refused_before_any_request(federation: Federation) -> None:
    now = datetime.now(timezone.utc)
    expired = role_session(expiration=now - timedelta(seconds=1))
    with pytest.raises(FederationError) as info:
        console_signin_url(expired, "us-east-1")
    assert info.value.code == "ExpiredToken"
    assert "expired" in str(info.value)
    assert federation.requests == []


@pytest.mark.parametrize("status", [400, 403, 500])
def test_a_refusal_names_the_status_and_never_the_secret(
    federation: Federation, status: int
) -> None:
    federation.status = status
    federation.body = b"Bad Request"
    with pytest.raises(FederationError) as info:
        console_signin_url(role_session(), "us-east-1")
    assert info.value.code == "Refused"
    message = str(info.value)
    assert f"HTTP {status}" in message
    assert "127.0.0.1" in message  # says which service refused
    assert SECRET not in message and TOKEN not in message and "Session=" not in message
    # The HTTPError (whose .url holds the secret) is not chained into tracebacks.
    assert info.value.__cause__ is None and info.value.__suppress_context__


@pytest.mark.parametrize(
    "body",
    [
        b"<html>maintenance</html>",
        b'{"Token": "wrong field"}',
        b'{"SigninToken": ""}',
        b'["SigninToken"]',
        b"\xff\xfe not utf-8",
        b'{"SigninToken": "' + b"x" * 70_000 + b'"}',
    ],
    ids=["html", "other-field", "empty-token", "not-an-object", "binary", "oversized"],
)
def test_an_unexpected_answer_is_a_bad_response(federation: Federation, body: bytes) -> None:
    federation.body = body
    with pytest.raises(FederationError) as info:
        console_signin_url(role_session(), "us-east-1")
    assert info.value.code == "BadResponse"
    assert "no sign-in token" in str(info.value)


def test_an_unreachable_endpoint_fails_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    # Bind a port, then close it: nothing listens there any more.
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_port
    server.server_close()
    monkeypatch.setenv(FEDERATION_URL_ENV, f"http://127.0.0.1:{port}")
    monkeypatch.setenv(INSECURE_TEST_ENV, "1")
    started = time.monotonic()
    with pytest.raises(FederationError) as info:
        console_signin_url(role_session(), "us-east-1", timeout=2)
    assert time.monotonic() - started < 2
    assert info.value.code == "Unreachable"
    assert "Cannot reach the AWS sign-in service" in str(info.value)
    assert SECRET not in str(info.value)


def test_a_silent_endpoint_times_out(federation: Federation) -> None:
    federation.delay = 2.0
    started = time.monotonic()
    with pytest.raises(FederationError) as info:
        console_signin_url(role_session(), "us-east-1", timeout=0.3)
    assert time.monotonic() - started < 1.5
    assert info.value.code == "Unreachable"


def test_neither_token_nor_link_reaches_the_log(
    federation: Federation, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    url = console_signin_url(role_session(), "eu-west-1")
    assert caplog.records, "expected the app's own log line"
    text = caplog.text
    for secret in (SECRET, TOKEN, SIGNIN_TOKEN, url, ACCESS_KEY):
        assert secret not in text


@pytest.mark.parametrize(
    ("partition", "base"),
    [
        ("aws", "https://signin.aws.amazon.com"),
        ("aws-cn", "https://signin.amazonaws.cn"),
        ("aws-us-gov", "https://signin.amazonaws-us-gov.com"),
    ],
)
def test_each_partition_has_its_own_sign_in_endpoint(
    partition: str, base: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(FEDERATION_URL_ENV, raising=False)
    assert federation_base(partition) == base


def test_a_partition_without_public_sign_in_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(FEDERATION_URL_ENV, raising=False)
    with pytest.raises(FederationError) as info:
        console_signin_url(role_session(), "us-iso-east-1", "aws-iso")
    assert info.value.code == "UnsupportedPartition"
    assert "aws-iso" in str(info.value)


def test_the_override_drops_a_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FEDERATION_URL_ENV, "https://eu-west-1.signin.aws.amazon.com/ ")
    assert federation_base("aws") == "https://eu-west-1.signin.aws.amazon.com"


@pytest.mark.parametrize(
    "value",
    [
        "https://signin.aws.amazon.com",
        "https://us-east-1.signin.aws.amazon.com",
        "https://signin.amazonaws.cn",
        "https://signin.amazonaws-us-gov.com",
    ],
)
def test_the_override_accepts_aws_sign_in_hosts(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(INSECURE_TEST_ENV, raising=False)
    monkeypatch.setenv(FEDERATION_URL_ENV, value)
    assert federation_base("aws") == value


@pytest.mark.parametrize(
    "value",
    [
        "http://signin.aws.amazon.com",  # the secret key in clear
        "https://evil.example",
        "https://signin.aws.amazon.com.evil.example",
        "https://evilsignin.aws.amazon.com",
        "https://user:pw@signin.aws.amazon.com",
        "https://signin.aws.amazon.com:8443",
        "https://signin.aws.amazon.com/somewhere",
        "signin.aws.amazon.com",  # no scheme: urllib raised outside the error handling
        "http://127.0.0.1:9",  # loopback without the test-only switch
        "https://[::1",
    ],
)
def test_the_override_refuses_anything_else_inside_the_error_handling(
    value: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv(INSECURE_TEST_ENV, raising=False)
    monkeypatch.setenv(FEDERATION_URL_ENV, value)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(FederationError) as info:
        console_signin_url(role_session(), "us-east-1")
    assert info.value.code == "BadFederationUrl"
    assert FEDERATION_URL_ENV in str(info.value)
    if value != "signin.aws.amazon.com":  # that one is named in the message as an example
        assert value not in str(info.value)
    assert value not in caplog.text
    assert SECRET not in caplog.text


def test_the_loopback_override_is_loud(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(FEDERATION_URL_ENV, "http://127.0.0.1:9")
    monkeypatch.setenv(INSECURE_TEST_ENV, "1")
    assert federation_base("aws") == "http://127.0.0.1:9"
    assert "TEST ONLY" in caplog.text


@pytest.mark.parametrize(
    ("region", "partition", "expected"),
    [
        (
            "ap-southeast-2",
            "aws",
            "https://ap-southeast-2.console.aws.amazon.com/console/home?region=ap-southeast-2",
        ),
        (None, "aws", "https://console.aws.amazon.com/console/home"),
        (
            "cn-north-1",
            "aws-cn",
            "https://console.amazonaws.cn/console/home?region=cn-north-1",
        ),
        (
            "us-gov-west-1",
            "aws-us-gov",
            "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1",
        ),
        # A malformed region never becomes part of a host name.
        ("evil.example.com/x", "aws", "https://console.aws.amazon.com/console/home"),
    ],
)
def test_console_destination(region: str | None, partition: str, expected: str) -> None:
    assert console_destination(region, partition) == expected


# --- the worker's job: assume (or reuse) the role, then federate ---

USER_KEY = "AKIASTANDINUSER00001"
USER_SECRET = "standInSecretKeyForTestsOnly0000000000001"


def test_console_url_for_a_profile_uses_its_role_session(
    federation: Federation, tmp_path: Any
) -> None:
    """STS stand-in for AssumeRole, federation stand-in for the sign-in: the Session sent
    to the sign-in service is exactly the role session STS issued, and it is reused."""
    backend = MemoryKeyring()
    vault = KeyVault(tmp_path, keyring_backend=lambda: backend)
    vault.save(SignInKey("alice"), KeyCredentials(USER_KEY, USER_SECRET))
    test = RoleProfile.from_dict(
        {
            "name": "Test",
            "account_id": "333333333333",
            "role_name": "TesterAccess",
            "external_id": "needs-an-external-id",  # what the console's switcher cannot do
            "source_key": "alice",
            "region": "eu-central-1",
        }
    )
    with StandIn(users={USER_KEY: "111111111111"}) as sts:
        service = AwsService(endpoint_url=sts.endpoint_url, keys=vault, max_attempts=1)
        url = console_url_for(service, test)
        again = console_url_for(service, test)
        assert sts.actions() == ["AssumeRole"]  # the second link reused the session
        assert sts.requests[0].params["ExternalId"] == "needs-an-external-id"
        [issued] = sts.issued.values()
    sent = [json.loads(r["Session"]) for r in federation.requests]
    assert (
        sent
        == [
            {
                "sessionId": issued.access_key_id,
                "sessionKey": issued.secret_access_key,
                "sessionToken": issued.session_token,
            }
        ]
        * 2
    )
    for link in (url, again):
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(link).query))
        assert query["Destination"] == (
            "https://eu-central-1.console.aws.amazon.com/console/home?region=eu-central-1"
        )


def test_console_url_for_an_mfa_profile_asks_for_the_code_first(
    federation: Federation, tmp_path: Any
) -> None:
    backend = MemoryKeyring()
    vault = KeyVault(tmp_path, keyring_backend=lambda: backend)
    serial = "arn:aws:iam::111111111111:mfa/alice"
    vault.save(SignInKey("alice", mfa_serial=serial), KeyCredentials(USER_KEY, USER_SECRET))
    dev = RoleProfile(name="Dev", account_id="222222222222", role_name="Dev", source_key="alice")
    with StandIn(users={USER_KEY: "111111111111"}) as sts:
        service = AwsService(endpoint_url=sts.endpoint_url, keys=vault, max_attempts=1)
        with pytest.raises(MfaCodeRequired) as info:
            console_url_for(service, dev)
        assert info.value.serial == serial
        assert sts.requests == []
        url = console_url_for(service, dev, mfa_code=sts.valid_mfa_code)
    assert sts.actions() == ["GetSessionToken", "AssumeRole"]
    assert "SigninToken=" in url and len(federation.requests) == 1
