"""profiles.json under faults: nothing the user wrote is ever lost or half-written.

tests/unit/test_store.py already covers a corrupt file, a non-object, a bad version,
undecodable bytes, a directory in the file's place and ``os.replace`` failing with
ENOSPC. This file adds the faults it does not: a truncated file, a read-only
directory, an unknown newer version full of valid profiles (also through the
command line and ``--demo``, which is the one path that writes on its own), and
writes that fail at every step of the atomic save.

After each fault: the user's file is byte-for-byte what it was, and the directory
holds no temporary file.

About permissions: CI runs as root, and root ignores directory permissions, so
``chmod 0o555`` cannot make a directory read-only there. The read-only cases are
therefore simulated in two ways that hold for root too: the temp file cannot be
created (``tempfile.mkstemp`` raises EACCES, which is exactly what a read-only
directory does to the first write) and the config "directory" is really a file
(ENOTDIR). A real ``chmod`` test runs as well where it has an effect (non-root).
"""

from __future__ import annotations

import errno
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.factories import make_profile
from xacct_gui.__main__ import main
from xacct_gui.core.errors import ProfileFileError
from xacct_gui.core.store import FILE_NAME, ProfileStore, StateStore
from xacct_gui.demo import DemoEnvironment


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """main() adds a handler on stderr to the root logger; tests that call it in-process
    must not leave one behind pointing at a closed capture stream."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def saved_file(directory: Path) -> bytes:
    """A real profile file with two profiles and keys this version does not know."""
    directory.mkdir(parents=True, exist_ok=True)
    document = {
        "version": 1,
        "window": {"width": 900},
        "profiles": [
            {**make_profile(color=None, region=None).to_dict(), "team": "payments"},
            make_profile(
                "Prod", account_id="444444444444", color="red", region="eu-west-1"
            ).to_dict(),
        ],
    }
    raw = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()
    (directory / FILE_NAME).write_bytes(raw)
    return raw


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def assert_untouched(directory: Path, raw: bytes, also: tuple[str, ...] = ()) -> None:
    assert (directory / FILE_NAME).read_bytes() == raw
    # No ".profiles.json.*.tmp" (or anything else) left behind.
    assert listing(directory) == sorted([FILE_NAME, *also])


# --- truncated ---


@pytest.fixture
def full_file(tmp_path: Path) -> bytes:
    return saved_file(tmp_path)


@pytest.mark.parametrize(
    "keep", [1, 0.25, 0.5, 0.9, -2], ids=["1-byte", "quarter", "half", "90%", "last-brace"]
)
def test_truncated_file_is_refused_and_kept(tmp_path: Path, full_file: bytes, keep: float) -> None:
    """A file cut short (a crash of another editor, a full disk, a sync tool) is never
    taken for an empty profile list and never overwritten."""
    cut = int(keep) if keep >= 1 or keep < 0 else int(len(full_file) * keep)
    raw = full_file[:cut]
    with pytest.raises(ValueError):
        json.loads(raw)  # the premise: what is left is not JSON
    (tmp_path / FILE_NAME).write_bytes(raw)

    store = ProfileStore(tmp_path)
    result = store.load()
    assert not result.writable
    assert result.profiles == ()
    assert "not valid JSON" in result.problems[0]
    assert str(tmp_path / FILE_NAME) in result.problems[0]
    with pytest.raises(ProfileFileError, match="left untouched"):
        store.save([make_profile("New", account_id="999999999999", color=None, region=None)])
    # A second start of the app refuses it the same way.
    assert not ProfileStore(tmp_path).load().writable
    assert_untouched(tmp_path, raw)


def test_truncated_file_on_the_command_line_says_what_is_wrong(
    tmp_path: Path, full_file: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = full_file[: len(full_file) // 2]
    (tmp_path / FILE_NAME).write_bytes(raw)
    assert main(["--config-dir", str(tmp_path), "--list-buckets", "Dev"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and "not valid JSON" in err and FILE_NAME in err
    assert "Traceback" not in err
    assert (tmp_path / FILE_NAME).read_bytes() == raw


# --- read-only directory ---


def permission_denied(*args: object, **kwargs: object) -> None:
    raise PermissionError(errno.EACCES, "Permission denied")


def test_read_only_directory_save_fails_and_keeps_the_file(
    tmp_path: Path, full_file: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulated: creating the temp file is the first write a read-only directory refuses."""
    store = ProfileStore(tmp_path)
    loaded = store.load()
    assert loaded.writable and len(loaded.profiles) == 2
    monkeypatch.setattr(tempfile, "mkstemp", permission_denied)
    with pytest.raises(ProfileFileError) as info:
        store.save(
            [
                *loaded.profiles,
                make_profile("New", account_id="999999999999", color=None, region=None),
            ]
        )
    message = str(info.value)
    assert "Permission denied" in message and "unchanged" in message
    assert str(tmp_path / FILE_NAME) in message
    # The UI state is a convenience: failing to save it is silent and leaves nothing.
    StateStore(tmp_path).save(last_profile="Prod")
    assert_untouched(tmp_path, full_file)
    # Once the directory is writable again, saving works and keeps the unknown keys.
    monkeypatch.undo()
    store.save(
        [*loaded.profiles, make_profile("New", account_id="999999999999", color=None, region=None)]
    )
    document = json.loads((tmp_path / FILE_NAME).read_text())
    assert document["window"] == {"width": 900}
    assert document["profiles"][0]["team"] == "payments"
    assert [p["name"] for p in document["profiles"]] == ["Dev", "Prod", "New"]


def test_config_directory_that_is_really_a_file(tmp_path: Path) -> None:
    """ENOTDIR holds for root too: nothing can be created under a regular file."""
    blocker = tmp_path / "xacct-gui"
    blocker.write_bytes(b"not a directory\n")
    store = ProfileStore(blocker)
    result = store.load()
    assert result.profiles == ()
    with pytest.raises(ProfileFileError) as info:
        store.save([make_profile(color=None, region=None)])
    assert "Traceback" not in str(info.value) and str(blocker) in str(info.value)
    StateStore(blocker).save(last_profile="Dev")
    assert blocker.read_bytes() == b"not a directory\n"
    assert listing(tmp_path) == ["xacct-gui"]


# --- unknown newer version ---


def newer_file(directory: Path) -> bytes:
    document = {
        "version": 2,
        "layout": "something this version cannot know",
        "profiles": [
            {**make_profile(color=None, region=None).to_dict(), "new_field": {"nested": True}},
            make_profile("Prod", account_id="444444444444", color=None, region=None).to_dict(),
        ],
    }
    raw = json.dumps(document, indent=4).encode()  # not the app's own formatting
    (directory / FILE_NAME).write_bytes(raw)
    return raw


def test_newer_version_with_valid_profiles_is_never_rewritten(tmp_path: Path) -> None:
    """Even when every entry would parse, a newer file is not this app's to write."""
    raw = newer_file(tmp_path)
    store = ProfileStore(tmp_path)
    result = store.load()
    assert not result.writable
    assert result.profiles == ()
    assert "newer xacct" in result.problems[0] and "version 2" in result.problems[0]
    with pytest.raises(ProfileFileError, match="left untouched"):
        store.save([make_profile(color=None, region=None)])
    with pytest.raises(ProfileFileError):
        store.save([])
    assert_untouched(tmp_path, raw)


def test_newer_version_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = newer_file(tmp_path)
    assert main(["--config-dir", str(tmp_path), "--list-buckets", "Dev"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "newer xacct" in err
    assert_untouched(tmp_path, raw)


def test_demo_never_adds_its_profiles_to_a_newer_file(
    demo_env: DemoEnvironment, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--demo with a named config dir saves its profiles there: unless the file is not ours.

    Uses the session's emulator (the demo joins it), so no extra server starts.
    """
    raw = newer_file(tmp_path)
    assert main(["--demo", "--config-dir", str(tmp_path), "--list-buckets", "Dev"]) == 1
    assert "newer xacct" in capsys.readouterr().err
    assert_untouched(tmp_path, raw)


# --- writes that fail part-way ---


def failing(exc: BaseException) -> Callable[..., None]:
    def fail(*args: object, **kwargs: object) -> None:
        raise exc

    return fail


@pytest.mark.parametrize(
    ("target", "exc", "expected"),
    [
        ("fsync", OSError(errno.ENOSPC, "No space left on device"), ProfileFileError),
        ("fsync", OSError(errno.EIO, "Input/output error"), ProfileFileError),
        ("replace", PermissionError(errno.EACCES, "Access is denied"), ProfileFileError),
        ("replace", KeyboardInterrupt(), KeyboardInterrupt),
    ],
    ids=["disk-full-at-flush", "io-error-at-flush", "replace-refused", "interrupted"],
)
def test_failed_write_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path,
    full_file: bytes,
    monkeypatch: pytest.MonkeyPatch,
    target: str,
    exc: BaseException,
    expected: type[BaseException],
) -> None:
    store = ProfileStore(tmp_path)
    profiles = store.load().profiles
    monkeypatch.setattr(os, target, failing(exc))
    with pytest.raises(expected):
        store.save(
            [*profiles, make_profile("New", account_id="999999999999", color=None, region=None)]
        )
    monkeypatch.undo()
    assert_untouched(tmp_path, full_file)
    # The store is still usable: the next save (disk space back) works.
    store.save([*profiles, make_profile("New", account_id="999999999999", color=None, region=None)])
    assert [p.name for p in ProfileStore(tmp_path).load().profiles] == ["Dev", "Prod", "New"]
    assert listing(tmp_path) == [FILE_NAME]


def test_write_failing_mid_file_leaves_no_partial_file(
    tmp_path: Path, full_file: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills after half the text is written: the half file is the temp file,
    which is removed; profiles.json is never opened for writing."""
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, handle: object) -> None:
            self._handle = handle

        def __enter__(self) -> HalfWriter:
            return self

        def __exit__(self, *exc: object) -> None:
            self._handle.close()  # type: ignore[attr-defined]

        def write(self, text: str) -> int:
            self._handle.write(text[: len(text) // 2])  # type: ignore[attr-defined]
            self._handle.flush()  # type: ignore[attr-defined]
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name: str) -> object:
            return getattr(self._handle, name)

    def half_fdopen(fd: int, *args: object, **kwargs: object) -> HalfWriter:
        return HalfWriter(real_fdopen(fd, *args, **kwargs))  # type: ignore[call-overload]

    store = ProfileStore(tmp_path)
    profiles = store.load().profiles
    monkeypatch.setattr(os, "fdopen", half_fdopen)
    with pytest.raises(ProfileFileError, match="No space left"):
        store.save(
            [*profiles, make_profile("New", account_id="999999999999", color=None, region=None)]
        )
    monkeypatch.undo()
    assert_untouched(tmp_path, full_file)
