"""--credential-process calling back into itself: the README's own recipe used as the
source of the role it serves. Real processes: botocore runs the command, as the AWS
CLI would."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.factories import make_profile
from xacct_gui.core.callback_loop import enter, loop_problem, source_calls_back
from xacct_gui.core.store import ProfileStore
from xacct_gui.gui.profile_dialog import ProfileDialog
from xacct_gui.gui.source_chooser import SourceChooser

ROOT = Path(__file__).resolve().parents[2]
FLAGS = ("--credential-process", "Dev")


def recipe(config_dir: Path) -> str:
    command = [sys.executable, "-m", "xacct_gui", "--config-dir", str(config_dir)]
    return shlex.join([*command, "--credential-process", "Dev"])


def test_a_credential_process_loop_fails_fast_with_one_line_naming_it(
    tmp_path: Path, isolated_aws_files: Path
) -> None:
    (isolated_aws_files / "config").write_text(
        f"[profile cli]\ncredential_process = {recipe(tmp_path)}\n"
    )
    ProfileStore(tmp_path).save([make_profile(name="Dev", source_profile="cli")])
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "xacct_gui", "--config-dir", str(tmp_path), *FLAGS],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert time.monotonic() - started < 30
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "credential_process loop: Dev → Dev" in lines[0]


def test_the_chain_is_recorded_and_a_repeat_refused() -> None:
    env: dict[str, str] = {}
    assert enter("Dev", env) is None
    assert enter("Ops", env) is None
    problem = enter("dev", env)
    assert problem is not None and "Dev → Ops → dev" in problem
    assert loop_problem("X", [f"p{i}" for i in range(8)]) is not None  # too deep


def test_the_profile_dialog_warns_about_a_source_that_calls_back(
    qtbot: QtBot, tmp_path: Path, isolated_aws_files: Path
) -> None:
    (isolated_aws_files / "config").write_text(
        "[profile cli]\ncredential_process = xacct-gui --credential-process Dev\n"
        "[profile via]\nsource_profile = cli\nrole_arn = arn:aws:iam::111111111111:role/x\n"
        "[profile plain]\nregion = eu-west-1\n"
    )
    assert source_calls_back("via") == "xacct-gui --credential-process Dev"
    assert source_calls_back("plain") is None
    dialog = ProfileDialog(aws_profiles=["cli", "plain", "via"])
    qtbot.addWidget(dialog)
    dialog.show()
    chooser = dialog.findChild(SourceChooser)
    assert chooser is not None
    chooser.profile_combo.setCurrentText("plain")
    assert not chooser.loop_warning.isVisible()
    chooser.profile_combo.setCurrentText("via")
    assert chooser.loop_warning.isVisible()
    assert "xacct-gui --credential-process Dev" in chooser.loop_warning.text()
