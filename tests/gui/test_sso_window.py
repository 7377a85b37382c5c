"""Identity Center in the main window: first-run choices, sign-in to buckets, the expiry
banner, sign-out, and no secret left behind.

Real parts: the demo's moto server for STS and S3, the local Identity Center
stand-in for ``sso-oidc`` and the portal (moto has neither), real botocore
clients; the keyring is the Windows-sized test double.
"""

from __future__ import annotations

import io
import json
import logging
import os
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.conftest import WAIT_MS, shown_names
from tests.integration.test_sso_profiles import minter
from tests.sso_stand_in import SsoStandIn, WindowsSizedKeyring
from xacct_gui.__main__ import configure_logging
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.sso import SsoStore
from xacct_gui.core.store import ProfileStore, StateStore
from xacct_gui.demo import DemoEnvironment
from xacct_gui.demo.plan import SOURCE_ACCOUNT
from xacct_gui.gui.main_window import MainWindow
from xacct_gui.gui.sso_dialog import SignInDialog
from xacct_gui.gui.workers import SwitchController

START_URL = "https://d-1234567890.awsapps.com/start"


@pytest.fixture
def profiles() -> tuple[RoleProfile, ...]:
    return ()  # first run


@pytest.fixture
def keyring_double() -> WindowsSizedKeyring:
    return WindowsSizedKeyring()


@pytest.fixture
def idc(demo_env: DemoEnvironment, monkeypatch: pytest.MonkeyPatch) -> Iterator[SsoStandIn]:
    dev = next(p for p in demo_env.profiles if p.name == "Dev")
    accounts = {
        dev.account_id: {"name": "shop-dev", "email": "d@example.com", "roles": [dev.role_name]}
    }
    with SsoStandIn(accounts=accounts, mint_credentials=minter(demo_env)) as stand_in:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", stand_in.endpoint_url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", stand_in.endpoint_url)
        yield stand_in


@pytest.fixture
def controller(
    demo_env: DemoEnvironment, idc: SsoStandIn, tmp_path: Path, keyring_double: WindowsSizedKeyring
) -> Iterator[SwitchController]:
    store = SsoStore(tmp_path, lambda: keyring_double)
    ctl = SwitchController(lambda: demo_env.make_service(sso_store=store))
    yield ctl
    ctl.shutdown()
    ctl.deleteLater()


@pytest.fixture
def browser_visits() -> list[str]:
    return []


@pytest.fixture
def sso_window(
    qtbot: QtBot, window: MainWindow, browser_visits: list[str], monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    def approve(url: str) -> bool:
        browser_visits.append(url)
        threading.Thread(
            target=lambda: urllib.request.urlopen(url, timeout=10).read(), daemon=True
        ).start()
        return True

    window.sso_actions._open_url = approve

    def run(dialog: SignInDialog) -> bool:
        dialog.show()
        if not dialog.url_edit.text():
            dialog.url_edit.setText(START_URL)
            dialog.region_edit.setText("eu-west-1")
            dialog.org_edit.setText("Acme")
        dialog.sign_in_button.click()
        qtbot.waitUntil(lambda: dialog.page == "preview", timeout=WAIT_MS)
        dialog.accept()
        return True

    monkeypatch.setattr(window.sso_actions, "run_dialog", run)
    return window


def test_first_run_offers_three_choices(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = window.first_run
    assert panel.isVisible()
    # No role, no buckets to filter: the choices take the table's room.
    assert not window.bucket_panel.isVisible()
    assert [b.text() for b in panel.buttons.values()] == [
        "Sign in with IAM Identity Center",
        "Use an access key",
        "Import",
    ]
    called: list[str] = []
    monkeypatch.setattr(window.sso_actions, "sign_in", lambda *a: called.append("sso"))
    monkeypatch.setattr(
        window.profile_actions, "manage_sign_in_keys", lambda: called.append("keys")
    )
    monkeypatch.setattr(
        window.profile_actions, "import_from_aws_config", lambda: called.append("import")
    )
    for button in panel.buttons.values():
        button.click()
    assert called == ["sso", "keys", "import"]
    assert window.action("sso_sign_in").text() == "Si&gn in with IAM Identity Center…"


def test_sign_in_to_buckets_then_expiry_banner_then_sign_out(
    qtbot: QtBot,
    sso_window: MainWindow,
    idc: SsoStandIn,
    demo_env: DemoEnvironment,
    tmp_path: Path,
    keyring_double: WindowsSizedKeyring,
    browser_visits: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Logging as `--debug` sets it up (botocore held at INFO, the redacting filter).
    log_stream = io.StringIO()
    handler = configure_logging(True, log_stream)
    caplog.set_level(logging.DEBUG, logger="xacct_gui")
    window = sso_window
    dev = next(p for p in demo_env.profiles if p.name == "Dev")
    started = time.perf_counter()
    window.first_run.buttons["firstRunSignIn"].click()
    listed = time.perf_counter() - started
    name = f"shop-dev / {dev.role_name}"
    assert window.book.names == [name]
    assert not window.first_run.isVisible()
    assert window.bucket_panel.isVisible()
    saved = ProfileStore(tmp_path).load().profiles
    assert saved[0].sso_start_url == START_URL and saved[0].color == "green"
    qtbot.waitUntil(
        lambda: set(shown_names(window)) == set(demo_env.buckets_by_account[dev.account_id]),
        timeout=WAIT_MS,
    )
    total = time.perf_counter() - started
    print(f"\nsign-in to first account listed: {listed:.2f} s; to its buckets: {total:.2f} s")
    qtbot.waitUntil(lambda: "Acme: signed in" in window.sso_actions.session_label.text())
    assert len(browser_visits) == 1

    # Every secret the stand-in issued, before sign-out forgets them.
    secrets = [*idc.access_tokens, *idc.refresh_tokens, *(c.secret for c in idc.clients.values())]
    assert secrets

    # The session dies at the portal (token expired, refresh token revoked) while the app
    # still believes it valid: a banner, never a browser.
    idc.revoke_refresh_tokens()
    idc.expire_access_tokens()
    window.renew_session()
    banner = window.sso_actions.banner
    qtbot.waitUntil(banner.isVisible, timeout=WAIT_MS)
    assert banner.label.text() == "Session for Acme expired"
    assert banner.button.text() == "&Sign in"
    assert len(browser_visits) == 1

    # Its button signs in again (prefilled) and the buckets come back.
    banner.button.click()
    assert len(browser_visits) == 2 and not banner.isVisible()
    window.renew_session()
    qtbot.waitUntil(lambda: bool(shown_names(window)), timeout=WAIT_MS)

    # Sign out: Logout at the portal, then nothing stored.
    secrets += [*idc.access_tokens, *idc.refresh_tokens]
    logouts = idc.calls["Logout"]
    window.action("sso_sign_out").trigger()
    qtbot.waitUntil(lambda: idc.calls["Logout"] == logouts + 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: keyring_double.entries == {}, timeout=WAIT_MS)

    # No secret in any file, log record, the environment or a repr.
    texts = [p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file()]
    logging.getLogger().removeHandler(handler)
    texts += [log_stream.getvalue()]
    texts += [r.getMessage() for r in caplog.records if r.name.startswith("xacct_gui")]
    logging.getLogger().setLevel(logging.WARNING)
    assert "signed in to Acme (pkce flow)" in log_stream.getvalue()  # the log was captured
    texts += [f"{k}={v}" for k, v in os.environ.items()]
    texts += [repr(p) for p in window.book.profiles]
    for secret in secrets:
        assert not any(secret in text for text in texts)


def test_resync_from_the_menu_keeps_a_renamed_profile(
    qtbot: QtBot, sso_window: MainWindow, idc: SsoStandIn, tmp_path: Path
) -> None:
    window = sso_window
    window.action("sso_sign_in").trigger()
    (profile,) = window.book.profiles
    renamed = profile.replace(name="My dev", color="#334455")
    window.profile_actions.commit([renamed], select=None)
    window.action("sso_sign_in").trigger()
    assert [(p.name, p.color) for p in window.book.profiles] == [("My dev", "#334455")]
    assert idc.calls["Authorize"] == 1  # the stored session was reused: no browser
    state = StateStore(tmp_path).load()
    assert state["sso_template"] == "{account_name} / {role_name}"


def test_team_file_lands_on_its_sign_in_and_adds_its_roles(
    qtbot: QtBot,
    sso_window: MainWindow,
    idc: SsoStandIn,
    demo_env: DemoEnvironment,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = sso_window
    dev = next(p for p in demo_env.profiles if p.name == "Dev")
    test = next(p for p in demo_env.profiles if p.name == "Test")
    # The role the team's extra role chains from: its credentials may assume Test.
    idc.accounts[SOURCE_ACCOUNT] = {"name": "identity", "email": "i@example.com", "roles": ["Hub"]}
    team = {
        "xacct_team": 1,
        "organisation": "Acme",
        "start_url": START_URL,
        "region": "eu-west-1",
        "name_template": "{account_name}: {role_name}",
        "color_rules": [{"text": "dev", "color": "orange"}],
        "roles": [
            {
                "name": "Test (team)",
                "account_id": test.account_id,
                "role_name": test.role_name,
                "external_id": test.external_id,
                "via": {"account_id": SOURCE_ACCOUNT, "role_name": "Hub"},
            }
        ],
    }
    bad = tmp_path / "bad-team.json"
    bad.write_text(json.dumps({**team, "start_url": "https://example.com"}))
    opened: list[str] = []
    real_run = window.sso_actions.run_dialog

    def run(dialog: SignInDialog) -> bool:
        opened.append(f"{dialog.url_edit.text()}|{dialog.org_edit.text()}")
        return real_run(dialog)

    monkeypatch.setattr(window.sso_actions, "run_dialog", run)
    assert window.sso_actions.open_team(str(bad)) is False
    assert "not an IAM Identity Center portal" in window.file_warning.text()
    assert opened == [] and window.book.profiles == []

    good = tmp_path / "team.json"
    good.write_text(json.dumps(team))
    assert window.sso_actions.open_team(str(good)) is True
    assert opened == [f"{START_URL}|Acme"]
    names = window.book.names
    assert sorted(names) == sorted([f"shop-dev: {dev.role_name}", "identity: Hub", "Test (team)"])
    assert window.book.find(f"shop-dev: {dev.role_name}").color == "orange"  # type: ignore[union-attr]
    chained = window.book.profiles[2]
    assert chained.source_role == "identity: Hub" and chained.external_id == test.external_id
    window.switch_to("Test (team)")
    qtbot.waitUntil(
        lambda: set(shown_names(window)) == set(demo_env.buckets_by_account[test.account_id]),
        timeout=WAIT_MS,
    )


def test_a_waiting_sign_in_does_not_hold_up_switches(
    qtbot: QtBot,
    window: MainWindow,
    idc: SsoStandIn,
    demo_env: DemoEnvironment,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dev = next(p for p in demo_env.profiles if p.name == "Dev")
    window.profile_actions.commit([dev], select=None)
    window.sso_actions._open_url = lambda url: True  # the user never approves
    dialogs: list[SignInDialog] = []

    def run(dialog: SignInDialog) -> bool:
        dialog.show()
        dialog.url_edit.setText(START_URL)
        dialog.region_edit.setText("eu-west-1")
        dialog.sign_in_button.click()
        dialogs.append(dialog)
        return False  # leave it waiting (the test drives the rest)

    monkeypatch.setattr(window.sso_actions, "run_dialog", run)
    monkeypatch.setattr(window.sso_actions, "make_dialog", _keep(window.sso_actions.make_dialog))
    window.sso_actions.start()
    (dialog,) = dialogs
    qtbot.waitUntil(lambda: idc.calls["RegisterClient"] == 1, timeout=WAIT_MS)
    assert dialog.page == "waiting"
    window.switch_to("Dev")
    qtbot.waitUntil(
        lambda: set(shown_names(window)) == set(demo_env.buckets_by_account[dev.account_id]),
        timeout=WAIT_MS,
    )
    assert dialog.page == "waiting"  # still waiting for the browser, on its own thread
    dialog.cancel_button.click()
    assert dialog._task.wait(5)


def _keep(make: object) -> object:
    """make_dialog, but the dialog outlives sign_in()'s deleteLater (the test checks it)."""

    def keep(*args: object) -> SignInDialog:
        dialog: SignInDialog = make(*args)  # type: ignore[operator]
        dialog.setParent(None)
        dialog.deleteLater = lambda: None  # type: ignore[method-assign]
        return dialog

    return keep


def test_keep_alive_renews_before_expiry_and_says_when_it_cannot(
    qtbot: QtBot, sso_window: MainWindow, idc: SsoStandIn, browser_visits: list[str]
) -> None:
    window = sso_window
    idc.access_token_seconds = 600  # inside the 15-minute window from the start
    window.action("sso_sign_in").trigger()
    before = idc.calls["CreateToken"]
    window.sso_actions.keep_alive()
    qtbot.waitUntil(lambda: idc.calls["CreateToken"] == before + 1, timeout=WAIT_MS)
    assert not window.sso_actions.banner.isVisible()

    idc.revoke_refresh_tokens()
    window.sso_actions.keep_alive()
    banner = window.sso_actions.banner
    qtbot.waitUntil(banner.isVisible, timeout=WAIT_MS)
    assert banner.label.text() == "Session for Acme expired"
    assert len(browser_visits) == 1  # no browser opened unasked
    assert window.sso_actions.keep_alive_timer.isActive()
