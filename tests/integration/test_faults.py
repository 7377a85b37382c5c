"""Network faults: unreachable, slow, stopped-and-restarted, throttling, 5xx bursts.

The moto emulator cannot stage any of these: it answers at once, never throttles or
fails with a 5xx on request, and cannot be stopped and started again on the same port
with its state. So these tests run against :class:`StandIn`, a small threaded HTTP
server on 127.0.0.1 written here that speaks just enough STS (AssumeRole, query
protocol) and S3 (ListBuckets, REST-XML) for the app, and that can hold a response
until the test releases it, drop a connection, or answer with any error. It also
counts the requests it receives, which is how retries are checked (a client-side
counter would only say what botocore meant to send).

Retries use the service's own settings: botocore's "standard" mode with
``max_attempts`` from :class:`AwsService` (backoff is random, up to 1 s before the
second attempt and 2 s before the third, so these tests take a few seconds).
"""

from __future__ import annotations

import itertools
import re
import select
import socket
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from xacct_gui.core.aws import AwsService, SwitchResult
from xacct_gui.core.errors import AwsError
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.store import ProfileStore, StateStore
from xacct_gui.gui.main_window import MainWindow
from xacct_gui.gui.workers import SwitchController

WAIT_MS = 20_000
HOLD_LIMIT_S = 15.0  # a held response is released by then even if a test forgets
DEV, PROD = "222222222222", "444444444444"


def buckets_of(account: str) -> list[str]:
    return [f"b{account[-3:]}-bucket-{i:02d}" for i in range(3 if account == DEV else 5)]


@dataclass
class Fault:
    """The answer to the next matching request instead of the normal one."""

    service: str  # "sts" or "s3"
    status: int = 0  # an HTTP error status, or 0 with drop=True
    code: str = ""
    drop: bool = False  # close the connection without answering


@dataclass
class Hold:
    """Keep the next matching request waiting until ``release`` is set."""

    service: str
    account: str
    received: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    drop: bool = False  # when released, close the connection instead of answering


class StandIn:
    """STS AssumeRole and S3 ListBuckets on 127.0.0.1, with faults on demand."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []  # (service, account)
        self.faults: deque[Fault] = deque()
        self.holds: list[Hold] = []
        self.port = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Listen on the same port as before (or a free one the first time)."""
        stand_in = self

        class Handler(_Handler):
            owner = stand_in

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop listening: new connections are refused from now on."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def hold(self, service: str, account: str, drop: bool = False) -> Hold:
        hold = Hold(service, account, drop=drop)
        with self.lock:
            self.holds.append(hold)
        return hold

    def count(self, service: str, account: str | None = None) -> int:
        with self.lock:
            return sum(1 for s, a in self.requests if s == service and account in (None, a))

    def release_all(self) -> None:
        with self.lock:
            for hold in self.holds:
                hold.release.set()


class _Handler(BaseHTTPRequestHandler):
    owner: StandIn
    protocol_version = "HTTP/1.1"  # keep-alive, like AWS

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _answer(self, status: int, body: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _intercept(self, service: str, account: str) -> bool:
        """Record the request and apply any hold or fault; True when it was answered."""
        owner = self.owner
        with owner.lock:
            owner.requests.append((service, account))
            hold = next(
                (h for h in owner.holds if h.service == service and h.account == account), None
            )
            if hold is not None:
                owner.holds.remove(hold)
            fault = None
            if owner.faults and owner.faults[0].service == service:
                fault = owner.faults.popleft()
        if hold is not None:
            hold.received.set()
            hold.release.wait(HOLD_LIMIT_S)
            if hold.drop:
                self.close_connection = True
                return True
        if fault is None:
            return False
        if fault.drop:
            self.close_connection = True
        elif service == "sts":
            kind = "Receiver" if fault.status >= 500 else "Sender"
            self._answer(
                fault.status,
                '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
                f"<Error><Type>{kind}</Type><Code>{fault.code}</Code>"
                f"<Message>stand-in says {fault.code}</Message></Error>"
                "<RequestId>stand-in</RequestId></ErrorResponse>",
            )
        else:
            self._answer(
                fault.status,
                f"<Error><Code>{fault.code}</Code><Message>stand-in says {fault.code}</Message>"
                "<RequestId>stand-in</RequestId></Error>",
            )
        return True

    def do_POST(self) -> None:  # STS, query protocol
        length = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        arn = form.get("RoleArn", [""])[0]
        account = arn.split(":")[4] if arn.count(":") >= 5 else ""
        if self._intercept("sts", account):
            return
        session = form.get("RoleSessionName", ["s"])[0]
        expires = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        self._answer(
            200,
            '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
            "<AssumeRoleResult><Credentials>"
            f"<AccessKeyId>ASIA{account}TEST</AccessKeyId>"
            "<SecretAccessKey>standInSecretAccessKeyForTestsOnly000000</SecretAccessKey>"
            "<SessionToken>standInSessionTokenForTestsOnly</SessionToken>"
            f"<Expiration>{expires}</Expiration></Credentials>"
            f"<AssumedRoleUser><Arn>arn:aws:sts::{account}:assumed-role/R/{session}</Arn>"
            f"<AssumedRoleId>AROATEST:{session}</AssumedRoleId></AssumedRoleUser>"
            "</AssumeRoleResult><ResponseMetadata><RequestId>stand-in</RequestId>"
            "</ResponseMetadata></AssumeRoleResponse>",
        )

    def do_GET(self) -> None:  # S3 ListBuckets, REST-XML
        match = re.search(r"Credential=ASIA(\d{12})", self.headers.get("Authorization", ""))
        account = match.group(1) if match else ""
        if self._intercept("s3", account):
            return
        items = "".join(
            f"<Bucket><Name>{name}</Name><CreationDate>2024-01-02T03:04:05.000Z</CreationDate>"
            "<BucketRegion>eu-west-1</BucketRegion></Bucket>"
            for name in buckets_of(account)
        )
        self._answer(
            200,
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            f"<Owner><ID>stand-in</ID></Owner><Buckets>{items}</Buckets>"
            "</ListAllMyBucketsResult>",
        )


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    server = StandIn()
    server.start()
    yield server
    server.release_all()
    server.stop()


@dataclass
class AwsFiles:
    config: str
    credentials: str


@pytest.fixture
def aws_files(tmp_path: Path) -> AwsFiles:
    config = tmp_path / "aws-config"
    credentials = tmp_path / "aws-credentials"
    config.write_text("[default]\nregion = eu-west-1\n")
    credentials.write_text(
        "[default]\naws_access_key_id = AKIAFAKEFAULTS000001\n"
        "aws_secret_access_key = fakeSecretForFaultTestsOnly0000000000000\n"
    )
    return AwsFiles(str(config), str(credentials))


def make_service(files: AwsFiles, url: str, **options: Any) -> AwsService:
    return AwsService(
        endpoint_url=url, config_file=files.config, credentials_file=files.credentials, **options
    )


PROFILES = (
    RoleProfile.from_dict({"name": "Dev", "account_id": DEV, "role_name": "Dev", "color": "green"}),
    RoleProfile.from_dict({"name": "Prod", "account_id": PROD, "role_name": "Ro", "color": "red"}),
)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class Heartbeat(QObject):
    """A 20 ms timer on the GUI thread: if it keeps ticking, the window is responsive."""

    def __init__(self) -> None:
        super().__init__()
        self.ticks: list[float] = []
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self._timer.start(20)

    @Slot()
    def _tick(self) -> None:
        self.ticks.append(time.monotonic())

    def longest_gap(self, since: float) -> float:
        points = [since, *[t for t in self.ticks if t > since], time.monotonic()]
        return max(b - a for a, b in itertools.pairwise(points))


class Shown(QObject):
    """Every result the controller lets through to the window."""

    def __init__(self, controller: SwitchController) -> None:
        super().__init__()
        self.names: list[str] = []
        controller.switched.connect(self._on_switched)

    @Slot(object)
    def _on_switched(self, result: SwitchResult) -> None:
        self.names.append(result.profile_name)


@dataclass
class Gui:
    window: MainWindow
    controller: SwitchController

    def shown(self) -> set[str]:
        return {b.name for b in self.window.bucket_model.buckets()}

    def error(self) -> str:
        return self.window.error_banner.text() if self.window.error_banner.isVisible() else ""


@pytest.fixture
def gui_for(qtbot: QtBot, tmp_path: Path, aws_files: AwsFiles) -> Iterator[Any]:
    made: list[Gui] = []

    def build(url: str, **options: Any) -> Gui:
        controller = SwitchController(lambda: make_service(aws_files, url, **options))
        window = MainWindow(
            store=ProfileStore(tmp_path),
            state=StateStore(tmp_path),
            controller=controller,
            profiles=PROFILES,
        )
        qtbot.addWidget(window)
        window.show()
        made.append(Gui(window, controller))
        return made[-1]

    yield build
    for gui in made:
        gui.window.close()
        assert gui.controller.shutdown()  # the worker is stopped before Qt objects go
        gui.controller.deleteLater()


# --- unreachable ---


def test_unreachable_endpoint_says_cannot_reach_aws_quickly_and_gui_stays_live(
    qtbot: QtBot, gui_for: Any
) -> None:
    """Nothing listens on the port: connections are refused. With the app's default
    settings (3 attempts) the message comes within the ~15 s budget for a failed switch, in
    practice the backoff between attempts (≤ 3 s); the event loop keeps turning."""
    gui = gui_for(f"http://127.0.0.1:{closed_port()}")  # the app's default timeouts
    heartbeat = Heartbeat()
    started = time.monotonic()
    with qtbot.waitSignal(gui.controller.switch_failed, timeout=WAIT_MS) as failure:
        gui.window.switch_to("Dev")
    elapsed = time.monotonic() - started
    assert elapsed < 15
    profile, message, _ = failure.args
    assert profile.name == "Dev" and message.startswith("Cannot reach AWS")
    assert "Cannot reach AWS" in gui.error() and "Traceback" not in gui.error()
    assert gui.shown() == set()
    banner = gui.window.findChild(QLabel, "roleBanner")
    assert banner is not None and "not connected" in banner.text()
    assert len(heartbeat.ticks) >= 3
    assert heartbeat.longest_gap(started) < 1.0  # generous for a loaded CI box


# --- slow ---


@pytest.mark.parametrize("slow_call", ["sts", "s3"])
def test_slow_switch_is_dropped_when_a_later_one_wins(
    qtbot: QtBot, gui_for: Any, stand_in: StandIn, slow_call: str
) -> None:
    """Prod's AssumeRole (or ListBuckets) hangs; the user picks Dev meanwhile. Dev's
    buckets show, Prod's late answer never reaches the window. A slow AssumeRole is
    not even followed by ListBuckets (the worker sees it is stale)."""
    gui = gui_for(stand_in.url)
    shown = Shown(gui.controller)
    hold = stand_in.hold(slow_call, PROD)
    heartbeat = Heartbeat()
    gui.window.switch_to("Prod")
    qtbot.waitUntil(hold.received.is_set, timeout=WAIT_MS)
    held_at = time.monotonic()
    gui.window.switch_to("Dev")
    ticks = len(heartbeat.ticks)
    # While AWS is slow the event loop keeps turning (the window stays usable).
    qtbot.waitUntil(lambda: len(heartbeat.ticks) >= ticks + 5, timeout=WAIT_MS)
    assert heartbeat.longest_gap(held_at) < 1.0
    with qtbot.waitSignal(gui.controller.switched, timeout=WAIT_MS):
        hold.release.set()
    qtbot.waitUntil(lambda: not gui.controller.busy, timeout=WAIT_MS)
    assert shown.names == ["Dev"]
    assert gui.shown() == set(buckets_of(DEV))
    assert gui.window.active_profile is not None and gui.window.active_profile.name == "Dev"
    expected_lists = 0 if slow_call == "sts" else 1
    assert stand_in.count("s3", PROD) == expected_lists


# --- stopped mid-switch, started again ---


def test_server_stopped_mid_switch_then_started_again(
    qtbot: QtBot, gui_for: Any, stand_in: StandIn
) -> None:
    """The server goes away while AssumeRole is in flight (the connection drops, then
    connections are refused): "Cannot reach AWS". Back on the same port, the next switch
    works, over fresh connections."""
    gui = gui_for(stand_in.url)
    hold = stand_in.hold("sts", DEV, drop=True)
    with qtbot.waitSignal(gui.controller.switch_failed, timeout=WAIT_MS) as failure:
        gui.window.switch_to("Dev")
        qtbot.waitUntil(hold.received.is_set, timeout=WAIT_MS)
        stand_in.stop()
        hold.release.set()
    assert failure.args[1].startswith("Cannot reach AWS")
    assert gui.shown() == set()

    stand_in.start()
    with qtbot.waitSignal(gui.controller.switched, timeout=WAIT_MS):
        gui.window.switch_to("Dev")  # the same choice again, as a user would retry
    assert gui.shown() == set(buckets_of(DEV))
    assert gui.error() == ""


# --- closing while AWS hangs ---


class SilentEndpoint:
    """Accepts connections and never answers (a black-holing proxy, a captive portal)."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def reached(self) -> bool:
        """A client has connected (the kernel queued it; nobody accepts)."""
        return bool(select.select([self._sock], [], [], 0)[0])

    def close(self) -> None:
        self._sock.close()


@pytest.fixture
def silent() -> Iterator[SilentEndpoint]:
    endpoint = SilentEndpoint()
    yield endpoint
    endpoint.close()


def test_closing_while_aws_hangs_does_not_freeze_the_window(
    qtbot: QtBot, gui_for: Any, silent: SilentEndpoint
) -> None:
    # Short timeouts keep this test quick; with the defaults the freeze lasts ~12 s.
    gui = gui_for(silent.url, connect_timeout=1, read_timeout=1, max_attempts=2)
    with qtbot.waitSignal(gui.controller.busy_changed, timeout=WAIT_MS):
        gui.window.switch_to("Dev")
    qtbot.waitUntil(silent.reached, timeout=WAIT_MS)  # the request waits on the socket now
    started = time.monotonic()
    gui.window.close()
    took = time.monotonic() - started
    assert not gui.window.isVisible()
    assert took < 2.0, f"the window froze for {took:.1f} s while closing"


# --- throttling and 5xx bursts (service level: the GUI adds nothing to retries) ---


@pytest.mark.parametrize(
    ("fault", "max_attempts"),
    [
        (Fault("sts", 400, "Throttling"), 3),
        (Fault("sts", 400, "ThrottlingException"), 2),
        (Fault("s3", 503, "SlowDown"), 3),
    ],
    ids=["sts-Throttling", "sts-ThrottlingException", "s3-SlowDown"],
)
def test_throttling_is_retried_then_succeeds(
    stand_in: StandIn, aws_files: AwsFiles, fault: Fault, max_attempts: int
) -> None:
    for _ in range(max_attempts - 1):
        stand_in.faults.append(fault)
    service = make_service(aws_files, stand_in.url, max_attempts=max_attempts)
    result = service.switch(PROFILES[0])
    assert {b.name for b in result.buckets} == set(buckets_of(DEV))
    throttled = stand_in.count(fault.service, DEV)
    assert throttled == max_attempts  # the throttled attempts and the one that succeeded
    other = "s3" if fault.service == "sts" else "sts"
    assert stand_in.count(other, DEV) == 1


@pytest.mark.parametrize("max_attempts", [1, 2])
def test_throttling_beyond_max_attempts_fails_clearly(
    stand_in: StandIn, aws_files: AwsFiles, max_attempts: int
) -> None:
    stand_in.faults.extend(Fault("sts", 400, "Throttling") for _ in range(max_attempts + 2))
    service = make_service(aws_files, stand_in.url, max_attempts=max_attempts)
    with pytest.raises(AwsError) as info:
        service.switch(PROFILES[0])
    assert info.value.code == "Throttling"
    assert "throttling" in str(info.value).lower() and "Traceback" not in str(info.value)
    assert stand_in.count("s3") == 0
    assert stand_in.count("sts") == max_attempts  # exactly as many attempts as configured


@pytest.mark.parametrize(
    "faults",
    [
        [Fault("sts", 500, "InternalError"), Fault("sts", 503, "ServiceUnavailable")],
        [Fault("s3", 500, "InternalError"), Fault("s3", 503, "ServiceUnavailable")],
        [Fault("sts", drop=True), Fault("sts", 502, "BadGateway")],
    ],
    ids=["sts-500-503", "s3-500-503", "sts-drop-502"],
)
def test_5xx_burst_is_retried_then_succeeds(
    stand_in: StandIn, aws_files: AwsFiles, faults: list[Fault]
) -> None:
    stand_in.faults.extend(faults)
    service = make_service(aws_files, stand_in.url)  # the app's default: 3 attempts
    started = time.monotonic()
    result = service.switch(PROFILES[1])
    assert {b.name for b in result.buckets} == set(buckets_of(PROD))
    assert stand_in.count(faults[0].service, PROD) == len(faults) + 1
    assert time.monotonic() - started < 10  # two backoffs: at most 1 s + 2 s


def test_5xx_burst_longer_than_the_retries_fails_clearly(
    stand_in: StandIn, aws_files: AwsFiles
) -> None:
    stand_in.faults.extend(Fault("s3", 503, "ServiceUnavailable") for _ in range(5))
    service = make_service(aws_files, stand_in.url, max_attempts=2)
    with pytest.raises(AwsError) as info:
        service.switch(PROFILES[0])
    assert info.value.code == "ServiceUnavailable"
    assert "list the buckets" in str(info.value) and "Traceback" not in str(info.value)
    # Nothing is poisoned: once AWS recovers, the same service lists again.
    stand_in.faults.clear()
    assert {b.name for b in service.switch(PROFILES[0]).buckets} == set(buckets_of(DEV))


def test_5xx_attempts_are_exactly_max_attempts(stand_in: StandIn, aws_files: AwsFiles) -> None:
    stand_in.faults.extend(Fault("s3", 503, "ServiceUnavailable") for _ in range(5))
    service = make_service(aws_files, stand_in.url, max_attempts=2)
    with pytest.raises(AwsError):
        service.switch(PROFILES[0])
    assert stand_in.count("s3") == 2
