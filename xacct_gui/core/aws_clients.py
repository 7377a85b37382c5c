"""botocore sessions and clients, made once and shared: the costly part of every call.

A fresh ``boto3.Session`` plus clients per switch costs ~340 ms on loopback,
while one botocore session kept for the app's life with a client per set of
credentials costs ~30 ms. So :class:`BotocoreClients` keeps one botocore
session per *source profile*, all sharing the base session's model loader,
and makes every client with the same timeouts and retry settings.

A new client also means a new connection pool: on a real network a new TCP
connection and TLS handshake (one or two extra round trips) on every switch.
:meth:`BotocoreClients.warm_client` therefore keeps one client per source config,
service and region whose credentials are swapped before each call
(:class:`WarmClient`); its connections stay open across role sessions.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import TYPE_CHECKING, Any

import botocore.session
from botocore.config import Config
from botocore.credentials import CredentialProvider, CredentialResolver, Credentials
from botocore.exceptions import ProfileNotFound

from .profiles import RoleProfile
from .timestamps import use_fast_timestamps

if TYPE_CHECKING:
    from .credentials import RoleSession

log = logging.getLogger(__name__)

DEFAULT_REGION = "us-east-1"


class _SwappedCredentials(Credentials):
    """Credentials whose values change per call: botocore's signer reads
    ``get_frozen_credentials()`` for every request it signs, so one client (and its
    warm connection pool) can sign for one role session after another. Held in memory
    only, like every temporary credential of the app."""

    def __init__(self) -> None:
        super().__init__("", "", None, method="xacct-warm-client")

    def use(self, role: RoleSession) -> None:
        self.access_key = role.access_key_id
        self.secret_key = role.secret_access_key
        self.token = role.session_token


class _SwappedProvider(CredentialProvider):
    METHOD = "xacct-warm-client"

    def __init__(self, credentials: _SwappedCredentials) -> None:
        super().__init__()
        self._credentials = credentials

    def load(self) -> _SwappedCredentials:
        return self._credentials


class WarmClient:
    """One botocore client kept for the app's life, signing as the role session last
    given to :meth:`signed_by`.

    Only the thread running the service's current call may use it (one at a time, see
    docs/architecture.md, Threads): swapping
    the credentials while another thread's call is being signed would sign that call
    as the wrong role. Clients other threads use are made per role session instead.
    """

    def __init__(self, client: Any, credentials: _SwappedCredentials) -> None:
        self._client = client
        self._credentials = credentials

    def signed_by(self, role: RoleSession) -> Any:
        """The client, now signing every request as ``role``."""
        self._credentials.use(role)
        return self._client


class BotocoreClients:
    """The base botocore session, one per AWS CLI source profile, and clients from them."""

    def __init__(
        self,
        *,
        endpoint_url: str | None = None,
        config_file: str | None = None,
        credentials_file: str | None = None,
        connect_timeout: float = 3,
        read_timeout: float = 3,
        max_attempts: int = 3,
    ) -> None:
        self._endpoint_url = endpoint_url
        self._config_file = config_file
        self._credentials_file = credentials_file
        self._client_config = Config(
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries={"mode": "standard", "total_max_attempts": max_attempts},
        )
        self._lock = threading.RLock()
        self.base = self.new_session(None)
        self._sources: dict[str, botocore.session.Session] = {}
        self._warm: dict[tuple[str | None, str, str], WarmClient] = {}

    def new_session(self, profile: str | None) -> botocore.session.Session:
        session = botocore.session.Session(profile=profile)
        use_fast_timestamps(session)  # ~13 ms less per 300 buckets listed
        if self._config_file:
            session.set_config_variable("config_file", self._config_file)
        if self._credentials_file:
            session.set_config_variable("credentials_file", self._credentials_file)
        if hasattr(self, "base"):
            # Share the parsed service models: loading them is the costly part.
            session.register_component("data_loader", self.base.get_component("data_loader"))
        return session

    def config_session(self, profile: RoleProfile) -> botocore.session.Session:
        """The session whose config (region, endpoints) applies to ``profile``'s calls.

        Keys and parent roles carry their own credentials, so only an AWS CLI source
        needs its named profile; the others use the base session (default config).
        """
        if profile.source_kind == "profile":
            return self.source_session(profile.source_profile)
        return self.base

    def source_session(self, source_profile: str) -> botocore.session.Session:
        with self._lock:
            session = self._sources.get(source_profile)
            if session is None:
                session = self.new_session(source_profile)
                self._sources[source_profile] = session
            return session

    def config_files(self) -> tuple[str, ...]:
        """The AWS config and credentials files botocore reads (for error messages)."""
        return tuple(
            os.path.expanduser(str(self.base.get_config_variable(name)))
            for name in ("config_file", "credentials_file")
        )

    def aws_profile_names(self) -> list[str]:
        """Profiles found in the AWS config and credentials files, sorted."""
        try:
            return sorted(self.base.available_profiles)
        except Exception:  # a malformed config file must not break the dialog
            log.warning("could not read the AWS config files", exc_info=True)
            return []

    def region_for(self, profile: RoleProfile, source: botocore.session.Session) -> str:
        if profile.region:
            return profile.region
        try:
            configured = source.get_config_variable("region")
        except ProfileNotFound:
            configured = None
        return str(configured) if configured else DEFAULT_REGION

    def client(
        self,
        session: botocore.session.Session,
        service: str,
        region: str,
        role: RoleSession | None = None,
    ) -> Any:
        """A client signed by ``role`` (or by the session's own credentials)."""
        with self._lock:  # botocore's client creation is not documented as thread-safe
            return session.create_client(
                service,
                region_name=region,
                endpoint_url=self._endpoint_url,
                config=self._client_config,
                aws_access_key_id=role.access_key_id if role else None,
                aws_secret_access_key=role.secret_access_key if role else None,
                aws_session_token=role.session_token if role else None,
            )

    def warm_client(self, source_profile: str | None, service: str, region: str) -> WarmClient:
        """The one client for ``service`` in ``region`` under ``source_profile``'s config
        (None: the default config), made on first use and kept, so its connections stay
        open from one role session to the next."""
        key = (source_profile, service, region)
        with self._lock:
            warm = self._warm.get(key)
            if warm is None:
                # A session of its own: its only credential source is the swapped one, so
                # the source profile's session keeps resolving its own keys for STS.
                session = self.new_session(source_profile)
                credentials = _SwappedCredentials()
                session.register_component(
                    "credential_provider", CredentialResolver([_SwappedProvider(credentials)])
                )
                client = session.create_client(
                    service,
                    region_name=region,
                    endpoint_url=self._endpoint_url,
                    config=self._client_config,
                )
                warm = self._warm[key] = WarmClient(client, credentials)
            return warm
