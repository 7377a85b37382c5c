"""The SSO core end to end: real botocore clients, over loopback, against the stand-in.

The clients are made by :class:`BotocoreClients` from a plain botocore session and
find the stand-in through ``AWS_ENDPOINT_URL_SSO_OIDC`` / ``AWS_ENDPOINT_URL_SSO``,
as a user's environment would redirect them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.sso_stand_in import SsoStandIn, WindowsSizedKeyring, make_accounts
from xacct_gui.core.sso import (
    Backoff,
    BotocoreClients,
    CallStats,
    DeviceCode,
    Progress,
    SignInDenied,
    SsoError,
    SsoInstance,
    SsoNotSignedIn,
    SsoSessionExpired,
    SsoSessions,
    SsoStore,
    SsoThrottled,
)

ACME = SsoInstance("https://d-1234567890.awsapps.com/start", "eu-west-1", "Acme")
ROLES = ("AdministratorAccess", "ReadOnlyAccess", "Billing")
FAST = Backoff(attempts=8, base=0.001, cap=0.01)


class Clock:
    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(timezone.utc) + self.offset


def browser(url: str) -> None:
    """The user's browser: load the authorize page (the stand-in approves and redirects
    to the app's loopback callback, which urllib follows), in the background."""

    def visit() -> None:
        with urllib.request.urlopen(url, timeout=10) as page:
            browser.pages.append(page.read().decode())

    threading.Thread(target=visit, daemon=True).start()


browser.pages = []  # type: ignore[attr-defined]


@pytest.fixture
def idc(monkeypatch: pytest.MonkeyPatch) -> Iterator[SsoStandIn]:
    with SsoStandIn(accounts=make_accounts(500, ROLES), throttle_every=7) as stand_in:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", stand_in.endpoint_url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", stand_in.endpoint_url)
        yield stand_in


@pytest.fixture
def keyring() -> WindowsSizedKeyring:
    return WindowsSizedKeyring()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sessions(
    idc: SsoStandIn, tmp_path: Path, keyring: WindowsSizedKeyring, clock: Clock
) -> SsoSessions:
    return SsoSessions(
        SsoStore(tmp_path, lambda: keyring), BotocoreClients(), now=clock, backoff=FAST
    )


def test_sign_in_discover_credentials_refresh_logout(
    idc: SsoStandIn, sessions: SsoSessions, keyring: WindowsSizedKeyring, clock: Clock
) -> None:
    info = sessions.sign_in(ACME, open_url=browser)
    assert info.can_refresh and info.flow == "pkce"
    assert idc.calls["RegisterClient"] == 1 and idc.calls["Authorize"] == 1
    assert "go back to xacct" in browser.pages[-1]  # type: ignore[attr-defined]

    # Discovery: 500 accounts x 3 roles, every 7th portal call throttled.
    progress: list[Progress] = []
    stats = CallStats()
    started = time.perf_counter()
    roles = sessions.discover(ACME, progress=progress.append, stats=stats)
    elapsed = time.perf_counter() - started
    print(
        f"\ndiscovery: {len(roles)} roles, {stats.calls} calls ({stats.throttled} throttled) "
        f"in {elapsed:.2f} s; stand-in saw {dict(idc.calls)}"
    )
    assert len(roles) == 1500 == idc.role_count
    assert len({(r.account_id, r.role_name) for r in roles}) == 1500
    assert idc.calls["ListAccounts"] + idc.calls["ListAccountRoles"] == stats.calls
    assert stats.throttled == idc.calls["throttled"] > 0
    assert stats.calls - stats.throttled == 5 + 500  # 5 pages of 100 accounts, 1 per account
    assert progress[-1] == Progress(500, 500, 1500, stats.calls)

    # Role credentials for one of them.
    creds = sessions.role_credentials(ACME, roles[0].account_id, roles[0].role_name)
    assert creds.access_key_id.startswith("ASIA")
    assert (
        timedelta(minutes=55)
        < creds.expiration - datetime.now(timezone.utc)
        < timedelta(minutes=61)
    )

    # Two hours later the access token has expired (here and at the stand-in): refreshed.
    first = sessions.access_token(ACME)
    idc.expire_access_tokens()
    clock.offset = timedelta(hours=2)
    refreshed_before = idc.calls["CreateToken"]
    sessions.role_credentials(ACME, roles[-1].account_id, roles[-1].role_name)
    assert idc.calls["CreateToken"] == refreshed_before + 1
    assert sessions.access_token(ACME) != first

    # Sign-out: the portal is told, then nothing is left.
    assert sessions.sign_out(ACME) is True
    assert idc.calls["Logout"] == 1 and idc.refresh_tokens == {}
    assert keyring.entries == {}
    assert sessions.store.known() == []
    with pytest.raises(SsoNotSignedIn):
        sessions.access_token(ACME)


def test_the_registration_is_reused_until_it_expires(
    idc: SsoStandIn, sessions: SsoSessions, clock: Clock
) -> None:
    sessions.sign_in(ACME, open_url=browser)
    sessions.sign_in(ACME, open_url=browser)
    assert idc.calls["RegisterClient"] == 1
    clock.offset = timedelta(days=90)
    sessions.sign_in(ACME, open_url=browser)
    assert idc.calls["RegisterClient"] == 2


def test_device_flow_with_slow_down(idc: SsoStandIn, sessions: SsoSessions) -> None:
    idc.device_pending_polls = 3
    idc.device_slow_down_polls = (2,)
    shown: list[DeviceCode] = []
    slept: list[float] = []
    info = sessions.sign_in(ACME, flow="device", on_device_code=shown.append, sleep=slept.append)
    assert info.flow == "device" and info.can_refresh
    assert shown[0].verification_uri_complete.endswith(f"user_code={shown[0].user_code}")
    assert slept == [1, 6, 6]  # the stand-in's interval is 1 s; slow_down adds 5
    assert sessions.discover(ACME, workers=2)[0].role_name in ROLES


def test_denied_in_the_browser_stores_no_token(idc: SsoStandIn, sessions: SsoSessions) -> None:
    idc.authorize = "deny"
    with pytest.raises(SignInDenied):
        sessions.sign_in(ACME, open_url=browser)
    assert sessions.store.load_token(ACME) is None


def test_revoked_refresh_token_asks_to_sign_in_again(
    idc: SsoStandIn, sessions: SsoSessions, clock: Clock
) -> None:
    sessions.sign_in(ACME, open_url=browser)
    idc.revoke_refresh_tokens()
    clock.offset = timedelta(minutes=50)  # under 15 minutes left
    with pytest.raises(SsoSessionExpired) as caught:
        sessions.access_token(ACME)
    assert str(caught.value) == "Session for Acme expired — sign in again."


def test_a_token_revoked_at_the_portal_is_renewed_once(
    idc: SsoStandIn, sessions: SsoSessions
) -> None:
    sessions.sign_in(ACME, open_url=browser)
    idc.expire_access_tokens()  # the app still thinks it has 60 minutes
    roles = sessions.discover(ACME)
    assert len(roles) == 1500
    assert idc.calls["CreateToken"] == 2  # sign-in, then one forced refresh


def test_throttled_too_long(idc: SsoStandIn, sessions: SsoSessions) -> None:
    sessions.sign_in(ACME, open_url=browser)
    idc.throttle_every = 1
    with pytest.raises(SsoThrottled) as caught:
        sessions.discover(ACME)
    assert "kept throttling requests (8 tries)" in str(caught.value)


def test_threads_share_one_refresh(idc: SsoStandIn, sessions: SsoSessions, clock: Clock) -> None:
    sessions.sign_in(ACME, open_url=browser)
    clock.offset = timedelta(minutes=50)
    before = idc.calls["CreateToken"]
    barrier = threading.Barrier(8)
    tokens: list[str] = []

    def use() -> None:
        barrier.wait()
        tokens.append(sessions.access_token(ACME))

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert len(tokens) == 8 and len(set(tokens)) == 1
    assert idc.calls["CreateToken"] == before + 1


_CHILD = """
import sys, time
from pathlib import Path
from tests.sso_stand_in import FileKeyring
from xacct_gui.core.sso import BotocoreClients, SsoInstance, SsoSessions, SsoStore
config, keyring_file, go = sys.argv[1:4]
sessions = SsoSessions(SsoStore(Path(config), lambda: FileKeyring(keyring_file)), BotocoreClients())
while not Path(go).exists():
    time.sleep(0.005)
print(sessions.access_token(SsoInstance({url!r}, "eu-west-1", "Acme"))[:40])
"""


@pytest.mark.skipif(os.name != "posix", reason="the test keyring file uses fcntl")
def test_processes_share_one_refresh(idc: SsoStandIn, tmp_path: Path) -> None:
    from tests.sso_stand_in import FileKeyring

    keyring_file = str(tmp_path / "keyring.json")
    idc.access_token_seconds = 600  # signed in with a token inside the refresh window
    parent = SsoSessions(SsoStore(tmp_path, lambda: FileKeyring(keyring_file)), BotocoreClients())
    parent.sign_in(ACME, open_url=browser)
    idc.access_token_seconds = 3600  # the refreshed one is good for an hour
    before = idc.calls["CreateToken"]
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    child_code = _CHILD.format(url=ACME.start_url)
    children = [
        subprocess.Popen(
            [sys.executable, "-c", child_code, str(tmp_path), keyring_file, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(4)
    ]
    time.sleep(1.5)  # let every child import botocore and wait at the line
    go.touch()
    outputs = [child.communicate(timeout=60) for child in children]
    assert all(child.returncode == 0 for child in children), outputs
    assert len({out.strip() for out, _ in outputs}) == 1
    assert idc.calls["CreateToken"] == before + 1


def test_a_revoked_registration_is_replaced_on_the_next_sign_in(
    idc: SsoStandIn, sessions: SsoSessions
) -> None:
    sessions.sign_in(ACME, flow="device", on_device_code=lambda _: None, sleep=lambda _: None)
    idc.clients.clear()  # the service forgot the app's client
    with pytest.raises(SsoError) as caught:
        sessions.sign_in(ACME, flow="device", on_device_code=lambda _: None, sleep=lambda _: None)
    assert str(caught.value) == (
        "The app's registration with Acme was no longer valid; sign in again."
    )
    sessions.sign_in(ACME, flow="device", on_device_code=lambda _: None, sleep=lambda _: None)
    assert idc.calls["RegisterClient"] == 2


def test_sign_out_offline_still_wipes(
    idc: SsoStandIn, tmp_path: Path, keyring: WindowsSizedKeyring
) -> None:
    store = SsoStore(tmp_path, lambda: keyring)
    SsoSessions(store, BotocoreClients()).sign_in(ACME, open_url=browser)
    idc.__exit__()  # the network is gone
    offline = SsoSessions(store, BotocoreClients(), backoff=FAST)
    assert offline.sign_out(ACME) is False
    assert keyring.entries == {} and store.known() == []
