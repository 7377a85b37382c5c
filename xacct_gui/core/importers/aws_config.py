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
    "source_identity": "source_identity",  # aws-vault's setting; the app passes it on
}
# Settings other tools (aws-vault) read that the app has no use for: said, not hidden.
DROPPED_KEYS = {
    "session_tags": "session tags",
    "transitive_session_tags": "transitive session tags",
    "mfa_process": "an MFA code program (the app asks for the code itself)",
}
# aws-vault's "take every setting this profile does not set from that one";
# parent_profile is its older name.
INCLUDE_KEYS = ("include_profile", "parent_profile")


def _aws_candidate(
    name: str,
    section: IniSection,
    values: Mapping[str, str],
    taken_lines: Mapping[str, int],
    roles: Mapping[str, str],
) -> Candidate:
    # The app's own name, when an export had to spell it differently in the header.
    app_name = values.get("xacct_name", "").strip() or name
    candidate = Candidate(app_name, section.line, None)
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
    fields["name"] = app_name
    fields.setdefault("region", None)  # the config file says all there is about a region
    if values.get("xacct_region", "").strip() == "inherited":
        fields["region"] = None  # the app's export: the profile named no region of its own
    for key, target in AWS_FIELD_KEYS.items():
        fields[target] = values.get(key) or None
    if fields["source_identity"] is None:
        del fields["source_identity"]  # the AWS CLI has no such setting: keep the saved one
    marked = values.get("xacct_source_role", "").strip()
    if marked and roles.get(values["source_profile"]) == marked:
        # Exported by the app as a role chained from another saved role.
        fields.update(source_profile=None, source_role=marked, source_key=None)
    for key, what in DROPPED_KEYS.items():
        if values.get(key):
            notes.append(f"{key} ({what}) is not used by the app and is not imported")
    duration = values.get("duration_seconds")
    fields["duration_seconds"] = None
    if duration:
        try:
            fields["duration_seconds"] = int(duration.strip(), 10)
        except ValueError:
            candidate.problem = f"duration_seconds {duration!r} is not a whole number of seconds."
            return candidate
    if values.get("xacct_color"):
        fields.update(color_field(values["xacct_color"], "xacct_color", notes))
    else:
        fields.update(color_field(values.get("granted_color"), "granted_color", notes))
    candidate.fields = fields
    return candidate


def _with_included(
    section: IniSection, sections: Mapping[str, IniSection], defaults: Mapping[str, str]
) -> tuple[dict[str, str], str]:
    """The section's values with those of the profiles it includes (aws-vault's
    ``include_profile``/``parent_profile``, followed to the end; its own win), and
    a problem when an included profile is missing or the inclusions loop."""
    values = dict(section.values())
    seen = {cli_profile_name(section.header)}
    current = values
    while True:
        parent = next((current[k].strip() for k in INCLUDE_KEYS if current.get(k)), "")
        if not parent:
            break
        if parent in seen:
            return values, f"Its include_profile chain comes back to {parent!r} (a loop)."
        included = sections.get(parent)
        if included is None:
            return values, (
                f"It includes the profile {parent!r} (include_profile), which is not in the file."
            )
        seen.add(parent)
        current = dict(included.values())
        for key, value in current.items():
            values.setdefault(key, value)
    return {**defaults, **values}, ""


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
    roles = {
        name: (section.values().get("xacct_name", "").strip() or name)
        for name, section in first_seen.items()
        if _with_included(section, first_seen, defaults)[0].get("role_arn")
    }
    for name, section in profile_sections:
        values, include_problem = _with_included(section, first_seen, defaults)
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
        if include_problem:
            candidates.append(Candidate(name, section.line, None, problem=include_problem))
            continue
        candidates.append(_aws_candidate(name, section, values, taken, roles))
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
