"""Races: bursts of switches, closing mid-request, and a long run, against the demo emulator.

What these prove: whatever the order in which results arrive, the table only ever
shows the active profile's buckets (never one account's buckets under another
account's colour), the last choice wins, closing the window while a request is in
flight stops the worker cleanly (no Qt warning, nothing like "already deleted" or
"QThread: Destroyed while thread is still running"), and 2,000 switches leave memory
and threads where they started.

Every wait is bounded and waits for a signal or a condition, never a fixed sleep
(``qtbot.wait`` with a random 0-5 ms below only varies *when* results arrive, to
shake out orderings; nothing depends on it).
"""

from __future__ import annotations

import gc
import os
import random
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from xacct_gui.core.aws import AwsService, SwitchResult
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.demo import DemoEnvironment
from xacct_gui.gui.main_window import MainWindow
from xacct_gui.gui.workers import SwitchController

WAIT_MS = 20_000
GOOD = ("Dev", "Test", "Prod")
NOISE = (
    "already deleted",
    "Destroyed while thread",
    "Traceback",
    "Fatal Python error",
    "Segmentation fault",
    "QObject::",
    "QThread",
)


class Watcher(QObject):
    """Checks, every time the controller reports, that what it reports is for the
    profile the window has active; records what was shown."""

    def __init__(self, window: MainWindow, controller: SwitchController) -> None:
        super().__init__()
        self._window = window
        self.shown: list[str] = []
        self.failed: list[str] = []
        self.violations: list[str] = []
        controller.switched.connect(self._on_switched)
        controller.switch_failed.connect(self._on_failed)

    @Slot(object)
    def _on_switched(self, result: SwitchResult) -> None:
        active = self._window.active_profile
        if active is None or active.name != result.profile_name:
            self.violations.append(f"{result.profile_name} reported while {active} is active")
        self.shown.append(result.profile_name)

    @Slot(object, str, str)
    def _on_failed(self, profile: RoleProfile, message: str, code: str) -> None:
        self.failed.append(profile.name)


@pytest.fixture
def services() -> list[AwsService]:
    return []


@pytest.fixture
def controller(demo_env: DemoEnvironment, services: list[AwsService]) -> Iterator[SwitchController]:
    """The shared window's controller, keeping every service it makes."""

    def factory() -> AwsService:
        services.append(demo_env.make_service())
        return services[-1]

    ctl = SwitchController(factory)
    yield ctl
    ctl.shutdown()
    ctl.deleteLater()


def expected(demo_env: DemoEnvironment, profiles: tuple[RoleProfile, ...]) -> dict[str, set[str]]:
    return {
        p.name: set(demo_env.buckets_by_account.get(p.account_id, ()))
        for p in profiles
        if p.name in GOOD
    }


def check_screen(window: MainWindow, buckets: dict[str, set[str]]) -> None:
    """The one rule: the table shows the active profile's buckets or nothing."""
    active = window.active_profile
    names = {b.name for b in window.bucket_model.buckets()}
    banner = window.findChild(QLabel, "roleBanner")
    assert banner is not None
    if active is not None:
        assert banner.text().startswith(active.banner_text)
    if names:
        assert active is not None and active.name in buckets
        assert names == buckets[active.name], f"{active.name} shows another account's buckets"


def wait_for_shown(qtbot: QtBot, window: MainWindow, name: str, buckets: set[str]) -> None:
    def shown() -> bool:
        active = window.active_profile
        return (
            not window.controller.busy
            and active is not None
            and active.name == name
            and {b.name for b in window.bucket_model.buckets()} == buckets
        )

    qtbot.waitUntil(shown, timeout=WAIT_MS)


def test_200_random_switches_then_close_mid_request(
    qtbot: QtBot,
    window: MainWindow,
    controller: SwitchController,
    demo_env: DemoEnvironment,
    profiles: tuple[RoleProfile, ...],
    capfd: pytest.CaptureFixture[str],
) -> None:
    buckets = expected(demo_env, profiles)
    watcher = Watcher(window, controller)
    # Failing roles too (Audit may not list, Forbidden may not be assumed): their
    # errors race with the successes.
    names = [p.name for p in profiles]
    rng = random.Random(20240917)
    choice = None
    for _ in range(200):
        choice = rng.choice([n for n in names if n != choice])
        window.switch_to(choice)
        if rng.random() < 0.4:
            qtbot.wait(rng.choice([0, 1, 2, 5]))  # let some results land mid-burst
        check_screen(window, buckets)
    last = rng.choice(GOOD)
    window.switch_to(last)
    wait_for_shown(qtbot, window, last, buckets[last])
    check_screen(window, buckets)
    assert watcher.violations == []
    assert watcher.shown[-1] == last

    # A new request, and the window closes while it is in flight.
    thread = controller.worker_thread
    window.switch_to(next(n for n in GOOD if n != last))
    assert controller.busy
    window.close()
    assert thread.isFinished()
    assert controller.shutdown()  # idempotent, and reports the worker stopped
    QApplication.processEvents()  # deferred deletes run now, not after the test
    _, err = capfd.readouterr()
    assert not [word for word in NOISE if word in err], err


def test_switch_storm_without_event_loop_turns_ends_on_last(
    qtbot: QtBot,
    window: MainWindow,
    controller: SwitchController,
    demo_env: DemoEnvironment,
    profiles: tuple[RoleProfile, ...],
) -> None:
    """200 choices before the event loop runs once: the worker skips every stale request
    before touching AWS, and only the last one is ever reported."""
    buckets = expected(demo_env, profiles)
    watcher = Watcher(window, controller)
    rng = random.Random(7)
    choice = None
    for _ in range(200):
        choice = rng.choice([n for n in GOOD if n != choice])
        window.switch_to(choice)
    assert choice is not None
    wait_for_shown(qtbot, window, choice, buckets[choice])
    assert watcher.shown == [choice] and watcher.failed == []
    assert watcher.violations == []


DRIVER = textwrap.dedent(
    """
    import random, sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from xacct_gui.__main__ import main
    from xacct_gui.gui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    GOOD = ("Dev", "Test", "Prod")
    state = {"ticks": 0}

    def fail(why):
        print("DRIVER-FAIL", why, flush=True)
        app.exit(3)

    def window():
        return next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())

    def burst():
        win = window()
        if not win.profiles:  # the demo's window shows before its emulator is ready
            return QTimer.singleShot(20, burst)
        names = [p.name for p in win.profiles]
        rng = random.Random(11)
        choice = None
        for _ in range(200):
            choice = rng.choice([n for n in names if n != choice])
            win.switch_to(choice)
        win.switch_to("Prod")
        QTimer.singleShot(10, wait_last)

    def wait_last():
        win = window()
        state["ticks"] += 1
        if state["ticks"] > 3000:  # 30 s at 10 ms
            return fail("the last choice never showed")
        active = win.active_profile
        done = active is not None and active.name == "Prod" and win.bucket_model.rowCount()
        if win.controller.busy or not done:
            return QTimer.singleShot(10, wait_last)
        print("SHOWN", active.name, win.bucket_model.rowCount(), flush=True)
        win.switch_to("Dev")  # in flight ...
        win.close()           # ... when the window closes

    QTimer.singleShot(0, lambda: QTimer.singleShot(50, burst))
    sys.exit(main(sys.argv[1:]))
    """
)


def test_race_and_close_in_a_real_process(demo_env: DemoEnvironment, tmp_path: Path) -> None:
    """The same in a process of its own running the real entry point (``main --demo``):
    exit status 0 and a clean stderr, with the interpreter's own shutdown included."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, "--demo", "--config-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    prod = next(p for p in demo_env.profiles if p.name == "Prod")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"SHOWN Prod {len(demo_env.buckets_by_account[prod.account_id])}" in proc.stdout
    assert not [word for word in NOISE if word in proc.stderr], proc.stderr


# --- long run ---


def rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def os_threads() -> int:
    return len(os.listdir("/proc/self/task"))


@pytest.mark.timeout(300)  # ~60 s here; room for a loaded CI box
@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux /proc")
def test_2000_switches_keep_memory_and_threads_flat(
    qtbot: QtBot,
    window: MainWindow,
    controller: SwitchController,
    services: list[AwsService],
    demo_env: DemoEnvironment,
    profiles: tuple[RoleProfile, ...],
) -> None:
    """Dev and Test alternate, with Prod (300 buckets, ~4x slower to list on the
    in-process emulator) every 100th switch; every 10th switch assumes the role again
    (the service forgets the session, as on expiry), the others reuse cached
    credentials. Each switch waits for its list. The Region lookups each switch starts
    (the emulator lists no BucketRegion) run on meanwhile, as they would for a user."""
    buckets = expected(demo_env, profiles)
    by_name = {p.name: p for p in profiles}
    watcher = Watcher(window, controller)
    total = 2000

    def one(index: int) -> None:
        profile = by_name["Prod" if index % 100 == 99 else GOOD[index % 2]]
        if index % 10 == 0 and services:
            services[0].forget(profile)  # the worker is idle between switches
        with qtbot.waitSignal(controller.switched, timeout=WAIT_MS):
            window.switch_to(profile.name)

    def settled() -> None:
        """Regions of the list on screen all in; garbage (old clients, their
        connections) collected, so threads serving closed connections end."""
        qtbot.waitUntil(
            lambda: all(b.region for b in window.bucket_model.buckets()), timeout=WAIT_MS
        )
        gc.collect()

    def threads() -> tuple[int, int]:
        return os_threads(), threading.active_count()

    # Warm up: imports, clients, caches, and every pool at its working size (Prod's 300
    # Region lookups fill the lookup pool).
    for index in (*range(28), 99, 199):
        one(index)
        settled()
    start_rss, (start_os, start_py) = rss_mb(), threads()
    mid_rss = start_rss
    for index in range(total):
        one(index)
        if index == total // 2:
            gc.collect()
            mid_rss = rss_mb()
    settled()
    end_rss = rss_mb()
    # Threads that served the emulator's keep-alive connections end shortly after their
    # client is collected: wait (bounded) for the count to come back down.
    try:
        qtbot.waitUntil(
            lambda: threads()[0] <= start_os and threads()[1] <= start_py, timeout=10_000
        )
    finally:
        end_os, end_py = threads()
        print(
            f"\n2,000 switches: RSS {start_rss:.1f} → {mid_rss:.1f} → {end_rss:.1f} MB "
            f"(second half {end_rss - mid_rss:+.1f} MB); OS threads {start_os} → {end_os}; "
            f"Python threads {start_py} → {end_py}"
        )
    check_screen(window, buckets)
    assert len(watcher.shown) == total + 30 and watcher.violations == []
    assert end_rss - mid_rss < 30, f"RSS grew {end_rss - mid_rss:.1f} MB over the second half"
    assert end_os <= start_os and end_py <= start_py, "threads were left running"
