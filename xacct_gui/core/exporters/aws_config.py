"""Export role profiles as AWS config ``[profile NAME]`` blocks.

:func:`export_aws_config` writes blocks the AWS CLI (and botocore, Granted,
aws-vault…) understands; :mod:`.merge` lays them over an existing file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..colors import CONSOLE_COLORS, EXTRA_COLOR_NAMES, color_hex
from ..profiles import RoleProfile
from .common import REPEATED_DASHES_RE, ConfigBlock, ExportResult, unique_name

# The keys an exported block sets, in the order they are written.
CONFIG_KEYS = (
    "role_arn",
    "source_profile",
    "external_id",
    "mfa_serial",
    "region",
    "duration_seconds",
    "role_session_name",
    "granted_color",
)
# Keys that cannot stand next to source_profile (botocore refuses the profile):
# removed when a section is updated.
CONFLICTING_KEYS = ("credential_source", "web_identity_token_file")
# The app's "no region" means "the source profile's region"; the CLI uses a
# profile's region for every command, so an existing one is left in place.
KEEP_WHEN_UNSET = frozenset({"region"})
# Granted's granted_color names a Firefox container colour; a custom colour is
# written as the nearest of these.
GRANTED_COLORS: dict[str, str] = {
    **CONSOLE_COLORS,
    "turquoise": EXTRA_COLOR_NAMES["turquoise"],
    "pink": EXTRA_COLOR_NAMES["pink"],
    "purple": EXTRA_COLOR_NAMES["purple"],
}
AWS_CONFIG_HEADER = "# AWS CLI role profiles exported by xacct"
_CLI_NAME_BAD_RE = re.compile(r"[\s\[\]#;\"'\\]+")


def sanitise_cli_profile_name(name: str) -> str:
    """A profile name that reads back as itself from ``[profile NAME]``.

    botocore splits the header like a shell word and configparser reads up to the
    last ``]``, so whitespace, quotes, backslashes and brackets become ``-``;
    ``#`` and ``;`` too, since many tools treat them as comments anywhere.
    """
    cleaned = REPEATED_DASHES_RE.sub("-", _CLI_NAME_BAD_RE.sub("-", name)).strip("-")
    return cleaned or "profile"


def granted_color(color: str) -> str:
    """The ``granted_color`` for an app colour: its name, or the nearest container colour."""
    if color in GRANTED_COLORS:
        return color
    target = color_hex(color)

    def distance(item: tuple[str, str]) -> int:
        a, b = item[1], target
        return sum((int(a[i : i + 2], 16) - int(b[i : i + 2], 16)) ** 2 for i in (1, 3, 5))

    for name, value in GRANTED_COLORS.items():
        if value == target:
            return name
    return min(GRANTED_COLORS.items(), key=distance)[0]


def export_aws_config(profiles: Sequence[RoleProfile]) -> ExportResult:
    """``[profile NAME]`` blocks for the AWS CLI.

    A profile whose source is another saved role names that role's block as its
    ``source_profile`` (the CLI chains roles the same way). A profile whose source
    is a sign-in key kept in the app's keyring is skipped: the CLI cannot read it.
    """
    used: set[str] = set()
    cli_names = {
        p.name.casefold(): unique_name(sanitise_cli_profile_name(p.name), used) for p in profiles
    }
    exported_names = {p.name.casefold() for p in profiles if p.source_kind != "key"}
    blocks: list[ConfigBlock] = []
    skipped: list[tuple[str, str]] = []
    notes: list[str] = []
    for profile in profiles:
        if profile.source_kind == "key":
            skipped.append(
                (
                    profile.name,
                    f"its source is the sign-in key {profile.source_key!r} kept in the app's "
                    "keyring, which the AWS CLI cannot read",
                )
            )
            continue
        cli_name = cli_names[profile.name.casefold()]
        if cli_name != profile.name:
            notes.append(f"{profile.name!r} is written as [{_header_for(cli_name)}].")
        source = profile.source_profile
        if profile.source_role:
            key = profile.source_role.casefold()
            source = cli_names.get(key) or sanitise_cli_profile_name(profile.source_role)
            if key not in exported_names:
                notes.append(
                    f"{profile.name!r} is assumed through the saved role {profile.source_role!r}, "
                    f"which is not in this export: the CLI needs a profile named {source!r}."
                )
        values: list[tuple[str, str]] = [
            ("role_arn", profile.role_arn),
            ("source_profile", source),
        ]
        optional = (
            ("external_id", profile.external_id),
            ("mfa_serial", profile.mfa_serial),
            ("region", profile.region),
            ("duration_seconds", profile.duration_seconds),
            ("role_session_name", profile.session_name),
        )
        values.extend((key, str(value)) for key, value in optional if value is not None)
        color = granted_color(profile.color)
        values.append(("granted_color", color))
        if color_hex(color) != profile.color_hex:
            notes.append(
                f"{profile.name!r}: the custom colour {profile.color_hex} is written as "
                f"granted_color = {color}, the nearest colour Granted offers."
            )
        if profile.source_identity:
            notes.append(
                f"{profile.name!r}: the AWS CLI has no setting for SourceIdentity; "
                "it is not exported."
            )
        blocks.append(ConfigBlock(profile.name, cli_name, tuple(values)))
    text = "\n".join([AWS_CONFIG_HEADER + "\n", *(block.render() for block in blocks)])
    return ExportResult(
        "aws-config",
        text,
        tuple(block.profile for block in blocks),
        tuple(skipped),
        tuple(notes),
        tuple(blocks),
    )


def _header_for(cli_name: str) -> str:
    return "default" if cli_name == "default" else f"profile {cli_name}"
