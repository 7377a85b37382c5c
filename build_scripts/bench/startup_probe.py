"""The start-up probe: runs the app with its main window watched, then quits.

    python build_scripts/bench/startup_probe.py PROBE_SECONDS [app args]

Started by the start-up section (startup.py) as a script of its own, so its process
imports what the app imports and no more. Once the window shows, a 5 ms timer ticks on
the GUI thread; the probe prints :data:`BUCKETS_LINE` when the last profile's buckets
first reach the table, and after PROBE_SECONDS one JSON line with the longest gap
between ticks (:data:`STALL_KEY`, in ms), then quits the app.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from pathlib import Path

BUCKETS_LINE = "BUCKETS"
STALL_KEY = "stall_ms"
TICK_MS = 5  # the bench's PROBE_INTERVAL_MS


def install(probe_s: float) -> None:
    """Watch every main window once it shows (wraps ``MainWindow.show``)."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from xacct_gui.gui.main_window import MainWindow

    original_show = MainWindow.show
    ticks: list[float] = []

    def show(window: MainWindow) -> None:
        original_show(window)
        shown = time.perf_counter()
        timer = QTimer(window)
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.setInterval(TICK_MS)
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
        timer.start()
        seen = False

        def buckets_shown() -> None:
            nonlocal seen
            if window.bucket_model.rowCount() and not seen:
                seen = True
                print(BUCKETS_LINE, flush=True)

        window.bucket_model.modelReset.connect(buckets_shown)

        def finish() -> None:
            points = [shown, *ticks, time.perf_counter()]
            gap = max(b - a for a, b in itertools.pairwise(points))
            print(json.dumps({STALL_KEY: gap * 1000}), flush=True)
            QApplication.quit()

        QTimer.singleShot(int(probe_s * 1000), finish)

    # Replaces the method for every window; typed for MainWindow, not any QWidget.
    MainWindow.show = show  # type: ignore[method-assign, assignment]


def main() -> int:
    # Run as a script, Python puts this directory first on sys.path, where the bench's
    # modules could shadow names the app imports.
    if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
        del sys.path[0]
    install(float(sys.argv.pop(1)))
    from xacct_gui.__main__ import main as app_main

    return app_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
