"""The device-code flow against a real sso-oidc client (Stubber); no test waits."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import botocore.session
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.stub import Stubber

from xacct_gui.core.sso.errors import SignInDenied, SignInTimedOut, SsoCancelled
from xacct_gui.core.sso.models import DeviceCode, Registration, SsoInstance
from xacct_gui.core.sso.oidc import DEVICE_GRANT, register_client, sign_in_device

INSTANCE = SsoInstance("https://acme.awsapps.com/start", "eu-west-1", "Acme")
REGISTRATION = Registration("cid", "secret", datetime(2099, 1, 1, tzinfo=timezone.utc), "device")
POLL = {
    "clientId": "cid",
    "clientSecret": "secret",
    "grantType": DEVICE_GRANT,
    "deviceCode": "dev-code",
}


@pytest.fixture
def oidc() -> Iterator[Any]:
    yield botocore.session.Session().create_client(
        "sso-oidc", region_name="eu-west-1", config=Config(signature_version=UNSIGNED)
    )


def _start(stub: Stubber, interval: int = 5) -> None:
    stub.add_response(
        "start_device_authorization",
        {
            "deviceCode": "dev-code",
            "userCode": "ABCD-EFGH",
            "verificationUri": "https://device.sso.eu-west-1.amazonaws.com/",
            "verificationUriComplete": "https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH",
            "expiresIn": 600,
            "interval": interval,
        },
        {"clientId": "cid", "clientSecret": "secret", "startUrl": INSTANCE.start_url},
    )


def _oauth_error(stub: Stubber, code: str, error: str) -> None:
    stub.add_client_error(
        "create_token",
        service_error_code=code,
        service_message="",
        http_status_code=400,
        response_meta={"error": error},
        expected_params=POLL,
    )


def test_registration_for_the_device_flow(oidc: Any) -> None:
    with Stubber(oidc) as stub:
        stub.add_response(
            "register_client",
            {"clientId": "c", "clientSecret": "x", "clientSecretExpiresAt": 4102444800},
            {
                "clientName": "xacct",
                "clientType": "public",
                "scopes": ["sso:account:access"],
                "grantTypes": [DEVICE_GRANT, "refresh_token"],
            },
        )
        register_client(oidc, INSTANCE, "device")
        stub.assert_no_pending_responses()


def test_pending_then_slow_down_then_success(oidc: Any) -> None:
    shown: list[DeviceCode] = []
    slept: list[float] = []
    with Stubber(oidc) as stub:
        _start(stub, interval=5)
        _oauth_error(stub, "AuthorizationPendingException", "authorization_pending")
        _oauth_error(stub, "SlowDownException", "slow_down")
        _oauth_error(stub, "AuthorizationPendingException", "authorization_pending")
        _oauth_error(stub, "SlowDownException", "slow_down")
        stub.add_response(
            "create_token",
            {"accessToken": "at", "expiresIn": 28800, "refreshToken": "rt"},
            POLL,
        )
        token = sign_in_device(oidc, INSTANCE, REGISTRATION, shown.append, sleep=slept.append)
        stub.assert_no_pending_responses()
    assert [c.user_code for c in shown] == ["ABCD-EFGH"]
    assert shown[0].verification_uri_complete.endswith("?user_code=ABCD-EFGH")
    # 5 s while pending, +5 s after each slow_down, and polling goes on.
    assert slept == [5, 10, 10, 15]
    assert (token.access_token, token.refresh_token, token.flow) == ("at", "rt", "device")


def test_expired_code_stops(oidc: Any) -> None:
    slept: list[float] = []
    with Stubber(oidc) as stub:
        _start(stub)
        _oauth_error(stub, "AuthorizationPendingException", "authorization_pending")
        _oauth_error(stub, "ExpiredTokenException", "expired_token")
        with pytest.raises(SignInTimedOut) as caught:
            sign_in_device(oidc, INSTANCE, REGISTRATION, lambda _: None, sleep=slept.append)
        stub.assert_no_pending_responses()
    assert slept == [5]
    assert str(caught.value) == (
        "The sign-in code for Acme expired before it was approved; sign in again."
    )


def test_denied_stops(oidc: Any) -> None:
    with Stubber(oidc) as stub:
        _start(stub)
        _oauth_error(stub, "AccessDeniedException", "access_denied")
        with pytest.raises(SignInDenied):
            sign_in_device(oidc, INSTANCE, REGISTRATION, lambda _: None, sleep=lambda _: None)
        stub.assert_no_pending_responses()


def test_cancel_during_the_wait(oidc: Any) -> None:
    cancel = threading.Event()
    with Stubber(oidc) as stub:
        _start(stub)
        _oauth_error(stub, "AuthorizationPendingException", "authorization_pending")
        with pytest.raises(SsoCancelled):
            sign_in_device(
                oidc,
                INSTANCE,
                REGISTRATION,
                lambda _: None,
                cancel=cancel,
                sleep=lambda _: cancel.set(),  # the user clicks Cancel while we wait
            )
        stub.assert_no_pending_responses()


def test_default_sleep_wakes_on_cancel(oidc: Any) -> None:
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    with Stubber(oidc) as stub:
        _start(stub, interval=30)
        _oauth_error(stub, "AuthorizationPendingException", "authorization_pending")
        with pytest.raises(SsoCancelled):
            sign_in_device(oidc, INSTANCE, REGISTRATION, lambda _: None, cancel=cancel)


def test_gives_up_after_the_timeout_even_with_an_instant_sleep(oidc: Any) -> None:
    with Stubber(oidc) as stub:
        _start(stub, interval=5)
        for _ in range(3):
            _oauth_error(stub, "AuthorizationPendingException", "authorization_pending")
        with pytest.raises(SignInTimedOut):
            sign_in_device(
                oidc, INSTANCE, REGISTRATION, lambda _: None, sleep=lambda _: None, timeout=12
            )
