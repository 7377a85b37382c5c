"""Import role profiles from the AWS config file and from "AWS Extend Switch Roles".

Both importers turn text into a *preview*: one :class:`ImportItem` per profile
found, marked ``new``, ``changed`` (with the fields that differ), ``unchanged``
or ``invalid`` (with the reason), judged against the profiles the app already
has (names match case-insensitively, as everywhere in the app). Nothing is
written here: :func:`apply_import` merges the items a user picked into a new
profile list and the caller saves it.

The parsers never raise on bad text. Every problem becomes an invalid item or a
note in an item's ``reason``.

AWS config semantics are botocore's: it reads the file with
``configparser.RawConfigParser`` (full-line ``#``/``;`` comments only, ``=`` or
``:`` between key and value, lower-cased keys, indented continuation lines such
as the ``s3 =`` sub-section, ``[DEFAULT]`` values inherited by every section)
and maps ``[profile NAME]`` (split like a shell word) and ``[default]`` to
profiles. Where botocore would refuse the whole file (a duplicate section or
key, a line that is not ``key = value``) the importer still reads it and says
what the AWS CLI would object to.

The extension's format is its own INI dialect: ``#`` and ``;`` start a comment
anywhere on a line, ``[profile NAME]`` and ``[NAME]`` are the same, a target
role is ``role_arn`` or ``aws_account_id`` + ``role_name``, and a block that
other blocks name as ``source_profile`` is a *base account* (the account the
browser is signed in to), not a role. The app uses that base block's name as
the AWS CLI profile whose credentials assume the role.

The parsing here is written for this app; no parser code was copied.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .errors import ImportSourceError, ProfileError
from .profiles import (
    CONSOLE_COLORS,
    KNOWN_KEYS,
    RoleProfile,
    check_role_arn,
    partition_for_region,
    split_role_name,
)

ImportStatus = Literal["new", "changed", "unchanged", "invalid"]
STATUSES: tuple[ImportStatus, ...] = ("new", "changed", "unchanged", "invalid")

# A file bigger than this is not an AWS config or an extension configuration.
MAX_IMPORT_BYTES = 5 * 1024 * 1024

# The region the app assumes for a role whose ARN is outside the ``aws`` partition
# but which names no region: RoleProfile derives its partition from the region.
PARTITION_DEFAULT_REGIONS: dict[str, str] = {
    "aws-cn": "cn-north-1",
    "aws-us-gov": "us-gov-west-1",
    "aws-iso": "us-iso-east-1",
    "aws-iso-b": "us-isob-east-1",
    "aws-iso-e": "eu-isoe-west-1",
    "aws-iso-f": "us-isof-south-1",
    "aws-eusc": "eusc-de-east-1",
}

# Colour names other tools use besides the console's five. Granted opens consoles
# in Firefox containers, whose colours add turquoise, pink and purple; the hex
# values are pastel shades in the style of the console's palette.
EXTRA_COLOR_NAMES: dict[str, str] = {
    "turquoise": "#8fd8cc",
    "teal": "#8fd8cc",
    "cyan": "#8fd8cc",
    "pink": "#f4b6d2",
    "magenta": "#f4b6d2",
    "purple": "#c9b6e4",
    "violet": "#c9b6e4",
    "grey": "#d5d5d5",
    "gray": "#d5d5d5",
}

_HEX6_RE = re.compile(r"#?([0-9A-Fa-f]{6})")
_HEX3_RE = re.compile(r"#?([0-9A-Fa-f]{3})")
_NEWLINE_RE = re.compile(r"\r\n|\r|\n")
# configparser's section and option patterns, restated: a header is "[" anything "]"
# at the start of the (stripped) line; an option is the shortest text before the
# first "=" or ":".
_INI_SECTION_RE = re.compile(r"\[(?P<header>.+)\]")
_INI_OPTION_RE = re.compile(r"(?P<key>.*?)\s*[=:]\s*(?P<value>.*)")
_ESR_SECTION_RE = re.compile(r"\[(?P<header>.+)\]")
_PROFILE_PREFIX_RE = re.compile(r"profile\s+", re.IGNORECASE)
_ESR_HEX_VALUE_RE = re.compile(r"\s*#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})(?![0-9A-Za-z])")
_ACCOUNT_SEPARATORS_RE = re.compile(r"[0-9]{4}[- ][0-9]{4}[- ][0-9]{4}")


@dataclass(frozen=True)
class ImportItem:
    """One profile found in the imported text, judged against the saved profiles.

    ``profile`` is what the saved profile becomes when the item is applied (for a
    ``changed`` item: the saved profile with the imported fields laid over it), or
    None for an ``invalid`` item. ``reason`` says why an item is invalid, or carries
    notes the user should read (an assumed region, an unknown colour…).
    ``changes`` names the profile fields (``RoleProfile.to_dict`` keys) that differ.
    ``line`` is where the entry starts in the imported text (1-based).
    """

    name: str
    status: ImportStatus
    profile: RoleProfile | None
    reason: str = ""
    changes: tuple[str, ...] = ()
    line: int | None = None

    @property
    def importable(self) -> bool:
        """True for ``new`` and ``changed`` items: applying them changes something."""
        return self.profile is not None and self.status in ("new", "changed")


# --- reading files ---


def default_aws_config_path(environ: Mapping[str, str] | None = None) -> Path:
    """The AWS config file botocore reads: ``AWS_CONFIG_FILE`` or ``~/.aws/config``."""
    env = os.environ if environ is None else environ
    raw = env.get("AWS_CONFIG_FILE") or os.path.join("~", ".aws", "config")
    return Path(os.path.expanduser(os.path.expandvars(raw)))


def read_text_file(path: Path, *, what: str = "file") -> str:
    """The text of ``path`` (UTF-8), or ImportSourceError with a sentence to show."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_IMPORT_BYTES + 1)
    except FileNotFoundError:
        raise ImportSourceError(f"There is no {what} at {path}.") from None
    except IsADirectoryError:
        raise ImportSourceError(f"{path} is a folder, not a {what}.") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ImportSourceError(f"Cannot read the {what} {path}: {reason}.") from None
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportSourceError(
            f"{path} is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB; "
            f"it does not look like a {what}."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportSourceError(
            f"{path} is not UTF-8 text (byte {exc.start + 1}); save it as UTF-8 and try again."
        ) from None


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


# --- the AWS config file (configparser semantics) ---


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


# --- colours ---


def normalise_color(value: str) -> str | None:
    """A colour the app stores (a console name or ``#rrggbb``), or None if unknown.

    Accepts the console's names, other common names (:data:`EXTRA_COLOR_NAMES`),
    ``rrggbb`` / ``#rrggbb`` (as the extension and the web write them) and
    ``rgb`` / ``#rgb``. A hex value that is exactly a console colour becomes its
    name, so a round trip through the extension's hex keeps "red" as "red".
    """
    text = value.strip().strip("\"'").strip().lower()
    if text in CONSOLE_COLORS:
        return text
    if text in EXTRA_COLOR_NAMES:
        return EXTRA_COLOR_NAMES[text]
    match = _HEX6_RE.fullmatch(text)
    if match:
        hex_value = "#" + match[1]
    else:
        short = _HEX3_RE.fullmatch(text)
        if not short:
            return None
        hex_value = "#" + "".join(c * 2 for c in short[1])
    for name, console_hex in CONSOLE_COLORS.items():
        if console_hex == hex_value:
            return name
    return hex_value


# --- turning candidates into items ---


@dataclass
class _Candidate:
    """One entry read from the text, before it is judged against saved profiles."""

    name: str
    line: int
    # The profile fields the text specifies (RoleProfile.to_dict keys); None = invalid.
    fields: dict[str, Any] | None
    notes: list[str] = field(default_factory=list)
    problem: str = ""


def _invalid(candidate: _Candidate, reason: str) -> ImportItem:
    return ImportItem(candidate.name, "invalid", None, reason, (), candidate.line)


def _join(notes: Iterable[str]) -> str:
    return " ".join(note if note.endswith(".") else note + "." for note in notes if note)


def _describe_errors(error: ProfileError) -> str:
    return " ".join(f"{key}: {message}" for key, message in error.errors.items())


def _changed_fields(old: RoleProfile, new: RoleProfile) -> tuple[str, ...]:
    before, after = old.to_dict(), new.to_dict()
    return tuple(key for key in KNOWN_KEYS if before.get(key) != after.get(key))


def _judge(
    candidate: _Candidate, existing: Sequence[RoleProfile], claimed: dict[str, _Candidate]
) -> ImportItem:
    if candidate.fields is None:
        return _invalid(candidate, _join([candidate.problem, *candidate.notes]))
    key = candidate.name.casefold()
    first = claimed.get(key)
    if first is not None:
        if first.name == candidate.name:
            clash = f"has the same name as the profile at line {first.line}"
        else:
            clash = (
                f"differs only in case from {first.name!r} at line {first.line}, and the "
                "app's names ignore case"
            )
        return _invalid(
            candidate,
            f"{candidate.name!r} at line {candidate.line} {clash}; only the first is imported.",
        )
    claimed[key] = candidate
    notes = list(candidate.notes)
    match = next((p for p in existing if p.name.casefold() == key), None)
    if match is None:
        others = [p.name for p in existing]
        try:
            profile = RoleProfile.from_dict(candidate.fields, others)
        except ProfileError as exc:
            return _invalid(candidate, _join([_describe_errors(exc), *notes]))
        if not candidate.fields.get("source_profile"):
            notes.append(
                f"No source profile given: the AWS CLI profile {profile.source_profile!r} "
                "assumes the role (change it after importing if needed)"
            )
        return ImportItem(candidate.name, "new", profile, _join(notes), (), candidate.line)
    data = match.to_dict()
    data.update(candidate.fields)
    data["name"] = match.name  # the saved spelling of the name stays
    if candidate.fields.get("source_profile"):
        # The import names an AWS CLI profile as the source: that replaces a
        # sign-in key or saved role the profile used before.
        data["source_key"] = None
        data["source_role"] = None
    if match.name != candidate.name:
        notes.insert(0, f"Matches the saved profile {match.name!r}")
    others = [p.name for p in existing if p is not match]
    try:
        profile = RoleProfile.from_dict(data, others)
    except ProfileError as exc:
        return _invalid(candidate, _join([_describe_errors(exc), *notes]))
    changes = _changed_fields(match, profile)
    status: ImportStatus = "changed" if changes else "unchanged"
    return ImportItem(candidate.name, status, profile, _join(notes), changes, candidate.line)


def _judge_all(
    candidates: Iterable[_Candidate], existing: Sequence[RoleProfile]
) -> list[ImportItem]:
    claimed: dict[str, _Candidate] = {}
    items: list[ImportItem] = []
    for candidate in candidates:
        try:
            items.append(_judge(candidate, existing, claimed))
        except Exception as exc:  # a bug must not lose the whole preview  # pragma: no cover
            items.append(_invalid(candidate, f"Could not be read ({type(exc).__name__})."))
    return items


def _role_from_arn(arn: str, region: str | None, notes: list[str]) -> tuple[dict[str, Any], str]:
    """Account, role (with path) and region from a role ARN, or ({}, why not)."""
    arn = arn.strip()
    problem = check_role_arn(arn)
    if problem:
        return {}, f"role_arn {arn!r} is not a role ARN: {problem}"
    _arn, partition, _iam, _region, account, resource = arn.split(":", 5)
    path, name = split_role_name(resource.removeprefix("role"))
    role_name = name if path == "/" else f"{path.strip('/')}/{name}"
    fields: dict[str, Any] = {"account_id": account, "role_name": role_name}
    if region:
        region_partition = partition_for_region(region)
        if region_partition != partition:
            return {}, (
                f"The role is in the {partition} partition but the region {region} is in "
                f"{region_partition}; fix one of them."
            )
        fields["region"] = region
    elif partition != "aws":
        default = PARTITION_DEFAULT_REGIONS[partition]
        fields["region"] = default
        notes.append(
            f"The role is in the {partition} partition and names no region: region set to {default}"
        )
    return fields, ""


def _color_field(raw: str | None, key: str, notes: list[str]) -> dict[str, Any]:
    if raw is None or not raw.strip():
        return {}
    color = normalise_color(raw)
    if color is None:
        notes.append(
            f"{key} {raw.strip()!r} is not a colour the app knows (a console colour name "
            "or rrggbb): the profile keeps its colour (blue for a new one)"
        )
        return {}
    return {"color": color}


# --- AWS config import ---

AWS_FIELD_KEYS = {
    "source_profile": "source_profile",
    "external_id": "external_id",
    "mfa_serial": "mfa_serial",
    "role_session_name": "session_name",
}


def _aws_candidate(
    name: str, section: IniSection, values: Mapping[str, str], taken_lines: Mapping[str, int]
) -> _Candidate:
    candidate = _Candidate(name, section.line, None)
    notes = candidate.notes
    for key, found in section.duplicate_keys().items():
        if len({entry.value for entry in found}) > 1:
            lines = ", ".join(str(entry.line) for entry in found)
            candidate.problem = (
                f"{key} is set more than once with different values (lines {lines}); "
                "the AWS CLI refuses such a file. Keep one and import again."
            )
            return candidate
        notes.append(f"{key} is set twice (the AWS CLI refuses such a file)")
    if name in taken_lines:
        notes.append(
            f"The file defines profile {name!r} again at line {taken_lines[name]} "
            "(the AWS CLI refuses such a file); this first definition is used"
        )
    for number in section.bad_lines:
        notes.append(
            f"Line {number} is not 'key = value' and was ignored (the AWS CLI refuses such a file)"
        )
    if values.get("credential_source"):
        candidate.problem = (
            f"It takes its credentials from credential_source = {values['credential_source']} "
            "(the machine or container it runs on), which the app does not use; give it a "
            "source_profile instead."
        )
        return candidate
    if values.get("web_identity_token_file"):
        candidate.problem = (
            "It assumes the role with a web identity token file (web_identity_token_file), "
            "not with another profile's credentials, which the app does not support."
        )
        return candidate
    if not values.get("source_profile"):
        candidate.problem = (
            "It has role_arn but no source_profile, so neither the AWS CLI nor the app "
            "knows whose credentials assume the role."
        )
        return candidate
    region = values.get("region") or None
    fields, problem = _role_from_arn(values["role_arn"], region, notes)
    if problem:
        candidate.problem = problem
        return candidate
    fields["name"] = name
    fields.setdefault("region", None)  # the config file says all there is about a region
    for key, target in AWS_FIELD_KEYS.items():
        fields[target] = values.get(key) or None
    duration = values.get("duration_seconds")
    fields["duration_seconds"] = None
    if duration:
        try:
            fields["duration_seconds"] = int(duration.strip(), 10)
        except ValueError:
            candidate.problem = f"duration_seconds {duration!r} is not a whole number of seconds."
            return candidate
    fields.update(_color_field(values.get("granted_color"), "granted_color", notes))
    candidate.fields = fields
    return candidate


def _parse_aws_config(text: str) -> list[_Candidate]:
    document = parse_ini(text)
    defaults = document.defaults()
    candidates: list[_Candidate] = []
    for number in document.stray_lines:
        candidates.append(
            _Candidate(
                f"line {number}",
                number,
                None,
                problem=(
                    f"Line {number} comes before the first [section] and was ignored "
                    "(the AWS CLI refuses such a file)."
                ),
            )
        )
    first_seen: dict[str, IniSection] = {}
    again: dict[str, int] = {}
    profile_sections: list[tuple[str, IniSection]] = []
    for section in document.sections:
        name = cli_profile_name(section.header)
        if name is None:
            continue
        if name in first_seen:
            again.setdefault(name, section.line)
        else:
            first_seen[name] = section
        profile_sections.append((name, section))
    for name, section in profile_sections:
        values = {**defaults, **section.values()}
        if not values.get("role_arn"):
            continue  # a source profile (keys, SSO…), not a role to switch to
        first = first_seen[name]
        if first is not section:
            candidates.append(
                _Candidate(
                    name,
                    section.line,
                    None,
                    problem=(
                        f"Profile {name!r} is already defined at line {first.line}; only the "
                        "first definition is read (the AWS CLI refuses a file that defines a "
                        "profile twice)."
                    ),
                )
            )
            continue
        taken = {name: again[name]} if name in again else {}
        candidates.append(_aws_candidate(name, section, values, taken))
    return candidates


def preview_aws_config(text: str, existing: Sequence[RoleProfile]) -> list[ImportItem]:
    """Preview the role profiles in the text of an AWS config file.

    Every profile section with ``role_arn`` becomes an item. Profiles whose role is
    assumed with ``credential_source`` or ``web_identity_token_file`` are invalid.
    Sections without ``role_arn`` (keys, SSO, ``sso-session``, ``services``) are
    sources, not roles, and are not listed.
    """
    try:
        candidates = _parse_aws_config(text)
    except Exception as exc:  # pragma: no cover - the parser is total; belt and braces
        return [ImportItem("AWS config", "invalid", None, f"Could not be read ({exc}).")]
    return _judge_all(candidates, existing)


# --- AWS Extend Switch Roles import ---


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
) -> _Candidate | None:
    params = block.params
    candidate = _Candidate(block.name or f"line {block.line}", block.line, None)
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
        fields, problem = _role_from_arn(params["role_arn"], region, notes)
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
    fields.update(_color_field(params.get("color"), "color", notes))
    candidate.fields = fields
    return candidate


def _parse_esr(text: str) -> list[_Candidate]:
    blocks, stray = _parse_esr_blocks(text)
    candidates = [
        _Candidate(
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
    return _judge_all(candidates, existing)


# --- applying and summarising ---


def apply_import(existing: Sequence[RoleProfile], items: Iterable[ImportItem]) -> list[RoleProfile]:
    """The saved profiles with the importable ``items`` merged in (nothing is written).

    A ``changed`` item replaces the saved profile of the same name (ignoring case)
    where it stands; a ``new`` item is appended. ``unchanged`` and ``invalid``
    items are skipped.
    """
    result = list(existing)
    for item in items:
        if not item.importable or item.profile is None:
            continue
        key = item.profile.name.casefold()
        position = next((i for i, p in enumerate(result) if p.name.casefold() == key), None)
        if position is None:
            result.append(item.profile)
        else:
            result[position] = item.profile
    return result


def count_statuses(items: Iterable[ImportItem]) -> dict[ImportStatus, int]:
    counts: dict[ImportStatus, int] = dict.fromkeys(STATUSES, 0)
    for item in items:
        counts[item.status] += 1
    return counts


def describe_counts(items: Iterable[ImportItem]) -> str:
    """``"2 new, 1 changed, 3 unchanged, 1 invalid"`` (statuses with no item left out)."""
    counts = count_statuses(items)
    parts = [f"{counts[status]} {status}" for status in STATUSES if counts[status]]
    return ", ".join(parts) if parts else "No role profiles found"


__all__ = [
    "EXTRA_COLOR_NAMES",
    "PARTITION_DEFAULT_REGIONS",
    "ImportItem",
    "ImportSourceError",
    "ImportStatus",
    "IniDocument",
    "IniEntry",
    "IniSection",
    "apply_import",
    "cli_profile_name",
    "count_statuses",
    "default_aws_config_path",
    "describe_counts",
    "line_ending",
    "normalise_color",
    "parse_ini",
    "preview_aws_config",
    "preview_esr_config",
    "read_text_file",
    "split_lines",
]
