"""In-window message strips: errors from AWS and warnings about the profile file.

Their colours follow the palette: a light tint with dark text on a light theme, a
dark tint with light text on a dark one, each pair (text, the dismiss ✕, and the
edge against the window) checked for WCAG AA contrast by tests/gui/test_design.py.
See docs/ui.md, "Colour".
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from xacct_gui.core.colors import text_color_for
from xacct_gui.core.errors import cap_message


@dataclass(frozen=True)
class BannerColors:
    background: str
    text: str
    edge: str


# (light theme, dark theme) per kind.
BANNER_COLORS: dict[str, tuple[BannerColors, BannerColors]] = {
    "error": (BannerColors("#fde7e7", "#8a1c1c", "#d13212"),
              BannerColors("#3d1a1c", "#ffc9c4", "#ff6b5e")),
    "warning": (BannerColors("#fff4d6", "#5c4100", "#9a7200"),
                BannerColors("#3a2e0b", "#ffe08a", "#e0a800")),
    "info": (BannerColors("#e6f2fb", "#0b3d62", "#0073bb"),
             BannerColors("#10283d", "#b5dcff", "#4fa3e0")),
}  # fmt: skip


def is_dark(palette: QPalette) -> bool:
    """A dark theme: white text reads better than black on the window background."""
    return text_color_for(palette.color(QPalette.ColorRole.Window).name()) == "#ffffff"


def banner_colors(kind: str, palette: QPalette) -> BannerColors:
    light, dark = BANNER_COLORS[kind]
    return dark if is_dark(palette) else light


class MessageBanner(QFrame):
    """A dismissable strip that is visible only while it holds a message."""

    def __init__(self, object_name: str, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self._kind = kind
        self._label = QLabel(self)
        self._label.setObjectName(f"{object_name}Text")
        self._label.setWordWrap(True)
        # Messages carry names and AWS's own text: never interpret them as markup.
        self._label.setTextFormat(Qt.TextFormat.PlainText)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Dismiss")
        self.close_button.setAccessibleName("Dismiss message")
        self.close_button.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        layout.setSpacing(8)
        layout.addWidget(self._label, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._apply_colors()
        self.setVisible(False)

    @property
    def colors(self) -> BannerColors:
        return self._colors

    def _apply_colors(self) -> None:
        # The application's palette: this widget's own is rewritten by its style sheet.
        colors = banner_colors(self._kind, QApplication.palette())
        if getattr(self, "_colors", None) == colors:
            return  # also ends the palette change the style sheet itself causes
        self._colors = colors
        name = self.objectName()
        self.setStyleSheet(
            f"QFrame#{name} {{ background: {colors.background}; border: 1px solid {colors.edge};"
            f" border-left: 4px solid {colors.edge}; border-radius: 6px; }}"
            f" QLabel {{ color: {colors.text}; background: transparent; }}"
            f" QToolButton {{ color: {colors.text}; background: transparent; border: none;"
            " padding: 2px 6px; border-radius: 4px; }"
            f" QToolButton:hover {{ background: {colors.edge}; color: {colors.background}; }}"
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.ApplicationPaletteChange, QEvent.Type.PaletteChange):
            self._apply_colors()  # the theme switched between light and dark
        super().changeEvent(event)

    def show_message(self, text: str) -> None:
        # Capped here too, for text that did not come through an XacctError: a 4 MB
        # message froze the window for 40 s while the label word-wrapped it.
        self._label.setText(cap_message(text))
        self.setVisible(True)

    def clear(self) -> None:
        self._label.clear()
        self.setVisible(False)

    def text(self) -> str:
        return self._label.text()
