"""Secrets larger than one keyring entry, split into chunks that switch over atomically.

Why chunks and not encryption: Windows Credential Manager keeps at most 2,560
bytes per credential and keyring writes UTF-16 there, so one entry holds at most
1,280 characters, while an Identity Center token record is ~1,500+ characters and
a client secret alone can be several thousand. Encrypting with a key kept in the
keyring would need a cipher library the app does not otherwise depend on, and
still leaves a ciphertext file whose key and content can drift apart; chunking
keeps every secret inside the OS keyring and needs nothing but ``keyring``.

Layout of one record named ``<key>``:

* ``<key>#<gen>.<i>`` for ``i`` in ``0..count-1``: the chunks (≤ 1,280 characters
  each) of the record's ASCII-only JSON text, under a random generation ``gen``;
* ``<key>``: a small pointer ``{"gen", "count", "sha256"}``, plus ``pending`` while
  a write is under way.

A write first notes the new generation as ``pending`` in the pointer, writes the
new chunks, then switches the pointer to them in one ``set_password`` and only
then deletes the old chunks. A crash at any point leaves the pointer naming a
complete generation (the old one until the switch), and the next write or delete
sweeps the leftovers it recorded as pending. The hash makes a half-deleted or
tampered record read as damaged instead of as wrong data.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
from collections.abc import Callable
from typing import Any

from .errors import SsoStorageError

MAX_ENTRY_CHARS = 1280  # Windows: 2,560 bytes of UTF-16
CHUNK_CHARS = MAX_ENTRY_CHARS


def _chunk_name(key: str, gen: str, index: int) -> str:
    return f"{key}#{gen}.{index}"


class ChunkedSecrets:
    """Read, write and delete JSON records of any size in one keyring service."""

    def __init__(
        self, service: str, backend: Callable[[], Any], chunk_chars: int = CHUNK_CHARS
    ) -> None:
        if not 16 <= chunk_chars <= MAX_ENTRY_CHARS:
            raise ValueError("chunk size out of range")
        self._service = service
        self._backend = backend
        self._chunk = chunk_chars

    # --- raw keyring access, with failures as one sentence ---

    def _get(self, name: str) -> str | None:
        try:
            value = self._backend().get_password(self._service, name)
        except Exception as exc:
            raise SsoStorageError(
                f"The keyring could not read a stored sign-in ({type(exc).__name__}).",
                "KeyringRead",
            ) from None
        return value if isinstance(value, str) else None

    def _set(self, name: str, value: str) -> None:
        try:
            self._backend().set_password(self._service, name, value)
        except Exception as exc:
            raise SsoStorageError(
                f"The keyring refused to store the sign-in ({type(exc).__name__}); "
                "nothing was changed.",
                "KeyringWrite",
            ) from None

    def _drop(self, name: str) -> None:
        # An entry that is already gone leaves nothing to remove.
        with contextlib.suppress(Exception):
            self._backend().delete_password(self._service, name)

    def _pointer(self, key: str) -> dict[str, Any] | None:
        raw = self._get(key)
        if raw is None:
            return None
        try:
            pointer = json.loads(raw)
        except ValueError:
            return None
        return pointer if isinstance(pointer, dict) else None

    def _drop_generation(self, key: str, generation: Any) -> None:
        if not isinstance(generation, dict):
            return
        gen, count = generation.get("gen"), generation.get("count")
        if isinstance(gen, str) and isinstance(count, int):
            for index in range(min(count, 10_000)):
                self._drop(_chunk_name(key, gen, index))

    # --- records ---

    def read(self, key: str) -> dict[str, Any] | None:
        """The record, or None when nothing is stored; raises SsoStorageError if damaged.

        A writer in another thread or process may switch the pointer and delete the
        chunks this reader is about to fetch: when a chunk is missing or the text does
        not match its hash, the pointer is read again, and a changed pointer means
        "try the new generation" rather than "damaged".
        """
        pointer = self._pointer(key)
        for _ in range(5):
            if pointer is None or "gen" not in pointer:
                return None  # nothing stored, or only a first write that never finished
            record = self._read_generation(key, pointer)
            if record is not None:
                return record
            latest = self._pointer(key)
            if latest is not None and latest.get("gen") == pointer.get("gen"):
                raise _damaged()
            pointer = latest
        raise _damaged()

    def _read_generation(self, key: str, pointer: dict[str, Any]) -> dict[str, Any] | None:
        gen, count, digest = pointer.get("gen"), pointer.get("count"), pointer.get("sha256")
        if not (isinstance(gen, str) and isinstance(count, int) and isinstance(digest, str)):
            raise _damaged()
        parts: list[str] = []
        for index in range(count):
            part = self._get(_chunk_name(key, gen, index))
            if part is None:
                return None
            parts.append(part)
        text = "".join(parts)
        if hashlib.sha256(text.encode("ascii", "replace")).hexdigest() != digest:
            return None
        try:
            record = json.loads(text)
        except ValueError:
            raise _damaged() from None
        if not isinstance(record, dict):
            raise _damaged()
        return record

    def write(self, key: str, record: dict[str, Any]) -> None:
        """Replace the record so that a reader (or a crash) sees the old or the new one."""
        # ASCII-only JSON: one character is one UTF-16 unit, so a chunk's length is its size.
        text = json.dumps(record, ensure_ascii=True, separators=(",", ":"), sort_keys=True)
        chunks = [text[i : i + self._chunk] for i in range(0, len(text), self._chunk)] or [""]
        old = self._pointer(key)
        if old is not None:
            self._drop_generation(key, old.get("pending"))  # a crashed write's leftovers
        gen = secrets.token_hex(4)
        current = (
            {"gen": old.get("gen"), "count": old.get("count"), "sha256": old.get("sha256")}
            if old is not None and "gen" in old
            else None
        )
        pending = {"gen": gen, "count": len(chunks)}
        self._set(key, json.dumps({**(current or {}), "pending": pending}))
        try:
            for index, chunk in enumerate(chunks):
                self._set(_chunk_name(key, gen, index), chunk)
        except SsoStorageError:
            self._drop_generation(key, pending)
            raise
        digest = hashlib.sha256(text.encode("ascii")).hexdigest()
        self._set(key, json.dumps({"gen": gen, "count": len(chunks), "sha256": digest}))
        if current is not None:
            self._drop_generation(key, current)

    def delete(self, key: str) -> None:
        """Remove the record and every chunk it (or a crashed write) left."""
        pointer = self._pointer(key)
        if pointer is None:
            self._drop(key)
            return
        self._drop(key)
        self._drop_generation(key, pointer)
        self._drop_generation(key, pointer.get("pending"))


def _damaged() -> SsoStorageError:
    return SsoStorageError(
        "The stored sign-in in the keyring is damaged; sign in again.", "KeyringDamaged"
    )
