"""One slow start-up task on a plain thread of its own, its outcome on the GUI thread.

Used for the demo's emulator: starting and seeding it takes seconds, and the
window must show meanwhile. This is not the AWS worker (see "Threads" in
docs/architecture.md): the task owns nothing the worker or the GUI use and hands
back a value. Its outcome travels as a signal to a ``@Slot`` of this object, which
lives on the GUI thread, so Qt queues it there; only then are the plain Python
callbacks called (a plain function connected directly could run on the task's
thread in PySide6).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)


class BackgroundStart(QObject):
    _finished = Signal(object)  # the task's return value
    _broke = Signal(str)  # its error, as a sentence for the user

    def __init__(
        self,
        task: Callable[[], object],
        *,
        name: str,
        on_done: Callable[[object], None],
        on_error: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._task = task
        self._on_done = on_done
        self._on_error = on_error
        self._finished.connect(self._deliver)
        self._broke.connect(self._report)
        # A daemon: quitting while the task still runs must not wait for it.
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` for the task; True when it has finished."""
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            result = self._task()
        except Exception as exc:  # reported to the user, never a traceback on screen
            log.warning("start-up task %s failed", self._thread.name, exc_info=True)
            self._broke.emit(str(exc) or type(exc).__name__)
            return
        self._finished.emit(result)

    @Slot(object)
    def _deliver(self, result: object) -> None:
        self._on_done(result)

    @Slot(str)
    def _report(self, message: str) -> None:
        self._on_error(message)
