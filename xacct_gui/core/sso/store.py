"""Where a sign-in lives: secrets in the OS keyring, a description in the config dir.

* keyring service ``xacct-gui``, records (see :mod:`.secrets` for the chunking):
  ``sso:<id>:token`` (access token, refresh token, expiry, flow) and
  ``sso:<id>:client:<flow>`` (client ID, client secret, expiry, scopes), where
  ``<id>`` is a hash of the start URL. These records are the truth: each is
  written atomically and holds everything needed to use it.
* ``sso/<id>.json`` in the config dir: start URL, region, name, token expiry and
  registration expiries: no secret, only so the app can list sign-ins (keyrings
  cannot be enumerated portably). Written after the keyring, atomically.

Nothing is written when the keyring backend is one that does not keep secrets
safe (the same rules as the sign-in keys: :func:`..keys.keyring_status`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, cast

from ..keys import KEYRING_SERVICE, keyring_status
from ..store import write_atomically
from .errors import SsoStorageError
from .models import FLOWS, Flow, Registration, SessionInfo, SsoInstance, SsoToken
from .secrets import CHUNK_CHARS, ChunkedSecrets

DIR_NAME = "sso"
META_VERSION = 1


def _default_keyring() -> Any:
    import keyring

    return keyring.get_keyring()


def instance_id(start_url: str) -> str:
    return hashlib.sha256(start_url.encode("utf-8")).hexdigest()[:20]


def _iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat()


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


class SsoStore:
    """Sign-ins of one config directory. Callers serialise writes per start URL
    (:mod:`.locking`); reads are safe at any time."""

    def __init__(
        self,
        config_dir: Path,
        keyring_backend: Callable[[], Any] = _default_keyring,
        *,
        chunk_chars: int = CHUNK_CHARS,
    ) -> None:
        self.dir = Path(config_dir) / DIR_NAME
        self._backend = keyring_backend
        self._secrets = ChunkedSecrets(KEYRING_SERVICE, keyring_backend, chunk_chars)

    # --- names ---

    def lock_path(self, instance: SsoInstance) -> Path:
        return self.dir / f"{instance_id(instance.start_url)}.lock"

    def _meta_path(self, instance: SsoInstance) -> Path:
        return self.dir / f"{instance_id(instance.start_url)}.json"

    @staticmethod
    def _key(instance: SsoInstance, what: str) -> str:
        return f"sso:{instance_id(instance.start_url)}:{what}"

    def _check_backend(self) -> None:
        try:
            status = keyring_status(self._backend())
        except Exception as exc:
            raise SsoStorageError(
                f"The keyring failed to start ({type(exc).__name__}); the sign-in was not stored.",
                "KeyringUnavailable",
            ) from None
        if not status.usable:
            raise SsoStorageError(
                f"Not stored: {status.reason}, and the app never writes secrets to a file.",
                "KeyringUnsafe",
            )

    # --- token ---

    def load_token(self, instance: SsoInstance) -> SsoToken | None:
        record = self._secrets.read(self._key(instance, "token"))
        if record is None:
            return None
        expires = _parse_time(record.get("expiresAt"))
        access, flow = record.get("accessToken"), record.get("flow")
        refresh = record.get("refreshToken")
        if not isinstance(access, str) or expires is None or flow not in FLOWS:
            return None
        return SsoToken(
            access_token=access,
            expires_at=expires,
            flow=cast(Flow, flow),
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
        )

    def save_token(self, instance: SsoInstance, token: SsoToken) -> None:
        self._check_backend()
        record = {
            "startUrl": instance.start_url,
            "accessToken": token.access_token,
            "refreshToken": token.refresh_token,
            "expiresAt": _iso(token.expires_at),
            "flow": token.flow,
        }
        self._secrets.write(self._key(instance, "token"), record)
        self._update_meta(instance)

    def drop_token(self, instance: SsoInstance) -> None:
        self._secrets.delete(self._key(instance, "token"))
        self._update_meta(instance)

    # --- registrations ---

    def load_registration(self, instance: SsoInstance, flow: Flow) -> Registration | None:
        record = self._secrets.read(self._key(instance, f"client:{flow}"))
        if record is None:
            return None
        client_id, secret = record.get("clientId"), record.get("clientSecret")
        expires = _parse_time(record.get("expiresAt"))
        scopes = record.get("scopes")
        if not (isinstance(client_id, str) and isinstance(secret, str) and expires):
            return None
        if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
            return None
        return Registration(client_id, secret, expires, flow, tuple(scopes))

    def save_registration(self, instance: SsoInstance, registration: Registration) -> None:
        self._check_backend()
        record = {
            "clientId": registration.client_id,
            "clientSecret": registration.client_secret,
            "expiresAt": _iso(registration.expires_at),
            "scopes": list(registration.scopes),
        }
        self._secrets.write(self._key(instance, f"client:{registration.flow}"), record)
        self._update_meta(instance)

    def drop_registration(self, instance: SsoInstance, flow: Flow) -> None:
        self._secrets.delete(self._key(instance, f"client:{flow}"))
        self._update_meta(instance)

    # --- everything ---

    def wipe(self, instance: SsoInstance) -> None:
        """Delete the token, both registrations and the description."""
        self._secrets.delete(self._key(instance, "token"))
        for flow in FLOWS:
            self._secrets.delete(self._key(instance, f"client:{flow}"))
        with contextlib.suppress(FileNotFoundError):
            self._meta_path(instance).unlink()

    def info(self, instance: SsoInstance) -> SessionInfo:
        token = self.load_token(instance)
        return SessionInfo(
            instance=instance,
            expires_at=token.expires_at if token else None,
            can_refresh=bool(token and token.refresh_token),
            flow=token.flow if token else None,
        )

    def known(self) -> list[SsoInstance]:
        """Every instance with a description file, sorted by name (no keyring access)."""
        found: list[SsoInstance] = []
        for path in sorted(self.dir.glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError, RecursionError):
                continue
            if not isinstance(data, dict):
                continue
            url, region, name = data.get("startUrl"), data.get("region"), data.get("name")
            if isinstance(url, str) and isinstance(region, str) and isinstance(name, str):
                found.append(SsoInstance(url, region, name))
        return sorted(found, key=lambda i: (i.name.casefold(), i.start_url))

    def _update_meta(self, instance: SsoInstance) -> None:
        token = self.load_token(instance)
        registrations = {}
        for flow in FLOWS:
            reg = self.load_registration(instance, flow)
            if reg is not None:
                registrations[flow] = {"expiresAt": _iso(reg.expires_at)}
        document = {
            "version": META_VERSION,
            "startUrl": instance.start_url,
            "region": instance.region,
            "name": instance.name,
            "tokenExpiresAt": _iso(token.expires_at) if token else None,
            "canRefresh": bool(token and token.refresh_token),
            "registrations": registrations,
        }
        try:
            write_atomically(self._meta_path(instance), json.dumps(document, indent=2) + "\n")
        except OSError as exc:
            raise SsoStorageError(
                f"Could not save the sign-in's description in {self.dir} ({exc.strerror or exc})."
            ) from None
