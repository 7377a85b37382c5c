"""Keyring states as the user reads them (issue 10 item 20).

A real locked Secret Service is in tests/interop/test_secret_service.py; here
the backends keyring itself ships (fail, null, chainer) and its own errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import chainer, fail, null

from tests.memory_keyring import MemoryKeyring
from xacct_gui.core.errors import SignInKeyError
from xacct_gui.core.keys import (
    KeyCredentials,
    KeyVault,
    SignInKey,
    keyring_error_text,
    keyring_status,
)
from xacct_gui.selftest import build_report, check_keyring

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.fixture
def backend() -> Iterator[None]:
    before = keyring.get_keyring()
    yield
    keyring.set_keyring(before)


def test_the_libraries_advice_to_install_keyrings_alt_never_reaches_the_user(
    tmp_path: Path,
) -> None:
    failing = fail.Keyring()
    with pytest.raises(Exception) as raised:
        failing.get_password("s", "u")
    assert "keyrings.alt" in str(raised.value)  # what the library would have said
    assert "keyrings.alt" not in keyring_error_text(raised.value)
    stored = MemoryKeyring()
    vault = KeyVault(tmp_path, lambda: stored)
    vault.save(SignInKey("alice"), KeyCredentials("AKIAABCDEFGHIJKLMNOP", SECRET))
    broken = KeyVault(tmp_path, lambda: failing)
    with pytest.raises(SignInKeyError) as error:
        broken.credentials("alice")
    assert "keyrings.alt" not in str(error.value)
    assert "no keyring service" in str(error.value)


@pytest.mark.parametrize("made", [fail.Keyring, null.Keyring])
def test_unsafe_backends_are_not_usable(made: type) -> None:
    status = keyring_status(made())
    assert not status.usable
    assert "keyrings.alt" not in status.reason


def test_a_chainer_of_nothing_real_is_not_usable() -> None:
    status = keyring_status(chainer.ChainerBackend())
    assert status.usable is bool(
        [b for b in chainer.ChainerBackend().backends if "fail" not in type(b).__module__]
    )


def test_self_test_says_not_ok_for_the_fail_backend(backend: None, tmp_path: Path) -> None:
    keyring.set_keyring(fail.Keyring())
    section = check_keyring()
    assert section["ok"] is False
    assert section["usable"] is False
    assert any("no keyring service" in p for p in section["problems"])
    report = build_report(tmp_path / "config")
    assert report["ok"] is False
    keyring.set_keyring(MemoryKeyring())
    assert check_keyring()["usable"] is True
