"""IAM Identity Center (SSO) sign-in: the Qt-free core.

Modules, one job each: :mod:`.start_url` (parse), :mod:`.clients` (botocore
clients), :mod:`.pkce` (browser flow pieces), :mod:`.oidc` (sso-oidc calls),
:mod:`.portal` (sso calls), :mod:`.secrets` + :mod:`.store` (keyring storage),
:mod:`.locking` (one refresh at a time), :mod:`.session` (the facade the app
uses), :mod:`.proposals` (profile proposals), :mod:`.errors`, :mod:`.models`.
"""

from __future__ import annotations

from .clients import BotocoreClients, ClientFactory
from .errors import (
    SignInDenied,
    SignInTimedOut,
    SsoBusy,
    SsoCancelled,
    SsoError,
    SsoNetworkError,
    SsoNotSignedIn,
    SsoSessionExpired,
    SsoStorageError,
    SsoThrottled,
    StartUrlError,
)
from .models import DeviceCode, Flow, RoleCredentials, SessionInfo, SsoInstance
from .portal import Backoff, CallStats, DiscoveredRole, Progress
from .proposals import DEFAULT_TEMPLATE, ProfileProposal, check_template, propose_profiles
from .session import SsoSessions
from .start_url import StartUrl, make_instance, parse_start_url
from .store import SsoStore

__all__ = [
    "DEFAULT_TEMPLATE",
    "Backoff",
    "BotocoreClients",
    "CallStats",
    "ClientFactory",
    "DeviceCode",
    "DiscoveredRole",
    "Flow",
    "ProfileProposal",
    "Progress",
    "RoleCredentials",
    "SessionInfo",
    "SignInDenied",
    "SignInTimedOut",
    "SsoBusy",
    "SsoCancelled",
    "SsoError",
    "SsoInstance",
    "SsoNetworkError",
    "SsoNotSignedIn",
    "SsoSessionExpired",
    "SsoSessions",
    "SsoStorageError",
    "SsoStore",
    "SsoThrottled",
    "StartUrl",
    "StartUrlError",
    "check_template",
    "make_instance",
    "parse_start_url",
    "propose_profiles",
]
