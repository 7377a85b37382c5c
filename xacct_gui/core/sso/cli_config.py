"""The Identity Center instances an AWS CLI config already names, to offer them for sign-in.

``aws configure sso`` writes ``[sso-session NAME]`` sections (``sso_start_url``,
``sso_region``); older CLIs put both keys straight into a ``[profile …]``. Only the
URL and region are taken: the CLI's tokens in ``~/.aws/sso/cache`` are plaintext
files and stay where they are; the app signs in itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ini import cli_profile_name, parse_ini
from .errors import StartUrlError
from .models import SsoInstance
from .start_url import make_instance

SESSION_PREFIX = "sso-session "


@dataclass(frozen=True)
class CliSsoFindings:
    instances: tuple[SsoInstance, ...]  # one per start URL, in file order
    problems: tuple[str, ...]  # one sentence per section that could not be used


def cli_sso_instances(text: str) -> CliSsoFindings:
    document = parse_ini(text)
    found: dict[str, SsoInstance] = {}
    problems: list[str] = []
    for section in document.sections:
        values = section.values()
        header = section.header.strip()
        if header.startswith(SESSION_PREFIX):
            name = header[len(SESSION_PREFIX) :].strip()
        elif "sso_start_url" in values and "sso_session" not in values:
            profile = cli_profile_name(header)
            if profile is None:
                continue  # not a section botocore reads as a profile
            name = profile
        else:
            continue
        url, region = values.get("sso_start_url", ""), values.get("sso_region", "")
        if not url:
            problems.append(f"[{header}] (line {section.line}) has no sso_start_url.")
            continue
        try:
            instance = make_instance(url, region or None, name)
        except StartUrlError as exc:
            problems.append(f"[{header}] (line {section.line}): {exc}")
            continue
        found.setdefault(instance.start_url, instance)
    return CliSsoFindings(tuple(found.values()), tuple(problems))
