"""Refreshing the access token through SsoSessions, with a real sso-oidc client (Stubber)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber

from tests.sso_stand_in import WindowsSizedKeyring
from xacct_gui.core.sso.errors import SsoNetworkError, SsoNotSignedIn, SsoSessionExpired
from xacct_gui.core.sso.models import Registration, SsoInstance, SsoToken
from xacct_gui.core.sso.session import SsoSessions
from xacct_gui.core.sso.store import SsoStore

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
ACME = SsoInstance("https://acme.awsapps.com/start", "eu-west-1", "Acme")
SECRET = "S" * 3500  # longer than two keyring entries


class StubbedClients:
    def __init__(self) -> None:
        session = botocore.session.Session()
        config = Config(signature_version=UNSIGNED)
        self.oidc_client = session.create_client("sso-oidc", region_name="eu-west-1", config=config)
        self.portal_client = session.create_client("sso", region_name="eu-west-1", config=config)

    def oidc(self, region: str) -> Any:
        assert region == "eu-west-1"
        return self.oidc_client

    def portal(self, region: str) -> Any:
        return self.portal_client


@pytest.fixture
def clients() -> StubbedClients:
    return StubbedClients()


@pytest.fixture
def keyring() -> WindowsSizedKeyring:
    return WindowsSizedKeyring()


@pytest.fixture
def sessions(tmp_path: Path, clients: StubbedClients, keyring: WindowsSizedKeyring) -> SsoSessions:
    return SsoSessions(SsoStore(tmp_path, lambda: keyring), clients, now=lambda: NOW)


@pytest.fixture
def oidc_stub(clients: StubbedClients) -> Iterator[Stubber]:
    with Stubber(clients.oidc_client) as stub:
        yield stub
        stub.assert_no_pending_responses()


def _seed(sessions: SsoSessions, left: timedelta, *, refresh: str | None = "rt1") -> None:
    sessions.store.save_registration(
        ACME, Registration("cid", SECRET, NOW + timedelta(days=80), "pkce")
    )
    sessions.store.save_token(ACME, SsoToken("at1", NOW + left, "pkce", refresh))


def _refresh_params(refresh_token: str) -> dict[str, str]:
    return {
        "clientId": "cid",
        "clientSecret": SECRET,
        "grantType": "refresh_token",
        "refreshToken": refresh_token,
    }


def test_plenty_left_no_call(sessions: SsoSessions, oidc_stub: Stubber) -> None:
    _seed(sessions, timedelta(minutes=16))
    assert sessions.access_token(ACME) == "at1"


def test_refresh_before_expiry_stores_the_new_refresh_token(
    sessions: SsoSessions, oidc_stub: Stubber
) -> None:
    _seed(sessions, timedelta(minutes=14))
    oidc_stub.add_response(
        "create_token",
        {"accessToken": "at2", "expiresIn": 3600, "refreshToken": "rt2"},
        _refresh_params("rt1"),
    )
    assert sessions.access_token(ACME) == "at2"
    stored = sessions.store.load_token(ACME)
    assert stored is not None
    assert (stored.refresh_token, stored.expires_at) == ("rt2", NOW + timedelta(hours=1))
    assert sessions.access_token(ACME) == "at2"  # fresh now: no second call


def test_an_answer_without_refresh_token_keeps_the_old_one(
    sessions: SsoSessions, oidc_stub: Stubber
) -> None:
    _seed(sessions, timedelta(minutes=1))
    oidc_stub.add_response(
        "create_token", {"accessToken": "at2", "expiresIn": 3600}, _refresh_params("rt1")
    )
    assert sessions.access_token(ACME) == "at2"
    stored = sessions.store.load_token(ACME)
    assert stored is not None and stored.refresh_token == "rt1"


@pytest.mark.parametrize(
    "code", ["InvalidGrantException", "ExpiredTokenException", "InvalidClientException"]
)
def test_failed_refresh_says_sign_in_again_and_forgets_the_token(
    sessions: SsoSessions, oidc_stub: Stubber, code: str
) -> None:
    _seed(sessions, timedelta(minutes=5))
    oidc_stub.add_client_error(
        "create_token",
        service_error_code=code,
        service_message="Invalid refresh token rt1 for client cid",
        http_status_code=401 if code == "InvalidClientException" else 400,
        expected_params=_refresh_params("rt1"),
    )
    with pytest.raises(SsoSessionExpired) as caught:
        sessions.access_token(ACME)
    assert str(caught.value) == "Session for Acme expired — sign in again."
    assert sessions.store.load_token(ACME) is None
    with pytest.raises(SsoSessionExpired):
        sessions.access_token(ACME)
    registration = sessions.store.load_registration(ACME, "pkce")
    assert (registration is None) == (code == "InvalidClientException")


def test_offline_refresh_keeps_a_still_valid_token(
    sessions: SsoSessions, clients: StubbedClients
) -> None:
    _seed(sessions, timedelta(minutes=10))

    def offline(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="https://oidc.eu-west-1.amazonaws.com/token")

    clients.oidc_client.meta.events.register("before-call.sso-oidc.CreateToken", offline)
    assert sessions.access_token(ACME) == "at1"


def test_offline_refresh_of_an_expired_token_is_a_network_error(
    sessions: SsoSessions, clients: StubbedClients
) -> None:
    _seed(sessions, timedelta(seconds=-5))

    def offline(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="https://oidc.eu-west-1.amazonaws.com/token")

    clients.oidc_client.meta.events.register("before-call.sso-oidc.CreateToken", offline)
    with pytest.raises(SsoNetworkError) as caught:
        sessions.access_token(ACME)
    assert "Cannot reach Identity Center of Acme" in str(caught.value)
    assert sessions.store.load_token(ACME) is not None  # the refresh token may work later


def test_without_a_refresh_token_the_session_ends_at_expiry(
    sessions: SsoSessions, oidc_stub: Stubber
) -> None:
    _seed(sessions, timedelta(minutes=10), refresh=None)
    assert sessions.access_token(ACME) == "at1"  # still valid: used as is
    sessions.store.save_token(ACME, SsoToken("at1", NOW - timedelta(minutes=1), "pkce"))
    with pytest.raises(SsoSessionExpired):
        sessions.access_token(ACME)


def test_expired_registration_cannot_refresh(sessions: SsoSessions, oidc_stub: Stubber) -> None:
    sessions.store.save_registration(
        ACME, Registration("cid", SECRET, NOW - timedelta(days=1), "pkce")
    )
    sessions.store.save_token(ACME, SsoToken("at1", NOW - timedelta(minutes=1), "pkce", "rt1"))
    with pytest.raises(SsoSessionExpired):
        sessions.access_token(ACME)


def test_never_signed_in(sessions: SsoSessions) -> None:
    with pytest.raises(SsoNotSignedIn) as caught:
        sessions.access_token(ACME)
    assert str(caught.value) == "Not signed in to Acme: sign in first."


def test_a_token_the_portal_refused_is_forgotten_when_it_cannot_be_renewed(
    sessions: SsoSessions, clients: StubbedClients
) -> None:
    _seed(sessions, timedelta(hours=1), refresh=None)  # looks valid for an hour
    with Stubber(clients.portal_client) as portal:
        portal.add_client_error(
            "get_role_credentials",
            service_error_code="UnauthorizedException",
            service_message="Session token not found or invalid",
            http_status_code=401,
        )
        with pytest.raises(SsoSessionExpired):
            sessions.role_credentials(ACME, "111111111111", "Admin")
        portal.assert_no_pending_responses()
    assert sessions.store.load_token(ACME) is None
