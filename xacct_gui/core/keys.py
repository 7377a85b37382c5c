"""Sign-in keys (an IAM user's access keys) kept in the operating system's keyring.

The secret never touches a file: the access key ID and secret access key go to
the keyring (macOS Keychain, Windows Credential Locker, Secret Service) as one
entry per key; ``sign-in-keys.json`` in the config dir holds only the key's
display name and optional MFA device serial, so the app can list the keys
(keyrings cannot be enumerated portably).

When no real keyring is available, the vault refuses to store secrets and
offers to hold them in memory for this session only.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import SignInKeyError
from .store import write_atomically
from .validation import check_display_name, check_mfa_serial

KEYRING_SERVICE = "xacct-gui"
INDEX_FILE_NAME = "sign-in-keys.json"
INDEX_VERSION = 1
_ACCESS_KEY_ID_RE = re.compile(r"(AKIA|ASIA)[A-Z0-9]{12,124}")
_SECRET_RE = re.compile(r"[A-Za-z0-9/+=]{30,128}")

# keyring backends that do not keep secrets safe: they fail, drop, or write plaintext.
_UNSAFE_BACKENDS = {
    "keyring.backends.fail.Keyring": "no keyring service was found on this computer",
    "keyring.backends.null.Keyring": "the keyring is switched off (null backend)",
    "keyrings.alt.file.PlaintextKeyring": "the only keyring available writes secrets "
    "to a plain text file",
    "keyrings.alt.file.EncryptedKeyring": "the only keyring available is a file that needs "
    "its own password on every start",
}


@dataclass(frozen=True)
class SignInKey:
    """What the app may show about a stored key: never the secret."""

    name: str
    mfa_serial: str | None = None
    session_only: bool = False


@dataclass(frozen=True)
class KeyCredentials:
    access_key_id: str = ""
    secret_access_key: str = ""

    def __repr__(self) -> str:  # never print a secret, even in a traceback
        return f"KeyCredentials(access_key_id={self.access_key_id[:4]}…)"


@dataclass(frozen=True)
class KeyringStatus:
    usable: bool
    backend: str
    reason: str = ""
    locked: bool = False  # a Secret Service collection that must be unlocked first


def _backend_names(backend: Any) -> list[str]:
    """Class paths of ``backend`` and, for a chainer, of every backend it chains."""
    names = [f"{type(backend).__module__}.{type(backend).__qualname__}"]
    for child in getattr(backend, "backends", []) or []:
        names.extend(_backend_names(child))
    return names


LOCKED_REASON = (
    "the keyring is locked (its Secret Service collection {name!r} is locked). Unlock it: "
    "sign in to the desktop session, or open your keyring app (Passwords and Keys, "
    "KWallet) and unlock it; then try again"
)
NO_KEYRING_REASON = _UNSAFE_BACKENDS["keyring.backends.fail.Keyring"]
_SECRET_SERVICE_BACKEND = "keyring.backends.SecretService.Keyring"


def _locked_collection(backend: Any) -> str | None:
    """The label of the Secret Service collection ``backend`` would use, if it is locked.

    keyring itself would try to unlock it with a prompt (which a headless or
    remote session never answers) and fail each call later; asking only whether it
    is locked prompts nobody. None when it is unlocked or cannot be asked.
    """
    try:
        import secretstorage
    except ImportError:
        return None
    try:
        bus = secretstorage.dbus_init()
    except Exception:
        return None
    try:
        path = getattr(backend, "preferred_collection", None)
        # Collection(bus) is the "default" alias; never get_default_collection(),
        # which creates one (with a prompt) when there is none.
        collection = secretstorage.Collection(bus, path) if path else secretstorage.Collection(bus)
        if not collection.is_locked():
            return None
        try:
            return str(collection.get_label()) or "default"
        except Exception:
            return "default"
    except Exception:
        return None
    finally:
        with contextlib.suppress(Exception):
            bus.close()


def _backends_in(backend: Any) -> list[Any]:
    found = [backend]
    for child in getattr(backend, "backends", []) or []:
        found.extend(_backends_in(child))
    return found


def keyring_status(backend: Any | None = None) -> KeyringStatus:
    """Whether ``backend`` (default: keyring's active one) keeps secrets safe and can
    be used now: a locked Secret Service collection is not usable."""
    if backend is None:
        try:
            import keyring
        except ImportError:
            return KeyringStatus(False, "not installed", "the keyring library is not installed")
        backend = keyring.get_keyring()
    names = _backend_names(backend)
    label = names[0]
    if label == "keyring.backends.chainer.ChainerBackend":
        real = [n for n in names[1:] if n not in _UNSAFE_BACKENDS]
        if not real:
            return KeyringStatus(False, label, NO_KEYRING_REASON)
    elif label in _UNSAFE_BACKENDS:
        return KeyringStatus(False, label, _UNSAFE_BACKENDS[label])
    for each in _backends_in(backend):
        if f"{type(each).__module__}.{type(each).__qualname__}" == _SECRET_SERVICE_BACKEND:
            locked = _locked_collection(each)
            if locked is not None:
                return KeyringStatus(False, label, LOCKED_REASON.format(name=locked), locked=True)
    return KeyringStatus(True, label)


def keyring_error_text(exc: BaseException) -> str:
    """What to tell the user about a keyring failure.

    keyring's own text for "no backend" advises installing keyrings.alt, a
    plain-text backend the app refuses as unsafe: that advice never reaches a user.
    """
    name = type(exc).__name__
    text = str(exc)
    if name == "NoKeyringError" or "keyrings.alt" in text:
        return NO_KEYRING_REASON
    if name == "KeyringLocked":
        return LOCKED_REASON.format(name="default")
    text = " ".join(text.split())[:200]
    return f"{name}: {text}" if text else name


def check_access_key_id(value: str) -> str | None:
    if _ACCESS_KEY_ID_RE.fullmatch(value):
        return None
    return "An access key ID starts with AKIA and is 16-128 capital letters and digits."


def check_secret_access_key(value: str) -> str | None:
    if _SECRET_RE.fullmatch(value):
        return None
    return "A secret access key is 30-128 letters, digits, / + or =."


KeyringGetter = Callable[[], Any]


def _default_keyring() -> Any:
    import keyring

    return keyring.get_keyring()


class KeyVault:
    """Stored sign-in keys. Thread-safe: the worker reads secrets, the GUI edits."""

    def __init__(self, config_dir: Path, keyring_backend: KeyringGetter = _default_keyring) -> None:
        self._index_path = Path(config_dir) / INDEX_FILE_NAME
        self._get_backend = keyring_backend
        self._lock = threading.Lock()
        self._memory: dict[str, KeyCredentials] = {}  # session-only secrets
        self._session_keys: dict[str, SignInKey] = {}
        self._stored: dict[str, SignInKey] = self._read_index()
        # The index as this vault last read or wrote it: the base of the merge below.
        self._base: dict[str, SignInKey] = dict(self._stored)

    # --- index file (names and MFA serials only) ---

    def _read_index(self) -> dict[str, SignInKey]:
        try:
            data = json.loads(self._index_path.read_text(encoding="utf-8"))
            entries = data.get("keys", []) if isinstance(data, dict) else []
        except (OSError, ValueError, RecursionError):
            return {}
        if not isinstance(entries, list):
            return {}
        keys: dict[str, SignInKey] = {}
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                serial = entry.get("mfa_serial")
                keys[entry["name"]] = SignInKey(
                    entry["name"], serial if isinstance(serial, str) else None
                )
        return keys

    def _merged_with_disk(self) -> dict[str, SignInKey]:
        """Our changes since the last read, applied to the index as it is on disk now.

        Another window or a headless command may have added or removed keys meanwhile:
        writing our list as it stands would drop theirs from the index and orphan
        their secret in the keyring.
        """
        theirs = self._read_index()
        merged = dict(theirs)
        for name in self._base.keys() - self._stored.keys():
            merged.pop(name, None)  # removed by us
        for name, key in self._stored.items():
            if self._base.get(name) != key:
                merged[name] = key  # added or changed by us
        return merged

    def _write_index(self) -> None:
        with self._lock:
            self._stored = self._merged_with_disk()
            self._base = dict(self._stored)
        document = {
            "version": INDEX_VERSION,
            "keys": [
                {"name": key.name, "mfa_serial": key.mfa_serial} for key in self._stored.values()
            ],
        }
        try:
            write_atomically(self._index_path, json.dumps(document, indent=2) + "\n")
        except OSError as exc:
            raise SignInKeyError(f"Could not save the list of sign-in keys: {exc}") from None

    # --- queries ---

    def status(self) -> KeyringStatus:
        try:
            return keyring_status(self._get_backend())
        except Exception as exc:  # a broken keyring install must not stop the app
            return KeyringStatus(
                False, "error", f"the keyring failed to start ({keyring_error_text(exc)})"
            )

    def list_keys(self) -> list[SignInKey]:
        with self._lock:
            merged = {**self._stored, **self._session_keys}
        return sorted(merged.values(), key=lambda k: k.name.casefold())

    def get(self, name: str) -> SignInKey | None:
        with self._lock:
            return self._session_keys.get(name) or self._stored.get(name)

    def credentials(self, name: str) -> KeyCredentials:
        """The key's ID and secret (from memory or the keyring); raises SignInKeyError."""
        with self._lock:
            if name in self._memory:
                return self._memory[name]
            known = name in self._stored
        if not known:  # perhaps added by another window or command since
            with self._lock:
                self._stored = self._merged_with_disk()
                self._base = dict(self._stored)
                known = name in self._stored
        if not known:
            raise SignInKeyError(
                f"There is no sign-in key named {name!r}. Add it under Sign-in keys."
            )
        # A locked collection would make keyring wait on an unlock prompt that a
        # headless or remote session never shows: say so at once instead.
        status = self.status()
        if status.locked:
            raise SignInKeyError(f"The sign-in key {name!r} cannot be read: {status.reason}.")
        try:
            raw = self._get_backend().get_password(KEYRING_SERVICE, _entry(name))
        except Exception as exc:
            raise SignInKeyError(
                f"The keyring could not give the sign-in key {name!r}: {keyring_error_text(exc)}"
            ) from None
        if not raw:
            raise SignInKeyError(
                f"The sign-in key {name!r} is no longer in the keyring. Add it again under "
                "Sign-in keys."
            )
        try:
            data = json.loads(raw)
            return KeyCredentials(str(data["access_key_id"]), str(data["secret_access_key"]))
        except (ValueError, KeyError, TypeError):
            raise SignInKeyError(f"The keyring entry of sign-in key {name!r} is damaged.") from None

    # --- changes ---

    def save(
        self,
        key: SignInKey,
        credentials: KeyCredentials,
        *,
        replacing: str | None = None,
    ) -> None:
        """Store (or replace) a key. ``key.session_only`` keeps it in memory only."""
        problems = self.validate(key, credentials, replacing=replacing)
        if problems:
            raise SignInKeyError(" ".join(problems.values()))
        if key.session_only:
            # Memory cannot refuse, so the old key (even a keyring one of the same
            # name) can go first: a replaced secret must not linger in the keyring.
            if replacing:
                self.delete(replacing)
            with self._lock:
                self._memory[key.name] = credentials
                self._session_keys[key.name] = key
            return
        status = self.status()
        if not status.usable:
            raise SignInKeyError(
                f"Not stored: {status.reason}, and the app never writes secrets to a file. "
                "Use the key for this session only, or set up a keyring."
            )
        secret = json.dumps(
            {
                "access_key_id": credentials.access_key_id,
                "secret_access_key": credentials.secret_access_key,
            }
        )
        try:
            self._get_backend().set_password(KEYRING_SERVICE, _entry(key.name), secret)
        except Exception as exc:
            raise SignInKeyError(
                f"The keyring refused to store the key: {keyring_error_text(exc)}"
            ) from None
        with self._lock:
            self._stored[key.name] = key
            self._memory.pop(key.name, None)
            self._session_keys.pop(key.name, None)
        self._write_index()
        # Only now that the new key is safely stored may a renamed old one go.
        if replacing and replacing != key.name:
            self.delete(replacing)

    def delete(self, name: str) -> None:
        with self._lock:
            self._memory.pop(name, None)
            self._session_keys.pop(name, None)
            was_stored = self._stored.pop(name, None) is not None
        if not was_stored:
            return
        # An entry already gone from the keyring leaves nothing to remove.
        with contextlib.suppress(Exception):
            self._get_backend().delete_password(KEYRING_SERVICE, _entry(name))
        self._write_index()

    def validate(
        self, key: SignInKey, credentials: KeyCredentials, *, replacing: str | None = None
    ) -> dict[str, str]:
        """``{field: message}`` for a key about to be saved."""
        taken = [k.name for k in self.list_keys() if k.name != replacing]
        checks = {
            "name": check_display_name(key.name, taken),
            "access_key_id": check_access_key_id(credentials.access_key_id),
            "secret_access_key": check_secret_access_key(credentials.secret_access_key),
            "mfa_serial": check_mfa_serial(key.mfa_serial) if key.mfa_serial else None,
        }
        return {field: message for field, message in checks.items() if message}


def _entry(name: str) -> str:
    return f"sign-in-key:{name}"
