"""Load and save ``profiles.json`` without ever losing what the user wrote.

Rules (see "Files on disk" in docs/architecture.md):

* writes are atomic: a temp file in the same directory, fsync, ``os.replace``;
* a file that cannot be read or parsed, or whose version is newer than this
  app knows, is never overwritten: the store turns read-only and says why;
* keys this version does not know survive a save, at the top level and in each
  profile, and a profile entry that fails validation is written back unchanged.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ProfileError, ProfileFileError
from .file_merge import merge_profiles
from .json_text import dumps_with_list
from .profiles import RoleProfile

FILE_NAME = "profiles.json"
STATE_FILE_NAME = "state.json"
CURRENT_VERSION = 1


@dataclass(frozen=True)
class LoadResult:
    profiles: tuple[RoleProfile, ...]
    # One message per problem the user should read; empty when all is well.
    problems: tuple[str, ...] = ()
    # False when saving would overwrite a file the app could not understand.
    writable: bool = True


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so readers see the old or the new file, never half."""
    # A directory made here holds the app's files: only its user may look in (0700).
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as tmp:
            tmp.write(text)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_directory(path.parent)


# A temp file of write_atomically older than this was left by a crash (a write takes
# milliseconds): removed on start.
STALE_TEMP_AGE_S = 300.0


def remove_stale_temp_files(directory: Path, max_age_s: float = STALE_TEMP_AGE_S) -> list[Path]:
    """Delete ``.<name>.*.tmp`` files write_atomically left in ``directory``; returns them."""
    removed: list[Path] = []
    now = time.time()
    try:
        candidates = list(directory.glob(".*.tmp"))
    except OSError:
        return removed
    for candidate in candidates:
        try:
            if candidate.is_file() and now - candidate.stat().st_mtime > max_age_s:
                candidate.unlink()
                removed.append(candidate)
        except OSError:
            continue  # another process's, or already gone: not ours to insist on
    return removed


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows cannot open directories.
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class ProfileStore:
    """The profile file of one config directory."""

    def __init__(self, config_dir: Path) -> None:
        self.config_dir = Path(config_dir)
        self.path = self.config_dir / FILE_NAME
        self._writable = True
        self._why_read_only = ""
        self._top_level_extra: dict[str, Any] = {}
        self._invalid_entries: list[Any] = []
        # What the file held when this store last read or wrote it (None: no file), and
        # its profiles then: the write check compares against them.
        self._disk_digest: str | None = None
        self._base: dict[str, RoleProfile] = {}

    @property
    def writable(self) -> bool:
        return self._writable

    def load(self) -> LoadResult:
        result = self._load()
        self._base = {p.name.casefold(): p for p in result.profiles}
        return result

    def _load(self) -> LoadResult:
        self._top_level_extra = {}
        self._invalid_entries = []
        self._disk_digest = None
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            self._writable = True
            return LoadResult(profiles=())
        except OSError as exc:
            return self._read_only(f"Cannot read {self.path}: {_reason(exc)}.")
        self._disk_digest = _digest(raw)
        try:
            raw_text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            return self._read_only(f"Cannot read {self.path}: {_reason(exc)}.")
        try:
            document = json.loads(raw_text)
        except json.JSONDecodeError as exc:
            return self._read_only(
                f"{self.path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
            )
        except (ValueError, RecursionError) as exc:
            # Valid JSON that Python will not build: an integer longer than
            # sys.get_int_max_str_digits(), or nesting deeper than the recursion limit.
            return self._read_only(f"{self.path} cannot be read as a profile file ({exc}).")
        return self._parse(document)

    def _read_only(self, problem: str) -> LoadResult:
        self._writable = False
        self._why_read_only = (
            f"{problem} The file was left untouched; changes to profiles are not saved "
            "until it is fixed or moved away."
        )
        return LoadResult(profiles=(), problems=(self._why_read_only,), writable=False)

    def _parse(self, document: Any) -> LoadResult:
        if not isinstance(document, dict) or not isinstance(document.get("profiles", []), list):
            return self._read_only(
                f"{self.path} does not look like a profile file (expected an object "
                'with a "profiles" list).'
            )
        version = document.get("version", CURRENT_VERSION)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            return self._read_only(f"{self.path} has an invalid version {version!r}.")
        if version > CURRENT_VERSION:
            return self._read_only(
                f"{self.path} was written by a newer xacct (file version {version}, this app "
                f"knows up to {CURRENT_VERSION}). Update the app to use it."
            )
        self._writable = True
        self._top_level_extra = {
            k: v for k, v in document.items() if k not in ("version", "profiles")
        }
        profiles: list[RoleProfile] = []
        problems: list[str] = []
        for position, entry in enumerate(document.get("profiles", []), start=1):
            try:
                if not isinstance(entry, dict):
                    raise ProfileError({"entry": "is not an object"})
                profiles.append(RoleProfile.from_dict(entry, (p.name for p in profiles)))
            except ProfileError as exc:
                # Keep the entry verbatim so a later save does not drop it.
                self._invalid_entries.append(entry)
                problems.append(f"{self.path}, profile #{position} was skipped: {exc}")
        return LoadResult(profiles=tuple(profiles), problems=tuple(problems))

    def save(self, profiles: Sequence[RoleProfile]) -> tuple[RoleProfile, ...]:
        """Write ``profiles`` atomically and return what was written.

        When another writer changed the file since this store read it, their changes
        are merged in (:mod:`.file_merge`) and the result is what was written; a
        conflict raises ProfileFileError, as does any failure, with a user message.
        """
        if not self._writable:
            raise ProfileFileError(self._why_read_only)
        profiles = self._merge_with_disk(profiles)
        head: dict[str, Any] = {"version": CURRENT_VERSION, **self._top_level_extra}
        head.pop("profiles", None)
        entries = [p.to_dict() for p in profiles] + self._invalid_entries
        # json.dumps({**head, "profiles": entries}, indent=2), without its slow encoder.
        text = dumps_with_list(head, "profiles", entries, ensure_ascii=False) + "\n"
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            # A lone surrogate ("\ud800" in the file) has no UTF-8 form: keep it escaped,
            # as the file had it, instead of failing every save.
            text = dumps_with_list(head, "profiles", entries, ensure_ascii=True) + "\n"
        try:
            write_atomically(self.path, text)
        except OSError as exc:
            raise ProfileFileError(
                f"Could not save profiles to {self.path}: {_reason(exc)}. "
                "The previous file is unchanged."
            ) from None
        self._disk_digest = _digest(text.encode("utf-8"))
        self._base = {p.name.casefold(): p for p in profiles}
        return tuple(profiles)

    def _merge_with_disk(self, ours: Sequence[RoleProfile]) -> Sequence[RoleProfile]:
        """``ours``, merged with the file's changes if someone else wrote it meanwhile."""
        try:
            now = _digest(self.path.read_bytes())
        except FileNotFoundError:
            now = None
        except OSError as exc:
            raise ProfileFileError(f"Cannot read {self.path}: {_reason(exc)}.") from None
        if now == self._disk_digest:
            return ours
        base, read_digest = self._base, self._disk_digest
        kept_invalid = list(self._invalid_entries)
        theirs = self._load()  # also takes their unknown keys and invalid entries
        if not self._writable:
            raise ProfileFileError(
                f"Not saved: another xacct window or command changed {self.path} meanwhile, "
                f"and it can no longer be read. {self._why_read_only}"
            )
        for entry in kept_invalid:
            if entry not in self._invalid_entries:
                self._invalid_entries.append(entry)
        try:
            merged = merge_profiles(base, ours, theirs.profiles, where=str(self.path))
        except ProfileFileError:
            self._disk_digest = read_digest  # so the next save checks again, never overwrites
            raise
        self._base = {p.name.casefold(): p for p in theirs.profiles}
        return merged


class StateStore:
    """Small UI state (last active profile), kept apart so switching never rewrites profiles."""

    def __init__(self, config_dir: Path) -> None:
        self.path = Path(config_dir) / STATE_FILE_NAME

    def load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return {}
        return data if isinstance(data, dict) else {}

    def save(self, **values: Any) -> None:
        """Merge ``values`` into the state; failures are ignored (state is a convenience)."""
        state = self.load()
        state.update(values)
        with contextlib.suppress(OSError):
            write_atomically(self.path, json.dumps(state, indent=2) + "\n")


def _digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def unique_name(base: str, taken: Iterable[str]) -> str:
    """``base``, or ``base (copy)``, ``base (copy 2)`` … whichever is free (case-insensitive)."""
    used = {name.casefold() for name in taken}
    if base.casefold() not in used:
        return base
    candidate = f"{base} (copy)"
    counter = 2
    while candidate.casefold() in used:
        candidate = f"{base} (copy {counter})"
        counter += 1
    return candidate[:64]
