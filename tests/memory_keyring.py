"""An in-memory keyring backend: the real ``keyring`` API, with a dict for storage.

Tests use it instead of the OS keyring (none runs on CI machines); the app's
code talks to it exactly as it talks to Keychain or Secret Service.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


# Defining a backend registers it with keyring's discovery; keep the double out of it so
# no other test's keyring.get_keyring() picks it up by accident.
KeyringBackend._classes.discard(MemoryKeyring)  # type: ignore[attr-defined]
