"""What every section shares: the targets, the figures and their table, medians and
percentiles, resident memory and garbage-collection pauses, a clean environment."""

from __future__ import annotations

import gc
import os
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# --- targets (docs/performance.md explains each) ---
SWITCH_RATIO_TARGET = 1.3  # app switch / floor
FRAME_MS = 16.0  # switch back; 10k filter keystroke
LOAD_SORT_100K_MS = 300.0
MEMORY_100K_MB = 150.0
STALL_MS = 50.0
FROZEN_STARTUP_S = 0.5

# --- how long to wait, how often to look ---
PROBE_INTERVAL_MS = 5
SWITCH_TIMEOUT_S = 30.0
HUGE_TIMEOUT_S = 180.0
SERVER_START_TIMEOUT_S = 180.0
STARTUP_TIMEOUT_S = 60.0
STARTUP_PROBE_S = 3.0
REGIONS_TIMEOUT_S = 60.0

# The developer's AWS settings the bench must never read; each part names its own files.
AWS_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_STS",
    "AWS_ENDPOINT_URL_S3",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
)


class BenchError(RuntimeError):
    """The benchmark could not measure (not a missed target)."""


def isolate_environment() -> None:
    """Offscreen Qt unless QT_QPA_PLATFORM says otherwise; no AWS settings of the user's
    and no instance-metadata lookups. Child processes inherit this."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for name in AWS_VARIABLES:
        os.environ.pop(name, None)
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"


# --- results ---


@dataclass
class Figure:
    section: str
    name: str
    value: str
    target: str = ""
    floor: str = ""
    status: str = "info"  # PASS, MISS, info, skipped
    raw: float | None = None


class Report:
    """The figures in the order measured; each is printed as it comes, and all of them as
    one table at the end."""

    def __init__(self) -> None:
        self.figures: list[Figure] = []

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        print(f"  {figure.name}: {figure.value}  {figure.floor}  {figure.status}", flush=True)
        return figure

    def info(
        self, section: str, name: str, value: str, floor: str = "", raw: float | None = None
    ) -> None:
        self.add(Figure(section, name, value, floor=floor, raw=raw))

    def skipped(self, section: str, name: str, why: str) -> None:
        self.add(Figure(section, name, "—", floor=why, status="skipped"))

    def at_most(
        self,
        section: str,
        name: str,
        value: float,
        limit: float,
        unit: str,
        floor: str = "",
        digits: int = 1,
    ) -> None:
        self.add(
            Figure(
                section,
                name,
                f"{value:.{digits}f} {unit}",
                target=f"≤ {limit:g} {unit}",
                floor=floor,
                status="PASS" if value <= limit else "MISS",
                raw=value,
            )
        )

    def ratio(
        self, section: str, name: str, value_ms: float, floor_ms: float, limit: float
    ) -> None:
        ratio = value_ms / floor_ms
        self.add(
            Figure(
                section,
                name,
                f"{value_ms:.1f} ms",
                target=f"≤ {limit:g}× floor",
                floor=f"floor {floor_ms:.1f} ms, {ratio:.2f}×",
                status="PASS" if ratio <= limit else "MISS",
                raw=value_ms,
            )
        )

    def ratio_to(
        self,
        section: str,
        name: str,
        value_ms: float,
        reference_ms: float,
        limit: float,
        reference: str,
        extra: str = "",
    ) -> None:
        """Like :meth:`ratio`, against a reference other than the floor (e.g. the limit)."""
        ratio = value_ms / reference_ms
        self.add(
            Figure(
                section,
                name,
                f"{value_ms:.1f} ms",
                target=f"≤ {limit:g}× {reference}",
                floor=f"{reference} {reference_ms:.1f} ms, {ratio:.2f}×"
                + (f"; {extra}" if extra else ""),
                status="PASS" if ratio <= limit else "MISS",
                raw=value_ms,
            )
        )

    def misses(self) -> list[Figure]:
        return [f for f in self.figures if f.status == "MISS"]

    def print_table(self) -> None:
        headers = ("figure", "value", "target", "floor / ratio", "result")
        rows = [(f.name, f.value, f.target, f.floor, f.status) for f in self.figures]
        widths = [
            max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
            for i, h in enumerate(headers)
        ]
        line = "  ".join(f"{{:<{w}}}" for w in widths)
        print()
        print(line.format(*headers))
        print(line.format(*("-" * w for w in widths)))
        section = None
        for figure, row in zip(self.figures, rows, strict=True):
            if figure.section != section:
                section = figure.section
                print(f"[{section}]")
            print(line.format(*row))


# --- statistics and measurements ---


def median_ms(values: Sequence[float]) -> float:
    return statistics.median(values) * 1000


def p95_ms(values: Sequence[float]) -> float:
    """Nearest-rank 95th percentile, in ms."""
    ordered = sorted(values)
    rank = max(1, -(-95 * len(ordered) // 100))  # ceil(0.95 n)
    return ordered[rank - 1] * 1000


def rss_mb() -> float:
    """Resident set size now (Linux /proc; elsewhere the peak from getrusage)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, AttributeError):
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


class GcMonitor:
    """Records every garbage collection: a full one holds the GIL, whichever thread runs
    it, and so stalls the GUI thread too."""

    def __init__(self) -> None:
        self.pauses: list[tuple[float, float, int]] = []  # start, seconds, generation
        self._started = 0.0

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append(
                (self._started, time.perf_counter() - self._started, int(info["generation"]))
            )

    def __enter__(self) -> GcMonitor:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)

    def longest_ms(self, start: float = 0.0, end: float = float("inf")) -> float:
        inside = [seconds for at, seconds, _ in self.pauses if start <= at <= end]
        return max(inside, default=0.0) * 1000

    def full_collections(self, start: float = 0.0, end: float = float("inf")) -> int:
        return sum(1 for at, _, gen in self.pauses if gen == 2 and start <= at <= end)
