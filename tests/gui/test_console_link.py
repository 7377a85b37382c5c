"""The console link never reaches a browser launcher's argv, and failure is reported.

``BROWSER`` is set to a real script that records its argv (the convention the app
follows, see core/browser.py); federation runs against the local stand-in of
tests/unit/test_federation.py.
"""

from __future__ import annotations

import http.client
import json
import stat
import sys
import urllib.parse
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.conftest import WAIT_MS, switch_and_wait
from tests.unit.test_federation import SIGNIN_TOKEN, Federation, federation  # noqa: F401
from xacct_gui.core.browser import open_url
from xacct_gui.gui.main_window import MainWindow


def recording_browser(tmp_path: Path, status: int = 0) -> tuple[Path, Path]:
    script, record = tmp_path / "browser.py", tmp_path / "argv.json"
    script.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"open({str(record)!r}, 'w').write(json.dumps(sys.argv))\nsys.exit({status})\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, record


def get(url: str) -> http.client.HTTPResponse:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=5)
    connection.request("GET", parts.path)
    return connection.getresponse()


def test_the_browser_gets_a_one_time_link_without_the_token(
    qtbot: QtBot,
    window: MainWindow,
    federation: Federation,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    script, record = recording_browser(tmp_path)
    monkeypatch.setenv("BROWSER", str(script))
    switch_and_wait(qtbot, window, "Dev")
    window.action("console").trigger()
    qtbot.waitUntil(record.exists, timeout=WAIT_MS)
    argv = json.loads(record.read_text())
    assert SIGNIN_TOKEN not in " ".join(argv)
    local = argv[-1]
    assert local.startswith("http://127.0.0.1:")
    first = get(local)
    assert first.status == 302
    assert SIGNIN_TOKEN in str(first.getheader("Location"))
    assert first.getheader("Cache-Control") == "no-store"
    assert get(local).status == 404  # once only
    qtbot.waitUntil(lambda: "Opened the AWS console" in window.statusBar().currentMessage())


def test_a_browser_that_fails_is_reported_not_called_opened(
    qtbot: QtBot,
    window: MainWindow,
    federation: Federation,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    script, _record = recording_browser(tmp_path, status=3)
    monkeypatch.setenv("BROWSER", str(script))
    switch_and_wait(qtbot, window, "Dev")
    window.action("console").trigger()
    banner = window.error_banner
    qtbot.waitUntil(banner.isVisible, timeout=WAIT_MS)
    assert "no web browser could be started" in banner.text()
    assert "Opened" not in window.statusBar().currentMessage()
    assert SIGNIN_TOKEN not in "".join(capfd.readouterr())


def test_browser_commands_follow_the_webbrowser_convention(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, record = recording_browser(tmp_path)
    (tmp_path / "failing").mkdir()
    failing, _ = recording_browser(tmp_path / "failing", status=1)
    monkeypatch.setenv("BROWSER", f"/nonexistent/browser:{failing}:{script} --new-tab=%s")
    assert open_url("http://127.0.0.1:1/abc")
    assert json.loads(record.read_text())[1:] == ["--new-tab=http://127.0.0.1:1/abc"]
    monkeypatch.setenv("BROWSER", "/nonexistent/browser")
    assert not open_url("http://127.0.0.1:1/abc")
