"""Role profiles: the data a user saves, and the role ARN it stands for.

Everything here is pure Python so it can be unit-tested without Qt or AWS.
The rules each field follows are in :mod:`.validation`, colours in :mod:`.colors`.
"""

from __future__ import annotations

import dataclasses
import getpass
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .colors import color_hex
from .errors import ProfileError
from .validation import (
    MAX_ROLE_PATH,
    NAME_CHARS,
    split_role_name,
    validate_fields,
)

PARTITIONS = (
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
)


# --- session names and partitions ---


def sanitise_session_name(raw: str) -> str:
    """Turn any string into a valid RoleSessionName (2-64 allowed characters)."""
    cleaned = re.sub(rf"[^{NAME_CHARS}]", "-", raw)[:64]
    return cleaned if len(cleaned) >= 2 else (cleaned + "-user")[:64]


def default_session_name() -> str:
    """``xacct-<os user>``, so the target account's CloudTrail shows who switched."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or passwd database
        user = "user"
    return sanitise_session_name(f"xacct-{user}")


def partition_for_region(region: str | None) -> str:
    if not region:
        return "aws"
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    if region.startswith("us-iso-"):
        return "aws-iso"
    if region.startswith("eu-isoe-"):
        return "aws-iso-e"
    if region.startswith("us-isof-"):
        return "aws-iso-f"
    if region.startswith("eusc-"):
        return "aws-eusc"
    return "aws"


# --- role ARNs ---


_ROLE_ARN_RE = re.compile(
    r"arn:(?P<partition>[a-z-]+):iam::(?P<account>[0-9]{12}):role(?P<path>/(?:[!-~]*/)?)"
    rf"(?P<name>[{NAME_CHARS}]{{1,64}})"
)


@dataclass(frozen=True)
class RoleArn:
    """The parts of a role ARN: ``arn:PARTITION:iam::ACCOUNT:rolePATHNAME``.

    ``path`` is ``/`` or ``/team/ops/``; ``str()`` gives the ARN back.
    """

    partition: str
    account_id: str
    path: str
    name: str

    @property
    def role_name(self) -> str:
        """The role as a profile stores it: ``Admin``, or ``team/ops/Admin`` with a path."""
        return f"{self.path}{self.name}".lstrip("/")

    def __str__(self) -> str:
        return f"arn:{self.partition}:iam::{self.account_id}:role{self.path}{self.name}"


def parse_role_arn(value: str) -> RoleArn:
    """Split a role ARN into its parts; raise ProfileError (field ``role_arn``) if it is not one.

    This is the one place the app reads role ARNs: the importers, the profile
    dialog and :func:`check_role_arn` all go through it.
    """
    match = _ROLE_ARN_RE.fullmatch(value)
    if not match:
        problem = "A role ARN looks like arn:aws:iam::123456789012:role/RoleName"
    elif match["partition"] not in PARTITIONS:
        problem = (
            f"Unknown partition {match['partition']!r}; expected one of {', '.join(PARTITIONS)}."
        )
    elif len(match["path"]) > MAX_ROLE_PATH:
        problem = f"A role path may be at most {MAX_ROLE_PATH} characters."
    else:
        return RoleArn(match["partition"], match["account"], match["path"], match["name"])
    raise ProfileError({"role_arn": problem})


def check_role_arn(value: str) -> str | None:
    """None for a valid role ARN, else the message to show (as the ``check_*`` rules do)."""
    try:
        parse_role_arn(value)
    except ProfileError as exc:
        return exc.errors["role_arn"]
    return None


# --- the profile ---


KNOWN_KEYS = (
    "name",
    "account_id",
    "role_name",
    "external_id",
    "color",
    "source_profile",
    "region",
    "mfa_serial",
    "session_name",
    "duration_seconds",
    "source_key",
    "source_role",
    "source_identity",
    "sso_start_url",
    "sso_region",
    "sso_gone",
)
OPTIONAL_LATER_KEYS = frozenset(
    {"source_key", "source_role", "source_identity", "sso_start_url", "sso_region", "sso_gone"}
)


@dataclass(frozen=True)
class RoleProfile:
    """One saved role. Build it with :meth:`from_dict` to get validation."""

    name: str
    account_id: str
    role_name: str
    source_profile: str = "default"
    color: str = "blue"
    external_id: str | None = None
    region: str | None = None
    mfa_serial: str | None = None
    session_name: str | None = None
    duration_seconds: int | None = None
    # Instead of an AWS CLI profile, the source may be a sign-in key stored in the
    # OS keyring, or another saved profile (role chaining). At most one is set.
    source_key: str | None = None
    source_role: str | None = None
    source_identity: str | None = None
    # Or an IAM Identity Center: the role is then a permission set of that portal,
    # whose credentials come from GetRoleCredentials (no AssumeRole). ``sso_gone`` marks
    # a role the last re-sync no longer found (kept, never silently deleted).
    sso_start_url: str | None = None
    sso_region: str | None = None
    sso_gone: bool | None = None
    # Keys this version does not know; kept so a save never drops them.
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def partition(self) -> str:
        return partition_for_region(self.region)

    @property
    def role_arn(self) -> str:
        path, name = split_role_name(self.role_name)
        return str(RoleArn(self.partition, self.account_id, path, name))

    @property
    def source_kind(self) -> str:
        """``"role"``, ``"key"``, ``"sso"`` or ``"profile"``: what assumes this role."""
        if self.source_role:
            return "role"
        if self.source_key:
            return "key"
        if self.sso_start_url:
            return "sso"
        return "profile"

    @property
    def source_label(self) -> str:
        if self.source_role:
            return f"saved role {self.source_role!r}"
        if self.source_key:
            return f"sign-in key {self.source_key!r}"
        if self.sso_start_url:
            return f"IAM Identity Center {self.sso_start_url}"
        return f"AWS CLI profile {self.source_profile!r}"

    @property
    def color_hex(self) -> str:
        return color_hex(self.color)

    @property
    def effective_session_name(self) -> str:
        return self.session_name or default_session_name()

    @property
    def label(self) -> str:
        """What the switcher shows: ``Name — account (role)``."""
        return f"{self.name} — {self.account_id} ({self.role_name})"

    @property
    def banner_text(self) -> str:
        """What the banner shows, like the console's navigation bar."""
        return f"{self.name} @ {self.account_id}"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.extra)
        for key in KNOWN_KEYS:
            value = getattr(self, key)
            # The keys of the first file format are always written; later optional ones
            # only when set, so files of users who do not use them stay unchanged.
            if value is not None or key not in OPTIONAL_LATER_KEYS:
                data[key] = value
        return data

    def replace(self, **changes: Any) -> RoleProfile:
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], taken_names: Iterable[str] = ()) -> RoleProfile:
        """Validate ``data`` (the JSON shape) and build a profile, or raise ProfileError."""
        errors = validate_fields(data, taken_names)
        name = data.get("name") if isinstance(data.get("name"), str) else ""
        if errors:
            raise ProfileError(errors, name=str(name))
        extra = {k: v for k, v in data.items() if k not in KNOWN_KEYS}
        return cls(
            name=data["name"],
            account_id=data["account_id"],
            role_name=data["role_name"],
            source_profile=data.get("source_profile") or "default",
            color=data.get("color") or "blue",
            external_id=data.get("external_id") or None,
            region=data.get("region") or None,
            mfa_serial=data.get("mfa_serial") or None,
            session_name=data.get("session_name") or None,
            duration_seconds=data.get("duration_seconds"),
            source_key=data.get("source_key") or None,
            source_role=data.get("source_role") or None,
            source_identity=data.get("source_identity") or None,
            sso_start_url=_normal_start_url(data.get("sso_start_url")),
            sso_region=data.get("sso_region") or None,
            sso_gone=True if data.get("sso_gone") else None,
            extra=extra,
        )


def _normal_start_url(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    # Imported here: the sso package loads botocore, which start-up defers (Layers).
    from .sso.start_url import parse_start_url

    return parse_start_url(value).url


def resolve_chain(profile: RoleProfile, profiles: Iterable[RoleProfile]) -> tuple[RoleProfile, ...]:
    """The saved roles ``profile`` is assumed through, nearest source first.

    Raises ProfileError when a source role is not saved or the sources form a loop.
    """
    by_name = {p.name.casefold(): p for p in profiles}
    chain: list[RoleProfile] = []
    seen = {profile.name.casefold()}
    current = profile
    while current.source_role:
        source = by_name.get(current.source_role.casefold())
        if source is None:
            raise ProfileError(
                {"source_role": f"no saved profile named {current.source_role!r}"}, current.name
            )
        if source.name.casefold() in seen:
            raise ProfileError(
                {"source_role": f"the source roles loop back to {source.name!r}"}, profile.name
            )
        seen.add(source.name.casefold())
        chain.append(source)
        current = source
    return tuple(chain)
