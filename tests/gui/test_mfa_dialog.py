"""The MFA code dialog: six ASCII digits, nothing else, and nothing left behind."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.test_profile_dialog import child, click, key_click, key_clicks, paste, type_non_latin
from xacct_gui.gui.mfa_dialog import SHARED_SESSION_TEXT, MfaCodeDialog, ask_mfa_code
from xacct_gui.gui.widgets.fonts import has_even_advances, monospace_font

SERIAL = "arn:aws:iam::111111111111:mfa/alice"


@pytest.fixture
def dialog(qtbot: QtBot) -> MfaCodeDialog:
    widget = MfaCodeDialog(serial=SERIAL, profile_name="Prod admin")
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def code_edit(dialog: QWidget) -> QLineEdit:
    return child(dialog, QLineEdit, "mfaCodeEdit")


def test_six_digits_enable_ok_and_are_the_code(qtbot: QtBot, dialog: MfaCodeDialog) -> None:
    assert not dialog.ok_button.isEnabled()

    key_clicks(qtbot, code_edit(dialog), "123456")

    assert dialog.ok_button.isEnabled()
    click(qtbot, dialog.ok_button)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.code() == "123456"


def test_five_digits_are_not_enough(qtbot: QtBot, dialog: MfaCodeDialog) -> None:
    edit = code_edit(dialog)
    key_clicks(qtbot, edit, "12345")

    assert not dialog.ok_button.isEnabled()
    key_click(qtbot, edit, Qt.Key.Key_Return)  # the default button is disabled: no accept
    dialog.accept()  # nor through a direct call
    assert dialog.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_letters_and_a_seventh_digit_cannot_be_typed(qtbot: QtBot, dialog: MfaCodeDialog) -> None:
    edit = code_edit(dialog)

    key_clicks(qtbot, edit, "1a2B3 -4")
    assert edit.text() == "1234"

    key_clicks(qtbot, edit, "567")
    assert edit.text() == "123456"
    assert edit.maxLength() == 6


@pytest.mark.parametrize(
    "digits", ["١٢٣٤٥٦", "１２３４５６", "߁߂߃߄߅߆"], ids=["arabic-indic", "full-width", "nko"]
)
def test_non_ascii_digits_are_refused(qtbot: QtBot, dialog: MfaCodeDialog, digits: str) -> None:
    edit = code_edit(dialog)

    type_non_latin(edit, digits)
    assert edit.text() == ""

    paste(qtbot, edit, digits)
    assert edit.text() == ""
    assert not dialog.ok_button.isEnabled()

    # A mix keeps only the ASCII digits that were typed.
    key_clicks(qtbot, edit, "12")
    type_non_latin(edit, digits[:2])
    key_clicks(qtbot, edit, "3456")
    assert edit.text() == "123456"
    assert dialog.ok_button.isEnabled()


def test_cancel_empties_the_field_for_good(qtbot: QtBot, dialog: MfaCodeDialog) -> None:
    edit = code_edit(dialog)
    key_clicks(qtbot, edit, "654321")

    dialog.reject()

    assert dialog.result() == QDialog.DialogCode.Rejected
    assert edit.text() == ""
    assert dialog.code() == ""
    assert not edit.isUndoAvailable()  # Ctrl+Z cannot bring it back
    edit.undo()
    assert edit.text() == ""


def test_escape_empties_the_field(qtbot: QtBot, dialog: MfaCodeDialog) -> None:
    edit = code_edit(dialog)
    key_clicks(qtbot, edit, "654321")

    key_click(qtbot, edit, Qt.Key.Key_Escape)

    assert not dialog.isVisible()
    assert edit.text() == ""


def test_closing_the_window_empties_the_field(qtbot: QtBot, dialog: MfaCodeDialog) -> None:
    key_clicks(qtbot, code_edit(dialog), "654321")

    dialog.close()

    assert dialog.result() == QDialog.DialogCode.Rejected
    assert code_edit(dialog).text() == ""


def test_prompt_names_the_device_and_the_profile(dialog: MfaCodeDialog) -> None:
    prompt = child(dialog, QLabel, "mfaPrompt")

    assert SERIAL in prompt.text()
    assert "Prod admin" in prompt.text()
    assert SHARED_SESSION_TEXT in prompt.text()
    assert SHARED_SESSION_TEXT == (
        "One code unlocks every role that uses this source and MFA device for this session."
    )
    assert prompt.textFormat() == Qt.TextFormat.PlainText
    assert not child(dialog, QLabel, "mfaReason").isVisible()


def test_reason_is_shown_when_given(qtbot: QtBot) -> None:
    dialog = MfaCodeDialog(
        serial=SERIAL, profile_name="Dev", reason="The session for Dev has expired."
    )
    qtbot.addWidget(dialog)
    dialog.show()

    reason = child(dialog, QLabel, "mfaReason")
    assert reason.isVisible()
    assert reason.text() == "The session for Dev has expired."


def test_field_is_a_large_digits_only_monospaced_entry(dialog: MfaCodeDialog) -> None:
    edit = code_edit(dialog)

    assert edit.inputMethodHints() & Qt.InputMethodHint.ImhDigitsOnly
    assert edit.echoMode() == QLineEdit.EchoMode.Normal  # a one-time code may be read back
    assert edit.font().styleHint() == QFont.StyleHint.Monospace
    # What a user needs from a monospaced code: every digit takes the same room.
    assert has_even_advances(edit.font())
    assert edit.font().pointSizeF() > dialog.font().pointSizeF() * 1.5
    assert edit.hasFocus()


# --- the modal helper the main window calls ---


def answer_modal(qtbot: QtBot, act: Callable[[MfaCodeDialog], None]) -> None:
    """Once the modal MFA dialog is up, ``act`` on it (exec() blocks this test)."""
    attempts = 0

    def poll() -> None:
        nonlocal attempts
        attempts += 1
        modal = QApplication.activeModalWidget()
        if isinstance(modal, MfaCodeDialog):
            act(modal)
        elif attempts < 200:
            QTimer.singleShot(10, poll)
        else:  # never leave exec() blocking the suite
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, QDialog):
                    widget.reject()
            pytest.fail("the MFA dialog never became the modal window")

    QTimer.singleShot(0, poll)


def test_ask_returns_the_code_and_logs_nothing(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    seen: list[MfaCodeDialog] = []

    def enter(modal: MfaCodeDialog) -> None:
        seen.append(modal)
        key_clicks(qtbot, code_edit(modal), "246810")
        click(qtbot, modal.ok_button)

    answer_modal(qtbot, enter)
    assert ask_mfa_code(None, SERIAL, "Prod admin") == "246810"

    assert "246810" not in caplog.text
    assert seen and seen[0].isModal()
    # The dialog is emptied once the code has been handed over.
    assert code_edit(seen[0]).text() == ""


def test_ask_returns_none_when_cancelled(qtbot: QtBot) -> None:
    def cancel(modal: MfaCodeDialog) -> None:
        key_clicks(qtbot, code_edit(modal), "135790")
        key_click(qtbot, code_edit(modal), Qt.Key.Key_Escape)

    answer_modal(qtbot, cancel)
    assert ask_mfa_code(None, SERIAL, "Prod admin") is None


def test_the_shared_monospace_font_lines_characters_up(qtbot: QtBot) -> None:
    from PySide6.QtGui import QFontDatabase

    assert has_even_advances(monospace_font())
    # The check itself can fail: the system's proportional font does not line up.
    assert not has_even_advances(QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont))
