"""In-window message strips: errors from AWS and warnings about the profile file."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from xacct_gui.core.errors import cap_message

_STYLES = {
    # Light backgrounds with dark text keep WCAG AA contrast in light and dark themes.
    "error": ("#fde7e7", "#8a1c1c", "#d13212"),
    "warning": ("#fff4d6", "#5c4100", "#d9a400"),
    "info": ("#e6f2fb", "#0b3d62", "#0073bb"),
}


class MessageBanner(QFrame):
    """A dismissable strip that is visible only while it holds a message."""

    def __init__(self, object_name: str, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        background, text, edge = _STYLES[kind]
        self.setStyleSheet(
            f"QFrame#{object_name} {{ background: {background}; border: 1px solid {edge};"
            f" border-left: 4px solid {edge}; border-radius: 3px; }}"
            f" QLabel {{ color: {text}; }}"
        )
        self._label = QLabel(self)
        self._label.setObjectName(f"{object_name}Text")
        self._label.setWordWrap(True)
        # Messages carry names and AWS's own text: never interpret them as markup.
        self._label.setTextFormat(Qt.TextFormat.PlainText)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton(self)
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.setAccessibleName("Dismiss message")
        close.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self._label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.setVisible(False)

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
