"""A team file dropped onto the window opens it, as *File → Open team file…* does."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QMimeData, QObject, QTimer
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QWidget


def dropped_file(mime: QMimeData | None) -> str | None:
    """The one local file being dragged, or None (several files, a web link, text).
    Any name is taken: what it holds is checked when it is opened, with a message."""
    if mime is None or not mime.hasUrls():
        return None
    urls = mime.urls()
    if len(urls) != 1 or not urls[0].isLocalFile():
        return None
    return urls[0].toLocalFile() or None


class TeamFileDrop(QObject):
    """Watches the window's drag and drop events; a dropped file goes to ``open_team``."""

    def __init__(self, window: QWidget, open_team: Callable[[str], object]) -> None:
        super().__init__(window)
        self._open_team = open_team
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, (QDragEnterEvent, QDragMoveEvent)):
            if dropped_file(event.mimeData()) is None:
                return False
            event.acceptProposedAction()
            return True
        if isinstance(event, QDropEvent) and event.type() == QEvent.Type.Drop:
            path = dropped_file(event.mimeData())
            if path is None:
                return False
            event.acceptProposedAction()
            # After the drop has finished: the sign-in dialog is modal, and a modal loop
            # inside the drop handler would hold the source application's drag open.
            QTimer.singleShot(0, self, lambda: self._open_team(path))
            return True
        return False
