"""The AWS side of the app: assume a profile's role and list the account's buckets.

:class:`AwsService` is what the rest of the app talks to. It builds on
:class:`~.sessions.RoleSessions` (assuming roles, caching their credentials)
and :class:`~.aws_clients.BotocoreClients` (botocore sessions and clients,
made once); this module adds the bucket list and the whole switch. See "The
path of one switch" in docs/architecture.md.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .aws_clients import BotocoreClients
from .credentials import Clock, RoleSession, utc_now
from .errors import AwsError, Cancelled, to_user_error
from .profiles import RoleProfile
from .sessions import KeySource, RoleSessions

if TYPE_CHECKING:
    from .sso.store import SsoStore

log = logging.getLogger(__name__)

# ListBuckets returns up to 10,000 a page (MaxBuckets, then ContinuationToken). Parsing
# one page is one long C call holding the GIL (~150 ms for 10,000 on a slow machine),
# which stalls the GUI thread however the worker is written; pages of 1,000 keep each
# hold to ~15 ms for a few more round trips on huge accounts only. An emulator that
# ignores MaxBuckets returns everything in one page and sends no token: still complete.
LIST_BUCKETS_PAGE_SIZE = 1_000
_EXPIRED_CODES = frozenset({"ExpiredToken", "ExpiredTokenException"})


@dataclass(frozen=True, slots=True)  # 100,000 of them: one GC-tracked object each, not two
class Bucket:
    name: str
    created: datetime  # timezone-aware
    region: str | None = None


@dataclass(frozen=True)
class SwitchResult:
    profile_name: str
    identity_arn: str
    expiration: datetime
    buckets: tuple[Bucket, ...]
    reused_session: bool
    # Things the user should know about how the session was made (e.g. a capped duration).
    notes: tuple[str, ...] = ()


class AwsService(RoleSessions):
    """Assume roles and list buckets; safe to call from one worker thread at a time
    while the GUI thread reads the cache."""

    def __init__(
        self,
        *,
        endpoint_url: str | None = None,
        config_file: str | None = None,
        credentials_file: str | None = None,
        clock: Clock = utc_now,
        connect_timeout: float = 3,
        read_timeout: float = 3,
        max_attempts: int = 3,
        keys: KeySource | None = None,
        sso_store: SsoStore | None = None,
        sso_endpoint_url: str | None = None,
    ) -> None:
        clients = BotocoreClients(
            endpoint_url=endpoint_url,
            config_file=config_file,
            credentials_file=credentials_file,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            max_attempts=max_attempts,
        )
        sso = None
        if sso_store is not None:
            from .sso.clients import BotocoreClients as SsoClients
            from .sso.session import SsoSessions

            # Its own botocore session (sharing the loaded models): the sign-in's
            # waiting thread makes clients too, and sessions are not thread-safe.
            sso_clients = SsoClients(clients.new_session(None), endpoint_url=sso_endpoint_url)
            sso = SsoSessions(sso_store, sso_clients, now=clock)
        super().__init__(clients, clock=clock, keys=keys, sso=sso)

    def config_files(self) -> tuple[str, ...]:
        """The AWS config and credentials files botocore reads (for error messages)."""
        return self._clients.config_files()

    def aws_profile_names(self) -> list[str]:
        """Profiles found in the AWS config and credentials files, sorted."""
        return self._clients.aws_profile_names()

    def role_client(
        self,
        profile: RoleProfile,
        service_name: str,
        *,
        chain: tuple[RoleProfile, ...] = (),
        mfa_code: str | None = None,
        region: str | None = None,
    ) -> Any:
        """A botocore client for ``service_name`` signed by ``profile``'s role session.

        Uses the cached session when still valid (assuming the role otherwise), so
        features beyond the bucket list (organizations, bucket regions) share it.
        botocore clients are thread-safe: one may serve several worker threads.
        """
        session, _ = self.session_for(profile, mfa_code, chain)
        config = self._clients.config_session(profile)
        return self._clients.client(
            config, service_name, region or self._clients.region_for(profile, config), session
        )

    # --- buckets ---

    def _s3_client(self, profile: RoleProfile, session: RoleSession) -> Any:
        """The warm S3 client of the profile's config and region, signing as ``session``.

        One client per config and region, not per role session: a new client would open
        a new connection (a TCP and TLS handshake on a real network) on every switch.
        Only the thread running the service's call (the credentials are swapped in place).
        """
        source_profile = profile.source_profile if profile.source_kind == "profile" else None
        region = self._clients.region_for(profile, self._clients.config_session(profile))
        return self._clients.warm_client(source_profile, "s3", region).signed_by(session)

    def list_buckets(self, profile: RoleProfile, session: RoleSession) -> list[Bucket]:
        """Every bucket the role can see, across all ListBuckets pages."""
        if not session.reusable_at(self._clock(), margin=timedelta(0)):
            # Never send expired credentials: AWS would only answer ExpiredToken.
            raise to_user_error(_expired_error(), "list", self._context(profile))
        try:
            paginator = self._s3_client(profile, session).get_paginator("list_buckets")
            buckets: list[Bucket] = []
            for page in paginator.paginate(PaginationConfig={"PageSize": LIST_BUCKETS_PAGE_SIZE}):
                buckets.extend(
                    Bucket(
                        name=item["Name"],
                        created=item["CreationDate"],
                        region=item.get("BucketRegion"),
                    )
                    for item in page.get("Buckets", [])
                )
                if not gc.isenabled():
                    # The worker pauses automatic collection during a switch (a full one
                    # holds the GIL for tens of ms). Every page's objects then pile up in
                    # the youngest generation, and the first collection afterwards walks
                    # them all at once (~95 ms at 100,000 buckets, on whichever thread):
                    # collecting the young generations per page walks one page at a time.
                    gc.collect(1)
        except Exception as exc:
            raise self._fail(exc, "list", profile) from None
        return buckets

    def switch(
        self,
        profile: RoleProfile,
        mfa_code: str | None = None,
        is_current: Callable[[], bool] = lambda: True,
        chain: tuple[RoleProfile, ...] = (),
        renew: bool = False,
    ) -> SwitchResult:
        """Assume (or reuse) the role and list its buckets.

        ``is_current`` is checked between the two calls so a superseded switch
        stops early with :class:`Cancelled` instead of listing for nothing.
        ``renew`` drops the cached session first ("Refresh session").
        """
        if renew:
            self.forget(profile)
        notes: list[str] = []
        session, reused = self.session_for(profile, mfa_code, chain, notes)
        if not is_current():
            raise Cancelled
        try:
            buckets = self.list_buckets(profile, session)
        except AwsError as error:
            if error.code not in _EXPIRED_CODES:
                raise
            # AWS says these credentials expired while our clock disagreed (clock behind
            # AWS, or the session was cut short): drop them, and if they came from the
            # cache assume once more (an MFA profile then asks for a fresh code).
            self.forget(profile)
            if not reused:
                raise
            session, reused = self.session_for(profile, mfa_code, chain, notes)
            if not is_current():
                raise Cancelled from None
            buckets = self.list_buckets(profile, session)
        return SwitchResult(
            profile_name=profile.name,
            identity_arn=session.assumed_role_arn,
            expiration=session.expiration,
            buckets=tuple(buckets),
            reused_session=reused,
            notes=tuple(notes),
        )


def _expired_error() -> Exception:
    from botocore.exceptions import ClientError

    return ClientError(
        {"Error": {"Code": "ExpiredToken", "Message": "credentials expired"}}, "ListBuckets"
    )
