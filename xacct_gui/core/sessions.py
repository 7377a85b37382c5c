"""Role sessions: who assumes a profile's role, the STS calls, and their credentials.

An IAM Identity Center profile is not assumed at all: its credentials come from
the portal's GetRoleCredentials (:meth:`RoleSessions.sso_session`), with the
stored token refreshed without a browser; such a session can in turn be the
source of a chained role (ExternalId, MFA, session name, at most 1 hour).

:class:`RoleSessions` calls AssumeRole (and GetSessionToken when an MFA code
unlocks a source), caches an STS client per source and region, and keeps each
role's temporary credentials in memory until shortly before they expire.
Credentials never leave memory: nothing here writes a cache file or touches
``os.environ``.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Protocol

import botocore.session

from .aws_clients import BotocoreClients
from .credentials import Clock, RoleSession, utc_now
from .errors import (
    SSO_SIGN_IN_NEEDED,
    AwsContext,
    AwsError,
    MfaCodeRequired,
    Operation,
    SignInKeyError,
    to_user_error,
)
from .profiles import RoleProfile
from .validation import CHAINED_MAX_DURATION, check_mfa_code

if TYPE_CHECKING:
    from .keys import KeyCredentials, SignInKey
    from .sso.session import SsoSessions

log = logging.getLogger(__name__)

# How long one MFA code unlocks a source (GetSessionToken); AWS allows up to 36 h.
MFA_SESSION_SECONDS = 12 * 3600


class KeySource(Protocol):
    """Where sign-in keys come from (the keyring-backed :class:`~.keys.KeyVault`)."""

    def get(self, name: str) -> SignInKey | None: ...

    def credentials(self, name: str) -> KeyCredentials: ...


def session_key(profile: RoleProfile) -> tuple[Any, ...]:
    """Everything that makes two profiles' role sessions differ."""
    return (
        profile.role_arn,
        profile.source_kind,
        profile.source_profile,
        profile.source_key,
        profile.source_role,
        profile.external_id,
        profile.effective_session_name,
        profile.source_identity,
        profile.duration_seconds,
        profile.region,
        profile.mfa_serial,
        profile.sso_start_url,
        profile.sso_region,
    )


@dataclass(frozen=True)
class Caller:
    """Whose credentials call STS for a profile, and how to reach them."""

    identity: tuple[Any, ...]  # names the credentials, for caching clients and MFA sessions
    session: botocore.session.Session  # supplies config (region) and creates clients
    credentials: RoleSession | None  # explicit credentials, or None for the session's own
    kind: str  # "profile", "key" or "role"
    mfa_serial: str | None


class RoleSessions:
    """Assume roles and cache their sessions; safe to call from one worker thread at a
    time while the GUI thread reads the cache."""

    def __init__(
        self,
        clients: BotocoreClients,
        *,
        clock: Clock = utc_now,
        keys: KeySource | None = None,
        sso: SsoSessions | None = None,
    ) -> None:
        self._clients = clients
        self._keys = keys
        self.sso = sso
        self._clock = clock
        self._lock = threading.RLock()
        self._sts_clients: dict[tuple[Any, ...], Any] = {}
        self._mfa_sessions: dict[tuple[Any, ...], RoleSession] = {}
        self._role_sessions: dict[tuple[Any, ...], RoleSession] = {}

    # --- who calls STS ---

    def _sts_client(self, source_profile: str, region: str) -> Any:
        """The STS client signed by an AWS CLI profile's own credentials."""
        return self._sts_client_for(
            Caller(
                ("profile", source_profile),
                self._clients.source_session(source_profile),
                None,
                "profile",
                None,
            ),
            region,
        )

    def _sts_client_for(self, caller: Caller, region: str, creds: RoleSession | None = None) -> Any:
        signer = creds or caller.credentials
        key = (caller.identity, region, signer.access_key_id if signer else None)
        with self._lock:
            client = self._sts_clients.get(key)
        if client is None:
            client = self._clients.client(caller.session, "sts", region, signer)
            with self._lock:
                self._sts_clients[key] = client
        return client

    def _caller(self, profile: RoleProfile, via: RoleSession | None) -> Caller:
        """Who assumes ``profile``: a CLI profile, a stored sign-in key, or a parent role."""
        if profile.source_kind == "role":
            if via is None:
                raise AwsError(
                    f"The source role {profile.source_role!r} of {profile.name!r} is missing.",
                    "SourceRoleMissing",
                )
            return Caller(("role", via.assumed_role_arn), self._clients.base, via, "role", None)
        if profile.source_kind == "key":
            return self._key_caller(profile)
        session = self._clients.source_session(profile.source_profile)
        return Caller(
            ("profile", profile.source_profile), session, None, "profile", profile.mfa_serial
        )

    def _key_caller(self, profile: RoleProfile) -> Caller:
        name = str(profile.source_key)
        key = self._keys.get(name) if self._keys is not None else None
        if self._keys is None or key is None:
            raise AwsError(
                f"The sign-in key {name!r} used by {profile.name!r} is not stored in the app. "
                "Add it under Sign-in keys.",
                "SignInKeyMissing",
            )
        try:
            creds = self._keys.credentials(name)
        except SignInKeyError as exc:
            raise AwsError(str(exc), "SignInKeyMissing") from None
        static = RoleSession(
            access_key_id=creds.access_key_id,
            secret_access_key=creds.secret_access_key,
            session_token="",
            expiration=datetime.max.replace(tzinfo=timezone.utc),
            issued=datetime.min.replace(tzinfo=timezone.utc),
            assumed_role_arn=f"sign-in key {name}",
        )
        return Caller(
            ("key", name, creds.access_key_id),
            self._clients.base,
            static,
            "key",
            profile.mfa_serial or key.mfa_serial,
        )

    def _context(self, profile: RoleProfile) -> AwsContext:
        return AwsContext(
            role_arn=profile.role_arn,
            source_profile=profile.source_profile,
            # The region the call really went to, so the message names the right one.
            region=self._clients.region_for(profile, self._clients.config_session(profile)),
            config_files=self._clients.config_files(),
            mfa=bool(profile.mfa_serial)
            or (profile.source_kind == "key" and self._key_has_mfa(profile)),
        )

    def _key_has_mfa(self, profile: RoleProfile) -> bool:
        key = self._keys.get(str(profile.source_key)) if self._keys is not None else None
        return key is not None and key.mfa_serial is not None

    def _fail(self, exc: BaseException, op: Operation, profile: RoleProfile) -> AwsError:
        error = to_user_error(exc, op, self._context(profile))
        log.info("%s failed for profile %r: %s", op, profile.name, error.code)
        return error

    # --- role sessions ---

    def cached_session(self, profile: RoleProfile) -> RoleSession | None:
        """The profile's credentials if they are still good to use, else None."""
        with self._lock:
            session = self._role_sessions.get(session_key(profile))
        if session is not None and session.reusable_at(self._clock()):
            return session
        return None

    def forget(self, profile: RoleProfile) -> None:
        with self._lock:
            self._role_sessions.pop(session_key(profile), None)

    def forget_mfa_sessions(self) -> None:
        """Drop every MFA session (the next switch asks for a new code)."""
        with self._lock:
            self._mfa_sessions.clear()

    def _mfa_session(
        self, caller: Caller, serial: str, mfa_code: str | None, profile: RoleProfile, region: str
    ) -> RoleSession:
        """One GetSessionToken per source and MFA device, reused by every role they unlock."""
        key = (caller.identity, serial)
        with self._lock:
            cached = self._mfa_sessions.get(key)
        if cached is not None and cached.reusable_at(self._clock()):
            return cached
        code = _checked_mfa_code(serial, mfa_code)
        try:
            response = self._sts_client_for(caller, region).get_session_token(
                SerialNumber=serial, TokenCode=code, DurationSeconds=MFA_SESSION_SECONDS
            )
        except Exception as exc:
            raise self._fail(exc, "assume", profile) from None
        session = self._role_session(response["Credentials"], f"MFA session of {serial}")
        with self._lock:
            self._mfa_sessions[key] = session
        log.info("opened an MFA session for device %s", serial)
        return session

    def _uses_long_term_keys(self, caller: Caller) -> bool:
        """GetSessionToken only accepts an IAM user's long-term keys."""
        if caller.kind == "key":
            return True
        if caller.kind == "role":
            return False
        credentials = caller.session.get_credentials()
        if credentials is None:
            return False  # the AssumeRole call below reports the missing credentials
        return not credentials.get_frozen_credentials().token

    def _role_session(self, creds: dict[str, Any], arn: str) -> RoleSession:
        return RoleSession(
            access_key_id=creds["AccessKeyId"],
            secret_access_key=creds["SecretAccessKey"],
            session_token=creds["SessionToken"],
            expiration=creds["Expiration"],
            issued=self._clock(),
            assumed_role_arn=arn,
        )

    def assume_role(
        self,
        profile: RoleProfile,
        mfa_code: str | None = None,
        via: RoleSession | None = None,
        notes: list[str] | None = None,
    ) -> RoleSession:
        """Call STS AssumeRole for ``profile`` (always; see :meth:`session_for`).

        ``via`` is the parent role's session when the profile's source is another
        saved role (role chaining).
        """
        params: dict[str, Any] = {
            "RoleArn": profile.role_arn,
            "RoleSessionName": profile.effective_session_name,
        }
        if profile.external_id:
            params["ExternalId"] = profile.external_id
        if profile.source_identity:
            params["SourceIdentity"] = profile.source_identity
        duration = profile.duration_seconds
        if via is not None and duration and duration > CHAINED_MAX_DURATION:
            duration = CHAINED_MAX_DURATION
            if notes is not None:
                notes.append(
                    f"{profile.name}: asked for {profile.duration_seconds} s, but a role assumed "
                    "from another role lasts at most 1 hour (AWS limit), so 3600 s was used."
                )
        if duration:
            params["DurationSeconds"] = duration
        try:
            caller = self._caller(profile, via)
            region = self._clients.region_for(profile, caller.session)
            signer: RoleSession | None = None
            if caller.mfa_serial and self._uses_long_term_keys(caller):
                signer = self._mfa_session(caller, caller.mfa_serial, mfa_code, profile, region)
            elif caller.mfa_serial:
                # Temporary source credentials cannot open an MFA session: the code
                # goes with this AssumeRole instead (one code per role).
                params["SerialNumber"] = caller.mfa_serial
                params["TokenCode"] = _checked_mfa_code(caller.mfa_serial, mfa_code)
            response = self._sts_client_for(caller, region, signer).assume_role(**params)
        except AwsError:
            raise
        except Exception as exc:
            raise self._fail(exc, "assume", profile) from None
        session = self._role_session(response["Credentials"], response["AssumedRoleUser"]["Arn"])
        with self._lock:
            self._role_sessions[session_key(profile)] = session
        log.info("assumed %s as %s", profile.role_arn, session.assumed_role_arn)
        return session

    def session_for(
        self,
        profile: RoleProfile,
        mfa_code: str | None = None,
        chain: tuple[RoleProfile, ...] = (),
        notes: list[str] | None = None,
    ) -> tuple[RoleSession, bool]:
        """Cached credentials when still valid, else a fresh AssumeRole.

        ``chain`` lists the profile's source roles, nearest first, when its source is
        another saved role. Returns the session and whether it was reused.
        """
        cached = self.cached_session(profile)
        if cached is not None:
            return cached, True
        if profile.source_kind == "sso":
            return self.sso_session(profile), False
        via = None
        if profile.source_kind == "role":
            if not chain:
                raise AwsError(
                    f"The source role {profile.source_role!r} of {profile.name!r} is not a "
                    "saved profile.",
                    "SourceRoleMissing",
                )
            via, _ = self.session_for(chain[0], mfa_code, chain[1:], notes)
        return self.assume_role(profile, mfa_code, via, notes), False

    def sso_session(self, profile: RoleProfile) -> RoleSession:
        """The Identity Center role's credentials from GetRoleCredentials (never a browser:
        without a session that can be renewed this raises SsoSessionExpired)."""
        if self.sso is None:
            raise AwsError(
                f"{profile.name!r} comes from IAM Identity Center, which this run of the app "
                "cannot reach.",
                "SsoUnavailable",
            )
        from .sso.errors import SsoSessionExpired

        instance = self.sso.instance_for(str(profile.sso_start_url), profile.sso_region)
        try:
            creds = self.sso.role_credentials(instance, profile.account_id, profile.role_name)
        except SsoSessionExpired as exc:
            log.info("Identity Center session of %s unusable: %s", instance.org, exc.code)
            exc.code = SSO_SIGN_IN_NEEDED  # one code the window answers with "Sign in"
            raise
        session = RoleSession(
            access_key_id=creds.access_key_id,
            secret_access_key=creds.secret_access_key,
            session_token=creds.session_token,
            expiration=creds.expiration,
            issued=self._clock(),
            # The portal does not say the session's ARN; this names it for the status bar.
            assumed_role_arn=f"{profile.role_name} in {profile.account_id} via {instance.org}",
        )
        with self._lock:
            self._role_sessions[session_key(profile)] = session
        log.info("got Identity Center credentials for %s", profile.role_arn)
        return session


def _checked_mfa_code(serial: str, code: str | None) -> str:
    """The code, once it is known to be 6 digits; no network call happens before this."""
    if code is None:
        raise MfaCodeRequired(serial)
    problem = check_mfa_code(code)
    if problem:
        raise AwsError(problem, "InvalidMfaCode")
    return code
