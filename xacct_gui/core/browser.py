"""Open a web page: the one function every part of the app uses for it.

When the ``BROWSER`` environment variable is set, it is the command to run with the
URL, the convention of Python's :mod:`webbrowser` and many Unix tools: a
``os.pathsep``-separated list of commands, tried in order, where ``%s`` stands for
the URL (appended when absent). Otherwise the desktop's default browser opens it.

The answer is the truth: False when no browser could be started, or when the
command failed at once, so the caller never says "Opened" for nothing. Whatever a
launcher prints goes nowhere (a URL in a message on stderr may be a secret; the
console link is not, see :mod:`.one_time_link`, but a launcher cannot know that).
"""

from __future__ import annotations

import logging
import os
import shlex
import shutil
import subprocess
import sys
import webbrowser

log = logging.getLogger(__name__)

BROWSER_ENV = "BROWSER"
# How long a launcher may take to fail before it counts as started: xdg-open and
# most BROWSER scripts hand over and exit within this; a browser itself keeps running.
FAIL_FAST_S = 1.0


def _commands_from_env(url: str) -> list[list[str]]:
    commands: list[list[str]] = []
    for entry in os.environ.get(BROWSER_ENV, "").split(os.pathsep):
        entry = entry.strip()
        if not entry:
            continue
        try:
            parts = shlex.split(entry)
        except ValueError:
            continue
        if any("%s" in part for part in parts):
            parts = [part.replace("%s", url) for part in parts]
        else:
            parts.append(url)
        commands.append(parts)
    return commands


def _run(command: list[str]) -> bool:
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=sys.platform != "win32",
        )
    except OSError as exc:
        log.info("cannot start the browser command %s: %s", command[0], exc.strerror or exc)
        return False
    try:
        status = process.wait(FAIL_FAST_S)
    except subprocess.TimeoutExpired:
        return True  # still running: a browser, or a launcher handing over
    if status != 0:
        log.info("the browser command %s failed (exit status %s)", command[0], status)
    return status == 0


def _desktop_default(url: str) -> bool:
    if sys.platform == "win32":
        try:
            os.startfile(url)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    if shutil.which(opener):
        return _run([opener, url])
    return bool(webbrowser.open(url))


def open_url(url: str) -> bool:
    """Open ``url`` in a web browser; True when one was started for it."""
    commands = _commands_from_env(url)
    if commands:
        return any(_run(command) for command in commands)
    return _desktop_default(url)
