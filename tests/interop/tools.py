"""The real clients the interoperability suite drives, installed on first use and cached.

* the AWS CLI: ``awscli`` from PyPI, in its own venv (its botocore pin must not
  touch the app's), under ``.cache/interop/awscli-venv``;
* the Extend Switch Roles parser: ``aesr-config`` from npm (the library the
  extension itself parses its configuration with), run with node, under
  ``.cache/interop/npm``;
* a Secret Service: ``gnome-keyring-daemon`` on a private D-Bus session bus
  (Debian packages gnome-keyring and dbus-daemon; ``.ci/run`` installs them).

Each ``ensure_*`` returns what to run, or raises :class:`Unavailable` with the
reason; the fixtures turn that into a skip, or a failure where the suite is
required (``XACCT_INTEROP_REQUIRED=1``, set by ``.ci/run``). A finished install
leaves a stamp with its pinned version, so a rerun costs one file check.

``python -m tests.interop.tools`` installs the clients ahead of the tests.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("XACCT_INTEROP_CACHE") or REPO_ROOT / ".cache" / "interop")
# Pinned so a rerun never upgrades silently; bump deliberately.
AWSCLI_VERSION = "1.46.3"
AESR_CONFIG_VERSION = "0.6.0"
INSTALL_TIMEOUT = 600


class Unavailable(Exception):
    """A real client cannot be had on this machine; the message says why."""


def required() -> bool:
    """True where every interop test must run (CI): a missing client is a failure."""
    return os.environ.get("XACCT_INTEROP_REQUIRED", "") not in ("", "0")


def _stamp_ok(stamp: Path, version: str) -> bool:
    try:
        return json.loads(stamp.read_text(encoding="utf-8")).get("version") == version
    except (OSError, ValueError):
        return False


def _write_stamp(stamp: Path, version: str) -> None:
    stamp.write_text(json.dumps({"version": version}), encoding="utf-8")


def _run(cmd: list[str], what: str, **kwargs: object) -> None:
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False, **kwargs
        )  # type: ignore[call-overload]
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Unavailable(f"{what} failed: {exc}") from None
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise Unavailable(f"{what} failed (exit {done.returncode}): {' / '.join(tail)}")


# --- the AWS CLI ---


def awscli_venv() -> Path:
    return CACHE / "awscli-venv"


def ensure_awscli() -> Path:
    """The ``aws`` executable of the cached venv, installing ``awscli`` if needed."""
    root = awscli_venv()
    bindir = root / ("Scripts" if os.name == "nt" else "bin")
    aws = bindir / ("aws.cmd" if os.name == "nt" else "aws")
    stamp = root / "xacct-stamp.json"
    if aws.exists() and _stamp_ok(stamp, AWSCLI_VERSION):
        return aws
    shutil.rmtree(root, ignore_errors=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(root)
    except Exception as exc:  # ensurepip missing (Debian without python3-venv)…
        raise Unavailable(f"cannot create a venv for the AWS CLI: {exc}") from None
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    _run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            f"awscli=={AWSCLI_VERSION}",
        ],
        f"pip install awscli=={AWSCLI_VERSION}",
    )
    if not aws.exists():
        raise Unavailable(f"awscli installed but {aws} is missing")
    _write_stamp(stamp, AWSCLI_VERSION)
    return aws


# --- the Extend Switch Roles parser ---


def ensure_aesr_parser() -> list[str]:
    """The command that reads an ESR configuration on stdin and prints what the
    extension's parser makes of it (JSON), installing ``aesr-config`` if needed."""
    node = shutil.which("node")
    if node is None:
        raise Unavailable("node is not installed (Debian: apt-get install nodejs npm)")
    prefix = CACHE / "npm"
    script = prefix / "node_modules" / "aesr-config" / "bin" / "parse-aesr-config.js"
    stamp = prefix / "xacct-stamp.json"
    if not (script.exists() and _stamp_ok(stamp, AESR_CONFIG_VERSION)):
        npm = shutil.which("npm")
        if npm is None:
            raise Unavailable("npm is not installed (Debian: apt-get install npm)")
        prefix.mkdir(parents=True, exist_ok=True)
        _run(
            [
                npm,
                "install",
                "--prefix",
                str(prefix),
                "--no-audit",
                "--no-fund",
                "--no-save",
                f"aesr-config@{AESR_CONFIG_VERSION}",
            ],
            f"npm install aesr-config@{AESR_CONFIG_VERSION}",
        )
        if not script.exists():
            raise Unavailable(f"aesr-config installed but {script} is missing")
        _write_stamp(stamp, AESR_CONFIG_VERSION)
    return [node, str(script)]


# --- a Secret Service ---


def secret_service_programs() -> tuple[str, str]:
    """``dbus-daemon`` and ``gnome-keyring-daemon``, or Unavailable."""
    if not sys.platform.startswith("linux"):
        raise Unavailable("a Secret Service (gnome-keyring) is tested on Linux only")
    names = ("dbus-daemon", "gnome-keyring-daemon")
    found = [shutil.which(name) for name in names]
    missing = [name for name, path in zip(names, found, strict=True) if not path]
    if missing:
        raise Unavailable(
            f"{' and '.join(missing)} not installed (Debian: apt-get install dbus-daemon "
            "gnome-keyring)"
        )
    try:
        import secretstorage  # noqa: F401  (keyring's Secret Service backend uses it)
    except ImportError:
        raise Unavailable("the secretstorage library is not installed") from None
    return str(found[0]), str(found[1])


def main() -> int:
    """Install every client ahead of the tests; print what is there. Always 0:
    the tests themselves skip or fail with the reason."""
    for name, ensure in (
        ("aws cli", ensure_awscli),
        ("aesr-config", ensure_aesr_parser),
        ("secret service", secret_service_programs),
    ):
        try:
            print(f"interop: {name}: {ensure()}")
        except Unavailable as exc:
            print(f"interop: {name}: unavailable: {exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
