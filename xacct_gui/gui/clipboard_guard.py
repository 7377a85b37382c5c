"""Put a secret on the clipboard, say so, and take it off again after a minute.

Used for "Copy credentials as environment variables": the user asked for the
secret, so it goes on the clipboard, but it should not sit there for hours
waiting to be pasted into a chat by accident. After the timeout the clipboard
is cleared, only if it still holds exactly what the app put there: whatever
the user copied since is theirs and is never touched.

The copy also carries the hints password managers use to keep a secret out of
clipboard history and sync (Windows' clipboard history and cloud clipboard,
KDE's Klipper); tools that do not know a hint ignore it.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QMimeData, QObject, QTimer, Signal, Slot
from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtWidgets import QMainWindow, QWidget

log = logging.getLogger(__name__)

DEFAULT_CLEAR_AFTER_MS = 60_000


def history_hints() -> dict[str, bytes]:
    """Clipboard formats that ask history/sync tools to skip this copy.

    Windows: Qt reaches native clipboard formats through its "windows-mime" MIME
    type (a DWORD 0 for the two "Can…" formats). KDE's Klipper honours its own
    hint. macOS has no such format Qt can set, so nothing is added there.
    """
    if sys.platform == "win32":
        return {
            'application/x-qt-windows-mime;value="ExcludeClipboardContentFromMonitorProcessing"': (
                b"1"
            ),
            'application/x-qt-windows-mime;value="CanIncludeInClipboardHistory"': bytes(4),
            'application/x-qt-windows-mime;value="CanUploadToCloudClipboard"': bytes(4),
        }
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return {"x-kde-passwordManagerHint": b"secret"}
    return {}


def warning_text(clear_after_ms: int = DEFAULT_CLEAR_AFTER_MS) -> str:
    """What the window shows after a secret was copied."""
    seconds = max(1, round(clear_after_ms / 1000))
    when = "a minute" if seconds == 60 else f"{seconds} seconds"
    return (
        "The clipboard now holds a secret: paste it only where you mean to. It will be "
        f"cleared in {when} if it still holds it."
    )


class ClipboardGuard(QObject):
    """Copies secrets and clears them later. One per window; lives on the GUI thread."""

    # Emitted when the guard removed its secret from the clipboard.
    cleared = Signal()

    def __init__(
        self, parent: QObject | None = None, *, clear_after_ms: int = DEFAULT_CLEAR_AFTER_MS
    ) -> None:
        super().__init__(parent)
        self._clear_after_ms = clear_after_ms
        self._secret: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear_if_unchanged)

    @property
    def clear_after_ms(self) -> int:
        return self._clear_after_ms

    @property
    def pending(self) -> bool:
        """True while a copied secret waits to be cleared."""
        return self._secret is not None

    def warning(self) -> str:
        return warning_text(self._clear_after_ms)

    def copy_secret(self, text: str, parent_for_warning: QWidget | None = None) -> str:
        """Put ``text`` on the clipboard and schedule its removal; returns the warning.

        With a main window as ``parent_for_warning`` the warning also shows in its
        status bar until the clipboard is cleared.
        """
        mime = QMimeData()
        mime.setText(text)
        for kind, value in history_hints().items():
            mime.setData(kind, value)
        # The clipboard takes ownership of the mime data.
        QGuiApplication.clipboard().setMimeData(mime, QClipboard.Mode.Clipboard)
        self._secret = text
        self._timer.start(self._clear_after_ms)  # restarts the minute on a second copy
        message = self.warning()
        if isinstance(parent_for_warning, QMainWindow):
            parent_for_warning.statusBar().showMessage(message, self._clear_after_ms)
        return message

    @Slot()
    def clear_if_unchanged(self) -> bool:
        """Clear the clipboard if it still holds the secret; True when it did.

        Also call it when the window closes: on Windows and macOS the clipboard
        outlives the app.
        """
        self._timer.stop()
        secret, self._secret = self._secret, None
        if secret is None:
            return False
        clipboard = QGuiApplication.clipboard()
        if clipboard.text(QClipboard.Mode.Clipboard) != secret:
            return False  # the user copied something else since: leave it alone
        clipboard.clear(QClipboard.Mode.Clipboard)
        log.info("cleared a copied secret from the clipboard")
        self.cleared.emit()
        return True
