"""``--credential-process`` calling back into itself, found before it eats the machine.

The README's recipe makes an AWS CLI profile whose ``credential_process`` runs
``xacct-gui --credential-process Dev``. A saved role whose *source* is that CLI
profile asks botocore for its credentials, botocore runs the command, which
assumes the role through the same source… one process per level until memory
runs out. Two guards:

* every ``--credential-process`` and ``--list-buckets`` run passes the chain of
  profile names it is resolving to its children in :data:`CHAIN_ENV` (names only,
  never a secret); a child that finds its own name there, or a chain deeper than
  :data:`MAX_DEPTH`, stops with one line that names the loop;
* the profile dialog warns when the chosen AWS CLI source profile (or a profile
  it takes its credentials from) runs xacct as its ``credential_process``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from pathlib import Path

from .ini import cli_profile_name, parse_ini

CHAIN_ENV = "XACCT_GUI_CREDENTIAL_CHAIN"
MAX_DEPTH = 8
# "xacct-gui", "xacct_gui" (python -m), a frozen "xacct" executable, with the flag.
_CALLS_XACCT = re.compile(r"xacct(?:[-_]gui)?(?:\.exe)?\b.*--credential-process", re.IGNORECASE)


def chain_from_env(environ: Mapping[str, str] | None = None) -> list[str]:
    """The profile names the parent processes are resolving, outermost first."""
    raw = (os.environ if environ is None else environ).get(CHAIN_ENV, "")
    try:
        chain = json.loads(raw) if raw else []
    except ValueError:
        return []
    return [str(n) for n in chain] if isinstance(chain, list) else []


def loop_problem(name: str, chain: list[str]) -> str | None:
    """Why resolving ``name`` under ``chain`` would loop, or None."""
    looped = any(n.casefold() == name.casefold() for n in chain)
    if not looped and len(chain) < MAX_DEPTH:
        return None
    path = " → ".join([*chain, name])
    return (
        f"credential_process loop: {path}. A source profile of {name!r} runs xacct-gui "
        "--credential-process again; give the role a source that does not call back into xacct."
    )


def enter(name: str, environ: MutableMapping[str, str] | None = None) -> str | None:
    """Record ``name`` for child processes; returns the loop problem instead, if any."""
    env = os.environ if environ is None else environ
    chain = chain_from_env(env)
    problem = loop_problem(name, chain)
    if problem is None:
        env[CHAIN_ENV] = json.dumps([*chain, name])
    return problem


@contextmanager
def entered(name: str) -> Iterator[str | None]:
    """:func:`enter` for one command: ``os.environ`` is as before afterwards (main()
    may run several commands in one process)."""
    previous = os.environ.get(CHAIN_ENV)
    try:
        yield enter(name)
    finally:
        if previous is None:
            os.environ.pop(CHAIN_ENV, None)
        else:
            os.environ[CHAIN_ENV] = previous


def _aws_files(environ: Mapping[str, str]) -> list[Path]:
    home = Path.home()
    config = environ.get("AWS_CONFIG_FILE") or str(home / ".aws" / "config")
    credentials = environ.get("AWS_SHARED_CREDENTIALS_FILE") or str(home / ".aws" / "credentials")
    return [Path(config).expanduser(), Path(credentials).expanduser()]


def _profiles(environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Every profile's settings in the AWS config and credentials files."""
    profiles: dict[str, dict[str, str]] = {}
    for index, path in enumerate(_aws_files(environ)):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for section in parse_ini(text).sections:
            # The credentials file names profiles without the "profile " prefix.
            name = cli_profile_name(section.header) if index == 0 else section.header
            if name:
                profiles.setdefault(name, {}).update(section.values())
    return profiles


def source_calls_back(source_profile: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The ``credential_process`` of ``source_profile`` (or of a profile it takes its
    credentials from) when it runs xacct, else None."""
    profiles = _profiles(os.environ if environ is None else environ)
    seen: set[str] = set()
    name: str | None = source_profile
    while name and name not in seen and name in profiles:
        seen.add(name)
        settings = profiles[name]
        command = settings.get("credential_process", "")
        if _CALLS_XACCT.search(command):
            return command
        name = settings.get("source_profile")
    return None
