"""One running window per config dir: the lock, the socket and the hand-over."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from xacct_gui.gui.single_instance import SingleInstance, activate_running_window, server_name

ASK_RUNNING_WINDOW = """
import sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from xacct_gui.gui.single_instance import activate_running_window
app = QCoreApplication([])
print("answered" if activate_running_window(Path(sys.argv[1]), 3) else "no answer")
"""


def test_a_second_instance_on_the_same_dir_is_refused_and_wakes_the_first(
    qtbot: QtBot, tmp_path: Path
) -> None:
    first = SingleInstance(tmp_path)
    assert first.acquire()
    try:
        second = SingleInstance(tmp_path)
        assert not second.acquire()
        woken: list[bool] = []
        first.activation_requested.connect(lambda: woken.append(True))
        # The second launch is another process, as it is for a user; this process's
        # event loop (kept running by qtbot) lets the first window answer it.
        second_launch = subprocess.Popen(
            [sys.executable, "-c", ASK_RUNNING_WINDOW, str(tmp_path)],
            stdout=subprocess.PIPE,
            text=True,
        )
        qtbot.waitUntil(lambda: second_launch.poll() is not None, timeout=10_000)
        assert second_launch.communicate()[0].strip() == "answered"
        assert woken == [True]
    finally:
        first.release()


def test_another_dir_is_independent(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    first, other = SingleInstance(a), SingleInstance(b)
    try:
        assert first.acquire()
        assert other.acquire()
        assert server_name(a) != server_name(b)
    finally:
        first.release()
        other.release()


def test_the_lock_is_free_again_after_release(tmp_path: Path) -> None:
    first = SingleInstance(tmp_path)
    assert first.acquire()
    first.release()
    again = SingleInstance(tmp_path)
    assert again.acquire()
    again.release()


def test_nobody_answering_gives_up_within_its_patience(qtbot: QtBot, tmp_path: Path) -> None:
    import time

    started = time.monotonic()
    assert not activate_running_window(tmp_path, patience_s=0.3)
    assert time.monotonic() - started < 3
