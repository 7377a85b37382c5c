#!/usr/bin/env python3
"""Benchmarks for the speeds a user of xacct feels (issue 6). Not part of the test run.

    .venv/bin/python build_scripts/bench.py [--quick] [--only SECTION[,SECTION]] [--json FILE]

Sections (all by default):

    switch   switching roles against the demo emulator: fresh credentials, cached
             credentials, switching back to a role whose session is still valid,
             the longest GUI stall during a switch; the floor and the naive way
    table    10,000 and 100,000 buckets: load, sort by each column, filter keystrokes;
             memory, and the longest GUI stall while a 100,000-bucket account loads
    startup  process start to the main window's first frame (unfrozen, and frozen when
             a bundle exists in dist/), and the longest GUI stall after it is shown

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
import gc
import itertools
import json
import os
import platform
import queue
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # runnable from a checkout without an install
    sys.path.insert(0, str(REPO_ROOT))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The bench never reads the developer's AWS settings; each part names its own files.
for _var in (
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
):
    os.environ.pop(_var, None)
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Slot  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView  # noqa: E402

from xacct_gui.core.aws import AwsService, Bucket, SwitchResult  # noqa: E402
from xacct_gui.core.profiles import RoleProfile  # noqa: E402
from xacct_gui.core.store import ProfileStore, StateStore  # noqa: E402
from xacct_gui.gui.bucket_model import COL_CREATED, COL_NAME, COL_REGION  # noqa: E402
from xacct_gui.gui.main_window import MainWindow  # noqa: E402
from xacct_gui.gui.workers import SwitchController  # noqa: E402

# --- targets (issue 6) ---
SWITCH_RATIO_TARGET = 1.3  # app switch / floor
FRAME_MS = 16.0  # switch back; 10k filter keystroke
LOAD_SORT_100K_MS = 300.0
MEMORY_100K_MB = 150.0
STALL_MS = 50.0
FROZEN_STARTUP_S = 0.5

PROBE_INTERVAL_MS = 5
SWITCH_TIMEOUT_S = 30.0
HUGE_TIMEOUT_S = 180.0
SERVER_START_TIMEOUT_S = 180.0
STARTUP_TIMEOUT_S = 60.0
STARTUP_PROBE_S = 3.0
REGIONS_TIMEOUT_S = 60.0
REGION_BATCH = 25  # xacct_gui.gui.region_lookup.BATCH_SIZE
# The stand-in names its accounts after their bucket count (see StandIn).
EMPTY_ACCOUNT = "000000000000"
HUGE_ACCOUNT = "000000100000"
BUCKET_PURPOSES = (
    "app-logs",
    "backups",
    "data-lake-raw",
    "data-lake-curated",
    "ml-artifacts",
    "static-assets",
    "terraform-state",
    "athena-results",
    "cdn-origin",
    "reports",
)
BUCKET_REGIONS = (
    ("us-east-1", 50),
    ("eu-west-1", 25),
    ("eu-central-1", 15),
    ("ap-southeast-2", 10),
)


class BenchError(RuntimeError):
    """The benchmark could not measure (not a missed target)."""


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


# --- buckets (shared by the in-process table bench and the stand-in server) ---


def bucket_rows(count: int) -> list[tuple[str, datetime, str]]:
    """``count`` distinct, realistic (name, created, region) rows in random order."""
    rng = random.Random(count)
    now = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)
    regions = rng.choices(
        [region for region, _ in BUCKET_REGIONS], [weight for _, weight in BUCKET_REGIONS], k=count
    )
    return [
        (
            f"{rng.choice(BUCKET_PURPOSES)}-{rng.getrandbits(32):08x}-{index:06d}",
            now - timedelta(seconds=rng.randrange(3600, 6 * 365 * 86400)),
            regions[index],
        )
        for index in range(count)
    ]


def make_buckets(count: int) -> list[Bucket]:
    return [Bucket(name, created, region) for name, created, region in bucket_rows(count)]


# --- child processes: the demo emulator and the stand-in server ---


def serve_demo() -> int:
    """Child: run the seeded demo emulator until stdin closes; print its details first."""
    from xacct_gui.demo import DemoAws

    with DemoAws() as env:
        payload = {
            "endpoint_url": env.endpoint_url,
            "config_file": env.config_file,
            "credentials_file": env.credentials_file,
            "source_profile": env.source_profile,
            "profiles": [profile.to_dict() for profile in env.profiles],
            "bucket_counts": {acct: len(names) for acct, names in env.buckets_by_account.items()},
        }
        print(json.dumps(payload), flush=True)
        sys.stdin.read()
    return 0


class StandInHandler(BaseHTTPRequestHandler):
    """Just enough STS (AssumeRole) and S3 (ListBuckets, paged like AWS) for the table bench.

    An assumed role's access key carries its account id, and an account holds as many
    buckets as its id says (``000000100000`` has 100,000). ListBuckets honours
    ``max-buckets`` and ``continuation-token`` the way AWS does (the emulator ignores
    them and returns one huge page, which AWS never does above 10,000).
    """

    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's pool expects
    pages: ClassVar[dict[int, list[str]]] = {}
    lock = threading.Lock()

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        role_arn = form.get("RoleArn", [""])[0]
        account = role_arn.split(":")[4] if role_arn.count(":") >= 5 else "000000000000"
        session = form.get("RoleSessionName", ["bench"])[0]
        expiration = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        body = (
            '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
            "<AssumeRoleResult><Credentials>"
            f"<AccessKeyId>ASIA{account}BNCH</AccessKeyId>"
            "<SecretAccessKey>benchSecretKeyForTheStandInServerOnly0000</SecretAccessKey>"
            "<SessionToken>benchSessionTokenForTheStandInServerOnly</SessionToken>"
            f"<Expiration>{expiration}</Expiration>"
            "</Credentials><AssumedRoleUser>"
            f"<Arn>arn:aws:sts::{account}:assumed-role/Bench/{session}</Arn>"
            f"<AssumedRoleId>AROABENCH:{session}</AssumedRoleId>"
            "</AssumedRoleUser></AssumeRoleResult>"
            "<ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata>"
            "</AssumeRoleResponse>"
        )
        self._send(200, body.encode())

    def do_GET(self) -> None:
        match = re.search(r"Credential=ASIA(\d{12})", self.headers.get("Authorization", ""))
        count = int(match.group(1)) if match else 0
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        page_size = min(int(query.get("max-buckets", ["10000"])[0]), 10_000)
        start = int(query.get("continuation-token", ["0"])[0])
        items = self._items(count)
        page = items[start : start + page_size]
        token = (
            f"<ContinuationToken>{start + page_size}</ContinuationToken>"
            if start + page_size < count
            else ""
        )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            "<Owner><ID>bench</ID><DisplayName>bench</DisplayName></Owner>"
            f"<Buckets>{''.join(page)}</Buckets>{token}</ListAllMyBucketsResult>"
        )
        self._send(200, body.encode())

    @classmethod
    def _items(cls, count: int) -> list[str]:
        with cls.lock:
            if count not in cls.pages:
                cls.pages[count] = [
                    f"<Bucket><Name>{name}</Name>"
                    f"<CreationDate>{created.strftime('%Y-%m-%dT%H:%M:%S.000Z')}</CreationDate>"
                    f"<BucketRegion>{region}</BucketRegion></Bucket>"
                    for name, created, region in bucket_rows(count)
                ]
            return cls.pages[count]


def serve_standin() -> int:
    """Child: run the stand-in server until stdin closes; print its endpoint first."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandInHandler)
    server.daemon_threads = True
    StandInHandler._items(int(HUGE_ACCOUNT))  # render once, before anyone measures
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    print(json.dumps({"endpoint_url": f"http://{host!s}:{port}"}), flush=True)
    sys.stdin.read()
    server.shutdown()
    server.server_close()
    return 0


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
def child_server(flag: str) -> Iterator[dict[str, Any]]:
    """Start ``bench.py FLAG`` and yield the JSON it prints; stop it by closing its stdin."""
    proc = subprocess.Popen(
        [sys.executable, __file__, flag],
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


@dataclass(frozen=True)
class Emulator:
    endpoint_url: str
    config_file: str
    credentials_file: str
    source_profile: str
    profiles: tuple[RoleProfile, ...]
    bucket_counts: dict[str, int]

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Emulator:
        return cls(
            endpoint_url=payload["endpoint_url"],
            config_file=payload["config_file"],
            credentials_file=payload["credentials_file"],
            source_profile=payload["source_profile"],
            profiles=tuple(RoleProfile.from_dict(p) for p in payload["profiles"]),
            bucket_counts={k: int(v) for k, v in payload["bucket_counts"].items()},
        )

    def make_service(self) -> AwsService:
        return AwsService(
            endpoint_url=self.endpoint_url,
            config_file=self.config_file,
            credentials_file=self.credentials_file,
        )

    def profile(self, name: str) -> RoleProfile:
        return next(p for p in self.profiles if p.name == name)


def write_standin_aws_files(directory: Path) -> tuple[str, str]:
    config = directory / "config"
    credentials = directory / "credentials"
    config.write_text("[default]\nregion = us-east-1\n", encoding="utf-8")
    credentials.write_text(
        "[default]\naws_access_key_id = AKIAFAKEBENCHSTAND01\n"
        "aws_secret_access_key = benchSecretForTheStandInOnly00000000000\n",
        encoding="utf-8",
    )
    return str(config), str(credentials)


# --- Qt helpers ---


def qt_app() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    return app


def settle(app: QApplication) -> None:
    """Let Qt finish pending layout and paint work."""
    for _ in range(3):
        app.processEvents()


class SwitchWaiter(QObject):
    """Runs the event loop until the controller reports the next outcome (bounded)."""

    def __init__(self, controller: SwitchController) -> None:
        super().__init__()
        self._loop = QEventLoop(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._loop.quit)
        self.outcome: str | None = None
        self.result: SwitchResult | None = None
        self.arrived = 0.0  # when the outcome reached the GUI thread (before the window drew it)
        controller.busy_changed.connect(self._on_busy)
        controller.switched.connect(self._on_switched)
        controller.switch_failed.connect(self._on_failed)

    def arm(self) -> None:
        self.outcome, self.result, self.arrived = None, None, 0.0

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        if not busy:
            self.arrived = time.perf_counter()

    @Slot(object)
    def _on_switched(self, result: SwitchResult) -> None:
        self.outcome, self.result = "ok", result
        self._loop.quit()

    @Slot(object, str, str)
    def _on_failed(self, profile: RoleProfile, message: str, code: str) -> None:
        self.outcome = f"{profile.name}: {code}: {message}"
        self._loop.quit()

    def wait(self, timeout_s: float = SWITCH_TIMEOUT_S) -> SwitchResult:
        if self.outcome is None:
            self._timer.start(int(timeout_s * 1000))
            self._loop.exec()
            self._timer.stop()
        if self.outcome is None:
            raise BenchError(f"no switch outcome within {timeout_s:g} s")
        if self.result is None:
            raise BenchError(f"switch failed: {self.outcome}")
        return self.result


class StallProbe(QObject):
    """A 5 ms precise timer; a long gap between its ticks is a stalled event loop."""

    def __init__(self) -> None:
        super().__init__()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(PROBE_INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        self.ticks: list[float] = []

    @Slot()
    def _tick(self) -> None:
        self.ticks.append(time.perf_counter())

    def start(self) -> None:
        self.ticks = []
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def longest_gap_ms(self, start: float, end: float) -> float:
        """The longest time within [start, end] during which the event loop did not turn."""
        inside = [t for t in self.ticks if start < t < end]
        points = [start, *inside, end]
        return max(b - a for a, b in itertools.pairwise(points)) * 1000


def wait_for_model(model: Any, condition: Callable[[], bool], timeout_s: float) -> bool:
    """Run the event loop until ``condition()`` holds, re-checked whenever the model
    reports changed data (bounded); True when it held."""
    if condition():
        return True
    loop = QEventLoop()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)

    def check() -> None:
        if condition():
            loop.quit()

    model.dataChanged.connect(check)
    timer.start(int(timeout_s * 1000))
    loop.exec()
    timer.stop()
    model.dataChanged.disconnect(check)
    return condition()


@contextlib.contextmanager
def open_window(
    factory: Callable[[], AwsService], profiles: Sequence[RoleProfile]
) -> Iterator[tuple[MainWindow, SwitchController]]:
    """A shown main window over its own config dir; closed (worker stopped) on the way out,
    whatever happens, so a failed measurement never leaves a running QThread behind."""
    app = qt_app()
    with tempfile.TemporaryDirectory(prefix="xacct-bench-") as tmp:
        controller = SwitchController(factory)
        window = MainWindow(
            store=ProfileStore(Path(tmp)),
            state=StateStore(Path(tmp)),
            controller=controller,
            profiles=profiles,
        )
        window.show()
        controller.warm_up()  # as the app does once its window shows (app.py)
        try:
            yield window, controller
        finally:
            window.close()
            controller.shutdown()
            window.deleteLater()
            controller.deleteLater()
            settle(app)


# --- section: switching ---


class Floor:
    """The least work a switch needs: AssumeRole and ListBuckets made directly with one
    botocore session kept for the whole run (a new S3 client per set of credentials, as
    any caller needs); the same client settings as the app."""

    def __init__(self, emu: Emulator) -> None:
        import botocore.session
        from botocore.config import Config

        self._emu = emu
        self._session = botocore.session.Session(profile=emu.source_profile)
        self._session.set_config_variable("config_file", emu.config_file)
        self._session.set_config_variable("credentials_file", emu.credentials_file)
        self._config = Config(
            connect_timeout=3, read_timeout=3, retries={"mode": "standard", "max_attempts": 3}
        )
        self._sts = self._client("sts")
        self._s3: dict[str, Any] = {}

    def _client(self, service: str, creds: dict[str, Any] | None = None) -> Any:
        return self._session.create_client(
            service,
            region_name="us-east-1",
            endpoint_url=self._emu.endpoint_url,
            config=self._config,
            aws_access_key_id=creds["AccessKeyId"] if creds else None,
            aws_secret_access_key=creds["SecretAccessKey"] if creds else None,
            aws_session_token=creds["SessionToken"] if creds else None,
        )

    def fresh(self, profile: RoleProfile, session_name: str, keep: bool = False) -> float:
        params: dict[str, Any] = {"RoleArn": profile.role_arn, "RoleSessionName": session_name}
        if profile.external_id:
            params["ExternalId"] = profile.external_id
        started = time.perf_counter()
        creds = self._sts.assume_role(**params)["Credentials"]
        s3 = self._client("s3", creds)
        count = len(s3.list_buckets()["Buckets"])
        elapsed = time.perf_counter() - started
        if count != self._emu.bucket_counts[profile.account_id]:
            raise BenchError(f"floor listed {count} buckets for {profile.name}")
        if keep:
            self._s3[profile.name] = s3
        return elapsed

    def cached(self, profile: RoleProfile) -> float:
        started = time.perf_counter()
        self._s3[profile.name].list_buckets()
        return time.perf_counter() - started


def naive_switch(emu: Emulator, profile: RoleProfile, session_name: str) -> float:
    """What the usual examples do: a new boto3.Session and new clients on every switch."""
    import boto3

    started = time.perf_counter()
    source = boto3.Session(profile_name=emu.source_profile)
    sts = source.client("sts", endpoint_url=emu.endpoint_url)
    params: dict[str, Any] = {"RoleArn": profile.role_arn, "RoleSessionName": session_name}
    if profile.external_id:
        params["ExternalId"] = profile.external_id
    creds = sts.assume_role(**params)["Credentials"]
    target = boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name="us-east-1",
    )
    target.client("s3", endpoint_url=emu.endpoint_url).list_buckets()
    return time.perf_counter() - started


@contextlib.contextmanager
def aws_files_in_environment(emu: Emulator) -> Iterator[None]:
    """boto3.Session() finds its files through the environment (naive way only)."""
    saved = {k: os.environ.get(k) for k in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")}
    os.environ["AWS_CONFIG_FILE"] = emu.config_file
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = emu.credentials_file
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@dataclass
class SwitchTimes:
    """One switch through the window: seconds from switch_to() to the result reaching the
    GUI thread, to the model holding it, to the frame that shows it; the GUI stall."""

    arrived: float
    in_model: float
    painted: float
    stall_ms: float


def bench_switching(report: Report, emu: Emulator, switches: int, naive_runs: int) -> None:
    """Fresh credentials: each measured switch goes to a profile of its own (its own session
    name, so its own cache entry), so it always calls STS, as on a first visit or after
    expiry; afterwards the service forgets it, so the app keeps as many clients as a user
    with the six warm-up profiles would. Cached credentials and switching back cycle
    through those six profiles, so every switch changes account."""
    section = "switch"
    print(f"[switch] {switches} switches per kind against the demo emulator", flush=True)
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
    floor = Floor(emu)
    services: list[AwsService] = []

    def factory() -> AwsService:
        services.append(emu.make_service())
        return services[-1]

    with (
        open_window(factory, [*warm, *measured, regions_profile]) as (window, controller),
        GcMonitor() as gcs,
    ):
        waiter = SwitchWaiter(controller)
        probe = StallProbe()
        settle(app)

        def idle() -> None:
            """Let the Region lookups a switch starts finish (the emulator's ListBuckets
            has no BucketRegion; AWS's has), so the next measurement starts from a
            quiet app; their own cost is measured separately below."""
            model = window.bucket_model
            if hasattr(window, "_regions") and not wait_for_model(
                model, lambda: all(b.region for b in model.buckets()), REGIONS_TIMEOUT_S
            ):
                raise BenchError("the bucket regions never all arrived")

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
            )
            idle()
            return times

        probe.start()
        for index, profile in enumerate(warm):  # imports, service models, connections
            app_switch(profile)
            floor.fresh(profile, f"xacct-floor-w{index:03d}", keep=True)
        for profile in warm:
            app_switch(profile)  # the window remembers each warm profile's list now
        gc.collect()

        fresh: list[SwitchTimes] = []
        floor_fresh: list[float] = []
        fresh_started = time.perf_counter()
        for index, profile in enumerate(measured):
            # Alternate who goes first so neither always meets a warmer server.
            if index % 2:
                floor_fresh.append(floor.fresh(profile, f"xacct-floor-{index:03d}"))
            fresh.append(app_switch(profile))
            services[0].forget(profile)  # the worker is idle: nothing else uses the service
            if not index % 2:
                floor_fresh.append(floor.fresh(profile, f"xacct-floor-{index:03d}"))
        fresh_ended = time.perf_counter()

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
            idle()

        # The emulator's ListBuckets carries no BucketRegion, so after showing a list the
        # app asks GetBucketLocation for each bucket (in the background) and fills the
        # Region column as answers come: a fresh Prod profile, 300 lookups.
        regions: tuple[float, float, int] | None = None
        if hasattr(window, "_regions"):  # the app has the Region lookup (since 1a28557)
            waiter.arm()
            started = time.perf_counter()
            window.switch_to(regions_profile.name)
            waiter.wait()
            model = window.bucket_model

            def filled() -> bool:
                rows = model.buckets()
                return bool(rows) and all(bucket.region for bucket in rows)

            done = wait_for_model(model, filled, REGIONS_TIMEOUT_S)
            ended = time.perf_counter()
            settle(app)
            if done:
                count = len(model.buckets())
                regions = (ended - started, probe.longest_gap_ms(started, ended), count)
        probe.stop()

    naive: list[float] = []
    with aws_files_in_environment(emu):
        naive_switch(emu, roles[0], "xacct-naive-warm")
        for index in range(naive_runs):
            naive.append(naive_switch(emu, roles[index % 3], f"xacct-naive-{index:03d}"))

    f_med, f_p95 = median_ms(floor_fresh), p95_ms(floor_fresh)
    report.info(
        section,
        "floor: AssumeRole + new S3 client + ListBuckets, median / p95",
        f"{f_med:.1f} / {f_p95:.1f} ms",
        raw=f_med,
    )
    painted = [t.painted for t in fresh]
    report.ratio(
        section,
        f"switch, fresh credentials (n={len(fresh)}), to the list painted, median",
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
    arrived = median_ms([t.arrived for t in fresh])
    in_model = median_ms([t.in_model for t in fresh])
    report.info(
        section,
        "  of which: result on the GUI thread / in the model, median",
        f"{arrived:.1f} / {in_model:.1f} ms",
        floor=(
            f"{arrived / f_med:.2f}× / {in_model / f_med:.2f}×; "
            f"painting {median_ms(painted) - in_model:.1f} ms"
        ),
    )
    n_med = median_ms(naive)
    report.info(
        section,
        f"naive: new boto3.Session + clients per switch (n={len(naive)}), median",
        f"{n_med:.1f} ms",
        floor=f"floor {f_med:.1f} ms, {n_med / f_med:.1f}×",
        raw=n_med,
    )
    c_painted = [t.painted for t in cached]
    c_med = median_ms(c_painted)
    fc_med = median_ms(floor_cached)
    report.info(
        section,
        "switch, cached credentials (ListBuckets only), painted, median / p95",
        f"{c_med:.1f} / {p95_ms(c_painted):.1f} ms",
        floor=f"floor {fc_med:.1f} ms, {c_med / fc_med:.2f}×",
        raw=c_med,
    )
    report.info(
        section,
        "switch back: remembered list in the model when switch_to() returns, median",
        f"{median_ms(back_model):.1f} ms",
        raw=median_ms(back_model),
    )
    report.at_most(
        section,
        "switch back to a valid session, list painted, p95",
        p95_ms(back_shown),
        FRAME_MS,
        "ms",
        floor=f"median {median_ms(back_shown):.1f}, max {max(back_shown) * 1000:.1f} ms",
    )
    stalls = [t.stall_ms for t in fresh]
    report.at_most(
        section,
        "longest GUI stall during a fresh switch (5 ms probe)",
        max(stalls),
        STALL_MS,
        "ms",
        floor=(
            f"median per switch {statistics.median(stalls):.1f} ms; longest GC pause "
            f"{gcs.longest_ms(fresh_started, fresh_ended):.0f} ms"
        ),
    )
    if regions is not None:
        took, stall, count = regions
        report.at_most(
            section,
            f"longest GUI stall while {count} bucket regions stream in (GetBucketLocation)",
            stall,
            STALL_MS,
            "ms",
            floor=f"all regions shown after {took * 1000:.0f} ms",
        )


# --- section: table at scale ---


def bench_table_in_process(report: Report, sizes: Sequence[int]) -> None:
    """Load, sort and filter through the window's own model, proxy and view."""
    section = "table"
    app = qt_app()

    def no_service() -> AwsService:
        # Only warm_up() uses it (to list AWS CLI profiles); the table bench never switches.
        return AwsService(
            endpoint_url="http://127.0.0.1:9", config_file=os.devnull, credentials_file=os.devnull
        )

    with open_window(no_service, []) as (window, _):
        table = window.findChild(QTableView, "bucketTable")
        edit = window.findChild(QLineEdit, "bucketFilter")
        if table is None or edit is None:
            raise BenchError("the window lacks bucketTable or bucketFilter")
        settle(app)
        model = window.bucket_model
        proxy = window.bucket_proxy
        for size in sizes:
            label = f"{size // 1000}k"
            print(f"[table] {size:,} buckets", flush=True)
            buckets = make_buckets(size)
            table.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
            model.clear()
            settle(app)
            gc.collect()

            started = time.perf_counter()
            model.set_buckets(buckets)  # sorted by name on the way in, as the view asks
            app.processEvents()
            load = time.perf_counter() - started
            if proxy.rowCount() != size:
                raise BenchError(f"the view shows {proxy.rowCount()} of {size} rows")

            sorts: dict[int, float] = {}
            # Each column's first sort computes its keys: measured first, as a user meets it.
            for column, order in (
                (COL_CREATED, Qt.SortOrder.DescendingOrder),
                (COL_CREATED, Qt.SortOrder.AscendingOrder),
                (COL_REGION, Qt.SortOrder.AscendingOrder),
                (COL_REGION, Qt.SortOrder.DescendingOrder),
                (COL_NAME, Qt.SortOrder.DescendingOrder),
                (COL_NAME, Qt.SortOrder.AscendingOrder),
            ):
                started = time.perf_counter()
                table.sortByColumn(column, order)  # what a header click does
                app.processEvents()
                sorts[column] = max(sorts.get(column, 0.0), time.perf_counter() - started)

            # Type the first 12 characters of a bucket name in the middle of the list.
            needle = buckets[size // 2].name[:12]
            keystrokes: list[float] = []
            edit.setFocus()
            for char in needle:
                started = time.perf_counter()
                QTest.keyClicks(edit, char)
                app.processEvents()
                keystrokes.append(time.perf_counter() - started)
            if edit.text() != needle or proxy.rowCount() < 1:
                raise BenchError(f"typing {needle!r} left {proxy.rowCount()} rows")
            clear_started = time.perf_counter()
            edit.clear()
            app.processEvents()
            clear = time.perf_counter() - clear_started

            report.info(section, f"{label}: load into the model and paint", f"{load * 1000:.1f} ms")
            names = {COL_NAME: "Name", COL_CREATED: "Created", COL_REGION: "Region"}
            for column in (COL_NAME, COL_CREATED, COL_REGION):
                report.info(
                    section,
                    f"{label}: sort by {names[column]} (slower order)",
                    f"{sorts[column] * 1000:.1f} ms",
                )
            worst_sort = max(sorts.values())
            if size >= 100_000:
                report.at_most(
                    section,
                    f"{label}: load + slowest sort",
                    (load + worst_sort) * 1000,
                    LOAD_SORT_100K_MS,
                    "ms",
                )
            keystroke_text = (
                f"median {median_ms(keystrokes):.1f} ms over {len(keystrokes)} keys; "
                f"clearing {clear * 1000:.1f} ms"
            )
            if size <= 10_000:
                report.at_most(
                    section,
                    f"{label}: filter keystroke, slowest",
                    max(keystrokes) * 1000,
                    FRAME_MS,
                    "ms",
                    floor=keystroke_text,
                )
            else:
                report.info(
                    section,
                    f"{label}: filter keystroke, slowest",
                    f"{max(keystrokes) * 1000:.1f} ms",
                    floor=keystroke_text,
                )
            if hasattr(model, "update_regions"):
                # Buckets listed without a region get one per GetBucketLocation answer,
                # applied on the GUI thread in batches as they arrive.
                bare = [Bucket(b.name, b.created, None) for b in buckets]
                model.set_buckets(bare)
                app.processEvents()
                batches: list[float] = []
                for offset in range(0, min(size, 2_500), REGION_BATCH):
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
            model.clear()
            del buckets


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
    print(json.dumps(result), flush=True)
    return 0


def bench_table_huge(report: Report, standin_url: str, runs: int) -> None:
    section = "table"
    print(f"[table] 100k buckets through the app, {runs} fresh process(es)", flush=True)
    results: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="xacct-bench-aws-") as tmp:
        config, credentials = write_standin_aws_files(Path(tmp))
        for _ in range(runs):
            proc = subprocess.run(
                [sys.executable, __file__, "--huge-child", standin_url, config, credentials],
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
    report.info(
        section,
        "100k: switch through the app (10 pages of 10,000), total",
        f"{med('switch_s') * 1000:.0f} ms",
    )
    report.at_most(
        section,
        "longest GUI stall while 100k buckets load",
        med("stall_ms"),
        STALL_MS,
        "ms",
        floor=(
            f"fetch+parse {med('stall_fetch_ms'):.0f} ms, "
            f"showing {med('stall_show_ms'):.0f} ms (median of {len(results)}); "
            f"{med('gc_full'):.0f} full GCs, longest {med('gc_longest_ms'):.0f} ms"
        ),
    )


# --- section: start-up ---

STARTUP_WRAPPER = r"""
import json, sys, time
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
import xacct_gui.gui.main_window as main_window

PROBE_S = float(sys.argv.pop(1))
original_show = main_window.MainWindow.show
ticks = []

def show(self):
    original_show(self)
    shown = time.perf_counter()
    timer = QTimer(self)
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()

    def buckets_shown():
        if self.bucket_model.rowCount() and not getattr(self, "_bench_seen", False):
            self._bench_seen = True
            print("BUCKETS", flush=True)

    self.bucket_model.modelReset.connect(buckets_shown)

    def finish():
        points = [shown, *ticks, time.perf_counter()]
        gap = max(b - a for a, b in zip(points, points[1:]))
        print(json.dumps({"stall_ms": gap * 1000}), flush=True)
        QApplication.quit()

    QTimer.singleShot(int(PROBE_S * 1000), finish)

main_window.MainWindow.show = show
from xacct_gui.__main__ import main
sys.exit(main(sys.argv[1:]))
"""
# Qt logs every flush of a window's pixels in this category; the first flush of the main
# window is its first frame. It needs no hook in the app, so it times frozen bundles too.
FIRST_FRAME_RULES = "qt.widgets.painting.debug=true"
FIRST_FRAME_RE = re.compile(r"Flushing .* of MainWindow\(")


def frozen_bundle() -> Path | None:
    dist = REPO_ROOT / "dist"
    for candidate in (
        dist / "xacct-gui" / "xacct-gui",
        dist / "xacct-gui" / "xacct-gui.exe",
        dist / "xacct-gui.app" / "Contents" / "MacOS" / "xacct-gui",
        dist / "xacct" / "xacct",
        dist / "xacct" / "xacct.exe",
    ):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def startup_config(directory: Path, emu: Emulator) -> dict[str, str]:
    """A config dir holding the demo's profiles (last used: Prod), and an environment
    that points botocore at the emulator as a user's AWS settings would."""
    store = ProfileStore(directory)
    store.save(list(emu.profiles))
    StateStore(directory).save(last_profile="Prod")
    env = dict(os.environ)
    env.update(
        {
            "AWS_CONFIG_FILE": emu.config_file,
            "AWS_SHARED_CREDENTIALS_FILE": emu.credentials_file,
            "AWS_ENDPOINT_URL": emu.endpoint_url,
            "QT_LOGGING_RULES": FIRST_FRAME_RULES,
            # The checkout this script belongs to, even if another one is installed.
            "PYTHONPATH": os.pathsep.join(
                [str(REPO_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
            ),
        }
    )
    return env


@dataclass
class StartupRun:
    first_frame_s: float
    buckets_s: float | None = None
    stall_ms: float | None = None
    marker_s: float | None = None  # the app's own --startup-probe line, when asked for


def app_startup_marker() -> str | None:
    """The line ``--startup-probe`` prints at the window's first paint, if this checkout
    has that hidden flag (the packaging scripts time the frozen app with it)."""
    try:
        from xacct_gui import selftest
    except ImportError:
        return None
    marker = getattr(selftest, "STARTUP_MARKER", None)
    main_source = (REPO_ROOT / "xacct_gui" / "__main__.py").read_text(encoding="utf-8")
    return marker if isinstance(marker, str) and "--startup-probe" in main_source else None


def run_startup(
    command: list[str], env: dict[str, str], probe: bool, marker: str | None = None
) -> StartupRun:
    """Launch ``command``; time its main window's first frame (and more, see below).

    ``probe``: the command is STARTUP_WRAPPER, which reports when the buckets show and
    the longest stall, then quits. ``marker``: the app prints it at its first paint and
    closes itself (``--startup-probe``). Otherwise the process is terminated once its
    first frame is seen.
    """
    started = time.perf_counter()
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        text=True,
        cwd=tempfile.gettempdir(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    out, err = LineReader(proc.stdout), LineReader(proc.stderr)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    try:
        try:
            frame_at, _ = err.until(lambda line: bool(FIRST_FRAME_RE.search(line)), deadline)
        except (TimeoutError, EOFError):
            raise BenchError(f"no first frame from {command[0]}") from None
        run = StartupRun(frame_at - started)
        if not (probe or marker):
            return run
        while True:
            try:
                when, line = out.next(deadline)
            except TimeoutError:
                raise BenchError(f"{command[0]} did not finish its start-up probe") from None
            if line is None:
                break
            if line == "BUCKETS":
                run.buckets_s = when - started
            elif probe and line.startswith("{"):
                run.stall_ms = float(json.loads(line)["stall_ms"])
            elif marker and line.strip() == marker:
                run.marker_s = when - started
        status = proc.wait(timeout=STARTUP_TIMEOUT_S)
        if status != 0 or (probe and run.stall_ms is None) or (marker and run.marker_s is None):
            raise BenchError(f"{command[0]} ended its start-up probe with status {status}")
        return run
    finally:
        if proc.poll() is None:
            proc.terminate()  # only a process this function started
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def bundle_built_at(bundle: Path) -> str:
    for info in (REPO_ROOT / "dist").glob("*.build.json"):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            data = json.loads(info.read_text(encoding="utf-8"))
            if data.get("bundle") and (REPO_ROOT / data["bundle"]) in bundle.parents:
                return f", built {data.get('built_at', '?')}"
    return ""


def bench_startup(report: Report, emu: Emulator, runs: int) -> None:
    section = "startup"
    print(f"[startup] {runs} launches (+1 warm-up) each", flush=True)
    with tempfile.TemporaryDirectory(prefix="xacct-bench-startup-") as tmp:
        env = startup_config(Path(tmp), emu)
        command = [
            sys.executable,
            "-c",
            STARTUP_WRAPPER,
            str(STARTUP_PROBE_S),
            "--config-dir",
            tmp,
        ]
        run_startup(command, env, probe=True)  # warm the page cache and the .pyc files
        unfrozen = [run_startup(command, env, probe=True) for _ in range(runs)]
        frames = [run.first_frame_s for run in unfrozen]
        report.info(
            section,
            f"unfrozen: process start → first frame of the window, median of {runs}",
            f"{statistics.median(frames) * 1000:.0f} ms",
            floor=f"min {min(frames) * 1000:.0f}, max {max(frames) * 1000:.0f} ms",
            raw=statistics.median(frames),
        )
        buckets = [run.buckets_s for run in unfrozen if run.buckets_s is not None]
        if buckets:
            report.info(
                section,
                "unfrozen: process start → last profile's buckets shown, median",
                f"{statistics.median(buckets) * 1000:.0f} ms",
            )
        stalls = [run.stall_ms for run in unfrozen if run.stall_ms is not None]
        report.at_most(
            section,
            f"longest GUI stall in the {STARTUP_PROBE_S:g} s after the window shows, median",
            statistics.median(stalls),
            STALL_MS,
            "ms",
            floor=f"worst run {max(stalls):.0f} ms",
        )

        bundle = frozen_bundle()
        if bundle is None:
            report.skipped(
                section,
                "frozen: process start → first frame",
                "no bundle in dist/ (build one: python3 build_scripts/dev.py build)",
            )
            return
        frozen_env = {k: v for k, v in env.items() if k != "PYTHONPATH"}
        marker = app_startup_marker()
        command = [str(bundle), "--config-dir", tmp, *(["--startup-probe"] if marker else [])]
        run_startup(command, frozen_env, probe=False, marker=marker)  # page cache
        frozen = [run_startup(command, frozen_env, probe=False, marker=marker) for _ in range(runs)]
        times = [run.first_frame_s for run in frozen]
        markers = [run.marker_s for run in frozen if run.marker_s is not None]
        cross_check = (
            f"; its --startup-probe line {statistics.median(markers):.2f} s" if markers else ""
        )
        report.at_most(
            section,
            f"frozen ({bundle.relative_to(REPO_ROOT)}): start → first frame, median of {runs}",
            statistics.median(times),
            FROZEN_STARTUP_S,
            "s",
            floor=(
                f"unfrozen {statistics.median(frames):.2f} s{cross_check}{bundle_built_at(bundle)}"
            ),
            digits=2,
        )


# --- main ---


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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer repetitions (still ≥ 30 switches)"
    )
    parser.add_argument(
        "--only", default="switch,table,startup", help="comma-separated sections to run"
    )
    parser.add_argument("--switches", type=int, help="switches per kind (default 45, quick 30)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument(
        "--fail-on-miss", action="store_true", help="exit 1 when a figure misses its target"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Internal entry points of the child processes.
    if argv[:1] == ["--serve-demo"]:
        return serve_demo()
    if argv[:1] == ["--serve-standin"]:
        return serve_standin()
    if argv[:1] == ["--huge-child"] and len(argv) == 4:
        return huge_child(*argv[1:])

    args = parse_args(argv)
    sections = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = sections - {"switch", "table", "startup"}
    if unknown:
        print(f"unknown section(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    switches = args.switches or (30 if args.quick else 45)
    if switches < 30:
        print("--switches must be at least 30", file=sys.stderr)
        return 2
    print(machine_summary(), flush=True)
    report = Report()
    try:
        with contextlib.ExitStack() as stack:
            emu = None
            if sections & {"switch", "startup"}:
                emu = Emulator.from_payload(stack.enter_context(child_server("--serve-demo")))
            # Switching first: the table bench leaves a bigger heap behind, and every later
            # full garbage collection (which stalls the GUI thread) would pay for it.
            if "switch" in sections and emu is not None:
                bench_switching(report, emu, switches, 5 if args.quick else 10)
            if "startup" in sections and emu is not None:
                bench_startup(report, emu, 3 if args.quick else 5)
            if "table" in sections:
                bench_table_in_process(report, (10_000, 100_000))
                standin = stack.enter_context(child_server("--serve-standin"))
                bench_table_huge(report, standin["endpoint_url"], 1 if args.quick else 3)
    except BenchError as exc:
        report.print_table()
        print(f"\nbenchmark could not run: {exc}", file=sys.stderr)
        return 2
    report.print_table()
    misses = report.misses()
    print(f"\n{len(report.figures)} figures, {len(misses)} missed their target.")
    if args.json:
        args.json.write_text(
            json.dumps(
                {"machine": machine_summary(), "figures": [asdict(f) for f in report.figures]},
                indent=2,
                ensure_ascii=False,
            )
            + "\n",
            encoding="utf-8",
        )
    return 1 if misses and args.fail_on_miss else 0


if __name__ == "__main__":
    sys.exit(main())
