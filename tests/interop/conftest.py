"""Fixtures of the interoperability suite: each real client, or a skip that says why.

Where the suite is required (``XACCT_INTEROP_REQUIRED=1``, as ``.ci/run`` sets it)
a client that cannot be had fails the test instead: in CI these always run.
"""

from __future__ import annotations

import os
import select
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from tests.interop import tools

T = TypeVar("T")


def need(ensure: Callable[[], T]) -> T:
    try:
        return ensure()
    except tools.Unavailable as exc:
        if tools.required():
            pytest.fail(f"interop client required but unavailable: {exc}")
        pytest.skip(f"real client unavailable: {exc}")


@pytest.fixture(scope="session")
def aws_cli() -> Path:
    return need(tools.ensure_awscli)


@pytest.fixture(scope="session")
def aesr_parser() -> list[str]:
    return need(tools.ensure_aesr_parser)


BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class SecretServiceSession:
    """A private D-Bus session bus with gnome-keyring's Secret Service on it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.processes: list[subprocess.Popen[bytes]] = []
        self.address = ""

    def start(self) -> None:
        dbus_daemon, keyring_daemon = tools.secret_service_programs()
        run, data = self.root / "run", self.root / "data"
        run.mkdir(mode=0o700)
        data.mkdir()
        # A bus of our own with no service directories: nothing is started by D-Bus
        # activation (a desktop's session config would start a second
        # gnome-keyring-daemon for the first Secret Service call, and whichever
        # daemon wins then owns the service, without the login collection).
        config = self.root / "bus.conf"
        config.write_text(BUS_CONFIG.format(socket=self.root / "bus"), encoding="utf-8")
        bus = subprocess.Popen(
            [
                dbus_daemon,
                f"--config-file={config}",
                "--nofork",
                "--nopidfile",
                "--print-address=1",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(bus)
        assert bus.stdout is not None
        ready, _, _ = select.select([bus.stdout], [], [], 10)
        if not ready:
            raise tools.Unavailable("dbus-daemon printed no address within 10 s")
        self.address = bus.stdout.readline().decode().strip()
        if not self.address:
            raise tools.Unavailable("dbus-daemon did not start")
        env = {
            **os.environ,
            "DBUS_SESSION_BUS_ADDRESS": self.address,
            "XDG_RUNTIME_DIR": str(run),
            "XDG_DATA_HOME": str(data),
            "HOME": str(self.root),
        }
        daemon = subprocess.Popen(
            [keyring_daemon, "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self.processes.append(daemon)
        assert daemon.stdin is not None
        # --unlock reads the login keyring's password from stdin (a test password).
        daemon.stdin.write(b"interop-test-password")
        daemon.stdin.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if daemon.poll() is not None:
                raise tools.Unavailable(f"gnome-keyring-daemon exited ({daemon.returncode})")
            if self._collection_ready():
                return
            time.sleep(0.1)
        raise tools.Unavailable(
            f"gnome-keyring's login collection did not appear within 30 s ({self._seen()})"
        )

    def _seen(self) -> str:
        """What the bus shows, for the skip message."""
        import secretstorage

        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("DBUS_SESSION_BUS_ADDRESS", self.address)
            try:
                bus = secretstorage.dbus_init()
                try:
                    return (
                        ", ".join(
                            f"{c.collection_path} locked={c.is_locked()}"
                            for c in secretstorage.get_all_collections(bus)
                        )
                        or "no collections"
                    )
                finally:
                    bus.close()
            except Exception as exc:
                return f"{type(exc).__name__}: {exc}"

    def _collection_ready(self) -> bool:
        """True once the unlocked login collection is on the bus. Only the service's
        list of collections is read: asking for the "default" alias before the
        login keyring is loaded can leave gnome-keyring without it."""
        import secretstorage

        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("DBUS_SESSION_BUS_ADDRESS", self.address)
            try:
                bus = secretstorage.dbus_init()
            except Exception:
                return False
            try:
                return any(
                    str(c.collection_path).endswith("/login") and not c.is_locked()
                    for c in secretstorage.get_all_collections(bus)
                )
            except Exception:
                return False
            finally:
                bus.close()

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def secret_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecretServiceSession]:
    """gnome-keyring on its own bus (tests point DBUS_SESSION_BUS_ADDRESS at it)."""
    session = SecretServiceSession(tmp_path_factory.mktemp("secret-service"))
    try:
        need(session.start)
        yield session
    finally:
        session.stop()
