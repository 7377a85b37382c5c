"""The Ctrl+K quick-switch palette and the Ctrl+1…5 recent-role shortcuts, 1,000 profiles."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLineEdit, QListView, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.many_profiles import expected_matches, make_profiles
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.gui.item_roles import PROFILE_NAME_ROLE
from xacct_gui.gui.quick_switch import QuickSwitchPalette
from xacct_gui.gui.recent_shortcuts import RecentShortcuts
from xacct_gui.gui.role_results import KIND_HEADER, KIND_PROFILE, KIND_SEPARATOR


@pytest.fixture
def profiles() -> tuple[RoleProfile, ...]:
    return make_profiles()


@pytest.fixture
def host(qtbot: QtBot) -> Iterator[QWidget]:
    window = QWidget()
    window.resize(900, 600)
    qtbot.addWidget(window)
    window.show()
    yield window


@pytest.fixture
def palette(host: QWidget) -> Iterator[QuickSwitchPalette]:
    widget = QuickSwitchPalette(host)
    yield widget
    widget.close()


def field_of(palette: QuickSwitchPalette) -> QLineEdit:
    field = palette.findChild(QLineEdit, "roleSearchField")
    assert field is not None
    return field


# --- the palette ---


def test_palette_opens_centred_over_the_window_with_every_role(
    host: QWidget, palette: QuickSwitchPalette, profiles: tuple[RoleProfile, ...]
) -> None:
    palette.popup(host, profiles)
    assert palette.isVisible()
    assert palette.objectName() == "quickSwitchPalette"
    assert palette.windowFlags() & Qt.WindowType.Popup  # frameless, closes on outside click
    assert field_of(palette).hasFocus()
    centre = host.mapToGlobal(host.rect().center())
    assert abs(palette.geometry().center().x() - centre.x()) <= 2
    assert palette.panel.shown_names() == [p.name for p in profiles]


def test_palette_rows_show_swatch_and_name_account_role(
    host: QWidget, palette: QuickSwitchPalette, profiles: tuple[RoleProfile, ...]
) -> None:
    palette.popup(host, profiles)
    view = palette.findChild(QListView, "roleSearchResults")
    assert view is not None
    model = view.model()
    for row in (0, 1, 2, 3, 4, 5, 998):
        index = model.index(row, 0)
        p = profiles[row]
        assert index.data() == f"{p.name} — {p.account_id} ({p.role_name})"
        assert index.data(PROFILE_NAME_ROLE) == p.name
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        assert icon.pixmap(16, 16).toImage().pixelColor(8, 8).name() == p.color_hex


def test_palette_keyboard_flow_type_down_enter(
    qtbot: QtBot, host: QWidget, palette: QuickSwitchPalette, profiles: tuple[RoleProfile, ...]
) -> None:
    palette.popup(host, profiles, recent=[profiles[10].name])
    field = field_of(palette)
    qtbot.keyClicks(field, "search stage")
    expected = expected_matches(profiles, "search stage")
    assert palette.panel.shown_names() == expected
    qtbot.keyClick(field, Qt.Key.Key_Down)
    with qtbot.waitSignal(palette.chosen) as blocker:
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert blocker.args == [expected[1]]
    assert not palette.isVisible()


def test_palette_enter_without_typing_takes_the_most_recent_role(
    qtbot: QtBot, host: QWidget, palette: QuickSwitchPalette, profiles: tuple[RoleProfile, ...]
) -> None:
    recent = [profiles[i].name for i in (420, 17, 3)]
    palette.popup(host, profiles, recent)
    kinds = palette.panel.model.kinds()
    assert kinds[:5] == [KIND_HEADER, KIND_PROFILE, KIND_PROFILE, KIND_PROFILE, KIND_SEPARATOR]
    assert palette.panel.shown_names()[:4] == [*recent, profiles[0].name]
    with qtbot.waitSignal(palette.chosen) as blocker:
        qtbot.keyClick(field_of(palette), Qt.Key.Key_Enter)  # the keypad's Enter too
    assert blocker.args == [recent[0]]


def test_palette_searches_by_account_and_role(
    qtbot: QtBot, host: QWidget, palette: QuickSwitchPalette, profiles: tuple[RoleProfile, ...]
) -> None:
    palette.popup(host, profiles)
    field = field_of(palette)
    target = profiles[777]
    qtbot.keyClicks(field, target.account_id)
    assert palette.panel.shown_names() == [target.name]
    field.clear()
    qtbot.keyClicks(field, "DeveloperAccess data")
    assert palette.panel.shown_names() == expected_matches(profiles, "developeraccess data")
    assert len(palette.panel.shown_names()) == 50


def test_escape_closes_the_palette_without_choosing(
    qtbot: QtBot, host: QWidget, palette: QuickSwitchPalette, profiles: tuple[RoleProfile, ...]
) -> None:
    palette.popup(host, profiles)
    field = field_of(palette)
    qtbot.keyClicks(field, "prod")
    qtbot.keyClick(field, Qt.Key.Key_Down)
    with qtbot.assertNotEmitted(palette.chosen):
        qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert not palette.isVisible()


def test_reopening_the_palette_starts_with_an_empty_search(
    qtbot: QtBot, host: QWidget, palette: QuickSwitchPalette, profiles: tuple[RoleProfile, ...]
) -> None:
    palette.popup(host, profiles)
    qtbot.keyClicks(field_of(palette), "identity")
    qtbot.keyClick(field_of(palette), Qt.Key.Key_Escape)
    palette.popup(host, profiles[:20], recent=[profiles[5].name])
    assert field_of(palette).text() == ""
    assert palette.panel.shown_names() == [
        profiles[5].name,
        *[p.name for p in profiles[:20] if p is not profiles[5]],
    ]


# --- Ctrl+1 … Ctrl+5 ---


def test_recent_shortcuts_are_ctrl_1_to_5_and_follow_the_history(
    qtbot: QtBot, host: QWidget, profiles: tuple[RoleProfile, ...]
) -> None:
    shortcuts = RecentShortcuts(host)
    assert [a.shortcut() for a in shortcuts.actions] == [
        QKeySequence(f"Ctrl+{n}") for n in range(1, 6)
    ]
    assert all(a in host.actions() for a in shortcuts.actions)
    assert not any(a.isVisible() or a.isEnabled() for a in shortcuts.actions)

    recent = [profiles[9], profiles[400], profiles[2]]
    shortcuts.set_recent(recent)
    assert [shortcuts.name_for(n) for n in range(0, 7)] == [
        None,
        profiles[9].name,
        profiles[400].name,
        profiles[2].name,
        None,
        None,
        None,
    ]
    assert [a.isEnabled() for a in shortcuts.actions] == [True, True, True, False, False]
    assert profiles[400].label in shortcuts.actions[1].text()
    icon = shortcuts.actions[1].icon().pixmap(16, 16).toImage()
    assert icon.pixelColor(8, 8).name() == profiles[400].color_hex

    with qtbot.waitSignal(shortcuts.chosen) as blocker:
        shortcuts.actions[1].trigger()
    assert blocker.args == [profiles[400].name]
    with qtbot.assertNotEmitted(shortcuts.chosen):
        shortcuts.actions[4].trigger()  # no fifth recent role: nothing happens


def test_pressing_ctrl_2_in_the_window_chooses_the_second_recent_role(
    qtbot: QtBot, host: QWidget, profiles: tuple[RoleProfile, ...]
) -> None:
    shortcuts = RecentShortcuts(host)
    shortcuts.set_recent([profiles[1], profiles[2]])
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow)
    with qtbot.waitSignal(shortcuts.chosen) as blocker:
        qtbot.keyClick(host, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == [profiles[2].name]
    with qtbot.assertNotEmitted(shortcuts.chosen):
        qtbot.keyClick(host, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
