"""Benchmarks for the speeds a user of xacct feels. Not part of the test run.

    .venv/bin/python build_scripts/bench [--quick] [--only SECTION[,SECTION]] [--json FILE]
    .venv/bin/python build_scripts/bench switcher [--count 1000] [--runs 15]

Sections (all by default):

    switch   switching roles against the demo emulator: fresh credentials, cached
             credentials, switching back to a role whose session is still valid,
             the longest GUI stall during a switch; the floor and the naive way
    network  the same switches over TLS with a 40 ms round trip (a proxy on 127.0.0.1 in
             front of the emulator, network_world.py): the physical limit, the floor,
             the naive way and the app, for a fresh switch and a switch back
    table    10,000 and 100,000 buckets: load, sort by each column, filter keystrokes;
             memory, and the longest GUI stall while a 100,000-bucket account loads
    startup  process start to the main window's first frame (unfrozen, and frozen when
             a bundle exists in dist/), and the longest GUI stall after it is shown
    sso      IAM Identity Center with 1,000 accounts × 3 roles (the app's stand-in): time
             from Sign in to the preview, the longest GUI stall while listing, re-planning
             the preview, adding the 3,000 roles, and re-syncing

``switcher`` is a command of its own (switcher.py): the role switcher, its search and
the Ctrl+K palette with many profiles, with its own table and target.

Every timed figure that has a target is compared with a floor measured in the same
run (the same calls made directly, without the app), so the verdict holds on a
noisy machine. The emulator and the stand-in server run in child processes: their
CPU time then does not compete with the app for this process's GIL, as real AWS
would not. Qt uses the offscreen platform unless QT_QPA_PLATFORM says otherwise.

Exit status: 0, or 1 with --fail-on-miss when a figure misses its target, or 2 when
the benchmark itself could not run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from build_scripts.bench import network, sso_discovery, switcher, table_huge, worlds
from build_scripts.bench.children import child_server
from build_scripts.bench.harness import BenchError, Report, isolate_environment
from build_scripts.bench.network_world import serve_network
from build_scripts.bench.startup import bench_startup
from build_scripts.bench.switch import bench_switching
from build_scripts.bench.table import bench_table_in_process

SECTIONS = ("switch", "network", "table", "startup", "sso")
TABLE_SIZES = (10_000, 100_000)
MIN_SWITCHES = 30


def machine_summary() -> str:
    import botocore
    import PySide6

    load = ""
    with contextlib.suppress(OSError, AttributeError):
        load = "load {:.2f} {:.2f} {:.2f}, ".format(*os.getloadavg())
    return (
        f"{platform.platform()}, {os.cpu_count()} CPUs, {load}Python {platform.python_version()}, "
        f"PySide6 {PySide6.__version__}, botocore {botocore.__version__}, "
        f"Qt platform {os.environ.get('QT_QPA_PLATFORM')}"
    )


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench",
        description=(__doc__ or "").split("\n\n")[0],
        epilog="`bench switcher --help`: the switcher and palette benchmark.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer repetitions (still ≥ 30 switches)"
    )
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help="comma-separated sections to run"
    )
    parser.add_argument("--switches", type=int, help="switches per kind (default 45, quick 30)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument(
        "--fail-on-miss", action="store_true", help="exit 1 when a figure misses its target"
    )
    return parser.parse_args(argv)


def child_main(argv: list[str]) -> int | None:
    """The internal entry points of the bench's child processes; None for any other
    command line."""
    if argv[:1] == ["--serve-demo"]:
        return worlds.serve_demo()
    if argv[:1] == ["--serve-standin"]:
        return worlds.serve_standin()
    if argv[:1] == [network.CHILD_FLAG] and len(argv) == 3:
        return serve_network(argv[1], argv[2])
    if argv[:1] == [sso_discovery.CHILD_FLAG] and len(argv) == 2:
        return sso_discovery.serve_idc(argv[1])
    if argv[:1] == [table_huge.CHILD_FLAG] and len(argv) == 4:
        return table_huge.huge_child(*argv[1:])
    return None


def run_sections(report: Report, sections: set[str], switches: int, quick: bool) -> None:
    with contextlib.ExitStack() as stack:
        emu = None
        if sections & {"switch", "network", "startup"}:
            emu = worlds.Emulator.from_payload(stack.enter_context(child_server("--serve-demo")))
        # Switching first: the table bench leaves a bigger heap behind, and every later
        # full garbage collection (which stalls the GUI thread) would pay for it.
        if "switch" in sections and emu is not None:
            bench_switching(report, emu, switches, 5 if quick else 10)
        if "network" in sections and emu is not None:
            network.bench_network(report, emu, switches)
        if "startup" in sections and emu is not None:
            bench_startup(report, emu, 3 if quick else 5)
        if "table" in sections:
            bench_table_in_process(report, TABLE_SIZES)
            standin = stack.enter_context(child_server("--serve-standin"))
            table_huge.bench_table_huge(report, standin["endpoint_url"], 1 if quick else 3)
        if "sso" in sections:
            sso_discovery.run(report)


def write_json(path: Path, report: Report) -> None:
    path.write_text(
        json.dumps(
            {"machine": machine_summary(), "figures": [asdict(f) for f in report.figures]},
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )


def main(argv: Sequence[str] | None = None) -> int:
    isolate_environment()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["switcher"]:
        return switcher.main(argv[1:])
    child = child_main(argv)
    if child is not None:
        return child

    args = parse_args(argv)
    sections = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = sections - set(SECTIONS)
    if unknown:
        print(f"unknown section(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    switches = args.switches or (MIN_SWITCHES if args.quick else 45)
    if switches < MIN_SWITCHES:
        print(f"--switches must be at least {MIN_SWITCHES}", file=sys.stderr)
        return 2
    print(machine_summary(), flush=True)
    report = Report()
    try:
        run_sections(report, sections, switches, args.quick)
    except BenchError as exc:
        report.print_table()
        print(f"\nbenchmark could not run: {exc}", file=sys.stderr)
        return 2
    report.print_table()
    misses = report.misses()
    print(f"\n{len(report.figures)} figures, {len(misses)} missed their target.")
    if args.json:
        write_json(args.json, report)
    return 1 if misses and args.fail_on_miss else 0
