"""Recent roles (order, limits, persistence) and the role search rules, without Qt."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import make_profile
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.recent import (
    MAX_RECENT,
    RecentRoles,
    SearchIndex,
    matches,
    rank,
)
from xacct_gui.core.store import StateStore
from xacct_gui.core.ui_state import RECENT_ROLES, UiState

ENVS = ("dev", "test", "stage", "prod")
TEAMS = ("payments", "search", "identity", "data", "web")
ROLES = ("Admin", "ReadOnly", "DeveloperAccess", "team/ops/Deployer")


def make_profiles(count: int) -> list[RoleProfile]:
    return [
        make_profile(
            f"{TEAMS[i % 5]}-{ENVS[i % 4]}-{i:04d}",
            account_id=f"{100000000000 + i * 7919:012d}",
            role_name=ROLES[i % 4],
        )
        for i in range(count)
    ]


def profile(name: str, account_id: str = "111111111111", role_name: str = "Admin") -> RoleProfile:
    return make_profile(name, account_id=account_id, role_name=role_name)


def names(profiles: list[RoleProfile]) -> list[str]:
    return [p.name for p in profiles]


# --- RecentRoles ---


def test_touch_puts_the_latest_first_without_repeats() -> None:
    recent = RecentRoles()
    for name in ("A", "B", "C", "B"):
        recent.touch(name)
    assert recent.names == ("B", "C", "A")
    assert recent.touch("B") is False  # already the latest: nothing to save
    assert recent.touch("A") is True
    assert recent.names == ("A", "B", "C")


def test_only_five_are_kept() -> None:
    recent = RecentRoles()
    for name in "ABCDEFG":
        recent.touch(name)
    assert MAX_RECENT == 5
    assert recent.names == ("G", "F", "E", "D", "C")
    assert len(recent) == 5


def test_construction_dedupes_and_trims() -> None:
    recent = RecentRoles(["A", "B", "A", "C", "D", "E", "F"])
    assert recent.names == ("A", "B", "C", "D", "E")
    assert list(recent) == ["A", "B", "C", "D", "E"]
    assert "C" in recent and "F" not in recent
    assert RecentRoles(["A", "B", "C"], limit=2).names == ("A", "B")
    with pytest.raises(ValueError):
        RecentRoles(limit=0)


def test_prune_drops_names_that_are_no_longer_saved() -> None:
    recent = RecentRoles(["Prod", "Gone", "Dev"])
    assert recent.prune(["Dev", "Prod", "Test"]) is True
    assert recent.names == ("Prod", "Dev")
    assert recent.prune(["Dev", "Prod"]) is False


def test_rename_keeps_the_place() -> None:
    recent = RecentRoles(["Prod", "Dev", "Test"])
    assert recent.rename("Dev", "Development") is True
    assert recent.names == ("Prod", "Development", "Test")
    assert recent.rename("Unknown", "X") is False
    # Renaming onto a name already in the list leaves one entry, at the renamed place.
    assert recent.rename("Test", "Prod") is True
    assert recent.to_json() == ["Development", "Prod"]


def test_nth_counts_from_one_for_ctrl_1_to_5() -> None:
    recent = RecentRoles(["A", "B", "C"])
    assert [recent.nth(n) for n in range(0, 6)] == [None, "A", "B", "C", None, None]


def test_resolve_returns_saved_profiles_most_recent_first() -> None:
    saved = [
        make_profile("Dev", account_id="111111111111", role_name="Admin", color=None, region=None),
        make_profile("Test", account_id="111111111111", role_name="Admin", color=None, region=None),
        make_profile("Prod", account_id="111111111111", role_name="Admin", color=None, region=None),
    ]
    recent = RecentRoles(["Prod", "Deleted", "Dev"])
    assert names(recent.resolve(saved)) == ["Prod", "Dev"]


def test_json_form_round_trips_and_ignores_junk() -> None:
    recent = RecentRoles(["Prod", "Dev"])
    assert recent.to_json() == ["Prod", "Dev"]
    assert RecentRoles.from_json(recent.to_json()).names == ("Prod", "Dev")
    for junk in (None, "Prod", 3, {"Prod": 1}):
        assert RecentRoles.from_json(junk).names == ()
    mixed = ["Prod", 7, None, "", "Dev", "Prod", ["x"], "A", "B", "C", "D"]
    assert RecentRoles.from_json(mixed).names == ("Prod", "Dev", "A", "B", "C")


def state_of(tmp_path: Path, **values: object) -> UiState:
    """A fresh state file holding exactly ``values``."""
    (tmp_path / "state.json").unlink(missing_ok=True)
    store = StateStore(tmp_path)
    store.save(**values)
    return UiState(store)


def test_from_state_reads_the_history_or_seeds_it_from_the_last_profile(tmp_path: Path) -> None:
    both = state_of(tmp_path, recent_roles=["B", "A"], last_profile="B")
    assert RecentRoles.from_state(both).names == ("B", "A")
    assert RecentRoles.from_state(state_of(tmp_path, last_profile="Prod")).names == ("Prod",)
    assert RecentRoles.from_state(state_of(tmp_path)).names == ()
    # An explicitly empty history stays empty (the user had one, then it was pruned).
    pruned = state_of(tmp_path, recent_roles=[], last_profile="Prod")
    assert RecentRoles.from_state(pruned).names == ()


def test_history_survives_a_round_trip_through_the_state_file(tmp_path: Path) -> None:
    state = StateStore(tmp_path)
    state.save(last_profile="Dev", window="kept")
    recent = RecentRoles.from_state(UiState(state))
    for name in ("Test", "Prod", "Dev"):
        recent.touch(name)
    recent.save_to(UiState(state))

    reloaded = StateStore(tmp_path).load()
    assert reloaded["window"] == "kept"  # other state is not disturbed
    assert reloaded[RECENT_ROLES.name] == ["Dev", "Prod", "Test"]
    assert RecentRoles.from_state(UiState(StateStore(tmp_path))).names == ("Dev", "Prod", "Test")


def test_a_corrupt_state_file_gives_an_empty_history(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text("{not json", encoding="utf-8")
    assert RecentRoles.from_state(UiState(StateStore(tmp_path))).names == ()


# --- matching ---


def test_matches_name_account_and_role_case_insensitively() -> None:
    p = make_profile(
        "Payments Prod",
        account_id="123456789012",
        role_name="team/ops/Deployer",
        color=None,
        region=None,
    )
    for query in ("payments", "PROD", "ments pr", "1234", "56789", "123456789012", "deployer"):
        assert matches(p, query), query
    assert matches(p, "team/ops")  # the role's path is part of the role name
    assert not matches(p, "staging")
    assert not matches(p, "99999")


def test_every_word_must_match_somewhere() -> None:
    p = make_profile(
        "Payments Prod", account_id="123456789012", role_name="Admin", color=None, region=None
    )
    assert matches(p, "prod admin 1234")
    assert matches(p, "  admin   payments ")  # extra spaces are not words
    assert not matches(p, "prod readonly")


def test_an_empty_query_matches_everything() -> None:
    assert matches(
        make_profile("X", account_id="111111111111", role_name="Admin", color=None, region=None), ""
    )
    assert matches(
        make_profile("X", account_id="111111111111", role_name="Admin", color=None, region=None),
        "   ",
    )


def test_account_ids_written_with_dashes_match() -> None:
    p = make_profile("Prod", account_id="123456789012", role_name="Admin", color=None, region=None)
    assert matches(p, "1234-5678-9012")
    assert matches(p, "5678-90")
    assert not matches(p, "1234-9999")


def test_a_word_never_matches_across_two_fields() -> None:
    # The name ends "abc" and the role starts "Def": "cdef" is in neither.
    p = make_profile(
        "xyzabc", account_id="123456789012", role_name="Defender", color=None, region=None
    )
    assert not matches(p, "cdef")
    assert not matches(p, "9012def")


def test_non_ascii_names_match_case_insensitively() -> None:
    p = make_profile(
        "Straße Ölprod", account_id="111111111111", role_name="Admin", color=None, region=None
    )
    assert matches(p, "STRASSE")  # casefold, not lower
    assert matches(p, "ölPROD")


# --- ranking ---


def test_rank_puts_recent_matches_first_then_the_rest_in_saved_order() -> None:
    saved = make_profiles(40)
    recent = [saved[30].name, saved[3].name, "Deleted", saved[12].name]
    result = rank(saved, "", recent)
    assert names(result[:3]) == [saved[30].name, saved[3].name, saved[12].name]
    rest = [p for p in saved if p.name not in recent]
    assert result[3:] == rest
    assert len(result) == len(saved)  # every profile once


def test_rank_filters_both_sections() -> None:
    saved = make_profiles(100)
    prod_recent = next(p for p in saved if "prod" in p.name)
    dev_recent = next(p for p in saved if "dev" in p.name)
    result = rank(saved, "prod", [dev_recent.name, prod_recent.name])
    assert result[0] == prod_recent
    assert dev_recent not in result
    expected_rest = [p for p in saved if "prod" in p.name and p != prod_recent]
    assert result[1:] == expected_rest


def test_search_index_splits_recent_and_others() -> None:
    saved = make_profiles(1000)
    expected = [p for p in saved if "payments" in p.name and p.role_name.endswith("Deployer")]
    assert len(expected) == 50
    not_matching = saved[1]
    recent = [expected[7].name, not_matching.name, expected[0].name]
    ranked = SearchIndex(saved).search("payments deployer", recent)
    assert ranked.recent == (expected[7], expected[0])
    assert list(ranked.others) == [p for p in expected if p not in ranked.recent]
    assert ranked.all == rank(saved, "payments deployer", recent)
    assert len(ranked) == len(expected)


def test_search_by_account_digits_in_a_thousand_profiles() -> None:
    saved = make_profiles(1000)
    target = saved[537]
    ranked = SearchIndex(saved).search(target.account_id[:9])
    assert target in ranked.others
    assert all(p.account_id.startswith(target.account_id[:9]) for p in ranked.all)
    assert SearchIndex(saved).search(target.account_id).all == [target]
