"""Command ``switcher``: how the role switcher, its search and the Ctrl+K palette feel with
many profiles.

    .venv/bin/python build_scripts/bench switcher [--count 1000] [--runs 15]

Prints the median (and the slowest run) in milliseconds for:

    set_profiles          replacing the switcher's entries
    open switcher         showing its search popup until the first frame is drawn
    keystroke             one character typed into the search, list redrawn
    open palette          showing the Ctrl+K palette until drawn
    core index / search   the Qt-free search alone (building keys; one query)

and, for comparison, filling a QComboBox the way the switcher did before (one
``addItem`` with a freshly painted swatch per profile). The target for every
user-facing figure is "instant": well under 50 ms. Not part of the test run:
benchmarks measure, tests assert behaviour. Qt uses the offscreen platform
unless QT_QPA_PLATFORM says otherwise. Exit status 1 with --fail-on-miss when a
figure misses the target.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    Qt,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QWidget

from xacct_gui.core.colors import CONSOLE_COLORS
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.recent import SearchIndex
from xacct_gui.gui.color_picker import swatch_icon
from xacct_gui.gui.quick_switch import QuickSwitchPalette
from xacct_gui.gui.role_switcher import PROFILE_NAME_ROLE, RoleSwitcher

TARGET_MS = 50.0
ENVS = ("dev", "test", "stage", "prod")
# Seven teams and four environments (coprime) so every team has every environment.
TEAMS = ("payments", "search", "identity", "data", "web", "ml", "billing")
ROLES = (
    "Admin",
    "ReadOnly",
    "DeveloperAccess",
    "team/ops/Deployer",
    "OrganizationAccountAccessRole",
)
COLOURS = (*CONSOLE_COLORS, "#123456", "#7a3e9d")
# What people type: a name narrowed by environment, a role, a name and a number;
# account digits are added per run (taken from a real profile).
QUERIES = ("payments prod", "deployer", "identity stage 04")
# The offscreen platform reports for every popup that it cannot raise windows or
# grab the keyboard; true and harmless there, and noise in the figures.
_OFFSCREEN_NOISE = (
    "does not support raise()",
    "does not support grabbing the keyboard",
    "does not support propagateSizeHints()",
)


def make_profiles(count: int) -> list[RoleProfile]:
    return [
        RoleProfile(
            name=f"{TEAMS[i % len(TEAMS)]}-{ENVS[i % len(ENVS)]}-{i:04d}",
            account_id=f"{100000000000 + i * 7919:012d}",
            role_name=ROLES[i % len(ROLES)],
            color=COLOURS[i % len(COLOURS)],
        )
        for i in range(count)
    ]


def _quiet_offscreen(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    if not any(noise in message for noise in _OFFSCREEN_NOISE):
        print(message, file=sys.stderr)


def settle() -> None:
    """Let Qt lay out and paint what is pending, so timings include the first frame."""
    QCoreApplication.processEvents()
    QCoreApplication.processEvents()


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    settle()
    return (time.perf_counter() - start) * 1000


class Figures:
    def __init__(self) -> None:
        self.rows: list[tuple[str, list[float], bool]] = []

    def add(self, label: str, samples: list[float], *, user_facing: bool = True) -> None:
        self.rows.append((label, samples, user_facing))

    def print(self) -> bool:
        all_ok = True
        print(f"{'measure':<44}{'median ms':>10}{'max ms':>9}{'runs':>6}  verdict")
        for label, samples, user_facing in self.rows:
            median = statistics.median(samples)
            ok = median < TARGET_MS
            verdict = ("ok" if ok else "MISS") if user_facing else "(reference)"
            all_ok = all_ok and (ok or not user_facing)
            print(f"{label:<44}{median:>10.2f}{max(samples):>9.2f}{len(samples):>6}  {verdict}")
        return all_ok


def old_fill(combo: QComboBox, profiles: list[RoleProfile]) -> None:
    """The switcher's former way: an item and a freshly painted swatch per profile."""
    combo.clear()
    for profile in profiles:
        combo.addItem(swatch_icon(profile.color_hex), profile.label)
        index = combo.count() - 1
        combo.setItemData(index, profile.name, PROFILE_NAME_ROLE)
        combo.setItemData(index, profile.role_arn, Qt.ItemDataRole.ToolTipRole)


def bench(count: int, runs: int) -> bool:
    qInstallMessageHandler(_quiet_offscreen)
    # Held for the whole run: the application must outlive every widget made here.
    _app = QApplication.instance() or QApplication(sys.argv[:1])
    profiles = make_profiles(count)
    queries = (*QUERIES, profiles[count // 3].account_id[:6])
    # Wrapped so a small --count still works; the same five for 43 profiles or more.
    recent = [profiles[i % count].name for i in (count // 2, 7, count - 1, 42, 3)]
    figures = Figures()

    window = QWidget()
    window.resize(1000, 700)
    switcher = RoleSwitcher(window)
    switcher.setGeometry(20, 20, 600, 30)
    window.show()
    settle()

    # set_profiles: alternate two lists so every run really replaces the entries.
    other = list(reversed(profiles))
    figures.add(
        f"set_profiles ({count})",
        [
            timed(partial(switcher.set_profiles, profiles if i % 2 else other, recent[0]))
            for i in range(runs)
        ],
    )
    switcher.set_profiles(profiles, recent[0])
    switcher.set_recent(recent)

    # Opening the switcher: the first open also imports and builds the popup.
    first_open = timed(switcher.showPopup)
    popup = switcher.search_popup()
    switcher.hidePopup()
    settle()
    warm: list[float] = []
    for _ in range(runs):
        gc.collect()
        warm.append(timed(switcher.showPopup))
        switcher.hidePopup()
        settle()
    figures.add("open switcher popup (first, builds it)", [first_open])
    figures.add("open switcher popup", warm)

    # Keystrokes in the switcher's search, each one refiltering 1,000 rows and redrawing.
    field = popup.panel.field
    keystrokes: list[float] = []
    results: list[int] = []
    for _ in range(max(1, runs // len(queries))):
        for query in queries:
            switcher.showPopup()
            settle()
            for char in query:
                keystrokes.append(timed(partial(QTest.keyClicks, field, char)))
            results.append(len(popup.panel.shown_names()))
            switcher.hidePopup()
            settle()
    figures.add(f"keystroke in search ({len(keystrokes)} keys)", keystrokes)

    # The palette.
    palette = QuickSwitchPalette(window)
    first_palette = timed(lambda: palette.popup(window, profiles, recent))
    palette.close()
    settle()
    palette_runs: list[float] = []
    for _ in range(runs):
        gc.collect()
        palette_runs.append(timed(lambda: palette.popup(window, profiles, recent)))
        palette.close()
        settle()
    figures.add("open palette (first, builds its index)", [first_palette])
    figures.add("open palette", palette_runs)

    # The Qt-free part on its own.
    figures.add(
        f"core: build search index ({count})",
        [_ms(lambda: SearchIndex(profiles)) for _ in range(runs)],
        user_facing=False,
    )
    index = SearchIndex(profiles)
    figures.add(
        "core: one search (each query)",
        [_ms(partial(index.search, q, recent)) for _ in range(runs) for q in queries],
        user_facing=False,
    )

    # The former combo fill, for comparison (not the app's code path any more).
    plain = QComboBox(window)
    figures.add(
        f"reference: old addItem fill ({count})",
        [timed(lambda: old_fill(plain, profiles)) for _ in range(max(3, runs // 3))],
        user_facing=False,
    )

    platform_name = QGuiApplication.platformName()
    print(f"xacct switcher benchmark: {count} profiles, {runs} runs, Qt platform {platform_name}")
    print(f"matches per query: {dict(zip(queries, results[: len(queries)], strict=True))}\n")
    ok = figures.print()
    print(
        f"\ntarget: each user-facing median under {TARGET_MS:.0f} ms -> {'met' if ok else 'MISSED'}"
    )
    window.close()
    return ok


def _ms(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    parser = argparse.ArgumentParser(
        prog="bench switcher",
        description="How the role switcher, its search and the Ctrl+K palette feel with "
        "many profiles.",
    )
    parser.add_argument("--count", type=int, default=1000, help="profiles (default 1000)")
    parser.add_argument("--runs", type=int, default=15, help="runs per figure (default 15)")
    parser.add_argument(
        "--fail-on-miss", action="store_true", help="exit 1 when a figure misses the target"
    )
    args = parser.parse_args(argv)
    if args.count < 1 or args.runs < 1:
        parser.error("--count and --runs must be at least 1")
    ok = bench(args.count, args.runs)
    return 0 if ok or not args.fail_on_miss else 1
