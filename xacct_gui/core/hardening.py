"""Keep the process's memory, which holds secrets, out of core dumps and debuggers.

A crash while a request hangs must not leave a core file holding the long-term
secret key and the role's session token. On Linux the process is marked
non-dumpable (``prctl(PR_SET_DUMPABLE, 0)``: no core file, and other processes
of the same user may no longer ptrace it or read ``/proc/<pid>/mem``); on every
POSIX system the core size limit is set to zero. Windows writes no core files
on its own. Each step is best effort: failing to harden never stops the app.
"""

from __future__ import annotations

import contextlib
import sys

PR_SET_DUMPABLE = 4


def disable_core_dumps() -> list[str]:
    """Apply what this OS allows; returns the names of the steps that took effect."""
    applied: list[str] = []
    if sys.platform == "win32":
        return applied
    import resource

    with contextlib.suppress(OSError, ValueError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        applied.append("core-limit")
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0:
                applied.append("non-dumpable")
    return applied
