"""Sign in, keep the session alive, use it, sign out: what the app's worker calls.

:class:`SsoSessions` ties the pieces together for any number of organisations:
registrations are reused until they expire, the access token is refreshed when
under 15 minutes are left, and every sign-in or refresh for one start URL runs
under :func:`.locking.start_url_lock` (threads and processes), re-reading the
stored token once the lock is held. When the token cannot be renewed the caller
gets :class:`~.errors.SsoSessionExpired` ("Session for <org> expired — sign in
again"); nothing here opens a browser unless :meth:`SsoSessions.sign_in` is called.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TypeVar

from .clients import ClientFactory
from .errors import (
    SsoError,
    SsoNotSignedIn,
    SsoSessionExpired,
    session_expired,
)
from .locking import start_url_lock
from .models import (
    FLOWS,
    DeviceCode,
    Flow,
    Registration,
    RoleCredentials,
    SessionInfo,
    SsoInstance,
    SsoToken,
    utc_now,
)
from .oidc import (
    Sleep,
    refresh,
    register_client,
    sign_in_device,
    sign_in_pkce,
)
from .pkce import SIGN_IN_TIMEOUT
from .portal import (
    Backoff,
    CallStats,
    DiscoveredRole,
    ProgressCallback,
    discover_roles,
    get_role_credentials,
    logout,
)
from .start_url import make_instance
from .store import SsoStore

log = logging.getLogger(__name__)
T = TypeVar("T")


class SsoSessions:
    """Identity Center sign-ins of one config directory (thread-safe)."""

    def __init__(
        self,
        store: SsoStore,
        clients: ClientFactory,
        *,
        now: Callable[[], datetime] = utc_now,
        lock_timeout: float = 30.0,
        backoff: Backoff | None = None,
    ) -> None:
        self.store = store
        self._clients = clients
        self._now = now
        self._lock_timeout = lock_timeout
        self._backoff = backoff or Backoff()

    def _lock(
        self, instance: SsoInstance, cancel: threading.Event | None = None
    ) -> AbstractContextManager[None]:
        return start_url_lock(
            self.store.lock_path(instance),
            instance.org,
            timeout=self._lock_timeout,
            cancel=cancel,
        )

    # --- status ---

    def instance_for(self, start_url: str, region: str | None = None) -> SsoInstance:
        """The instance a profile names: the stored one (its display name) when known."""
        for known in self.store.known():
            if known.start_url == start_url:
                return SsoInstance(start_url, region or known.region, known.name)
        return make_instance(start_url, region)

    def status(self, instance: SsoInstance) -> SessionInfo:
        return self.store.info(instance)

    # --- sign-in ---

    def _registration(self, instance: SsoInstance, flow: Flow) -> Registration:
        registration = self.store.load_registration(instance, flow)
        if registration is not None and registration.usable_at(self._now()):
            return registration
        registration = register_client(
            self._clients.oidc(instance.region),
            instance,
            flow,
            now=self._now,
        )
        self.store.save_registration(instance, registration)
        return registration

    def sign_in(
        self,
        instance: SsoInstance,
        *,
        flow: Flow = "pkce",
        open_url: Callable[[str], object] | None = None,
        on_device_code: Callable[[DeviceCode], object] | None = None,
        cancel: threading.Event | None = None,
        timeout: float = SIGN_IN_TIMEOUT,
        sleep: Sleep | None = None,
    ) -> SessionInfo:
        """Sign in through the browser (``pkce``: ``open_url`` gets the authorize URL) or
        with a device code (``device``: ``on_device_code`` gets the code to show)."""
        if flow not in FLOWS:
            raise ValueError(f"unknown sign-in flow {flow!r}")
        with self._lock(instance, cancel):
            registration = self._registration(instance, flow)
            oidc = self._clients.oidc(instance.region)
            try:
                if flow == "pkce":
                    if open_url is None:
                        raise ValueError("the PKCE flow needs open_url")
                    token = sign_in_pkce(
                        oidc,
                        instance,
                        registration,
                        open_url,
                        cancel=cancel,
                        timeout=timeout,
                        now=self._now,
                    )
                else:
                    if on_device_code is None:
                        raise ValueError("the device flow needs on_device_code")
                    token = sign_in_device(
                        oidc,
                        instance,
                        registration,
                        on_device_code,
                        cancel=cancel,
                        sleep=sleep,
                        timeout=timeout,
                        now=self._now,
                    )
            except SsoError as exc:
                if exc.code in ("InvalidClientException", "UnauthorizedClientException"):
                    # The registration died early (revoked): the next attempt registers anew.
                    self.store.drop_registration(instance, flow)
                    raise SsoError(
                        f"The app's registration with {instance.org} was no longer valid; "
                        "sign in again.",
                        exc.code,
                    ) from None
                raise
            self.store.save_token(instance, token)
        log.info("signed in to %s (%s flow)", instance.org, flow)
        return self.store.info(instance)

    # --- the token ---

    def access_token(
        self, instance: SsoInstance, *, cancel: threading.Event | None = None, force: bool = False
    ) -> str:
        """A valid access token, refreshed first when under 15 minutes are left."""
        now = self._now()
        token = self.store.load_token(instance)
        if token is None:
            raise SsoNotSignedIn(f"Not signed in to {instance.org}: sign in first.", "NotSignedIn")
        if not force and not token.needs_refresh(now):
            return token.access_token
        with self._lock(instance, cancel):
            # Another thread or process may have refreshed while we waited.
            latest = self.store.load_token(instance)
            if latest is None:
                raise session_expired(instance.org)
            if latest.access_token != token.access_token or (
                not force and not latest.needs_refresh(self._now())
            ):
                return latest.access_token
            return self._refresh_locked(instance, latest, force=force).access_token

    def _refresh_locked(self, instance: SsoInstance, token: SsoToken, *, force: bool) -> SsoToken:
        """Renew ``token``; ``force`` when the portal already refused it (so it is dead
        even if its expiry says otherwise)."""
        now = self._now()
        registration = self.store.load_registration(instance, token.flow)
        if registration is None or registration.expires_at <= now or not token.refresh_token:
            if not force and token.valid_at(now):
                return token
            self.store.drop_token(instance)
            raise session_expired(instance.org)
        try:
            renewed = refresh(
                self._clients.oidc(instance.region),
                instance,
                registration,
                token,
                now=self._now,
            )
        except SsoSessionExpired as exc:
            self.store.drop_token(instance)
            if exc.code in ("InvalidClientException", "UnauthorizedClientException"):
                self.store.drop_registration(instance, token.flow)
            raise
        except SsoError:
            # Offline or throttled: the old token still works until it expires.
            if not force and token.valid_at(self._now()):
                return token
            raise
        self.store.save_token(instance, renewed)
        log.info("renewed the session for %s", instance.org)
        return renewed

    def _with_token(
        self,
        instance: SsoInstance,
        call: Callable[[str], T],
        cancel: threading.Event | None,
    ) -> T:
        """Run a portal call; if the portal says the token is dead, renew once and retry."""
        token = self.access_token(instance, cancel=cancel)
        try:
            return call(token)
        except SsoSessionExpired:
            try:
                token = self.access_token(instance, cancel=cancel, force=True)
            except SsoSessionExpired:
                raise session_expired(instance.org) from None
            return call(token)

    # --- the portal ---

    def discover(
        self,
        instance: SsoInstance,
        *,
        cancel: threading.Event | None = None,
        progress: ProgressCallback | None = None,
        workers: int = 4,
        stats: CallStats | None = None,
    ) -> list[DiscoveredRole]:
        """Every account and role the signed-in user may use (blocking)."""
        portal = self._clients.portal(instance.region)
        return self._with_token(
            instance,
            lambda token: discover_roles(
                portal,
                token,
                org=instance.org,
                workers=workers,
                backoff=self._backoff,
                cancel=cancel,
                progress=progress,
                stats=stats,
            ),
            cancel,
        )

    def role_credentials(
        self,
        instance: SsoInstance,
        account_id: str,
        role_name: str,
        *,
        cancel: threading.Event | None = None,
    ) -> RoleCredentials:
        portal = self._clients.portal(instance.region)
        return self._with_token(
            instance,
            lambda token: get_role_credentials(
                portal,
                token,
                account_id,
                role_name,
                org=instance.org,
                backoff=self._backoff,
                cancel=cancel,
            ),
            cancel,
        )

    # --- sign-out ---

    def sign_out(self, instance: SsoInstance) -> bool:
        """Log out at the portal, then wipe everything stored; False when the portal
        could not be told (the local wipe happens regardless)."""
        told = True
        with self._lock(instance):
            try:
                token = self.store.load_token(instance)
            except SsoError:
                token = None
            if token is not None and token.valid_at(self._now()):
                try:
                    logout(
                        self._clients.portal(instance.region), token.access_token, org=instance.org
                    )
                except SsoError as exc:
                    log.info("logout at %s failed: %s", instance.org, exc.code)
                    told = False
            self.store.wipe(instance)
        log.info("signed out of %s", instance.org)
        return told
