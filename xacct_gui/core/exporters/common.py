"""What every export shares: its result, and names made unique."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

ExportFormat = Literal["esr", "aws-config"]
REPEATED_DASHES_RE = re.compile(r"-{2,}")


def unique_name(name: str, used: set[str]) -> str:
    candidate, counter = name, 2
    while candidate.casefold() in used:
        candidate = f"{name}-{counter}"
        counter += 1
    used.add(candidate.casefold())
    return candidate


def header_for(cli_name: str) -> str:
    """The section header botocore reads as ``cli_name`` (spaces are quoted)."""
    if cli_name == "default":
        return "default"
    return f'profile "{cli_name}"' if " " in cli_name else f"profile {cli_name}"


@dataclass(frozen=True)
class ConfigBlock:
    """One ``[profile NAME]`` section to write: ``values`` in :data:`CONFIG_KEYS` order."""

    profile: str  # the app's profile name
    cli_name: str  # the AWS CLI profile name it is written as
    values: tuple[tuple[str, str], ...]
    # True when source_profile names another exported block (a chained saved role),
    # so a rename of that block must follow; False: the user's own CLI profile.
    source_is_block: bool = False

    @property
    def header(self) -> str:
        return header_for(self.cli_name)

    def render(self, newline: str = "\n") -> str:
        lines = [f"[{self.header}]", *(f"{key} = {value}" for key, value in self.values)]
        return newline.join(lines) + newline


@dataclass(frozen=True)
class ExportResult:
    format: ExportFormat
    text: str
    exported: tuple[str, ...]  # profile names written
    skipped: tuple[tuple[str, str], ...] = ()  # (profile name, why)
    notes: tuple[str, ...] = ()  # things the user should know about the text
    blocks: tuple[ConfigBlock, ...] = ()  # AWS config only
