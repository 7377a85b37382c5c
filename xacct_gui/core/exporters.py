"""Export role profiles for "AWS Extend Switch Roles" and for the AWS CLI.

* :func:`export_esr` writes the extension's configuration, so the browser shows
  the same roles in the same colours as the app.
* :func:`export_aws_config` writes ``[profile NAME]`` blocks the AWS CLI (and
  botocore, Granted, aws-vault…) understands.
* :func:`merge_config_text` lays those blocks over the text of an existing AWS
  config file: a section of the same profile is updated key by key (lines it
  does not manage, comments and spacing stay byte for byte), new profiles are
  appended, and every other byte of the file is left alone.
* :func:`prepare_config_write` and :func:`write_config` do that to the file
  itself: a backup beside it first, then an atomic replace that keeps the file's
  permissions. Call :func:`write_config` only after the user confirmed the plan.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from .errors import ConfigWriteError
from .importers import (
    EXTRA_COLOR_NAMES,
    IniEntry,
    IniSection,
    cli_profile_name,
    line_ending,
    parse_ini,
    split_lines,
)
from .profiles import CONSOLE_COLORS, RoleProfile, color_hex
from .store import write_atomically

ExportFormat = Literal["esr", "aws-config"]

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

BACKUP_MARKER = ".xacct-backup-"
NEW_CONFIG_MODE = 0o600  # what the AWS CLI gives a config file it creates

ESR_HEADER = "# AWS Extend Switch Roles configuration exported by xacct"
AWS_CONFIG_HEADER = "# AWS CLI role profiles exported by xacct"

_CLI_NAME_BAD_RE = re.compile(r"[\s\[\]#;\"'\\]+")
_ESR_NAME_BAD_RE = re.compile(r"[#;]+")
_DASHES_RE = re.compile(r"-{2,}")


# --- names ---


def _unique(name: str, used: set[str]) -> str:
    candidate, counter = name, 2
    while candidate.casefold() in used:
        candidate = f"{name}-{counter}"
        counter += 1
    used.add(candidate.casefold())
    return candidate


def sanitise_cli_profile_name(name: str) -> str:
    """A profile name that reads back as itself from ``[profile NAME]``.

    botocore splits the header like a shell word and configparser reads up to the
    last ``]``, so whitespace, quotes, backslashes and brackets become ``-``;
    ``#`` and ``;`` too, since many tools treat them as comments anywhere.
    """
    cleaned = _DASHES_RE.sub("-", _CLI_NAME_BAD_RE.sub("-", name)).strip("-")
    return cleaned or "profile"


def sanitise_esr_name(name: str) -> str:
    """A block name the extension reads back as itself (it cuts ``#``/``;`` comments)."""
    cleaned = _DASHES_RE.sub("-", _ESR_NAME_BAD_RE.sub("-", name)).strip()
    return cleaned if cleaned.strip("-") else "profile"


def _esr_header(name: str) -> str:
    # The extension drops one leading "profile " from a header; keep such a name whole.
    if re.match(r"profile\s", name, re.IGNORECASE):
        return f"[profile {name}]"
    return f"[{name}]"


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


# --- results ---


@dataclass(frozen=True)
class ConfigBlock:
    """One ``[profile NAME]`` section to write: ``values`` in :data:`CONFIG_KEYS` order."""

    profile: str  # the app's profile name
    cli_name: str  # the AWS CLI profile name it is written as
    values: tuple[tuple[str, str], ...]

    @property
    def header(self) -> str:
        return "default" if self.cli_name == "default" else f"profile {self.cli_name}"

    def render(self, newline: str = "\n") -> str:
        lines = [f"[{self.header}]", *(f"{key} = {value}" for key, value in self.values)]
        return newline.join(lines) + newline


@dataclass(frozen=True)
class ExportResult:
    format: ExportFormat
    text: str
    exported: tuple[str, ...]  # profile names written
    skipped: tuple[tuple[str, str], ...] = ()  # (profile name, why)
    notes: tuple[str, ...] = ()  # things the user should know about the text
    blocks: tuple[ConfigBlock, ...] = ()  # AWS config only


# --- Extend Switch Roles ---


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
    names = {p.name: _unique(sanitise_esr_name(p.name), used) for p in profiles}
    base_names: dict[str, str] = {}
    for profile in profiles:
        source = profile.source_profile
        if profile.source_kind == "profile" and source in bases and source not in base_names:
            base_names[source] = _unique(sanitise_esr_name(source), used)
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


# --- AWS config ---


def export_aws_config(profiles: Sequence[RoleProfile]) -> ExportResult:
    """``[profile NAME]`` blocks for the AWS CLI.

    A profile whose source is another saved role names that role's block as its
    ``source_profile`` (the CLI chains roles the same way). A profile whose source
    is a sign-in key kept in the app's keyring is skipped: the CLI cannot read it.
    """
    used: set[str] = set()
    cli_names = {
        p.name.casefold(): _unique(sanitise_cli_profile_name(p.name), used) for p in profiles
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


def export_profiles(profiles: Sequence[RoleProfile], fmt: ExportFormat) -> ExportResult:
    return export_esr(profiles) if fmt == "esr" else export_aws_config(profiles)


# --- merging into an existing config file ---

SectionAction = Literal["add", "update", "unchanged", "skip"]


@dataclass(frozen=True)
class SectionChange:
    """What merging does to one profile's section."""

    cli_name: str
    header: str
    action: SectionAction
    line: int | None = None  # the header's line in the existing file
    set_keys: tuple[str, ...] = ()  # keys added or given a new value
    removed_keys: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.action == "add":
            return f"Add [{self.header}]"
        if self.action == "skip":
            return (
                f"Leave [{self.header}] (line {self.line}) alone: it is not a role profile "
                "(it holds keys, SSO or other settings), so the app's role profile of that "
                "name is not written. Rename it in the app to export it."
            )
        if self.action == "unchanged":
            return f"Keep [{self.header}] (line {self.line}): already up to date"
        parts = []
        if self.set_keys:
            parts.append("set " + ", ".join(self.set_keys))
        if self.removed_keys:
            parts.append("remove " + ", ".join(self.removed_keys))
        return f"Update [{self.header}] (line {self.line}): " + "; ".join(parts)


@dataclass(frozen=True)
class MergePlan:
    original: str
    text: str
    changes: tuple[SectionChange, ...]
    warnings: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def sections(self, action: SectionAction) -> list[str]:
        return [change.header for change in self.changes if change.action == action]

    def describe(self) -> str:
        lines = [change.describe() for change in self.changes]
        lines.extend(self.warnings)
        return "\n".join(lines)


def dominant_newline(text: str) -> str:
    """``"\\r\\n"`` when most lines of ``text`` end so, else ``"\\n"``."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf >= text.count("\n") - crlf else "\n"


# An edit replaces lines[start:end] with new lines (an insertion has start == end).
_Edit = tuple[int, int, list[str]]


def _section_edits(
    section: IniSection, lines: Sequence[str], block: ConfigBlock, newline: str
) -> tuple[list[_Edit], list[str], list[str]]:
    found: dict[str, list[IniEntry]] = {}
    for entry in section.entries:
        found.setdefault(entry.key, []).append(entry)
    wanted = dict(block.values)
    edits: list[_Edit] = []
    set_keys: list[str] = []
    removed: list[str] = []
    replaced: set[int] = set()

    def ending_of(index: int) -> str:
        return line_ending(lines[index]) or newline

    to_insert: list[str] = []
    for key in (*CONFIG_KEYS, *CONFLICTING_KEYS):
        entries = found.get(key, [])
        if key in wanted:
            value = wanted[key]
            if not entries:
                to_insert.append(f"{key} = {value}")
                set_keys.append(key)
                continue
            first = entries[0]
            if first.value != value:
                line = _assignment_prefix(lines[first.first]) + value + ending_of(first.last)
                edits.append((first.first, first.last + 1, [line]))
                replaced.update(range(first.first, first.last + 1))
                set_keys.append(key)
            for duplicate in entries[1:]:  # botocore refuses duplicate keys: keep one
                edits.append((duplicate.first, duplicate.last + 1, []))
                replaced.update(range(duplicate.first, duplicate.last + 1))
                if key not in set_keys:
                    set_keys.append(key)
        elif entries and key not in KEEP_WHEN_UNSET:
            for entry in entries:
                edits.append((entry.first, entry.last + 1, []))
                replaced.update(range(entry.first, entry.last + 1))
            removed.append(key)
    if to_insert:
        anchor = section.content_end
        own_newline = line_ending(lines[section.index]) or newline
        prefix = [own_newline] if anchor not in replaced and not line_ending(lines[anchor]) else []
        edits.append(
            (anchor + 1, anchor + 1, [*prefix, *(f"{line}{own_newline}" for line in to_insert)])
        )
    return edits, set_keys, removed


def _assignment_prefix(line: str) -> str:
    """``"  Region = "`` of ``"  Region = eu-west-1\n"``: the key as the file spells it,
    with its spacing, so a rewritten value keeps the line's style."""
    body = line[: len(line) - len(line_ending(line))]
    delimiter = min((i for i in (body.find("="), body.find(":")) if i >= 0), default=-1)
    if delimiter < 0:  # cannot happen for a parsed entry; write a plain assignment
        return body.strip() + " = "
    after = body[delimiter + 1 :]
    spacing = after[: len(after) - len(after.lstrip())]
    if not spacing and body[:delimiter] != body[:delimiter].rstrip():
        spacing = " "
    return body[: delimiter + 1] + spacing


def merge_config_text(original: str, blocks: Sequence[ConfigBlock]) -> MergePlan:
    """``original`` (an AWS config file's text) with ``blocks`` laid over it.

    A section for the same profile (``[profile NAME]``, ``[profile "NAME"]`` or
    ``[default]``; by the block's AWS CLI name, or by the app's own name when the
    file already has a section for it) is updated in place: each key of
    :data:`CONFIG_KEYS` is set or removed, ``credential_source`` and
    ``web_identity_token_file`` are removed (botocore refuses them beside
    ``source_profile``), and every other line —
    other keys, ``s3 =`` sub-sections, comments, blank lines — stays as it was.
    A region already there is kept when the profile has none. A section of that
    name that is not a role profile (it has settings but no ``role_arn``: keys,
    SSO…) is left alone and reported as ``skip``. A key whose value
    does not change keeps its line byte for byte. Profiles without a section are
    appended. Line endings follow the file's (CRLF stays CRLF).
    """
    document = parse_ini(original)
    lines = list(document.lines)
    newline = dominant_newline(original)
    by_name: dict[str, list[IniSection]] = {}
    for section in document.sections:
        name = cli_profile_name(section.header)
        if name is not None:
            by_name.setdefault(name, []).append(section)
    edits: list[_Edit] = []
    changes: list[SectionChange] = []
    warnings: list[str] = []
    appended: list[ConfigBlock] = []
    # A profile the file already defines under the app's own name (e.g. a quoted
    # [profile "Shared Services"]) is updated there rather than added again under
    # its sanitised name; blocks that name it as their source follow.
    renames = {
        block.cli_name: block.profile
        for block in blocks
        if block.cli_name not in by_name and block.profile in by_name
    }
    for block in blocks:
        if block.cli_name in renames:
            block = ConfigBlock(block.profile, block.profile, block.values)
        if any(key == "source_profile" and value in renames for key, value in block.values):
            block = ConfigBlock(
                block.profile,
                block.cli_name,
                tuple(
                    (key, renames.get(value, value) if key == "source_profile" else value)
                    for key, value in block.values
                ),
            )
        sections = by_name.get(block.cli_name)
        if not sections:
            appended.append(block)
            changes.append(SectionChange(block.cli_name, block.header, "add"))
            continue
        section = sections[0]
        if len(sections) > 1:
            others = ", ".join(str(s.line) for s in sections[1:])
            warnings.append(
                f"Profile {block.cli_name!r} is also defined at line {others}; only the section "
                f"at line {section.line} is updated (the AWS CLI refuses duplicate sections)."
            )
        if section.entries and "role_arn" not in section.values():
            # Writing role_arn into a profile that holds keys or SSO settings would
            # turn every CLI command using it into an assume-role: never do that.
            changes.append(SectionChange(block.cli_name, section.header, "skip", section.line))
            continue
        section_edits, set_keys, removed = _section_edits(section, lines, block, newline)
        edits.extend(section_edits)
        action: SectionAction = "update" if section_edits else "unchanged"
        changes.append(
            SectionChange(
                block.cli_name,
                section.header,
                action,
                section.line,
                tuple(set_keys),
                tuple(removed),
            )
        )
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        lines[start:end] = replacement
    text = "".join(lines)
    if appended:
        if text and not text.endswith(("\n", "\r")):
            text += newline
        last_lines = split_lines(text)
        if last_lines and last_lines[-1].strip():
            text += newline  # a blank line between the file and what is added
        text += newline.join(block.render(newline) for block in appended)
    return MergePlan(original, text, tuple(changes), tuple(warnings))


# --- writing the file ---


@dataclass(frozen=True)
class ConfigWritePlan:
    """Everything :func:`write_config` needs, computed before the user confirms."""

    path: Path  # the file the user named (may be a symbolic link)
    target: Path  # the file actually replaced (the link's target)
    existed: bool
    merge: MergePlan
    export: ExportResult

    def describe(self) -> str:
        lines = [f"File: {self.path}" + (" (new file)" if not self.existed else "")]
        if self.target != self.path:
            lines.append(f"(a link to {self.target}, which is the file written)")
        lines.append(self.merge.describe())
        lines.extend(f"Not written: {name} — {why}." for name, why in self.export.skipped)
        return "\n".join(line for line in lines if line)


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigWriteError(
            f"Cannot read {path}: {exc.strerror or type(exc).__name__}."
        ) from None


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigWriteError(
            f"{path} is not UTF-8 text; the app does not rewrite it. Add the profiles by hand "
            "(copy the text shown) or save the file as UTF-8."
        ) from None


def prepare_config_write(path: Path, profiles: Sequence[RoleProfile]) -> ConfigWritePlan:
    """Read the AWS config file at ``path`` and plan writing ``profiles`` into it.

    Raises ConfigWriteError with a user message if the file cannot be read.
    """
    target = Path(os.path.realpath(path))
    data = _read_bytes(target)
    original = "" if data is None else _decode(target, data)
    export = export_aws_config(profiles)
    merge = merge_config_text(original, export.blocks)
    return ConfigWritePlan(Path(path), target, data is not None, merge, export)


def backup_path(target: Path, now: datetime, exists: Iterable[Path] = ()) -> Path:
    """``config.xacct-backup-20250102-030405`` beside ``target`` (``-2``… if taken)."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    taken = set(exists)
    candidate = target.with_name(f"{target.name}{BACKUP_MARKER}{stamp}")
    counter = 2
    while candidate in taken or candidate.exists():
        candidate = target.with_name(f"{target.name}{BACKUP_MARKER}{stamp}-{counter}")
        counter += 1
    return candidate


def _write_backup(target: Path, data: bytes, mode: int, now: datetime) -> Path:
    backup = backup_path(target, now)
    try:
        fd = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(backup, mode)
    except OSError as exc:
        raise ConfigWriteError(
            f"Could not make a backup of {target} ({exc.strerror or type(exc).__name__}); "
            "nothing was changed."
        ) from None
    return backup


def write_config(plan: ConfigWritePlan, *, now: datetime | None = None) -> Path | None:
    """Write ``plan`` into its file; return the backup's path (None: there was no file).

    The file must still be exactly what the plan was made from (otherwise
    ConfigWriteError: look at it again). A backup copy with the same permissions
    is made beside it first; then the new text replaces the file atomically and
    the file keeps its permissions. Nothing is written when the plan changes
    nothing. Raises ConfigWriteError with a user message on any failure.
    """
    target = plan.target
    data = _read_bytes(target)
    current = None if data is None else _decode(target, data)
    if (data is not None) != plan.existed or (current or "") != plan.merge.original:
        raise ConfigWriteError(
            f"{target} changed after the preview was made; nothing was written. "
            "Look at the changes again."
        )
    if not plan.merge.changed:
        return None
    when = now or datetime.now()
    backup: Path | None = None
    mode = NEW_CONFIG_MODE
    if data is not None:
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except OSError:
            mode = NEW_CONFIG_MODE
        backup = _write_backup(target, data, mode, when)
    try:
        write_atomically(target, plan.merge.text)
    except OSError as exc:
        where = f" The backup is {backup}." if backup else ""
        raise ConfigWriteError(
            f"Could not write {target} ({exc.strerror or type(exc).__name__}); "
            f"the file is unchanged.{where}"
        ) from None
    # The replacement was created private (0600); give it the old file's permissions.
    with contextlib.suppress(OSError):
        os.chmod(target, mode)
    return backup


__all__ = [
    "AWS_CONFIG_HEADER",
    "BACKUP_MARKER",
    "CONFIG_KEYS",
    "CONFLICTING_KEYS",
    "ESR_HEADER",
    "GRANTED_COLORS",
    "ConfigBlock",
    "ConfigWriteError",
    "ConfigWritePlan",
    "ExportFormat",
    "ExportResult",
    "MergePlan",
    "SectionChange",
    "backup_path",
    "dominant_newline",
    "export_aws_config",
    "export_esr",
    "export_profiles",
    "granted_color",
    "merge_config_text",
    "prepare_config_write",
    "sanitise_cli_profile_name",
    "sanitise_esr_name",
    "write_config",
]
