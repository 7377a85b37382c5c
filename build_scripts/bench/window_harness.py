"""Driving the real main window from the bench: one QApplication, a shown window over a
config dir of its own, waiting for a switch's outcome, and the GUI-stall probe."""

from __future__ import annotations

import contextlib
import itertools
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QApplication

from build_scripts.bench.harness import PROBE_INTERVAL_MS, SWITCH_TIMEOUT_S, BenchError
from xacct_gui.core.aws import AwsService, SwitchResult
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.store import ProfileStore, StateStore
from xacct_gui.gui.main_window import MainWindow
from xacct_gui.gui.workers import SwitchController


def qt_app() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    return app


def settle(app: QApplication) -> None:
    """Let Qt finish pending layout and paint work."""
    for _ in range(3):
        app.processEvents()


class SwitchWaiter(QObject):
    """Runs the event loop until the controller reports the next outcome (bounded)."""

    def __init__(self, controller: SwitchController) -> None:
        super().__init__()
        self._loop = QEventLoop(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._loop.quit)
        self.outcome: str | None = None
        self.result: SwitchResult | None = None
        self.arrived = 0.0  # when the outcome reached the GUI thread (before the window drew it)
        controller.busy_changed.connect(self._on_busy)
        controller.switched.connect(self._on_switched)
        controller.switch_failed.connect(self._on_failed)

    def arm(self) -> None:
        self.outcome, self.result, self.arrived = None, None, 0.0

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        if not busy:
            self.arrived = time.perf_counter()

    @Slot(object)
    def _on_switched(self, result: SwitchResult) -> None:
        self.outcome, self.result = "ok", result
        self._loop.quit()

    @Slot(object, str, str)
    def _on_failed(self, profile: RoleProfile, message: str, code: str) -> None:
        self.outcome = f"{profile.name}: {code}: {message}"
        self._loop.quit()

    def wait(self, timeout_s: float = SWITCH_TIMEOUT_S) -> SwitchResult:
        if self.outcome is None:
            self._timer.start(int(timeout_s * 1000))
            self._loop.exec()
            self._timer.stop()
        if self.outcome is None:
            raise BenchError(f"no switch outcome within {timeout_s:g} s")
        if self.result is None:
            raise BenchError(f"switch failed: {self.outcome}")
        return self.result


class StallProbe(QObject):
    """A 5 ms precise timer; a long gap between its ticks is a stalled event loop."""

    def __init__(self) -> None:
        super().__init__()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(PROBE_INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        self.ticks: list[float] = []

    @Slot()
    def _tick(self) -> None:
        self.ticks.append(time.perf_counter())

    def start(self) -> None:
        self.ticks = []
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def longest_gap_ms(self, start: float, end: float) -> float:
        """The longest time within [start, end] during which the event loop did not turn."""
        inside = [t for t in self.ticks if start < t < end]
        points = [start, *inside, end]
        return max(b - a for a, b in itertools.pairwise(points)) * 1000


def wait_for_model(model: Any, condition: Callable[[], bool], timeout_s: float) -> bool:
    """Run the event loop until ``condition()`` holds, re-checked whenever the model
    reports changed data (bounded); True when it held."""
    if condition():
        return True
    loop = QEventLoop()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)

    def check() -> None:
        if condition():
            loop.quit()

    model.dataChanged.connect(check)
    timer.start(int(timeout_s * 1000))
    loop.exec()
    timer.stop()
    model.dataChanged.disconnect(check)
    return condition()


@contextlib.contextmanager
def open_window(
    factory: Callable[[], AwsService], profiles: Sequence[RoleProfile]
) -> Iterator[tuple[MainWindow, SwitchController]]:
    """A shown main window over its own config dir; closed (worker stopped) on the way out,
    whatever happens, so a failed measurement never leaves a running QThread behind."""
    app = qt_app()
    with tempfile.TemporaryDirectory(prefix="xacct-bench-") as tmp:
        controller = SwitchController(factory)
        window = MainWindow(
            store=ProfileStore(Path(tmp)),
            state=StateStore(Path(tmp)),
            controller=controller,
            profiles=profiles,
        )
        window.show()
        controller.warm_up()  # as the app does once its window shows (app.py)
        try:
            yield window, controller
        finally:
            window.close()
            controller.shutdown()
            window.deleteLater()
            controller.deleteLater()
            settle(app)


def _busy(stop: threading.Event) -> None:
    total = 0
    while not stop.is_set():
        for value in range(1_000):
            total += value


def busy_thread_stall_ms(seconds: float) -> float:
    """The machine's stall floor: the longest gap of the 5 ms probe while a pure-Python
    thread (no long C call, so it hands the GIL over every switch interval) keeps a core
    busy for ``seconds``. On a loaded machine, scheduling alone makes gaps this long."""
    app = qt_app()
    probe = StallProbe()
    stop = threading.Event()
    worker = threading.Thread(target=_busy, args=(stop,), name="stall-floor", daemon=True)
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    probe.start()
    started = time.perf_counter()
    worker.start()
    loop.exec()
    ended = time.perf_counter()
    stop.set()
    worker.join()
    probe.stop()
    app.processEvents()
    return probe.longest_gap_ms(started, ended)
