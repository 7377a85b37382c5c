"""Plain data of an Identity Center sign-in; secrets never appear in a ``repr``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Literal

Flow = Literal["pkce", "device"]
FLOWS: tuple[Flow, ...] = ("pkce", "device")

SCOPES: tuple[str, ...] = ("sso:account:access",)  # yields a refresh token
# Refresh the access token when less than this is left (as botocore does).
REFRESH_WINDOW = timedelta(minutes=15)
# Register again rather than start a sign-in with a registration about to expire.
REGISTRATION_MARGIN = timedelta(hours=1)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class SsoInstance:
    """One organisation's Identity Center: its start URL, region and a display name."""

    start_url: str
    region: str
    name: str

    @property
    def org(self) -> str:
        return self.name or self.start_url


@dataclass(frozen=True)
class Registration:
    """An OIDC client registered for one flow; kept until the secret expires (~90 days)."""

    client_id: str
    client_secret: str = field(repr=False)
    expires_at: datetime
    flow: Flow
    scopes: tuple[str, ...] = SCOPES

    def usable_at(self, now: datetime) -> bool:
        return self.expires_at - now > REGISTRATION_MARGIN


@dataclass(frozen=True)
class SsoToken:
    """An access token (and refresh token) from CreateToken."""

    access_token: str = field(repr=False)
    expires_at: datetime
    flow: Flow
    refresh_token: str | None = field(default=None, repr=False)

    def needs_refresh(self, now: datetime) -> bool:
        return self.expires_at - now < REFRESH_WINDOW

    def valid_at(self, now: datetime) -> bool:
        return self.expires_at - now > timedelta(seconds=30)


@dataclass(frozen=True)
class SessionInfo:
    """What the app may show about a sign-in: no secret at all."""

    instance: SsoInstance
    expires_at: datetime | None
    can_refresh: bool
    flow: Flow | None


@dataclass(frozen=True)
class DeviceCode:
    """What the user needs for the device flow: a code and the page to enter it on."""

    user_code: str
    verification_uri: str
    verification_uri_complete: str
    expires_at: datetime


@dataclass(frozen=True)
class RoleCredentials:
    """GetRoleCredentials' answer; ``expiration`` comes from epoch milliseconds."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)
    expiration: datetime
