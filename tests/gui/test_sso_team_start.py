"""A team file reaches the sign-in without the menu: baked into the frozen app (a first
run starts there) or dropped onto the window.

Real parts: the main window on the demo's moto server; the sign-in dialog is
recorded instead of run (what it would do is covered in test_sso_window.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.conftest import WAIT_MS
from xacct_gui.app import Launch
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.sso.team import BUNDLED_TEAM_NAME
from xacct_gui.core.store import LoadResult
from xacct_gui.gui.main_window import MainWindow
from xacct_gui.gui.sso_dialog import SignInDialog

START_URL = "https://d-1234567890.awsapps.com/start"
TEAM = {"xacct_team": 1, "organisation": "Acme", "start_url": START_URL, "region": "eu-west-1"}


@pytest.fixture
def profiles() -> tuple[RoleProfile, ...]:
    return ()  # first run


@pytest.fixture
def opened(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sign-in dialogs shown, as "start URL|organisation"; each is cancelled."""
    seen: list[str] = []

    def run(dialog: SignInDialog) -> bool:
        seen.append(f"{dialog.url_edit.text()}|{dialog.org_edit.text()}")
        return False

    monkeypatch.setattr(window.sso_actions, "run_dialog", run)
    return seen


def frozen_with_team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Pretend to be the frozen app whose resources hold a baked-in team file."""
    resources = tmp_path / "resources"
    resources.mkdir()
    (resources / BUNDLED_TEAM_NAME).write_text(json.dumps(TEAM), encoding="utf-8")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(resources), raising=False)
    return resources


def test_a_first_run_of_an_app_built_with_a_team_starts_on_its_sign_in(
    qtbot: QtBot,
    window: MainWindow,
    opened: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frozen_with_team(tmp_path, monkeypatch)
    launch = Launch(config_dir=tmp_path / "config", demo=False)
    launch._open_with(window, LoadResult(profiles=(), problems=()))
    qtbot.waitUntil(lambda: opened == [f"{START_URL}|Acme"], timeout=WAIT_MS)


def test_an_app_built_with_a_team_opens_on_the_profiles_once_there_are_some(
    qtbot: QtBot,
    window: MainWindow,
    opened: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frozen_with_team(tmp_path, monkeypatch)
    saved = RoleProfile(name="Mine", account_id="123456789012", role_name="Admin")
    launch = Launch(config_dir=tmp_path / "config", demo=False)
    launch._open_with(window, LoadResult(profiles=(saved,), problems=()))
    qtbot.wait(200)
    assert opened == []


def drag_events(path: Path) -> tuple[QDragEnterEvent, QDropEvent, QMimeData]:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.CopyAction, mime, buttons, mods)
    drop = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, buttons, mods)
    return enter, drop, mime  # the mime data must outlive the events


def test_a_team_file_dropped_on_the_window_opens_its_sign_in(
    qtbot: QtBot, window: MainWindow, opened: list[str], tmp_path: Path
) -> None:
    good = tmp_path / "team.json"
    good.write_text(json.dumps(TEAM), encoding="utf-8")
    enter, drop, _mime = drag_events(good)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(window, drop)
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: opened == [f"{START_URL}|Acme"], timeout=WAIT_MS)


def test_a_bad_file_dropped_on_the_window_says_why_and_changes_nothing(
    qtbot: QtBot, window: MainWindow, opened: list[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**TEAM, "start_url": "https://example.com"}), encoding="utf-8")
    enter, drop, _mime = drag_events(bad)
    QApplication.sendEvent(window, enter)  # as a real drag does: Qt takes no drop before it
    QApplication.sendEvent(window, drop)
    qtbot.waitUntil(lambda: "not an IAM Identity Center portal" in window.file_warning.text())
    assert opened == [] and window.book.profiles == []


def test_a_web_link_is_not_taken_as_a_team_file(window: MainWindow) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl("https://example.com/team.json")])
    enter = QDragEnterEvent(
        QPoint(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter.ignore()
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()


def test_identity_centers_of_the_aws_cli_config_are_offered_for_sign_in(
    qtbot: QtBot,
    window: MainWindow,
    opened: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = tmp_path / "aws-config"
    window.profile_actions.aws_config_path = config
    window.action("sso_from_cli").trigger()
    assert "There is no AWS config file at" in window.file_warning.text() and opened == []

    config.write_text("[profile keys]\nregion = eu-west-1\n", encoding="utf-8")
    window.action("sso_from_cli").trigger()
    assert "No IAM Identity Center to sign in to" in window.file_warning.text()
    assert opened == []

    config.write_text(
        "[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\n"
        "sso_region = eu-west-1\n"
        "[sso-session other]\nsso_start_url = https://d-1234567890.awsapps.com/start\n"
        "sso_region = us-east-1\n",
        encoding="utf-8",
    )
    offered: list[list[str]] = []

    def choose(labels: list[str]) -> int | None:
        offered.append(labels)
        return 1

    monkeypatch.setattr(window.sso_actions, "choose_instance", choose)
    window.action("sso_from_cli").trigger()
    assert offered == [
        [
            "acme — https://acme.awsapps.com/start",
            f"other — {START_URL}",
        ]
    ]
    assert opened == [f"{START_URL}|other"]
