"""Discover an organisation's accounts and turn them into role profiles.

Two halves, so the dialog can recompute its preview on every keystroke:

* :func:`discover_accounts` makes the one slow call (``organizations:ListAccounts``,
  every page) with a profile's role session; run it on a worker thread;
* :func:`build_candidates` is pure: accounts + role name + colour rules + the
  profiles already saved -> one :class:`Candidate` per account, each new or
  marked as already there.

Colour rules work like the "AWS Extend Switch Roles" habit of naming accounts
by stage: the first rule whose text occurs in the account name (ignoring case)
gives the colour, else the fallback.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import AwsContext, AwsError, to_user_error
from .profiles import RoleProfile
from .validation import check_account_id, check_color, check_role_name, split_role_name

if TYPE_CHECKING:
    from .aws import AwsService

log = logging.getLogger(__name__)

# The role AWS Organizations creates in every account it creates.
DEFAULT_ROLE_NAME = "OrganizationAccountAccessRole"
FALLBACK_COLOR = "blue"
# Organizations is a global service served from one region per partition.
_ORGANIZATIONS_REGIONS = {
    "aws": "us-east-1",
    "aws-cn": "cn-northwest-1",
    "aws-us-gov": "us-gov-west-1",
}
_MAX_NAME = 64


@dataclass(frozen=True)
class ColorRule:
    """Account names containing ``text`` (any case) get ``color``."""

    text: str
    color: str

    def problem(self) -> str | None:
        if not self.text.strip():
            return "Enter the text an account name must contain."
        return check_color(self.color)

    def matches(self, account_name: str) -> bool:
        return bool(self.text.strip()) and self.text.strip().casefold() in account_name.casefold()


DEFAULT_RULES: tuple[ColorRule, ...] = (
    ColorRule("prod", "red"),
    ColorRule("test", "yellow"),
    ColorRule("stage", "yellow"),
    ColorRule("staging", "yellow"),
    ColorRule("dev", "green"),
)


def color_for(account_name: str, rules: Iterable[ColorRule], fallback: str = FALLBACK_COLOR) -> str:
    """The colour of the first valid rule matching ``account_name``, else ``fallback``."""
    for rule in rules:
        if rule.problem() is None and rule.matches(account_name):
            return rule.color
    return fallback


def rules_to_data(rules: Iterable[ColorRule]) -> list[dict[str, str]]:
    """JSON-ready form, so the window can remember a user's rules."""
    return [{"text": rule.text, "color": rule.color} for rule in rules]


def rules_from_data(data: object) -> tuple[ColorRule, ...]:
    """Rules saved by :func:`rules_to_data`; anything unreadable gives the defaults."""
    if not isinstance(data, list):
        return DEFAULT_RULES
    rules: list[ColorRule] = []
    for entry in data:
        if not isinstance(entry, Mapping):
            continue
        text, color = entry.get("text"), entry.get("color")
        if isinstance(text, str) and isinstance(color, str):
            rule = ColorRule(text, color)
            if rule.problem() is None:
                rules.append(rule)
    return tuple(rules)


@dataclass(frozen=True)
class Account:
    id: str
    name: str


@dataclass(frozen=True)
class Source:
    """Who assumes the discovered roles (copied into every new profile)."""

    source_profile: str = "default"
    source_key: str | None = None
    source_role: str | None = None
    mfa_serial: str | None = None
    region: str | None = None

    @classmethod
    def same_as(cls, profile: RoleProfile) -> Source:
        """The discovering profile's own source: right when that source is trusted by
        the member accounts' roles (e.g. an identity account's user)."""
        return cls(
            source_profile=profile.source_profile,
            source_key=profile.source_key,
            source_role=profile.source_role,
            mfa_serial=profile.mfa_serial,
            region=profile.region,
        )

    @classmethod
    def through(cls, profile: RoleProfile) -> Source:
        """Chain through the discovering profile: right for OrganizationAccountAccessRole,
        which trusts the management account, where the discovering role lives."""
        return cls(
            source_profile=profile.source_profile,
            source_role=profile.name,
            region=profile.region,
        )


@dataclass(frozen=True)
class Candidate:
    account: Account
    profile: RoleProfile
    # The saved profile for the same account and role, when there is one.
    existing: str | None = None

    @property
    def is_new(self) -> bool:
        return self.existing is None


def _role_key(account_id: str, role_name: str) -> tuple[str, str]:
    # IAM role names are unique per account regardless of path and of case.
    return account_id, split_role_name(role_name)[1].casefold()


def display_name_for(account: Account) -> str:
    """A valid display name from an account name (printable, trimmed, ≤ 64)."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in account.name)
    cleaned = re.sub(r"\s+", " ", cleaned).strip()[:_MAX_NAME].rstrip()
    return cleaned or account.id


def _unique(base: str, account_id: str, used: set[str]) -> str:
    """``base``, else ``base (account id)``, else numbered: never a taken name."""
    if base.casefold() not in used:
        return base
    suffix = f" ({account_id})"
    candidate = base[: _MAX_NAME - len(suffix)].rstrip() + suffix
    counter = 2
    while candidate.casefold() in used:
        suffix = f" ({account_id} {counter})"
        candidate = base[: _MAX_NAME - len(suffix)].rstrip() + suffix
        counter += 1
    return candidate


def build_candidates(
    accounts: Iterable[Account],
    *,
    role_name: str,
    rules: Sequence[ColorRule],
    existing: Sequence[RoleProfile],
    source: Source,
    fallback_color: str = FALLBACK_COLOR,
) -> list[Candidate]:
    """One candidate per account, in the order given (pure; raises ValueError on a bad
    role name, which the dialog checks first)."""
    problem = check_role_name(role_name)
    if problem:
        raise ValueError(problem)
    saved = {_role_key(p.account_id, p.role_name): p.name for p in existing}
    used = {p.name.casefold() for p in existing}
    candidates: list[Candidate] = []
    for account in accounts:
        already = saved.get(_role_key(account.id, role_name))
        name = already or _unique(display_name_for(account), account.id, used)
        used.add(name.casefold())
        profile = RoleProfile(
            name=name,
            account_id=account.id,
            role_name=role_name,
            source_profile=source.source_profile,
            color=color_for(account.name, rules, fallback_color),
            region=source.region,
            mfa_serial=source.mfa_serial,
            source_key=source.source_key,
            source_role=source.source_role,
        )
        candidates.append(Candidate(account, profile, already))
    return candidates


# --- the AWS call ---


def _is_active(entry: Mapping[str, Any]) -> bool:
    # Newer responses carry State (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED…);
    # Status is the older field AWS still sends.
    state = entry.get("State") or entry.get("Status")
    return state == "ACTIVE"


def list_active_accounts(client: Any, *, page_size: int | None = None) -> list[Account]:
    """Every ACTIVE account an Organizations client can list (all pages), sorted by name.

    ``page_size`` only changes how many requests that takes (AWS allows 1-20 a page).
    """
    accounts: list[Account] = []
    config = {"PageSize": page_size} if page_size else {}
    for page in client.get_paginator("list_accounts").paginate(PaginationConfig=config):
        for entry in page.get("Accounts", []):
            account_id = str(entry.get("Id", ""))
            if _is_active(entry) and check_account_id(account_id) is None:
                accounts.append(Account(account_id, str(entry.get("Name") or account_id)))
    return sorted(accounts, key=lambda a: (a.name.casefold(), a.id))


def _denied_message(profile: RoleProfile) -> str:
    return (
        f"The role of {profile.name!r} may not list the organisation's accounts: it needs "
        "organizations:ListAccounts, and must be in the organisation's management account "
        "or a delegated administrator account."
    )


def _discovery_error(exc: Exception, profile: RoleProfile) -> AwsError:
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "Unknown"))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        # A 403 whose body botocore could not parse (an XML answer to this JSON API,
        # as some proxies and emulators send) is still a denial.
        if code in ("AccessDenied", "AccessDeniedException") or status == 403:
            return AwsError(_denied_message(profile), "AccessDenied" if code.isdigit() else code)
        if code == "AWSOrganizationsNotInUseException":
            return AwsError(
                f"Account {profile.account_id} of {profile.name!r} is not part of an "
                "organisation, so there are no accounts to discover.",
                code,
            )
        if code in ("TooManyRequestsException", "ThrottlingException"):
            return AwsError(
                "AWS is throttling requests right now. Wait a moment and try again.", code
            )
        text = " ".join(str(error.get("Message", "")).split())[:300]
        return AwsError(
            f"AWS refused to list the organisation's accounts ({code})"
            + (f": {text}" if text else ""),
            code,
        )
    # Connection errors and the like read the same as for any other call.
    return to_user_error(exc, "list", AwsContext(role_arn=profile.role_arn))


def discover_accounts(
    service: AwsService,
    profile: RoleProfile,
    *,
    chain: tuple[RoleProfile, ...] = (),
    mfa_code: str | None = None,
    page_size: int | None = None,
) -> list[Account]:
    """List the organisation's ACTIVE accounts with ``profile``'s role (blocking).

    Assuming the role may raise the usual :class:`AwsError` (or ``MfaCodeRequired``);
    the listing's own failures become an :class:`AwsError` that names the permission.
    """
    region = _ORGANIZATIONS_REGIONS.get(profile.partition)
    client = service.role_client(
        profile, "organizations", chain=chain, mfa_code=mfa_code, region=region
    )
    try:
        accounts = list_active_accounts(client, page_size=page_size)
    except Exception as exc:
        error = _discovery_error(exc, profile)
        log.info("discovery with %r failed: %s", profile.name, error.code)
        raise error from None
    log.info("discovered %d active accounts with %r", len(accounts), profile.name)
    return accounts
