"""The region the app would use for a profile, for exports that must name one.

The AWS CLI uses a profile's own ``region`` for every command and does not take
it from the ``source_profile``; the app uses the profile's region, else the
source's configured one, else us-east-1 (see ``core/aws_clients.py``,
``region_for``). An exported profile without a region therefore gets the one the
app would use, read here the way botocore reads it: ``AWS_DEFAULT_REGION``, then
the source profile's ``region`` in the AWS config file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from ..ini import cli_profile_name, parse_ini
from ..profiles import RoleProfile

DEFAULT_REGION = "us-east-1"  # botocore's and the app's last resort for STS and S3


def region_resolver(
    config_text: str, environ: Mapping[str, str] | None = None
) -> Callable[[RoleProfile], str]:
    """``profile -> region`` over the text of an AWS config file."""
    env = os.environ if environ is None else environ
    from_env = (env.get("AWS_DEFAULT_REGION") or "").strip()
    document = parse_ini(config_text)
    defaults = document.defaults()
    regions: dict[str, str] = {}
    for section in document.sections:
        name = cli_profile_name(section.header)
        if name is not None and name not in regions:
            region = {**defaults, **section.values()}.get("region", "").strip()
            if region:
                regions[name] = region

    def region_for(profile: RoleProfile) -> str:
        if profile.region:
            return profile.region
        if from_env:
            return from_env
        # A role assumed through a key or another saved role uses the default config.
        source = profile.source_profile if profile.source_kind == "profile" else "default"
        return regions.get(source) or DEFAULT_REGION

    return region_for


def region_resolver_from_files(
    environ: Mapping[str, str] | None = None,
) -> Callable[[RoleProfile], str]:
    """:func:`region_resolver` over the AWS config file botocore reads (none: defaults)."""
    from ..importers.common import default_aws_config_path

    try:
        text = default_aws_config_path(environ).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    return region_resolver(text, environ)
