"""Every thread the app starts besides the GUI thread, and the rules they follow.

The threads:

* ``aws-worker``, one :class:`~PySide6.QtCore.QThread` running the
  :class:`~xacct_gui.gui.workers.SwitchWorker` (switches and every other AWS job);
* ``aws-call``, one short-lived daemon thread per AWS call: the worker starts it
  and waits for it with a deadline (:mod:`xacct_gui.core.deadline`);
* ``core-work``, a daemon thread for pure core work that may take a while (an
  import of 20,000 profiles, saving the profile file) while the GUI thread keeps
  painting (:func:`run_off_gui_thread`);
* ``region-*``, a pool of at most :data:`MAX_CONCURRENT_LOOKUPS` daemon threads
  running the bucket Region lookups (:mod:`xacct_gui.gui.region_lookup`).

The rules:

1. The :class:`~xacct_gui.core.aws.AwsService` and its botocore sessions are
   touched only from the worker thread: it creates the service, every client,
   and makes every AssumeRole. botocore *clients* may be used from several
   threads; sessions and client creation may not. So a Region lookup gets an S3
   client the worker created for it, and the pool only calls that client.
   The worker runs each call on an ``aws-call`` thread and waits for it, so still
   only one thread at a time uses the service. A call that misses its deadline (or
   is in flight on quit) is abandoned: its result is dropped and the worker never
   uses that service again, but makes a fresh one for the next call, so the
   abandoned thread, which may still be inside botocore, has the old one to itself.
2. The worker is a QObject moved to its QThread; every signal is connected
   before ``start()``.
3. Results come back as signals to ``@Slot`` methods of objects living on the
   GUI thread (a lambda or plain function as the receiver may run on the
   sending thread in PySide6). Widgets are touched only on the GUI thread.
4. Every request carries an id; anything but the latest is dropped.
5. On close: cancel, abandon the call in flight, ``quit()``, then ``wait()`` with a
   bound. Every Python thread the app starts is a daemon: none may keep the process
   alive after the window closed (a hanging GetBucketLocation did).

See "Threads" in docs/architecture.md.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QThread

T = TypeVar("T")
WORKER_THREAD_NAME = "aws-worker"
# Each lookup is ~1-2 ms of Python (signing, parsing) under the GIL: eight at once kept
# the GUI thread from the GIL for 55-140 ms at a time on a fast network; two keep it
# under 25 ms (build_scripts/bench), at the cost of a slower fill on slow links.
MAX_CONCURRENT_LOOKUPS = 2


def new_worker_thread() -> QThread:
    """The thread the AWS worker is moved to (not started: connect everything first)."""
    thread = QThread()
    thread.setObjectName(WORKER_THREAD_NAME)
    return thread


class DaemonPool:
    """A few daemon threads running submitted calls in order.

    Not :class:`concurrent.futures.ThreadPoolExecutor`: its threads are joined when
    the interpreter exits, so one call hanging on the network kept the process alive
    for ever after the window closed.
    """

    def __init__(self, size: int, name: str) -> None:
        self._size = size
        self._name = name
        self._tasks: queue.SimpleQueue[tuple[Callable[..., Any], tuple[Any, ...]] | None] = (
            queue.SimpleQueue()
        )
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        with self._lock:
            if self._closed:
                return
            if len(self._threads) < self._size:
                thread = threading.Thread(
                    target=self._run, name=f"{self._name}-{len(self._threads)}", daemon=True
                )
                self._threads.append(thread)
                thread.start()
        self._tasks.put((fn, args))

    def shutdown(self, wait: bool = True, timeout: float = 2.0) -> None:
        """Drop pending calls; with ``wait``, wait up to ``timeout`` s for running ones."""
        with self._lock:
            self._closed = True
            threads = list(self._threads)
        while True:  # pending calls are dropped, not run
            try:
                self._tasks.get_nowait()
            except queue.Empty:
                break
        for _ in threads:
            self._tasks.put(None)
        if wait:
            for thread in threads:
                thread.join(timeout)

    def _run(self) -> None:
        while (task := self._tasks.get()) is not None:
            fn, args = task
            try:
                fn(*args)
            except Exception:  # one failed call must not end the thread
                logging.getLogger(__name__).exception("a pooled call failed")


def new_lookup_pool() -> DaemonPool:
    """The pool the Region lookups run on; it only ever calls clients made on the worker."""
    return DaemonPool(MAX_CONCURRENT_LOOKUPS, "region")


def run_off_gui_thread(work: Callable[[], T], *, block_s: float = 0.05) -> T:
    """``work()`` run on a daemon thread while the GUI thread keeps painting.

    For pure core work that may take a while (an import preview of 20,000 profiles,
    merging them): the GUI thread spins a local event loop until the thread is done,
    so the window repaints instead of freezing. ``work`` must not touch widgets or the
    AwsService. Its exception, if any, is raised here. The GUI thread first just waits
    up to ``block_s`` (most work is done by then, and no event loop is needed); user
    input waits until the work is done, so nothing the user does can start more work
    on the same data meanwhile.
    """
    from PySide6.QtCore import QEventLoop, QTimer

    done = threading.Event()
    outcome: list[Any] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # handed to the GUI thread, raised there
            failure.append(exc)
        finally:
            done.set()

    threading.Thread(target=run, name="core-work", daemon=True).start()
    if not done.wait(block_s):
        loop = QEventLoop()
        timer = QTimer()
        timer.timeout.connect(lambda: loop.quit() if done.is_set() else None)
        timer.start(15)
        while not done.is_set():
            loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        timer.stop()
    if failure:
        raise failure[0]
    return outcome[0]  # type: ignore[no-any-return]
