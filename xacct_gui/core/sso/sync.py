"""Re-sync: merge what an Identity Center lists into the saved profiles (pure data).

A saved profile belongs to an instance when its ``sso_start_url`` is that
instance's; it is matched to a discovered role by account ID and role name. For
a match the user's own name, colour, region and every other field are kept (only
the "gone" mark is cleared); a new role becomes a profile through
:func:`~.proposals.propose_profiles` (template, colour rules, unique names, the
Identity Center's region as its region); a saved role the portal no longer lists
is marked ``sso_gone``, never deleted, so a temporary loss of access loses no edits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..discovery import DEFAULT_RULES, ColorRule
from ..profiles import RoleProfile
from .models import SsoInstance
from .portal import DiscoveredRole
from .proposals import DEFAULT_TEMPLATE, propose_profiles


@dataclass(frozen=True)
class SyncPlan:
    """The profile list after a sync, and what changed (profile names)."""

    profiles: tuple[RoleProfile, ...]
    added: tuple[str, ...]
    updated: tuple[str, ...]
    gone: tuple[str, ...]

    def lines(self) -> list[str]:
        return [
            *(f"added: {name}" for name in self.added),
            *(f"updated: {name}" for name in self.updated),
            *(f"gone: {name}" for name in self.gone),
        ]


def _key(account_id: str, role_name: str) -> tuple[str, str]:
    return account_id, role_name.casefold()


def plan_sync(
    existing: Sequence[RoleProfile],
    discovered: Sequence[DiscoveredRole],
    instance: SsoInstance,
    *,
    template: str = DEFAULT_TEMPLATE,
    rules: Sequence[ColorRule] = DEFAULT_RULES,
) -> SyncPlan:
    """Merge ``discovered`` into ``existing``; order: existing first, then new ones."""
    found = {_key(r.account_id, r.role_name): r for r in discovered}
    mine = {
        _key(p.account_id, p.role_name): p
        for p in existing
        if p.sso_start_url == instance.start_url
    }
    profiles: list[RoleProfile] = []
    updated: list[str] = []
    gone: list[str] = []
    for profile in existing:
        key = _key(profile.account_id, profile.role_name)
        if profile.sso_start_url != instance.start_url:
            profiles.append(profile)
        elif key in found:
            if profile.sso_gone is not None or profile.sso_region != instance.region:
                profile = profile.replace(sso_gone=None, sso_region=instance.region)
            profiles.append(profile)  # unchanged ones as they are: a re-sync stays linear
            updated.append(profile.name)
        else:
            if not profile.sso_gone:
                gone.append(profile.name)
            profiles.append(profile.replace(sso_gone=True))
    new_roles = [r for key, r in found.items() if key not in mine]
    # Every saved name is taken, but no saved pair is "the same role": a profile with the
    # same account and role and another source (a CLI profile) stays a separate profile.
    taken = [p.name for p in existing]
    added: list[str] = []
    proposals = propose_profiles(new_roles, template=template, rules=rules, taken_names=taken)
    for proposal in proposals:
        profile = RoleProfile(
            name=proposal.name,
            account_id=proposal.account_id,
            role_name=proposal.role_name,
            color=proposal.color,
            region=instance.region,
            sso_start_url=instance.start_url,
            sso_region=instance.region,
        )
        profiles.append(profile)
        added.append(profile.name)
    return SyncPlan(tuple(profiles), tuple(added), tuple(updated), tuple(gone))
