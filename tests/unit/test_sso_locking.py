"""The per-start-URL lock: exclusive across threads, gives up and cancels cleanly."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from xacct_gui.core.sso.errors import SsoBusy, SsoCancelled
from xacct_gui.core.sso.locking import start_url_lock


def test_one_holder_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "sso" / "x.lock"
    inside = 0
    most = 0
    guard = threading.Lock()

    def work() -> None:
        nonlocal inside, most
        with start_url_lock(path, "Acme"):
            with guard:
                inside += 1
                most = max(most, inside)
            time.sleep(0.01)
            with guard:
                inside -= 1

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert most == 1


def test_busy_after_the_timeout_and_cancel(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with start_url_lock(path, "Acme"):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    with pytest.raises(SsoBusy) as caught, start_url_lock(path, "Acme", timeout=0.2):
        pass
    assert "Another window or command is signing in to Acme" in str(caught.value)
    cancel = threading.Event()
    threading.Timer(0.1, cancel.set).start()
    with pytest.raises(SsoCancelled), start_url_lock(path, "Acme", timeout=10, cancel=cancel):
        pass
    release.set()
    holder.join(5)
    with start_url_lock(path, "Acme", timeout=1):  # free again
        pass
