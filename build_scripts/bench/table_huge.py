"""Section ``table``, through the app in fresh processes: resident memory and the longest
GUI stall while an account with 100,000 buckets loads from the stand-in (worlds.py),
which pages as AWS does (MaxBuckets, ContinuationToken); next to it the floor, the same
pages fetched directly with botocore in the same process."""

from __future__ import annotations

import gc
import json
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from build_scripts.bench.children import bench_command
from build_scripts.bench.harness import (
    HUGE_TIMEOUT_S,
    MEMORY_100K_MB,
    STALL_MS,
    BenchError,
    GcMonitor,
    Report,
    rss_mb,
)
from build_scripts.bench.probe import plain_table_probe_ms, probe_text
from build_scripts.bench.window_harness import (
    StallProbe,
    SwitchWaiter,
    busy_thread_stall_ms,
    open_window,
    qt_app,
    settle,
)
from build_scripts.bench.worlds import EMPTY_ACCOUNT, HUGE_ACCOUNT, write_standin_aws_files
from xacct_gui.core.aws import LIST_BUCKETS_PAGE_SIZE, AwsService
from xacct_gui.core.profiles import RoleProfile

SECTION = "table"
CHILD_FLAG = "--huge-child"


def huge_child(endpoint_url: str, config_file: str, credentials_file: str) -> int:
    """Child: memory and GUI stall while a 100,000-bucket account loads through the app.

    A fresh process, so the memory figure is not blurred by earlier work. The empty
    window has already switched once (to an account with no buckets), so botocore and
    its clients are loaded: the difference is what the buckets cost.
    """
    app = qt_app()
    empty = RoleProfile.from_dict(
        {"name": "Empty", "account_id": EMPTY_ACCOUNT, "role_name": "Bench"}
    )
    huge = RoleProfile.from_dict({"name": "Huge", "account_id": HUGE_ACCOUNT, "role_name": "Bench"})

    def factory() -> AwsService:
        return AwsService(
            endpoint_url=endpoint_url, config_file=config_file, credentials_file=credentials_file
        )

    with open_window(factory, [empty, huge]) as (window, controller), GcMonitor() as gcs:
        waiter = SwitchWaiter(controller)
        probe = StallProbe()
        waiter.arm()
        window.switch_to("Empty")
        waiter.wait(HUGE_TIMEOUT_S)
        settle(app)
        gc.collect()
        settle(app)
        before = rss_mb()

        probe.start()
        waiter.arm()
        started = time.perf_counter()
        window.switch_to("Huge")
        waiter.wait(HUGE_TIMEOUT_S)
        settle(app)
        ended = time.perf_counter()
        probe.stop()
        rows = window.bucket_model.rowCount()
        gc.collect()
        settle(app)
        after = rss_mb()
        result = {
            "rows": rows,
            "rss_before_mb": before,
            "rss_after_mb": after,
            "switch_s": ended - started,
            "stall_fetch_ms": probe.longest_gap_ms(started, waiter.arrived),
            "stall_show_ms": probe.longest_gap_ms(waiter.arrived, ended),
            "stall_ms": probe.longest_gap_ms(started, ended),
            "gc_longest_ms": gcs.longest_ms(started, ended),
            "gc_full": gcs.full_collections(started, ended),
        }
        # The same length of time with a pure-Python thread instead: the machine's floor.
        result["stall_floor_ms"] = busy_thread_stall_ms(min(ended - started, 10.0))
    result["floor_s"] = direct_listing_s(factory, huge)
    print(json.dumps(result), flush=True)
    return 0


def direct_listing_s(factory: Callable[[], AwsService], profile: RoleProfile) -> float:
    """The floor: AssumeRole and every ListBuckets page of the app's size, made directly
    with a botocore client (no window, no model, no Bucket objects), after one warm-up
    listing; garbage collection paused, and the young generations collected per page,
    as the app's worker does during a switch."""
    gc.collect()
    gc.disable()
    try:
        return _direct_listing_s(factory, profile)
    finally:
        gc.enable()


def _direct_listing_s(factory: Callable[[], AwsService], profile: RoleProfile) -> float:
    service = factory()  # only for its botocore session and settings: not the app's path
    session = service.assume_role(profile)
    client: Any = service.role_client(profile, "s3")
    paginator = client.get_paginator("list_buckets")
    config = {"PageSize": LIST_BUCKETS_PAGE_SIZE}
    sum(len(page["Buckets"]) for page in paginator.paginate(PaginationConfig=config))
    started = time.perf_counter()
    service.forget(profile)
    session = service.assume_role(profile)
    client = service.role_client(profile, "s3")
    count = 0
    for page in client.get_paginator("list_buckets").paginate(PaginationConfig=config):
        count += len(page["Buckets"])
        gc.collect(1)  # as the app does per page while collection is paused
    elapsed = time.perf_counter() - started
    if count != int(HUGE_ACCOUNT) or session is None:
        raise BenchError(f"the direct listing found {count} buckets")
    return elapsed


def bench_table_huge(report: Report, standin_url: str, runs: int) -> None:
    section = SECTION
    print(f"[table] 100k buckets through the app, {runs} fresh process(es)", flush=True)
    results: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="xacct-bench-aws-") as tmp:
        config, credentials = write_standin_aws_files(Path(tmp))
        for _ in range(runs):
            proc = subprocess.run(
                bench_command(CHILD_FLAG, standin_url, config, credentials),
                capture_output=True,
                text=True,
                timeout=HUGE_TIMEOUT_S * 2,
                check=False,
            )
            last = proc.stdout.strip().splitlines()[-1:] or [""]
            if proc.returncode != 0 or not last[0].startswith("{"):
                raise BenchError(f"the 100k child failed ({proc.returncode}):\n{proc.stderr}")
            result = json.loads(last[0])
            if result["rows"] != int(HUGE_ACCOUNT):
                raise BenchError(f"the 100k child showed {result['rows']} rows")
            results.append(result)

    def med(key: str) -> float:
        return float(statistics.median(r[key] for r in results))

    report.at_most(
        section,
        "100k: resident memory above an empty window",
        med("rss_after_mb") - med("rss_before_mb"),
        MEMORY_100K_MB,
        "MB",
        floor=f"{med('rss_before_mb'):.0f} → {med('rss_after_mb'):.0f} MB",
    )
    pages = -(-int(HUGE_ACCOUNT) // LIST_BUCKETS_PAGE_SIZE)
    report.info(
        section,
        f"100k: switch through the app ({pages} pages of {LIST_BUCKETS_PAGE_SIZE:,}), total",
        f"{med('switch_s') * 1000:.0f} ms",
        floor=(
            f"floor (AssumeRole + the same pages, directly) {med('floor_s') * 1000:.0f} ms, "
            f"{med('switch_s') / med('floor_s'):.2f}×"
        ),
        raw=med("switch_s") * 1000,
    )
    probe_ms = plain_table_probe_ms()
    report.at_most(
        section,
        "longest GUI stall while 100k buckets load",
        med("stall_ms"),
        STALL_MS,
        "ms",
        floor=(
            f"fetch+parse {med('stall_fetch_ms'):.0f} ms, "
            f"showing {med('stall_show_ms'):.0f} ms (median of {len(results)}); "
            f"{med('gc_full'):.0f} full GCs, longest {med('gc_longest_ms'):.0f} ms; "
            f"{probe_text(probe_ms)}; stall floor (a pure-Python thread) "
            f"{med('stall_floor_ms'):.0f} ms"
        ),
    )
