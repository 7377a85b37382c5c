"""The access portal (``sso`` client): accounts, roles, role credentials, logout.

Listing is paginated with ``maxResults`` ≤ 100 (the portal's limit) and
``nextToken``. Throttling (``TooManyRequestsException``, ``ThrottlingException``)
is retried with exponential backoff and full jitter (delay = random × min(cap,
base × 2^attempt)); the sleep and the random source are injectable so tests do
not wait. Everything is cancellable through a ``threading.Event`` and reports
progress through a callback; roles of several accounts are listed in parallel
(botocore clients are thread-safe).
"""

from __future__ import annotations

import logging
import queue
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, TypeVar

from .errors import THROTTLING_CODES, SsoThrottled, cancelled, error_code, to_sso_error
from .models import RoleCredentials

log = logging.getLogger(__name__)

MAX_PAGE = 100
T = TypeVar("T")


@dataclass(frozen=True)
class Backoff:
    """Retry budget for throttled calls: ``attempts`` tries in all, full-jitter delays."""

    attempts: int = 8
    base: float = 0.25
    cap: float = 20.0
    sleep: Callable[[float], None] | None = None  # default: a wait that cancel wakes
    random: Callable[[], float] = random.random

    def delay(self, retry: int) -> float:
        return float(self.random()) * min(self.cap, self.base * (2.0**retry))


@dataclass
class CallStats:
    """How many portal calls a listing made (for progress and tests); thread-safe."""

    calls: int = 0
    throttled: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, *, throttled: bool = False) -> None:
        with self._lock:
            self.calls += 1
            self.throttled += int(throttled)


@dataclass(frozen=True)
class Account:
    account_id: str
    name: str
    email: str


@dataclass(frozen=True)
class DiscoveredRole:
    """One role the signed-in user may take in one account."""

    account_id: str
    account_name: str
    email: str
    role_name: str


@dataclass(frozen=True)
class Progress:
    accounts_done: int
    accounts_total: int | None  # None while the account list is still being read
    roles: int
    calls: int


ProgressCallback = Callable[[Progress], object]


def call_with_backoff(
    call: Callable[[], T],
    *,
    org: str,
    doing: str,
    backoff: Backoff,
    cancel: threading.Event | None = None,
    stats: CallStats | None = None,
) -> T:
    """Run ``call``; retry throttling up to ``backoff.attempts`` tries; map errors."""
    sleep = backoff.sleep or (cancel or threading.Event()).wait
    for attempt in range(backoff.attempts):
        if cancel is not None and cancel.is_set():
            raise cancelled()
        try:
            result = call()
        except Exception as exc:
            throttled = error_code(exc) in THROTTLING_CODES
            if stats is not None:
                stats.count(throttled=throttled)
            if not throttled:
                raise to_sso_error(exc, org, doing) from None
            if attempt + 1 < backoff.attempts:
                sleep(backoff.delay(attempt))
            continue
        if stats is not None:
            stats.count()
        return result
    raise SsoThrottled(
        f"Identity Center of {org} kept throttling requests ({backoff.attempts} tries): "
        f"could not {doing}. Wait a minute and try again.",
        "Throttled",
    )


def _pages(
    method: Callable[..., dict[str, Any]],
    kwargs: dict[str, Any],
    result_key: str,
    *,
    page_size: int,
    org: str,
    doing: str,
    backoff: Backoff,
    cancel: threading.Event | None,
    stats: CallStats | None,
) -> Iterator[dict[str, Any]]:
    size = max(1, min(page_size, MAX_PAGE))
    next_token: str | None = None
    seen: set[str] = set()
    while True:
        args = {**kwargs, "maxResults": size}
        if next_token:
            args["nextToken"] = next_token

        def one_page(args: dict[str, Any] = args) -> dict[str, Any]:
            return method(**args)

        page = call_with_backoff(
            one_page, org=org, doing=doing, backoff=backoff, cancel=cancel, stats=stats
        )
        for item in page.get(result_key, []) or []:
            if isinstance(item, dict):
                yield item
        next_token = page.get("nextToken") or None
        if not next_token or next_token in seen:  # a repeating token would loop forever
            return
        seen.add(next_token)


def list_accounts(
    portal: Any,
    access_token: str,
    *,
    org: str,
    page_size: int = MAX_PAGE,
    backoff: Backoff | None = None,
    cancel: threading.Event | None = None,
    stats: CallStats | None = None,
) -> list[Account]:
    """Every account the user is assigned to, in the portal's order."""
    return [
        Account(
            str(item.get("accountId", "")),
            str(item.get("accountName") or item.get("accountId", "")),
            str(item.get("emailAddress") or ""),
        )
        for item in _pages(
            portal.list_accounts,
            {"accessToken": access_token},
            "accountList",
            page_size=page_size,
            org=org,
            doing="list the accounts",
            backoff=backoff or Backoff(),
            cancel=cancel,
            stats=stats,
        )
    ]


def list_account_roles(
    portal: Any,
    access_token: str,
    account_id: str,
    *,
    org: str,
    page_size: int = MAX_PAGE,
    backoff: Backoff | None = None,
    cancel: threading.Event | None = None,
    stats: CallStats | None = None,
) -> list[str]:
    """The names of the user's roles in one account."""
    return [
        str(item.get("roleName", ""))
        for item in _pages(
            portal.list_account_roles,
            {"accessToken": access_token, "accountId": account_id},
            "roleList",
            page_size=page_size,
            org=org,
            doing=f"list the roles of account {account_id}",
            backoff=backoff or Backoff(),
            cancel=cancel,
            stats=stats,
        )
        if item.get("roleName")
    ]


def discover_roles(
    portal: Any,
    access_token: str,
    *,
    org: str,
    workers: int = 4,
    page_size: int = MAX_PAGE,
    backoff: Backoff | None = None,
    cancel: threading.Event | None = None,
    progress: ProgressCallback | None = None,
    stats: CallStats | None = None,
) -> list[DiscoveredRole]:
    """Every (account, role) pair, sorted by account name then role name (blocking)."""
    backoff = backoff or Backoff()
    stats = stats if stats is not None else CallStats()
    # The workers watch their own event, so a failure stops them without setting the
    # caller's; the caller's cancel is passed on to it by the loop below.
    stop = threading.Event()
    common: dict[str, Any] = {
        "org": org,
        "page_size": page_size,
        "backoff": backoff,
        "cancel": stop,
        "stats": stats,
    }
    if cancel is not None and cancel.is_set():
        raise cancelled()
    accounts = list_accounts(portal, access_token, **{**common, "cancel": cancel})
    found: list[DiscoveredRole] = []

    def report(done: int) -> None:
        if progress is not None:
            progress(Progress(done, len(accounts), len(found), stats.calls))

    report(0)

    def roles_of(account: Account) -> list[DiscoveredRole]:
        names = list_account_roles(portal, access_token, account.account_id, **common)
        return [DiscoveredRole(account.account_id, account.name, account.email, n) for n in names]

    # Daemon threads, not a ThreadPoolExecutor: the executor's threads are joined when
    # the interpreter exits, so one call hanging on the network kept the app alive
    # after its window closed. On a failure or cancel the loop returns at once; the
    # threads stop at their next call or sleep and end on their own.
    todo: queue.SimpleQueue[Account] = queue.SimpleQueue()
    for account in accounts:
        todo.put(account)
    answers: queue.SimpleQueue[list[DiscoveredRole] | BaseException] = queue.SimpleQueue()

    def work() -> None:
        while not stop.is_set():
            try:
                account = todo.get_nowait()
            except queue.Empty:
                return
            try:
                answers.put(roles_of(account))
            except BaseException as exc:  # handed to the loop, which raises it
                answers.put(exc)
                return

    for index in range(min(max(1, workers), len(accounts))):
        threading.Thread(target=work, name=f"sso-discovery-{index}", daemon=True).start()
    done = 0
    try:
        while done < len(accounts):
            if cancel is not None and cancel.is_set():
                raise cancelled()
            try:
                answer = answers.get(timeout=0.2)
            except queue.Empty:
                continue
            if isinstance(answer, BaseException):
                raise answer
            found.extend(answer)
            done += 1
            report(done)
    finally:
        stop.set()  # the other workers stop at their next call or sleep
    if cancel is not None and cancel.is_set():  # cancelled as the last answers came in
        raise cancelled()
    log.info("discovered %d roles in %d accounts with %d calls", len(found), done, stats.calls)
    return sorted(found, key=lambda r: (r.account_name.casefold(), r.account_id, r.role_name))


def get_role_credentials(
    portal: Any,
    access_token: str,
    account_id: str,
    role_name: str,
    *,
    org: str,
    backoff: Backoff | None = None,
    cancel: threading.Event | None = None,
) -> RoleCredentials:
    """Temporary credentials of one role (``expiration`` arrives in epoch milliseconds)."""
    response = call_with_backoff(
        lambda: portal.get_role_credentials(
            accessToken=access_token, accountId=account_id, roleName=role_name
        ),
        org=org,
        doing=f"get credentials for {role_name} in account {account_id}",
        backoff=backoff or Backoff(),
        cancel=cancel,
    )
    creds = response.get("roleCredentials", {})
    return RoleCredentials(
        access_key_id=str(creds.get("accessKeyId", "")),
        secret_access_key=str(creds.get("secretAccessKey", "")),
        session_token=str(creds.get("sessionToken", "")),
        expiration=datetime.fromtimestamp(int(creds.get("expiration", 0)) / 1000, timezone.utc),
    )


def logout(portal: Any, access_token: str, *, org: str) -> None:
    """End the portal session server-side (invalidates the access and refresh tokens)."""
    call_with_backoff(
        lambda: portal.logout(accessToken=access_token),
        org=org,
        doing=f"sign out of {org}",
        backoff=Backoff(attempts=3),
    )
