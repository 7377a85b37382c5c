"""The one way tests build a saved role profile.

Every field has a valid default, and the profile goes through
``RoleProfile.from_dict`` so it is validated exactly as one read from disk.
"""

from __future__ import annotations

from typing import Any

from xacct_gui.core.profiles import RoleProfile

DEFAULTS: dict[str, Any] = {
    "name": "Dev",
    "account_id": "222222222222",
    "role_name": "DeveloperAccess",
    "color": "green",
    "source_profile": "default",
    "region": "eu-west-1",
}


def make_profile(name: str = "Dev", **changes: Any) -> RoleProfile:
    """A valid profile named ``name``; ``changes`` override any field (``None`` clears)."""
    data = {**DEFAULTS, "name": name, **changes}
    return RoleProfile.from_dict(data)
