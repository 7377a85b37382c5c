"""The tray: recent roles menu, tooltip with time left, and no icon where there is no tray."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtWidgets import QSystemTrayIcon, QWidget
from pytestqt.qtbot import QtBot

from tests.factories import make_profile
from xacct_gui.gui.tray import RoleTray, describe_time_left, tray_tooltip

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
DEV = make_profile("Dev")
TEST = make_profile("Test", account_id="333333333333", role_name="QA", color="yellow")
PROD = make_profile("Prod", account_id="444444444444", role_name="Admin", color="#aa0000")


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def tray(window: QWidget) -> Iterator[RoleTray]:
    # Built as on a platform without a tray: everything but the icon itself works.
    role_tray = RoleTray(window, available=False)
    yield role_tray
    role_tray.hide()


def menu_texts(tray: RoleTray) -> list[str]:
    return [a.text() if not a.isSeparator() else "---" for a in tray.menu.actions()]


# --- tooltip text ---


def test_tooltip_shows_role_account_and_minutes_left() -> None:
    assert (
        tray_tooltip(DEV, NOW + timedelta(minutes=42, seconds=30), NOW)
        == "Dev @ 222222222222 — session ends in 42 min"
    )


@pytest.mark.parametrize(
    ("left", "text"),
    [
        (timedelta(hours=1, minutes=5, seconds=59), "session ends in 1 h 05 min"),
        (timedelta(hours=12), "session ends in 12 h 00 min"),
        (timedelta(minutes=59, seconds=59), "session ends in 59 min"),
        (timedelta(seconds=59), "session ends in under a minute"),
        (timedelta(0), "session ended"),
        (timedelta(minutes=-3), "session ended"),
    ],
)
def test_time_left_wording(left: timedelta, text: str) -> None:
    assert describe_time_left(NOW + left, NOW) == text


def test_tooltip_without_a_session_or_role() -> None:
    assert tray_tooltip(None, None, NOW) == "xacct — no role selected"
    assert tray_tooltip(PROD, None, NOW) == "Prod @ 444444444444"  # while switching


# --- the menu ---


def test_menu_lists_recent_roles_with_swatches_then_show_and_quit(tray: RoleTray) -> None:
    tray.set_recent([PROD, DEV, TEST])
    assert menu_texts(tray) == [
        "Recent roles",
        PROD.label,
        DEV.label,
        TEST.label,
        "---",
        "Show window",
        "Quit",
    ]
    assert not tray.menu.actions()[0].isEnabled()  # the heading is not an entry
    for action, profile in zip(tray.recent_actions(), (PROD, DEV, TEST), strict=True):
        assert action.data() == profile.name
        colour = action.icon().pixmap(16, 16).toImage().pixelColor(8, 8).name()
        assert colour == profile.color_hex


def test_menu_without_history_says_so(tray: RoleTray) -> None:
    texts = menu_texts(tray)
    assert texts == ["No recent roles yet", "---", "Show window", "Quit"]
    assert not tray.menu.actions()[0].isEnabled()


def test_menu_is_rebuilt_when_the_history_changes(tray: RoleTray) -> None:
    tray.set_recent([DEV])
    tray.set_recent([TEST, DEV])
    assert menu_texts(tray)[1:3] == [TEST.label, DEV.label]
    assert len(tray.recent_actions()) == 2


def test_choosing_a_recent_role_emits_its_name(qtbot: QtBot, tray: RoleTray) -> None:
    tray.set_recent([PROD, DEV])
    with qtbot.waitSignal(tray.chosen) as blocker:
        tray.recent_actions()[1].trigger()
    assert blocker.args == ["Dev"]
    with qtbot.waitSignal(tray.show_window_requested):
        tray.show_action.trigger()
    with qtbot.waitSignal(tray.quit_requested):
        tray.quit_action.trigger()


def test_active_role_is_checked_and_named_in_the_tooltip(qtbot: QtBot, tray: RoleTray) -> None:
    tray.set_recent([PROD, DEV])
    tray.set_active(DEV, NOW + timedelta(minutes=42))
    assert [a.isChecked() for a in tray.recent_actions()] == [False, True]
    assert tray.refresh(NOW) == "Dev @ 222222222222 — session ends in 42 min"
    assert tray.tooltip() == "Dev @ 222222222222 — session ends in 42 min"
    # Time passes: refresh recomputes what is left.
    assert tray.refresh(NOW + timedelta(minutes=40)) == (
        "Dev @ 222222222222 — session ends in 2 min"
    )
    # Choosing the active role again keeps its check mark.
    with qtbot.waitSignal(tray.chosen):
        tray.recent_actions()[1].trigger()
    assert tray.recent_actions()[1].isChecked()
    # The history is rebuilt with the check on the active role.
    tray.set_recent([DEV, PROD])
    assert [a.isChecked() for a in tray.recent_actions()] == [True, False]
    tray.set_active(None)
    assert tray.tooltip() == "xacct — no role selected"
    assert not any(a.isChecked() for a in tray.recent_actions())


def test_icon_takes_the_active_role_colour(tray: RoleTray) -> None:
    tray.set_active(PROD, NOW)
    image = tray.icon().pixmap(32, 32).toImage()
    assert image.pixelColor(16, 16).name() == PROD.color_hex
    tray.set_active(None)
    assert not tray.icon().isNull()  # the app's icon, or a neutral swatch


# --- availability ---


def test_no_tray_icon_is_created_when_the_platform_has_no_tray(
    window: QWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: False))
    tray = RoleTray(window)
    assert tray.tray_icon is None
    assert window.findChildren(QSystemTrayIcon) == []
    tray.set_recent([DEV])
    tray.set_active(DEV, NOW + timedelta(minutes=5))
    assert DEV.label in menu_texts(tray)  # the logic still works without an icon
    assert tray.refresh(NOW).endswith("session ends in 5 min")


def test_default_follows_what_the_platform_reports(window: QWidget) -> None:
    tray = RoleTray(window)
    assert (tray.tray_icon is not None) == QSystemTrayIcon.isSystemTrayAvailable()
    tray.hide()


def test_reordering_the_recent_roles_keeps_their_entries(qtbot: QtBot, tray: RoleTray) -> None:
    """A switch moves a role to the top: its entry moves, none is made anew; an edited
    role gets a fresh entry."""
    tray.set_recent([PROD, DEV, TEST])
    prod, dev, test = tray.recent_actions()
    tray.set_recent([DEV, PROD, TEST])
    assert tray.recent_actions() == [dev, prod, test]
    assert menu_texts(tray)[1:4] == [DEV.label, PROD.label, TEST.label]
    renamed = PROD.replace(color="blue")
    tray.set_recent([renamed, DEV])
    first, second = tray.recent_actions()
    assert second is dev and first is not prod
    with qtbot.waitSignal(tray.chosen) as chosen:
        first.trigger()
    assert chosen.args == [renamed.name]
