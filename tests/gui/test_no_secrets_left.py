"""A whole credentials session leaves no secret in a file, a log or the environment.

Flow, through the real window and dialogs: add a sign-in key (with an MFA
device) in the key editor, add two role profiles that use it, switch to one
(the MFA code is asked once), switch to the other (not asked again), refresh
the session, quit — with debug logging on. Then every file under the home
directory (which holds the config dir and ~/.aws) and the temp dir is scanned
for the long-term secret and for every temporary secret and session token the
stand-in issued. STS/S3 is tests/aws_stand_in.py because the moto emulator
cannot model MFA sessions; the keyring is the in-memory backend.
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from tests.aws_stand_in import StandIn
from tests.factories import make_profile
from tests.memory_keyring import MemoryKeyring
from xacct_gui.__main__ import configure_logging
from xacct_gui.core.aws import AwsService
from xacct_gui.core.keys import KeyVault
from xacct_gui.core.store import ProfileStore, StateStore
from xacct_gui.gui.keys_dialog import KeyEditDialog, SignInKeysDialog
from xacct_gui.gui.main_window import MainWindow
from xacct_gui.gui.workers import SwitchController

USER_KEY = "AKIASECRETSCAN000001"
USER_SECRET = "scanSecretAccessKeyForTheLeakTest/00000001"
SERIAL = "arn:aws:iam::111111111111:mfa/scanner"
WAIT_MS = 15_000


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    aws = home / ".aws"
    aws.mkdir(parents=True)
    (aws / "config").write_text("# my settings\n[default]\nregion = eu-west-1\n")
    (aws / "credentials").write_text("[other]\naws_access_key_id = AKIAOTHERPROFILE0001\n")
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(aws / "credentials"))
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    yield home


def files_under(*roots: Path) -> list[Path]:
    return [p for root in roots for p in root.rglob("*") if p.is_file()]


def test_full_session_leaves_no_secret_behind(
    qtbot: QtBot, home: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    aws_before = {p.name: p.read_bytes() for p in (home / ".aws").iterdir()}
    environ_before = dict(os.environ)
    config_dir = home / ".config" / "xacct-gui"
    log_stream = io.StringIO()
    handler = configure_logging(debug=True, stream=log_stream)
    caplog.set_level(logging.DEBUG)
    backend = MemoryKeyring()
    vault = KeyVault(config_dir, keyring_backend=lambda: backend)

    with StandIn(
        users={USER_KEY: "111111111111"},
        buckets={"222222222222": ["dev-one"], "333333333333": ["test-one"]},
    ) as stand_in:
        controller = SwitchController(
            lambda: AwsService(endpoint_url=stand_in.endpoint_url, keys=vault)
        )
        window = MainWindow(
            store=ProfileStore(config_dir),
            state=StateStore(config_dir),
            controller=controller,
            profiles=[],
            vault=vault,
        )
        qtbot.addWidget(window)
        window.show()
        try:
            # 1. The key, typed into the real key editor.
            editor = KeyEditDialog(window, vault=vault)
            qtbot.addWidget(editor)
            for name, text in (
                ("keyNameEdit", "scanner"),
                ("accessKeyIdEdit", USER_KEY),
                ("secretKeyEdit", USER_SECRET),
                ("keyMfaSerialEdit", SERIAL),
            ):
                field = editor.findChild(QLineEdit, name)
                assert field is not None, name
                qtbot.keyClicks(field, text)
            assert editor.ok_button.isEnabled(), editor.errors()
            editor.accept()
            entered = editor.value()
            keys_dialog = SignInKeysDialog(window, vault=vault, profiles_using=lambda n: [])
            qtbot.addWidget(keys_dialog)
            monkeypatch.setattr(keys_dialog, "run_key_editor", lambda existing: entered)
            keys_dialog.add_key()
            assert vault.get("scanner") is not None

            # 2. Two roles that use it; adding one switches to it, as a user expects.
            asked: list[str] = []

            def code(serial: str, profile_name: str) -> str:
                asked.append(profile_name)
                return "123456"

            monkeypatch.setattr(window.prompts, "ask_mfa_code", code)
            for name, account in (("Dev", "222222222222"), ("Test", "333333333333")):
                profile = make_profile(
                    name,
                    account_id=account,
                    role_name="Reader",
                    source_key="scanner",
                    color=None,
                    region=None,
                )
                monkeypatch.setattr(
                    window.profile_actions, "run_profile_dialog", lambda *a, p=profile: p
                )
                window.add_profile()
                qtbot.waitUntil(lambda: not controller.busy, timeout=WAIT_MS)

            # 3. Switching back and forth never asks again.
            window.switch_to("Dev")
            qtbot.waitUntil(lambda: window.bucket_model.rowCount() == 1, timeout=WAIT_MS)
            window.switch_to("Test")
            qtbot.waitUntil(
                lambda: [b.name for b in window.bucket_model.buckets()] == ["test-one"],
                timeout=WAIT_MS,
            )
            window.renew_session()
            qtbot.waitUntil(lambda: not controller.busy, timeout=WAIT_MS)
        finally:
            window.close()
            logging.getLogger().removeHandler(handler)

    # Dev was added first and switched to at once, so it asked; Test never did.
    assert asked == ["Dev"]
    assert stand_in.actions().count("GetSessionToken") == 1
    assert stand_in.actions().count("AssumeRole") >= 3  # Dev, Test, and the refresh

    secrets = {USER_SECRET, USER_KEY}
    for issued in stand_in.issued.values():
        secrets |= {issued.secret_access_key, issued.session_token}
    logs = log_stream.getvalue() + caplog.text
    assert "assumed" in logs  # debug logging really ran
    scanned = files_under(home, Path(tempfile.gettempdir()))
    assert any(p.name == "profiles.json" for p in scanned)
    for path in scanned:
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, f"{secret[:6]}… found in {path}"
    for secret in secrets:
        assert secret not in logs, f"{secret[:6]}… found in the logs"
        assert all(secret not in value for value in os.environ.values())
    assert dict(os.environ) == environ_before
    assert {p.name: p.read_bytes() for p in (home / ".aws").iterdir()} == aws_before
    assert logging.getLogger("botocore").getEffectiveLevel() >= logging.INFO
