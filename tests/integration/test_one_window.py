"""One running window per config dir, with two real processes (as a user starts them)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def launch(config_dir: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen(
        [sys.executable, "-m", "xacct_gui", "--config-dir", str(config_dir)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_second_launch_wakes_the_first_window_and_exits(tmp_path: Path) -> None:
    config_dir = tmp_path / "config"  # not there yet: the first launch makes it, 0700
    first = launch(config_dir)
    try:
        deadline = time.monotonic() + 30
        while not (config_dir / "window.lock").exists():
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the first window never took its lock"
            time.sleep(0.1)
        assert config_dir.stat().st_mode & 0o777 == 0o700
        started = time.monotonic()
        second = launch(config_dir)
        _out, err = second.communicate(timeout=10)
        assert time.monotonic() - started < 5
        assert second.returncode == 0
        assert "already running" in err and "brought its window to the front" in err
        assert first.poll() is None  # the first window is still there
    finally:
        first.send_signal(signal.SIGTERM)
        try:
            first.communicate(timeout=10)
        finally:
            if first.poll() is None:
                first.kill()
    assert first.returncode == 0
    # Once the first window is gone, a new launch gets its own window again.
    again = launch(config_dir)
    try:
        time.sleep(3)
        assert again.poll() is None
    finally:
        again.send_signal(signal.SIGTERM)
        again.communicate(timeout=10)
    assert again.returncode == 0
