"""The two botocore clients Identity Center needs, made on the caller's thread.

``sso-oidc`` (sign-in, tokens) and ``sso`` (the access portal: accounts, roles,
role credentials) take no AWS signature: the bearer token or client secret is
the credential, so both are created with ``signature_version=UNSIGNED`` and need
no AWS credentials at all. They come from a botocore session, so the usual
``AWS_ENDPOINT_URL_SSO_OIDC`` / ``AWS_ENDPOINT_URL_SSO`` / ``AWS_ENDPOINT_URL``
variables (and ``endpoint_url`` in the config file) redirect them.

botocore's own retries are switched off (one attempt): the portal module retries
throttling itself with full-jitter backoff that can be cancelled, and the
device flow must see ``SlowDownException`` rather than have botocore hide it.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

import botocore.session
from botocore import UNSIGNED
from botocore.config import Config

CONNECT_TIMEOUT = 10
READ_TIMEOUT = 30


class ClientFactory(Protocol):
    """Makes the clients for one region; the app's worker thread owns what it makes."""

    def oidc(self, region: str) -> Any: ...

    def portal(self, region: str) -> Any: ...


class BotocoreClients:
    """:class:`ClientFactory` over one botocore session (a new one by default).

    Clients are cached per region; a botocore client is thread-safe once made, but
    making one is not, hence the lock.
    """

    def __init__(
        self,
        session: botocore.session.Session | None = None,
        *,
        endpoint_url: str | None = None,
        portal_endpoint_url: str | None = None,
    ) -> None:
        self._session = session or botocore.session.Session()
        self._endpoints = {"sso-oidc": endpoint_url, "sso": portal_endpoint_url or endpoint_url}
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], Any] = {}

    def _client(self, service: str, region: str) -> Any:
        with self._lock:
            key = (service, region)
            if key not in self._clients:
                config = Config(
                    signature_version=UNSIGNED,
                    region_name=region,
                    connect_timeout=CONNECT_TIMEOUT,
                    read_timeout=READ_TIMEOUT,
                    retries={"total_max_attempts": 1, "mode": "standard"},
                    user_agent_extra="xacct-sso",
                )
                kwargs: dict[str, Any] = {"config": config, "region_name": region}
                if self._endpoints[service]:
                    kwargs["endpoint_url"] = self._endpoints[service]
                self._clients[key] = self._session.create_client(service, **kwargs)
            return self._clients[key]

    def oidc(self, region: str) -> Any:
        return self._client("sso-oidc", region)

    def portal(self, region: str) -> Any:
        return self._client("sso", region)


def oidc_base_url(oidc_client: Any) -> str:
    """Where the client sends requests (for the unmodelled /authorize page).

    ``meta.endpoint_url`` is what botocore resolved when it made the client: the
    region's ``https://oidc.<region>.amazonaws.com`` (``.com.cn`` in China), or the
    override from ``endpoint_url``, ``AWS_ENDPOINT_URL_SSO_OIDC``, ``AWS_ENDPOINT_URL``
    or the config file, base path included.
    """
    return str(oidc_client.meta.endpoint_url).rstrip("/")
