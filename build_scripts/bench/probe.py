"""The machine probe: how long a plain ``QTableView`` takes to repaint its viewport.

A ``QStandardItemModel`` (data in C++, no Python per cell) with 300 rows of bucket-like
text in three columns, in a 980×640 window like the app's. Frame budgets (16 ms, 50 ms)
stay absolute, so each is printed next to this probe, measured in the same run: a reader
can then tell a slow machine from a slow app. The app's own table is timed the same way
(:func:`repaint_ms`), so the two are comparable.
"""

from __future__ import annotations

import statistics
import time

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView, QVBoxLayout, QWidget

from build_scripts.bench.window_harness import qt_app, settle
from build_scripts.bench.worlds import bucket_rows

PROBE_ROWS = 300
WINDOW_SIZE = (980, 640)


def repaint_ms(view: QTableView, runs: int = 15) -> float:
    """Median time of a synchronous repaint of ``view``'s viewport, in ms."""
    viewport = view.viewport()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        viewport.repaint()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def plain_table_probe_ms(runs: int = 15) -> float:
    """The probe: a plain table's viewport repaint, median of ``runs``, in ms."""
    app = qt_app()
    model = QStandardItemModel(PROBE_ROWS, 3)
    for row, (name, created, region) in enumerate(bucket_rows(PROBE_ROWS)):
        model.setItem(row, 0, QStandardItem(name))
        model.setItem(row, 1, QStandardItem(created.strftime("%Y-%m-%d %H:%M")))
        model.setItem(row, 2, QStandardItem(region))
    window = QWidget()
    window.resize(*WINDOW_SIZE)
    layout = QVBoxLayout(window)
    view = QTableView(window)
    view.setModel(model)
    layout.addWidget(view)
    window.show()
    settle(app)
    try:
        return repaint_ms(view, runs)
    finally:
        window.close()
        window.deleteLater()
        settle(app)


def probe_text(probe_ms: float) -> str:
    return f"probe (plain table repaint) {probe_ms:.1f} ms"
