"""Fonts the dialogs share."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase


def monospace_font() -> QFont:
    """The system's fixed-width font, for configuration text and codes."""
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
