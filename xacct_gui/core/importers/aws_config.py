"""Import role profiles from the AWS config file (``~/.aws/config``).

AWS config semantics are botocore's (see :mod:`xacct_gui.core.ini` for how the
text is read): ``[profile NAME]`` (split like a shell word) and ``[default]``
are profiles, ``[DEFAULT]`` values reach every section. Where botocore would
refuse the whole file (a duplicate section or key, a line that is not
``key = value``) the importer still reads it and says what the AWS CLI would
object to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..ini import IniSection, cli_profile_name, parse_ini
from ..profiles import RoleProfile
from .common import Candidate, ImportItem, color_field, judge_all, role_fields_from_arn

AWS_FIELD_KEYS = {
    "source_profile": "source_profile",
    "external_id": "external_id",
    "mfa_serial": "mfa_serial",
    "role_session_name": "session_name",
}


def _aws_candidate(
    name: str, section: IniSection, values: Mapping[str, str], taken_lines: Mapping[str, int]
) -> Candidate:
    candidate = Candidate(name, section.line, None)
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
    fields, problem = role_fields_from_arn(values["role_arn"], region, notes)
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
    fields.update(color_field(values.get("granted_color"), "granted_color", notes))
    candidate.fields = fields
    return candidate


def _parse_aws_config(text: str) -> list[Candidate]:
    document = parse_ini(text)
    defaults = document.defaults()
    candidates: list[Candidate] = []
    for number in document.stray_lines:
        candidates.append(
            Candidate(
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
                Candidate(
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
    return judge_all(candidates, existing)
