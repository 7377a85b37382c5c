"""Identity Center profiles end to end: ``--sso-sync``, buckets, chaining, credential_process.

moto has no ``sso-oidc`` or ``sso`` portal, so those come from the local stand-in
(``tests/sso_stand_in.py``, the real wire format); STS and S3 are the demo's moto
server. The stand-in's GetRoleCredentials hands out credentials minted by moto's
STS (an AssumeRole by the demo user, as the real portal hands out a role session),
so S3 accepts them with IAM enforcement on. The browser is a script given through
``BROWSER``: it loads the authorize page, which approves and redirects to the app.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import botocore.session
import keyring
import pytest

from tests.sso_stand_in import SsoStandIn, WindowsSizedKeyring
from xacct_gui.__main__ import main
from xacct_gui.app import Launch
from xacct_gui.core.profiles import resolve_chain
from xacct_gui.core.store import ProfileStore
from xacct_gui.demo import DemoEnvironment
from xacct_gui.demo.approval import minter as demo_minter
from xacct_gui.demo.plan import SOURCE_ACCOUNT

START_URL = "https://d-1234567890.awsapps.com/start"
BROWSER_SCRIPT = """\
import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=20).read()
"""


def demo_profile(demo_env: DemoEnvironment, name: str) -> Any:
    return next(p for p in demo_env.profiles if p.name == name)


def minter(demo_env: DemoEnvironment) -> Any:
    """(account, role) -> portal-shaped credentials, from moto's STS as the demo user."""
    assume = demo_minter(demo_env, session_name="sso-user")

    def mint(account_id: str, role_name: str) -> dict[str, Any]:
        if account_id != SOURCE_ACCOUNT:
            return assume(account_id, role_name)
        # moto does not authenticate GetSessionToken's credentials, so the hub role
        # hands out the demo user's own keys (the "session token" moto then ignores).
        session = botocore.session.Session(profile=demo_env.source_profile)
        session.set_config_variable("config_file", demo_env.config_file)
        session.set_config_variable("credentials_file", demo_env.credentials_file)
        frozen = session.get_credentials().get_frozen_credentials()
        expiration = datetime.now(timezone.utc) + timedelta(hours=1)
        return {
            "accessKeyId": frozen.access_key,
            "secretAccessKey": frozen.secret_key,
            "sessionToken": "",
            "expiration": int(expiration.timestamp() * 1000),
        }

    return mint


@pytest.fixture
def idc(demo_env: DemoEnvironment, monkeypatch: pytest.MonkeyPatch) -> Iterator[SsoStandIn]:
    dev, prod = demo_profile(demo_env, "Dev"), demo_profile(demo_env, "Prod")
    accounts = {
        dev.account_id: {"name": "shop-dev", "email": "dev@example.com", "roles": [dev.role_name]},
        prod.account_id: {
            "name": "shop-prod",
            "email": "prod@example.com",
            "roles": [prod.role_name],
        },
        SOURCE_ACCOUNT: {"name": "identity", "email": "id@example.com", "roles": ["Hub"]},
    }
    with SsoStandIn(accounts=accounts, mint_credentials=minter(demo_env)) as stand_in:
        monkeypatch.setenv("AWS_ENDPOINT_URL", demo_env.endpoint_url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", stand_in.endpoint_url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", stand_in.endpoint_url)
        yield stand_in


@pytest.fixture
def vault(monkeypatch: pytest.MonkeyPatch) -> Iterator[WindowsSizedKeyring]:
    backend = WindowsSizedKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    script = tmp_path / "browser.py"
    script.write_text(BROWSER_SCRIPT)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("BROWSER", f"{sys.executable} {script}")
    return script


def sync(config: Path, *extra: str) -> int:
    return main(
        ["--config-dir", str(config), "--sso-sync", START_URL, "--sso-region", "eu-west-1", *extra]
    )


def test_sso_sync_signs_in_through_browser_then_lists_buckets(
    idc: SsoStandIn,
    vault: WindowsSizedKeyring,
    browser: Path,
    demo_env: DemoEnvironment,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "config"
    assert sync(config) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert sorted(out.splitlines()) == [
        "added: identity / Hub",
        f"added: shop-dev / {demo_profile(demo_env, 'Dev').role_name}",
        f"added: shop-prod / {demo_profile(demo_env, 'Prod').role_name}",
    ]
    assert idc.calls["Authorize"] == 1
    saved = {p.name: p for p in ProfileStore(config).load().profiles}
    dev = saved[f"shop-dev / {demo_profile(demo_env, 'Dev').role_name}"]
    assert dev.sso_start_url == START_URL and dev.sso_region == "eu-west-1"
    assert dev.region == "eu-west-1" and dev.color == "green"
    assert saved[f"shop-prod / {demo_profile(demo_env, 'Prod').role_name}"].color == "red"

    # Buckets of the Identity Center role, without any browser.
    os.environ["BROWSER"] = "false"
    assert main(["--config-dir", str(config), "--list-buckets", dev.name]) == 0
    out, err = capsys.readouterr()
    assert set(out.split()) == set(demo_env.buckets_by_account[dev.account_id]) and err == ""
    assert idc.calls["Authorize"] == 1

    # A second sync reuses the stored session: no browser, every profile "updated".
    assert sync(config) == 0
    out, _ = capsys.readouterr()
    assert sorted(out.splitlines())[0].startswith("updated: ") and len(out.splitlines()) == 3
    assert idc.calls["Authorize"] == 1


def test_resync_keeps_user_edits_and_marks_gone_roles(
    idc: SsoStandIn,
    vault: WindowsSizedKeyring,
    browser: Path,
    demo_env: DemoEnvironment,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "config"
    assert sync(config) == 0
    capsys.readouterr()
    store = ProfileStore(config)
    profiles = list(store.load().profiles)
    hub = next(p for p in profiles if p.account_id == SOURCE_ACCOUNT)
    edited = hub.replace(name="My hub", color="#123456", region="ap-southeast-2")
    profiles[profiles.index(hub)] = edited
    store.save(profiles)
    dev_account = demo_profile(demo_env, "Dev").account_id
    del idc.accounts[dev_account]  # access to the dev account was taken away

    assert sync(config) == 0
    out, _ = capsys.readouterr()
    lines = out.splitlines()
    assert "updated: My hub" in lines
    assert [line for line in lines if line.startswith("gone: ")] == [
        f"gone: shop-dev / {demo_profile(demo_env, 'Dev').role_name}"
    ]
    after = {p.name: p for p in ProfileStore(config).load().profiles}
    assert after["My hub"].color == "#123456" and after["My hub"].region == "ap-southeast-2"
    gone = after[f"shop-dev / {demo_profile(demo_env, 'Dev').role_name}"]
    assert gone.sso_gone is True  # marked, not deleted
    assert len(after) == 3


def test_chained_role_with_external_id_and_credential_process(
    idc: SsoStandIn,
    vault: WindowsSizedKeyring,
    browser: Path,
    demo_env: DemoEnvironment,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "config"
    assert sync(config) == 0
    capsys.readouterr()
    store = ProfileStore(config)
    profiles = list(store.load().profiles)
    test = demo_profile(demo_env, "Test")
    assert test.external_id
    chained = test.replace(
        name="Test via hub",
        source_profile="default",
        source_role="identity / Hub",
        duration_seconds=7200,
        session_name="sso-chain",
    )
    store.save([*profiles, chained])

    assert main(["--config-dir", str(config), "--list-buckets", "Test via hub"]) == 0
    out, err = capsys.readouterr()
    assert set(out.split()) == set(demo_env.buckets_by_account[test.account_id]), err

    assert main(["--config-dir", str(config), "--credential-process", "Test via hub"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["Version"] == 1 and document["AccessKeyId"]

    # The window's path: the chain is capped at one hour, with the reason, and the
    # AssumeRole carries the ExternalId and session name.
    launch = Launch(config_dir=config, demo=False)
    service = launch.make_service()
    sent: list[dict[str, Any]] = []
    service._clients.base.register(
        "provide-client-params.sts.AssumeRole", lambda params, **_: sent.append(dict(params))
    )
    loaded = launch.store.load().profiles
    target = next(p for p in loaded if p.name == "Test via hub")
    result = service.switch(target, chain=resolve_chain(target, loaded))
    assert result.identity_arn.endswith("/sso-chain")
    assert any("at most 1 hour" in note for note in result.notes)
    assert sent[-1]["ExternalId"] == test.external_id and sent[-1]["DurationSeconds"] == 3600
    launch.close()


def test_without_a_session_headless_commands_say_sign_in_from_the_app(
    idc: SsoStandIn,
    vault: WindowsSizedKeyring,
    browser: Path,
    demo_env: DemoEnvironment,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "config"
    assert sync(config) == 0
    capsys.readouterr()
    name = next(p.name for p in ProfileStore(config).load().profiles if p.sso_start_url)
    idc.revoke_refresh_tokens()
    idc.expire_access_tokens()
    vault.entries = {k: v for k, v in vault.entries.items() if not k[1].endswith(":token")}
    for command in ("--list-buckets", "--credential-process"):
        assert main(["--config-dir", str(config), command, name]) == 1
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1
        assert "Sign in from the app" in err and "Traceback" not in err
    assert idc.calls["Authorize"] == 1  # no browser was opened


def test_device_code_prints_url_and_code_on_stderr(
    idc: SsoStandIn,
    vault: WindowsSizedKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("BROWSER", "false")
    idc.device_pending_polls = 1
    assert sync(tmp_path / "config", "--device-code") == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 3
    assert "user_code=" in err and "confirm the code" in err and err.count("\n") == 1
    assert idc.calls["Authorize"] == 0


@pytest.mark.parametrize(
    ("url", "region", "words"),
    [
        ("https://example.com/start", "eu-west-1", "not an IAM Identity Center portal"),
        (START_URL, None, "does not show its region"),
    ],
)
def test_sso_sync_failure_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str, region: str | None, words: str
) -> None:
    argv = ["--config-dir", str(tmp_path), "--sso-sync", url]
    if region:
        argv += ["--sso-region", region]
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and words in err
    assert not (tmp_path / "profiles.json").exists()


def test_sso_sync_refuses_an_unreadable_profile_file_before_signing_in(
    idc: SsoStandIn, vault: WindowsSizedKeyring, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "profiles.json").write_text('{"version": 99, "profiles": []}')
    assert sync(config) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "newer xacct" in err
    assert idc.calls["RegisterClient"] == 0
    assert (config / "profiles.json").read_text() == '{"version": 99, "profiles": []}'
