"""Two writers on one config dir (a window and a headless command, or two processes):
each one's change survives the other's save ("Files on disk", docs/architecture.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.factories import make_profile
from tests.memory_keyring import MemoryKeyring
from xacct_gui.core.errors import ProfileFileError
from xacct_gui.core.keys import KeyCredentials, KeyVault, SignInKey
from xacct_gui.core.store import ProfileStore

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def names_on_disk(tmp_path: Path) -> list[str]:
    document = json.loads((tmp_path / "profiles.json").read_text())
    return sorted(p["name"] for p in document["profiles"])


def test_profiles_added_by_two_stores_are_both_kept(tmp_path: Path) -> None:
    ProfileStore(tmp_path).save([make_profile("Shared")])
    a, b = ProfileStore(tmp_path), ProfileStore(tmp_path)
    seen_a, seen_b = a.load().profiles, b.load().profiles
    a.save([*seen_a, make_profile("FromA", account_id="333333333333")])
    written = b.save([*seen_b, make_profile("FromB", account_id="444444444444")])
    assert sorted(p.name for p in written) == ["FromA", "FromB", "Shared"]
    assert names_on_disk(tmp_path) == ["FromA", "FromB", "Shared"]
    # And A, saving again, keeps B's as well.
    a.save([*seen_a, make_profile("FromA", account_id="333333333333")])
    assert names_on_disk(tmp_path) == ["FromA", "FromB", "Shared"]


def test_removals_and_edits_of_the_other_writer_are_kept(tmp_path: Path) -> None:
    ProfileStore(tmp_path).save([make_profile("Keep"), make_profile("Gone"), make_profile("Edit")])
    a, b = ProfileStore(tmp_path), ProfileStore(tmp_path)
    seen = a.load().profiles
    b.load()
    a.save([p for p in seen if p.name != "Gone"])
    b.save([make_profile("Keep"), make_profile("Gone"), make_profile("Edit", region="ap-south-1")])
    on_disk = ProfileStore(tmp_path).load().profiles
    assert sorted(p.name for p in on_disk) == ["Edit", "Keep"]
    assert next(p for p in on_disk if p.name == "Edit").region == "ap-south-1"


def test_both_changing_one_profile_differently_is_refused_not_overwritten(tmp_path: Path) -> None:
    ProfileStore(tmp_path).save([make_profile("Dev")])
    a, b = ProfileStore(tmp_path), ProfileStore(tmp_path)
    a.load()
    b.load()
    a.save([make_profile("Dev", region="eu-central-1")])
    for _attempt in range(2):  # refused again on a second try, never overwritten
        with pytest.raises(ProfileFileError, match="changed by another"):
            b.save([make_profile("Dev", region="us-west-2")])
        assert ProfileStore(tmp_path).load().profiles[0].region == "eu-central-1"


def test_sign_in_keys_added_by_two_vaults_are_both_listed(tmp_path: Path) -> None:
    backend = MemoryKeyring()
    a = KeyVault(tmp_path, keyring_backend=lambda: backend)
    b = KeyVault(tmp_path, keyring_backend=lambda: backend)
    a.save(SignInKey("from-a"), KeyCredentials("AKIAAAAAAAAAAAAAAAAA", SECRET))
    b.save(SignInKey("from-b"), KeyCredentials("AKIABBBBBBBBBBBBBBBB", SECRET))
    fresh = KeyVault(tmp_path, keyring_backend=lambda: backend)
    assert [k.name for k in fresh.list_keys()] == ["from-a", "from-b"]
    # No secret in the keyring without its entry in the index (orphaned), and A can use
    # the key B added without a restart.
    listed = {f"sign-in-key:{k.name}" for k in fresh.list_keys()}
    assert {user for _service, user in backend.entries} == listed
    assert a.credentials("from-b").access_key_id == "AKIABBBBBBBBBBBBBBBB"
    b.delete("from-a")
    assert [k.name for k in KeyVault(tmp_path, keyring_backend=lambda: backend).list_keys()] == [
        "from-b"
    ]
