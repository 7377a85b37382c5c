"""The button boxes every dialog of the app builds the same way."""

from __future__ import annotations

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QWidget


def plain_buttons(box: QDialogButtonBox) -> QDialogButtonBox:
    """No stock icons on OK, Cancel, Close: some desktop themes add dated ones (a green
    tick, a red no-entry sign) that match nothing else in the app (docs/ui.md, Icons)."""
    for button in box.buttons():
        button.setIcon(QIcon())
    return box


def ok_cancel_buttons(dialog: QDialog) -> tuple[QDialogButtonBox, QPushButton]:
    """An OK/Cancel box (objectName ``buttonBox``) and its OK button, for inline validation
    to enable and disable."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.setObjectName("buttonBox")
    plain_buttons(buttons)
    ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok_button is not None  # the box was just built with an Ok button
    return buttons, ok_button


def close_button_box(dialog: QDialog) -> QDialogButtonBox:
    """A box with one Close button (objectName ``buttonBox``), for dialogs that only show."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.setObjectName("buttonBox")
    return plain_buttons(buttons)


def side_button(parent: QWidget | None, object_name: str, text: str) -> QPushButton:
    """A push button beside a list; never the default, so Enter still means OK."""
    button = QPushButton(text, parent)
    button.setObjectName(object_name)
    button.setAutoDefault(False)
    return button
