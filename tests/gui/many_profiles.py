"""1,000 generated role profiles and a plainly written matcher, shared by the switcher
and palette tests (the matcher is spelled out, not the app's, so it can disagree)."""

from __future__ import annotations

from tests.factories import make_profile
from xacct_gui.core.colors import CONSOLE_COLORS
from xacct_gui.core.profiles import RoleProfile

COUNT = 1000
ENVS = ("dev", "test", "stage", "prod")
TEAMS = ("payments", "search", "identity", "data", "web")
ROLES = ("Admin", "ReadOnly", "DeveloperAccess", "team/ops/Deployer")
COLOURS = (*CONSOLE_COLORS, "#123456")


def make_profiles(count: int = COUNT) -> tuple[RoleProfile, ...]:
    return tuple(
        make_profile(
            f"{TEAMS[i % 5]}-{ENVS[i % 4]}-{i:04d}",
            account_id=f"{100000000000 + i * 7919:012d}",
            role_name=ROLES[i % 4],
            color=COLOURS[i % len(COLOURS)],
            region=None,
        )
        for i in range(count)
    )


def expected_matches(profiles: tuple[RoleProfile, ...], query: str) -> list[str]:
    """What the search should find, written out plainly (not via the app's matcher)."""
    words = query.lower().split()
    return [
        p.name
        for p in profiles
        if all(w in p.name.lower() or w in p.account_id or w in p.role_name.lower() for w in words)
    ]
