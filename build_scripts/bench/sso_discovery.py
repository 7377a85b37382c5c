"""``sso``: an Identity Center with 1,000 accounts × 3 roles, signed in to from the real
main window: the longest GUI stall while the accounts are listed and the preview fills,
while the preview is re-planned after a template edit, while the 3,000 roles are added
(switcher and profile file), and during a re-sync with all of them saved.

The Identity Center is the app's own local stand-in (xacct_gui/demo/identity_center.py,
the real sso-oidc and portal wire formats), in a child process like the other servers,
so its CPU time does not compete with the app for the GIL. The browser is a thread
loading the authorize page (the stand-in approves at once). Stalls are measured by
the 5 ms probe (window_harness.StallProbe), as the other sections do.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer

from build_scripts.bench.harness import STALL_MS, BenchError, Report
from build_scripts.bench.window_harness import StallProbe, open_window, qt_app, settle

CHILD_FLAG = "--serve-idc"
ACCOUNTS = 1_000
ROLES = ("AdministratorAccess", "ReadOnlyAccess", "Billing")
START_URL = "https://d-1234567890.awsapps.com/start"
REGION = "eu-west-1"
LIST_TIMEOUT_S = 300.0
SECTION = "sso"


def serve_idc(accounts: str) -> int:
    """Child: run the Identity Center stand-in until stdin closes; print its endpoint."""
    from xacct_gui.demo.identity_center import SsoStandIn, make_accounts

    with SsoStandIn(accounts=make_accounts(int(accounts), ROLES)) as idc:
        print(json.dumps({"endpoint_url": idc.endpoint_url}), flush=True)
        sys.stdin.read()
    return 0


def _run_until(condition: Callable[[], bool], timeout_s: float) -> bool:
    """Turn the event loop until ``condition()`` holds (checked every 10 ms), bounded."""
    loop = QEventLoop()
    poll, limit = QTimer(), QTimer()
    poll.setInterval(10)

    def check() -> None:
        if condition():
            loop.quit()

    poll.timeout.connect(check)
    limit.setSingleShot(True)
    limit.timeout.connect(loop.quit)
    if condition():
        return True
    poll.start()
    limit.start(int(timeout_s * 1000))
    loop.exec()
    poll.stop()
    limit.stop()
    return condition()


def _approve(url: str) -> bool:
    threading.Thread(
        target=lambda: urllib.request.urlopen(url, timeout=30).read(), daemon=True
    ).start()
    return True


class MemoryKeyring:
    """The three calls the sign-in store makes of a keyring backend, in memory: the
    bench must not write to the developer's keyring."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._entries.pop((service, username), None)


def bench_sso(report: Report, endpoint_url: str, accounts: int = ACCOUNTS) -> None:
    from xacct_gui.core.aws import AwsService
    from xacct_gui.core.sso import SsoStore
    from xacct_gui.gui.sso_dialog import SignInDialog

    app = qt_app()
    roles = accounts * len(ROLES)
    keyring = MemoryKeyring()
    with tempfile.TemporaryDirectory(prefix="xacct-bench-sso-") as tmp:
        config = Path(tmp) / "aws-config"
        config.write_text("", encoding="utf-8")  # never the developer's own settings
        store = SsoStore(Path(tmp), lambda: keyring)

        def factory() -> AwsService:
            return AwsService(
                config_file=str(config),
                credentials_file=str(config),
                sso_store=store,
                sso_endpoint_url=endpoint_url,
            )

        probe = StallProbe()
        marks: dict[str, float] = {}

        with open_window(factory, ()) as (window, _controller):
            actions = window.sso_actions
            actions._open_url = _approve

            def drive(dialog: SignInDialog) -> bool:
                dialog.show()
                marks["click"] = time.perf_counter()
                dialog.sign_in_button.click()
                if not _run_until(lambda: dialog.page == "preview", LIST_TIMEOUT_S):
                    raise BenchError(f"no preview within {LIST_TIMEOUT_S:g} s: {dialog.error}")
                marks["preview"] = time.perf_counter()
                settle(app)
                if dialog.preview_list.count() < roles or len(dialog.roles) != roles:
                    raise BenchError(f"the preview lists {dialog.preview_list.count()} lines")
                marks["edit"] = time.perf_counter()
                dialog.template_edit.setText(dialog.template_edit.text() + " ")
                settle(app)
                marks["edited"] = time.perf_counter()
                dialog.accept()
                marks["accept"] = time.perf_counter()
                return True

            actions.run_dialog = drive  # type: ignore[method-assign]
            probe.start()
            actions.sign_in(START_URL, REGION, "Acme")
            settle(app)
            added = time.perf_counter()
            if len(window.book.profiles) != roles:
                raise BenchError(f"{len(window.book.profiles)} profiles added, not {roles}")
            first = dict(marks)
            actions.sign_in(START_URL, REGION, "Acme")  # re-sync: every role already saved
            settle(app)
            resynced = time.perf_counter()
            probe.stop()

    label = f"{accounts:,} accounts × {len(ROLES)} roles"
    report.info(
        SECTION,
        f"{label}: Sign in to the preview listing {roles:,} roles",
        f"{first['preview'] - first['click']:.1f} s",
        floor="browser approval, ListAccounts pages of 100, ListAccountRoles per account",
        raw=first["preview"] - first["click"],
    )
    stalls = (
        ("longest GUI stall from Sign in to the preview", first["click"], first["preview"]),
        (
            "longest GUI stall re-planning the preview (one template keystroke)",
            first["edit"],
            first["edited"],
        ),
        (f"longest GUI stall adding the {roles:,} roles (switcher, file)", first["accept"], added),
        ("longest GUI stall of a re-sync with every role saved", marks["click"], resynced),
    )
    for name, start, end in stalls:
        report.at_most(
            SECTION,
            f"{label}: {name}",
            probe.longest_gap_ms(start, end),
            STALL_MS,
            "ms",
            floor=f"over {end - start:.2f} s",
        )


def run(report: Report, accounts: int = ACCOUNTS) -> None:
    from build_scripts.bench.children import child_server

    os.environ.pop("AWS_ENDPOINT_URL_SSO", None)
    os.environ.pop("AWS_ENDPOINT_URL_SSO_OIDC", None)
    with child_server(CHILD_FLAG, str(accounts)) as idc:
        bench_sso(report, str(idc["endpoint_url"]), accounts)
