"""Open a web page: the one function the app uses for console and sign-in pages.

When ``BROWSER`` is set it is the command to run with the URL (the convention of
Python's :mod:`webbrowser` and many Unix tools: entries separated by
``os.pathsep``, ``%s`` replaced by the URL, else the URL appended); otherwise the
desktop's default browser. The URL goes in the child's argv, so only pages whose
address carries no secret may be opened this way (a sign-in page's state and PKCE
challenge are not secrets; a console federation link is short-lived and is opened
by the desktop browser the same way).
"""

from __future__ import annotations

import logging
import os
import shlex
import subprocess

log = logging.getLogger(__name__)


def browser_command(url: str, entry: str) -> list[str]:
    """The argv for one ``BROWSER`` entry."""
    args = shlex.split(entry)
    if any("%s" in arg for arg in args):
        return [arg.replace("%s", url) for arg in args]
    return [*args, url]


def open_url(url: str) -> bool:
    """Open ``url``; False when no browser could be started."""
    command = os.environ.get("BROWSER", "").strip()
    if command:
        for entry in command.split(os.pathsep):
            if not entry.strip():
                continue
            try:
                subprocess.Popen(
                    browser_command(url, entry),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            except (OSError, ValueError) as exc:
                log.info("BROWSER entry could not start: %s", type(exc).__name__)
                continue
            return True
        return False
    import webbrowser

    try:
        return webbrowser.open(url)
    except webbrowser.Error:
        return False
