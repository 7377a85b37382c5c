"""Write exported profiles into the AWS config file itself.

:func:`prepare_config_write` reads the file and plans the merge;
:func:`write_config` makes a backup beside it first, then replaces it
atomically, keeping its permissions. Call :func:`write_config` only after the
user confirmed the plan.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..errors import ConfigWriteError
from ..profiles import RoleProfile
from ..store import write_atomically
from .aws_config import export_aws_config
from .common import ExportResult
from .merge import MergePlan, merge_config_text
from .regions import region_resolver

BACKUP_MARKER = ".xacct-backup-"
NEW_CONFIG_MODE = 0o600  # what the AWS CLI gives a config file it creates


@dataclass(frozen=True)
class ConfigWritePlan:
    """Everything :func:`write_config` needs, computed before the user confirms."""

    path: Path  # the file the user named (may be a symbolic link)
    target: Path  # the file actually replaced (the link's target)
    existed: bool
    merge: MergePlan
    export: ExportResult

    def describe(self) -> str:
        lines = [f"File: {self.path}" + (" (new file)" if not self.existed else "")]
        if self.target != self.path:
            lines.append(f"(a link to {self.target}, which is the file written)")
        lines.append(self.merge.describe())
        lines.extend(f"Not written: {name} — {why}." for name, why in self.export.skipped)
        return "\n".join(line for line in lines if line)


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigWriteError(
            f"Cannot read {path}: {exc.strerror or type(exc).__name__}."
        ) from None


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigWriteError(
            f"{path} is not UTF-8 text; the app does not rewrite it. Add the profiles by hand "
            "(copy the text shown) or save the file as UTF-8."
        ) from None


def prepare_config_write(path: Path, profiles: Sequence[RoleProfile]) -> ConfigWritePlan:
    """Read the AWS config file at ``path`` and plan writing ``profiles`` into it.

    Raises ConfigWriteError with a user message if the file cannot be read.
    """
    target = Path(os.path.realpath(path))
    data = _read_bytes(target)
    original = "" if data is None else _decode(target, data)
    # Blocks name the region the app would use, read from this very file.
    export = export_aws_config(profiles, region_for=region_resolver(original))
    merge = merge_config_text(original, export.blocks)
    return ConfigWritePlan(Path(path), target, data is not None, merge, export)


def backup_path(target: Path, now: datetime, exists: Iterable[Path] = ()) -> Path:
    """``config.xacct-backup-20250102-030405`` beside ``target`` (``-2``… if taken)."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    taken = set(exists)
    candidate = target.with_name(f"{target.name}{BACKUP_MARKER}{stamp}")
    counter = 2
    while candidate in taken or candidate.exists():
        candidate = target.with_name(f"{target.name}{BACKUP_MARKER}{stamp}-{counter}")
        counter += 1
    return candidate


def _write_backup(target: Path, data: bytes, mode: int, now: datetime) -> Path:
    backup = backup_path(target, now)
    try:
        fd = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(backup, mode)
    except OSError as exc:
        raise ConfigWriteError(
            f"Could not make a backup of {target} ({exc.strerror or type(exc).__name__}); "
            "nothing was changed."
        ) from None
    return backup


def write_config(plan: ConfigWritePlan, *, now: datetime | None = None) -> Path | None:
    """Write ``plan`` into its file; return the backup's path (None: there was no file).

    The file must still be exactly what the plan was made from (otherwise
    ConfigWriteError: look at it again). A backup copy with the same permissions
    is made beside it first; then the new text replaces the file atomically and
    the file keeps its permissions. Nothing is written when the plan changes
    nothing. Raises ConfigWriteError with a user message on any failure.
    """
    target = plan.target
    data = _read_bytes(target)
    current = None if data is None else _decode(target, data)
    if (data is not None) != plan.existed or (current or "") != plan.merge.original:
        raise ConfigWriteError(
            f"{target} changed after the preview was made; nothing was written. "
            "Look at the changes again."
        )
    if not plan.merge.changed:
        return None
    when = now or datetime.now()
    backup: Path | None = None
    mode = NEW_CONFIG_MODE
    if data is not None:
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except OSError:
            mode = NEW_CONFIG_MODE
        backup = _write_backup(target, data, mode, when)
    try:
        write_atomically(target, plan.merge.text)
    except OSError as exc:
        where = f" The backup is {backup}." if backup else ""
        raise ConfigWriteError(
            f"Could not write {target} ({exc.strerror or type(exc).__name__}); "
            f"the file is unchanged.{where}"
        ) from None
    # The replacement was created private (0600); give it the old file's permissions.
    with contextlib.suppress(OSError):
        os.chmod(target, mode)
    return backup
