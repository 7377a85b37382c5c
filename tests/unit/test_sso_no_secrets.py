"""No access token, refresh token or client secret in any repr, error message or log line."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError
from botocore.stub import Stubber

from tests.sso_stand_in import WindowsSizedKeyring
from xacct_gui.core.sso.errors import SsoError, to_sso_error
from xacct_gui.core.sso.models import (
    Registration,
    RoleCredentials,
    SessionInfo,
    SsoInstance,
    SsoToken,
)
from xacct_gui.core.sso.pkce import new_pkce
from xacct_gui.core.sso.session import SsoSessions
from xacct_gui.core.sso.store import SsoStore

ACCESS = "aoaACCESS-TOKEN-0123456789"
REFRESH = "aorREFRESH-TOKEN-0123456789"
CLIENT_SECRET = "CLIENT-SECRET-0123456789"
SECRETS = (ACCESS, REFRESH, CLIENT_SECRET)
NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
ACME = SsoInstance("https://acme.awsapps.com/start", "eu-west-1", "Acme")


def _clean(text: str) -> None:
    for secret in (*SECRETS, "SECRET-KEY-xyz", "SESSION-TOKEN-xyz"):
        assert secret not in text


def test_reprs_hide_secrets() -> None:
    objects: list[Any] = [
        SsoToken(ACCESS, NOW, "pkce", REFRESH),
        Registration("cid", CLIENT_SECRET, NOW, "device"),
        RoleCredentials("ASIAXYZ", "SECRET-KEY-xyz", "SESSION-TOKEN-xyz", NOW),
        SessionInfo(ACME, NOW, True, "pkce"),
    ]
    for obj in objects:
        _clean(repr(obj))
        _clean(str(obj))
    pkce = new_pkce()
    assert pkce.verifier not in repr(pkce)


@pytest.mark.parametrize(
    "code",
    [
        "InvalidGrantException",
        "ExpiredTokenException",
        "UnauthorizedException",
        "InvalidClientException",
        "AccessDeniedException",
        "TooManyRequestsException",
        "InvalidRequestException",
        "InternalServerException",
        "SomethingNewException",
    ],
)
def test_error_messages_never_echo_the_response(code: str) -> None:
    response: Any = {
        "Error": {"Code": code, "Message": f"bad token {ACCESS} for {CLIENT_SECRET}"},
        "error_description": REFRESH,
        "ResponseMetadata": {"HTTPStatusCode": 400},
    }
    error = to_sso_error(ClientError(response, "CreateToken"), "Acme", "sign in to Acme")
    message = str(error)
    _clean(message)
    assert message.endswith(".") and "\n" not in message and "Acme" in message


def test_network_errors_name_no_url_secret() -> None:
    exc = EndpointConnectionError(endpoint_url=f"https://oidc.eu-west-1.amazonaws.com/?t={ACCESS}")
    message = str(to_sso_error(exc, "Acme", "sign in"))
    _clean(message)
    assert "Cannot reach Identity Center of Acme" in message


def test_a_failed_refresh_logs_and_raises_nothing_secret(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    keyring = WindowsSizedKeyring()
    session = botocore.session.Session()
    oidc = session.create_client(
        "sso-oidc", region_name="eu-west-1", config=Config(signature_version=UNSIGNED)
    )

    class Clients:
        def oidc(self, region: str) -> Any:
            return oidc

        def portal(self, region: str) -> Any:
            raise AssertionError("no portal call expected")

    sessions = SsoSessions(SsoStore(tmp_path, lambda: keyring), Clients(), now=lambda: NOW)
    sessions.store.save_registration(
        ACME, Registration("cid", CLIENT_SECRET, NOW + timedelta(days=9), "pkce")
    )
    sessions.store.save_token(ACME, SsoToken(ACCESS, NOW + timedelta(minutes=3), "pkce", REFRESH))
    caplog.set_level(logging.DEBUG)
    with Stubber(oidc) as stub:
        stub.add_client_error(
            "create_token",
            service_error_code="InvalidGrantException",
            service_message=f"refresh token {REFRESH} is invalid",
            http_status_code=400,
        )
        with pytest.raises(SsoError) as caught:
            sessions.access_token(ACME)
    _clean(str(caught.value))
    _clean(repr(caught.value))
    _clean(caplog.text)
    for path in tmp_path.rglob("*"):
        if path.is_file():
            _clean(path.read_text(errors="replace"))
