"""A one-line label that shortens its text in the middle when the text does not fit.

For long identifiers in tight places (the assumed-role ARN in the status bar): the
start (partition, account) and the end (role session) stay readable, ``text()`` stays
whole for copying and tests, and the tooltip should carry the full text. The text is
always drawn literally, never as markup.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel


class ElidingLabel(QLabel):
    def displayed_text(self) -> str:
        """What is drawn: the text, or the text with its middle replaced by "…"."""
        width = self.contentsRect().width()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideMiddle, width)

    def paintEvent(self, event: QPaintEvent) -> None:
        shown = self.displayed_text()
        if shown == self.text():
            super().paintEvent(event)  # fits: QLabel draws it (and its selection)
            return
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(self.contentsRect(), int(self.alignment()), shown)
        painter.end()
