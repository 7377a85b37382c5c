"""Read and rewrite INI text round trip, the way botocore reads the AWS config file.

:func:`parse_ini` reads text as ``configparser.RawConfigParser`` does (full-line
``#``/``;`` comments only, ``=`` or ``:`` between key and value, lower-cased
keys, indented continuation lines such as the ``s3 =`` sub-section,
``[DEFAULT]`` values lent to every section) but keeps every line and where each
entry sits, so a writer can change one value and leave every other byte alone:
``"".join(document.lines)`` is the original text. Where configparser would
refuse the whole file (a duplicate section or key, a line that is not
``key = value``) the reader keeps going and records what it saw.

The writing half works on those lines: :func:`replace_value` rewrites one
entry in the file's own style, :func:`remove_entry` deletes one, and
:func:`apply_edits` splices such edits into the text.

The parsing here is written for this app; no parser code was copied.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

_NEWLINE_RE = re.compile(r"\r\n|\r|\n")
# configparser's section and option patterns, restated: a header is "[" anything "]"
# at the start of the (stripped) line; an option is the shortest text before the
# first "=" or ":".
_INI_SECTION_RE = re.compile(r"\[(?P<header>.+)\]")
_INI_OPTION_RE = re.compile(r"(?P<key>.*?)\s*[=:]\s*(?P<value>.*)")


# --- lines ---


def split_lines(text: str) -> list[str]:
    """Split ``text`` into lines that keep their endings (``\\n``, ``\\r\\n`` or ``\\r``).

    ``"".join(split_lines(text)) == text`` always holds. Unlike ``str.splitlines``
    only the three line endings Python's text files recognise split lines, as in
    the files botocore reads.
    """
    lines: list[str] = []
    start = 0
    for match in _NEWLINE_RE.finditer(text):
        lines.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def line_ending(line: str) -> str:
    """The ending of one line from :func:`split_lines` (``""`` for the last line)."""
    if line.endswith("\r\n"):
        return "\r\n"
    if line.endswith(("\n", "\r")):
        return line[-1]
    return ""


def dominant_newline(text: str) -> str:
    """``"\\r\\n"`` when most lines of ``text`` end so, else ``"\\n"``."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf >= text.count("\n") - crlf else "\n"


# --- reading ---


@dataclass(frozen=True)
class IniEntry:
    """``key = value`` in a section; ``first``..``last`` are indexes into the lines."""

    key: str
    value: str
    first: int
    last: int

    @property
    def line(self) -> int:
        return self.first + 1


@dataclass(frozen=True)
class IniSection:
    """A ``[header]`` and the entries under it; ``index`` is the header's line index."""

    header: str
    index: int
    entries: tuple[IniEntry, ...]
    bad_lines: tuple[int, ...] = ()

    @property
    def line(self) -> int:
        return self.index + 1

    @property
    def content_end(self) -> int:
        """Index of the section's last entry line (the header's when it has none)."""
        return max([self.index, *(entry.last for entry in self.entries)])

    def values(self) -> dict[str, str]:
        """Key to value; for a duplicated key the last value wins, as in configparser."""
        return {entry.key: entry.value for entry in self.entries}

    def duplicate_keys(self) -> dict[str, list[IniEntry]]:
        seen: dict[str, list[IniEntry]] = {}
        for entry in self.entries:
            seen.setdefault(entry.key, []).append(entry)
        return {key: found for key, found in seen.items() if len(found) > 1}


@dataclass(frozen=True)
class IniDocument:
    lines: tuple[str, ...]
    sections: tuple[IniSection, ...]
    # 1-based numbers of lines with text before the first section header.
    stray_lines: tuple[int, ...] = ()

    def defaults(self) -> dict[str, str]:
        """``[DEFAULT]`` values, which configparser lends to every section."""
        merged: dict[str, str] = {}
        for section in self.sections:
            if section.header == "DEFAULT":
                merged.update(section.values())
        return merged


@dataclass
class _SectionBuilder:
    header: str
    index: int
    entries: list[IniEntry] = field(default_factory=list)
    bad_lines: list[int] = field(default_factory=list)
    # The entry whose value continuation lines extend: key, first, last, parts.
    key: str | None = None
    first: int = 0
    last: int = 0
    parts: list[str] = field(default_factory=list)

    def close_entry(self) -> None:
        if self.key is not None:
            value = "\n".join(self.parts).rstrip()
            self.entries.append(IniEntry(self.key, value, self.first, self.last))
        self.key = None
        self.parts = []

    def build(self) -> IniSection:
        self.close_entry()
        return IniSection(self.header, self.index, tuple(self.entries), tuple(self.bad_lines))


def parse_ini(text: str) -> IniDocument:
    """Read ``text`` the way ``configparser.RawConfigParser`` does, keeping positions.

    Differences, all lenient: duplicate sections and keys are kept (the caller
    reports them) instead of raising, and lines that are not ``key = value`` are
    recorded instead of failing the whole file. A UTF-8 byte order mark is ignored.
    """
    lines = split_lines(text)
    sections: list[IniSection] = []
    stray: list[int] = []
    current: _SectionBuilder | None = None
    indent_level = 0
    for index, raw in enumerate(lines):
        line = raw[: len(raw) - len(line_ending(raw))]
        if index == 0 and line.startswith("\ufeff"):
            line = line[1:]
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            # A blank line inside a multi-line value becomes part of it; a comment
            # line is skipped without ending the value.
            if not stripped and current is not None and current.key is not None:
                current.parts.append("")
            continue
        indent = len(line) - len(line.lstrip())
        if current is not None and current.key is not None and indent > indent_level:
            current.parts.append(stripped)
            current.last = index
            continue
        indent_level = indent
        header = _INI_SECTION_RE.match(stripped)
        if header:
            if current is not None:
                sections.append(current.build())
            current = _SectionBuilder(header["header"], index)
            continue
        if current is None:
            stray.append(index + 1)
            continue
        current.close_entry()
        option = _INI_OPTION_RE.match(stripped)
        key = option["key"].rstrip().lower() if option else ""
        if option is None or not key:
            current.bad_lines.append(index + 1)
            continue
        current.key, current.first, current.last = key, index, index
        current.parts = [option["value"].strip()]
    if current is not None:
        sections.append(current.build())
    return IniDocument(tuple(lines), tuple(sections), tuple(stray))


def cli_profile_name(header: str) -> str | None:
    """The profile a config-file section defines, as botocore reads it, else None.

    ``[default]`` is the default profile; ``[profile NAME]`` is split like a shell
    command line (so ``[profile "my role"]`` is ``my role``); other sections
    (``[sso-session x]``, ``[services x]``, ``[plugins]``…) are not profiles.
    """
    if header == "default":
        return "default"
    if not header.startswith("profile"):
        return None
    try:
        parts = shlex.split(header)
    except ValueError:  # an unbalanced quote: botocore skips the section too
        return None
    return parts[1] if len(parts) == 2 else None


# --- writing ---

# An edit replaces lines[start:end] with new lines (an insertion has start == end).
Edit = tuple[int, int, list[str]]


def apply_edits(lines: Sequence[str], edits: Iterable[Edit]) -> str:
    """The text of ``lines`` with ``edits`` (which must not overlap) spliced in."""
    result = list(lines)
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        result[start:end] = replacement
    return "".join(result)


def replace_value(lines: Sequence[str], entry: IniEntry, value: str, newline: str) -> Edit:
    """The edit that gives ``entry`` the new ``value``, keeping how its key is written."""
    ending = line_ending(lines[entry.last]) or newline
    return (entry.first, entry.last + 1, [assignment_prefix(lines[entry.first]) + value + ending])


def remove_entry(entry: IniEntry) -> Edit:
    """The edit that deletes ``entry`` (with its continuation lines)."""
    return (entry.first, entry.last + 1, [])


def assignment_prefix(line: str) -> str:
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
