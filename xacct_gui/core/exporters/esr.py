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


# The extension's parser (aesr-config) cuts every line at its first "#" or ";" and
# keeps only the text between the first and second "=" as the value; it has no
# quoting or escape. A role whose name or path holds one of these characters
# cannot be written so that it reads back: such a profile is left out and said so.
UNWRITABLE_ROLE_CHARS = frozenset("#;=")
# Keys of a base-account block the importer keeps (in a profile's ``esr_base``).
BASE_KEYS = ("aws_account_id", "target_role_name", "target_region")


def _unwritable(profile: RoleProfile) -> str:
    bad = sorted(set(profile.role_name) & UNWRITABLE_ROLE_CHARS)
    if not bad:
        return ""
    chars = " and ".join(repr(c) for c in bad)
    return (
        f"its role {profile.role_name!r} contains {chars}, which the extension reads as a "
        "comment or separator (it has no way to quote them), so it would switch to a "
        "different role"
    )


def _stored_base(profile: RoleProfile) -> dict[str, str]:
    """The base-account block an ESR import recorded for this profile, if any."""
    raw = profile.extra.get("esr_base")
    if not isinstance(raw, dict):
        return {}
    base = {k: str(raw[k]) for k in BASE_KEYS if isinstance(raw.get(k), str) and raw[k]}
    return base if "aws_account_id" in base else {}


def export_esr(
    profiles: Sequence[RoleProfile], *, base_accounts: Mapping[str, str] | None = None
) -> ExportResult:
    """The extension's configuration for ``profiles``.

    Colours are written as ``rrggbb`` (no ``#``), roles as ``aws_account_id`` +
    ``role_name``. The extension needs a *base account* block for every
    ``source_profile`` it reads (the account the browser signs in to), so a
    profile gets ``source_profile`` only when its AWS CLI source profile has a
    known base account: one ``base_accounts`` maps to an account ID or alias, or
    the one an import of the extension's configuration recorded (``esr_base``,
    with its ``target_role_name``/``target_region``, so a round trip keeps the
    structure). Otherwise it is written as a plain target the extension offers
    from any account. A role the extension cannot read back is not written.
    """
    bases: dict[str, dict[str, str]] = {
        source: {"aws_account_id": account} for source, account in (base_accounts or {}).items()
    }
    skipped: list[tuple[str, str]] = []
    writable: list[RoleProfile] = []
    for profile in profiles:
        why = _unwritable(profile)
        if why:
            skipped.append((profile.name, why))
            continue
        writable.append(profile)
        stored = _stored_base(profile)
        if profile.source_kind == "profile" and stored:
            bases.setdefault(profile.source_profile, stored)
    used: set[str] = set()
    names = {p.name: unique_name(sanitise_esr_name(p.name), used) for p in writable}
    base_names: dict[str, str] = {}
    for profile in writable:
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
        base = bases[source]
        base_lines = [_esr_header(block_name)]
        base_lines.extend(f"{key} = {base[key]}" for key in BASE_KEYS if key in base)
        blocks.append("\n".join(base_lines) + "\n")
    unbased: list[str] = []
    for profile in writable:
        name = names[profile.name]
        base = bases.get(profile.source_profile, {}) if profile.source_kind == "profile" else {}
        based = profile.source_kind == "profile" and profile.source_profile in base_names
        lines = [_esr_header(name), f"aws_account_id = {profile.account_id}"]
        # A target the base names the role (or region) for leaves it out, as it was read.
        if not (based and base.get("target_role_name") == profile.role_name):
            lines.append(f"role_name = {profile.role_name}")
        lines.append(f"color = {color_hex(profile.color).lstrip('#')}")
        if profile.region and not (based and base.get("target_region") == profile.region):
            lines.append(f"region = {profile.region}")
        if based:
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
    return ExportResult("esr", text, tuple(p.name for p in writable), tuple(skipped), tuple(notes))
