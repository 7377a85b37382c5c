"""The checks the profile dialog adds to the core's rules, and how it reads a pasted ARN.

Every rule about a valid profile lives in ``xacct_gui.core.profiles``; what is
here only knows what the form knows and the core cannot: that "arn:..." typed
as a role name was meant as an ARN, and which sign-in keys and saved roles exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from xacct_gui.core.profiles import check_role_arn, parse_role_arn
from xacct_gui.core.validation import validate_fields


def split_role_arn(arn: str) -> tuple[str, str]:
    """``arn:aws:iam::123456789012:role/team/Admin`` -> ``("123456789012", "team/Admin")``.

    Call only with an ARN that ``check_role_arn`` accepted. The role keeps its
    path in the form the profile file stores it, ``team/ops/Admin``.
    """
    parsed = parse_role_arn(arn)
    return parsed.account_id, parsed.role_name


def form_errors(values: Mapping[str, Any], taken: Iterable[str]) -> dict[str, str]:
    """What is wrong with the form's ``values`` (field -> message), by the core's rules."""
    errors = validate_fields(values, taken)
    role = values["role_name"]
    # A valid ARN is split as soon as it is entered, so "arn:..." still here is
    # a broken ARN. The role-name rule alone would accept it (a path may hold
    # colons), so judge it by the ARN rule, which is what the user meant.
    arn_message = check_role_arn(role) if role.startswith("arn:") else None
    if arn_message:
        errors["role_name"] = arn_message
    return errors


def missing_choice(
    value: str | None, offered: Sequence[str], *, none_yet: str, choose: str, gone: str
) -> str | None:
    """Why ``value`` is not a usable choice among ``offered``, or None when it is."""
    if value is None:
        return choose if offered else none_yet
    if value not in offered:
        return gone.format(value)
    return None


def source_choice_error(
    kind: str, value: str | None, *, sign_in_keys: Sequence[str], saved_roles: Sequence[str]
) -> str | None:
    """Why the chosen sign-in key or saved role cannot be the source (None: it can).

    The core checks the name's form; only the dialog knows which keys and
    roles exist. A source that is an AWS CLI profile is never checked here.
    """
    if kind == "key":
        return missing_choice(
            value,
            sign_in_keys,
            none_yet="There are no sign-in keys yet: add one under Sign-in keys,"
            " then choose it here.",
            choose="Choose the sign-in key that assumes this role.",
            gone="There is no sign-in key named {!r} any more: add it again under"
            " Sign-in keys, or choose another source.",
        )
    if kind == "role":
        return missing_choice(
            value,
            saved_roles,
            none_yet="There is no other saved role to assume this one from.",
            choose="Choose the saved role that assumes this role.",
            gone="There is no saved role named {!r} any more: choose another source.",
        )
    return None
