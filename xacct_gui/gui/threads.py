"""Every thread the app starts besides the GUI thread, and the rules they follow.

The threads:

* ``aws-worker``, one :class:`~PySide6.QtCore.QThread` running the
  :class:`~xacct_gui.gui.workers.SwitchWorker` (switches and every other AWS job);
* ``region-*``, a pool of at most :data:`MAX_CONCURRENT_LOOKUPS` threads
  running the bucket Region lookups (:mod:`xacct_gui.gui.region_lookup`).

The rules:

1. The :class:`~xacct_gui.core.aws.AwsService` and its botocore sessions are
   touched only from the worker thread: it creates the service, every client,
   and makes every AssumeRole. botocore *clients* may be used from several
   threads; sessions and client creation may not. So a Region lookup gets an S3
   client the worker created for it, and the pool only calls that client.
2. The worker is a QObject moved to its QThread; every signal is connected
   before ``start()``.
3. Results come back as signals to ``@Slot`` methods of objects living on the
   GUI thread (a lambda or plain function as the receiver may run on the
   sending thread in PySide6). Widgets are touched only on the GUI thread.
4. Every request carries an id; anything but the latest is dropped.
5. On close: cancel, ``quit()``, then ``wait()`` with a bound.

See "Threads" in docs/architecture.md.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QThread

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


def new_lookup_pool() -> ThreadPoolExecutor:
    """The pool the Region lookups run on; it only ever calls clients made on the worker."""
    return ThreadPoolExecutor(MAX_CONCURRENT_LOOKUPS, thread_name_prefix="region")
