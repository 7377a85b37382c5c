"""A light and a dark palette for the Fusion style, as a desktop's themes give them.

The app follows the platform's palette; these two stand in for a light and a
dark desktop where that must be chosen on purpose: the design tests check every
colour pair against both, and build_scripts/screenshots.py renders with them.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

_LIGHT = {
    Role.Window: "#f3f4f6", Role.WindowText: "#16191f", Role.Base: "#ffffff",
    Role.AlternateBase: "#f7f8f9", Role.Text: "#16191f", Role.Button: "#f3f4f6",
    Role.ButtonText: "#16191f", Role.Highlight: "#0972d3", Role.HighlightedText: "#ffffff",
    Role.ToolTipBase: "#ffffff", Role.ToolTipText: "#16191f", Role.PlaceholderText: "#5f6b7a",
    Role.Mid: "#c6c6cd", Role.Dark: "#8d99a8", Role.Light: "#ffffff", Role.Link: "#0972d3",
}  # fmt: skip
_DARK = {
    Role.Window: "#1b1f24", Role.WindowText: "#e9ebed", Role.Base: "#111418",
    Role.AlternateBase: "#181c21", Role.Text: "#e9ebed", Role.Button: "#262b31",
    Role.ButtonText: "#e9ebed", Role.Highlight: "#2f7fd1", Role.HighlightedText: "#ffffff",
    Role.ToolTipBase: "#262b31", Role.ToolTipText: "#e9ebed", Role.PlaceholderText: "#9ba7b6",
    Role.Mid: "#3c434c", Role.Dark: "#0c0e11", Role.Light: "#3c434c", Role.Link: "#6cb2ff",
}  # fmt: skip


def _palette(colors: dict[QPalette.ColorRole, str]) -> QPalette:
    palette = QPalette()
    for role, value in colors.items():
        palette.setColor(role, QColor(value))
    disabled = QColor(colors[Role.PlaceholderText])
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        palette.setColor(Group.Disabled, role, disabled)
    return palette


def light_palette() -> QPalette:
    return _palette(_LIGHT)


def dark_palette() -> QPalette:
    return _palette(_DARK)
