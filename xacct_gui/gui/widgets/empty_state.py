"""The line an empty table shows in its middle: why it is empty and what to do.

A label laid over the view's viewport rather than a fake row: it is never
selected, copied or exported, and the table's columns keep their widths.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractItemView, QLabel


class EmptyState(QLabel):
    """Centred, muted text over ``view`` while its model has no rows."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view.viewport())
        self.setObjectName("emptyState")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        # The palette's placeholder colour: muted, and it follows a dark theme.
        self.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._view = view
        self._text = ""
        view.viewport().installEventFilter(self)
        self.setVisible(False)

    def set_text(self, text: str) -> None:
        """What to say while the view is empty ("" says nothing)."""
        self._text = text
        self.refresh()

    def refresh(self) -> None:
        model = self._view.model()
        empty = model is None or model.rowCount() == 0
        self.setText(self._text)
        self.setVisible(empty and bool(self._text))
        self._fit()

    def _fit(self) -> None:
        viewport = self._view.viewport()
        margin = 24
        self.setGeometry(margin, margin, viewport.width() - 2 * margin, 3 * margin)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._fit()
        return super().eventFilter(watched, event)
