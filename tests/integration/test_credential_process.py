"""``xacct-gui --credential-process NAME`` as the AWS CLI and SDKs use it.

The key test hands the command to botocore itself: an AWS config profile with
``credential_process`` pointing at ``python -m xacct_gui``, resolved by a
botocore session that then lists the Dev account's buckets on the demo
emulator. botocore runs the command with this process's environment, which is
how the child finds the demo's source profile and endpoint.
"""

from __future__ import annotations

import configparser
import json
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.session
import keyring
import pytest
from botocore.credentials import RefreshableCredentials
from botocore.exceptions import CredentialRetrievalError

from tests.memory_keyring import MemoryKeyring
from xacct_gui.__main__ import main
from xacct_gui.core.keys import KeyCredentials, KeyVault, SignInKey
from xacct_gui.core.store import ProfileStore
from xacct_gui.demo import DemoEnvironment


def account_of(demo_env: DemoEnvironment, name: str) -> str:
    return next(p.account_id for p in demo_env.profiles if p.name == name)


@pytest.fixture
def demo_aws_env(demo_env: DemoEnvironment, monkeypatch: pytest.MonkeyPatch) -> DemoEnvironment:
    """The environment a user of the demo's AWS files would have (inherited by children)."""
    monkeypatch.setenv("AWS_CONFIG_FILE", demo_env.config_file)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", demo_env.credentials_file)
    monkeypatch.setenv("AWS_ENDPOINT_URL", demo_env.endpoint_url)
    monkeypatch.delenv("XACCT_GUI_CONFIG_DIR", raising=False)
    return demo_env


@pytest.fixture
def config_dir(tmp_path: Path, demo_env: DemoEnvironment) -> Path:
    directory = tmp_path / "xacct config"  # a space, so the command's quoting is exercised
    ProfileStore(directory).save(demo_env.profiles)
    return directory


def cli_session(tmp_path: Path, name: str, config_dir: Path) -> botocore.session.Session:
    """A botocore session on an AWS CLI profile whose credentials come from the app."""
    command = shlex.join(
        [
            sys.executable,
            "-m",
            "xacct_gui",
            "--credential-process",
            name,
            "--config-dir",
            str(config_dir),
        ]
    )
    config = tmp_path / "cli-config"
    config.write_text(
        f"[profile from-xacct]\ncredential_process = {command}\nregion = us-east-1\n",
        encoding="utf-8",
    )
    empty = tmp_path / "cli-credentials"
    empty.write_text("", encoding="utf-8")
    session = botocore.session.Session(profile="from-xacct")
    session.set_config_variable("config_file", str(config))
    session.set_config_variable("credentials_file", str(empty))
    return session


def test_botocore_resolves_the_profile_and_lists_the_dev_buckets(
    demo_aws_env: DemoEnvironment, config_dir: Path, tmp_path: Path
) -> None:
    session = cli_session(tmp_path, "Dev", config_dir)
    credentials = session.get_credentials()
    assert credentials is not None
    assert credentials.method == "custom-process"
    # With an Expiration botocore treats them as temporary and re-runs the command.
    assert isinstance(credentials, RefreshableCredentials)
    assert credentials.get_frozen_credentials().token

    s3: Any = session.create_client("s3")
    names = {bucket["Name"] for bucket in s3.list_buckets()["Buckets"]}
    assert names == set(demo_aws_env.buckets_by_account[account_of(demo_aws_env, "Dev")])


def test_botocore_shows_the_apps_one_line_error(
    demo_aws_env: DemoEnvironment, config_dir: Path, tmp_path: Path
) -> None:
    session = cli_session(tmp_path, "Audit-typo", config_dir)
    with pytest.raises(CredentialRetrievalError) as info:
        session.get_credentials()
    message = str(info.value)
    assert "no role profile named 'Audit-typo'" in message
    assert "Traceback" not in message


def test_prints_only_the_json_and_exits_0(
    demo_aws_env: DemoEnvironment, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config-dir", str(config_dir), "--credential-process", "Test"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    document = json.loads(out)
    assert set(document) == {
        "Version",
        "AccessKeyId",
        "SecretAccessKey",
        "SessionToken",
        "Expiration",
    }
    assert document["Version"] == 1
    assert document["Expiration"].endswith("Z")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """The process's keyring, as the app's KeyVault finds it, replaced by a dict."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def test_a_sign_in_key_from_the_keyring_works(
    demo_env: DemoEnvironment,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No AWS CLI profile at all: the source keys live only in the (OS) keyring."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", demo_env.endpoint_url)
    stored = configparser.ConfigParser()
    stored.read(demo_env.credentials_file)
    demo_keys = stored[demo_env.source_profile]
    config_dir = tmp_path / "xacct"
    KeyVault(config_dir).save(
        SignInKey("demo user"),
        KeyCredentials(demo_keys["aws_access_key_id"], demo_keys["aws_secret_access_key"]),
    )
    dev = next(p for p in demo_env.profiles if p.name == "Dev")
    ProfileStore(config_dir).save([dev.replace(name="Dev by key", source_key="demo user")])

    assert main(["--config-dir", str(config_dir), "--credential-process", "Dev by key"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    document = json.loads(out)

    # The printed credentials are the Dev role's: they see the Dev buckets.
    s3: Any = botocore.session.Session().create_client(
        "s3",
        region_name="us-east-1",
        endpoint_url=demo_env.endpoint_url,
        aws_access_key_id=document["AccessKeyId"],
        aws_secret_access_key=document["SecretAccessKey"],
        aws_session_token=document["SessionToken"],
    )
    names = {bucket["Name"] for bucket in s3.list_buckets()["Buckets"]}
    assert names == set(demo_env.buckets_by_account[dev.account_id])


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("No Such Role", "no role profile named 'No Such Role'"),
        ("Forbidden", "Not allowed to assume"),
    ],
)
def test_failures_are_one_line_and_exit_1(
    demo_aws_env: DemoEnvironment,
    config_dir: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    words: str,
) -> None:
    ProfileStore(config_dir).save([*demo_aws_env.profiles, demo_aws_env.forbidden_profile])
    assert main(["--config-dir", str(config_dir), "--credential-process", name]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and words in err
    assert "Traceback" not in err


def test_an_mfa_profile_says_it_cannot_prompt(
    demo_aws_env: DemoEnvironment, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dev = next(p for p in demo_aws_env.profiles if p.name == "Dev")
    serial = "arn:aws:iam::123456789012:mfa/demo-user"
    ProfileStore(config_dir).save([dev.replace(name="Dev MFA", mfa_serial=serial)])
    assert main(["--config-dir", str(config_dir), "--credential-process", "Dev MFA"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert "needs a code from MFA device" in err and serial in err
    assert "cannot ask for one" in err


def test_a_broken_role_chain_is_reported(
    demo_aws_env: DemoEnvironment, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dev = next(p for p in demo_aws_env.profiles if p.name == "Dev")
    ProfileStore(config_dir).save([dev.replace(name="Chained", source_role="Gone")])
    assert main(["--config-dir", str(config_dir), "--credential-process", "Chained"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Gone" in err


def test_it_does_not_combine_with_list_buckets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--credential-process", "Dev", "--list-buckets", "Dev"]) == 2
    assert "not both" in capsys.readouterr().err
