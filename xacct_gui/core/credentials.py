"""Temporary credentials of an assumed role: plain data, kept in memory only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

Clock = Callable[[], datetime]
# Reuse a role's credentials until this long before they expire (capped at a
# quarter of the session's lifetime so short sessions are still reused).
REFRESH_MARGIN = timedelta(minutes=15)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class RoleSession:
    """Temporary credentials of one assumed role; kept in memory only."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)
    expiration: datetime
    issued: datetime
    assumed_role_arn: str

    def reusable_at(self, now: datetime, margin: timedelta = REFRESH_MARGIN) -> bool:
        lifetime = self.expiration - self.issued
        return self.expiration - now > min(margin, lifetime / 4)
