"""The button boxes every dialog of the app builds the same way."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QWidget


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


def close_button_box(dialog: QDialog) -> QDialogButtonBox:
    """A box with one Close button (objectName ``buttonBox``), for dialogs that only show."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.setObjectName("buttonBox")
    return buttons


def side_button(parent: QWidget | None, object_name: str, text: str) -> QPushButton:
    """A push button beside a list; never the default, so Enter still means OK."""
    button = QPushButton(text, parent)
    button.setObjectName(object_name)
    button.setAutoDefault(False)
    return button
