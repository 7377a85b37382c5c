"""Bucket regions: the GUI while GetBucketLocation answers stream in, and the cost of
applying one batch of answers to a big table.

The emulator's ListBuckets carries no BucketRegion, so after showing a list the app asks
GetBucketLocation for each bucket in the background and fills the Region column as the
answers come, a batch at a time.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtWidgets import QApplication

from build_scripts.bench.harness import REGIONS_TIMEOUT_S, STALL_MS, BenchError, Report, median_ms
from build_scripts.bench.window_harness import (
    StallProbe,
    SwitchWaiter,
    settle,
    wait_for_model,
)
from xacct_gui.core.aws import Bucket
from xacct_gui.gui.bucket_model import BucketTableModel
from xacct_gui.gui.main_window import MainWindow

REGION_BATCH = 25  # the app's batch: xacct_gui.gui.region_lookup.BATCH_SIZE
BATCHED_ROWS = 2_500  # regions applied per table size (100 batches)


def has_region_lookup(model: BucketTableModel) -> bool:
    """Whether this checkout of the app looks regions up (older ones did not)."""
    return hasattr(model, "update_regions")


def all_regions_shown(model: BucketTableModel) -> bool:
    rows = model.buckets()
    return bool(rows) and all(bucket.region for bucket in rows)


def wait_for_regions(window: MainWindow) -> None:
    """Let the lookups a switch starts finish, so the next measurement starts from a
    quiet app; their own cost is measured by :func:`measure_stream`."""
    model = window.bucket_model
    if has_region_lookup(model) and not wait_for_model(
        model, lambda: all(b.region for b in model.buckets()), REGIONS_TIMEOUT_S
    ):
        raise BenchError("the bucket regions never all arrived")


def measure_stream(
    app: QApplication,
    window: MainWindow,
    waiter: SwitchWaiter,
    probe: StallProbe,
    profile_name: str,
) -> tuple[float, float, int] | None:
    """Switch to a profile never visited, wait until every region is shown: (seconds
    taken, longest GUI stall in ms, buckets); None if the app has no lookup or it did not
    finish. ``probe`` must be running."""
    model = window.bucket_model
    if not has_region_lookup(model):
        return None
    waiter.arm()
    started = time.perf_counter()
    window.switch_to(profile_name)
    waiter.wait()
    done = wait_for_model(model, lambda: all_regions_shown(model), REGIONS_TIMEOUT_S)
    ended = time.perf_counter()
    settle(app)
    if not done:
        return None
    return ended - started, probe.longest_gap_ms(started, ended), len(model.buckets())


def report_stream(report: Report, section: str, measured: tuple[float, float, int]) -> None:
    took, stall, count = measured
    report.at_most(
        section,
        f"longest GUI stall while {count} bucket regions stream in (GetBucketLocation)",
        stall,
        STALL_MS,
        "ms",
        floor=f"all regions shown after {took * 1000:.0f} ms",
    )


def bench_batches(
    report: Report,
    section: str,
    app: QApplication,
    model: BucketTableModel,
    buckets: Sequence[Bucket],
    label: str,
) -> None:
    """Buckets listed without a region get one per GetBucketLocation answer, applied on
    the GUI thread in batches as they arrive: the median time of one batch."""
    if not has_region_lookup(model):
        return
    size = len(buckets)
    bare = [Bucket(b.name, b.created, None) for b in buckets]
    model.set_buckets(bare)
    app.processEvents()
    batches: list[float] = []
    for offset in range(0, min(size, BATCHED_ROWS), REGION_BATCH):
        found = {b.name: "eu-west-1" for b in bare[offset : offset + REGION_BATCH]}
        started = time.perf_counter()
        model.update_regions(found)
        app.processEvents()
        batches.append(time.perf_counter() - started)
    per_batch = median_ms(batches)
    report.at_most(
        section,
        f"{label}: applying one batch of {REGION_BATCH} looked-up regions",
        per_batch,
        STALL_MS,
        "ms",
        floor=(
            f"GUI time for all {size // REGION_BATCH} batches "
            f"≈ {per_batch * size / REGION_BATCH / 1000:.1f} s"
        ),
    )
