"""Section ``startup``: process start to the main window's first frame, unfrozen and (when
a bundle exists in dist/) frozen, and the longest GUI stall in the seconds after it shows.

The first frame is Qt's own ``qt.widgets.painting`` log line, so no hook in the app is
needed and frozen bundles are timed the same way; the app's ``--startup-probe`` line is
shown next to the frozen figure as a cross-check.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from build_scripts.bench import startup_probe
from build_scripts.bench.children import LineReader
from build_scripts.bench.harness import (
    FROZEN_STARTUP_S,
    STALL_MS,
    STARTUP_PROBE_S,
    STARTUP_TIMEOUT_S,
    BenchError,
    Report,
)
from build_scripts.bench.worlds import Emulator
from build_scripts.bench.xdisplay import virtual_display
from xacct_gui.core.store import ProfileStore, StateStore

SECTION = "startup"
REPO_ROOT = Path(__file__).resolve().parents[2]
PROBE_SCRIPT = Path(startup_probe.__file__).resolve()
# Qt logs every flush of a window's pixels in this category; the first flush of the main
# window is its first frame. It needs no hook in the app, so it times frozen bundles too.
FIRST_FRAME_RULES = "qt.widgets.painting.debug=true"
FIRST_FRAME_RE = re.compile(r"Flushing .* of MainWindow\(")
# The floor of a start-up: a bare PySide6 window of the app's size (its class is named
# MainWindow so the same log line times it), shown, nothing else.
BARE_WINDOW = (
    "import sys\n"
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "class MainWindow(QMainWindow): pass\n"
    "app = QApplication(sys.argv)\n"
    "window = MainWindow()\n"
    "window.resize(980, 640)\n"
    "window.show()\n"
    "app.exec()\n"
)


def frozen_bundle() -> Path | None:
    dist = REPO_ROOT / "dist"
    for candidate in (
        dist / "xacct-gui" / "xacct-gui",
        dist / "xacct-gui" / "xacct-gui.exe",
        dist / "xacct-gui.app" / "Contents" / "MacOS" / "xacct-gui",
        dist / "xacct" / "xacct",
        dist / "xacct" / "xacct.exe",
    ):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def startup_config(directory: Path, emu: Emulator) -> dict[str, str]:
    """A config dir holding the demo's profiles (last used: Prod), and an environment
    that points botocore at the emulator as a user's AWS settings would."""
    store = ProfileStore(directory)
    store.save(list(emu.profiles))
    StateStore(directory).save(last_profile="Prod")
    env = dict(os.environ)
    env.update(
        {
            "AWS_CONFIG_FILE": emu.config_file,
            "AWS_SHARED_CREDENTIALS_FILE": emu.credentials_file,
            "AWS_ENDPOINT_URL": emu.endpoint_url,
            "QT_LOGGING_RULES": FIRST_FRAME_RULES,
            # The checkout this script belongs to, even if another one is installed.
            "PYTHONPATH": os.pathsep.join(
                [str(REPO_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
            ),
        }
    )
    return env


@dataclass
class StartupRun:
    first_frame_s: float
    buckets_s: float | None = None
    stall_ms: float | None = None
    marker_s: float | None = None  # the app's own --startup-probe line, when asked for


def app_startup_marker() -> str | None:
    """The line ``--startup-probe`` prints at the window's first paint, if this checkout
    has that hidden flag (the packaging scripts time the frozen app with it)."""
    try:
        from xacct_gui import selftest
    except ImportError:
        return None
    marker = getattr(selftest, "STARTUP_MARKER", None)
    # The flag is parsed by one of the package's top-level modules (__main__.py today).
    has_flag = any(
        "--startup-probe" in path.read_text(encoding="utf-8")
        for path in (REPO_ROOT / "xacct_gui").glob("*.py")
        if path.name != "selftest.py"
    )
    return marker if isinstance(marker, str) and has_flag else None


def run_startup(
    command: list[str], env: dict[str, str], probe: bool, marker: str | None = None
) -> StartupRun:
    """Launch ``command``; time its main window's first frame (and more, see below).

    ``probe``: the command runs startup_probe.py, which reports when the buckets show
    and the longest stall, then quits. ``marker``: the app prints it at its first paint
    and closes itself (``--startup-probe``). Otherwise the process is terminated once its
    first frame is seen.
    """
    started = time.perf_counter()
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        text=True,
        cwd=tempfile.gettempdir(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    out, err = LineReader(proc.stdout), LineReader(proc.stderr)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    try:
        try:
            frame_at, _ = err.until(lambda line: bool(FIRST_FRAME_RE.search(line)), deadline)
        except (TimeoutError, EOFError):
            raise BenchError(f"no first frame from {command[0]}") from None
        run = StartupRun(frame_at - started)
        if not (probe or marker):
            return run
        while True:
            try:
                when, line = out.next(deadline)
            except TimeoutError:
                raise BenchError(f"{command[0]} did not finish its start-up probe") from None
            if line is None:
                break
            if line == startup_probe.BUCKETS_LINE:
                run.buckets_s = when - started
            elif probe and line.startswith("{"):
                run.stall_ms = float(json.loads(line)[startup_probe.STALL_KEY])
            elif marker and line.strip() == marker:
                run.marker_s = when - started
        status = proc.wait(timeout=STARTUP_TIMEOUT_S)
        if status != 0 or (probe and run.stall_ms is None) or (marker and run.marker_s is None):
            raise BenchError(f"{command[0]} ended its start-up probe with status {status}")
        return run
    finally:
        if proc.poll() is None:
            proc.terminate()  # only a process this function started
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def bundle_built_at(bundle: Path) -> str:
    for info in (REPO_ROOT / "dist").glob("*.build.json"):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            data = json.loads(info.read_text(encoding="utf-8"))
            if data.get("bundle") and (REPO_ROOT / data["bundle"]) in bundle.parents:
                return f", built {data.get('built_at', '?')}"
    return ""


def bench_startup(report: Report, emu: Emulator, runs: int) -> None:
    section = SECTION
    print(f"[startup] {runs} launches (+1 warm-up) each", flush=True)
    with tempfile.TemporaryDirectory(prefix="xacct-bench-startup-") as tmp:
        env = startup_config(Path(tmp), emu)
        command = [sys.executable, str(PROBE_SCRIPT), str(STARTUP_PROBE_S), "--config-dir", tmp]
        run_startup(command, env, probe=True)  # warm the page cache and the .pyc files
        unfrozen = [run_startup(command, env, probe=True) for _ in range(runs)]
        frames = [run.first_frame_s for run in unfrozen]
        report.info(
            section,
            f"unfrozen: process start → first frame of the window, median of {runs}",
            f"{statistics.median(frames) * 1000:.0f} ms",
            floor=f"min {min(frames) * 1000:.0f}, max {max(frames) * 1000:.0f} ms",
            raw=statistics.median(frames),
        )
        buckets = [run.buckets_s for run in unfrozen if run.buckets_s is not None]
        if buckets:
            report.info(
                section,
                "unfrozen: process start → last profile's buckets shown, median",
                f"{statistics.median(buckets) * 1000:.0f} ms",
            )
        stalls = [run.stall_ms for run in unfrozen if run.stall_ms is not None]
        report.at_most(
            section,
            f"longest GUI stall in the {STARTUP_PROBE_S:g} s after the window shows, median",
            statistics.median(stalls),
            STALL_MS,
            "ms",
            floor=f"worst run {max(stalls):.0f} ms",
        )

        bundle = frozen_bundle()
        if bundle is None:
            report.skipped(
                section,
                "frozen: process start → first frame",
                "no bundle in dist/ (build one: python3 build_scripts/dev.py build)",
            )
        else:
            bench_frozen(report, bundle, env, tmp, frames, runs)
        bench_visible(report, bundle, env, tmp, runs)


def bench_frozen(
    report: Report, bundle: Path, env: dict[str, str], tmp: str, frames: list[float], runs: int
) -> None:
    section = SECTION
    frozen_env = {k: v for k, v in env.items() if k != "PYTHONPATH"}
    marker = app_startup_marker()
    command = [str(bundle), "--config-dir", tmp, *(["--startup-probe"] if marker else [])]
    run_startup(command, frozen_env, probe=False, marker=marker)  # page cache
    frozen = [run_startup(command, frozen_env, probe=False, marker=marker) for _ in range(runs)]
    times = [run.first_frame_s for run in frozen]
    markers = [run.marker_s for run in frozen if run.marker_s is not None]
    cross_check = (
        f"; its --startup-probe line {statistics.median(markers):.2f} s" if markers else ""
    )
    report.at_most(
        section,
        f"frozen ({bundle.relative_to(REPO_ROOT)}): start → first frame, median of {runs}",
        statistics.median(times),
        FROZEN_STARTUP_S,
        "s",
        floor=(f"unfrozen {statistics.median(frames):.2f} s{cross_check}{bundle_built_at(bundle)}"),
        digits=2,
    )


def bench_visible(
    report: Report, bundle: Path | None, env: dict[str, str], tmp: str, runs: int
) -> None:
    """Start-up to a visible window: Xvfb + openbox, the xcb platform, real fonts."""
    section = SECTION
    with virtual_display() as display:
        if display is None:
            report.skipped(section, "visible window under Xvfb", "Xvfb or openbox missing")
            return
        x_env = {**env, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        bare = [sys.executable, "-c", BARE_WINDOW]
        unfrozen = [sys.executable, str(PROBE_SCRIPT), str(STARTUP_PROBE_S), "--config-dir", tmp]
        commands = [("bare", bare, x_env), ("unfrozen", unfrozen, x_env)]
        if bundle is not None:
            frozen_env = {k: v for k, v in x_env.items() if k != "PYTHONPATH"}
            commands.append(("frozen", [str(bundle), "--config-dir", tmp], frozen_env))
        medians: dict[str, float] = {}
        for label, command, command_env in commands:
            run_startup(command, command_env, probe=False)  # page cache, fonts
            times = [
                run_startup(command, command_env, probe=False).first_frame_s for _ in range(runs)
            ]
            medians[label] = statistics.median(times)
        floor = medians["bare"]
        report.info(
            section,
            f"xcb floor: a bare PySide6 window, start → visible frame, median of {runs}",
            f"{floor:.2f} s",
            raw=floor,
        )
        report.info(
            section,
            "xcb: unfrozen app, start → visible first frame, median",
            f"{medians['unfrozen']:.2f} s",
            floor=f"floor {floor:.2f} s, {medians['unfrozen'] / floor:.2f}×",
            raw=medians["unfrozen"],
        )
        if "frozen" not in medians:
            report.skipped(section, "xcb: frozen app, start → visible first frame", "no bundle")
            return
        report.at_most(
            section,
            "xcb: frozen app, start → visible first frame (Xvfb + openbox), median",
            medians["frozen"],
            FROZEN_STARTUP_S,
            "s",
            floor=f"floor {floor:.2f} s, {medians['frozen'] / floor:.2f}×",
            digits=2,
        )
