"""Section ``network``: switching over a network that looks like the internet.

The demo emulator behind a TLS-terminating proxy with a 40 ms round trip
(network_world.py, in a child process). Printed side by side, for a fresh switch
(AssumeRole + ListBuckets) and a switch back (the cached session: ListBuckets only):

- the physical limit: one round trip per request on warm connections, plus the time the
  emulator itself takes for the same requests (measured on loopback, no proxy);
- the floor: the same calls made directly as in the switch section (STS client kept, a
  new S3 client per role session, so a new connection and TLS handshake per switch);
- the naive way: a new boto3.Session and clients per switch;
- the app: ``AwsService.switch``, the code the worker runs (the window's own time to
  paint is the switch section's; it does not depend on the network);
- switching back through the window itself: the remembered list is on screen before
  any request goes out, so it must take no round trip at all.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from typing import Any

from build_scripts.bench import regions
from build_scripts.bench.children import child_server
from build_scripts.bench.harness import FRAME_MS, BenchError, Report, median_ms, p95_ms
from build_scripts.bench.switch_floor import Floor, aws_files_in_environment, naive_switch
from build_scripts.bench.window_harness import SwitchWaiter, open_window, qt_app, settle
from build_scripts.bench.worlds import Emulator
from xacct_gui.core.aws import AwsService
from xacct_gui.core.profiles import RoleProfile

SECTION = "network"
CHILD_FLAG = "--serve-network"
RTT_MS = 40
LIMIT_RATIO_TARGET = 1.15  # fresh switch / physical limit; the refresh / its floor
NAIVE_RUNS = 5
WINDOW_BACK_SWITCHES = 15


@contextlib.contextmanager
def ca_bundle(path: str) -> Iterator[None]:
    """botocore trusts the world's throw-away certificate through AWS_CA_BUNDLE."""
    saved = os.environ.get("AWS_CA_BUNDLE")
    os.environ["AWS_CA_BUNDLE"] = path
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("AWS_CA_BUNDLE", None)
        else:
            os.environ["AWS_CA_BUNDLE"] = saved


def server_times(emu: Emulator, profiles: list[RoleProfile]) -> tuple[list[float], list[float]]:
    """The emulator's own time for AssumeRole and for ListBuckets, on loopback with warm
    clients (client creation not timed)."""
    import botocore.session

    session = botocore.session.Session(profile=emu.source_profile)
    session.set_config_variable("config_file", emu.config_file)
    session.set_config_variable("credentials_file", emu.credentials_file)
    sts: Any = session.create_client("sts", region_name="us-east-1", endpoint_url=emu.endpoint_url)
    assume: list[float] = []
    listing: list[float] = []
    for index, profile in enumerate(profiles):
        params: dict[str, Any] = {
            "RoleArn": profile.role_arn,
            "RoleSessionName": f"xacct-server-{index:03d}",
        }
        if profile.external_id:
            params["ExternalId"] = profile.external_id
        started = time.perf_counter()
        creds = sts.assume_role(**params)["Credentials"]
        assume.append(time.perf_counter() - started)
        s3: Any = session.create_client(
            "s3",
            region_name="us-east-1",
            endpoint_url=emu.endpoint_url,
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
        s3.list_buckets()  # the connection
        started = time.perf_counter()
        s3.list_buckets()
        listing.append(time.perf_counter() - started)
    return assume, listing


def bench_network(report: Report, emu: Emulator, switches: int) -> None:
    print(f"[network] {switches} switches per kind over TLS, {RTT_MS} ms round trip", flush=True)
    roles = [emu.profile("Dev"), emu.profile("Test"), emu.profile("Prod")]

    def profile(index: int, tag: str) -> RoleProfile:
        base = roles[index % len(roles)]
        return base.replace(
            name=f"{base.name} {tag}{index:03d}", session_name=f"xacct-net-{tag}{index:03d}"
        )

    expected = {p.account_id: emu.bucket_counts[p.account_id] for p in roles}
    assume_s, list_s = server_times(emu, [profile(i, "s") for i in range(switches)])
    with (
        child_server(CHILD_FLAG, emu.endpoint_url, str(RTT_MS)) as world,
        ca_bundle(world["ca_bundle"]),
    ):
        url = world["endpoint_url"]
        service = AwsService(
            endpoint_url=url, config_file=emu.config_file, credentials_file=emu.credentials_file
        )
        floor = Floor(emu, url)
        warm = [profile(i, "w") for i in range(3)]
        for index, p in enumerate(warm):  # service models, the first connections
            service.switch(p)
            floor.fresh(p, f"xacct-net-floor-w{index:03d}", keep=True)

        app_fresh: list[float] = []
        floor_fresh: list[float] = []
        for index in range(switches):
            p = profile(index, "m")
            if index % 2:
                floor_fresh.append(floor.fresh(p, f"xacct-net-floor-{index:03d}"))
            started = time.perf_counter()
            result = service.switch(p)
            app_fresh.append(time.perf_counter() - started)
            if len(result.buckets) != expected[p.account_id]:
                raise BenchError(f"{p.name}: listed {len(result.buckets)} buckets")
            service.forget(p)
            if not index % 2:
                floor_fresh.append(floor.fresh(p, f"xacct-net-floor-{index:03d}"))

        app_back: list[float] = []
        floor_back: list[float] = []
        for index in range(switches):
            p = warm[index % len(warm)]
            started = time.perf_counter()
            result = service.switch(p)
            app_back.append(time.perf_counter() - started)
            if not result.reused_session:
                raise BenchError(f"{p.name}: the cached session was not reused")
            floor_back.append(floor.cached(p))

        window_back = window_switch_back(emu, url, warm, expected)
        naive: list[float] = []
        with aws_files_in_environment(emu):
            naive_switch(emu, roles[0], "xacct-net-naive-warm", url)
            for index in range(NAIVE_RUNS):
                naive.append(naive_switch(emu, roles[index % 3], f"xacct-net-naive-{index}", url))

    rtt = RTT_MS
    limit_fresh = 2 * rtt + median_ms(assume_s) + median_ms(list_s)
    limit_back = rtt + median_ms(list_s)
    section = SECTION
    report.info(
        section,
        f"limit, fresh switch: 2 round trips of {rtt} ms + the emulator's own time",
        f"{limit_fresh:.1f} ms",
        floor=f"emulator: AssumeRole {median_ms(assume_s):.1f} + ListBuckets "
        f"{median_ms(list_s):.1f} ms (loopback, median)",
        raw=limit_fresh,
    )
    report.info(
        section,
        "floor: AssumeRole + new S3 client + ListBuckets, median / p95",
        f"{median_ms(floor_fresh):.1f} / {p95_ms(floor_fresh):.1f} ms",
        floor=f"{median_ms(floor_fresh) / limit_fresh:.2f}× the limit",
        raw=median_ms(floor_fresh),
    )
    n_med = median_ms(naive)
    report.info(
        section,
        f"naive: new boto3.Session + clients per switch (n={len(naive)}), median",
        f"{n_med:.1f} ms",
        floor=f"{n_med / limit_fresh:.2f}× the limit",
        raw=n_med,
    )
    report.ratio_to(
        section,
        f"app: fresh switch (n={len(app_fresh)}), AwsService.switch, median",
        median_ms(app_fresh),
        limit_fresh,
        LIMIT_RATIO_TARGET,
        "limit",
        extra=f"p95 {p95_ms(app_fresh):.1f} ms; floor {median_ms(floor_fresh):.1f} ms",
    )
    report.info(
        section,
        f"limit, switch back: 1 round trip of {rtt} ms + the emulator's ListBuckets",
        f"{limit_back:.1f} ms",
        floor=f"floor (a kept S3 client) {median_ms(floor_back):.1f} ms",
        raw=limit_back,
    )
    report.ratio_to(
        section,
        "app: switch back, the refresh behind the remembered list, median",
        median_ms(app_back),
        median_ms(floor_back),
        LIMIT_RATIO_TARGET,
        "floor",
        extra=f"limit {limit_back:.1f} ms, {median_ms(app_back) / limit_back:.2f}×; the same "
        "one request made directly (the limit leaves out the world's own TLS and relay time)",
    )
    report.at_most(
        section,
        "switch back through the window: remembered list painted, p95",
        p95_ms(window_back),
        FRAME_MS,
        "ms",
        floor=f"median {median_ms(window_back):.1f} ms; one round trip is {rtt} ms, so no "
        "request was waited for",
    )


def window_switch_back(
    emu: Emulator, url: str, profiles: list[RoleProfile], expected: dict[str, int]
) -> list[float]:
    """Seconds from ``switch_to()`` to the painted remembered list, switching back to
    each of ``profiles`` in turn through the real window on the network world."""
    app = qt_app()

    def factory() -> AwsService:
        return AwsService(
            endpoint_url=url, config_file=emu.config_file, credentials_file=emu.credentials_file
        )

    times: list[float] = []
    with open_window(factory, profiles) as (window, controller):
        waiter = SwitchWaiter(controller)
        for profile in profiles:  # the first visits: sessions, lists and regions learnt
            waiter.arm()
            window.switch_to(profile.name)
            waiter.wait()
            settle(app)
            regions.wait_for_regions(window)
        for index in range(WINDOW_BACK_SWITCHES):
            profile = profiles[index % len(profiles)]
            waiter.arm()
            started = time.perf_counter()
            window.switch_to(profile.name)
            app.processEvents()  # the frame that shows it
            shown = time.perf_counter()
            if window.bucket_model.rowCount() != expected[profile.account_id]:
                raise BenchError(f"{profile.name}: no remembered list when switching back")
            times.append(shown - started)
            waiter.wait()  # the refresh behind it, so the next switch starts idle
            settle(app)
    return times
