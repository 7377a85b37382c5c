"""What every export shares: its result, and names made unique."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .aws_config import ConfigBlock

ExportFormat = Literal["esr", "aws-config"]
REPEATED_DASHES_RE = re.compile(r"-{2,}")


def unique_name(name: str, used: set[str]) -> str:
    candidate, counter = name, 2
    while candidate.casefold() in used:
        candidate = f"{name}-{counter}"
        counter += 1
    used.add(candidate.casefold())
    return candidate


@dataclass(frozen=True)
class ExportResult:
    format: ExportFormat
    text: str
    exported: tuple[str, ...]  # profile names written
    skipped: tuple[tuple[str, str], ...] = ()  # (profile name, why)
    notes: tuple[str, ...] = ()  # things the user should know about the text
    blocks: tuple[ConfigBlock, ...] = ()  # AWS config only
