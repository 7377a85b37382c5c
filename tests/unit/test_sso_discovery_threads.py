"""Discovery never leaves a thread that keeps the app alive: a role listing that hangs
on the network is abandoned on cancel, and its thread is a daemon.

The portal here is a plain object with the two methods discovery calls, answering in
the shape botocore's ``sso`` client returns; one account's listing never answers.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from xacct_gui.core.sso.errors import SsoCancelled
from xacct_gui.core.sso.portal import discover_roles

NEVER = threading.Event()


class HangingPortal:
    def list_accounts(self, **_: Any) -> dict[str, Any]:
        accounts = [{"accountId": f"{n:012d}", "accountName": f"Account {n}"} for n in (1, 2)]
        return {"accountList": accounts}

    def list_account_roles(self, *, accountId: str, **_: Any) -> dict[str, Any]:
        if accountId.endswith("2"):
            NEVER.wait()  # a dropped VPN: no answer, ever
        return {"roleList": [{"roleName": "Admin"}]}


def test_a_hanging_listing_is_abandoned_on_cancel_and_its_thread_is_a_daemon() -> None:
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(SsoCancelled):
        discover_roles(HangingPortal(), "token", org="Acme", workers=2, cancel=cancel)
    assert time.monotonic() - started < 2
    hung = [t for t in threading.enumerate() if t.name.startswith("sso-discovery-")]
    assert hung, "the hanging listing's thread should still be waiting"
    assert all(t.daemon for t in hung)  # so it cannot keep the process from exiting
