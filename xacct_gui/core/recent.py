"""Recently used roles and the search behind the switcher, the palette and the tray.

Qt-free so the rules (what "recent" means, what a query matches, in which
order results come) are unit-tested without a display and shared by every
widget that offers roles.

Search rules: the query is split into words; a profile matches when *every*
word occurs, case-insensitively, in its display name, its account ID or its
role name (path included). A word made only of digits and dashes also matches
the account ID with the dashes removed, because the console writes account IDs
as ``1234-5678-9012``. Results: the recent roles that match, most recent first,
then every other match in the saved order. The order is deliberately not a
fuzzy score: people with hundreds of roles learn where a role sits in the list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from .profiles import RoleProfile
from .ui_state import RECENT_ROLES, UiState

MAX_RECENT = 5  # the console remembers five roles; so does the app

_DIGITS_AND_DASHES = re.compile(r"[0-9-]*[0-9][0-9-]*")
# Joins the fields of a search key. Query words never contain whitespace (the
# query is split on it), so a word can never match across two fields.
_FIELD_SEPARATOR = "\n"


class RecentRoles:
    """The names of the last roles switched to, most recent first, without repeats.

    Names are exact profile names (unique in the profile file). The list is a
    convenience: anything odd in the stored form is dropped, never an error.
    """

    def __init__(self, names: Iterable[str] = (), *, limit: int = MAX_RECENT) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self._limit = limit
        self._names: list[str] = []
        for name in names:
            if name not in self._names:
                self._names.append(name)
        del self._names[limit:]

    # --- reading ---

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._names)

    @property
    def limit(self) -> int:
        return self._limit

    def nth(self, n: int) -> str | None:
        """The ``n``-th most recent name, counting from 1 (for Ctrl+1 … Ctrl+5); else None."""
        if 1 <= n <= len(self._names):
            return self._names[n - 1]
        return None

    def resolve(self, profiles: Iterable[RoleProfile]) -> list[RoleProfile]:
        """The recent profiles, most recent first; names no longer saved are skipped."""
        by_name = {profile.name: profile for profile in profiles}
        return [by_name[name] for name in self._names if name in by_name]

    def __len__(self) -> int:
        return len(self._names)

    def __iter__(self) -> Iterator[str]:
        return iter(tuple(self._names))

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __repr__(self) -> str:
        return f"RecentRoles({self._names!r}, limit={self._limit})"

    # --- changing; each returns whether the list changed, so callers save only then ---

    def touch(self, name: str) -> bool:
        """Record a switch to ``name``: it moves (or enters) at the front."""
        if self._names[:1] == [name]:
            return False
        if name in self._names:
            self._names.remove(name)
        self._names.insert(0, name)
        del self._names[self._limit :]
        return True

    def prune(self, saved_names: Iterable[str]) -> bool:
        """Drop names that are no longer saved profiles (deleted, or renamed elsewhere)."""
        saved = set(saved_names)
        kept = [name for name in self._names if name in saved]
        changed = kept != self._names
        self._names = kept
        return changed

    def rename(self, old: str, new: str) -> bool:
        """Keep a renamed profile's place in the history."""
        if old not in self._names or old == new:
            return False
        if new in self._names:
            # Names are unique, so an entry already called ``new`` was a profile that
            # has since lost that name; the renamed profile keeps its own place.
            self._names.remove(new)
        self._names[self._names.index(old)] = new
        return True

    # --- the JSON form kept in state.json (the RECENT_ROLES key of core.ui_state) ---

    def to_json(self) -> list[str]:
        return list(self._names)

    @classmethod
    def from_json(cls, data: object, *, limit: int = MAX_RECENT) -> RecentRoles:
        """Rebuild from :meth:`to_json`'s output; anything but a list of names is ignored."""
        if not isinstance(data, list):
            return cls(limit=limit)
        return cls((item for item in data if isinstance(item, str) and item), limit=limit)

    @classmethod
    def from_state(cls, state: UiState, *, limit: int = MAX_RECENT) -> RecentRoles:
        """Read the history from the UI state (an older state's last profile seeds it)."""
        names: tuple[str, ...] = state.get(RECENT_ROLES)
        return cls.from_json(list(names), limit=limit)

    def save_to(self, state: UiState) -> None:
        state.set(RECENT_ROLES, self.names)


# --- search ---


@dataclass(frozen=True)
class _Word:
    text: str  # case-folded
    digits: str | None  # the word without dashes when it looks like (part of) an account ID


def _parse(query: str) -> tuple[_Word, ...]:
    words = []
    for raw in query.split():
        folded = raw.casefold()
        digits = folded.replace("-", "") if _DIGITS_AND_DASHES.fullmatch(folded) else None
        words.append(_Word(folded, digits or None))
    return tuple(words)


def search_key(profile: RoleProfile) -> str:
    """The case-folded text a query is matched against (name, account ID, role name)."""
    return _FIELD_SEPARATOR.join(
        (profile.name.casefold(), profile.account_id, profile.role_name.casefold())
    )


def _key_matches(key: str, account_id: str, words: tuple[_Word, ...]) -> bool:
    for word in words:
        if word.text in key:
            continue
        if word.digits is not None and word.digits in account_id:
            continue
        return False
    return True


def matches(profile: RoleProfile, query: str) -> bool:
    """Whether every word of ``query`` occurs in the profile's name, account ID or role name."""
    return _key_matches(search_key(profile), profile.account_id, _parse(query))


@dataclass(frozen=True)
class Ranked:
    """One search's results: the matching recent roles, then the other matches."""

    recent: tuple[RoleProfile, ...]
    others: tuple[RoleProfile, ...]

    @property
    def all(self) -> list[RoleProfile]:
        return [*self.recent, *self.others]

    def __len__(self) -> int:
        return len(self.recent) + len(self.others)


class SearchIndex:
    """Profiles with their search keys computed once, so each keystroke only compares text.

    Build one when the profiles change; :meth:`search` is then a single pass
    of substring tests (about a millisecond for 1,000 profiles).
    """

    def __init__(self, profiles: Sequence[RoleProfile]) -> None:
        self._profiles = tuple(profiles)
        self._keys = tuple(search_key(profile) for profile in self._profiles)
        self._positions = {profile.name: i for i, profile in enumerate(self._profiles)}

    @property
    def profiles(self) -> tuple[RoleProfile, ...]:
        return self._profiles

    def search(self, query: str, recent: Iterable[str] = ()) -> Ranked:
        words = _parse(query)
        recent_positions = [self._positions[n] for n in recent if n in self._positions]
        recent_set = set(recent_positions)
        if words:

            def hit(i: int) -> bool:
                return _key_matches(self._keys[i], self._profiles[i].account_id, words)

        else:

            def hit(i: int) -> bool:
                return True

        first = tuple(self._profiles[i] for i in recent_positions if hit(i))
        rest = tuple(
            profile for i, profile in enumerate(self._profiles) if i not in recent_set and hit(i)
        )
        return Ranked(first, rest)


def rank(
    profiles: Sequence[RoleProfile], query: str, recent: Iterable[str] = ()
) -> list[RoleProfile]:
    """The profiles matching ``query``: recent ones (most recent first), then the rest in order."""
    return SearchIndex(profiles).search(query, recent).all
