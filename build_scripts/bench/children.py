"""Child processes of the bench: starting one, reading its output as it comes, stopping it.

The emulators and the 100,000-bucket measurement run in processes of their own, so their
CPU time does not compete with the measured app for its GIL, as real AWS would not.
"""

from __future__ import annotations

import contextlib
import json
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from build_scripts.bench.harness import SERVER_START_TIMEOUT_S, BenchError

PACKAGE_DIR = Path(__file__).resolve().parent


def bench_command(*args: str) -> list[str]:
    """The command line that runs this bench again (``python build_scripts/bench ARGS``)."""
    return [sys.executable, str(PACKAGE_DIR), *args]


class LineReader:
    """Reads a pipe on a thread, timestamping each line when it arrives."""

    def __init__(self, stream: Any) -> None:
        self.lines: queue.Queue[tuple[float, str | None]] = queue.Queue()
        self._thread = threading.Thread(target=self._run, args=(stream,), daemon=True)
        self._thread.start()

    def _run(self, stream: Any) -> None:
        for line in stream:
            self.lines.put((time.perf_counter(), line.rstrip("\n")))
        self.lines.put((time.perf_counter(), None))

    def next(self, deadline: float) -> tuple[float, str | None]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        try:
            return self.lines.get(timeout=remaining)
        except queue.Empty:
            raise TimeoutError from None

    def until(self, predicate: Callable[[str], bool], deadline: float) -> tuple[float, str]:
        while True:
            when, line = self.next(deadline)
            if line is None:
                raise EOFError
            if predicate(line):
                return when, line


@contextlib.contextmanager
def child_server(flag: str, *args: str) -> Iterator[dict[str, Any]]:
    """Start ``bench FLAG ARGS`` and yield the JSON it prints; stop it by closing its stdin."""
    proc = subprocess.Popen(
        bench_command(flag, *args),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        reader = LineReader(proc.stdout)
        try:
            _, line = reader.until(
                lambda text: text.startswith("{"), time.monotonic() + SERVER_START_TIMEOUT_S
            )
        except (TimeoutError, EOFError):
            raise BenchError(f"{flag} did not start (exit status {proc.poll()})") from None
        yield json.loads(line)
    finally:
        if proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
