"""Writing a role profile named "default" into the AWS config takes over the CLI.

``[default]`` (and ``[profile default]``, which botocore reads the same way) is the
profile every plain ``aws`` command and every SDK uses when none is named: an
imported role profile written there makes all of them assume that role, silently.
The write into the AWS config therefore refuses it, and says how to go on.
"""

from __future__ import annotations

from collections.abc import Iterable

DEFAULT_HEADERS = frozenset({"default", "profile default"})


def takes_over_default(headers: Iterable[str]) -> bool:
    return any(header.strip() in DEFAULT_HEADERS for header in headers)


PREVIEW_WARNING = (
    'WARNING: this includes a profile named "default": in an AWS config file it becomes '
    "the AWS CLI's default profile, so every aws command run without --profile would "
    "assume its role. The app will not write it into the AWS config; rename it first."
)


def default_takeover(headers: Iterable[str]) -> str | None:
    """The refusal to show when ``headers`` (sections to add or update) include the
    CLI's default profile, else None."""
    if not takes_over_default(headers):
        return None
    return (
        'Not written: a role profile named "default" would become the AWS CLI\'s default '
        "profile, and every aws command run without --profile (and every SDK) would then "
        'assume its role. Rename that profile in the app (for example "default-role") '
        "and write again."
    )
