"""Role actions in the window: open the console, copy credentials, discover accounts.

Federation runs against a local HTTP stand-in (tests/unit/test_federation.py),
the organisation against the moto server (tests/integration/test_discovery.py).
"""

# The federation fixture is imported from its own test module,
# so test parameters "redefine" them on purpose.
# ruff: noqa: F811
from __future__ import annotations

import http.client
import json
import urllib.parse
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QTableView, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.conftest import switch_and_wait
from tests.integration.test_discovery import Organisation
from tests.unit.test_federation import SIGNIN_TOKEN, Federation, federation  # noqa: F401
from xacct_gui.core.credentials import RoleSession
from xacct_gui.core.export_env import SHELL_LABELS
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.demo import DemoEnvironment
from xacct_gui.gui.main_window import MainWindow

WAIT = 15_000


@pytest.fixture
def profiles(demo_env: DemoEnvironment, organisation: Organisation) -> tuple[RoleProfile, ...]:
    return (*demo_env.profiles, organisation.reader)


def cached_session_on_the_worker(
    qtbot: QtBot, window: MainWindow, profile: RoleProfile
) -> RoleSession | None:
    """Ask the worker (the only thread that touches the AwsService) for the cached session."""
    found: list[RoleSession | None] = []
    window.controller.run_job(lambda service: service.cached_session(profile), on_done=found.append)
    qtbot.waitUntil(lambda: bool(found), timeout=WAIT)
    return found[0]


def follow_once(local: str) -> str:
    """Where the one-time local link redirects to (it answers once)."""
    assert local.startswith("http://127.0.0.1:")
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(local).netloc, timeout=5)
    connection.request("GET", urllib.parse.urlsplit(local).path)
    answer = connection.getresponse()
    assert answer.status == 302
    return str(answer.getheader("Location"))


def test_open_console(qtbot: QtBot, window: MainWindow, federation: Federation) -> None:
    opened: list[str] = []
    window.prompts.open_url = lambda url: opened.append(url) is None  # type: ignore[method-assign]
    switch_and_wait(qtbot, window, "Dev")
    window.action("console").trigger()
    qtbot.waitUntil(lambda: bool(opened), timeout=WAIT)
    url = follow_once(opened[0])
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert query["SigninToken"] == SIGNIN_TOKEN and query["Action"] == "login"
    dev = next(p for p in window.profiles if p.name == "Dev")
    cached = cached_session_on_the_worker(qtbot, window, dev)
    assert cached is not None
    assert json.loads(federation.requests[0]["Session"])["sessionId"] == cached.access_key_id


def test_copy_env(qtbot: QtBot, window: MainWindow) -> None:
    switch_and_wait(qtbot, window, "Test")
    window.action(f"env_{next(iter(SHELL_LABELS))}").trigger()
    qtbot.waitUntil(
        lambda: "export AWS_ACCESS_KEY_ID=" in QGuiApplication.clipboard().text(), timeout=WAIT
    )
    assert "Test @ 333333333333" in QGuiApplication.clipboard().text()
    assert window.statusBar().currentMessage().startswith("The clipboard now holds a secret")
    window.close()
    assert QGuiApplication.clipboard().text() == ""


def test_discover_denied_and_allowed(
    qtbot: QtBot, window: MainWindow, organisation: Organisation
) -> None:
    banner = window.findChild(QWidget, "errorBanner")
    switch_and_wait(qtbot, window, "Dev")
    window.action("discover").trigger()
    qtbot.waitUntil(lambda: banner.isVisible(), timeout=WAIT)
    seen: list[Any] = []

    def pick_all(profile: Any, accounts: Any) -> Any:
        from xacct_gui.core.discovery import (
            DEFAULT_ROLE_NAME,
            DEFAULT_RULES,
            Source,
            build_candidates,
        )

        seen.append(accounts)
        return [
            c.profile
            for c in build_candidates(
                accounts,
                role_name=DEFAULT_ROLE_NAME,
                rules=DEFAULT_RULES,
                existing=window.profiles,
                source=Source.through(profile),
            )
            if c.is_new
        ]

    window.role_jobs.run_discovery_dialog = pick_all  # type: ignore[method-assign]
    switch_and_wait(qtbot, window, "Org reader")
    before = len(window.profiles)
    window.action("discover").trigger()
    qtbot.waitUntil(lambda: len(window.profiles) > before, timeout=WAIT)
    assert len(window.profiles) == before + len(seen[0])
    # Two accounts share the name "Payments Prod"; the bucket lives in the first one made.
    bucket_account = organisation.members["Payments Prod"][0]
    discovered = next(p for p in window.profiles if p.account_id == bucket_account)
    switch_and_wait(qtbot, window, discovered.name)
    assert window.bucket_model.rowCount() > 0  # the discovered role really works


def test_open_bucket_in_console_lands_on_the_bucket_page(
    qtbot: QtBot, window: MainWindow, federation: Federation
) -> None:
    opened: list[str] = []
    window.prompts.open_url = lambda url: opened.append(url) is None  # type: ignore[method-assign]
    switch_and_wait(qtbot, window, "Dev")
    window.findChild(QTableView, "bucketTable").selectRow(0)  # type: ignore[union-attr]
    bucket = window.selected_bucket_names()[0]
    window.action("open_bucket").trigger()
    qtbot.waitUntil(lambda: bool(opened), timeout=WAIT)
    url = follow_once(opened[0])
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    destination = urllib.parse.urlsplit(query["Destination"])
    assert destination.netloc == "s3.console.aws.amazon.com"
    assert destination.path == f"/s3/buckets/{bucket}"
    assert query["SigninToken"] == SIGNIN_TOKEN
