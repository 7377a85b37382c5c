"""Names and AWS data are drawn as plain text: markup in a profile's name must not
hide the account it is in (the banner exists to show which account you are in)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from tests.factories import make_profile
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.demo import DemoEnvironment
from xacct_gui.gui.main_window import MainWindow
from xacct_gui.gui.role_switcher import RoleSwitcher
from xacct_gui.gui.widgets.plain_text import plain_tooltip

HOSTILE = "Dev @ 111111111111<font color=#83d4e8>"


@pytest.fixture
def profiles(demo_env: DemoEnvironment) -> tuple[RoleProfile, ...]:
    dev = next(p for p in demo_env.profiles if p.name == "Dev")
    return (
        dev.replace(name=HOSTILE, color="blue", role_name="team/<b>x</b>/Dev"),
        *demo_env.profiles[1:],
    )


def shown_text(label: QLabel) -> str:
    """What the label draws: its text as such when plain, the rendered text otherwise."""
    if label.textFormat() == Qt.TextFormat.PlainText:
        return label.text()
    document = QTextDocument()
    document.setHtml(label.text())
    return document.toPlainText()


def test_the_banner_shows_the_hostile_name_exactly(qtbot: QtBot, window: MainWindow) -> None:
    window.switch_to(HOSTILE)
    banner = window.findChild(QLabel, "roleBanner")
    assert banner is not None
    qtbot.waitUntil(lambda: HOSTILE in banner.text())
    profile = next(p for p in window.profiles if p.name == HOSTILE)
    assert shown_text(banner).startswith(f"{HOSTILE} @ {profile.account_id}")
    tip = QTextDocument()
    tip.setHtml(banner.toolTip())
    assert tip.toPlainText().startswith(profile.role_arn)


def test_labels_and_tooltips_with_data_are_plain(qtbot: QtBot, window: MainWindow) -> None:
    window.switch_to(HOSTILE)
    for name in ("errorBannerText", "identityLabel", "expiryLabel", "bucketCount"):
        label = window.findChild(QLabel, name)
        assert label is not None and label.textFormat() == Qt.TextFormat.PlainText, name
    switcher = window.findChild(RoleSwitcher, "roleSwitcher")
    assert switcher is not None
    profile = next(p for p in window.profiles if p.name == HOSTILE)
    row = switcher.findText(profile.label)
    tooltip = switcher.itemData(row, Qt.ItemDataRole.ToolTipRole)
    document = QTextDocument()
    document.setHtml(tooltip)
    assert document.toPlainText() == profile.role_arn


def test_plain_tooltip_round_trips() -> None:
    text = "arn:aws:iam::1:role/<b>x</b>/y\nline two &amp;"
    document = QTextDocument()
    document.setHtml(plain_tooltip(text))
    assert document.toPlainText() == text


def test_questions_are_plain_text(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from xacct_gui.gui.widgets import plain_text

    seen: list[Qt.TextFormat] = []
    monkeypatch.setattr(
        QMessageBox,
        "exec",
        lambda box: seen.append(box.textFormat()) or QMessageBox.StandardButton.No,
    )
    assert not plain_text.ask(None, "Delete?", f"Delete {HOSTILE}?")
    plain_text.warn(None, "Oops", HOSTILE)
    assert seen == [Qt.TextFormat.PlainText, Qt.TextFormat.PlainText]
    assert make_profile(HOSTILE).name == HOSTILE  # a valid display name, as the issue says
