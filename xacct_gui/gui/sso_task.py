"""A long Identity Center step (sign-in, listing) on its own thread, cancellable.

A browser sign-in waits for the user for up to 10 minutes and a big
organisation's listing takes a while: run on the ``aws-worker`` they would hold
up every switch queued behind them. So the worker only hands over the
thread-safe :class:`~xacct_gui.core.sso.SsoSessions` (a short job), and the
waiting runs here, on one ``sso-task`` thread per step, which touches no widget
and no :class:`~xacct_gui.core.aws.AwsService`: it calls ``SsoSessions`` (whose
clients come from its own botocore session) and reports through signals, which
Qt queues to this object on the GUI thread. Cancel sets an event the core checks
between polls. See "Threads" in docs/architecture.md.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from xacct_gui.core.errors import XacctError

log = logging.getLogger(__name__)
TASK_THREAD_NAME = "sso-task"


@dataclass(frozen=True)
class TaskContext:
    """What a step gets: the cancel event and two ways to report while it runs."""

    cancel: threading.Event
    note: Callable[[object], None]  # a device code to show, a progress count …


Step = Callable[[TaskContext], object]


class SsoTask(QObject):
    """Runs one step at a time; ``done``/``failed`` fire once per step, on the GUI thread."""

    noted = Signal(int, object)  # step id, what the step reported
    done = Signal(int, object)  # step id, result
    failed = Signal(int, str)  # step id, one sentence for the user

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._step_id = 0
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def step_id(self) -> int:
        return self._step_id

    def start(self, step: Step) -> int:
        """Cancel any step still running, then run ``step`` on a new thread."""
        self.cancel()
        self._step_id += 1
        step_id, cancel = self._step_id, threading.Event()
        self._cancel = cancel
        context = TaskContext(cancel, lambda what: self.noted.emit(step_id, what))

        def run() -> None:
            try:
                result = step(context)
            except XacctError as exc:
                self.failed.emit(step_id, str(exc))
            except Exception as exc:  # one sentence for the user, the details in the log
                log.exception("Identity Center step failed")
                self.failed.emit(step_id, f"Unexpected error ({type(exc).__name__}).")
            else:
                self.done.emit(step_id, result)

        self._thread = threading.Thread(target=run, name=TASK_THREAD_NAME, daemon=True)
        self._thread.start()
        return step_id

    @Slot()
    def cancel(self) -> None:
        """Ask the running step to stop; its result, if any, is then ignored."""
        self._cancel.set()
        self._step_id += 1

    def wait(self, timeout: float) -> bool:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True
