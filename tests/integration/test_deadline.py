"""Every AWS call has an overall deadline, and quitting never waits for the network.

botocore's timeouts bound each socket wait, not the call, so these servers are built
to defeat them: one accepts and then trickles one byte of an HTTP answer every 2 s
(each read finishes well inside botocore's 3 s read timeout, so botocore never gives
up), and one accepts and never answers. Both are plain TCP servers on 127.0.0.1:
no emulator can be told to answer this slowly.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.factories import make_profile
from xacct_gui.core.aws import AwsService
from xacct_gui.core.deadline import Abandoned, DeadlineExceeded, call_with_deadline
from xacct_gui.core.store import ProfileStore
from xacct_gui.gui.threads import DaemonPool
from xacct_gui.gui.workers import SwitchController, SwitchRequest

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_S = 3.0


class SlowServer:
    """Accepts connections; ``trickle`` sends a byte every 2 s, else nothing at all."""

    def __init__(self, trickle: bool) -> None:
        self.trickle = trickle
        self.accepted = threading.Event()
        self._stop = threading.Event()
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted.set()
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        answer = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 99999\r\n\r\n"
        with conn:
            for byte in answer * 1000:
                if self._stop.wait(2.0):
                    return
                if self.trickle:
                    try:
                        conn.send(bytes([byte]))
                    except OSError:
                        return

    def close(self) -> None:
        self._stop.set()
        self._sock.close()


@pytest.fixture(params=["trickle", "silent"])
def slow_server(request: pytest.FixtureRequest) -> Iterator[SlowServer]:
    server = SlowServer(trickle=request.param == "trickle")
    yield server
    server.close()


@pytest.fixture
def source_keys(isolated_aws_files: Path) -> Path:
    (isolated_aws_files / "credentials").write_text(
        "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
    )
    return isolated_aws_files


def test_a_switch_fails_within_the_deadline_with_a_clear_message(
    qtbot: QtBot, slow_server: SlowServer, source_keys: Path
) -> None:
    def service() -> AwsService:
        return AwsService(endpoint_url=slow_server.url)

    controller = SwitchController(service, deadline_s=DEADLINE_S)
    try:
        started = time.monotonic()
        with qtbot.waitSignal(controller.switch_failed, timeout=15_000) as failed:
            controller.request_switch(SwitchRequest(make_profile(source_profile="default")))
        elapsed = time.monotonic() - started
        _profile, message, code = failed.args
        assert code == "DeadlineExceeded"
        assert message.startswith("Cannot reach AWS")
        assert DEADLINE_S - 0.5 < elapsed < DEADLINE_S + 1.5
    finally:
        started = time.monotonic()
        assert controller.shutdown(wait_ms=2_000)
        assert time.monotonic() - started < 1.0
        controller.deleteLater()


def test_quitting_abandons_the_call_in_flight(
    qtbot: QtBot, slow_server: SlowServer, source_keys: Path
) -> None:
    def service() -> AwsService:
        return AwsService(endpoint_url=slow_server.url)

    controller = SwitchController(service)  # the real 15 s deadline
    controller.request_switch(SwitchRequest(make_profile(source_profile="default")))
    assert slow_server.accepted.wait(15)
    started = time.monotonic()
    assert controller.shutdown(wait_ms=2_000)
    assert time.monotonic() - started < 1.0
    controller.deleteLater()


def test_call_with_deadline_gives_up_and_reports_errors() -> None:
    hang = threading.Event()
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        call_with_deadline(hang.wait, 0.3)
    assert time.monotonic() - started < 1.0
    with pytest.raises(Abandoned):
        call_with_deadline(hang.wait, 10, give_up=lambda elapsed: elapsed > 0.2)
    with pytest.raises(KeyError):
        call_with_deadline(lambda: {}["x"], 5)
    assert call_with_deadline(lambda: 42, 5) == 42
    hang.set()


def test_the_lookup_pool_never_keeps_the_process_alive() -> None:
    hang = threading.Event()
    pool = DaemonPool(2, "test-region")
    pool.submit(hang.wait)
    pool.submit(hang.wait)
    ran: list[int] = []
    pool.submit(ran.append, 1)  # queued behind the hanging ones: dropped on shutdown
    started = time.monotonic()
    pool.shutdown(wait=True, timeout=0.2)
    assert time.monotonic() - started < 1.0
    threads = [t for t in threading.enumerate() if t.name.startswith("test-region")]
    assert threads and all(t.daemon for t in threads)
    hang.set()
    time.sleep(0.1)
    assert ran == []


def test_the_window_quits_at_once_while_a_request_hangs(tmp_path: Path, source_keys: Path) -> None:
    server = SlowServer(trickle=True)
    ProfileStore(tmp_path).save([make_profile(name="Dev", source_profile="default")])
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": server.url,
        "PYTHONPATH": str(ROOT),
        "QT_QPA_PLATFORM": "offscreen",
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "xacct_gui", "--config-dir", str(tmp_path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.accepted.wait(30), "the window never started its switch"
        time.sleep(0.5)  # well inside the call
        limits = Path(f"/proc/{app.pid}/limits")
        if limits.exists():  # Linux: core dumps are off (core/hardening.py)
            core = next(line for line in limits.read_text().splitlines() if "core" in line)
            assert core.split()[-3:-1] == ["0", "0"], core
        started = time.monotonic()
        app.send_signal(signal.SIGTERM)
        _out, err = app.communicate(timeout=10)
        elapsed = time.monotonic() - started
    finally:
        if app.poll() is None:
            app.kill()
        server.close()
    assert app.returncode == 0, err
    assert elapsed < 3.0
    assert "QThread" not in err
