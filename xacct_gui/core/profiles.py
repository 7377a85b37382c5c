"""Role profiles: the data a user saves, its validation, and its colours.

Everything here is pure Python so it can be unit-tested without Qt or AWS.
Validation follows the limits AWS documents for IAM and STS (see DESIGN.md §3);
ASCII character classes are spelled out because ``\\w`` and ``\\d`` in Python
also match non-ASCII letters and digits, which AWS rejects.
"""

from __future__ import annotations

import dataclasses
import getpass
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ProfileError

# The console's 2024 "Switch Role" palette, in the order the console offers it.
CONSOLE_COLORS: dict[str, str] = {
    "red": "#f2b0a9",
    "orange": "#fbc8aa",
    "yellow": "#efda95",
    "green": "#b7ca9d",
    "blue": "#83d4e8",
}

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

_NAME_CHARS = r"A-Za-z0-9+=,.@_\-"
_ACCOUNT_RE = re.compile(r"[0-9]{12}")
_ROLE_NAME_RE = re.compile(rf"[{_NAME_CHARS}]{{1,64}}")
# A path is "/" or "/segment/.../" made of printable ASCII ("!" to "~").
_ROLE_PATH_RE = re.compile(r"/(?:[!-~]*/)?")
_SESSION_NAME_RE = re.compile(rf"[{_NAME_CHARS}]{{2,64}}")
_EXTERNAL_ID_RE = re.compile(r"[A-Za-z0-9+=,.@:/_\-]{2,1224}")
_HEX_COLOR_RE = re.compile(r"#[0-9A-Fa-f]{6}")
_REGION_RE = re.compile(r"[a-z]{2,4}(?:-[a-z]+)+-[0-9]{1,2}")  # eusc-de-east-1 has 4
_MFA_CODE_RE = re.compile(r"[0-9]{6}")
_ROLE_ARN_RE = re.compile(
    r"arn:(?P<partition>[a-z-]+):iam::(?P<account>[0-9]{12}):role(?P<path>/(?:[!-~]*/)?)"
    rf"(?P<name>[{_NAME_CHARS}]{{1,64}})"
)

MIN_DURATION = 900
MAX_DURATION = 43200
CHAINED_MAX_DURATION = 3600
# IAM limits the path (1-512) and the name (1-64) separately.
MAX_ROLE_PATH = 512
MAX_ROLE_PATH_AND_NAME = MAX_ROLE_PATH  # old name, kept for importers


# --- single-field validators: each returns None when valid, else a message ---


def check_account_id(value: str) -> str | None:
    if _ACCOUNT_RE.fullmatch(value):
        return None
    return "An account ID is exactly 12 digits (0-9)."


def split_role_name(value: str) -> tuple[str, str]:
    """Split ``team/ops/Admin`` (or ``/team/ops/Admin``) into ``("/team/ops/", "Admin")``."""
    stripped = value.strip("/")
    if "/" not in stripped:
        return "/", stripped
    path, _, name = stripped.rpartition("/")
    return f"/{path}/", name


def check_role_name(value: str) -> str | None:
    if not value:
        return "Enter the role's name, for example OrganizationAccountAccessRole."
    path, name = split_role_name(value)
    if not _ROLE_NAME_RE.fullmatch(name):
        return "A role name is 1-64 of the characters A-Z a-z 0-9 + = , . @ _ -"
    if not _ROLE_PATH_RE.fullmatch(path):
        return "A role path may only use printable ASCII characters."
    if len(path) > MAX_ROLE_PATH:
        return f"A role path may be at most {MAX_ROLE_PATH} characters."
    return None


def check_role_arn(value: str) -> str | None:
    match = _ROLE_ARN_RE.fullmatch(value)
    if not match:
        return "A role ARN looks like arn:aws:iam::123456789012:role/RoleName"
    if match["partition"] not in PARTITIONS:
        return f"Unknown partition {match['partition']!r}; expected one of {', '.join(PARTITIONS)}."
    if len(match["path"]) > MAX_ROLE_PATH:
        return f"A role path may be at most {MAX_ROLE_PATH} characters."
    return None


def check_session_name(value: str) -> str | None:
    if _SESSION_NAME_RE.fullmatch(value):
        return None
    return "A session name is 2-64 of the characters A-Z a-z 0-9 + = , . @ _ -"


def check_external_id(value: str) -> str | None:
    if _EXTERNAL_ID_RE.fullmatch(value):
        return None
    return "An ExternalId is 2-1224 of the characters A-Z a-z 0-9 + = , . @ : / _ -"


def check_duration(value: int, *, chained: bool = False) -> str | None:
    upper = CHAINED_MAX_DURATION if chained else MAX_DURATION
    if MIN_DURATION <= value <= upper:
        return None
    if chained and MIN_DURATION <= value <= MAX_DURATION:
        return "A chained role session lasts at most 3600 seconds (1 hour), as AWS requires."
    return f"A session lasts {MIN_DURATION}-{upper} seconds (15 minutes to 12 hours)."


def check_mfa_serial(value: str) -> str | None:
    if 9 <= len(value) <= 256 and value.isascii() and value.isprintable() and " " not in value:
        return None
    return "An MFA device serial is 9-256 characters, e.g. arn:aws:iam::123456789012:mfa/me"


def check_mfa_code(value: str) -> str | None:
    if _MFA_CODE_RE.fullmatch(value):
        return None
    return "An MFA code is exactly 6 digits."


def check_display_name(value: str, taken: Iterable[str] = ()) -> str | None:
    if not value or len(value) > 64:
        return "A display name is 1-64 characters."
    if not value.isprintable() or value != value.strip():
        return "A display name uses printable characters and no leading or trailing spaces."
    if value.casefold() in {other.casefold() for other in taken}:
        return f"A profile named {value!r} already exists."
    return None


def check_color(value: str) -> str | None:
    if value in CONSOLE_COLORS or _HEX_COLOR_RE.fullmatch(value):
        return None
    return f"A colour is one of {', '.join(CONSOLE_COLORS)} or #rrggbb."


def check_region(value: str) -> str | None:
    if _REGION_RE.fullmatch(value):
        return None
    return "A region looks like eu-west-1 or us-gov-west-1."


def check_source_identity(value: str) -> str | None:
    if _SESSION_NAME_RE.fullmatch(value):
        return None
    return "A source identity is 2-64 of the characters A-Z a-z 0-9 + = , . @ _ -"


def check_source_name(value: str) -> str | None:
    """A sign-in key or saved profile named as a source: the display-name rules."""
    return check_display_name(value)


def _same_name(a: object, b: object) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.casefold() == b.casefold()


def check_source_profile(value: str) -> str | None:
    if value and value == value.strip() and value.isprintable() and len(value) <= 256:
        return None
    return "Name the AWS CLI profile whose credentials assume this role (e.g. default)."


# --- colours ---


def color_hex(color: str) -> str:
    """The ``#rrggbb`` for a console colour name or a hex colour (lower case)."""
    return CONSOLE_COLORS.get(color, color).lower()


def _relative_luminance(hex_color: str) -> float:
    def channel(offset: int) -> float:
        c = int(hex_color[offset : offset + 2], 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)


def contrast_ratio(hex_a: str, hex_b: str) -> float:
    """WCAG 2 contrast ratio between two ``#rrggbb`` colours (1.0 to 21.0)."""
    la, lb = _relative_luminance(hex_a), _relative_luminance(hex_b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def text_color_for(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (``#rrggbb`` or a name)."""
    bg = color_hex(background)
    return (
        "#000000" if contrast_ratio(bg, "#000000") >= contrast_ratio(bg, "#ffffff") else "#ffffff"
    )


# --- session name ---


def sanitise_session_name(raw: str) -> str:
    """Turn any string into a valid RoleSessionName (2-64 allowed characters)."""
    cleaned = re.sub(rf"[^{_NAME_CHARS}]", "-", raw)[:64]
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
)
OPTIONAL_LATER_KEYS = frozenset({"source_key", "source_role", "source_identity"})


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
    # Keys this version does not know; kept so a save never drops them.
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def partition(self) -> str:
        return partition_for_region(self.region)

    @property
    def role_arn(self) -> str:
        path, name = split_role_name(self.role_name)
        return f"arn:{self.partition}:iam::{self.account_id}:role{path}{name}"

    @property
    def source_kind(self) -> str:
        """``"role"``, ``"key"`` or ``"profile"``: what assumes this role."""
        if self.source_role:
            return "role"
        if self.source_key:
            return "key"
        return "profile"

    @property
    def source_label(self) -> str:
        if self.source_role:
            return f"saved role {self.source_role!r}"
        if self.source_key:
            return f"sign-in key {self.source_key!r}"
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
            # The DESIGN.md schema's keys are always written; later optional ones
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
            extra=extra,
        )


def _optional_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise TypeError(key)
    return value


def validate_fields(data: Mapping[str, Any], taken_names: Iterable[str] = ()) -> dict[str, str]:
    """Check every field of a profile in its JSON shape; return ``{field: message}``."""
    errors: dict[str, str] = {}

    def required(key: str, check: Any, *args: Any) -> None:
        value = data.get(key)
        if not isinstance(value, str):
            value = "" if value is None else None
        if value is None:
            errors[key] = "Must be text."
            return
        message = check(value, *args)
        if message:
            errors[key] = message

    def optional(key: str, check: Any) -> None:
        try:
            value = _optional_str(data, key)
        except TypeError:
            errors[key] = "Must be text."
            return
        if value is not None:
            message = check(value)
            if message:
                errors[key] = message

    required("name", check_display_name, taken_names)
    required("account_id", check_account_id)
    required("role_name", check_role_name)
    if data.get("source_profile") not in (None, ""):
        required("source_profile", check_source_profile)
    if data.get("color") not in (None, ""):
        required("color", check_color)
    optional("external_id", check_external_id)
    optional("region", check_region)
    optional("mfa_serial", check_mfa_serial)
    optional("session_name", check_session_name)
    optional("source_identity", check_source_identity)
    optional("source_key", check_source_name)
    optional("source_role", check_source_name)
    if "source_role" not in errors and _same_name(data.get("source_role"), data.get("name")):
        errors["source_role"] = "A profile cannot be its own source."
    if data.get("source_key") and data.get("source_role") and "source_role" not in errors:
        errors["source_role"] = "Choose one source: a sign-in key or a saved role, not both."

    duration = data.get("duration_seconds")
    if duration is not None:
        if isinstance(duration, bool) or not isinstance(duration, int):
            errors["duration_seconds"] = "Must be a whole number of seconds."
        else:
            message = check_duration(duration)
            if message:
                errors["duration_seconds"] = message
    return errors


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
