"""The key vault on a real Secret Service: gnome-keyring on a private D-Bus bus.

keyring's own SecretService backend talks to gnome-keyring-daemon exactly as on a
desktop; the secrets are checked with secretstorage, the library under keyring,
so what is asserted is what the keyring really holds. The locked case locks the
real login collection (last in this file: unlocking again needs a prompt).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from tests.interop.conftest import SecretServiceSession
from xacct_gui.core.errors import SignInKeyError
from xacct_gui.core.keys import KEYRING_SERVICE, KeyCredentials, KeyVault, SignInKey, keyring_status
from xacct_gui.selftest import check_keyring

KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.fixture
def backend(secret_service: SecretServiceSession, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from keyring.backends import SecretService

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service.address)
    real = SecretService.Keyring()
    before = keyring.get_keyring()
    keyring.set_keyring(real)
    yield real
    keyring.set_keyring(before)


def stored_items() -> dict[str, str]:
    """Every xacct entry in the login collection: its username to its secret."""
    import secretstorage

    bus = secretstorage.dbus_init()
    try:
        collection = secretstorage.Collection(bus)
        return {
            item.get_attributes()["username"]: item.get_secret().decode()
            for item in collection.search_items({"service": KEYRING_SERVICE})
        }
    finally:
        bus.close()


def test_store_read_rename_delete(backend: Any, tmp_path: Path) -> None:
    status = keyring_status(backend)
    assert status.usable and not status.locked, status
    vault = KeyVault(tmp_path, lambda: backend)
    vault.save(
        SignInKey("alice", mfa_serial="arn:aws:iam::111111111111:mfa/alice"),
        KeyCredentials(KEY_ID, SECRET),
    )
    items = stored_items()
    assert set(items) == {"sign-in-key:alice"}
    assert SECRET in items["sign-in-key:alice"]
    assert SECRET not in (tmp_path / "sign-in-keys.json").read_text(encoding="utf-8")
    # A new vault (a new start of the app) reads it back from the keyring.
    fresh = KeyVault(tmp_path, lambda: backend)
    assert fresh.credentials("alice") == KeyCredentials(KEY_ID, SECRET)
    # Rename: the secret moves, the old entry is gone.
    fresh.save(SignInKey("alice-work"), KeyCredentials(KEY_ID, SECRET), replacing="alice")
    assert set(stored_items()) == {"sign-in-key:alice-work"}
    assert KeyVault(tmp_path, lambda: backend).credentials("alice-work").secret_access_key == SECRET
    fresh.delete("alice-work")
    assert stored_items() == {}
    assert [k.name for k in KeyVault(tmp_path, lambda: backend).list_keys()] == []


def test_self_test_is_ok_with_an_unlocked_secret_service(backend: Any) -> None:
    section = check_keyring()
    assert section["usable"] is True and section["locked"] is False
    assert section["backend"] == "keyring.backends.SecretService.Keyring"


def test_zz_a_locked_collection_is_reported_locked(backend: Any, tmp_path: Path) -> None:
    import secretstorage

    vault = KeyVault(tmp_path, lambda: backend)
    vault.save(SignInKey("bob"), KeyCredentials(KEY_ID, SECRET))
    bus = secretstorage.dbus_init()
    try:
        secretstorage.Collection(bus).lock()
    finally:
        bus.close()
    status = keyring_status(backend)
    assert status.locked and not status.usable
    assert "locked" in status.reason and "unlock" in status.reason.lower()
    with pytest.raises(SignInKeyError) as refused:
        vault.save(SignInKey("carol"), KeyCredentials(KEY_ID, SECRET))
    assert "locked" in str(refused.value)
    # Reading a stored key says the same, at once, instead of waiting on a prompt.
    with pytest.raises(SignInKeyError) as unreadable:
        KeyVault(tmp_path, lambda: backend).credentials("bob")
    assert "locked" in str(unreadable.value)
    section = check_keyring()
    assert section["ok"] is False and section["locked"] is True
    assert any("locked" in problem for problem in section["problems"])
