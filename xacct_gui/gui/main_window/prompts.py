"""The modal questions the window asks: yes/no, an MFA code, a file name, a browser.

Each is a method of one small object so tests replace exactly the question they
answer (``monkeypatch.setattr(window.prompts, "confirm", ...)``) and the helpers
that ask stay free of dialogs.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QWidget


class Prompts:
    """Asks the user on behalf of ``parent``; every method blocks until answered."""

    def __init__(self, parent: QWidget) -> None:
        self._parent = parent

    def confirm(self, title: str, text: str) -> bool:
        from xacct_gui.gui.widgets.plain_text import ask

        return ask(self._parent, title, text)

    def ask_mfa_code(self, serial: str, profile_name: str) -> str | None:
        """A 6-digit code from ``serial``, or None when the user cancels."""
        from xacct_gui.gui.mfa_dialog import ask_mfa_code

        return ask_mfa_code(self._parent, serial, profile_name)

    def open_url(self, url: str) -> bool:
        """Open ``url`` in a browser (``BROWSER``, else the desktop's default); True when
        one was started. Not Qt's openUrl: it prints the URL on stderr when it fails."""
        from xacct_gui.core.browser import open_url

        return open_url(url)

    def choose_csv_path(self, default_name: str) -> str | None:
        """Where to save a CSV file; None when the user cancels."""
        path, _ = QFileDialog.getSaveFileName(
            self._parent, "Export buckets as CSV", default_name, "CSV files (*.csv)"
        )
        return path or None
