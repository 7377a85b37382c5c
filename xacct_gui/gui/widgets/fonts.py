"""Fonts the dialogs share."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QFontMetricsF

# What a monospaced font is for here: codes and configuration text whose characters
# line up. Checked on the glyphs themselves, because a font's fixed-pitch flag is
# unreliable (Qt reports Noto Sans Mono, a common default on Linux, as proportional).
_SAMPLE = "0123456789iWm.:-"


def has_even_advances(font: QFont) -> bool:
    """True when every sample character of ``font`` is drawn equally wide."""
    metrics = QFontMetricsF(font)
    return len({round(metrics.horizontalAdvance(ch), 2) for ch in _SAMPLE}) == 1


def monospace_font() -> QFont:
    """The system's fixed-width font, or the first installed one whose glyphs line up."""
    system = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if has_even_advances(system):
        return system
    for family in QFontDatabase.families():
        if QFontDatabase.isFixedPitch(family):
            candidate = QFont(family, system.pointSize())
            if has_even_advances(candidate):
                return candidate
    return system  # nothing better installed: still the best guess
