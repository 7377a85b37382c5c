"""Export role profiles as AWS config ``[profile NAME]`` blocks.

:func:`export_aws_config` writes blocks the AWS CLI (and botocore, Granted,
aws-vault…) understands; :mod:`.merge` lays them over an existing file.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Callable, Mapping, Sequence

from ..colors import CONSOLE_COLORS, EXTRA_COLOR_NAMES, color_hex
from ..profiles import RoleProfile
from .common import REPEATED_DASHES_RE, ConfigBlock, ExportResult, header_for, unique_name

# The keys an exported block sets, in the order they are written. The xacct_*
# keys carry what the AWS CLI has no setting for, so that export -> import gives
# back the same profile: the app's own name when the header cannot spell it, a
# colour Granted's names cannot express, and "this profile names no region" (the
# block still says the region the app would use, which the CLI needs).
CONFIG_KEYS = (
    "role_arn",
    "source_profile",
    "external_id",
    "mfa_serial",
    "region",
    "duration_seconds",
    "role_session_name",
    "granted_color",
    "xacct_name",
    "xacct_color",
    "xacct_region",
    "xacct_source_role",
)
XACCT_REGION_INHERITED = "inherited"
# Keys that cannot stand next to source_profile (botocore refuses the profile):
# removed when a section is updated.
CONFLICTING_KEYS = ("credential_source", "web_identity_token_file")
# The app's "no region" means "the source profile's region"; the CLI uses a
# profile's region for every command, so an existing one is left in place.
KEEP_WHEN_UNSET = frozenset({"region"})
# Granted's granted_color names a Firefox container colour; a custom colour is
# written as the container colour of the nearest hue.
GRANTED_COLORS: dict[str, str] = {
    **CONSOLE_COLORS,
    "turquoise": EXTRA_COLOR_NAMES["turquoise"],
    "pink": EXTRA_COLOR_NAMES["pink"],
    "purple": EXTRA_COLOR_NAMES["purple"],
}
# Every value Granted accepts (Firefox's container colours, "toolbar" included):
# a section that has one keeps it.
GRANTED_VALID_COLORS = frozenset({*GRANTED_COLORS, "toolbar"})
# The hue (degrees) each container colour stands for.
_GRANTED_HUES: dict[str, float] = {
    "red": 0.0,
    "orange": 30.0,
    "yellow": 55.0,
    "green": 120.0,
    "turquoise": 175.0,
    "blue": 215.0,
    "purple": 275.0,
    "pink": 325.0,
}
AWS_CONFIG_HEADER = "# AWS CLI role profiles exported by xacct"
_CLI_NAME_BAD_RE = re.compile(r"[\s\[\]#;\"'\\]+")
_CLI_NAME_UNQUOTABLE_RE = re.compile(r"[\[\]#;\"'\\]|\s\s|[^\S ]")


def sanitise_cli_profile_name(name: str) -> str:
    """A profile name that reads back as itself from ``[profile NAME]``.

    botocore splits the header like a shell word and configparser reads up to the
    last ``]``, so whitespace, quotes, backslashes and brackets become ``-``;
    ``#`` and ``;`` too, since many tools treat them as comments anywhere.
    """
    cleaned = REPEATED_DASHES_RE.sub("-", _CLI_NAME_BAD_RE.sub("-", name)).strip("-")
    return cleaned or "profile"


def cli_name_for(name: str) -> str:
    """The AWS CLI profile name a profile is exported as: its own name when a header
    can spell it (single spaces are quoted: ``[profile "Ext Team"]``), else
    :func:`sanitise_cli_profile_name`."""
    if name == name.strip() and not _CLI_NAME_UNQUOTABLE_RE.search(name):
        return name
    return sanitise_cli_profile_name(name)


def granted_color(color: str) -> str:
    """The ``granted_color`` for an app colour: its name, or the container colour of
    the nearest hue (navy is blue, ``#ffaa00`` orange); greys are ``toolbar``."""
    if color in GRANTED_COLORS:
        return color
    target = color_hex(color)
    for name, value in GRANTED_COLORS.items():
        if value == target:
            return name
    r, g, b = (int(target[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    if saturation < 0.12 or lightness < 0.06 or lightness > 0.97:
        return "toolbar"
    degrees = hue * 360

    def distance(item: tuple[str, float]) -> float:
        gap = abs(item[1] - degrees) % 360
        return min(gap, 360 - gap)

    return min(_GRANTED_HUES.items(), key=distance)[0]


RegionFor = Callable[[RoleProfile], str]


def export_aws_config(
    profiles: Sequence[RoleProfile], *, region_for: RegionFor | None = None
) -> ExportResult:
    """``[profile NAME]`` blocks for the AWS CLI.

    A profile whose source is another saved role names that role's block as its
    ``source_profile`` (the CLI chains roles the same way); one whose source role
    is not in the export is skipped, since its ``source_profile`` would name a
    section the app did not write. A profile whose source is a sign-in key kept in
    the app's keyring is skipped: the CLI cannot read it. Every block has a
    ``region``: the profile's, else ``region_for(profile)`` (the region the app
    would use; by default from the AWS config file and the environment, see
    :mod:`.regions`), marked ``xacct_region = inherited``.
    """
    if region_for is None:
        from .regions import region_resolver_from_files

        region_for = region_resolver_from_files()
    by_key = {p.name.casefold(): p for p in profiles}
    skipped: list[tuple[str, str]] = []
    exportable: list[RoleProfile] = []
    for profile in profiles:
        why = _why_not_exported(profile, by_key)
        if why:
            skipped.append((profile.name, why))
        else:
            exportable.append(profile)
    used: set[str] = set()
    cli_names = {p.name.casefold(): unique_name(cli_name_for(p.name), used) for p in exportable}
    blocks: list[ConfigBlock] = []
    notes: list[str] = []
    for profile in exportable:
        cli_name = cli_names[profile.name.casefold()]
        if cli_name != profile.name:
            notes.append(f"{profile.name!r} is written as [{header_for(cli_name)}].")
        source = profile.source_profile
        if profile.source_role:
            source = cli_names[profile.source_role.casefold()]
        values: list[tuple[str, str]] = [
            ("role_arn", profile.role_arn),
            ("source_profile", source),
        ]
        optional: tuple[tuple[str, object], ...] = (
            ("external_id", profile.external_id),
            ("mfa_serial", profile.mfa_serial),
            ("region", profile.region or region_for(profile)),
            ("duration_seconds", profile.duration_seconds),
            ("role_session_name", profile.session_name),
        )
        if profile.source_kind == "sso":
            # The AWS CLI's own Identity Center profile: no AssumeRole, no source.
            values = [
                ("sso_start_url", str(profile.sso_start_url)),
                ("sso_region", str(profile.sso_region)),
                ("sso_account_id", profile.account_id),
                ("sso_role_name", profile.role_name),
            ]
            optional = (("region", profile.region or region_for(profile)),)
        values.extend((key, str(value)) for key, value in optional if value is not None)
        color = granted_color(profile.color)
        values.append(("granted_color", color))
        if cli_name != profile.name:
            values.append(("xacct_name", profile.name))
        if color != profile.color:
            values.append(("xacct_color", profile.color))
            notes.append(
                f"{profile.name!r}: the custom colour {profile.color_hex} is written as "
                f"granted_color = {color}, the Granted colour of the nearest hue."
            )
        if profile.region is None:
            values.append(("xacct_region", XACCT_REGION_INHERITED))
        if profile.source_role:
            values.append(("xacct_source_role", by_key[profile.source_role.casefold()].name))
        if profile.source_identity:
            notes.append(
                f"{profile.name!r}: the AWS CLI has no setting for SourceIdentity; "
                "it is not exported."
            )
        blocks.append(
            ConfigBlock(profile.name, cli_name, tuple(values), profile.source_kind == "role")
        )
    text = "\n".join([AWS_CONFIG_HEADER + "\n", *(block.render() for block in blocks)])
    return ExportResult(
        "aws-config",
        text,
        tuple(block.profile for block in blocks),
        tuple(skipped),
        tuple(notes),
        tuple(blocks),
    )


def _why_not_exported(profile: RoleProfile, by_key: Mapping[str, RoleProfile]) -> str:
    seen: set[str] = set()
    current: RoleProfile | None = profile
    while current is not None and current.name.casefold() not in seen:
        seen.add(current.name.casefold())
        if current.source_kind == "key":
            if current is profile:
                return (
                    f"its source is the sign-in key {current.source_key!r} kept in the app's "
                    "keyring, which the AWS CLI cannot read"
                )
            return (
                f"it is assumed through {current.name!r}, whose source is a sign-in key kept "
                "in the app's keyring, which the AWS CLI cannot read"
            )
        if current.source_kind != "role" or current.source_role is None:
            return ""
        parent = by_key.get(current.source_role.casefold())
        if parent is None:
            return (
                f"it is assumed through the saved role {current.source_role!r}, which is not in "
                "this export (its source_profile would name a profile the app did not write)"
            )
        current = parent
    return "its source roles form a loop" if current is not None else ""
