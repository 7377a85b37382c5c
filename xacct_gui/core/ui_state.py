"""The UI state kept in ``state.json``: every key declared once, with its type and default.

Qt-free and typed over :class:`~xacct_gui.core.store.StateStore` (which merges
values into the file and ignores failures: state is a convenience, never an
error). Callers read and write through the :class:`StateKey` constants below,
never through string literals. Anything odd found in the file reads as the
key's default.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .discovery import DEFAULT_RULES, ColorRule, rules_from_data, rules_to_data
from .store import StateStore

T = TypeVar("T")


@dataclass(frozen=True)
class StateKey(Generic[T]):
    """One key of ``state.json``: its name, its default, and its JSON form both ways."""

    name: str
    default: T
    read: Callable[[object], T]
    write: Callable[[T], object]


def _names(data: object) -> tuple[str, ...]:
    if not isinstance(data, list):
        return ()
    return tuple(item for item in data if isinstance(item, str) and item)


def _name(data: object) -> str | None:
    return data if isinstance(data, str) and data else None


def _rules(data: object) -> tuple[ColorRule, ...]:
    return rules_from_data(data)


def _rules_data(rules: tuple[ColorRule, ...]) -> object:
    return rules_to_data(rules)


# The roles switched to, most recent first.
RECENT_ROLES: StateKey[tuple[str, ...]] = StateKey("recent_roles", (), _names, list)
# The colour rules last used in the discovery dialog.
DISCOVERY_RULES: StateKey[tuple[ColorRule, ...]] = StateKey(
    "discovery_rules", DEFAULT_RULES, _rules, _rules_data
)
# The profile that was active when the state was last saved: the app opens with it.
# It is also the legacy form of the history (the app kept only this before it kept
# RECENT_ROLES), so a file without RECENT_ROLES seeds the history from it. Kept read
# and kept written: older versions and the command line's contract read it, and it
# differs from the head of the history once the active profile is deleted.
LAST_PROFILE: StateKey[str | None] = StateKey("last_profile", None, _name, lambda name: name)

# The name template of Identity Center profiles ("{account_name} / {role_name}").
SSO_TEMPLATE: StateKey[str | None] = StateKey("sso_template", None, _name, lambda name: name)

# The main window's size and place as the user left them: Qt's saveGeometry() bytes,
# base64-encoded (opaque here; the window checks they still fit a screen).
WINDOW_GEOMETRY: StateKey[str | None] = StateKey(
    "window_geometry", None, _name, lambda value: value
)

KEYS: tuple[StateKey[Any], ...] = (
    RECENT_ROLES,
    DISCOVERY_RULES,
    LAST_PROFILE,
    SSO_TEMPLATE,
    WINDOW_GEOMETRY,
)


class UiState:
    """Typed reads and writes of the UI state; each call reads or merges the file."""

    def __init__(self, store: StateStore) -> None:
        self._store = store

    @property
    def store(self) -> StateStore:
        return self._store

    def get(self, key: StateKey[T]) -> T:
        data = self._store.load()
        if key is RECENT_ROLES and key.name not in data:
            return key.read(_seed_from_legacy(data))
        if key.name not in data:
            return key.default
        return key.read(data[key.name])

    def set(self, key: StateKey[T], value: T) -> None:
        self.update({key: value})

    def update(self, values: Mapping[StateKey[Any], Any]) -> None:
        """Write several keys in one go (one write of the file)."""
        self._store.save(**{key.name: key.write(value) for key, value in values.items()})

    @property
    def last_profile(self) -> str | None:
        """The profile to open with."""
        return self.get(LAST_PROFILE)


def _seed_from_legacy(data: Mapping[str, object]) -> list[object]:
    """An older state without a history: its last profile is the whole history."""
    return [data.get(LAST_PROFILE.name)]
