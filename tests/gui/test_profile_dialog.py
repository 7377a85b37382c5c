"""The add/edit profile dialog and its colour picker, driven like a user would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.factories import make_profile
from xacct_gui.core.colors import CONSOLE_COLORS, text_color_for
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.gui.color_picker import ColorPicker
from xacct_gui.gui.profile_dialog import ProfileDialog
from xacct_gui.gui.profile_fields import DEFAULT_DURATION_TEXT
from xacct_gui.gui.source_chooser import CHAIN_NOTE_TEXT
from xacct_gui.gui.widgets.swatches import swatch_icon

W = TypeVar("W", bound=QWidget)
MakeDialog = Callable[..., ProfileDialog]

ACCOUNT = "123456789012"


@pytest.fixture
def make_dialog(qtbot: QtBot) -> MakeDialog:
    def make(**kwargs: Any) -> ProfileDialog:
        dialog = ProfileDialog(**kwargs)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return make


def child(parent: QWidget, kind: type[W], name: str) -> W:
    widget = parent.findChild(kind, name)
    assert widget is not None, f"no {kind.__name__} named {name!r}"
    return widget


def error_label(dialog: ProfileDialog, key: str) -> QLabel:
    return child(dialog, QLabel, f"{key}Error")


def edit(dialog: ProfileDialog, name: str) -> QLineEdit:
    return child(dialog, QLineEdit, name)


# pytest-qt's input methods are untyped (copied from QtTest at run time);
# these typed wrappers keep mypy's no-untyped-call check to one place.


def key_click(
    qtbot: QtBot,
    widget: QWidget,
    key: Qt.Key,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    qtbot.keyClick(widget, key, modifier)  # type: ignore[no-untyped-call]


def key_clicks(qtbot: QtBot, widget: QWidget, text: str) -> None:
    qtbot.keyClicks(widget, text)  # type: ignore[no-untyped-call]


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)  # type: ignore[no-untyped-call]


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Replace the widget's text by selecting all and typing, as a user would."""
    key_click(qtbot, widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    key_clicks(qtbot, widget, text)


def type_non_latin(widget: QWidget, text: str) -> None:
    """Type characters QTest cannot: its keyClicks asserts on non-Latin-1 text.

    Keyboard layouts for such scripts deliver key events that carry the text
    with no Qt key code, which is what this sends.
    """
    for char in text:
        event = QKeyEvent(
            QEvent.Type.KeyPress, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char
        )
        QApplication.sendEvent(widget, event)


def paste(qtbot: QtBot, widget: QWidget, text: str) -> None:
    clipboard = QApplication.clipboard()
    clipboard.setText(text)
    key_click(qtbot, widget, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def fill_required(qtbot: QtBot, dialog: ProfileDialog, name: str = "Prod admin") -> None:
    type_text(qtbot, edit(dialog, "nameEdit"), name)
    type_text(qtbot, edit(dialog, "accountEdit"), ACCOUNT)
    type_text(qtbot, edit(dialog, "roleEdit"), "Admin")


def click_ok(qtbot: QtBot, dialog: ProfileDialog) -> None:
    click(qtbot, dialog.ok_button)


# --- opening and the happy path ---


def test_new_profile_opens_with_ok_disabled_and_no_complaints(make_dialog: MakeDialog) -> None:
    dialog = make_dialog(title="Add role profile")

    assert dialog.windowTitle() == "Add role profile"
    assert not dialog.ok_button.isEnabled()
    shown = [label.objectName() for label in dialog.findChildren(QLabel) if label.isVisible()]
    assert not [name for name in shown if name.endswith("Error")]
    assert dialog.minimumWidth() >= 400
    assert edit(dialog, "accountEdit").placeholderText() == ACCOUNT
    assert edit(dialog, "roleEdit").placeholderText() == "OrganizationAccountAccessRole"


def test_typing_a_valid_profile_enables_ok_and_builds_it(
    qtbot: QtBot, make_dialog: MakeDialog
) -> None:
    dialog = make_dialog()

    fill_required(qtbot, dialog)
    assert dialog.ok_button.isEnabled()
    click_ok(qtbot, dialog)

    assert dialog.result() == QDialog.DialogCode.Accepted
    profile = dialog.profile()
    assert profile == RoleProfile(name="Prod admin", account_id=ACCOUNT, role_name="Admin")
    # Empty optionals and "Default (1 hour)" are stored as "not set".
    assert profile.external_id is None
    assert profile.region is None
    assert profile.session_name is None
    assert profile.mfa_serial is None
    assert profile.duration_seconds is None
    assert profile.source_profile == "default"
    assert profile.color == "blue"


def test_every_field_maps_to_the_profile(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog(aws_profiles=["default", "work"])
    fill_required(qtbot, dialog, name="Dev")
    type_text(qtbot, edit(dialog, "roleEdit"), "team/ops/Admin")
    type_text(qtbot, edit(dialog, "externalIdEdit"), "Ext-42")
    click(qtbot, swatch(dialog, "green"))
    type_text(qtbot, child(dialog, QComboBox, "sourceProfileCombo"), "work")
    type_text(qtbot, child(dialog, QComboBox, "regionCombo"), "eu-west-1")
    click(qtbot, child(dialog, QToolButton, "advancedToggle"))
    type_text(qtbot, edit(dialog, "sessionNameEdit"), "alice")
    type_text(qtbot, child(dialog, QSpinBox, "durationSpin"), "1800")
    type_text(qtbot, edit(dialog, "mfaSerialEdit"), "arn:aws:iam::111111111111:mfa/alice")

    click_ok(qtbot, dialog)

    assert dialog.profile() == RoleProfile(
        name="Dev",
        account_id=ACCOUNT,
        role_name="team/ops/Admin",
        source_profile="work",
        color="green",
        external_id="Ext-42",
        region="eu-west-1",
        mfa_serial="arn:aws:iam::111111111111:mfa/alice",
        session_name="alice",
        duration_seconds=1800,
    )


def test_profile_is_unavailable_until_accepted(make_dialog: MakeDialog) -> None:
    dialog = make_dialog()

    dialog.accept()  # invalid: must not close, must show what is missing

    assert dialog.isVisible()
    assert error_label(dialog, "name").isVisible()
    with pytest.raises(RuntimeError):
        dialog.profile()


# --- inline validation ---


def test_eleven_digit_account_is_refused_with_a_reason(
    qtbot: QtBot, make_dialog: MakeDialog
) -> None:
    dialog = make_dialog()
    fill_required(qtbot, dialog)

    type_text(qtbot, edit(dialog, "accountEdit"), "12345678901")

    label = error_label(dialog, "account_id")
    assert not dialog.ok_button.isEnabled()
    assert label.isVisible()
    assert "12 digits" in label.text()
    assert edit(dialog, "accountEdit").accessibleDescription() == label.text()

    key_clicks(qtbot, edit(dialog, "accountEdit"), "2")
    assert not label.isVisible()
    assert dialog.ok_button.isEnabled()


def test_non_ascii_digits_are_refused(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    fill_required(qtbot, dialog)
    account = edit(dialog, "accountEdit")
    key_click(qtbot, account, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)

    type_non_latin(account, "١٢٣٤٥٦٧٨٩٠١٢")  # twelve Arabic-Indic digits

    assert account.text() == "١٢٣٤٥٦٧٨٩٠١٢"
    assert not dialog.ok_button.isEnabled()
    assert error_label(dialog, "account_id").isVisible()


def test_duplicate_name_is_refused_case_insensitively(
    qtbot: QtBot, make_dialog: MakeDialog
) -> None:
    dialog = make_dialog(taken_names=["Prod", "Dev"])

    fill_required(qtbot, dialog, name="prod")

    label = error_label(dialog, "name")
    assert not dialog.ok_button.isEnabled()
    assert label.isVisible()
    assert "already exists" in label.text()


@pytest.mark.parametrize("external_id", ["x", "ab cd"], ids=["one-char", "space"])
def test_bad_external_id_is_refused(
    qtbot: QtBot, make_dialog: MakeDialog, external_id: str
) -> None:
    dialog = make_dialog()
    fill_required(qtbot, dialog)
    field = edit(dialog, "externalIdEdit")

    type_text(qtbot, field, external_id)

    label = error_label(dialog, "external_id")
    assert not dialog.ok_button.isEnabled()
    assert label.isVisible()
    assert "ExternalId" in label.text()

    # It is optional: clearing it makes the profile valid again.
    field.selectAll()
    key_click(qtbot, field, Qt.Key.Key_Backspace)
    assert not label.isVisible()
    assert dialog.ok_button.isEnabled()


def test_required_fields_stay_quiet_until_typed_in(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    name = edit(dialog, "nameEdit")

    key_clicks(qtbot, name, "P")
    key_click(qtbot, name, Qt.Key.Key_Backspace)

    assert error_label(dialog, "name").isVisible()
    assert not error_label(dialog, "account_id").isVisible()
    assert not error_label(dialog, "role_name").isVisible()
    assert set(dialog.errors()) == {"name", "account_id", "role_name"}


def test_invalid_region_is_refused_and_empty_region_is_allowed(
    qtbot: QtBot, make_dialog: MakeDialog
) -> None:
    dialog = make_dialog()
    fill_required(qtbot, dialog)
    region = child(dialog, QComboBox, "regionCombo")

    type_text(qtbot, region, "Frankfurt")
    assert error_label(dialog, "region").isVisible()
    assert not dialog.ok_button.isEnabled()

    region.setCurrentIndex(0)  # the empty entry: use the source profile's region
    assert not error_label(dialog, "region").isVisible()
    assert dialog.ok_button.isEnabled()


def test_too_short_duration_is_refused(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    fill_required(qtbot, dialog)
    spin = child(dialog, QSpinBox, "durationSpin")
    assert spin.lineEdit().text() == DEFAULT_DURATION_TEXT

    assert not spin.isVisible()  # "Advanced" starts collapsed

    type_text(qtbot, spin, "600")

    # The reason OK is disabled is never left hidden in the collapsed section.
    assert spin.isVisible()
    assert error_label(dialog, "duration_seconds").isVisible()
    assert "900" in error_label(dialog, "duration_seconds").text()
    assert not dialog.ok_button.isEnabled()


def test_advanced_toggle_shows_the_advanced_fields(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    session = edit(dialog, "sessionNameEdit")
    assert not session.isVisible()

    click(qtbot, child(dialog, QToolButton, "advancedToggle"))

    assert session.isVisible()
    assert session.placeholderText().startswith("Default: xacct-")


# --- role ARN paste ---


def test_pasted_role_arn_fills_account_and_role(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    type_text(qtbot, edit(dialog, "nameEdit"), "Team admin")

    paste(qtbot, edit(dialog, "roleEdit"), "arn:aws:iam::123456789012:role/team/Admin")

    assert edit(dialog, "accountEdit").text() == ACCOUNT
    assert edit(dialog, "roleEdit").text() == "team/Admin"
    assert not error_label(dialog, "role_name").isVisible()
    assert dialog.ok_button.isEnabled()
    click_ok(qtbot, dialog)
    assert dialog.profile().role_arn == "arn:aws:iam::123456789012:role/team/Admin"


def test_typed_role_arn_ends_up_split_too(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog()

    key_clicks(qtbot, edit(dialog, "roleEdit"), "arn:aws:iam::123456789012:role/team/Admin")

    assert edit(dialog, "accountEdit").text() == ACCOUNT
    assert edit(dialog, "roleEdit").text() == "team/Admin"


def test_malformed_arn_gets_the_arn_rule(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog()

    paste(qtbot, edit(dialog, "roleEdit"), "arn:aws:iam::12345:role/Admin")

    assert "arn:aws:iam::123456789012:role/RoleName" in error_label(dialog, "role_name").text()
    assert edit(dialog, "accountEdit").text() == ""


# --- editing ---


def existing_profile() -> RoleProfile:
    return make_profile(
        "Test",
        account_id="333333333333",
        role_name="team/Tester",
        external_id="TestExternal",
        color="#123abc",
        source_profile="work",
        region="ap-southeast-2",
        mfa_serial="arn:aws:iam::111111111111:mfa/alice",
        session_name="alice-test",
        duration_seconds=3600,
        notes="kept by a newer version",
        tags=["qa"],
    )


def test_editing_prefills_every_field(make_dialog: MakeDialog) -> None:
    dialog = make_dialog(profile=existing_profile(), aws_profiles=["default", "work"])

    assert edit(dialog, "nameEdit").text() == "Test"
    assert edit(dialog, "accountEdit").text() == "333333333333"
    assert edit(dialog, "roleEdit").text() == "team/Tester"
    assert edit(dialog, "externalIdEdit").text() == "TestExternal"
    assert child(dialog, ColorPicker, "colorPicker").value() == "#123abc"
    assert child(dialog, QComboBox, "sourceProfileCombo").currentText() == "work"
    assert child(dialog, QComboBox, "regionCombo").currentText() == "ap-southeast-2"
    assert edit(dialog, "mfaSerialEdit").text() == "arn:aws:iam::111111111111:mfa/alice"
    assert edit(dialog, "sessionNameEdit").text() == "alice-test"
    assert child(dialog, QSpinBox, "durationSpin").value() == 3600
    # Advanced values are set, so they are shown rather than hidden away.
    assert edit(dialog, "sessionNameEdit").isVisible()
    assert dialog.ok_button.isEnabled()


def test_editing_keeps_unknown_keys(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog(profile=existing_profile(), taken_names=["Prod"])

    type_text(qtbot, edit(dialog, "nameEdit"), "Test 2")
    click_ok(qtbot, dialog)

    result = dialog.profile()
    assert result.name == "Test 2"
    assert dict(result.extra) == {"notes": "kept by a newer version", "tags": ["qa"]}
    assert result.to_dict()["notes"] == "kept by a newer version"
    assert result.replace(name="Test") == existing_profile()


def test_clearing_an_optional_field_while_editing_unsets_it(
    qtbot: QtBot, make_dialog: MakeDialog
) -> None:
    dialog = make_dialog(profile=existing_profile())
    external = edit(dialog, "externalIdEdit")

    external.selectAll()
    key_click(qtbot, external, Qt.Key.Key_Delete)
    click_ok(qtbot, dialog)

    assert dialog.profile().external_id is None


# --- colour picker ---


def swatch(parent: QWidget, name: str) -> QAbstractButton:
    if isinstance(parent, ColorPicker):
        picker = parent
    else:
        picker = child(parent, ColorPicker, "colorPicker")
    matches = [button for button in picker.swatches() if button.accessibleName() == name]
    assert len(matches) == 1, f"no single swatch named {name!r}"
    return matches[0]


@pytest.fixture
def picker(qtbot: QtBot) -> ColorPicker:
    widget = ColorPicker()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_picker_offers_the_console_colours_in_console_order(picker: ColorPicker) -> None:
    buttons = picker.swatches()

    assert [button.accessibleName() for button in buttons] == [
        "red",
        "orange",
        "yellow",
        "green",
        "blue",
    ]
    assert [button.toolTip() for button in buttons] == list(CONSOLE_COLORS)
    assert picker.value() == "blue"
    assert [button.isChecked() for button in buttons] == [False, False, False, False, True]


def test_clicking_a_swatch_selects_that_colour(qtbot: QtBot, picker: ColorPicker) -> None:
    with qtbot.waitSignal(picker.changed) as blocker:
        click(qtbot, swatch(picker, "green"))

    assert blocker.args == ["green"]
    assert picker.value() == "green"
    checked = [button.accessibleName() for button in picker.swatches() if button.isChecked()]
    assert checked == ["green"]


def test_custom_colour_becomes_a_sixth_checked_swatch(
    qtbot: QtBot, picker: ColorPicker, monkeypatch: pytest.MonkeyPatch
) -> None:
    offered: list[str] = []

    def choose(current: str) -> str:
        offered.append(current)
        return "#123ABC"

    monkeypatch.setattr(picker, "choose_custom", choose)

    click(qtbot, child(picker, QAbstractButton, "customColorButton"))

    assert offered == ["blue"]
    assert picker.value() == "#123abc"
    buttons = picker.swatches()
    assert len(buttons) == 6
    assert buttons[-1].isChecked()
    assert buttons[-1].accessibleName() == "Custom #123abc"

    # The custom swatch stays on offer after choosing a console colour.
    click(qtbot, swatch(picker, "red"))
    click(qtbot, buttons[-1])
    assert picker.value() == "#123abc"


def test_cancelled_custom_choice_changes_nothing(
    qtbot: QtBot, picker: ColorPicker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(picker, "choose_custom", lambda current: None)

    click(qtbot, child(picker, QAbstractButton, "customColorButton"))

    assert picker.value() == "blue"
    assert len(picker.swatches()) == 5


def test_set_value_accepts_names_and_hex_and_refuses_the_rest(picker: ColorPicker) -> None:
    picker.set_value("yellow")
    assert picker.value() == "yellow"
    picker.set_value("#ABCDEF")
    assert picker.value() == "#abcdef"
    with pytest.raises(ValueError, match="#rrggbb"):
        picker.set_value("purple")
    assert picker.value() == "#abcdef"


def test_swatch_icon_is_a_filled_outlined_square(qtbot: QtBot) -> None:
    image = swatch_icon("#123abc", 16).pixmap(16, 16).toImage()

    assert image.pixelColor(8, 8) == QColor("#123abc")
    assert image.pixelColor(0, 0).alpha() < 255  # rounded corner
    edge = image.pixelColor(8, 0)
    assert edge.lightness() < QColor("#123abc").lightness()  # thin darker border
    assert swatch_icon("green").pixmap(16, 16).toImage().pixelColor(8, 8) == QColor(
        CONSOLE_COLORS["green"]
    )


# --- preview, source profiles, tab order ---


def test_preview_follows_name_account_and_colour(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    preview = child(dialog, QLabel, "previewBanner")

    type_text(qtbot, edit(dialog, "nameEdit"), "Prod")
    type_text(qtbot, edit(dialog, "accountEdit"), ACCOUNT)
    click(qtbot, swatch(dialog, "green"))

    assert preview.text() == f"Prod @ {ACCOUNT}"
    green = CONSOLE_COLORS["green"]
    assert preview.palette().color(QPalette.ColorRole.Window) == QColor(green)
    assert preview.palette().color(QPalette.ColorRole.WindowText) == QColor(text_color_for(green))
    assert preview.grab().toImage().pixelColor(2, 2) == QColor(green)

    child(dialog, ColorPicker, "colorPicker").set_value("#123abc")  # dark: white text
    assert preview.palette().color(QPalette.ColorRole.WindowText) == QColor("#ffffff")
    assert preview.grab().toImage().pixelColor(2, 2) == QColor("#123abc")


def test_source_profile_combo_lists_the_aws_profiles(make_dialog: MakeDialog) -> None:
    dialog = make_dialog(aws_profiles=["dev", "default", "sso-admin"])
    combo = child(dialog, QComboBox, "sourceProfileCombo")

    assert [combo.itemText(i) for i in range(combo.count())] == ["dev", "default", "sso-admin"]
    assert combo.isEditable()
    assert combo.currentText() == "default"


@pytest.mark.parametrize(
    ("aws_profiles", "expected"), [(["work", "home"], "work"), ([], "default")]
)
def test_source_profile_defaults_sensibly(
    make_dialog: MakeDialog, aws_profiles: list[str], expected: str
) -> None:
    dialog = make_dialog(aws_profiles=aws_profiles)

    assert child(dialog, QComboBox, "sourceProfileCombo").currentText() == expected


def test_tab_order_runs_top_to_bottom(make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    expected = [
        "nameEdit",
        "accountEdit",
        "roleEdit",
        "externalIdEdit",
        "sourceKindCombo",
        "sourceProfileCombo",
        "sourceKeyCombo",
        "sourceRoleCombo",
        "regionCombo",
        "advancedToggle",
        "sessionNameEdit",
        "durationSpin",
        "mfaSerialEdit",
        "sourceIdentityEdit",
    ]
    seen: list[str] = []
    widget: QWidget | None = edit(dialog, "nameEdit")
    for _ in range(200):  # the chain is a cycle; bound the walk
        assert widget is not None
        if widget.objectName() in expected and widget.objectName() not in seen:
            seen.append(widget.objectName())
        widget = widget.nextInFocusChain()

    assert seen == expected


# --- the source: AWS CLI profile, sign-in key or another saved role ---

SOURCE_COMBOS = ("sourceProfileCombo", "sourceKeyCombo", "sourceRoleCombo", "sourceSsoCombo")


def combo(dialog: ProfileDialog, name: str) -> QComboBox:
    return child(dialog, QComboBox, name)


def items(box: QComboBox) -> list[str]:
    return [box.itemText(i) for i in range(box.count())]


def choose(qtbot: QtBot, box: QComboBox, text: str) -> None:
    """Pick ``text`` from a closed combo with the arrow keys, as a keyboard user would."""
    target = box.findText(text)
    assert target >= 0, f"{text!r} is not offered in {box.objectName()}: {items(box)}"
    box.setFocus()
    key_click(qtbot, box, Qt.Key.Key_Home)
    for _ in range(target):
        key_click(qtbot, box, Qt.Key.Key_Down)
    assert box.currentText() == text


def visible_source_combos(dialog: ProfileDialog) -> list[str]:
    return [name for name in SOURCE_COMBOS if combo(dialog, name).isVisible()]


def test_source_kinds_are_offered_and_one_combo_shows(
    qtbot: QtBot, make_dialog: MakeDialog
) -> None:
    dialog = make_dialog(sign_in_keys=["Work"], saved_roles=["Dev"])
    kind = combo(dialog, "sourceKindCombo")

    assert items(kind) == [
        "AWS CLI profile",
        "Sign-in key",
        "Another saved role",
        "IAM Identity Center",
    ]
    assert kind.currentText() == "AWS CLI profile"
    assert visible_source_combos(dialog) == ["sourceProfileCombo"]

    choose(qtbot, kind, "Sign-in key")
    assert visible_source_combos(dialog) == ["sourceKeyCombo"]

    choose(qtbot, kind, "Another saved role")
    assert visible_source_combos(dialog) == ["sourceRoleCombo"]

    choose(qtbot, kind, "IAM Identity Center")
    assert visible_source_combos(dialog) == ["sourceSsoCombo"]


def test_an_identity_center_profile_keeps_its_source_or_leaves_it_whole(
    qtbot: QtBot, make_dialog: MakeDialog
) -> None:
    sso = make_profile(
        name="shop / Admin",
        source_profile=None,
        sso_start_url="https://d-1234567890.awsapps.com/start",
        sso_region="eu-west-1",
    )
    dialog = make_dialog(profile=sso)
    assert combo(dialog, "sourceKindCombo").currentText() == "IAM Identity Center"
    assert combo(dialog, "sourceSsoCombo").currentText() == sso.sso_start_url
    type_text(qtbot, child(dialog, QLineEdit, "nameEdit"), "Shop admin")
    click_ok(qtbot, dialog)
    assert dialog.profile().sso_start_url == sso.sso_start_url
    assert dialog.profile().sso_region == "eu-west-1" and dialog.profile().name == "Shop admin"

    other = make_dialog(profile=sso)
    choose(qtbot, combo(other, "sourceKindCombo"), "AWS CLI profile")
    click_ok(qtbot, other)
    assert other.profile().source_kind == "profile"
    assert other.profile().sso_start_url is None and other.profile().sso_region is None


def test_sign_in_key_source_sets_only_source_key(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog(aws_profiles=["default", "work"], sign_in_keys=["Home", "Work"])
    fill_required(qtbot, dialog)
    type_text(qtbot, combo(dialog, "sourceProfileCombo"), "work")

    choose(qtbot, combo(dialog, "sourceKindCombo"), "Sign-in key")
    assert items(combo(dialog, "sourceKeyCombo")) == ["Home", "Work"]
    choose(qtbot, combo(dialog, "sourceKeyCombo"), "Work")
    click_ok(qtbot, dialog)

    profile = dialog.profile()
    assert (profile.source_profile, profile.source_key, profile.source_role) == (
        "default",
        "Work",
        None,
    )
    assert profile.source_kind == "key"
    data = profile.to_dict()
    assert data["source_key"] == "Work"
    assert "source_role" not in data


def test_saved_role_source_sets_only_source_role(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog(sign_in_keys=["Work"], saved_roles=["Dev", "Prod"])
    fill_required(qtbot, dialog, name="Audit")
    choose(qtbot, combo(dialog, "sourceKindCombo"), "Sign-in key")

    choose(qtbot, combo(dialog, "sourceKindCombo"), "Another saved role")
    choose(qtbot, combo(dialog, "sourceRoleCombo"), "Prod")
    click_ok(qtbot, dialog)

    profile = dialog.profile()
    assert (profile.source_profile, profile.source_key, profile.source_role) == (
        "default",
        None,
        "Prod",
    )


def test_going_back_to_a_cli_profile_drops_the_key_and_role(
    qtbot: QtBot, make_dialog: MakeDialog
) -> None:
    chained = existing_profile().replace(source_profile="default", source_role="Dev")
    dialog = make_dialog(
        profile=chained,
        aws_profiles=["default", "work"],
        sign_in_keys=["Work"],
        saved_roles=["Dev"],
    )
    kind = combo(dialog, "sourceKindCombo")
    assert kind.currentText() == "Another saved role"
    assert combo(dialog, "sourceRoleCombo").currentText() == "Dev"
    assert visible_source_combos(dialog) == ["sourceRoleCombo"]

    choose(qtbot, kind, "AWS CLI profile")
    choose(qtbot, combo(dialog, "sourceProfileCombo"), "work")
    click_ok(qtbot, dialog)

    profile = dialog.profile()
    assert (profile.source_profile, profile.source_key, profile.source_role) == ("work", None, None)
    assert "source_role" not in profile.to_dict()


def test_editing_a_key_sourced_profile_prefills_the_key(make_dialog: MakeDialog) -> None:
    keyed = existing_profile().replace(source_profile="default", source_key="Work")
    dialog = make_dialog(profile=keyed, sign_in_keys=["Home", "Work"])

    assert combo(dialog, "sourceKindCombo").currentText() == "Sign-in key"
    assert combo(dialog, "sourceKeyCombo").currentText() == "Work"
    assert visible_source_combos(dialog) == ["sourceKeyCombo"]
    assert dialog.ok_button.isEnabled()


def test_own_name_is_not_offered_as_source_role(make_dialog: MakeDialog) -> None:
    dialog = make_dialog(profile=existing_profile(), saved_roles=["Dev", "Test", "Prod", "TEST"])

    assert items(combo(dialog, "sourceRoleCombo")) == ["Dev", "Prod"]


def test_a_profile_cannot_be_its_own_source(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog(saved_roles=["Dev"])
    fill_required(qtbot, dialog, name="dev")

    choose(qtbot, combo(dialog, "sourceKindCombo"), "Another saved role")

    label = error_label(dialog, "source_role")
    assert label.isVisible()
    assert "cannot be its own source" in label.text()
    assert not dialog.ok_button.isEnabled()


@pytest.mark.parametrize(
    ("kind", "key", "words"),
    [
        ("Sign-in key", "source_key", "no sign-in keys yet"),
        ("Another saved role", "source_role", "no other saved role"),
    ],
)
def test_a_kind_with_nothing_to_choose_says_so(
    qtbot: QtBot, make_dialog: MakeDialog, kind: str, key: str, words: str
) -> None:
    dialog = make_dialog()
    fill_required(qtbot, dialog)

    choose(qtbot, combo(dialog, "sourceKindCombo"), kind)

    assert error_label(dialog, key).isVisible()
    assert words in error_label(dialog, key).text()
    assert not dialog.ok_button.isEnabled()

    choose(qtbot, combo(dialog, "sourceKindCombo"), "AWS CLI profile")
    assert not error_label(dialog, key).isVisible()
    assert dialog.ok_button.isEnabled()


def test_a_deleted_key_is_shown_and_refused(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    keyed = existing_profile().replace(source_profile="default", source_key="Old")
    dialog = make_dialog(profile=keyed, sign_in_keys=["Work"])

    assert combo(dialog, "sourceKeyCombo").currentText() == "Old"
    label = error_label(dialog, "source_key")
    assert label.isVisible()
    assert "no sign-in key named 'Old'" in label.text()
    assert not dialog.ok_button.isEnabled()

    choose(qtbot, combo(dialog, "sourceKeyCombo"), "Work")
    assert not label.isVisible()
    assert dialog.ok_button.isEnabled()


def set_duration(qtbot: QtBot, dialog: ProfileDialog, seconds: int) -> None:
    spin = child(dialog, QSpinBox, "durationSpin")
    if not spin.isVisible():
        click(qtbot, child(dialog, QToolButton, "advancedToggle"))
    type_text(qtbot, spin, str(seconds))
    assert spin.value() == seconds


def test_chain_note_for_a_long_chained_session(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog(saved_roles=["Dev"])
    fill_required(qtbot, dialog)
    note = child(dialog, QLabel, "chainNote")
    set_duration(qtbot, dialog, 7200)
    assert not note.isVisible()  # a CLI profile source may ask for 2 hours

    choose(qtbot, combo(dialog, "sourceKindCombo"), "Another saved role")

    assert note.isVisible()
    assert note.text() == CHAIN_NOTE_TEXT
    assert note.text() == (
        "Chained role sessions last at most 1 hour (AWS limit); the app will ask for 3600 seconds."
    )
    # A note, not an error: the profile may still be saved.
    assert not error_label(dialog, "duration_seconds").isVisible()
    assert dialog.ok_button.isEnabled()

    set_duration(qtbot, dialog, 3600)
    assert not note.isVisible()
    set_duration(qtbot, dialog, 7200)
    assert note.isVisible()
    click_ok(qtbot, dialog)
    assert dialog.profile().duration_seconds == 7200
    assert dialog.profile().source_role == "Dev"


def test_source_identity_is_validated_and_saved(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    fill_required(qtbot, dialog)
    click(qtbot, child(dialog, QToolButton, "advancedToggle"))
    identity = edit(dialog, "sourceIdentityEdit")
    label = error_label(dialog, "source_identity")

    for bad in ("a", "alice smith", "ålice"):
        type_text(qtbot, identity, bad)
        assert label.isVisible(), bad
        assert "source identity" in label.text()
        assert not dialog.ok_button.isEnabled()

    type_text(qtbot, identity, "alice@example.com")
    assert not label.isVisible()
    click_ok(qtbot, dialog)
    assert dialog.profile().source_identity == "alice@example.com"


def test_editing_shows_a_set_source_identity(make_dialog: MakeDialog) -> None:
    dialog = make_dialog(profile=existing_profile().replace(source_identity="alice"))

    assert edit(dialog, "sourceIdentityEdit").text() == "alice"
    assert edit(dialog, "sourceIdentityEdit").isVisible()
