"""Portal listing with a real sso client (Stubber): pages, maxResults, throttling."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import botocore.session
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.stub import Stubber

from xacct_gui.core.sso.errors import SsoCancelled, SsoSessionExpired, SsoThrottled
from xacct_gui.core.sso.portal import (
    Backoff,
    CallStats,
    Progress,
    discover_roles,
    get_role_credentials,
    list_account_roles,
    list_accounts,
)


@pytest.fixture
def portal() -> Iterator[Any]:
    yield botocore.session.Session().create_client(
        "sso", region_name="eu-west-1", config=Config(signature_version=UNSIGNED)
    )


def _throttle(stub: Stubber, code: str = "TooManyRequestsException", **expected: Any) -> None:
    stub.add_client_error(
        "list_accounts" if "accountId" not in expected else "list_account_roles",
        service_error_code=code,
        service_message="Rate exceeded",
        http_status_code=429,
        expected_params=expected or None,
    )


def _accounts(start: int, count: int) -> list[dict[str, str]]:
    return [
        {
            "accountId": f"{i:012d}",
            "accountName": f"acct-{i}",
            "emailAddress": f"a{i}@example.com",
        }
        for i in range(start, start + count)
    ]


def test_pages_with_max_results_100(portal: Any) -> None:
    with Stubber(portal) as stub:
        stub.add_response(
            "list_accounts",
            {"accountList": _accounts(0, 100), "nextToken": "p2"},
            {"accessToken": "tok", "maxResults": 100},
        )
        stub.add_response(
            "list_accounts",
            {"accountList": _accounts(100, 100), "nextToken": "p3"},
            {"accessToken": "tok", "maxResults": 100, "nextToken": "p2"},
        )
        stub.add_response(
            "list_accounts",
            {"accountList": _accounts(200, 7)},
            {"accessToken": "tok", "maxResults": 100, "nextToken": "p3"},
        )
        accounts = list_accounts(portal, "tok", org="Acme", page_size=500)
        stub.assert_no_pending_responses()
    assert len(accounts) == 207
    assert accounts[5].account_id == "000000000005"
    assert accounts[5].email == "a5@example.com"


def test_a_repeating_next_token_ends_the_listing(portal: Any) -> None:
    with Stubber(portal) as stub:
        stub.add_response("list_accounts", {"accountList": _accounts(0, 1), "nextToken": "x"})
        stub.add_response("list_accounts", {"accountList": _accounts(1, 1), "nextToken": "x"})
        assert len(list_accounts(portal, "tok", org="Acme")) == 2
        stub.assert_no_pending_responses()


def test_throttling_is_retried_with_full_jitter(portal: Any) -> None:
    slept: list[float] = []
    backoff = Backoff(attempts=5, base=1.0, cap=3.0, sleep=slept.append, random=lambda: 0.5)
    stats = CallStats()
    with Stubber(portal) as stub:
        expected = {"accountId": "1", "accessToken": "tok", "maxResults": 100}
        _throttle(stub, "TooManyRequestsException", **expected)
        _throttle(stub, "ThrottlingException", **expected)
        _throttle(stub, "TooManyRequestsException", **expected)
        stub.add_response(
            "list_account_roles",
            {"roleList": [{"roleName": "Admin", "accountId": "1"}]},
            {"accountId": "1", "accessToken": "tok", "maxResults": 100},
        )
        roles = list_account_roles(portal, "tok", "1", org="Acme", backoff=backoff, stats=stats)
        stub.assert_no_pending_responses()
    assert roles == ["Admin"]
    assert slept == [0.5, 1.0, 1.5]  # 0.5 × min(3, 1·2^n) for n = 0, 1, 2
    assert (stats.calls, stats.throttled) == (4, 3)


def test_throttled_too_long_gives_up(portal: Any) -> None:
    slept: list[float] = []
    with Stubber(portal) as stub:
        for _ in range(3):
            _throttle(stub)
        with pytest.raises(SsoThrottled) as caught:
            backoff = Backoff(attempts=3, sleep=slept.append)
            list_accounts(portal, "tok", org="Acme", backoff=backoff)
        stub.assert_no_pending_responses()
    assert len(slept) == 2  # no sleep after the last try
    assert "kept throttling" in str(caught.value) and "Acme" in str(caught.value)


def test_unauthorized_means_session_expired(portal: Any) -> None:
    with Stubber(portal) as stub:
        stub.add_client_error(
            "list_accounts",
            service_error_code="UnauthorizedException",
            service_message="Session token not found or invalid",
            http_status_code=401,
        )
        with pytest.raises(SsoSessionExpired) as caught:
            list_accounts(portal, "tok", org="Acme")
    assert str(caught.value) == "Session for Acme expired — sign in again."


def test_discovery_reports_progress_and_sorts(portal: Any) -> None:
    seen: list[Progress] = []
    with Stubber(portal) as stub:
        stub.add_response(
            "list_accounts",
            {
                "accountList": [
                    {"accountId": "222222222222", "accountName": "zeta", "emailAddress": "z@x"},
                    {"accountId": "111111111111", "accountName": "Alpha", "emailAddress": "a@x"},
                ]
            },
        )
        stub.add_response(
            "list_account_roles",
            {"roleList": [{"roleName": "ReadOnly"}, {"roleName": "Admin"}], "nextToken": "n"},
        )
        stub.add_response("list_account_roles", {"roleList": [{"roleName": "Billing"}]})
        stub.add_response("list_account_roles", {"roleList": [{"roleName": "Dev"}]})
        roles = discover_roles(portal, "tok", org="Acme", workers=1, progress=seen.append)
        stub.assert_no_pending_responses()
    assert [(r.account_name, r.role_name) for r in roles] == [
        ("Alpha", "Dev"),
        ("zeta", "Admin"),
        ("zeta", "Billing"),
        ("zeta", "ReadOnly"),
    ]
    assert [(p.accounts_done, p.accounts_total) for p in seen] == [(0, 2), (1, 2), (2, 2)]
    assert seen[-1].roles == 4 and seen[-1].calls == 4


def test_discovery_can_be_cancelled(portal: Any) -> None:
    cancel = threading.Event()
    with Stubber(portal) as stub:
        stub.add_response("list_accounts", {"accountList": _accounts(0, 3)})
        for _ in range(3):
            stub.add_response("list_account_roles", {"roleList": [{"roleName": "Admin"}]})
        with pytest.raises(SsoCancelled):
            discover_roles(
                portal,
                "tok",
                org="Acme",
                workers=1,
                cancel=cancel,
                progress=lambda p: cancel.set() if p.accounts_done == 1 else None,
            )


def test_role_credentials_expiration_is_in_milliseconds(portal: Any) -> None:
    with Stubber(portal) as stub:
        stub.add_response(
            "get_role_credentials",
            {
                "roleCredentials": {
                    "accessKeyId": "ASIAEXAMPLEEXAMPLE12",
                    "secretAccessKey": "secret/value",
                    "sessionToken": "session-token",
                    "expiration": 1780315200123,
                }
            },
            {"accessToken": "tok", "accountId": "111111111111", "roleName": "Admin"},
        )
        creds = get_role_credentials(portal, "tok", "111111111111", "Admin", org="Acme")
    assert creds.expiration == datetime(2026, 6, 1, 12, 0, 0, 123000, tzinfo=timezone.utc)
    assert "secret/value" not in repr(creds) and "session-token" not in repr(creds)
