"""Ask for the 6-digit MFA code before assuming a role that needs one.

The code is a one-time secret: this module never logs it, and the field is
emptied (with its undo history) as soon as the dialog is done with it.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, Slot
from PySide6.QtGui import QFont, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xacct_gui.core.validation import check_mfa_code
from xacct_gui.gui.widgets.buttons import ok_cancel_buttons
from xacct_gui.gui.widgets.fonts import monospace_font
from xacct_gui.gui.widgets.plain_text import plain

CODE_LENGTH = 6
SHARED_SESSION_TEXT = (
    "One code unlocks every role that uses this source and MFA device for this session."
)
# How much larger than the dialog's own font the code is drawn.
_CODE_FONT_SCALE = 1.8


def _code_font(base: QFont) -> QFont:
    font = monospace_font()
    font.setStyleHint(QFont.StyleHint.Monospace)
    if base.pointSizeF() > 0:
        font.setPointSizeF(base.pointSizeF() * _CODE_FONT_SCALE)
    else:  # a pixel-sized base font has no point size
        font.setPixelSize(round(base.pixelSize() * _CODE_FONT_SCALE))
    font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 120)
    return font


class MfaCodeDialog(QDialog):
    """One field for the code from the user's MFA device; OK only for exactly 6 digits."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        serial: str,
        profile_name: str,
        reason: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("MFA code")
        self.setModal(True)

        prompt = plain(QLabel(self))
        prompt.setObjectName("mfaPrompt")
        # Plain text: a profile name or serial must never be read as markup.
        prompt.setTextFormat(Qt.TextFormat.PlainText)
        prompt.setWordWrap(True)
        prompt.setText(
            f"Enter the current {CODE_LENGTH}-digit code from the MFA device\n{serial}\n"
            f"to switch to “{profile_name}”.\n\n{SHARED_SESSION_TEXT}"
        )

        self._reason = plain(QLabel(self))
        self._reason.setObjectName("mfaReason")
        self._reason.setTextFormat(Qt.TextFormat.PlainText)
        self._reason.setWordWrap(True)
        self._reason.setText(reason)
        self._reason.setVisible(bool(reason))

        self._edit = QLineEdit(self)
        self._edit.setObjectName("mfaCodeEdit")
        self._edit.setAccessibleName("MFA code")
        self._edit.setAccessibleDescription(f"{CODE_LENGTH} digits from the device {serial}")
        # ASCII digits only: [0-9] is a plain range, unlike \d, so other scripts'
        # digits (which STS refuses) cannot be typed or pasted.
        self._edit.setValidator(
            QRegularExpressionValidator(QRegularExpression(f"[0-9]{{0,{CODE_LENGTH}}}"), self)
        )
        self._edit.setMaxLength(CODE_LENGTH)
        self._edit.setInputMethodHints(
            Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData
        )
        self._edit.setFont(_code_font(self.font()))
        self._edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._edit.setPlaceholderText("0" * CODE_LENGTH)
        self._edit.setMinimumWidth(
            self._edit.fontMetrics().horizontalAdvance("0" * (CODE_LENGTH + 3))
        )
        prompt.setBuddy(self._edit)

        self._buttons, self._ok_button = ok_cancel_buttons(self)
        self._ok_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(prompt)
        layout.addWidget(self._reason)
        layout.addWidget(self._edit)
        layout.addWidget(self._buttons)

        self._edit.textChanged.connect(self._update_ok)
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)
        self._update_ok()
        self._edit.setFocus()

    # --- public API ---

    @property
    def ok_button(self) -> QPushButton:
        return self._ok_button

    def code(self) -> str:
        """The code typed so far; empty once the dialog was cancelled."""
        return self._edit.text()

    def clear_code(self) -> None:
        """Empty the field. ``setText`` (unlike ``clear``) also drops the undo history."""
        self._edit.setText("")

    def accept(self) -> None:
        if check_mfa_code(self.code()) is not None:
            return  # only reachable through a direct call: OK is disabled
        super().accept()

    def reject(self) -> None:
        # Escape, Cancel and the window's close button all end up here.
        self.clear_code()
        super().reject()

    # --- internals ---

    @Slot()
    def _update_ok(self) -> None:
        self._ok_button.setEnabled(check_mfa_code(self._edit.text()) is None)


def ask_mfa_code(
    parent: QWidget | None, serial: str, profile_name: str, reason: str = ""
) -> str | None:
    """Ask for a code modally; the code, or ``None`` when the user cancelled."""
    dialog = MfaCodeDialog(parent, serial=serial, profile_name=profile_name, reason=reason)
    try:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.code() if accepted else None
    finally:
        dialog.clear_code()
        dialog.deleteLater()
