"""Lay exported ``[profile NAME]`` blocks over the text of an AWS config file.

:func:`merge_config_text` updates a section of the same profile key by key
(lines it does not manage, comments and spacing stay byte for byte), appends
new profiles, and leaves every other byte of the file alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ..ini import (
    Edit,
    IniEntry,
    IniSection,
    apply_edits,
    cli_profile_name,
    dominant_newline,
    line_ending,
    parse_ini,
    remove_entry,
    replace_value,
    split_lines,
)
from .aws_config import CONFIG_KEYS, CONFLICTING_KEYS, GRANTED_VALID_COLORS, KEEP_WHEN_UNSET
from .common import ConfigBlock, header_for

SectionAction = Literal["add", "update", "unchanged", "skip"]
# A tool that manages part of the file marks it with sections such as
# [granted_registry_start NAME] ... [granted_registry_end NAME]: nothing between
# them is edited.
_MANAGED_START_RE = re.compile(r"(?P<tool>[A-Za-z0-9_.-]+)_start(?P<rest>(?:\s.*)?)")


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


def _section_edits(
    section: IniSection, lines: Sequence[str], block: ConfigBlock, newline: str
) -> tuple[list[Edit], list[str], list[str]]:
    found: dict[str, list[IniEntry]] = {}
    for entry in section.entries:
        found.setdefault(entry.key, []).append(entry)
    wanted = dict(block.values)
    # granted_color belongs to Granted once the section exists: never added to a
    # section without one, a value Granted accepts is never replaced. The app's own
    # colour then goes to xacct_color so an import still reads it.
    if "granted_color" in wanted:
        colour = wanted.pop("granted_color")
        have = found.get("granted_color", [])
        if not section.entries or (
            have and have[0].value.strip().lower() not in GRANTED_VALID_COLORS
        ):
            wanted["granted_color"] = colour
        elif not have or have[0].value.strip().lower() != colour:
            wanted.setdefault("xacct_color", colour)
    if wanted.get("xacct_region") and found.get("region"):
        wanted.pop("region", None)  # a region already there stays (see KEEP_WHEN_UNSET)
    edits: list[Edit] = []
    set_keys: list[str] = []
    removed: list[str] = []
    replaced: set[int] = set()

    to_insert: list[str] = []
    for key in (*CONFIG_KEYS, *CONFLICTING_KEYS):
        entries = found.get(key, [])
        if key == "granted_color" and key not in wanted:
            continue  # Granted's own value (or none), left as it is
        if key in wanted:
            value = wanted[key]
            if not entries:
                to_insert.append(f"{key} = {value}")
                set_keys.append(key)
                continue
            first = entries[0]
            if first.value != value:
                edits.append(replace_value(lines, first, value, newline))
                replaced.update(range(first.first, first.last + 1))
                set_keys.append(key)
            for duplicate in entries[1:]:  # botocore refuses duplicate keys: keep one
                edits.append(remove_entry(duplicate))
                replaced.update(range(duplicate.first, duplicate.last + 1))
                if key not in set_keys:
                    set_keys.append(key)
        elif entries and key not in KEEP_WHEN_UNSET:
            for entry in entries:
                edits.append(remove_entry(entry))
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


def merge_config_text(original: str, blocks: Sequence[ConfigBlock]) -> MergePlan:
    """``original`` (an AWS config file's text) with ``blocks`` laid over it.

    A section for the same profile (``[profile NAME]``, ``[profile "NAME"]`` or
    ``[default]``; by the block's AWS CLI name, or by the app's own name when the
    file already has a section for it) is updated in place: each key of
    :data:`CONFIG_KEYS` is set or removed, ``credential_source`` and
    ``web_identity_token_file`` are removed (botocore refuses them beside
    ``source_profile``), and every other line —
    other keys, ``s3 =`` sub-sections, comments, blank lines — stays as it was.
    A region already there is kept when the profile has none; ``granted_color``
    is not added to a section without one and a value Granted accepts is kept
    (the app's colour then goes to ``xacct_color``). A section of that name the
    app must not write into (it has settings but no ``role_arn``: keys, SSO…; or
    it lies inside another tool's managed block) is left alone, and the block is
    written as ``NAME-xacct`` instead, with a warning; blocks chained from it
    follow the new name. A key whose value does not change keeps its line byte
    for byte. Profiles without a section are appended. Line endings follow the
    file's (CRLF stays CRLF). ``skip`` is no longer produced (kept for callers).
    """
    document = parse_ini(original)
    lines = list(document.lines)
    newline = dominant_newline(original)
    managed = _managed_indexes(document.sections)
    by_name: dict[str, list[IniSection]] = {}
    for section in document.sections:
        name = cli_profile_name(section.header)
        if name is not None:
            by_name.setdefault(name, []).append(section)
    edits: list[Edit] = []
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
    # A section of the same name that the app must not write into (keys, SSO, or
    # inside another tool's managed block) keeps its name; the app's profile is
    # written under a new one, and every block that names it follows, so no
    # source_profile ever points at a section the app did not write.
    taken = {name.casefold() for name in by_name} | {b.cli_name.casefold() for b in blocks}
    for block in blocks:
        name = renames.get(block.cli_name, block.cli_name)
        sections = by_name.get(name)
        if sections and _foreign(sections[0], managed):
            new_name = _home_for(block.profile, name, by_name, managed, taken)
            renames[block.cli_name] = new_name
            why = (
                "it is inside a block another tool manages"
                if sections[0].index in managed
                else "it is not a role profile (it holds keys, SSO or other settings)"
            )
            warnings.append(
                f"[{sections[0].header}] (line {sections[0].line}) is left alone: {why}. "
                f"The app's profile {block.profile!r} is written as [{header_for(new_name)}]."
            )
    for block in blocks:
        block = _renamed(block, renames)
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
    text = apply_edits(lines, edits)
    open_block = _open_block(document.sections)
    if appended and open_block is not None:
        # The file ends inside a block another tool manages: anything appended
        # would land in it. Nothing is added; the user is told why.
        warnings.append(
            f"The file ends inside [{open_block.header}] (line {open_block.line}), a block "
            "another tool manages, with no end marker: new profiles were not added "
            f"({', '.join(block.cli_name for block in appended)}). Close the block or add "
            "them by hand."
        )
        added = {block.cli_name for block in appended}
        changes = [c for c in changes if not (c.action == "add" and c.cli_name in added)]
        appended = []
    if appended:
        if text and not text.endswith(("\n", "\r")):
            text += newline
        last_lines = split_lines(text)
        if last_lines and last_lines[-1].strip():
            text += newline  # a blank line between the file and what is added
        text += newline.join(block.render(newline) for block in appended)
    return MergePlan(original, text, tuple(changes), tuple(warnings))


def _managed_indexes(sections: Sequence[IniSection]) -> set[int]:
    """Header indexes of sections inside (or marking) another tool's managed block."""
    inside: set[int] = set()
    open_end: str | None = None
    for section in sections:
        header = section.header.strip()
        if open_end is not None:
            inside.add(section.index)
            if header == open_end:
                open_end = None
            continue
        match = _MANAGED_START_RE.fullmatch(header)
        if match:
            inside.add(section.index)
            open_end = f"{match['tool']}_end{match['rest']}"
    return inside


def _home_for(
    profile: str,
    name: str,
    by_name: Mapping[str, Sequence[IniSection]],
    managed: set[int],
    taken: set[str],
) -> str:
    """The name the app writes ``profile`` under when ``name`` is someone else's:
    ``NAME-xacct`` (``-2``… if taken), reusing the section an earlier export wrote."""
    counter = 1
    while True:
        candidate = f"{name}-xacct" if counter == 1 else f"{name}-xacct-{counter}"
        counter += 1
        sections = by_name.get(candidate)
        if sections:
            ours = sections[0].values().get("xacct_name", "").strip() == profile
            if ours and not _foreign(sections[0], managed):
                return candidate
            continue
        if candidate.casefold() not in taken:
            taken.add(candidate.casefold())
            return candidate


def _open_block(sections: Sequence[IniSection]) -> IniSection | None:
    """The start marker of a managed block the file never closes, if any."""
    opened: IniSection | None = None
    end = ""
    for section in sections:
        header = section.header.strip()
        if opened is not None:
            if header == end:
                opened = None
            continue
        match = _MANAGED_START_RE.fullmatch(header)
        if match:
            opened, end = section, f"{match['tool']}_end{match['rest']}"
    return opened


def _foreign(section: IniSection, managed: set[int]) -> bool:
    """True for a section the app must not write into."""
    if section.index in managed:
        return True
    # Writing role_arn into a profile that holds keys or SSO settings would turn
    # every CLI command using it into an assume-role: never do that.
    return bool(section.entries) and "role_arn" not in section.values()


def _renamed(block: ConfigBlock, renames: Mapping[str, str]) -> ConfigBlock:
    cli_name = renames.get(block.cli_name, block.cli_name)
    follow = block.source_is_block
    values = [
        (key, renames.get(value, value) if key == "source_profile" and follow else value)
        for key, value in block.values
    ]
    if cli_name != block.cli_name and cli_name != block.profile:
        values = [(k, v) for k, v in values if k != "xacct_name"]
        values.append(("xacct_name", block.profile))
        order = {key: i for i, key in enumerate(CONFIG_KEYS)}
        values.sort(key=lambda item: order.get(item[0], len(order)))
    return ConfigBlock(block.profile, cli_name, tuple(values), block.source_is_block)
