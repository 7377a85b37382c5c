"""Merging a save with what another writer put in the same file meanwhile.

A window and a headless command (or two windows on different machines sharing a
synced config dir) may both write ``profiles.json``. Before a save the store checks
that the file on disk is still the one it read; when it is not, the change is merged
three ways: ``base`` (what this process read), ``ours`` (what it wants to write) and
``theirs`` (what is on disk now), by profile name (case-insensitive):

* a profile only one side changed, added or removed takes that side's change;
* a profile both sides changed the same way is fine;
* a profile both sides changed differently is a conflict: the save is refused with
  a message that names it, and the file is left as the other writer left it.

Nobody's change is ever silently overwritten. See docs/architecture.md, "Files on disk".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .errors import ProfileFileError
from .profiles import RoleProfile


def _key(profile: RoleProfile) -> str:
    return profile.name.casefold()


def merge_profiles(
    base: Mapping[str, RoleProfile],
    ours: Sequence[RoleProfile],
    theirs: Sequence[RoleProfile],
    *,
    where: str,
) -> list[RoleProfile]:
    """The list to write: ``ours`` with every change of ``theirs`` since ``base``.

    ``base`` maps casefolded names to the profiles as read. Raises
    :class:`ProfileFileError` naming the profiles both sides changed differently.
    """
    ours_by = {_key(p): p for p in ours}
    theirs_by = {_key(p): p for p in theirs}
    merged: list[RoleProfile] = []
    conflicts: list[str] = []
    for key, mine in ours_by.items():
        old, other = base.get(key), theirs_by.get(key)
        if other is None:
            if old is not None and mine == old:
                continue  # they removed it and we did not touch it: removed
            merged.append(mine)  # ours alone, or changed by us after they removed it
        elif other in (mine, old):
            merged.append(mine)  # same change, or only we changed it
        elif old is not None and mine == old:
            merged.append(other)  # only they changed it
        else:
            conflicts.append(mine.name)
    for key, other in theirs_by.items():
        if key in ours_by:
            continue
        old = base.get(key)
        if old is None or other != old:
            # Added by them, or changed by them while we removed it: never lose it.
            merged.append(other)
    if conflicts:
        names = ", ".join(repr(n) for n in conflicts)
        raise ProfileFileError(
            f"Not saved: {where} was changed by another xacct window or command meanwhile, "
            f"and both changed {names}. Close one of them and make the change again."
        )
    return merged
