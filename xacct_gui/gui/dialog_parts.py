"""Small pieces every dialog of the app builds the same way."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton


def ok_cancel_buttons(dialog: QDialog) -> tuple[QDialogButtonBox, QPushButton]:
    """An OK/Cancel box (objectName ``buttonBox``) and its OK button, for inline validation
    to enable and disable."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.setObjectName("buttonBox")
    ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok_button is not None  # the box was just built with an Ok button
    return buttons, ok_button
