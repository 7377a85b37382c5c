"""Export role profiles for "AWS Extend Switch Roles" and for the AWS CLI.

* :func:`export_esr` (:mod:`.esr`) writes the extension's configuration;
* :func:`export_aws_config` (:mod:`.aws_config`) writes ``[profile NAME]`` blocks;
* :func:`merge_config_text` (:mod:`.merge`) lays those blocks over an existing
  AWS config file's text;
* :func:`prepare_config_write` and :func:`write_config` (:mod:`.config_file`)
  do that to the file itself, with a backup first.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..profiles import RoleProfile
from .aws_config import (
    AWS_CONFIG_HEADER,
    CONFIG_KEYS,
    CONFLICTING_KEYS,
    GRANTED_COLORS,
    export_aws_config,
    granted_color,
    sanitise_cli_profile_name,
)
from .common import ConfigBlock, ExportFormat, ExportResult
from .config_file import (
    BACKUP_MARKER,
    ConfigWritePlan,
    backup_path,
    prepare_config_write,
    write_config,
)
from .esr import ESR_HEADER, export_esr, sanitise_esr_name
from .merge import MergePlan, SectionChange, merge_config_text


def export_profiles(profiles: Sequence[RoleProfile], fmt: ExportFormat) -> ExportResult:
    """The export of ``profiles`` in format ``fmt``."""
    return export_esr(profiles) if fmt == "esr" else export_aws_config(profiles)


__all__ = [
    "AWS_CONFIG_HEADER",
    "BACKUP_MARKER",
    "CONFIG_KEYS",
    "CONFLICTING_KEYS",
    "ESR_HEADER",
    "GRANTED_COLORS",
    "ConfigBlock",
    "ConfigWritePlan",
    "ExportFormat",
    "ExportResult",
    "MergePlan",
    "SectionChange",
    "backup_path",
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
