"""The command-line contract (see "Command line" in docs/architecture.md) driven through
``main(argv)`` and a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from xacct_gui import __version__
from xacct_gui.__main__ import main
from xacct_gui.core.store import ProfileStore, StateStore
from xacct_gui.demo import DemoEnvironment
from xacct_gui.gui.main_window import MainWindow


def account_of(demo_env: DemoEnvironment, name: str) -> str:
    return next(p.account_id for p in demo_env.profiles if p.name == name)


def test_list_buckets_prints_one_name_per_line(
    demo_env: DemoEnvironment, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--demo", "--list-buckets", "Dev"]) == 0
    out, err = capsys.readouterr()
    assert set(out.split()) == set(demo_env.buckets_by_account[account_of(demo_env, "Dev")])
    assert err == ""


def test_list_buckets_json(demo_env: DemoEnvironment, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--demo", "--list-buckets", "Test", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert {item["name"] for item in items} == set(
        demo_env.buckets_by_account[account_of(demo_env, "Test")]
    )
    assert all(set(item) == {"name", "created", "region"} for item in items)
    assert all(datetime.fromisoformat(item["created"]).tzinfo is not None for item in items)


@pytest.mark.parametrize(
    ("name", "words"),
    [("Audit", "s3:ListAllMyBuckets"), ("No Such Role", "no role profile named")],
)
def test_list_buckets_failure_is_one_line_and_exit_1(
    demo_env: DemoEnvironment, capsys: pytest.CaptureFixture[str], name: str, words: str
) -> None:
    assert main(["--demo", "--list-buckets", name]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and words in err
    assert "Traceback" not in err


def test_standard_aws_environment_variables_are_honoured(
    demo_env: DemoEnvironment,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Without --demo the app finds the endpoint and source keys the way the AWS CLI does."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", demo_env.endpoint_url)
    monkeypatch.setenv("AWS_CONFIG_FILE", demo_env.config_file)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", demo_env.credentials_file)
    ProfileStore(tmp_path).save(demo_env.profiles)
    assert main(["--config-dir", str(tmp_path), "--list-buckets", "Prod"]) == 0
    out = capsys.readouterr().out.split()
    assert set(out) == set(demo_env.buckets_by_account[account_of(demo_env, "Prod")])


def test_config_dir_from_environment(
    demo_env: DemoEnvironment,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("XACCT_GUI_CONFIG_DIR", str(tmp_path))
    assert main(["--list-buckets", "Dev"]) == 1
    assert str(tmp_path / "profiles.json") in capsys.readouterr().err


def test_corrupt_profile_file_is_reported_and_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "profiles.json"
    path.write_text('{"version": 1, "profiles": [ oops')
    assert main(["--config-dir", str(tmp_path), "--list-buckets", "Dev"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not valid JSON" in err
    assert path.read_text() == '{"version": 1, "profiles": [ oops'


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_packaged_style_run_in_a_fresh_process(tmp_path: Path) -> None:
    """``python -m xacct_gui --demo --list-buckets`` in its own process: no traceback, exit 0."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    done = subprocess.run(
        [sys.executable, "-m", "xacct_gui", "--demo", "--list-buckets", "Prod"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.split()) == 300
    assert done.stderr == ""


def _close_when_switching(app: QApplication, seen: dict[str, object]) -> None:
    windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    # The demo's window shows at once; its profiles come once the emulator is ready.
    if not windows or not windows[0].profiles:
        QTimer.singleShot(20, lambda: _close_when_switching(app, seen))
        return
    window = windows[0]
    window.switch_to("Prod")
    seen["busy"] = window.controller.busy
    seen["thread"] = window.controller.worker_thread
    window.close()


def test_gui_main_reuses_the_app_and_exits_cleanly_mid_switch(
    qapp: QApplication,
    qtbot: QtBot,
    demo_env: DemoEnvironment,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_dir = tmp_path / "real-config"
    monkeypatch.setenv("XACCT_GUI_CONFIG_DIR", str(real_dir))
    seen: dict[str, object] = {}
    QTimer.singleShot(0, lambda: _close_when_switching(qapp, seen))
    assert main(["--demo"]) == 0
    assert seen["busy"] is True  # it really was closed mid-switch
    thread = seen["thread"]
    assert thread is not None and thread.isFinished()  # type: ignore[attr-defined]
    assert not real_dir.exists()  # the demo never touched the user's config dir


def test_gui_main_demo_with_config_dir_saves_demo_profiles(
    qapp: QApplication, qtbot: QtBot, demo_env: DemoEnvironment, tmp_path: Path
) -> None:
    seen: dict[str, object] = {}
    QTimer.singleShot(0, lambda: _close_when_switching(qapp, seen))
    assert main(["--demo", "--config-dir", str(tmp_path)]) == 0
    saved = ProfileStore(tmp_path).load().profiles
    assert [p.name for p in saved] == [p.name for p in demo_env.profiles]
    # The role chosen last is remembered for the next start (saved on close at the latest).
    assert StateStore(tmp_path).load()["last_profile"] == "Prod"
