"""A hostile or broken endpoint: what its answers may and may not reach.

The moto emulator always answers well-formed XML, so the unparsable answer comes from
the local STS stand-in (tests/aws_stand_in.py), which speaks the real query protocol
over loopback: here its AssumeRole answers 200 with a body that is not XML and that
holds a secret, as a broken proxy or a hostile endpoint could.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.aws_stand_in import Recorded, StandIn
from tests.factories import make_profile
from xacct_gui.core.aws import AwsService
from xacct_gui.core.errors import MAX_MESSAGE_CHARS
from xacct_gui.core.store import ProfileStore, StateStore
from xacct_gui.gui.main_window import MainWindow
from xacct_gui.gui.workers import SwitchController

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzSECRETKEY"
ACCESS_KEY = "AKIAHOSTILETEST00001"
ROOT = Path(__file__).resolve().parents[2]


def unparsable(_: Recorded) -> tuple[int, str]:
    # Looks like the start of an AssumeRole answer, then breaks off: botocore's
    # ResponseParserError then carries the whole body.
    body = f"<AssumeRoleResponse><Credentials><SecretAccessKey>{SECRET}</SecretAccessKey><"
    return 200, body + "x" * 200_000


@pytest.fixture
def hostile(tmp_path: Path, isolated_aws_files: Path) -> Iterator[StandIn]:
    (isolated_aws_files / "credentials").write_text(
        f"[default]\naws_access_key_id = {ACCESS_KEY}\n"
        "aws_secret_access_key = abcdefghijklmnopqrstuvwxyz0123456789ABCD\n"
    )
    with StandIn(users={ACCESS_KEY: "111111111111"}, override=unparsable) as aws:
        ProfileStore(tmp_path).save([make_profile(name="Dev", source_profile="default")])
        yield aws


def run_cli(tmp_path: Path, endpoint: str, *flags: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "xacct_gui", "--config-dir", str(tmp_path), *flags],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.mark.parametrize("flag", ["--credential-process", "--list-buckets"])
def test_an_unparsable_answer_never_reaches_stderr(
    hostile: StandIn, tmp_path: Path, flag: str
) -> None:
    done = run_cli(tmp_path, hostile.endpoint_url, flag, "Dev")
    assert done.returncode == 1
    assert SECRET not in done.stderr and SECRET not in done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "cannot read" in lines[0]
    assert len(lines[0]) < MAX_MESSAGE_CHARS + 50


def test_an_unparsable_answer_never_reaches_the_error_banner(
    qtbot: QtBot, hostile: StandIn, tmp_path: Path
) -> None:
    def service() -> AwsService:
        return AwsService(endpoint_url=hostile.endpoint_url, max_attempts=1)

    controller = SwitchController(service)
    store = ProfileStore(tmp_path)
    win = MainWindow(
        store=store,
        state=StateStore(tmp_path),
        controller=controller,
        profiles=store.load().profiles,
    )
    qtbot.addWidget(win)
    win.show()
    try:
        with qtbot.waitSignal(controller.switch_failed, timeout=20_000):
            win.switch_to("Dev")
        banner = win.error_banner
        qtbot.waitUntil(banner.isVisible)
        assert SECRET not in banner.text()
        assert "cannot read" in banner.text()
    finally:
        win.close()
        controller.shutdown()
        controller.deleteLater()


def test_an_identity_center_source_without_a_token_says_how_to_sign_in(
    tmp_path: Path, isolated_aws_files: Path
) -> None:
    (isolated_aws_files / "config").write_text(
        "[profile corp]\nsso_session = corp\nsso_account_id = 111111111111\n"
        "sso_role_name = Admin\nregion = eu-west-1\n"
        "[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\n"
        "sso_region = eu-west-1\n"
    )
    ProfileStore(tmp_path).save([make_profile(name="Dev", source_profile="corp")])
    env_home = {"HOME": str(isolated_aws_files)}  # no ~/.aws/sso/cache of the developer's
    for flag in ("--credential-process", "--list-buckets"):
        done = subprocess.run(
            [sys.executable, "-m", "xacct_gui", "--config-dir", str(tmp_path), flag, "Dev"],
            capture_output=True,
            text=True,
            env={**os.environ, **env_home, "PYTHONPATH": str(ROOT)},
            timeout=60,
        )
        assert done.returncode == 1
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr  # no botocore WARNING, no traceback
        assert "aws sso login --profile corp" in lines[0]
