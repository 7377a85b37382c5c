"""Team files: what an admin hands colleagues so they land on "Sign in to <org>".

A small JSON file (see README, "Team file")::

    {
      "xacct_team": 1,
      "organisation": "Acme",
      "start_url": "https://acme.awsapps.com/start",
      "region": "eu-west-1",
      "name_template": "{account_name} / {role_name}",
      "color_rules": [{"text": "prod", "color": "red"}],
      "roles": [
        {"name": "Vendor audit", "account_id": "333333333333", "role_name": "VendorAudit",
         "external_id": "acme-7f3c", "via": {"account_id": "111111111111",
         "role_name": "Hub"}, "color": "orange", "session_name": "acme-audit"}
      ]
    }

``roles`` are cross-account roles added on top of the discovered ones, each
assumed from the Identity Center role named in ``via`` (role chaining, at most
one hour). Everything is validated before anything changes: a bad file gets
one message per problem and is not used at all.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..discovery import DEFAULT_RULES, ColorRule
from ..errors import XacctError
from ..profiles import RoleProfile
from .errors import StartUrlError
from .models import SsoInstance
from .proposals import DEFAULT_TEMPLATE, check_template
from .start_url import make_instance

TEAM_VERSION = 1
# The name `dev.py build --team FILE` gives the checked team file inside the bundle.
BUNDLED_TEAM_NAME = "xacct-team.json"
MAX_BYTES = 1_000_000
_TOP_KEYS = frozenset(
    {"xacct_team", "organisation", "start_url", "region", "name_template", "color_rules", "roles"}
)
_ROLE_KEYS = frozenset(
    {"name", "account_id", "role_name", "external_id", "via", "color", "session_name", "region"}
)


class TeamFileError(XacctError):
    """The team file cannot be used; the message lists every problem found."""


@dataclass(frozen=True)
class TeamRole:
    """A cross-account role from the team file and the Identity Center role it chains from."""

    profile: RoleProfile  # without its source yet
    via_account_id: str
    via_role_name: str


@dataclass(frozen=True)
class TeamFile:
    instance: SsoInstance
    template: str
    rules: tuple[ColorRule, ...]
    roles: tuple[TeamRole, ...]


def _rules(data: object, problems: list[str]) -> tuple[ColorRule, ...]:
    if data is None:
        return DEFAULT_RULES
    if not isinstance(data, list):
        problems.append('"color_rules" must be a list of {"text", "color"} objects.')
        return DEFAULT_RULES
    rules: list[ColorRule] = []
    for number, entry in enumerate(data, start=1):
        text = entry.get("text") if isinstance(entry, Mapping) else None
        color = entry.get("color") if isinstance(entry, Mapping) else None
        if not isinstance(text, str) or not isinstance(color, str):
            problems.append(f'Colour rule {number} needs "text" and "color" as text.')
            continue
        rule = ColorRule(text, color)
        problem = rule.problem()
        if problem:
            problems.append(f"Colour rule {number}: {problem}")
        else:
            rules.append(rule)
    return tuple(rules)


def _role(number: int, entry: object, problems: list[str]) -> TeamRole | None:
    where = f"Role {number}"
    if not isinstance(entry, Mapping):
        problems.append(f"{where} must be an object.")
        return None
    unknown = sorted(set(entry) - _ROLE_KEYS)
    if unknown:
        problems.append(f"{where} has unknown keys: {', '.join(unknown)}.")
    via = entry.get("via")
    via_account = via.get("account_id") if isinstance(via, Mapping) else None
    via_role = via.get("role_name") if isinstance(via, Mapping) else None
    if not isinstance(via_account, str) or not isinstance(via_role, str):
        problems.append(
            f'{where} needs "via": {{"account_id", "role_name"}}: the Identity Center role '
            "it is assumed from."
        )
    fields = {k: entry.get(k) for k in _ROLE_KEYS - {"via"} if entry.get(k) is not None}
    try:
        profile = RoleProfile.from_dict({**fields, "source_role": "team-file-source"})
    except XacctError as exc:
        problems.append(f"{where}: {exc}")
        return None
    if not isinstance(via_account, str) or not isinstance(via_role, str):
        return None
    return TeamRole(profile.replace(source_role=None), via_account, via_role)


def parse_team(document: object) -> TeamFile:
    """Validate a parsed team file; raise TeamFileError listing every problem."""
    if not isinstance(document, dict):
        raise TeamFileError("A team file is a JSON object (see the README's example).")
    problems: list[str] = []
    version = document.get("xacct_team")
    if version != TEAM_VERSION:
        if isinstance(version, int) and not isinstance(version, bool) and version > TEAM_VERSION:
            raise TeamFileError(
                f"This team file is for a newer xacct (version {version}); update the app."
            )
        problems.append(f'"xacct_team" must be {TEAM_VERSION}.')
    unknown = sorted(set(document) - _TOP_KEYS)
    if unknown:
        problems.append(f"Unknown keys: {', '.join(unknown)}.")
    org, url, region = (document.get(k) for k in ("organisation", "start_url", "region"))
    instance: SsoInstance | None = None
    if not isinstance(org, str) or not org.strip():
        problems.append('"organisation" must name the organisation.')
    if not isinstance(url, str):
        problems.append('"start_url" must be the access portal\'s start URL.')
    elif region is not None and not isinstance(region, str):
        problems.append('"region" must be text, e.g. "eu-west-1".')
    else:
        try:
            instance = make_instance(url, region, org if isinstance(org, str) else None)
        except StartUrlError as exc:
            problems.append(str(exc))
    template = document.get("name_template", DEFAULT_TEMPLATE)
    if not isinstance(template, str):
        problems.append('"name_template" must be text.')
    elif check_template(template):
        problems.append(str(check_template(template)))
    rules = _rules(document.get("color_rules"), problems)
    raw_roles = document.get("roles", [])
    roles: list[TeamRole] = []
    if not isinstance(raw_roles, list):
        problems.append('"roles" must be a list.')
    else:
        for number, entry in enumerate(raw_roles, start=1):
            role = _role(number, entry, problems)
            if role is not None:
                roles.append(role)
        names = [r.profile.name.casefold() for r in roles]
        if len(set(names)) != len(names):
            problems.append("Two roles in the team file have the same name.")
    if problems or instance is None or not isinstance(template, str):
        raise TeamFileError("This team file cannot be used: " + " ".join(problems))
    return TeamFile(instance, template, rules, tuple(roles))


def read_team_file(path: Path) -> TeamFile:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise TeamFileError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    if len(raw) > MAX_BYTES:
        raise TeamFileError(f"{path} is too large for a team file.")
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise TeamFileError(f"{path} is not valid JSON ({type(exc).__name__}).") from None
    return parse_team(document)


def add_team_roles(
    profiles: Sequence[RoleProfile], team: TeamFile
) -> tuple[list[RoleProfile], list[str]]:
    """Add the team's cross-account roles whose ``via`` role is saved; names already
    saved are left as the user has them. Returns the profiles and the names added."""
    result = list(profiles)
    taken = {p.name.casefold() for p in result}
    added: list[str] = []
    for role in team.roles:
        if role.profile.name.casefold() in taken:
            continue
        via = next(
            (
                p
                for p in result
                if p.sso_start_url == team.instance.start_url
                and p.account_id == role.via_account_id
                and p.role_name.casefold() == role.via_role_name.casefold()
            ),
            None,
        )
        if via is None:
            continue  # not (yet) discovered: added after a sync that finds it
        result.append(role.profile.replace(source_role=via.name))
        taken.add(role.profile.name.casefold())
        added.append(role.profile.name)
    return result, added


def bundled_team_file(resource_dir: Path | None = None) -> Path | None:
    """The team file baked into this frozen app by ``dev.py build --team``, if any.

    PyInstaller unpacks data files into ``sys._MEIPASS`` (the ``_internal`` folder of a
    onedir build, the temporary folder of a onefile one, the frameworks folder of a
    macOS app), so one lookup serves every variant. A run from source has none."""
    if resource_dir is None:
        if not getattr(sys, "frozen", False):
            return None
        meipass = getattr(sys, "_MEIPASS", None)
        resource_dir = Path(meipass) if meipass else Path(sys.executable).resolve().parent
    candidate = resource_dir / BUNDLED_TEAM_NAME
    return candidate if candidate.is_file() else None
