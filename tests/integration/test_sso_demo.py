"""``--demo``'s Identity Center: a person's approval pages on 127.0.0.1, then real buckets.

The browser is a script (through ``BROWSER``) that does what a newcomer does:
load the page the app opens, press the button on it. Nothing else is faked.
"""

from __future__ import annotations

import html
import re
import stat
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from tests.sso_stand_in import WindowsSizedKeyring
from xacct_gui.__main__ import main
from xacct_gui.app import Launch
from xacct_gui.core.sso import DeviceCode
from xacct_gui.core.sso.sync import plan_sync
from xacct_gui.demo.approval import DEMO_SSO_REGION, DEMO_START_URL

PERSON = """\
import html, re, sys, urllib.request
page = urllib.request.urlopen(sys.argv[1], timeout=20).read().decode()
href = html.unescape(re.search(r'class="button" href="([^"]+)"', page).group(1))
base = sys.argv[1].split("/authorize")[0].split("/demo/")[0]
urllib.request.urlopen(base + href, timeout=20).read()
"""


def demo_env_buckets(launch: Launch, account_id: str) -> set[str]:
    assert launch.demo_env is not None
    return set(launch.demo_env.buckets_by_account[account_id])


def press_the_button(url: str) -> str:
    page = urllib.request.urlopen(url, timeout=20).read().decode()
    match = re.search(r'class="button" href="([^"]+)"', page)
    assert match, page
    base = url.split("/demo/")[0]
    return urllib.request.urlopen(base + html.unescape(match.group(1)), timeout=20).read().decode()


@pytest.fixture
def vault() -> Iterator[WindowsSizedKeyring]:
    backend = WindowsSizedKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_demo_sso_sync_through_the_approval_page(
    vault: WindowsSizedKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    script = tmp_path / "person.py"
    script.write_text(PERSON)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("BROWSER", f"{sys.executable} {script}")
    config = tmp_path / "config"
    argv = ["--demo", "--config-dir", str(config), "--sso-sync", DEMO_START_URL]
    assert main([*argv, "--sso-region", DEMO_SSO_REGION]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 4 and all(line.startswith("added: ") for line in lines), out
    assert "added: shop-dev / DeveloperAccess" in lines
    assert err == ""


def test_demo_device_code_is_confirmed_on_its_page(vault: WindowsSizedKeyring) -> None:
    launch = Launch(config_dir=None, demo=True)
    try:
        launch.load_headless()
        sso = launch.make_service().sso
        assert sso is not None
        instance = sso.instance_for(DEMO_START_URL, DEMO_SSO_REGION)
        pages: list[str] = []

        def show(code: DeviceCode) -> None:
            assert code.verification_uri_complete.startswith("http://127.0.0.1:")
            threading.Thread(
                target=lambda: pages.append(press_the_button(code.verification_uri_complete)),
                daemon=True,
            ).start()

        info = sso.sign_in(instance, flow="device", on_device_code=show)
        assert info.can_refresh and "Go back to xacct" in pages[0]
        roles = sso.discover(instance)
        assert {r.account_name for r in roles} == {"shop-dev", "shop-test", "shop-prod", "audit"}
        # The accounts' buckets, with the portal's credentials.
        plan = plan_sync((), roles, instance)
        dev = next(p for p in plan.profiles if p.name == "shop-dev / DeveloperAccess")
        result = launch.make_service().switch(dev)
        assert demo_env_buckets(launch, dev.account_id) == {b.name for b in result.buckets}
    finally:
        launch.close()
