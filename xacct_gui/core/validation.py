"""The rules a profile's fields follow, one checker per field, and the whole-profile check.

Each ``check_*`` function returns None when the value is valid, else the
message to show. The limits are the ones AWS documents for IAM and STS; ASCII
character classes are spelled out because ``\\w`` and ``\\d`` in Python also
match non-ASCII letters and digits, which AWS rejects.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .colors import CONSOLE_COLORS

NAME_CHARS = r"A-Za-z0-9+=,.@_\-"
_ACCOUNT_RE = re.compile(r"[0-9]{12}")
_ROLE_NAME_RE = re.compile(rf"[{NAME_CHARS}]{{1,64}}")
# A path is "/" or "/segment/.../" made of printable ASCII ("!" to "~").
ROLE_PATH_RE = re.compile(r"/(?:[!-~]*/)?")
_SESSION_NAME_RE = re.compile(rf"[{NAME_CHARS}]{{2,64}}")
_EXTERNAL_ID_RE = re.compile(r"[A-Za-z0-9+=,.@:/_\-]{2,1224}")
_HEX_COLOR_RE = re.compile(r"#[0-9A-Fa-f]{6}")
_REGION_RE = re.compile(r"[a-z]{2,4}(?:-[a-z]+)+-[0-9]{1,2}")  # eusc-de-east-1 has 4
_MFA_CODE_RE = re.compile(r"[0-9]{6}")

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
    if not ROLE_PATH_RE.fullmatch(path):
        return "A role path may only use printable ASCII characters."
    if len(path) > MAX_ROLE_PATH:
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


# --- the whole profile ---


def sso_field_errors(data: Mapping[str, Any]) -> dict[str, str]:
    """The Identity Center keys' problems: a start URL needs a region (given or read
    from the URL) and excludes the other sources."""
    url, region, gone = data.get("sso_start_url"), data.get("sso_region"), data.get("sso_gone")
    errors: dict[str, str] = {}
    if gone not in (None, True, False):
        errors["sso_gone"] = "Must be true or false."
    if url in (None, ""):
        if region not in (None, ""):
            errors["sso_region"] = "A region without an Identity Center start URL."
        return errors
    if not isinstance(url, str):
        return {**errors, "sso_start_url": "Must be text."}
    # Imported here: the sso package loads botocore, which start-up defers (Layers).
    from .sso.errors import StartUrlError
    from .sso.start_url import make_instance

    try:
        make_instance(url, region if isinstance(region, str) else None)
    except StartUrlError as exc:
        key = (
            "sso_region"
            if exc.code in ("BadRegion", "RegionMismatch", "NoRegion")
            else ("sso_start_url")
        )
        errors[key] = str(exc)
    if not isinstance(region, str) or not region:
        errors.setdefault("sso_region", "Name the region of the Identity Center (e.g. eu-west-1).")
    if data.get("source_key") or data.get("source_role"):
        errors["sso_start_url"] = (
            "Choose one source: an Identity Center, a sign-in key or a saved role."
        )
    return errors


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

    errors.update(sso_field_errors(data))

    duration = data.get("duration_seconds")
    if duration is not None:
        if isinstance(duration, bool) or not isinstance(duration, int):
            errors["duration_seconds"] = "Must be a whole number of seconds."
        else:
            message = check_duration(duration)
            if message:
                errors["duration_seconds"] = message
    return errors
