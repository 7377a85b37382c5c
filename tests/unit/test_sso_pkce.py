"""Authorization code with PKCE against a real sso-oidc client (Stubber) and a real
loopback callback server reached by real HTTP GETs."""

from __future__ import annotations

import base64
import hashlib
import string
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import botocore.session
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.stub import ANY, Stubber

from xacct_gui.core.sso.errors import SignInDenied, SignInTimedOut, SsoCancelled, SsoError
from xacct_gui.core.sso.models import Registration, SsoInstance
from xacct_gui.core.sso.oidc import register_client, sign_in_pkce
from xacct_gui.core.sso.pkce import CallbackServer, new_pkce, s256

INSTANCE = SsoInstance("https://acme.awsapps.com/start", "eu-west-1", "Acme")
REGISTRATION = Registration(
    "client-1", "s" * 3000, datetime(2099, 1, 1, tzinfo=timezone.utc), "pkce"
)


@pytest.fixture
def oidc() -> Iterator[Any]:
    client = botocore.session.Session().create_client(
        "sso-oidc", region_name="eu-west-1", config=Config(signature_version=UNSIGNED)
    )
    yield client


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class Browser:
    """Plays the user's browser: after the authorize page, comes back to the redirect URI."""

    def __init__(self, answer: dict[str, str] | None = None, *, state: str | None = None) -> None:
        self.answer = answer
        self.state = state
        self.url = ""
        self.page: tuple[int, str] | None = None
        self._thread: threading.Thread | None = None

    def __call__(self, url: str) -> None:
        self.url = url
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
        if self.answer is None:
            return
        answer = {**self.answer, "state": self.state or query["state"]}
        target = f"{query['redirect_uri']}?{urllib.parse.urlencode(answer)}"
        self._thread = threading.Thread(target=lambda: setattr(self, "page", _get(target)))
        self._thread.start()

    def join(self) -> tuple[int, str]:
        assert self._thread is not None
        self._thread.join(5)
        assert self.page is not None
        return self.page

    @property
    def query(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.url).query))


def test_verifier_and_s256_challenge() -> None:
    pkce = new_pkce()
    assert len(pkce.verifier) == 64
    assert set(pkce.verifier) <= set(string.ascii_letters + string.digits + "-._~")
    expected = base64.urlsafe_b64encode(hashlib.sha256(pkce.verifier.encode()).digest())
    assert pkce.challenge == expected.decode().rstrip("=")
    assert len(pkce.challenge) == 43 and "=" not in pkce.challenge
    assert pkce.verifier not in repr(pkce)
    # RFC 7636 appendix B's example pair.
    assert s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == (
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )


def test_registration_for_pkce_asks_for_refresh_tokens(oidc: Any) -> None:
    with Stubber(oidc) as stub:
        stub.add_response(
            "register_client",
            {"clientId": "c", "clientSecret": "x" * 4000, "clientSecretExpiresAt": 4102444800},
            {
                "clientName": "xacct",
                "clientType": "public",
                "scopes": ["sso:account:access"],
                "grantTypes": ["authorization_code", "refresh_token"],
                "redirectUris": ["http://127.0.0.1/oauth/callback"],
                "issuerUrl": "https://acme.awsapps.com/start",
            },
        )
        registration = register_client(oidc, INSTANCE, "pkce")
        stub.assert_no_pending_responses()
    assert registration.expires_at == datetime(2100, 1, 1, tzinfo=timezone.utc)
    assert registration.flow == "pkce"


def test_authorize_url_and_code_exchange(oidc: Any) -> None:
    sent: dict[str, Any] = {}
    oidc.meta.events.register(
        "before-parameter-build.sso-oidc.CreateToken", lambda params, **_: sent.update(params)
    )
    browser = Browser({"code": "the-code"})
    with Stubber(oidc) as stub:
        stub.add_response(
            "create_token",
            {"accessToken": "at", "expiresIn": 3600, "refreshToken": "rt", "tokenType": "Bearer"},
            {
                "clientId": "client-1",
                "clientSecret": "s" * 3000,
                "grantType": "authorization_code",
                "code": "the-code",
                "codeVerifier": ANY,
                "redirectUri": ANY,
            },
        )
        token = sign_in_pkce(oidc, INSTANCE, REGISTRATION, browser)
        stub.assert_no_pending_responses()
    parts = urllib.parse.urlsplit(browser.url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://oidc.eu-west-1.amazonaws.com/authorize"
    )
    query = browser.query
    assert query["response_type"] == "code"
    assert query["client_id"] == "client-1"
    assert query["code_challenge_method"] == "S256"
    assert query["scopes"] == "sso:account:access"
    assert uuid.UUID(query["state"]).version == 4
    redirect = urllib.parse.urlsplit(query["redirect_uri"])
    assert (redirect.scheme, redirect.hostname, redirect.path) == (
        "http",
        "127.0.0.1",
        "/oauth/callback",
    )
    assert redirect.port and redirect.port > 0
    # The challenge in the browser is the S256 of the verifier sent to CreateToken.
    assert s256(sent["codeVerifier"]) == query["code_challenge"]
    assert sent["redirectUri"] == query["redirect_uri"]
    status, page = browser.join()
    assert status == 200 and "go back to xacct" in page and "the-code" not in page
    assert (token.access_token, token.refresh_token, token.flow) == ("at", "rt", "pkce")


def test_wrong_state_is_refused_and_no_token_is_asked_for(oidc: Any) -> None:
    browser = Browser({"code": "stolen"}, state=str(uuid.uuid4()))
    with Stubber(oidc) as stub, pytest.raises(SsoError) as caught:
        sign_in_pkce(oidc, INSTANCE, REGISTRATION, browser)
    stub.assert_no_pending_responses()  # CreateToken was never called
    assert caught.value.code == "StateMismatch"
    assert "wrong state" in str(caught.value)
    status, page = browser.join()
    assert status == 400 and "wrong state" in page and "xacct" in page


def test_access_denied_in_the_browser(oidc: Any) -> None:
    browser = Browser({"error": "access_denied"})
    with Stubber(oidc), pytest.raises(SignInDenied) as caught:
        sign_in_pkce(oidc, INSTANCE, REGISTRATION, browser)
    assert str(caught.value) == "Sign-in to Acme was denied in the browser."
    status, page = browser.join()
    assert status == 200 and "Access was denied" in page and "Go back to xacct" in page


def test_unrelated_requests_do_not_end_the_wait() -> None:
    with CallbackServer("state-1", "Acme") as server:
        results: dict[str, Any] = {}

        def visit() -> None:
            results["favicon"] = _get(f"http://127.0.0.1:{server.port}/favicon.ico")[0]
            results["callback"] = _get(f"{server.redirect_uri}?code=c1&state=state-1")[0]

        thread = threading.Thread(target=visit)
        thread.start()
        assert server.wait(timeout=5) == "c1"
        thread.join(5)
    assert results == {"favicon": 404, "callback": 200}


def test_times_out() -> None:
    with CallbackServer("s", "Acme") as server, pytest.raises(SignInTimedOut) as caught:
        server.wait(timeout=0.3)
    assert "timed out" in str(caught.value)


def test_cancel_stops_the_wait_and_frees_the_port() -> None:
    cancel = threading.Event()
    with CallbackServer("s", "Acme") as server:
        port = server.port
        threading.Timer(0.2, cancel.set).start()
        with pytest.raises(SsoCancelled):
            server.wait(timeout=30, cancel=cancel)
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/oauth/callback", timeout=2)
