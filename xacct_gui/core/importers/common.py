"""What both importers share: the preview item, judging it, and reading the file.

Both importers turn text into a *preview*: one :class:`ImportItem` per profile
found, marked ``new``, ``changed`` (with the fields that differ), ``unchanged``
or ``invalid`` (with the reason), judged against the profiles the app already
has (names match case-insensitively, as everywhere in the app). Nothing is
written here: :func:`apply_import` merges the items a user picked into a new
profile list and the caller saves it.

The parsers never raise on bad text. Every problem becomes an invalid item or a
note in an item's ``reason``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..colors import normalise_color
from ..errors import ImportSourceError, ProfileError
from ..profiles import KNOWN_KEYS, RoleProfile, parse_role_arn, partition_for_region

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


# --- turning candidates into items ---


@dataclass
class Candidate:
    """One entry read from the text, before it is judged against saved profiles."""

    name: str
    line: int
    # The profile fields the text specifies (RoleProfile.to_dict keys); None = invalid.
    fields: dict[str, Any] | None
    notes: list[str] = field(default_factory=list)
    problem: str = ""


def _invalid(candidate: Candidate, reason: str) -> ImportItem:
    return ImportItem(candidate.name, "invalid", None, reason, (), candidate.line)


def _join(notes: Iterable[str]) -> str:
    return " ".join(note if note.endswith(".") else note + "." for note in notes if note)


def _describe_errors(error: ProfileError) -> str:
    return " ".join(f"{key}: {message}" for key, message in error.errors.items())


def _changed_fields(old: RoleProfile, new: RoleProfile) -> tuple[str, ...]:
    before, after = old.to_dict(), new.to_dict()
    return tuple(key for key in KNOWN_KEYS if before.get(key) != after.get(key))


def _judge(
    candidate: Candidate, existing: Mapping[str, RoleProfile], claimed: dict[str, Candidate]
) -> ImportItem:
    """``existing`` maps casefolded names to the saved profiles: one lookup per candidate
    (a scan of the saved list per candidate made 20,000 imports take minutes)."""
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
    match = existing.get(key)
    if match is None:
        # The name is free: no saved profile has it (the lookup above) and no earlier
        # candidate claimed it, so the name check needs no list of the others.
        try:
            profile = RoleProfile.from_dict(candidate.fields)
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
    try:
        profile = RoleProfile.from_dict(data)  # keeps the saved name: unique already
    except ProfileError as exc:
        return _invalid(candidate, _join([_describe_errors(exc), *notes]))
    changes = _changed_fields(match, profile)
    status: ImportStatus = "changed" if changes else "unchanged"
    return ImportItem(candidate.name, status, profile, _join(notes), changes, candidate.line)


def judge_all(candidates: Iterable[Candidate], existing: Sequence[RoleProfile]) -> list[ImportItem]:
    claimed: dict[str, Candidate] = {}
    items: list[ImportItem] = []
    by_name = {p.name.casefold(): p for p in reversed(existing)}  # the first one wins
    for candidate in candidates:
        try:
            items.append(_judge(candidate, by_name, claimed))
        except Exception as exc:  # a bug must not lose the whole preview  # pragma: no cover
            items.append(_invalid(candidate, f"Could not be read ({type(exc).__name__})."))
    return items


def role_fields_from_arn(
    arn: str, region: str | None, notes: list[str]
) -> tuple[dict[str, Any], str]:
    """Account, role (with path) and region from a role ARN, or ({}, why not)."""
    arn = arn.strip()
    try:
        parsed = parse_role_arn(arn)
    except ProfileError as exc:
        return {}, f"role_arn {arn!r} is not a role ARN: {exc.errors['role_arn']}"
    partition = parsed.partition
    fields: dict[str, Any] = {"account_id": parsed.account_id, "role_name": parsed.role_name}
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


def color_field(raw: str | None, key: str, notes: list[str]) -> dict[str, Any]:
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


# --- applying and summarising ---


def apply_import(existing: Sequence[RoleProfile], items: Iterable[ImportItem]) -> list[RoleProfile]:
    """The saved profiles with the importable ``items`` merged in (nothing is written).

    A ``changed`` item replaces the saved profile of the same name (ignoring case)
    where it stands; a ``new`` item is appended. ``unchanged`` and ``invalid``
    items are skipped.
    """
    result = list(existing)
    # Positions by casefolded name: one lookup per item, not a scan (20,000 imported
    # profiles took 35 s with a scan each).
    positions = {p.name.casefold(): i for i, p in reversed(list(enumerate(result)))}
    for item in items:
        if not item.importable or item.profile is None:
            continue
        key = item.profile.name.casefold()
        position = positions.get(key)
        if position is None:
            positions[key] = len(result)
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
