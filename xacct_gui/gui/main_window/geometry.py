"""The main window's size: a first size that fits the screen, then the user's own.

At a scale factor of 2 a 1600×1000 screen offers 800×500 logical pixels, less
than the window's preferred 980×640; opening at the preferred size put buttons
and the status bar off-screen. The first size is the preferred one shrunk to
fit the available area; after that the geometry the user left is restored,
unless it no longer fits any screen (a monitor unplugged, the scale changed).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from xacct_gui.core.ui_state import WINDOW_GEOMETRY, UiState

PREFERRED_SIZE = QSize(980, 640)
SCREEN_SHARE = 0.9  # of the available area, at most, for the first size


def first_geometry(available: QRect, preferred: QSize = PREFERRED_SIZE) -> QRect:
    """The preferred size, shrunk to fit ``available``, centred in it."""
    width = min(preferred.width(), int(available.width() * SCREEN_SHARE))
    height = min(preferred.height(), int(available.height() * SCREEN_SHARE))
    rect = QRect(0, 0, width, height)
    rect.moveCenter(available.center())
    return rect


def fits_a_screen(rect: QRect) -> bool:
    """True when ``rect`` lies within one screen's available area (a few px of slack)."""
    for screen in QGuiApplication.screens():
        area = screen.availableGeometry().adjusted(-8, -8, 8, 8)
        if area.contains(rect):
            return True
    return False


def restore_geometry(window: QWidget, state: UiState) -> None:
    """Give ``window`` the user's last geometry, or a first one that fits its screen."""
    saved = state.get(WINDOW_GEOMETRY)
    if saved:
        before = window.geometry()
        restored = window.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii")))
        if restored and fits_a_screen(window.frameGeometry()):
            return
        window.setGeometry(before)
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        window.resize(PREFERRED_SIZE)
        return
    window.setGeometry(first_geometry(screen.availableGeometry()))


def save_geometry(window: QWidget, state: UiState) -> None:
    state.set(WINDOW_GEOMETRY, bytes(window.saveGeometry().toBase64().data()).decode("ascii"))
