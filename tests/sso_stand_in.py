"""Keyring doubles for the Identity Center tests; the stand-in itself lives in
:mod:`xacct_gui.demo.identity_center` (the demo serves it too)."""

from __future__ import annotations

import json
import os
import threading
from typing import Any

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError, PasswordSetError

from xacct_gui.demo.identity_center import (
    DEVICE_GRANT,
    Reply,
    SsoStandIn,
    make_accounts,
    oidc_error,
    portal_error,
)

__all__ = [
    "DEVICE_GRANT",
    "Crash",
    "FileKeyring",
    "Reply",
    "SsoStandIn",
    "WindowsSizedKeyring",
    "make_accounts",
    "oidc_error",
    "portal_error",
]

# --- keyrings for tests ---

WINDOWS_MAX_CHARS = 1280


class Crash(BaseException):
    """The process dies here: nothing after it runs, not even ``except Exception``."""


class WindowsSizedKeyring(KeyringBackend):
    """In memory, refusing what Windows Credential Manager refuses: over 1,280 characters.

    After ``fail_after`` more writes the next one is refused (an error); after
    ``crash_after`` more writes the next one kills the "process" (:class:`Crash`).
    """

    priority = 1  # type: ignore[assignment]

    def __init__(self, fail_after: int | None = None, crash_after: int | None = None) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}
        self.writes = 0
        self.fail_after = fail_after
        self.crash_after = crash_after
        self._lock = threading.Lock()

    def get_password(self, service: str, username: str) -> str | None:
        with self._lock:
            return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._lock:
            if len(password) > WINDOWS_MAX_CHARS:
                raise PasswordSetError("The stub blob is too big (over 2,560 bytes)")
            if self.fail_after is not None:
                if self.fail_after <= 0:
                    raise PasswordSetError("simulated crash")
                self.fail_after -= 1
            if self.crash_after is not None:
                if self.crash_after <= 0:
                    self.crash_after = None
                    raise Crash()
                self.crash_after -= 1
            self.writes += 1
            self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        with self._lock:
            if self.entries.pop((service, username), None) is None:
                raise PasswordDeleteError(username)


class FileKeyring(WindowsSizedKeyring):
    """A keyring shared by processes (a JSON file under an OS lock), for the lock test."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def _locked(self, change: Any, *, write: bool = True) -> Any:
        import fcntl

        with open(self.path + ".lock", "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                data: dict[str, str] = {}
                if os.path.exists(self.path):
                    with open(self.path) as source:
                        data = json.load(source)
                result = change(data)
                if write:
                    tmp = f"{self.path}.{os.getpid()}.tmp"
                    with open(tmp, "w") as out:
                        json.dump(data, out)
                    os.replace(tmp, self.path)
                return result
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def get_password(self, service: str, username: str) -> str | None:
        value: str | None = self._locked(lambda d: d.get(f"{service}|{username}"), write=False)
        return value

    def set_password(self, service: str, username: str, password: str) -> None:
        if len(password) > WINDOWS_MAX_CHARS:
            raise PasswordSetError("too big")
        self._locked(lambda d: d.__setitem__(f"{service}|{username}", password))

    def delete_password(self, service: str, username: str) -> None:
        if self._locked(lambda d: d.pop(f"{service}|{username}", None)) is None:
            raise PasswordDeleteError(username)


# Keep the doubles out of keyring's discovery (see tests/memory_keyring.py).
KeyringBackend._classes.discard(WindowsSizedKeyring)  # type: ignore[attr-defined]
KeyringBackend._classes.discard(FileKeyring)  # type: ignore[attr-defined]
