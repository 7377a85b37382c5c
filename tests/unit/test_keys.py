"""KeyVault: secrets go to the keyring (or memory), never to a file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keyring.backends.fail
import keyring.backends.null
import pytest
from keyring.backend import KeyringBackend

from tests.memory_keyring import MemoryKeyring
from xacct_gui.core.errors import SignInKeyError
from xacct_gui.core.keys import KEYRING_SERVICE, KeyCredentials, KeyVault, SignInKey, keyring_status

KEY_ID = "AKIAUNITTESTKEY00001"
SECRET = "unitTestSecretAccessKey/Only+ForTests0001"


def all_file_bytes(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


def test_saved_key_lives_in_the_keyring_and_not_on_disk(tmp_path: Path) -> None:
    backend = MemoryKeyring()
    vault = KeyVault(tmp_path, keyring_backend=lambda: backend)
    vault.save(
        SignInKey("work", mfa_serial="arn:aws:iam::1:mfa/me"), KeyCredentials(KEY_ID, SECRET)
    )
    stored = json.loads(backend.entries[(KEYRING_SERVICE, "sign-in-key:work")])
    assert stored == {"access_key_id": KEY_ID, "secret_access_key": SECRET}
    on_disk = all_file_bytes(tmp_path)
    assert SECRET.encode() not in on_disk and KEY_ID.encode() not in on_disk
    assert b"work" in on_disk  # the index names the key so it can be listed
    # A new vault over the same dir (next start) lists it and reads the secret back.
    again = KeyVault(tmp_path, keyring_backend=lambda: backend)
    assert [k.name for k in again.list_keys()] == ["work"]
    assert again.get("work") == SignInKey("work", "arn:aws:iam::1:mfa/me")
    assert again.credentials("work") == KeyCredentials(KEY_ID, SECRET)


def test_replace_and_delete(tmp_path: Path) -> None:
    backend = MemoryKeyring()
    vault = KeyVault(tmp_path, keyring_backend=lambda: backend)
    vault.save(SignInKey("work"), KeyCredentials(KEY_ID, SECRET))
    new_secret = SECRET.replace("0001", "0002")
    vault.save(SignInKey("work-2"), KeyCredentials(KEY_ID, new_secret), replacing="work")
    assert [k.name for k in vault.list_keys()] == ["work-2"]
    assert vault.credentials("work-2").secret_access_key == new_secret
    assert (KEYRING_SERVICE, "sign-in-key:work") not in backend.entries
    vault.delete("work-2")
    assert backend.entries == {}
    with pytest.raises(SignInKeyError, match="no sign-in key"):
        vault.credentials("work-2")


@pytest.mark.parametrize(
    "backend",
    [keyring.backends.fail.Keyring(), keyring.backends.null.Keyring()],
    ids=["fail", "null"],
)
def test_unsafe_backends_refuse_and_offer_session_only(tmp_path: Path, backend: object) -> None:
    vault = KeyVault(tmp_path, keyring_backend=lambda: backend)
    status = vault.status()
    assert not status.usable and status.reason
    with pytest.raises(SignInKeyError, match="never writes secrets to a file"):
        vault.save(SignInKey("work"), KeyCredentials(KEY_ID, SECRET))
    vault.save(SignInKey("work", session_only=True), KeyCredentials(KEY_ID, SECRET))
    assert vault.credentials("work").secret_access_key == SECRET
    assert [k.session_only for k in vault.list_keys()] == [True]
    assert SECRET.encode() not in all_file_bytes(tmp_path)
    # Session-only keys are not remembered by the next start.
    assert KeyVault(tmp_path, keyring_backend=lambda: backend).list_keys() == []


def test_env_var_selecting_the_fail_backend_is_detected(tmp_path: Path) -> None:
    """PYTHON_KEYRING_BACKEND is how a user (or CI) forces a backend: honour and judge it."""
    code = (
        "from xacct_gui.core.keys import keyring_status;"
        "s = keyring_status(); print(s.usable, s.backend)"
    )
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    ).stdout.split()
    assert out == ["False", "keyring.backends.fail.Keyring"]


def test_memory_backend_counts_as_usable() -> None:
    assert keyring_status(MemoryKeyring()).usable


@pytest.mark.parametrize(
    ("key_id", "secret", "field"),
    [
        ("AKIA123", SECRET, "access_key_id"),
        ("akiaunittestkey00001", SECRET, "access_key_id"),
        (KEY_ID, "short", "secret_access_key"),
        (KEY_ID, "has spaces in it which are not allowed in a secret", "secret_access_key"),
    ],
)
def test_bad_keys_are_refused_before_anything_is_stored(
    tmp_path: Path, key_id: str, secret: str, field: str
) -> None:
    backend = MemoryKeyring()
    vault = KeyVault(tmp_path, keyring_backend=lambda: backend)
    assert field in vault.validate(SignInKey("work"), KeyCredentials(key_id, secret))
    with pytest.raises(SignInKeyError):
        vault.save(SignInKey("work"), KeyCredentials(key_id, secret))
    assert backend.entries == {}


def test_credentials_repr_hides_the_secret() -> None:
    assert SECRET not in repr(KeyCredentials(KEY_ID, SECRET))


class RefusingKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError("locked")


KeyringBackend._classes.discard(RefusingKeyring)  # type: ignore[attr-defined]


def test_failed_rename_keeps_the_old_key(tmp_path: Path) -> None:
    backend = MemoryKeyring()
    vault = KeyVault(tmp_path, keyring_backend=lambda: backend)
    vault.save(SignInKey("old"), KeyCredentials(KEY_ID, SECRET))
    refusing = RefusingKeyring()
    refusing.entries = backend.entries
    locked = KeyVault(tmp_path, keyring_backend=lambda: refusing)
    with pytest.raises(SignInKeyError, match="refused"):
        locked.save(SignInKey("new"), KeyCredentials(KEY_ID, SECRET), replacing="old")
    assert [k.name for k in locked.list_keys()] == ["old"]
    assert locked.credentials("old").secret_access_key == SECRET


def test_session_only_replacement_removes_the_keyring_copy(tmp_path: Path) -> None:
    backend = MemoryKeyring()
    vault = KeyVault(tmp_path, keyring_backend=lambda: backend)
    vault.save(SignInKey("work"), KeyCredentials(KEY_ID, SECRET))
    vault.save(
        SignInKey("work", session_only=True), KeyCredentials(KEY_ID, SECRET), replacing="work"
    )
    assert backend.entries == {}
    assert vault.credentials("work").secret_access_key == SECRET
