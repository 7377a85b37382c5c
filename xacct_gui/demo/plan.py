"""What the demo seeds: its accounts, roles, buckets and IAM policies (pure, deterministic).

A source account with a user that may assume four roles, and four target
accounts that mirror a real setup: Dev, Test with an ExternalId, Prod, and an
Audit role that may not list buckets. Audit's account is also the management
account of an AWS Organization with a few member accounts, and the Audit role
may list them, so *Discover accounts in the organisation* has something to find.
Bucket names, regions and ages come from a fixed seed, so every demo run (and
every test) sees the same ones; the members' account ids are Organizations' own
(random, as AWS gives them).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ..core.profiles import RoleProfile

SOURCE_ACCOUNT = "123456789012"  # moto's default account: unknown keys land here
SOURCE_PROFILE = "xacct-demo"
DEMO_USER = "xacct-demo-user"
DEMO_REGION = "us-east-1"
TEST_EXTERNAL_ID = "xacct-demo-external-id"
FORBIDDEN_ACCOUNT = "666666666666"
FORBIDDEN_ROLE = "NotAllowed"
DEV_BUCKET_COUNT = 12
TEST_BUCKET_COUNT = 25
AUDIT_BUCKET_COUNT = 4
ORGANISATION_ACCOUNT = "555555555555"  # Audit's: the management account
MANAGEMENT_ACCOUNT_NAME = "Management"
# The role Organizations creates in every account it creates; discovery's default.
ORGANISATION_ROLE = "OrganizationAccountAccessRole"
# Member accounts and how many buckets each holds: names that the discovery colour
# rules (prod, staging, dev) colour, and one they leave at the fallback.
ORGANISATION_MEMBERS: tuple[tuple[str, int], ...] = (
    ("Payments Prod", 3),
    ("Payments Staging", 2),
    ("Data Dev", 2),
    ("Shared Services", 1),
)
# Fixed so every demo run (and every test) sees the same bucket names.
BUCKET_SEED = 20240917
# Region weights: most buckets in the home region, the rest spread like a real estate.
BUCKET_REGIONS: tuple[tuple[str, int], ...] = (
    ("us-east-1", 50),
    ("eu-west-1", 25),
    ("eu-central-1", 15),
    ("ap-southeast-2", 10),
)
MAX_BUCKET_AGE = timedelta(days=6 * 365)
BUCKET_PURPOSES = (
    "app-logs",
    "access-logs",
    "billing-exports",
    "cloudtrail-archive",
    "terraform-state",
    "static-assets",
    "web-uploads",
    "data-lake-raw",
    "data-lake-curated",
    "ml-artifacts",
    "backups",
    "db-snapshots",
    "athena-results",
    "glue-scripts",
    "lambda-packages",
    "config-history",
    "cdn-origin",
    "reports",
    "media-transcode",
    "partner-dropbox",
    "metrics-export",
    "build-cache",
    "container-images",
    "audit-evidence",
    "email-archive",
)


# --- the accounts ---


@dataclass(frozen=True)
class BucketSpec:
    name: str
    region: str
    age: timedelta


@dataclass(frozen=True)
class AccountPlan:
    profile: RoleProfile
    can_list_buckets: bool
    buckets: tuple[BucketSpec, ...]


def _profile(name: str, account_id: str, role_name: str, color: str, **extra: Any) -> RoleProfile:
    return RoleProfile(
        name=name,
        account_id=account_id,
        role_name=role_name,
        source_profile=SOURCE_PROFILE,
        color=color,
        **extra,
    )


def _bucket_name(prefix: str, rng: random.Random, taken: set[str]) -> str:
    """``prod-billing-exports`` the first time, ``prod-billing-exports-3f2a`` after."""
    name = f"{prefix}-{rng.choice(BUCKET_PURPOSES)}"
    while name in taken:
        name = f"{prefix}-{rng.choice(BUCKET_PURPOSES)}-{rng.getrandbits(16):04x}"
    taken.add(name)
    return name


def _bucket_specs(
    prefix: str, count: int, rng: random.Random, taken: set[str]
) -> tuple[BucketSpec, ...]:
    regions = [region for region, _ in BUCKET_REGIONS]
    weights = [weight for _, weight in BUCKET_REGIONS]
    return tuple(
        BucketSpec(
            name=_bucket_name(prefix, rng, taken),
            region=rng.choices(regions, weights)[0],
            age=timedelta(seconds=rng.uniform(3600, MAX_BUCKET_AGE.total_seconds())),
        )
        for _ in range(count)
    )


def plan_accounts(prod_bucket_count: int) -> tuple[AccountPlan, ...]:
    rng = random.Random(BUCKET_SEED)
    taken: set[str] = set()
    return (
        AccountPlan(
            _profile("Dev", "222222222222", "DeveloperAccess", "green"),
            True,
            _bucket_specs("dev", DEV_BUCKET_COUNT, rng, taken),
        ),
        AccountPlan(
            _profile(
                "Test", "333333333333", "TesterAccess", "yellow", external_id=TEST_EXTERNAL_ID
            ),
            True,
            _bucket_specs("test", TEST_BUCKET_COUNT, rng, taken),
        ),
        AccountPlan(
            _profile("Prod", "444444444444", "ReadOnly", "red"),
            True,
            _bucket_specs("prod", prod_bucket_count, rng, taken),
        ),
        AccountPlan(
            _profile("Audit", ORGANISATION_ACCOUNT, "AuditNoS3", "blue"),
            False,
            _bucket_specs("audit", AUDIT_BUCKET_COUNT, rng, taken),
        ),
    )


@dataclass(frozen=True)
class MemberPlan:
    """A member account of the demo's organisation (its id is made by Organizations)."""

    name: str
    email: str
    buckets: tuple[BucketSpec, ...]


def plan_organisation() -> tuple[MemberPlan, ...]:
    rng = random.Random(BUCKET_SEED + 1)  # its own stream: the accounts' buckets stay
    taken: set[str] = set()  # prefixes unlike the accounts' ("payments-prod-…")
    members = []
    for index, (name, count) in enumerate(ORGANISATION_MEMBERS):
        prefix = name.lower().replace(" ", "-")
        email = f"member{index}@example.com"
        members.append(MemberPlan(name, email, _bucket_specs(prefix, count, rng, taken)))
    return tuple(members)


def forbidden_profile() -> RoleProfile:
    return _profile("Forbidden", FORBIDDEN_ACCOUNT, FORBIDDEN_ROLE, "orange")


# --- IAM documents ---


def _policy(statements: Iterable[Mapping[str, Any]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _organisation_roles() -> str:
    return f"arn:aws:iam::*:role/{ORGANISATION_ROLE}"


def source_user_policy(role_arns: Iterable[str]) -> str:
    return _policy(
        [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": list(role_arns)},
            # Discovered accounts work "with the same source as Audit" too.
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": _organisation_roles()},
            # Real AWS never needs a permission for GetSessionToken (the MFA session);
            # the emulator's enforcement does, so the demo user is given it.
            {"Effect": "Allow", "Action": "sts:GetSessionToken", "Resource": "*"},
        ]
    )


def trust_policy(external_id: str | None) -> str:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{SOURCE_ACCOUNT}:root"},
        "Action": "sts:AssumeRole",
    }
    if external_id:
        # Written as AWS would need it, but moto evaluates neither trust policies
        # nor ExternalId: a wrong ExternalId is only testable with a stub.
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return _policy([statement])


def role_policy(can_list_buckets: bool, lists_organisation: bool = False) -> str:
    if can_list_buckets:
        actions = ["s3:ListAllMyBuckets", "s3:GetBucketLocation"]
    else:
        # A plausible auditor role that simply has no S3 rights, so the demo
        # shows the "no s3:ListAllMyBuckets" message.
        actions = ["cloudtrail:LookupEvents", "iam:GetAccountSummary"]
    statements: list[dict[str, Any]] = [{"Effect": "Allow", "Action": actions, "Resource": "*"}]
    if lists_organisation:
        # What discovery needs, and the step into each account it finds (role chaining).
        statements.append(
            {"Effect": "Allow", "Action": "organizations:ListAccounts", "Resource": "*"}
        )
        statements.append(
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": _organisation_roles()}
        )
    return _policy(statements)


def member_role_policy() -> str:
    """The members' OrganizationAccountAccessRole: enough to list their buckets."""
    return role_policy(True)
