"""profiles.json: round trip, atomic replace, and never losing what the user wrote."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.factories import make_profile
from xacct_gui.core.errors import ProfileFileError
from xacct_gui.core.store import CURRENT_VERSION, ProfileStore, StateStore, unique_name


def test_missing_file_loads_empty_and_is_writable(tmp_path: Path) -> None:
    result = ProfileStore(tmp_path).load()
    assert result.profiles == ()
    assert result.problems == ()
    assert result.writable


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "new-dir")
    profile = make_profile(
        external_id="ext-123",
        color="#123abc",
        region="eu-west-1",
        session_name="alice",
        duration_seconds=7200,
        mfa_serial="arn:aws:iam::111111111111:mfa/alice",
        source_profile="work",
    )
    store.save([profile])
    loaded = ProfileStore(tmp_path / "new-dir").load().profiles
    assert loaded == (profile,)
    document = json.loads(store.path.read_text())
    assert document["version"] == CURRENT_VERSION
    assert document["profiles"][0]["external_id"] == "ext-123"


def test_unknown_keys_survive_a_save(tmp_path: Path) -> None:
    path = tmp_path / "profiles.json"
    path.write_text(
        json.dumps(
            {
                "version": 1,
                "window": {"width": 900},
                "profiles": [
                    {
                        "name": "Dev",
                        "account_id": "222222222222",
                        "role_name": "Dev",
                        "team": "payments",
                    }
                ],
            }
        )
    )
    store = ProfileStore(tmp_path)
    profiles = store.load().profiles
    store.save([profiles[0].replace(color="red")])
    document = json.loads(path.read_text())
    assert document["window"] == {"width": 900}
    assert document["profiles"][0]["team"] == "payments"
    assert document["profiles"][0]["color"] == "red"


def test_invalid_entry_is_reported_and_written_back_unchanged(tmp_path: Path) -> None:
    bad = {"name": "Broken", "account_id": "12345", "role_name": "Admin"}
    path = tmp_path / "profiles.json"
    path.write_text(
        json.dumps(
            {
                "version": 1,
                "profiles": [bad, {"name": "Ok", "account_id": "1" * 12, "role_name": "R"}],
            }
        )
    )
    store = ProfileStore(tmp_path)
    result = store.load()
    assert [p.name for p in result.profiles] == ["Ok"]
    assert len(result.problems) == 1
    assert "profile #1" in result.problems[0] and "account_id" in result.problems[0]
    store.save(result.profiles)
    assert bad in json.loads(path.read_text())["profiles"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"version": 1, "profiles": [', "not valid JSON (line 1"),
        ("[1, 2, 3]", "does not look like a profile file"),
        ('{"version": 99, "profiles": []}', "newer xacct"),
        ('{"version": "one", "profiles": []}', "invalid version"),
        (b"\xff\xfe\x00garbage", "Cannot read"),
    ],
)
def test_unusable_file_is_kept_byte_for_byte(
    tmp_path: Path, content: str | bytes, expected: str
) -> None:
    path = tmp_path / "profiles.json"
    raw = content if isinstance(content, bytes) else content.encode()
    path.write_bytes(raw)
    store = ProfileStore(tmp_path)
    result = store.load()
    assert not result.writable
    assert result.profiles == ()
    assert expected in result.problems[0]
    assert str(path) in result.problems[0]
    with pytest.raises(ProfileFileError, match="left untouched"):
        store.save([make_profile(color=None, region=None)])
    assert path.read_bytes() == raw
    assert sorted(p.name for p in tmp_path.iterdir()) == ["profiles.json"]


def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    # A directory in the file's place is unreadable even for root (CI runs as root,
    # so chmod 000 would not stop it).
    (tmp_path / "profiles.json").mkdir()
    store = ProfileStore(tmp_path)
    result = store.load()
    assert not result.writable
    assert "Cannot read" in result.problems[0]
    with pytest.raises(ProfileFileError):
        store.save([make_profile(color=None, region=None)])
    assert (tmp_path / "profiles.json").is_dir()


def test_failed_replace_leaves_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ProfileStore(tmp_path)
    store.save([make_profile(color=None, region=None)])
    before = store.path.read_bytes()

    def disk_full(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(ProfileFileError, match="No space left on device") as info:
        store.save([make_profile("Other", account_id="333333333333", color=None, region=None)])
    assert "unchanged" in str(info.value)
    assert store.path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["profiles.json"]


def test_save_replaces_atomically_via_temp_file_in_same_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(src: str, dst: str) -> None:
        seen.append((str(src), str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    store = ProfileStore(tmp_path)
    store.save([make_profile(color=None, region=None)])
    assert len(seen) == 1
    src, dst = seen[0]
    assert Path(src).parent == tmp_path and Path(dst) == store.path
    assert not Path(src).exists()


def test_state_store_merges_and_survives_garbage(tmp_path: Path) -> None:
    state = StateStore(tmp_path)
    assert state.load() == {}
    state.save(last_profile="Dev")
    state.save(other=1)
    assert state.load() == {"last_profile": "Dev", "other": 1}
    state.path.write_text("not json")
    assert state.load() == {}


def test_unique_name_is_case_insensitive() -> None:
    assert unique_name("Dev", ["prod"]) == "Dev"
    assert unique_name("Dev", ["dev"]) == "Dev (copy)"
    assert unique_name("Dev", ["Dev", "dev (COPY)"]) == "Dev (copy 2)"
