"""Import role profiles from an "AWS Extend Switch Roles" configuration.

The extension's format is its own INI dialect: ``#`` and ``;`` start a comment
anywhere on a line, ``[profile NAME]`` and ``[NAME]`` are the same, a target
role is ``role_arn`` or ``aws_account_id`` + ``role_name``, and a block that
other blocks name as ``source_profile`` is a *base account* (the account the
browser is signed in to), not a role. The app uses that base block's name as
the AWS CLI profile whose credentials assume the role.

The parsing here is written for this app; no parser code was copied.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..ini import line_ending, split_lines
from ..profiles import RoleProfile
from .common import Candidate, ImportItem, color_field, judge_all, role_fields_from_arn

_ESR_SECTION_RE = re.compile(r"\[(?P<header>.+)\]")
_PROFILE_PREFIX_RE = re.compile(r"profile\s+", re.IGNORECASE)
_ESR_HEX_VALUE_RE = re.compile(r"\s*#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})(?![0-9A-Za-z])")
_ACCOUNT_SEPARATORS_RE = re.compile(r"[0-9]{4}[- ][0-9]{4}[- ][0-9]{4}")
# What a profile remembers of its base-account block (see the exporter).
ESR_BASE_KEYS = ("aws_account_id", "target_role_name", "target_region")


@dataclass
class _EsrBlock:
    name: str
    line: int
    params: dict[str, str] = field(default_factory=dict)
    duplicates: dict[str, set[str]] = field(default_factory=dict)
    bad_lines: list[int] = field(default_factory=list)


def _strip_esr_comment(line: str) -> str:
    """Cut a ``#`` or ``;`` comment, as the extension does anywhere on a line, but
    keep ``color = #rrggbb`` (the extension wants ``rrggbb``; people add the ``#``)."""
    key, sep, value = line.partition("=")
    if sep and "#" not in key and ";" not in key:
        match = _ESR_HEX_VALUE_RE.match(value)
        if match:
            rest = re.split(r"[;#]", value[match.end() :], maxsplit=1)[0]
            return key + sep + match.group() + rest
    return re.split(r"[;#]", line, maxsplit=1)[0]


def _parse_esr_blocks(text: str) -> tuple[list[_EsrBlock], list[int]]:
    blocks: list[_EsrBlock] = []
    stray: list[int] = []
    current: _EsrBlock | None = None
    for index, raw in enumerate(split_lines(text)):
        line = _strip_esr_comment(raw[: len(raw) - len(line_ending(raw))]).strip()
        if index == 0:
            line = line.lstrip("\ufeff").strip()
        if not line:
            continue
        header = _ESR_SECTION_RE.fullmatch(line)
        if header:
            name = _PROFILE_PREFIX_RE.sub("", header["header"].strip(), count=1).strip()
            current = _EsrBlock(name, index + 1)
            blocks.append(current)
            continue
        if current is None:
            stray.append(index + 1)
            continue
        key, sep, value = line.partition("=")
        key = key.strip().lower()
        if not sep or not key:
            current.bad_lines.append(index + 1)
            continue
        value = value.strip()
        if key in current.params:
            current.duplicates.setdefault(key, {current.params[key]}).add(value)
        else:
            current.params[key] = value
    return blocks, stray


def _esr_account(raw: str) -> str:
    """``1234-5678-9012`` (as the console shows it) or ``123456789012``."""
    text = raw.strip()
    if _ACCOUNT_SEPARATORS_RE.fullmatch(text):
        return re.sub(r"[- ]", "", text)
    return text


def _esr_candidate(
    block: _EsrBlock, blocks_by_name: Mapping[str, _EsrBlock], referenced: set[str]
) -> Candidate | None:
    params = block.params
    candidate = Candidate(block.name or f"line {block.line}", block.line, None)
    notes = candidate.notes
    base_name = params.get("source_profile") or None
    base = blocks_by_name.get(base_name) if base_name else None
    role_name = params.get("role_name") or (base.params.get("target_role_name") if base else None)
    has_role = bool(params.get("role_arn") or role_name)
    if block.name in referenced and not base_name:
        return None  # a base account: the source of other blocks, not a role
    if not block.name:
        candidate.problem = "The section has no name."
        return candidate
    conflicting = {key: values for key, values in block.duplicates.items() if len(values) > 1}
    if conflicting:
        keys = ", ".join(sorted(conflicting))
        candidate.problem = f"{keys} is set more than once with different values; keep one."
        return candidate
    for number in block.bad_lines:
        notes.append(f"Line {number} is not 'key = value' and was ignored")
    if not has_role:
        if params.get("aws_account_id"):
            candidate.problem = (
                "It has aws_account_id but no role_name or role_arn: the extension treats "
                "it as a base account, but no profile names it as source_profile."
            )
        else:
            candidate.problem = "It has neither role_arn nor aws_account_id and role_name."
        return candidate
    region = params.get("region") or (base.params.get("target_region") if base else None) or None
    if params.get("role_arn"):
        fields, problem = role_fields_from_arn(params["role_arn"], region, notes)
        if problem:
            candidate.problem = problem
            return candidate
        stated_account = params.get("aws_account_id")
        stated_role = params.get("role_name")
        if (stated_account and _esr_account(stated_account) != fields["account_id"]) or (
            stated_role and stated_role.strip("/") != fields["role_name"]
        ):
            candidate.problem = (
                "It has role_arn and also aws_account_id or role_name that disagree with it; "
                "keep one."
            )
            return candidate
    else:
        account = _esr_account(params.get("aws_account_id", ""))
        if not account:
            candidate.problem = "It has role_name but no aws_account_id."
            return candidate
        if not re.fullmatch(r"[0-9]{12}", account):
            candidate.problem = (
                f"aws_account_id {account!r} is not a 12-digit account ID (an account alias "
                "works in the extension, but assuming a role needs the number)."
            )
            return candidate
        fields = {"account_id": account, "role_name": (role_name or "").strip("/")}
        if region:
            fields["region"] = region
        if not params.get("role_name") and base is not None:
            notes.append(f"Role name {role_name!r} comes from target_role_name of {base.name!r}")
    fields["name"] = block.name
    if base_name:
        fields["source_profile"] = base_name
        if base is None:
            notes.append(
                f"source_profile {base_name!r} is not defined in this configuration; it is "
                "used as the name of the AWS CLI profile that assumes the role"
            )
        else:
            notes.append(
                f"Assumed with the AWS CLI profile {base_name!r} (the extension's base account "
                f"{base.params.get('aws_account_id', '?')})"
            )
            # Kept with the profile (an unknown key survives saves) so an export
            # writes the base account and its defaults back as they were.
            kept = {k: base.params[k] for k in ESR_BASE_KEYS if base.params.get(k)}
            if "aws_account_id" in kept:
                fields["esr_base"] = kept
    fields.update(color_field(params.get("color"), "color", notes))
    candidate.fields = fields
    return candidate


def _parse_esr(text: str) -> list[Candidate]:
    blocks, stray = _parse_esr_blocks(text)
    candidates = [
        Candidate(
            f"line {number}",
            number,
            None,
            problem=f"Line {number} comes before the first [section] and was ignored.",
        )
        for number in stray
    ]
    blocks_by_name: dict[str, _EsrBlock] = {}
    for block in blocks:
        blocks_by_name.setdefault(block.name, block)
    referenced = {b.params["source_profile"] for b in blocks if b.params.get("source_profile")}
    for block in blocks:
        candidate = _esr_candidate(block, blocks_by_name, referenced)
        if candidate is not None:
            candidates.append(candidate)
    return candidates


def preview_esr_config(text: str, existing: Sequence[RoleProfile]) -> list[ImportItem]:
    """Preview the role profiles in an "AWS Extend Switch Roles" configuration.

    Blocks with ``role_arn`` or ``aws_account_id`` + ``role_name`` are roles; a
    block that others name as ``source_profile`` is a base account and is not
    listed (its name becomes the roles' AWS CLI source profile; its
    ``target_role_name`` and ``target_region`` fill in roles that omit them).
    ``image`` and other keys are ignored. A profile the text gives no
    ``source_profile`` keeps its saved source (``default`` for a new one).
    """
    try:
        candidates = _parse_esr(text)
    except Exception as exc:  # pragma: no cover - the parser is total; belt and braces
        return [ImportItem("configuration", "invalid", None, f"Could not be read ({exc}).")]
    return judge_all(candidates, existing)
