"""The discovery preview: role name, source and colour rules drive what OK adds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
)
from pytestqt.qtbot import QtBot

from tests.factories import make_profile
from tests.gui.test_profile_dialog import child, click, type_text
from xacct_gui.core.discovery import DEFAULT_ROLE_NAME, DEFAULT_RULES, ColorRule, Source
from xacct_gui.gui.discovery_dialog import (
    COL_ACCOUNT,
    COL_ADD,
    COL_COLOR,
    COL_NAME,
    COL_STATUS,
    DiscoveryDialog,
)
from xacct_gui.gui.discovery_rules import RULE_TEXT

ACCOUNTS = [
    ("111111111111", "Payments Prod"),
    ("222222222222", "Data Test"),
    ("333333333333", "Sandbox dev"),
    ("444444444444", "Shared Services"),
    ("555555555555", "Web Staging"),
]
MINE = make_profile(
    "Prod (mine)",
    account_id="111111111111",
    role_name=DEFAULT_ROLE_NAME,
    color="blue",
    region=None,
)
READER = make_profile(
    "Org reader",
    account_id="999999999999",
    role_name="OrgReader",
    color="blue",
    source_profile="corp",
)
SOURCES = [
    ("Through “Org reader”", Source.through(READER)),
    ("Same source as “Org reader”", Source.same_as(READER)),
]

MakeDialog = Callable[..., DiscoveryDialog]


@pytest.fixture
def make_dialog(qtbot: QtBot) -> MakeDialog:
    def make(**kwargs: Any) -> DiscoveryDialog:
        options: dict[str, Any] = {
            "accounts": ACCOUNTS,
            "existing": [MINE, READER],
            "sources": SOURCES,
            "discovered_with": "Org reader",
        }
        options.update(kwargs)
        dialog = DiscoveryDialog(None, **options)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return make


def preview(dialog: DiscoveryDialog) -> QTableWidget:
    return child(dialog, QTableWidget, "previewTable")


def rules_table(dialog: DiscoveryDialog) -> QTableWidget:
    return child(dialog, QTableWidget, "ruleTable")


def ok_button(dialog: DiscoveryDialog) -> QPushButton:
    return child(dialog, QPushButton, "addProfilesButton")


def rows(dialog: DiscoveryDialog) -> dict[str, dict[str, str]]:
    """Preview rows by account ID: what a user reads in each column."""
    table = preview(dialog)
    out: dict[str, dict[str, str]] = {}
    for row in range(table.rowCount()):
        cell = {
            c: table.item(row, c) for c in (COL_ADD, COL_NAME, COL_ACCOUNT, COL_COLOR, COL_STATUS)
        }
        assert all(item is not None for item in cell.values())
        add = cell[COL_ADD]
        assert add is not None
        checkable = bool(add.flags() & Qt.ItemFlag.ItemIsUserCheckable)
        out[cell[COL_ACCOUNT].text()] = {  # type: ignore[union-attr]
            "name": cell[COL_NAME].text(),  # type: ignore[union-attr]
            "color": cell[COL_COLOR].text(),  # type: ignore[union-attr]
            "status": cell[COL_STATUS].text(),  # type: ignore[union-attr]
            "add": "disabled" if not checkable else add.checkState().name,
        }
    return out


def test_first_look(make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    assert (
        child(dialog, QLabel, "discoveryFound").text()
        == "5 active accounts found with “Org reader”."
    )
    assert child(dialog, QLineEdit, "roleNameEdit").text() == DEFAULT_ROLE_NAME
    assert rows(dialog) == {
        "111111111111": {
            "name": "Prod (mine)",
            "color": "red",
            "status": "already there as “Prod (mine)”",
            "add": "disabled",
        },
        "222222222222": {"name": "Data Test", "color": "yellow", "status": "new", "add": "Checked"},
        "333333333333": {
            "name": "Sandbox dev",
            "color": "green",
            "status": "new",
            "add": "Checked",
        },
        "444444444444": {
            "name": "Shared Services",
            "color": "blue",
            "status": "new",
            "add": "Checked",
        },
        "555555555555": {
            "name": "Web Staging",
            "color": "yellow",
            "status": "new",
            "add": "Checked",
        },
    }
    # Every colour cell carries its swatch.
    table = preview(dialog)
    for row in range(table.rowCount()):
        item = table.item(row, COL_COLOR)
        assert item is not None and not item.icon().isNull()
    assert ok_button(dialog).text() == "Add 4 profiles"
    assert ok_button(dialog).isEnabled()


def test_chosen_profiles_carry_role_source_and_colour(
    qtbot: QtBot, make_dialog: MakeDialog
) -> None:
    dialog = make_dialog()
    click(qtbot, ok_button(dialog))
    assert dialog.result() == QDialog.DialogCode.Accepted
    chosen = {p.account_id: p for p in dialog.chosen_profiles()}
    assert set(chosen) == {"222222222222", "333333333333", "444444444444", "555555555555"}
    sandbox = chosen["333333333333"]
    assert (sandbox.name, sandbox.role_name, sandbox.color) == (
        "Sandbox dev",
        DEFAULT_ROLE_NAME,
        "green",
    )
    # The first source offered: chained through the discovering profile.
    assert sandbox.source_role == "Org reader" and sandbox.region == "eu-west-1"


def test_another_source(make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    child(dialog, QComboBox, "sourceCombo").setCurrentIndex(1)
    profile = dialog.chosen_profiles()[0]
    assert profile.source_role is None and profile.source_profile == "corp"


def test_a_new_role_name_recomputes_the_preview(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    type_text(qtbot, child(dialog, QLineEdit, "roleNameEdit"), "ops/Admin")
    # The saved profile is for another role now, so its account is new again.
    assert rows(dialog)["111111111111"]["status"] == "new"
    assert rows(dialog)["111111111111"]["name"] == "Payments Prod"
    assert ok_button(dialog).text() == "Add 5 profiles"
    assert {p.role_name for p in dialog.chosen_profiles()} == {"ops/Admin"}


def test_an_invalid_role_name_blocks_ok(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    type_text(qtbot, child(dialog, QLineEdit, "roleNameEdit"), "bad role!")
    error = child(dialog, QLabel, "roleNameError")
    assert error.isVisible() and "role name" in error.text()
    assert preview(dialog).rowCount() == 0
    assert not ok_button(dialog).isEnabled()
    assert dialog.chosen_profiles() == []
    type_text(qtbot, child(dialog, QLineEdit, "roleNameEdit"), "Admin")
    assert not error.isVisible() and ok_button(dialog).isEnabled()


def test_unticked_accounts_stay_unticked_while_editing(
    qtbot: QtBot, make_dialog: MakeDialog
) -> None:
    dialog = make_dialog()
    dialog.set_ticked("444444444444", False)
    assert rows(dialog)["444444444444"]["add"] == "Unchecked"
    assert ok_button(dialog).text() == "Add 3 profiles"
    type_text(qtbot, child(dialog, QLineEdit, "roleNameEdit"), "Admin")
    assert rows(dialog)["444444444444"]["add"] == "Unchecked"
    assert "444444444444" not in {p.account_id for p in dialog.chosen_profiles()}
    dialog.set_ticked("444444444444", True)
    assert ok_button(dialog).text() == "Add 5 profiles"


def test_nothing_to_add(make_dialog: MakeDialog) -> None:
    dialog = make_dialog(accounts=[("111111111111", "Payments Prod")])
    assert ok_button(dialog).text() == "Add 0 profiles"
    assert not ok_button(dialog).isEnabled()
    dialog2 = make_dialog(accounts=[("222222222222", "Data Test")])
    assert ok_button(dialog2).text() == "Add 1 profile"


def test_editing_a_rule_recolours_the_preview(make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    table = rules_table(dialog)
    assert [table.item(r, RULE_TEXT).text() for r in range(table.rowCount())] == [  # type: ignore[union-attr]
        rule.text for rule in DEFAULT_RULES
    ]
    item = table.item(0, RULE_TEXT)  # "prod"
    assert item is not None
    item.setText("shared")
    assert rows(dialog)["444444444444"]["color"] == "red"
    dialog.set_rule_color(0, "#123456")
    assert rows(dialog)["444444444444"]["color"] == "#123456"
    assert dialog.rules()[0] == ColorRule("shared", "#123456")


def test_a_broken_rule_is_marked_and_ignored(make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    dialog.set_rule_color(4, "purple")  # the "dev" rule
    item = rules_table(dialog).item(4, RULE_TEXT)
    assert item is not None and item.toolTip().startswith("Ignored:")
    assert rows(dialog)["333333333333"]["color"] == "blue"  # falls through to the fallback
    assert ColorRule("dev", "purple") not in dialog.rules()
    dialog.set_rule_color(4, "green")
    assert item.toolTip() == ""
    assert rows(dialog)["333333333333"]["color"] == "green"


def test_rule_buttons(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    table = rules_table(dialog)

    def press(name: str) -> None:
        click(qtbot, child(dialog, QPushButton, name))

    press("addRuleButton")
    assert table.rowCount() == len(DEFAULT_RULES) + 1
    new_row = table.rowCount() - 1
    assert table.currentRow() == new_row
    # An empty new rule is neither an error nor applied.
    assert len(dialog.rules()) == len(DEFAULT_RULES)
    item = table.item(new_row, RULE_TEXT)
    assert item is not None and item.toolTip() == ""
    table.closePersistentEditor(item)
    item.setText("services")
    dialog.set_rule_color(new_row, "orange")
    assert rows(dialog)["444444444444"]["color"] == "orange"

    # "Data Test" is yellow by the "test" rule; a "data" rule moved above it wins.
    dialog.add_rule(ColorRule("data", "green"))
    table.setCurrentCell(table.rowCount() - 1, RULE_TEXT)
    for _ in range(table.rowCount() - 1):
        press("ruleUpButton")
    assert table.currentRow() == 0
    assert rows(dialog)["222222222222"]["color"] == "green"
    press("ruleDownButton")
    press("ruleDownButton")  # below "test" now
    assert rows(dialog)["222222222222"]["color"] == "yellow"

    table.setCurrentCell(0, RULE_TEXT)  # "prod"
    press("removeRuleButton")
    assert rows(dialog)["111111111111"]["color"] == "blue"

    press("resetRulesButton")
    assert dialog.rules() == list(DEFAULT_RULES)
    assert rows(dialog)["111111111111"]["color"] == "red"


def test_the_fallback_colour(make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    fallback = child(dialog, QComboBox, "fallbackColor")
    fallback.setCurrentText("orange")
    assert rows(dialog)["444444444444"]["color"] == "orange"
    fallback.setCurrentText("not a colour")
    assert rows(dialog)["444444444444"]["color"] == "blue"


def test_rules_given_by_the_window_are_used(make_dialog: MakeDialog) -> None:
    dialog = make_dialog(rules=[ColorRule("payments", "orange")], role_name="ReadOnly")
    assert child(dialog, QLineEdit, "roleNameEdit").text() == "ReadOnly"
    assert rows(dialog)["111111111111"]["color"] == "orange"
    assert rows(dialog)["333333333333"]["color"] == "blue"


def test_a_thousand_accounts(make_dialog: MakeDialog) -> None:
    accounts = [
        (f"{100000000000 + i:012d}", f"team-{i % 7}-{'prod' if i % 3 else 'dev'}")
        for i in range(1000)
    ]
    dialog = make_dialog(accounts=accounts, existing=[])
    assert preview(dialog).rowCount() == 1000
    assert ok_button(dialog).text() == "Add 1000 profiles"
    names = [p.name for p in dialog.chosen_profiles()]
    assert len({n.casefold() for n in names}) == 1000  # every name unique


def test_each_colour_rule_shows_its_own_swatch(qtbot: QtBot) -> None:
    """The combo is editable: setCurrentText alone left every swatch at the first colour."""
    from xacct_gui.gui.discovery_rules import ColorCombo
    from xacct_gui.gui.widgets.swatches import swatch_icon

    for name in ("green", "yellow", "blue"):
        combo = ColorCombo(name)
        qtbot.addWidget(combo)
        assert combo.color() == name
        shown = combo.itemIcon(combo.currentIndex()).pixmap(16, 16).toImage()
        assert shown == swatch_icon(name).pixmap(16, 16).toImage()
    custom = ColorCombo("#123456")
    qtbot.addWidget(custom)
    assert custom.color() == "#123456"  # a colour of one's own stays as typed
