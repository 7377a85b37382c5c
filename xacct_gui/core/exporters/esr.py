"""Export role profiles as an "AWS Extend Switch Roles" configuration.

:func:`export_esr` writes the extension's configuration, so the browser shows
the same roles in the same colours as the app.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..colors import color_hex
from ..profiles import RoleProfile
from .common import REPEATED_DASHES_RE, ExportResult, unique_name

ESR_HEADER = "# AWS Extend Switch Roles configuration exported by xacct"
_ESR_NAME_BAD_RE = re.compile(r"[#;]+")


def sanitise_esr_name(name: str) -> str:
    """A block name the extension reads back as itself (it cuts ``#``/``;`` comments)."""
    cleaned = REPEATED_DASHES_RE.sub("-", _ESR_NAME_BAD_RE.sub("-", name)).strip()
    return cleaned if cleaned.strip("-") else "profile"


def _esr_header(name: str) -> str:
    # The extension drops one leading "profile " from a header; keep such a name whole.
    if re.match(r"profile\s", name, re.IGNORECASE):
        return f"[profile {name}]"
    return f"[{name}]"


def export_esr(
    profiles: Sequence[RoleProfile], *, base_accounts: Mapping[str, str] | None = None
) -> ExportResult:
    """The extension's configuration for ``profiles``.

    Colours are written as ``rrggbb`` (no ``#``), roles as ``aws_account_id`` +
    ``role_name``. The extension needs a *base account* block for every
    ``source_profile`` it reads (the account the browser signs in to), so a
    profile gets ``source_profile`` only when ``base_accounts`` maps its AWS CLI
    source profile to that account's ID or alias; otherwise it is written as a
    plain target the extension offers from any account.
    """
    bases = dict(base_accounts or {})
    used: set[str] = set()
    names = {p.name: unique_name(sanitise_esr_name(p.name), used) for p in profiles}
    base_names: dict[str, str] = {}
    for profile in profiles:
        source = profile.source_profile
        if profile.source_kind == "profile" and source in bases and source not in base_names:
            base_names[source] = unique_name(sanitise_esr_name(source), used)
    notes: list[str] = []
    blocks: list[str] = []
    for source, block_name in base_names.items():
        if block_name != source:
            notes.append(
                f"The base account for the AWS CLI profile {source!r} is written as "
                f"[{block_name}] because a role profile already has that name."
            )
        blocks.append(f"{_esr_header(block_name)}\naws_account_id = {bases[source]}\n")
    unbased: list[str] = []
    for profile in profiles:
        name = names[profile.name]
        lines = [
            _esr_header(name),
            f"aws_account_id = {profile.account_id}",
            f"role_name = {profile.role_name}",
            f"color = {color_hex(profile.color).lstrip('#')}",
        ]
        if profile.region:
            lines.append(f"region = {profile.region}")
        if profile.source_kind == "profile" and profile.source_profile in base_names:
            lines.append(f"source_profile = {base_names[profile.source_profile]}")
        elif profile.source_kind == "profile":
            unbased.append(profile.name)
        blocks.append("\n".join(lines) + "\n")
        if name != profile.name:
            notes.append(f"{profile.name!r} is written as [{name}] (the extension cuts # and ;).")
        if profile.external_id:
            notes.append(
                f"{profile.name!r} needs an ExternalId, which the console's switch-role page "
                "(and so the extension) cannot pass: switching to it in the browser fails."
            )
    if unbased:
        notes.append(
            "No source_profile is written (the extension needs a base-account block with the "
            "source account's ID for each one), so the extension offers these roles whichever "
            "account the browser is signed in to."
        )
    text = "\n".join([ESR_HEADER + "\n", *blocks]) if blocks else ESR_HEADER + "\n"
    return ExportResult("esr", text, tuple(p.name for p in profiles), (), tuple(notes))
