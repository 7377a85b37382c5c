"""Credentials as shell variables and as credential_process JSON.

bash is run for real to prove its quoting round-trips awkward values byte for
byte; PowerShell and cmd are not installed on the test machines, so their
output is checked against each shell's documented quoting rules.
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.aws_stand_in import StandIn
from tests.memory_keyring import MemoryKeyring
from xacct_gui.core.aws import AwsService
from xacct_gui.core.credentials import RoleSession
from xacct_gui.core.errors import ExportError
from xacct_gui.core.export_env import (
    SHELL_LABELS,
    Shell,
    credential_process_json,
    env_exports,
    exports_for,
)
from xacct_gui.core.keys import KeyCredentials, KeyVault, SignInKey
from xacct_gui.core.profiles import RoleProfile

EXPIRATION = datetime(2031, 5, 29, 0, 21, 43, 512000, tzinfo=timezone.utc)
ACCESS_KEY = "ASIAEXPORTTEST000001"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEBYaDExampleSessionToken+/=" * 4


def role_session(**changes: Any) -> RoleSession:
    values: dict[str, Any] = {
        "access_key_id": ACCESS_KEY,
        "secret_access_key": SECRET,
        "session_token": TOKEN,
        "expiration": EXPIRATION,
        "issued": EXPIRATION - timedelta(hours=1),
        "assumed_role_arn": "arn:aws:sts::222222222222:assumed-role/DeveloperAccess/me",
    }
    values.update(changes)
    return RoleSession(**values)


# --- credential_process ---


def test_credential_process_json_has_every_field_botocore_reads() -> None:
    document = json.loads(credential_process_json(role_session()))
    assert document == {
        "Version": 1,
        "AccessKeyId": ACCESS_KEY,
        "SecretAccessKey": SECRET,
        "SessionToken": TOKEN,
        "Expiration": "2031-05-29T00:21:43Z",
    }


def test_expiration_is_utc_whatever_zone_the_session_carries() -> None:
    local = EXPIRATION.astimezone(timezone(timedelta(hours=5, minutes=30)))
    document = json.loads(credential_process_json(role_session(expiration=local)))
    parsed = datetime.fromisoformat(document["Expiration"].replace("Z", "+00:00"))
    assert parsed == EXPIRATION.replace(microsecond=0)


def test_long_term_keys_carry_no_token_and_no_expiration() -> None:
    document = json.loads(credential_process_json(role_session(session_token="")))
    assert set(document) == {"Version", "AccessKeyId", "SecretAccessKey"}


def test_credential_process_json_is_one_line() -> None:
    # botocore reads the whole of stdout; one line also keeps terminals tidy.
    assert "\n" not in credential_process_json(role_session())


# --- bash / zsh, run for real ---

AWKWARD = 'it\'s $HOME `id` \\n "q" !x * ~ ; & | < > #'


def run_bash(script: str, names: list[str]) -> list[str]:
    printer = " ".join(f'"${{{name}-<unset>}}"' for name in names)
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", f"{script}\nprintf '%s\\0' {printer}"],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "AWS_SESSION_TOKEN": "stale"},
    )
    return result.stdout.split("\0")[: len(names)]


def test_bash_exports_round_trip_exactly() -> None:
    text = env_exports(role_session(), "bash", region="eu-west-1", label="Dev @ 222222222222")
    names = [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
    ]
    assert run_bash(text, names) == [ACCESS_KEY, SECRET, TOKEN, "eu-west-1", "eu-west-1"]
    assert text.splitlines()[0] == "# Dev @ 222222222222: expires 2031-05-29T00:21:43Z"


def test_bash_quoting_keeps_awkward_values_literal() -> None:
    session = role_session(secret_access_key=AWKWARD, session_token="a'b''c'")
    text = env_exports(session, "bash")
    assert run_bash(text, ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]) == [AWKWARD, "a'b''c'"]


def test_bash_without_a_token_removes_a_stale_one() -> None:
    text = env_exports(role_session(session_token=""), "bash")
    assert "AWS_SESSION_TOKEN=" not in text
    assert run_bash(text, ["AWS_SESSION_TOKEN"]) == ["<unset>"]


def test_no_region_means_no_region_lines() -> None:
    for shell in SHELL_LABELS:
        assert "REGION" not in env_exports(role_session(), shell)


# --- PowerShell ---


def powershell_single_quoted(literal: str) -> str:
    """Read a PowerShell single-quoted string: any of the five quote characters,
    doubled, stands for itself; nothing else is special."""
    quotes = "'\u2018\u2019\u201a\u201b"
    assert literal[0] == "'" and literal[-1] == "'"
    body, out, i = literal[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch in quotes:
            assert i + 1 < len(body) and body[i + 1] in quotes, "an undoubled quote ends the string"
            i += 1
        out.append(ch)
        i += 1
    return "".join(out)


def test_powershell_lines() -> None:
    text = env_exports(role_session(), "powershell", region="ap-southeast-2")
    lines = text.splitlines()
    assert lines[0].startswith("# ") and "2031-05-29T00:21:43Z" in lines[0]
    assert lines[1:] == [
        f"$Env:AWS_ACCESS_KEY_ID = '{ACCESS_KEY}'",
        f"$Env:AWS_SECRET_ACCESS_KEY = '{SECRET}'",
        f"$Env:AWS_SESSION_TOKEN = '{TOKEN}'",
        "$Env:AWS_REGION = 'ap-southeast-2'",
        "$Env:AWS_DEFAULT_REGION = 'ap-southeast-2'",
    ]


def test_powershell_doubles_every_kind_of_single_quote() -> None:
    value = "a'b\u2019c\u2018d$e`f"
    text = env_exports(role_session(secret_access_key=value), "powershell")
    line = next(ln for ln in text.splitlines() if "AWS_SECRET_ACCESS_KEY" in ln)
    literal = line.split(" = ", 1)[1]
    assert powershell_single_quoted(literal) == value


def test_powershell_without_a_token_removes_a_stale_one() -> None:
    text = env_exports(role_session(session_token=""), "powershell")
    assert "Remove-Item Env:AWS_SESSION_TOKEN -ErrorAction SilentlyContinue" in text


# --- cmd ---


def test_cmd_lines() -> None:
    text = env_exports(role_session(), "cmd", region="eu-central-1", label="Prod")
    assert text.splitlines() == [
        "rem Prod: expires 2031-05-29T00:21:43Z",
        f'set "AWS_ACCESS_KEY_ID={ACCESS_KEY}"',
        f'set "AWS_SECRET_ACCESS_KEY={SECRET}"',
        f'set "AWS_SESSION_TOKEN={TOKEN}"',
        'set "AWS_REGION=eu-central-1"',
        'set "AWS_DEFAULT_REGION=eu-central-1"',
    ]


def test_cmd_keeps_shell_operators_inside_the_quotes() -> None:
    text = env_exports(role_session(secret_access_key="a&b|c<d>e^f"), "cmd")
    assert 'set "AWS_SECRET_ACCESS_KEY=a&b|c<d>e^f"' in text.splitlines()


@pytest.mark.parametrize("char", ['"', "%", "!"])
def test_cmd_refuses_what_it_cannot_quote(char: str) -> None:
    with pytest.raises(ExportError, match="PowerShell"):
        env_exports(role_session(secret_access_key=f"abc{char}def"), "cmd")


def test_cmd_without_a_token_empties_a_stale_one() -> None:
    assert 'set "AWS_SESSION_TOKEN="' in env_exports(role_session(session_token=""), "cmd")


# --- every shell ---


@pytest.mark.parametrize("shell", list(SHELL_LABELS))
@pytest.mark.parametrize("value", ["line\nbreak", "carriage\rreturn", "nul\x00"])
def test_control_characters_are_refused(shell: Shell, value: str) -> None:
    with pytest.raises(ExportError, match="control character"):
        env_exports(role_session(session_token=value), shell)


@pytest.mark.parametrize("shell", list(SHELL_LABELS))
def test_a_bad_region_is_refused(shell: Shell) -> None:
    with pytest.raises(ExportError, match="not a region"):
        env_exports(role_session(), shell, region="eu-west-1; rm -rf ~")


def test_unknown_shell() -> None:
    with pytest.raises(ExportError, match="Unknown shell"):
        env_exports(role_session(), "fish")  # type: ignore[arg-type]


def test_text_ends_with_a_newline_so_the_last_line_runs_when_pasted() -> None:
    for shell in SHELL_LABELS:
        assert env_exports(role_session(), shell).endswith("\n")


@pytest.mark.parametrize("shell", list(SHELL_LABELS))
def test_a_label_cannot_break_out_of_its_comment(shell: Shell) -> None:
    text = env_exports(role_session(), shell, label="Dev\nexport EVIL=1\r")
    assert len(text.splitlines()) == 4  # the comment and the three variables
    assert text.splitlines()[0].startswith(("# Dev export EVIL=1", "rem Dev export EVIL=1"))


def test_exports_for_a_profile_hold_the_issued_role_session(tmp_path: Path) -> None:
    """The worker's job: assume the role (STS stand-in) and write its session for bash."""
    backend = MemoryKeyring()
    vault = KeyVault(tmp_path, keyring_backend=lambda: backend)
    user_key = "AKIASTANDINUSER00001"
    vault.save(
        SignInKey("alice"), KeyCredentials(user_key, "standInSecretKeyForTestsOnly0000000001")
    )
    dev = RoleProfile(
        name="Dev",
        account_id="222222222222",
        role_name="Dev",
        source_key="alice",
        region="eu-west-1",
    )
    with StandIn(users={user_key: "111111111111"}) as sts:
        service = AwsService(endpoint_url=sts.endpoint_url, keys=vault, max_attempts=1)
        text = exports_for(service, dev, "bash")
        [issued] = sts.issued.values()
    assert text.splitlines()[0].startswith("# Dev @ 222222222222: expires ")
    names = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION"]
    assert run_bash(text, names) == [
        issued.access_key_id,
        issued.secret_access_key,
        issued.session_token,
        "eu-west-1",
    ]
