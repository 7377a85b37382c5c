"""Section ``switch``: switching roles through the real window against the demo emulator.

Fresh credentials, cached credentials, switching back to a role whose session is still
valid, the longest GUI stall during a switch and while bucket regions stream in; next to
them the floor and the naive way (switch_floor.py).
"""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass

from build_scripts.bench import regions
from build_scripts.bench.harness import (
    FRAME_MS,
    STALL_MS,
    SWITCH_RATIO_TARGET,
    BenchError,
    GcMonitor,
    Report,
    median_ms,
    p95_ms,
)
from build_scripts.bench.probe import plain_table_probe_ms, probe_text, repaint_ms
from build_scripts.bench.switch_floor import Floor, aws_files_in_environment, naive_switch
from build_scripts.bench.window_harness import (
    StallProbe,
    SwitchWaiter,
    open_window,
    qt_app,
    settle,
)
from build_scripts.bench.worlds import Emulator
from xacct_gui.core.aws import AwsService
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.gui.main_window.switching import REFRESH_AFTER_FRAME_MS

SECTION = "switch"


@dataclass
class SwitchTimes:
    """One switch through the window: seconds from switch_to() to the result reaching the
    GUI thread, to the model holding it, to the frame that shows it; the GUI stall."""

    arrived: float
    in_model: float
    painted: float
    stall_ms: float
    gc_ms: float  # the longest garbage collection inside this switch


@dataclass
class SwitchRun:
    """Everything one run of the section measured, in seconds unless named otherwise."""

    fresh: list[SwitchTimes]
    floor_fresh: list[float]
    floor_own: list[float]  # the floor with the app's timestamp parser: the app's own work
    cached: list[SwitchTimes]
    floor_cached: list[float]
    back_model: list[float]
    back_shown: list[float]
    naive: list[float]
    gc_longest_fresh_ms: float
    regions: tuple[float, float, int] | None
    probe_ms: float  # the plain-table repaint, measured in the same run
    app_repaint_ms: float  # the app's bucket table, repainted the same way


def bench_switching(report: Report, emu: Emulator, switches: int, naive_runs: int) -> None:
    print(f"[switch] {switches} switches per kind against the demo emulator", flush=True)
    report_run(report, measure(emu, switches, naive_runs))


def measure(emu: Emulator, switches: int, naive_runs: int) -> SwitchRun:
    """Fresh credentials: each measured switch goes to a profile of its own (its own session
    name, so its own cache entry), so it always calls STS, as on a first visit or after
    expiry; afterwards the service forgets it, so the app keeps as many clients as a user
    with the six warm-up profiles would. Cached credentials and switching back cycle
    through those six profiles, so every switch changes account."""
    app = qt_app()
    roles = [emu.profile("Dev"), emu.profile("Test"), emu.profile("Prod")]

    def bench_profile(index: int, tag: str) -> RoleProfile:
        base = roles[index % len(roles)]
        return base.replace(
            name=f"{base.name} {tag}{index:03d}", session_name=f"xacct-bench-{tag}{index:03d}"
        )

    warm = [bench_profile(i, "w") for i in range(6)]
    measured = [bench_profile(i, "m") for i in range(switches)]
    regions_profile = bench_profile(2, "r")  # Prod, never visited before
    expected = {p.name: emu.bucket_counts[p.account_id] for p in (*warm, *measured)}
    # The floor: the same calls made directly with botocore as it comes; beside
    # it one that also parses timestamps the app's way, so what is left is the app's work.
    floor = Floor(emu, app_timestamps=False)
    own_floor = Floor(emu)
    services: list[AwsService] = []

    def factory() -> AwsService:
        services.append(emu.make_service())
        return services[-1]

    probe_before = plain_table_probe_ms()
    with (
        open_window(factory, [*warm, *measured, regions_profile]) as (window, controller),
        GcMonitor() as gcs,
    ):
        waiter = SwitchWaiter(controller)
        probe = StallProbe()
        settle(app)

        def app_switch(profile: RoleProfile) -> SwitchTimes:
            waiter.arm()
            started = time.perf_counter()
            window.switch_to(profile.name)
            waiter.wait()
            in_model = time.perf_counter()
            settle(app)
            painted = time.perf_counter()
            rows = window.bucket_model.rowCount()
            if rows != expected[profile.name] or window.active_profile != profile:
                raise BenchError(f"{profile.name}: the window shows {rows} buckets")
            times = SwitchTimes(
                waiter.arrived - started,
                in_model - started,
                painted - started,
                probe.longest_gap_ms(started, painted),
                gcs.longest_ms(started, painted),
            )
            regions.wait_for_regions(window)
            return times

        probe.start()
        for index, profile in enumerate(warm):  # imports, service models, connections
            app_switch(profile)
            floor.fresh(profile, f"xacct-floor-w{index:03d}", keep=True)
            own_floor.fresh(profile, f"xacct-own-w{index:03d}")
        for profile in warm:
            app_switch(profile)  # the window remembers each warm profile's list now
        gc.collect()

        fresh: list[SwitchTimes] = []
        floor_fresh: list[float] = []
        floor_own: list[float] = []
        for index, profile in enumerate(measured):
            floor_own.append(own_floor.fresh(profile, f"xacct-own-{index:03d}"))
            # Alternate who goes first so neither always meets a warmer server.
            if index % 2:
                floor_fresh.append(floor.fresh(profile, f"xacct-floor-{index:03d}"))
            fresh.append(app_switch(profile))
            services[0].forget(profile)  # the worker is idle: nothing else uses the service
            if not index % 2:
                floor_fresh.append(floor.fresh(profile, f"xacct-floor-{index:03d}"))

        cached: list[SwitchTimes] = []
        floor_cached: list[float] = []
        for index in range(switches):
            profile = warm[index % len(warm)]
            if index % 2:
                floor_cached.append(floor.cached(profile))
            # The window first shows its remembered list, then the fresh one: time the latter.
            cached.append(app_switch(profile))
            if not index % 2:
                floor_cached.append(floor.cached(profile))

        back_model: list[float] = []
        back_shown: list[float] = []
        for index in range(switches):
            profile = warm[index % len(warm)]
            waiter.arm()
            started = time.perf_counter()
            window.switch_to(profile.name)
            model_done = time.perf_counter()
            if window.bucket_model.rowCount() != expected[profile.name]:
                raise BenchError(f"{profile.name}: no remembered list when switching back")
            app.processEvents()  # the frame that shows it
            shown = time.perf_counter()
            back_model.append(model_done - started)
            back_shown.append(shown - started)
            waiter.wait()  # the background refresh, so the next switch starts idle
            settle(app)
            regions.wait_for_regions(window)

        # A fresh Prod profile: 300 GetBucketLocation lookups stream in.
        streamed = regions.measure_stream(app, window, waiter, probe, regions_profile.name)
        probe.stop()
        settle(app)
        app_repaint = repaint_ms(window.bucket_panel.table)  # Prod's 300 rows
    probe_ms = (probe_before + plain_table_probe_ms()) / 2

    naive: list[float] = []
    with aws_files_in_environment(emu):
        naive_switch(emu, roles[0], "xacct-naive-warm")
        for index in range(naive_runs):
            naive.append(naive_switch(emu, roles[index % 3], f"xacct-naive-{index:03d}"))

    return SwitchRun(
        fresh=fresh,
        floor_fresh=floor_fresh,
        floor_own=floor_own,
        cached=cached,
        floor_cached=floor_cached,
        back_model=back_model,
        back_shown=back_shown,
        naive=naive,
        # Inside the app's switches only: the floor's untimed collections do not count.
        gc_longest_fresh_ms=max(t.gc_ms for t in fresh),
        regions=streamed,
        probe_ms=probe_ms,
        app_repaint_ms=app_repaint,
    )


def report_run(report: Report, run: SwitchRun) -> None:
    section = SECTION
    f_med, f_p95 = median_ms(run.floor_fresh), p95_ms(run.floor_fresh)
    report.info(
        section,
        "floor: AssumeRole + new S3 client + ListBuckets (botocore), median / p95",
        f"{f_med:.1f} / {f_p95:.1f} ms",
        raw=f_med,
    )
    painted = [t.painted for t in run.fresh]
    report.ratio(
        section,
        f"switch, fresh credentials (n={len(run.fresh)}), to the list painted, median",
        median_ms(painted),
        f_med,
        SWITCH_RATIO_TARGET,
    )
    report.ratio(
        section,
        "switch, fresh credentials, painted, p95",
        p95_ms(painted),
        f_p95,
        SWITCH_RATIO_TARGET,
    )
    arrived = median_ms([t.arrived for t in run.fresh])
    in_model = median_ms([t.in_model for t in run.fresh])
    report.info(
        section,
        "  of which: result on the GUI thread / in the model, median",
        f"{arrived:.1f} / {in_model:.1f} ms",
        floor=(
            f"{arrived / f_med:.2f}× / {in_model / f_med:.2f}×; "
            f"painting {median_ms(painted) - in_model:.1f} ms"
        ),
    )
    report.info(
        section,
        "  the bucket table's repaint (300 rows, viewport), median",
        f"{run.app_repaint_ms:.1f} ms",
        floor=f"{probe_text(run.probe_ms)}, {run.app_repaint_ms / run.probe_ms:.2f}×",
        raw=run.app_repaint_ms,
    )
    own = median_ms(run.floor_own)
    report.info(
        section,
        "  against a floor that parses timestamps the app's way, median",
        f"{own:.1f} ms",
        floor=f"the app's painted switch {median_ms(painted) / own:.2f}× it: the app's own "
        "work (the app reads AWS timestamps with datetime, core/timestamps.py)",
        raw=own,
    )
    n_med = median_ms(run.naive)
    report.info(
        section,
        f"naive: new boto3.Session + clients per switch (n={len(run.naive)}), median",
        f"{n_med:.1f} ms",
        floor=f"floor {f_med:.1f} ms, {n_med / f_med:.1f}×",
        raw=n_med,
    )
    c_painted = [t.painted for t in run.cached]
    c_med = median_ms(c_painted)
    fc_med = median_ms(run.floor_cached)
    report.info(
        section,
        "switch, cached credentials: the refreshed list painted, median / p95",
        f"{c_med:.1f} / {p95_ms(c_painted):.1f} ms",
        floor=f"floor (ListBuckets) {fc_med:.1f} ms; the refresh is sent "
        f"{REFRESH_AFTER_FRAME_MS} ms after the remembered list is painted (next figures), "
        f"so {c_med - REFRESH_AFTER_FRAME_MS:.1f} ms of work",
        raw=c_med,
    )
    report.info(
        section,
        "switch back: remembered list in the model when switch_to() returns, median",
        f"{median_ms(run.back_model):.1f} ms",
        raw=median_ms(run.back_model),
    )
    report.at_most(
        section,
        "switch back to a valid session, list painted, p95",
        p95_ms(run.back_shown),
        FRAME_MS,
        "ms",
        floor=(
            f"median {median_ms(run.back_shown):.1f}, max {max(run.back_shown) * 1000:.1f} ms; "
            f"{probe_text(run.probe_ms)}"
        ),
    )
    stalls = [t.stall_ms for t in run.fresh]
    report.at_most(
        section,
        "longest GUI stall during a fresh switch (5 ms probe)",
        max(stalls),
        STALL_MS,
        "ms",
        floor=(
            f"median per switch {statistics.median(stalls):.1f} ms; longest GC pause "
            f"{run.gc_longest_fresh_ms:.0f} ms; {probe_text(run.probe_ms)}"
        ),
    )
    if run.regions is not None:
        regions.report_stream(report, section, run.regions)
