"""A virtual X display with a window manager, so start-up is timed to a *visible*
window as a user sees it (xcb platform, real fonts, a mapped and exposed window), not
only to the offscreen platform's first frame.

``Xvfb`` picks a free display number itself (``-displayfd``); ``openbox`` manages the
windows. Both are processes this module started, and it stops exactly those.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator

SCREEN = "1280x800x24"
READY_TIMEOUT_S = 15.0


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wm_running(display: str) -> bool:
    """True once a window manager has announced itself on the root window."""
    xprop = shutil.which("xprop")
    if xprop is None:
        return True  # cannot tell: the caller waited for openbox to start at least
    probe = subprocess.run(
        [xprop, "-root", "_NET_SUPPORTING_WM_CHECK"],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        check=False,
    )
    return "window id" in probe.stdout


@contextlib.contextmanager
def virtual_display() -> Iterator[str | None]:
    """Yield the DISPLAY of a fresh Xvfb with openbox running, or None when either
    program is missing (the caller then says it skipped)."""
    xvfb, openbox = shutil.which("Xvfb"), shutil.which("openbox")
    if xvfb is None or openbox is None:
        yield None
        return
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_end), "-screen", "0", SCREEN, "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    wm: subprocess.Popen[bytes] | None = None
    try:
        with os.fdopen(read_end, "rb") as ready:
            number = ready.readline().decode().strip()  # written once the server listens
        if not number:
            yield None
            return
        display = f":{number}"
        wm = subprocess.Popen(
            [openbox],
            env={**os.environ, "DISPLAY": display},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not _wm_running(display) and time.monotonic() < deadline:
            time.sleep(0.05)
        yield display
    finally:
        if wm is not None:
            _stop(wm)
        _stop(server)
