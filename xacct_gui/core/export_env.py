"""Hand a role's credentials to other tools: shell variables and ``credential_process``.

Two ways out of the app, both explicit user actions:

* ``env_exports``: lines to paste into bash/zsh, PowerShell or cmd that set
  ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN`` (and the
  region), quoted so each shell reads the values back byte for byte;
* ``credential_process_json``: the JSON document an AWS CLI profile's
  ``credential_process`` must print (``xacct-gui --credential-process NAME``,
  run by :mod:`xacct_gui.cli`).

Nothing here writes a file or touches ``os.environ``: the text goes to stdout
or to the clipboard (through the GUI's clipboard guard), nowhere else.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Literal

from .errors import ExportError
from .profiles import RoleProfile
from .validation import check_region

if TYPE_CHECKING:
    from .aws import AwsService
    from .credentials import RoleSession

Shell = Literal["bash", "powershell", "cmd"]
# What a menu shows for each shell, in the order it shows them.
SHELL_LABELS: dict[Shell, str] = {
    "bash": "bash / zsh",
    "powershell": "PowerShell",
    "cmd": "Command Prompt (cmd)",
}
CREDENTIAL_PROCESS_VERSION = 1

# PowerShell treats the typographic single quotes as quote characters too.
_POWERSHELL_QUOTES = ("'", "\u2018", "\u2019", "\u201a", "\u201b")
# Inside cmd's `set "NAME=value"` these still mean something (a quote ends the
# value, % and ! expand variables), and cmd has no escape for them that works
# both typed at the prompt and in a batch file.
_CMD_UNSAFE = ('"', "%", "!")


def _iso8601(moment: datetime) -> str:
    """``2024-05-29T00:21:43Z``: the form AWS's own documentation shows."""
    if moment.tzinfo is None:  # naive times in this app are UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def credential_process_json(session: RoleSession) -> str:
    """The ``credential_process`` output (Version 1) for ``session``.

    Temporary credentials carry ``SessionToken`` and ``Expiration`` so botocore
    refreshes them on time (by running the command again).
    """
    document: dict[str, object] = {
        "Version": CREDENTIAL_PROCESS_VERSION,
        "AccessKeyId": session.access_key_id,
        "SecretAccessKey": session.secret_access_key,
    }
    if session.session_token:
        document["SessionToken"] = session.session_token
        document["Expiration"] = _iso8601(session.expiration)
    return json.dumps(document)


def _check_value(name: str, value: str, shell: Shell) -> None:
    # A newline would end the command and turn the rest into another one.
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        raise ExportError(f"{name} contains a control character and cannot be exported.")
    if shell == "cmd" and any(ch in value for ch in _CMD_UNSAFE):
        raise ExportError(
            f"{name} contains a character cmd cannot take safely ({' '.join(_CMD_UNSAFE)}); "
            "use PowerShell instead."
        )


def _assign(shell: Shell, name: str, value: str) -> str:
    _check_value(name, value, shell)
    if shell == "bash":
        # Single quotes keep everything literal; a quote itself is closed, escaped, reopened.
        return f"export {name}='" + value.replace("'", "'\\''") + "'"
    if shell == "powershell":
        quoted = value
        for quote in _POWERSHELL_QUOTES:
            quoted = quoted.replace(quote, quote * 2)  # doubling is PowerShell's escape
        return f"$Env:{name} = '{quoted}'"
    # The quotes around NAME=value keep & | < > literal and leave no trailing space.
    return f'set "{name}={value}"'


def _unset(shell: Shell, name: str) -> str:
    if shell == "bash":
        return f"unset {name}"
    if shell == "powershell":
        return f"Remove-Item Env:{name} -ErrorAction SilentlyContinue"
    return f'set "{name}="'


def _comment(shell: Shell, text: str) -> str:
    # A line break in a label would start a new, uncommented command.
    text = "".join(" " if ord(ch) < 0x20 or ord(ch) == 0x7F else ch for ch in text)
    return f"rem {text}" if shell == "cmd" else f"# {text}"


def env_exports(
    session: RoleSession,
    shell: Shell,
    *,
    region: str | None = None,
    label: str | None = None,
) -> str:
    """Lines that set the AWS credential variables in ``shell`` (one per line).

    A comment names the role (``label``) and the session's expiry, so a pasted
    block still says what it is. Without a session token (long-term keys) any
    leftover ``AWS_SESSION_TOKEN`` is removed, since it would be sent with the keys.
    """
    if shell not in SHELL_LABELS:
        raise ExportError(f"Unknown shell {shell!r}; expected one of {', '.join(SHELL_LABELS)}.")
    lines: list[str] = []
    what = label or session.assumed_role_arn
    if session.session_token:
        lines.append(_comment(shell, f"{what}: expires {_iso8601(session.expiration)}"))
    else:
        lines.append(_comment(shell, what))
    lines.append(_assign(shell, "AWS_ACCESS_KEY_ID", session.access_key_id))
    lines.append(_assign(shell, "AWS_SECRET_ACCESS_KEY", session.secret_access_key))
    if session.session_token:
        lines.append(_assign(shell, "AWS_SESSION_TOKEN", session.session_token))
    else:
        lines.append(_unset(shell, "AWS_SESSION_TOKEN"))
    if region:
        if check_region(region) is not None:
            raise ExportError(f"{region!r} is not a region name.")
        # AWS_REGION for the SDKs and CLI v2, AWS_DEFAULT_REGION for CLI v1.
        lines.append(_assign(shell, "AWS_REGION", region))
        lines.append(_assign(shell, "AWS_DEFAULT_REGION", region))
    return "\n".join(lines) + "\n"


def exports_for(
    service: AwsService,
    profile: RoleProfile,
    shell: Shell,
    *,
    chain: tuple[RoleProfile, ...] = (),
    mfa_code: str | None = None,
) -> str:
    """The worker's whole job for "Copy credentials as environment variables": the
    profile's role session (cached or assumed) as ``shell`` lines, labelled like the
    banner ("Dev @ 222222222222"). Raises ``XacctError`` subclasses only."""
    session, _ = service.session_for(profile, mfa_code, chain)
    return env_exports(session, shell, region=profile.region, label=profile.banner_text)
