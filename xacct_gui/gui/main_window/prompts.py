"""The modal questions the window asks: yes/no, an MFA code, a file name, a browser.

Each is a method of one small object so tests replace exactly the question they
answer (``monkeypatch.setattr(window.prompts, "confirm", ...)``) and the helpers
that ask stay free of dialogs.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QMessageBox, QWidget


def confirmation_box(
    parent: QWidget, title: str, text: str, destructive: str | None = None
) -> tuple[QMessageBox, QAbstractButton]:
    """The question :meth:`Prompts.confirm` shows, and its yes button (apart for tests)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # the text holds names: never markup
    if destructive:
        yes = box.addButton(destructive, QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
    else:
        yes = box.addButton(QMessageBox.StandardButton.Yes)
        box.setDefaultButton(box.addButton(QMessageBox.StandardButton.No))
    return box, yes


class Prompts:
    """Asks the user on behalf of ``parent``; every method blocks until answered."""

    def __init__(self, parent: QWidget) -> None:
        self._parent = parent

    def confirm(self, title: str, text: str, destructive: str | None = None) -> bool:
        """Ask yes or no; a ``destructive`` question names its action on the button and
        defaults to Cancel, so a stray Enter destroys nothing."""
        box, yes = confirmation_box(self._parent, title, text, destructive)
        try:
            box.exec()
            return box.clickedButton() is yes
        finally:
            box.deleteLater()

    def ask_mfa_code(self, serial: str, profile_name: str) -> str | None:
        """A 6-digit code from ``serial``, or None when the user cancels."""
        from xacct_gui.gui.mfa_dialog import ask_mfa_code

        return ask_mfa_code(self._parent, serial, profile_name)

    def open_url(self, url: str) -> bool:
        """Open ``url`` in a browser (``BROWSER``, else the desktop's default); True when
        one was started. Not Qt's openUrl: it prints the URL on stderr when it fails."""
        from xacct_gui.core.browser import open_url

        return open_url(url)

    def choose_config_file(self, missing: str) -> str | None:
        """An AWS config file to import when ``missing`` (the usual one) does not exist."""
        path, _ = QFileDialog.getOpenFileName(
            self._parent, f"No AWS config file at {missing}: choose one", "", "All files (*)"
        )
        return path or None

    def choose_csv_path(self, default_name: str) -> str | None:
        """Where to save a CSV file; None when the user cancels."""
        path, _ = QFileDialog.getSaveFileName(
            self._parent, "Export buckets as CSV", default_name, "CSV files (*.csv)"
        )
        return path or None
