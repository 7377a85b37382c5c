"""Every IAM Identity Center failure as one sentence a user can act on.

The sentences never carry a response body, a token or a client secret: only
the organisation's label and, at most, AWS's short error code (kept apart in
``code`` for logs and tests).
"""

from __future__ import annotations

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ProxyConnectionError,
    ReadTimeoutError,
    SSLError,
)

from ..errors import XacctError

# sso-oidc answers a dead refresh token or registration with one of these.
SESSION_DEAD_CODES = frozenset(
    {
        "InvalidGrantException",
        "ExpiredTokenException",
        "UnauthorizedException",
        "InvalidClientException",
        "UnauthorizedClientException",
    }
)
THROTTLING_CODES = frozenset(
    {"TooManyRequestsException", "ThrottlingException", "SlowDownException"}
)


class SsoError(XacctError):
    """An Identity Center failure; ``str()`` is for the user, ``code`` for logs."""

    def __init__(self, message: str, code: str = "SsoError") -> None:
        super().__init__(message)
        self.code = code


class StartUrlError(SsoError):
    """The text is not an Identity Center start URL."""


class SignInDenied(SsoError):
    """The user (or the organisation's policy) refused the sign-in."""


class SignInTimedOut(SsoError):
    """The browser or device approval did not come in time."""


class SsoCancelled(SsoError):
    """The caller cancelled the sign-in or the listing."""


class SsoNetworkError(SsoError):
    """Identity Center could not be reached."""


class SsoThrottled(SsoError):
    """Identity Center kept throttling requests past the retry budget."""


class SsoSessionExpired(SsoError):
    """No usable token: the user must sign in again (the app never opens a browser itself)."""


class SsoNotSignedIn(SsoSessionExpired):
    """Nothing stored for this start URL yet."""


class SsoStorageError(SsoError):
    """The keyring refused, lost or damaged a stored secret."""


class SsoBusy(SsoError):
    """Another thread or process holds this start URL's sign-in lock too long."""


def session_expired(org: str) -> SsoSessionExpired:
    return SsoSessionExpired(f"Session for {org} expired — sign in again.", "SessionExpired")


def cancelled() -> SsoCancelled:
    return SsoCancelled("Cancelled.", "Cancelled")


_NETWORK = (
    EndpointConnectionError,
    ConnectTimeoutError,
    ReadTimeoutError,
    ConnectionClosedError,
    ProxyConnectionError,
    SSLError,
)


def error_code(exc: BaseException) -> str:
    """AWS's error code of a ClientError ('' for anything else)."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", "") or "")
    return ""


def to_sso_error(exc: BaseException, org: str, doing: str) -> SsoError:
    """Map an exception raised by an sso-oidc or sso call.

    ``doing`` completes "Could not …", e.g. "sign in to Acme" or "list the accounts".
    """
    if isinstance(exc, SsoError):
        return exc
    if isinstance(exc, ClientError):
        code = error_code(exc) or "Unknown"
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in SESSION_DEAD_CODES or status == 401:
            error = session_expired(org)
            error.code = code
            return error
        if code == "AccessDeniedException" or status == 403:
            return SignInDenied(f"Identity Center of {org} denied access: could not {doing}.", code)
        if code in THROTTLING_CODES or status == 429:
            return SsoThrottled(
                f"Identity Center of {org} is throttling requests: could not {doing}. "
                "Wait a minute and try again.",
                code,
            )
        if code == "ResourceNotFoundException":
            return SsoError(f"Identity Center of {org} no longer has that account or role.", code)
        if code == "InvalidRequestRegionException":
            return SsoError(
                f"The Identity Center of {org} lives in another region: check the region.", code
            )
        # The code (not AWS's text, which may echo request data) names the cause.
        return SsoError(f"Identity Center of {org} refused to {doing} ({code}).", code)
    if isinstance(exc, _NETWORK):
        return SsoNetworkError(
            f"Cannot reach Identity Center of {org}: check that you are online and the "
            "proxy settings.",
            type(exc).__name__,
        )
    if isinstance(exc, BotoCoreError | OSError):
        return SsoNetworkError(
            f"Could not {doing}: the connection to Identity Center of {org} failed "
            f"({type(exc).__name__}).",
            type(exc).__name__,
        )
    return SsoError(f"Could not {doing} (unexpected {type(exc).__name__}).", type(exc).__name__)
