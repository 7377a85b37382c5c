"""Saving the profile file runs beside the GUI thread: the window keeps painting, and the
file holds the change when the action returns (user input waits meanwhile: Qt's
ExcludeUserInputEvents, which offscreen tests cannot feed real input to).

The store is the real one on a real file; a subclass only makes the write slow (300 ms,
as a network home directory or a busy disk can), so the wait is long enough to see.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from tests.factories import make_profile
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.store import ProfileStore, StateStore
from xacct_gui.demo import DemoEnvironment
from xacct_gui.gui.main_window import MainWindow
from xacct_gui.gui.workers import SwitchController

SLOW_WRITE_S = 0.3


class SlowStore(ProfileStore):
    def __init__(self, config_dir: Path) -> None:
        super().__init__(config_dir)
        self.saved_on: list[str] = []

    def save(self, profiles: Sequence[RoleProfile]) -> tuple[RoleProfile, ...]:
        self.saved_on.append(threading.current_thread().name)
        time.sleep(SLOW_WRITE_S)
        return super().save(profiles)


@pytest.fixture
def slow_window(
    qtbot: QtBot,
    demo_env: DemoEnvironment,
    controller: SwitchController,
    tmp_path: Path,
) -> Iterator[tuple[MainWindow, SlowStore]]:
    store = SlowStore(tmp_path)
    ProfileStore(tmp_path).save(demo_env.profiles)
    store.load()
    win = MainWindow(
        store=store,
        state=StateStore(tmp_path),
        controller=controller,
        profiles=demo_env.profiles,
        emulator_endpoint=demo_env.endpoint_url,
    )
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win, store
    win.close()


def test_the_window_paints_while_the_file_is_written(
    slow_window: tuple[MainWindow, SlowStore], tmp_path: Path
) -> None:
    window, store = slow_window
    added = [make_profile(f"Added {i}", account_id=f"{222233334440 + i}") for i in range(3)]
    ticks: list[float] = []
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(5)
    started = time.perf_counter()
    window.profile_actions.add_discovered(added)
    returned = time.perf_counter()
    timer.stop()

    assert returned - started >= SLOW_WRITE_S
    assert store.saved_on == ["core-work"]
    inside = [t for t in ticks if started < t < returned]
    gaps = [b - a for a, b in zip([started, *inside], [*inside, returned], strict=True)]
    assert max(gaps) < 0.1, f"the GUI thread stalled {max(gaps) * 1000:.0f} ms"
    assert {p.name for p in added} <= {p.name for p in ProfileStore(tmp_path).load().profiles}
    assert {p.name for p in added} <= set(window.book.names)
