"""One sign-in or refresh at a time per start URL, across threads and processes.

Parallel ``--credential-process`` calls each start a process; without this they
would all see the same near-expiry token and race into as many refreshes (and
the losers' refresh tokens may be revoked by the winner's). The lock is a
threading lock per lock file (threads of this process) plus an OS lock on the
file (other processes): ``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows,
both released by the OS if the holder dies. Whoever takes the lock must re-read
the stored token: another holder may have refreshed it meanwhile.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .errors import SsoBusy, cancelled

_POLL = 0.05
_thread_locks: dict[str, threading.Lock] = {}
_registry_lock = threading.Lock()


def _thread_lock(path: Path) -> threading.Lock:
    key = os.path.normcase(os.path.abspath(path))
    with _registry_lock:
        return _thread_locks.setdefault(key, threading.Lock())


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_os_lock(handle: IO[bytes]) -> bool:
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _os_unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_os_lock(handle: IO[bytes]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _os_unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextmanager
def start_url_lock(
    path: Path,
    org: str,
    *,
    timeout: float = 30.0,
    cancel: threading.Event | None = None,
) -> Iterator[None]:
    """Hold the lock of ``path`` (a ``.lock`` file); raises SsoBusy after ``timeout``."""
    deadline = time.monotonic() + timeout
    lock = _thread_lock(path)
    while not lock.acquire(timeout=_POLL):
        _check(deadline, org, cancel)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a+b") as handle:
            while not _try_os_lock(handle):
                _check(deadline, org, cancel)
                time.sleep(_POLL)
            try:
                yield
            finally:
                _os_unlock(handle)
    finally:
        lock.release()


def _check(deadline: float, org: str, cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise cancelled()
    if time.monotonic() > deadline:
        raise SsoBusy(
            f"Another window or command is signing in to {org}; try again when it is done.",
            "LockTimeout",
        )
