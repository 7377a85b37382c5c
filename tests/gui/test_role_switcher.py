"""The searchable role switcher with 1,000 profiles: order, recent first, narrowing, choosing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QModelIndex, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QListView, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.many_profiles import COUNT, expected_matches, make_profiles
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.gui.item_roles import PROFILE_NAME_ROLE, SHORTCUT_HINT_ROLE
from xacct_gui.gui.role_results import (
    ALL_HEADER,
    KIND_EMPTY,
    KIND_HEADER,
    KIND_PROFILE,
    KIND_SEPARATOR,
    RECENT_HEADER,
)
from xacct_gui.gui.role_search import RoleSearchPopup
from xacct_gui.gui.role_switcher import RoleSwitcher


@pytest.fixture
def profiles() -> tuple[RoleProfile, ...]:
    return make_profiles()


@pytest.fixture
def switcher(qtbot: QtBot, profiles: tuple[RoleProfile, ...]) -> Iterator[RoleSwitcher]:
    host = QWidget()
    qtbot.addWidget(host)
    combo = RoleSwitcher(host)
    combo.set_profiles(profiles, None)
    host.resize(600, 60)
    host.show()
    yield combo
    combo.hidePopup()


def open_popup(switcher: RoleSwitcher) -> RoleSearchPopup:
    switcher.showPopup()
    popup = switcher.search_popup()
    assert popup.isVisible()
    return popup


def results_view(popup: RoleSearchPopup) -> QListView:
    view = popup.findChild(QListView, "roleSearchResults")
    assert view is not None
    return view


def row_kinds(popup: RoleSearchPopup) -> list[str]:
    return popup.panel.model.kinds()


# --- the combo itself ---


def test_combo_lists_a_thousand_profiles_in_saved_order_with_swatches(
    switcher: RoleSwitcher, profiles: tuple[RoleProfile, ...]
) -> None:
    assert isinstance(switcher, QComboBox) and switcher.objectName() == "roleSwitcher"
    assert switcher.count() == COUNT
    assert [switcher.itemText(i) for i in range(COUNT)] == [p.label for p in profiles]
    for index in (0, 1, 2, 3, 4, 5, 999):
        image = switcher.itemIcon(index).pixmap(16, 16).toImage()
        assert image.pixelColor(8, 8).name() == profiles[index].color_hex
        assert switcher.itemData(index, PROFILE_NAME_ROLE) == profiles[index].name
        assert switcher.itemData(index, Qt.ItemDataRole.ToolTipRole) == profiles[index].role_arn
    assert switcher.index_of(profiles[537].name) == 537
    assert switcher.index_of("no such role") == -1
    assert switcher.current_name() is None


def test_recent_history_does_not_reorder_the_combo_items(
    switcher: RoleSwitcher, profiles: tuple[RoleProfile, ...]
) -> None:
    switcher.set_recent([profiles[900].name, profiles[10].name])
    assert [switcher.itemText(i) for i in range(COUNT)] == [p.label for p in profiles]


def test_set_profiles_selects_current_without_emitting(
    qtbot: QtBot, switcher: RoleSwitcher, profiles: tuple[RoleProfile, ...]
) -> None:
    with qtbot.assertNotEmitted(switcher.profile_chosen):
        switcher.set_profiles(profiles[:500], profiles[321].name)
    assert switcher.count() == 500
    assert switcher.current_name() == profiles[321].name
    with qtbot.waitSignal(switcher.profile_chosen) as blocker:
        switcher.select(profiles[42].name)
    assert blocker.args == [profiles[42].name]


# --- the search popup ---


def test_popup_without_history_lists_every_profile_in_saved_order(
    switcher: RoleSwitcher, profiles: tuple[RoleProfile, ...]
) -> None:
    popup = open_popup(switcher)
    assert popup.panel.shown_names() == [p.name for p in profiles]
    assert set(row_kinds(popup)) == {KIND_PROFILE}  # no headers when there is no history
    assert popup.panel.field.text() == ""
    assert popup.panel.field.hasFocus()  # typing goes straight into the search


def test_popup_lists_the_five_recent_roles_first_under_a_header(
    switcher: RoleSwitcher, profiles: tuple[RoleProfile, ...]
) -> None:
    recent = [profiles[i].name for i in (700, 3, 999, 250, 0)]
    switcher.set_recent(recent)
    popup = open_popup(switcher)
    model = popup.panel.model
    kinds = row_kinds(popup)
    assert kinds[:7] == [KIND_HEADER, *[KIND_PROFILE] * 5, KIND_SEPARATOR]
    assert kinds[7:] == [KIND_PROFILE] * (COUNT - 5)
    assert model.index(0, 0).data() == RECENT_HEADER
    assert model.index(6, 0).data() == ALL_HEADER
    view = results_view(popup)
    assert view.viewport().rect().contains(view.visualRect(model.index(0, 0)))  # header shown
    rest = [p.name for p in profiles if p.name not in recent]
    assert popup.panel.shown_names() == recent + rest
    # Each recent row knows its Ctrl+N shortcut; the others have none.
    assert [model.index(r, 0).data(SHORTCUT_HINT_ROLE) for r in range(1, 6)] == [1, 2, 3, 4, 5]
    assert model.index(7, 0).data(SHORTCUT_HINT_ROLE) == 0
    # Headers cannot be selected or chosen.
    assert model.flags(model.index(0, 0)) == Qt.ItemFlag.NoItemFlags
    assert model.flags(model.index(6, 0)) == Qt.ItemFlag.NoItemFlags
    # Every row keeps its colour swatch.
    for row in (1, 5, 7, 500):
        name = model.index(row, 0).data(PROFILE_NAME_ROLE)
        colour = next(p.color_hex for p in profiles if p.name == name)
        icon = model.index(row, 0).data(Qt.ItemDataRole.DecorationRole)
        assert icon.pixmap(16, 16).toImage().pixelColor(8, 8).name() == colour


def test_popup_highlights_the_current_role(
    switcher: RoleSwitcher, profiles: tuple[RoleProfile, ...]
) -> None:
    switcher.set_profiles(profiles, profiles[640].name)
    popup = open_popup(switcher)
    assert popup.panel.current_name() == profiles[640].name
    view = results_view(popup)
    assert view.viewport().rect().contains(view.visualRect(view.currentIndex()))  # scrolled to


@pytest.mark.parametrize(
    "query",
    [
        "payments prod",  # by name, two words
        "PAYMENTS  Prod",  # case and spacing do not matter
        "10424",  # account digits in the middle
        "deployer",  # by role name
        "team/ops identity",  # role path plus name
    ],
)
def test_typing_narrows_the_list(
    qtbot: QtBot, switcher: RoleSwitcher, profiles: tuple[RoleProfile, ...], query: str
) -> None:
    popup = open_popup(switcher)
    qtbot.keyClicks(popup.panel.field, query)
    shown = popup.panel.shown_names()
    assert shown == expected_matches(profiles, query)
    assert 0 < len(shown) < COUNT


def test_typing_an_account_id_finds_that_account(
    qtbot: QtBot, switcher: RoleSwitcher, profiles: tuple[RoleProfile, ...]
) -> None:
    target = profiles[537]
    popup = open_popup(switcher)
    qtbot.keyClicks(popup.panel.field, target.account_id[:8])
    assert target.name in popup.panel.shown_names()
    assert all(
        p.account_id.startswith(target.account_id[:8]) or target.account_id[:8] in p.name
        for p in profiles
        if p.name in popup.panel.shown_names()
    )
    popup.panel.field.clear()
    dashed = f"{target.account_id[:4]}-{target.account_id[4:8]}-{target.account_id[8:]}"
    qtbot.keyClicks(popup.panel.field, dashed)  # as the console writes account IDs
    assert popup.panel.shown_names() == [target.name]


def test_recent_matches_stay_first_while_narrowing(
    qtbot: QtBot, switcher: RoleSwitcher, profiles: tuple[RoleProfile, ...]
) -> None:
    prod = [p.name for p in profiles if "prod" in p.name]
    dev_recent = next(p.name for p in profiles if "dev" in p.name)
    switcher.set_recent([prod[40], dev_recent, prod[2]])
    popup = open_popup(switcher)
    qtbot.keyClicks(popup.panel.field, "prod")
    shown = popup.panel.shown_names()
    assert shown[:2] == [prod[40], prod[2]]
    assert shown[2:] == [n for n in prod if n not in (prod[40], prod[2])]
    assert row_kinds(popup)[:4] == [KIND_HEADER, KIND_PROFILE, KIND_PROFILE, KIND_SEPARATOR]


def test_choosing_from_the_narrowed_list_with_the_keyboard(
    qtbot: QtBot, switcher: RoleSwitcher, profiles: tuple[RoleProfile, ...]
) -> None:
    popup = open_popup(switcher)
    qtbot.keyClicks(popup.panel.field, "identity stage")
    expected = expected_matches(profiles, "identity stage")
    assert popup.panel.current_name() == expected[0]
    qtbot.keyClick(popup.panel.field, Qt.Key.Key_Down)
    qtbot.keyClick(popup.panel.field, Qt.Key.Key_Down)
    qtbot.keyClick(popup.panel.field, Qt.Key.Key_Up)
    with qtbot.waitSignal(switcher.profile_chosen) as blocker:
        qtbot.keyClick(popup.panel.field, Qt.Key.Key_Return)
    assert blocker.args == [expected[1]]
    assert switcher.current_name() == expected[1]
    assert not popup.isVisible()


def test_choosing_from_the_narrowed_list_with_the_mouse(
    qtbot: QtBot, switcher: RoleSwitcher, profiles: tuple[RoleProfile, ...]
) -> None:
    popup = open_popup(switcher)
    qtbot.keyClicks(popup.panel.field, "web readonly")
    expected = expected_matches(profiles, "web readonly")
    view = results_view(popup)
    target = view.model().index(2, 0)
    with qtbot.waitSignal(switcher.profile_chosen) as blocker:
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(target).center()
        )
    assert blocker.args == [expected[2]]
    assert not popup.isVisible()


def test_headers_are_skipped_and_cannot_be_clicked(
    qtbot: QtBot, switcher: RoleSwitcher, profiles: tuple[RoleProfile, ...]
) -> None:
    recent = [profiles[5].name, profiles[6].name]
    switcher.set_recent(recent)
    popup = open_popup(switcher)
    field = popup.panel.field
    assert popup.panel.current_name() == recent[0]  # row 1: the header is skipped
    qtbot.keyClick(field, Qt.Key.Key_Up)
    assert popup.panel.current_name() == recent[0]  # nothing above but the header
    qtbot.keyClick(field, Qt.Key.Key_Down)
    qtbot.keyClick(field, Qt.Key.Key_Down)
    assert popup.panel.current_name() == profiles[0].name  # across the "All roles" header
    view = results_view(popup)
    header = view.model().index(0, 0)
    with qtbot.assertNotEmitted(switcher.profile_chosen):
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(header).center()
        )
    assert popup.isVisible()


def test_page_down_moves_by_a_page_and_stops_at_the_end(
    qtbot: QtBot, switcher: RoleSwitcher, profiles: tuple[RoleProfile, ...]
) -> None:
    popup = open_popup(switcher)
    field = popup.panel.field
    qtbot.keyClick(field, Qt.Key.Key_PageDown)
    moved = [p.name for p in profiles].index(popup.panel.current_name() or "")
    assert moved > 3
    for _ in range(200):
        qtbot.keyClick(field, Qt.Key.Key_PageDown)
    assert popup.panel.current_name() == profiles[-1].name


def test_no_match_says_so_and_enter_does_nothing(
    qtbot: QtBot, switcher: RoleSwitcher, profiles: tuple[RoleProfile, ...]
) -> None:
    popup = open_popup(switcher)
    qtbot.keyClicks(popup.panel.field, "nothing-like-this")
    assert popup.panel.shown_names() == []
    assert row_kinds(popup) == [KIND_EMPTY]
    assert "nothing-like-this" in str(popup.panel.model.index(0, 0).data())
    with qtbot.assertNotEmitted(switcher.profile_chosen):
        qtbot.keyClick(popup.panel.field, Qt.Key.Key_Return)
    assert popup.isVisible()


def test_escape_closes_without_choosing(
    qtbot: QtBot, switcher: RoleSwitcher, profiles: tuple[RoleProfile, ...]
) -> None:
    switcher.set_profiles(profiles, profiles[1].name)
    popup = open_popup(switcher)
    qtbot.keyClicks(popup.panel.field, "prod")
    with qtbot.assertNotEmitted(switcher.profile_chosen):
        qtbot.keyClick(popup.panel.field, Qt.Key.Key_Escape)
    assert not popup.isVisible()
    assert switcher.current_name() == profiles[1].name


def test_typing_on_the_closed_combo_opens_the_search_instead_of_switching(
    qtbot: QtBot, switcher: RoleSwitcher, profiles: tuple[RoleProfile, ...]
) -> None:
    switcher.set_profiles(profiles, profiles[0].name)
    with qtbot.assertNotEmitted(switcher.profile_chosen):
        qtbot.keyClicks(switcher, "w")
    popup = switcher.search_popup()
    assert popup.isVisible()
    assert popup.panel.field.text() == "w"
    assert switcher.current_name() == profiles[0].name
    # Typing continues in the search field, after the first letter.
    qtbot.keyClicks(popup.panel.field, "eb")
    assert popup.panel.field.text() == "web"
    assert popup.panel.shown_names() == expected_matches(profiles, "web")


def test_reloading_profiles_closes_an_open_popup(
    switcher: RoleSwitcher, profiles: tuple[RoleProfile, ...]
) -> None:
    popup = open_popup(switcher)
    switcher.set_profiles(profiles[:10], None)
    assert not popup.isVisible()
    popup = open_popup(switcher)
    assert popup.panel.shown_names() == [p.name for p in profiles[:10]]


def test_choosing_the_current_role_does_not_switch_again(
    qtbot: QtBot, switcher: RoleSwitcher, profiles: tuple[RoleProfile, ...]
) -> None:
    switcher.set_profiles(profiles, profiles[3].name)
    popup = open_popup(switcher)
    assert popup.panel.current_name() == profiles[3].name
    with qtbot.assertNotEmitted(switcher.profile_chosen):
        qtbot.keyClick(popup.panel.field, Qt.Key.Key_Return)
    assert not popup.isVisible()


def test_hover_moves_the_highlight(
    qtbot: QtBot, switcher: RoleSwitcher, profiles: tuple[RoleProfile, ...]
) -> None:
    popup = open_popup(switcher)
    view = results_view(popup)
    index: QModelIndex = view.model().index(4, 0)
    qtbot.mouseMove(view.viewport(), view.visualRect(index).center())
    qtbot.waitUntil(lambda: popup.panel.current_name() == profiles[4].name)


def test_the_mouse_wheel_never_switches_roles(
    qtbot: QtBot, switcher: RoleSwitcher, profiles: tuple[RoleProfile, ...]
) -> None:
    switcher.set_profiles(profiles, profiles[10].name)
    centre = QPointF(switcher.rect().center())
    for delta in (-120, 120, -120):
        event = QWheelEvent(
            centre,
            QPointF(switcher.mapToGlobal(switcher.rect().center())),
            QPoint(0, 0),
            QPoint(0, delta),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        with qtbot.assertNotEmitted(switcher.profile_chosen):
            QApplication.sendEvent(switcher, event)
        assert not event.isAccepted()  # left for the parent to scroll
    assert switcher.current_name() == profiles[10].name
