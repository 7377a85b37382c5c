"""UiState: each key's type and default, the legacy last profile, and what is written."""

from __future__ import annotations

import json
from pathlib import Path

from xacct_gui.core.discovery import DEFAULT_RULES, ColorRule
from xacct_gui.core.store import StateStore
from xacct_gui.core.ui_state import (
    DISCOVERY_RULES,
    KEYS,
    LAST_PROFILE,
    RECENT_ROLES,
    UiState,
)


def state_file(tmp_path: Path, data: object) -> UiState:
    (tmp_path / "state.json").write_text(json.dumps(data), encoding="utf-8")
    return UiState(StateStore(tmp_path))


def test_missing_file_gives_every_default(tmp_path: Path) -> None:
    state = UiState(StateStore(tmp_path))
    assert state.get(RECENT_ROLES) == ()
    assert state.get(DISCOVERY_RULES) == DEFAULT_RULES
    assert state.get(LAST_PROFILE) is None
    assert state.last_profile is None
    assert len({key.name for key in KEYS}) == len(KEYS)  # each key declared once


def test_junk_reads_as_the_default(tmp_path: Path) -> None:
    state = state_file(
        tmp_path, {"recent_roles": "Prod", "discovery_rules": 7, "last_profile": ["x"]}
    )
    assert state.get(RECENT_ROLES) == ()
    assert state.get(DISCOVERY_RULES) == DEFAULT_RULES
    assert state.get(LAST_PROFILE) is None


def test_the_last_profile_also_seeds_an_older_file_s_history(tmp_path: Path) -> None:
    state = state_file(tmp_path, {"recent_roles": ["Test", "Dev"], "last_profile": "Dev"})
    assert state.last_profile == "Dev"
    assert state.get(RECENT_ROLES) == ("Test", "Dev")
    # A state from before the history: its last profile seeds the history.
    assert state_file(tmp_path, {"last_profile": "Prod"}).get(RECENT_ROLES) == ("Prod",)
    # An explicitly empty history stays empty.
    assert (
        state_file(tmp_path, {"recent_roles": [], "last_profile": "Prod"}).get(RECENT_ROLES) == ()
    )


def test_writes_merge_and_round_trip(tmp_path: Path) -> None:
    state = state_file(tmp_path, {"window": "kept"})
    state.update({RECENT_ROLES: ("Dev", "Prod"), LAST_PROFILE: "Dev"})
    rules = (ColorRule("live", "red"),)
    state.set(DISCOVERY_RULES, rules)
    data = StateStore(tmp_path).load()
    assert data == {
        "window": "kept",
        "recent_roles": ["Dev", "Prod"],
        "last_profile": "Dev",
        "discovery_rules": [{"text": "live", "color": "red"}],
    }
    assert state.get(RECENT_ROLES) == ("Dev", "Prod")
    assert state.get(DISCOVERY_RULES) == rules
    assert state.last_profile == "Dev"
