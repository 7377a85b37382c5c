"""Guard against the Qt binding bug that pinned PySide6 below 6.12 on Python < 3.12.

PySide6 6.12.0 released a reference to ``None`` on every Qt call returning
``void``; before Python 3.12 made ``None`` immortal, a few thousand calls abort
the interpreter. The app makes that many calls in minutes of normal use.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


def test_void_qt_calls_keep_none_refcount_balanced(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(1000):
        label.setText("x")
    # Other threads may touch None meanwhile; a leak of this bug's size is ~-1000.
    assert abs(sys.getrefcount(None) - before) < 100
