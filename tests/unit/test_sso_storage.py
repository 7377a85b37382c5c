"""Keyring storage of sign-ins against a keyring that refuses what Windows refuses."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from keyring.backends.fail import Keyring as FailKeyring

from tests.sso_stand_in import WINDOWS_MAX_CHARS, Crash, WindowsSizedKeyring
from xacct_gui.core.keys import KEYRING_SERVICE
from xacct_gui.core.sso.errors import SsoStorageError
from xacct_gui.core.sso.models import Registration, SsoInstance, SsoToken
from xacct_gui.core.sso.secrets import ChunkedSecrets
from xacct_gui.core.sso.store import SsoStore

ACME = SsoInstance("https://acme.awsapps.com/start", "eu-west-1", "Acme")
LATER = datetime(2030, 1, 1, tzinfo=timezone.utc)


def _record(tag: str, size: int = 6000) -> dict[str, str]:
    return {"tag": tag, "blob": (tag * size)[:size], "unicode": "é ✓ 𝄞"}


def _keys(keyring: WindowsSizedKeyring, prefix: str = "rec") -> set[str]:
    return {user for service, user in keyring.entries if user.startswith(prefix)}


def test_a_large_record_round_trips_in_chunks() -> None:
    keyring = WindowsSizedKeyring()
    store = ChunkedSecrets(KEYRING_SERVICE, lambda: keyring)
    record = _record("a", 6000)
    store.write("rec", record)
    assert store.read("rec") == record
    assert all(len(value) <= WINDOWS_MAX_CHARS for value in keyring.entries.values())
    chunks = _keys(keyring) - {"rec"}
    assert len(chunks) == 5  # 6,000+ characters of JSON in 1,280-character entries
    pointer = json.loads(keyring.entries[(KEYRING_SERVICE, "rec")])
    assert pointer["count"] == 5 and "pending" not in pointer


def test_the_keyring_really_refuses_big_entries() -> None:
    keyring = WindowsSizedKeyring()
    with pytest.raises(Exception, match="too big"):
        keyring.set_password("s", "u", "x" * (WINDOWS_MAX_CHARS + 1))


def test_rewrite_replaces_and_cleans_the_old_generation() -> None:
    keyring = WindowsSizedKeyring()
    store = ChunkedSecrets(KEYRING_SERVICE, lambda: keyring)
    store.write("rec", _record("a", 6000))
    before = keyring.writes
    store.write("rec", _record("b", 6000))
    assert keyring.writes - before == 7  # what the crash test below counts on
    store.write("rec", _record("b", 2000))
    assert store.read("rec") == _record("b", 2000)
    assert len(_keys(keyring)) == 1 + 2  # pointer + the new generation only


# Rewriting with a 6,000-character record takes 7 writes: the pointer noting the pending
# generation, 5 chunks, the pointer switch. Die before each of them in turn.
@pytest.mark.parametrize("crash_at", range(7))
def test_a_crash_mid_write_keeps_the_old_record(crash_at: int) -> None:
    keyring = WindowsSizedKeyring()
    store = ChunkedSecrets(KEYRING_SERVICE, lambda: keyring)
    store.write("rec", _record("old", 3000))
    keyring.crash_after = crash_at
    with pytest.raises(Crash):
        store.write("rec", _record("new", 6000))
    # The pointer never switched: readers see the whole old record.
    assert store.read("rec") == _record("old", 3000)
    # The next write sweeps what the crashed one left; delete leaves nothing at all.
    store.write("rec", _record("next", 1500))
    assert store.read("rec") == _record("next", 1500)
    assert len(_keys(keyring)) == 1 + 2
    store.delete("rec")
    assert _keys(keyring) == set()


def test_a_refused_write_keeps_the_old_record_and_says_so() -> None:
    keyring = WindowsSizedKeyring()
    store = ChunkedSecrets(KEYRING_SERVICE, lambda: keyring)
    store.write("rec", _record("old", 3000))
    keyring.fail_after = 3
    with pytest.raises(SsoStorageError) as caught:
        store.write("rec", _record("new", 6000))
    assert "nothing was changed" in str(caught.value)
    assert store.read("rec") == _record("old", 3000)
    assert "new" not in str(caught.value)


def test_a_first_write_that_crashed_reads_as_nothing_and_is_swept() -> None:
    keyring = WindowsSizedKeyring(crash_after=3)
    store = ChunkedSecrets(KEYRING_SERVICE, lambda: keyring)
    with pytest.raises(Crash):
        store.write("rec", _record("new", 6000))
    assert store.read("rec") is None
    store.delete("rec")
    assert _keys(keyring) == set()


def test_a_lost_chunk_reads_as_damaged() -> None:
    keyring = WindowsSizedKeyring()
    store = ChunkedSecrets(KEYRING_SERVICE, lambda: keyring)
    store.write("rec", _record("a", 3000))
    victim = sorted(_keys(keyring) - {"rec"})[1]
    del keyring.entries[(KEYRING_SERVICE, victim)]
    with pytest.raises(SsoStorageError) as caught:
        store.read("rec")
    assert str(caught.value) == "The stored sign-in in the keyring is damaged; sign in again."


def test_a_tampered_chunk_reads_as_damaged() -> None:
    keyring = WindowsSizedKeyring()
    store = ChunkedSecrets(KEYRING_SERVICE, lambda: keyring)
    store.write("rec", _record("a", 3000))
    victim = sorted(_keys(keyring) - {"rec"})[0]
    keyring.entries[(KEYRING_SERVICE, victim)] = "x" * 10
    with pytest.raises(SsoStorageError):
        store.read("rec")


def _full_store(tmp_path: Path, keyring: WindowsSizedKeyring) -> SsoStore:
    store = SsoStore(tmp_path, lambda: keyring)
    store.save_registration(ACME, Registration("cid-1", "C" * 5000, LATER, "pkce"))
    store.save_registration(ACME, Registration("cid-2", "D" * 4000, LATER, "device"))
    store.save_token(ACME, SsoToken("A" * 1200, LATER, "pkce", "R" * 900))
    return store


def test_sign_in_round_trip_and_no_secret_in_the_file(tmp_path: Path) -> None:
    keyring = WindowsSizedKeyring()
    store = _full_store(tmp_path, keyring)
    token = store.load_token(ACME)
    assert token == SsoToken("A" * 1200, LATER, "pkce", "R" * 900)
    registration = store.load_registration(ACME, "pkce")
    assert registration is not None and registration.client_secret == "C" * 5000
    files = list((tmp_path / "sso").glob("*.json"))
    assert len(files) == 1
    text = files[0].read_text()
    for secret in ("AAAA", "RRRR", "CCCC", "DDDD"):
        assert secret not in text
    meta = json.loads(text)
    assert meta["startUrl"] == ACME.start_url and meta["canRefresh"] is True
    assert store.known() == [ACME]
    info = store.info(ACME)
    assert info.expires_at == LATER and info.can_refresh and "AAAA" not in repr(info)


def test_wipe_removes_every_chunk_and_the_file(tmp_path: Path) -> None:
    keyring = WindowsSizedKeyring()
    store = _full_store(tmp_path, keyring)
    assert len(keyring.entries) > 10
    store.wipe(ACME)
    assert keyring.entries == {}
    assert store.known() == []
    assert store.load_token(ACME) is None


def test_an_unsafe_keyring_is_refused(tmp_path: Path) -> None:
    store = SsoStore(tmp_path, FailKeyring)
    with pytest.raises(SsoStorageError) as caught:
        store.save_token(ACME, SsoToken("secret-access", LATER, "pkce"))
    assert str(caught.value).startswith("Not stored: no keyring service was found")
    assert "secret-access" not in str(caught.value)
    assert not (tmp_path / "sso").exists()


def test_expired_times_survive_as_aware_datetimes(tmp_path: Path) -> None:
    keyring = WindowsSizedKeyring()
    store = SsoStore(tmp_path, lambda: keyring)
    when = datetime(2026, 1, 1, 8, tzinfo=timezone(timedelta(hours=2)))
    store.save_token(ACME, SsoToken("a", when, "device"))
    token = store.load_token(ACME)
    assert token is not None and token.expires_at == when and token.refresh_token is None


def test_a_reader_overtaken_by_a_writer_reads_the_new_record() -> None:
    """Between reading the pointer and the chunks, another process rewrites the record."""
    keyring = WindowsSizedKeyring()
    writer = ChunkedSecrets(KEYRING_SERVICE, lambda: keyring)
    writer.write("rec", _record("old", 3000))

    class Overtaken(WindowsSizedKeyring):
        def __init__(self) -> None:
            super().__init__()
            self.entries = keyring.entries
            self.done = False

        def get_password(self, service: str, username: str) -> str | None:
            if "#" in username and not self.done:  # the first chunk read
                self.done = True
                writer.write("rec", _record("new", 4000))
            return super().get_password(service, username)

    overtaken = Overtaken()
    reader = ChunkedSecrets(KEYRING_SERVICE, lambda: overtaken)
    assert reader.read("rec") == _record("new", 4000)
    assert overtaken.done
