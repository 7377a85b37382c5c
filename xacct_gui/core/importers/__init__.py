"""Import role profiles from the AWS config file and from "AWS Extend Switch Roles".

:func:`preview_aws_config` (:mod:`.aws_config`) and :func:`preview_esr_config`
(:mod:`.esr`) turn text into a preview of :class:`ImportItem`;
:func:`apply_import` (:mod:`.common`) merges the items a user picked.
"""

from __future__ import annotations

from .aws_config import preview_aws_config
from .common import (
    MAX_IMPORT_BYTES,
    PARTITION_DEFAULT_REGIONS,
    STATUSES,
    ImportItem,
    ImportStatus,
    apply_import,
    count_statuses,
    default_aws_config_path,
    describe_counts,
    read_text_file,
)
from .esr import preview_esr_config

__all__ = [
    "MAX_IMPORT_BYTES",
    "PARTITION_DEFAULT_REGIONS",
    "STATUSES",
    "ImportItem",
    "ImportStatus",
    "apply_import",
    "count_statuses",
    "default_aws_config_path",
    "describe_counts",
    "preview_aws_config",
    "preview_esr_config",
    "read_text_file",
]
