"""The ``sso-oidc`` calls: register a client, sign in (PKCE or device code), refresh.

Each function takes a ready ``sso-oidc`` client (see :mod:`.clients`) and returns
plain data from :mod:`.models`; failures become :class:`~.errors.SsoError`.
``open_url`` / ``on_device_code`` are the caller's: the GUI opens the browser or
shows the code; this module never opens a browser by itself.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from botocore.exceptions import ClientError

from .clients import oidc_base_url
from .errors import (
    SignInDenied,
    SignInTimedOut,
    SsoError,
    cancelled,
    error_code,
    session_expired,
    to_sso_error,
)
from .models import SCOPES, DeviceCode, Flow, Registration, SsoInstance, SsoToken
from .pkce import (
    REGISTERED_REDIRECT_URI,
    SIGN_IN_TIMEOUT,
    CallbackServer,
    authorize_url,
    new_pkce,
    new_state,
)

log = logging.getLogger(__name__)

CLIENT_NAME = "xacct"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
GRANT_TYPES: dict[Flow, list[str]] = {
    "pkce": ["authorization_code", "refresh_token"],
    "device": [DEVICE_GRANT, "refresh_token"],
}
SLOW_DOWN_STEP = 5
DEFAULT_INTERVAL = 5

Clock = Callable[[], datetime]
Sleep = Callable[[float], None]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def register_client(
    oidc: Any, instance: SsoInstance, flow: Flow, *, now: Clock = _now
) -> Registration:
    """RegisterClient for one flow, as AWS CLI v2 does (public client, account-access scope)."""
    kwargs: dict[str, Any] = {
        "clientName": CLIENT_NAME,
        "clientType": "public",
        "scopes": list(SCOPES),
        "grantTypes": GRANT_TYPES[flow],
    }
    if flow == "pkce":
        kwargs["redirectUris"] = [REGISTERED_REDIRECT_URI]
        kwargs["issuerUrl"] = instance.start_url
    try:
        response = oidc.register_client(**kwargs)
    except Exception as exc:
        raise to_sso_error(exc, instance.org, f"sign in to {instance.org}") from None
    expires = response.get("clientSecretExpiresAt")
    expires_at = (
        datetime.fromtimestamp(int(expires), timezone.utc)
        if isinstance(expires, int | float) and expires > 0
        else now() + timedelta(days=90)
    )
    return Registration(
        client_id=str(response["clientId"]),
        client_secret=str(response["clientSecret"]),
        expires_at=expires_at,
        flow=flow,
        scopes=SCOPES,
    )


def _token(response: dict[str, Any], flow: Flow, now: Clock, previous: str | None) -> SsoToken:
    refresh = response.get("refreshToken")
    return SsoToken(
        access_token=str(response["accessToken"]),
        expires_at=now() + timedelta(seconds=int(response.get("expiresIn", 0))),
        flow=flow,
        # An answer without a refresh token keeps the one we had.
        refresh_token=str(refresh) if refresh else previous,
    )


# --- authorization code with PKCE ---


def sign_in_pkce(
    oidc: Any,
    instance: SsoInstance,
    registration: Registration,
    open_url: Callable[[str], object],
    *,
    cancel: threading.Event | None = None,
    timeout: float = SIGN_IN_TIMEOUT,
    now: Clock = _now,
) -> SsoToken:
    """Open the authorize page through ``open_url``, wait for the callback, trade the code."""
    pkce = new_pkce()
    state = new_state()
    doing = f"sign in to {instance.org}"
    try:
        base = oidc_base_url(oidc)
    except Exception as exc:
        raise to_sso_error(exc, instance.org, doing) from None
    with CallbackServer(state, instance.org) as server:
        url = authorize_url(
            base,
            client_id=registration.client_id,
            redirect_uri=server.redirect_uri,
            state=state,
            challenge=pkce.challenge,
            scopes=registration.scopes,
        )
        open_url(url)
        code = server.wait(timeout=timeout, cancel=cancel)
        redirect_uri = server.redirect_uri
    if cancel is not None and cancel.is_set():
        raise cancelled()
    try:
        response = oidc.create_token(
            clientId=registration.client_id,
            clientSecret=registration.client_secret,
            grantType="authorization_code",
            code=code,
            codeVerifier=pkce.verifier,
            redirectUri=redirect_uri,
        )
    except ClientError as exc:
        if error_code(exc) == "AccessDeniedException":
            raise SignInDenied(f"Sign-in to {instance.org} was denied.", "AccessDenied") from None
        if error_code(exc) in ("InvalidGrantException", "ExpiredTokenException"):
            raise SsoError(
                f"Identity Center of {instance.org} did not accept the browser's code; "
                "sign in again.",
                error_code(exc),
            ) from None
        raise to_sso_error(exc, instance.org, doing) from None
    except Exception as exc:
        raise to_sso_error(exc, instance.org, doing) from None
    return _token(response, "pkce", now, None)


# --- device code ---


def start_device_authorization(
    oidc: Any, instance: SsoInstance, registration: Registration, *, now: Clock = _now
) -> tuple[DeviceCode, str, int]:
    """StartDeviceAuthorization: the code to show, the device code and the poll interval."""
    try:
        response = oidc.start_device_authorization(
            clientId=registration.client_id,
            clientSecret=registration.client_secret,
            startUrl=instance.start_url,
        )
    except Exception as exc:
        raise to_sso_error(exc, instance.org, f"sign in to {instance.org}") from None
    shown = DeviceCode(
        user_code=str(response.get("userCode", "")),
        verification_uri=str(response.get("verificationUri", "")),
        verification_uri_complete=str(
            response.get("verificationUriComplete") or response.get("verificationUri", "")
        ),
        expires_at=now() + timedelta(seconds=int(response.get("expiresIn", 600))),
    )
    interval = int(response.get("interval") or DEFAULT_INTERVAL)
    return shown, str(response["deviceCode"]), max(interval, 1)


def sign_in_device(
    oidc: Any,
    instance: SsoInstance,
    registration: Registration,
    on_device_code: Callable[[DeviceCode], object],
    *,
    cancel: threading.Event | None = None,
    sleep: Sleep | None = None,
    now: Clock = _now,
    timeout: float = SIGN_IN_TIMEOUT,
) -> SsoToken:
    """Show the user code, then poll CreateToken until approved, denied, expired or cancelled.

    ``sleep`` waits between polls (default: waits on ``cancel``, so cancelling wakes it).
    """
    shown, device_code, interval = start_device_authorization(oidc, instance, registration, now=now)
    on_device_code(shown)
    wait = sleep or _cancellable_sleep(cancel)
    deadline = time.monotonic() + timeout
    waited = 0.0
    doing = f"sign in to {instance.org}"
    while True:
        if cancel is not None and cancel.is_set():
            raise cancelled()
        try:
            response = oidc.create_token(
                clientId=registration.client_id,
                clientSecret=registration.client_secret,
                grantType=DEVICE_GRANT,
                deviceCode=device_code,
            )
            return _token(response, "device", now, None)
        except ClientError as exc:
            code = error_code(exc)
            if code == "SlowDownException":
                interval += SLOW_DOWN_STEP
            elif code == "AuthorizationPendingException":
                pass
            elif code == "ExpiredTokenException":
                raise SignInTimedOut(
                    f"The sign-in code for {instance.org} expired before it was approved; "
                    "sign in again.",
                    code,
                ) from None
            elif code == "AccessDeniedException":
                raise SignInDenied(
                    f"Sign-in to {instance.org} was denied on the verification page.", code
                ) from None
            else:
                raise to_sso_error(exc, instance.org, doing) from None
        except Exception as exc:
            raise to_sso_error(exc, instance.org, doing) from None
        # An injected sleep does not advance the clock, so count what was waited too.
        waited += interval
        if time.monotonic() > deadline or waited > timeout:
            raise SignInTimedOut(
                f"Sign-in to {instance.org} timed out: the code was not approved in time.",
                "TimedOut",
            )
        wait(interval)


def _cancellable_sleep(cancel: threading.Event | None) -> Sleep:
    event = cancel or threading.Event()

    def sleep(seconds: float) -> None:
        event.wait(seconds)

    return sleep


# --- refresh ---


def refresh(
    oidc: Any,
    instance: SsoInstance,
    registration: Registration,
    token: SsoToken,
    *,
    now: Clock = _now,
) -> SsoToken:
    """CreateToken with the refresh token; raises SsoSessionExpired when it is dead."""
    if not token.refresh_token:
        raise session_expired(instance.org)
    try:
        response = oidc.create_token(
            clientId=registration.client_id,
            clientSecret=registration.client_secret,
            grantType="refresh_token",
            refreshToken=token.refresh_token,
        )
    except Exception as exc:
        error = to_sso_error(exc, instance.org, f"renew the session for {instance.org}")
        log.info("refresh for %s failed: %s", instance.org, error.code)
        if isinstance(exc, ClientError) and error.code in (
            "AccessDeniedException",
            "InvalidRequestException",
        ):
            raise session_expired(instance.org) from None
        raise error from None
    return _token(response, token.flow, now, token.refresh_token)
