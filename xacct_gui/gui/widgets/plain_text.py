"""User and AWS data is shown as plain text, never interpreted as markup.

Qt guesses: a label or tooltip whose text looks like HTML is drawn as rich text. A
profile named ``Dev @ 111111111111<font color=#83d4e8>`` then hides the real account
in the banner that exists to show it. Labels that show data get
``Qt.TextFormat.PlainText``; tooltips (which have no such switch) get the text
escaped into the rich text that draws exactly it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget


def plain(label: QLabel) -> QLabel:
    """``label``, set to draw its text literally; returned for chaining."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def plain_tooltip(text: str) -> str:
    """``text`` as a tooltip that shows exactly it (line breaks kept)."""
    if not GuiQt.mightBeRichText(text):
        return text  # Qt shows it as it is already
    return GuiQt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpacePre)


def ask(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    icon: QMessageBox.Icon = QMessageBox.Icon.Question,
    default_yes: bool = True,
) -> bool:
    """A yes/no question whose text (holding names) is plain text; True for Yes."""
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDefaultButton(
        QMessageBox.StandardButton.Yes if default_yes else QMessageBox.StandardButton.No
    )
    try:
        return box.exec() == QMessageBox.StandardButton.Yes
    finally:
        box.deleteLater()


def warn(parent: QWidget | None, title: str, text: str) -> int:
    """A warning with an OK button; its text is plain text."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    try:
        return int(box.exec())
    finally:
        box.deleteLater()
