"""Discovering an organisation's accounts against the moto server's Organizations.

The session's demo emulator gets an organisation for this module: a
management account (888888888888) with a role that may list accounts, member
accounts created through Organizations (moto gives them random IDs and an
OrganizationAccountAccessRole, as AWS does), and one closed account. Seeding
happens with IAM enforcement briefly off, the same way the demo seeds itself;
the demo's own profiles and buckets are left as they were.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import botocore.session
import pytest

from xacct_gui.core.aws import AwsService
from xacct_gui.core.discovery import (
    DEFAULT_ROLE_NAME,
    DEFAULT_RULES,
    FALLBACK_COLOR,
    Account,
    ColorRule,
    Source,
    build_candidates,
    color_for,
    discover_accounts,
    rules_from_data,
    rules_to_data,
)
from xacct_gui.core.errors import AwsError
from xacct_gui.core.profiles import RoleProfile, resolve_chain
from xacct_gui.demo import DEMO_USER, SOURCE_ACCOUNT, DemoEnvironment

MANAGEMENT = "888888888888"
READER_ROLE = "OrgReader"
MEMBER_NAMES = (
    "Payments Prod",
    "Payments Staging",
    "Data Test",
    "Sandbox dev",
    "Shared Services",
    "Payments Prod",  # AWS allows two accounts with one name
)
CLOSED_NAME = "Old Prod"
LEDGER_BUCKET = "payments-prod-ledger"


@dataclass(frozen=True)
class Organisation:
    reader: RoleProfile
    members: dict[str, list[str]]  # account name -> ids (names may repeat)
    closed_id: str
    bucket_account: str  # the member whose OrganizationAccountAccessRole may list buckets


def _enforce(endpoint_url: str, on: bool) -> None:
    # moto's control API: how many requests pass before IAM is checked.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(
        endpoint_url + "/moto-api/reset-auth",
        data=b"0" if on else b"inf",
        method="POST",
        headers={"Content-Type": "text/plain"},
    )
    with opener.open(request, timeout=5) as response:
        response.read()


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class _Seed:
    """Clients for any account: before enforcement, any key may assume any ARN."""

    def __init__(self, endpoint_url: str, config_file: str) -> None:
        self._endpoint_url = endpoint_url
        self._session = botocore.session.Session()
        self._session.set_config_variable("config_file", config_file)

    def client(self, service: str, account: str | None = None) -> Any:
        keys: dict[str, Any] = {"aws_access_key_id": "seed", "aws_secret_access_key": "seed"}
        if account is not None:
            creds = self.client("sts").assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/seed", RoleSessionName="seed"
            )["Credentials"]
            keys = {
                "aws_access_key_id": creds["AccessKeyId"],
                "aws_secret_access_key": creds["SecretAccessKey"],
                "aws_session_token": creds["SessionToken"],
            }
        return self._session.create_client(
            service, region_name="us-east-1", endpoint_url=self._endpoint_url, **keys
        )


def _seed(demo_env: DemoEnvironment) -> Organisation:
    seed = _Seed(demo_env.endpoint_url, demo_env.config_file)
    org = seed.client("organizations", MANAGEMENT)
    org.create_organization(FeatureSet="ALL")
    members: dict[str, list[str]] = {}
    for index, name in enumerate((*MEMBER_NAMES, CLOSED_NAME)):
        status = org.create_account(AccountName=name, Email=f"member{index}@example.com")
        request_id = status["CreateAccountStatus"]["Id"]
        account_id = org.describe_create_account_status(CreateAccountRequestId=request_id)[
            "CreateAccountStatus"
        ]["AccountId"]
        members.setdefault(name, []).append(account_id)
    closed_id = members.pop(CLOSED_NAME)[0]
    org.close_account(AccountId=closed_id)

    # The management account's reader: may list accounts and step into members.
    iam = seed.client("iam", MANAGEMENT)
    iam.create_role(
        RoleName=READER_ROLE,
        AssumeRolePolicyDocument=_policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{SOURCE_ACCOUNT}:root"},
                "Action": "sts:AssumeRole",
            }
        ),
    )
    iam.put_role_policy(
        RoleName=READER_ROLE,
        PolicyName="discover",
        PolicyDocument=_policy(
            {"Effect": "Allow", "Action": "organizations:ListAccounts", "Resource": "*"},
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": f"arn:aws:iam::*:role/{DEFAULT_ROLE_NAME}",
            },
        ),
    )
    # The demo user may assume the reader (an extra policy; its own stays as it was).
    seed.client("iam").put_user_policy(
        UserName=DEMO_USER,
        PolicyName="xacct-test-discovery",
        PolicyDocument=_policy(
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": f"arn:aws:iam::{MANAGEMENT}:role/{READER_ROLE}",
            }
        ),
    )
    # One member's OrganizationAccountAccessRole may list buckets, and has one.
    bucket_account = members["Payments Prod"][0]
    seed.client("iam", bucket_account).put_role_policy(
        RoleName=DEFAULT_ROLE_NAME,
        PolicyName="list",
        PolicyDocument=_policy(
            {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}
        ),
    )
    seed.client("s3", bucket_account).create_bucket(Bucket=LEDGER_BUCKET)

    reader = RoleProfile(
        name="Org reader",
        account_id=MANAGEMENT,
        role_name=READER_ROLE,
        source_profile=demo_env.source_profile,
        color="orange",
        region="eu-west-1",
    )
    return Organisation(reader, members, closed_id, bucket_account)


def seed_organisation(demo_env: DemoEnvironment) -> Iterator[Organisation]:
    """Body of the session fixture ``organisation`` (tests/conftest.py): an organisation
    can be created only once per emulator, so every module shares one."""
    _enforce(demo_env.endpoint_url, on=False)
    try:
        seeded = _seed(demo_env)
    finally:
        # Whatever happened, the rest of the suite runs with IAM enforced again.
        _enforce(demo_env.endpoint_url, on=True)
    yield seeded


@pytest.fixture
def service(demo_env: DemoEnvironment) -> AwsService:
    return demo_env.make_service()


def test_every_active_account_across_pages(organisation: Organisation, service: AwsService) -> None:
    # Pages of 2 make the paginator follow several real NextTokens from moto.
    accounts = discover_accounts(service, organisation.reader, page_size=2)
    expected = {
        (account_id, name) for name, ids in organisation.members.items() for account_id in ids
    }
    expected.add((MANAGEMENT, "master"))  # moto's name for the management account
    assert {(a.id, a.name) for a in accounts} == expected
    assert len(accounts) == len(expected)  # no page read twice
    assert organisation.closed_id not in {a.id for a in accounts}
    # Sorted by name for the preview.
    assert [a.name.casefold() for a in accounts] == sorted(a.name.casefold() for a in accounts)


def test_the_default_page_size_gives_the_same_accounts(
    organisation: Organisation, service: AwsService
) -> None:
    assert discover_accounts(service, organisation.reader) == discover_accounts(
        service, organisation.reader, page_size=1
    )


def test_a_role_without_list_accounts_is_told_what_it_lacks(
    organisation: Organisation, service: AwsService, demo_env: DemoEnvironment
) -> None:
    dev = next(p for p in demo_env.profiles if p.name == "Dev")
    with pytest.raises(AwsError) as info:
        discover_accounts(service, dev)
    assert info.value.code == "AccessDenied"
    assert "organizations:ListAccounts" in str(info.value)
    assert "Dev" in str(info.value)


def test_discovered_profiles_switch_and_list_buckets(
    organisation: Organisation, service: AwsService
) -> None:
    """End to end: discover, build candidates chained through the reader, switch to one."""
    accounts = discover_accounts(service, organisation.reader)
    candidates = build_candidates(
        accounts,
        role_name=DEFAULT_ROLE_NAME,
        rules=DEFAULT_RULES,
        existing=[organisation.reader],
        source=Source.through(organisation.reader),
    )
    by_account = {c.account.id: c for c in candidates}
    ledger = by_account[organisation.bucket_account].profile
    assert ledger.color == "red"
    assert ledger.source_role == organisation.reader.name
    assert ledger.role_arn == f"arn:aws:iam::{organisation.bucket_account}:role/{DEFAULT_ROLE_NAME}"
    # Two accounts share a name: the first (sorted by ID) keeps it, the other gets its ID.
    first, second = sorted(organisation.members["Payments Prod"])
    assert by_account[first].profile.name == "Payments Prod"
    assert by_account[second].profile.name == f"Payments Prod ({second})"

    saved = [organisation.reader, *(c.profile for c in candidates)]
    result = service.switch(ledger, chain=resolve_chain(ledger, saved))
    assert [b.name for b in result.buckets] == [LEDGER_BUCKET]
    assert organisation.bucket_account in result.identity_arn


def test_rediscovery_marks_what_is_already_saved(
    organisation: Organisation, service: AwsService
) -> None:
    accounts = discover_accounts(service, organisation.reader)
    first = build_candidates(
        accounts,
        role_name=DEFAULT_ROLE_NAME,
        rules=DEFAULT_RULES,
        existing=[organisation.reader],
        source=Source.same_as(organisation.reader),
    )
    kept = [c.profile.replace(name=f"My {c.profile.name}") for c in first[:2]]
    again = build_candidates(
        accounts,
        role_name=DEFAULT_ROLE_NAME,
        rules=DEFAULT_RULES,
        existing=[organisation.reader, *kept],
        source=Source.same_as(organisation.reader),
    )
    assert [c.existing for c in again[:2]] == [p.name for p in kept]
    assert all(c.is_new for c in again[2:])
    assert isinstance(again[0].account, Account)


# --- what moto does not model: answers from a botocore Stubber ---


class _StubbedService:
    """Stands in for AwsService.role_client: hands out one stubbed client."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.calls: list[tuple[str, str, str | None]] = []

    def role_client(self, profile: RoleProfile, service_name: str, **kwargs: Any) -> Any:
        self.calls.append((profile.name, service_name, kwargs.get("region")))
        return self.client


def _stubbed(error_code: str | None = None, pages: list[dict[str, Any]] | None = None) -> Any:
    from botocore.stub import Stubber

    client = botocore.session.Session().create_client(
        "organizations",
        region_name="us-east-1",
        aws_access_key_id="stub",
        aws_secret_access_key="stub",
    )
    stubber = Stubber(client)
    if error_code is not None:
        stubber.add_client_error(
            "list_accounts", service_error_code=error_code, http_status_code=400
        )
    for page in pages or []:
        stubber.add_response("list_accounts", page)
    stubber.activate()
    return client


READER = RoleProfile(
    name="Reader", account_id="123456789012", role_name="Reader", region="cn-north-1"
)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("AWSOrganizationsNotInUseException", "not part of an organisation"),
        ("AccessDeniedException", "organizations:ListAccounts"),
        ("TooManyRequestsException", "throttling"),
        ("ServiceException", "AWS refused to list the organisation's accounts (ServiceException)"),
    ],
)
def test_organizations_errors_read_well(code: str, words: str) -> None:
    service = _StubbedService(_stubbed(code))
    with pytest.raises(AwsError) as info:
        discover_accounts(service, READER)  # type: ignore[arg-type]
    assert info.value.code == code
    assert words in str(info.value)


def test_suspended_pending_and_closed_accounts_are_left_out() -> None:
    def account(account_id: str, name: str, **state: str) -> dict[str, Any]:
        return {"Id": account_id, "Name": name, **state}

    pages: list[dict[str, Any]] = [
        {
            "Accounts": [
                account("111111111111", "Live", Status="ACTIVE", State="ACTIVE"),
                account(
                    "222222222222", "Closing", Status="PENDING_CLOSURE", State="PENDING_CLOSURE"
                ),
                account("333333333333", "Old", Status="SUSPENDED"),
            ],
            "NextToken": "page-2",
        },
        {
            "Accounts": [
                account("444444444444", "New", State="PENDING_ACTIVATION", Status="ACTIVE"),
                account("555555555555", "Legacy", Status="ACTIVE"),
                account("666666666666", "Gone", State="CLOSED", Status="SUSPENDED"),
            ]
        },
    ]
    service = _StubbedService(_stubbed(pages=pages))
    accounts = discover_accounts(service, READER)  # type: ignore[arg-type]
    assert accounts == [Account("555555555555", "Legacy"), Account("111111111111", "Live")]
    # Organizations is global: the China partition's client goes to its one region.
    assert service.calls == [("Reader", "organizations", "cn-northwest-1")]


# --- the pure part: names, colours, duplicates ---


def test_colour_rules_first_match_wins_case_insensitively() -> None:
    rules = [ColorRule("prod", "red"), ColorRule("DEV", "green"), ColorRule("", "orange")]
    assert color_for("payments-PROD-devtools", rules) == "red"
    assert color_for("Sandbox Dev", rules) == "green"
    assert color_for("Shared", rules) == FALLBACK_COLOR
    assert color_for("Shared", rules, fallback="#123456") == "#123456"
    # Broken rules are skipped, never applied.
    assert color_for("x prod", [ColorRule("prod", "purple"), ColorRule("x", "blue")]) == "blue"


@pytest.mark.parametrize(
    ("name", "color"),
    [
        ("Payments Prod", "red"),
        ("qa-test", "yellow"),
        ("Stage 2", "yellow"),
        ("web-staging", "yellow"),
        ("Sandbox dev", "green"),
        ("Shared Services", "blue"),
    ],
)
def test_default_rules(name: str, color: str) -> None:
    assert color_for(name, DEFAULT_RULES) == color


def test_names_are_valid_unique_display_names() -> None:
    accounts = [
        Account("111111111111", "  Payments\tProd  "),
        Account("222222222222", "payments prod"),
        Account("333333333333", "\x07\x08"),
        Account("444444444444", "A" * 80),
        Account("555555555555", "Taken"),
    ]
    existing = [RoleProfile(name="taken", account_id="999999999999", role_name="Other")]
    candidates = build_candidates(
        accounts,
        role_name="team/Admin",
        rules=DEFAULT_RULES,
        existing=existing,
        source=Source(),
    )
    names = [c.profile.name for c in candidates]
    assert names == [
        "Payments Prod",
        "payments prod (222222222222)",
        "333333333333",
        "A" * 64,
        "Taken (555555555555)",
    ]
    taken = [p.name for p in existing]
    for candidate in candidates:
        data = candidate.profile.to_dict()
        RoleProfile.from_dict(data, taken)  # every one passes the app's own validation
        taken.append(candidate.profile.name)


def test_same_account_and_role_is_already_there_whatever_the_path_or_case() -> None:
    saved = RoleProfile(name="Mine", account_id="111111111111", role_name="/ops/admin")
    candidates = build_candidates(
        [Account("111111111111", "Prod"), Account("222222222222", "Prod")],
        role_name="Admin",
        rules=DEFAULT_RULES,
        existing=[saved],
        source=Source(),
    )
    assert [(c.existing, c.profile.name) for c in candidates] == [
        ("Mine", "Mine"),
        (None, "Prod"),
    ]


def test_sources() -> None:
    discovering = RoleProfile(
        name="Org",
        account_id="111111111111",
        role_name="Reader",
        source_key="alice",
        mfa_serial="arn:aws:iam::111111111111:mfa/alice",
        region="eu-west-1",
    )
    [same] = build_candidates(
        [Account("222222222222", "Dev")],
        role_name=DEFAULT_ROLE_NAME,
        rules=DEFAULT_RULES,
        existing=[],
        source=Source.same_as(discovering),
    )
    assert (same.profile.source_key, same.profile.mfa_serial, same.profile.region) == (
        "alice",
        discovering.mfa_serial,
        "eu-west-1",
    )
    [chained] = build_candidates(
        [Account("222222222222", "Dev")],
        role_name=DEFAULT_ROLE_NAME,
        rules=DEFAULT_RULES,
        existing=[],
        source=Source.through(discovering),
    )
    assert chained.profile.source_role == "Org"
    assert chained.profile.source_key is None and chained.profile.mfa_serial is None


def test_a_bad_role_name_is_refused() -> None:
    with pytest.raises(ValueError, match="role name"):
        build_candidates(
            [Account("222222222222", "Dev")],
            role_name="bad role!",
            rules=DEFAULT_RULES,
            existing=[],
            source=Source(),
        )


def test_rules_round_trip_and_bad_data_falls_back() -> None:
    rules = (ColorRule("prod", "red"), ColorRule("lab", "#123abc"))
    assert rules_from_data(rules_to_data(rules)) == rules
    assert rules_from_data("nonsense") == DEFAULT_RULES
    assert rules_from_data(
        [{"text": "x", "color": "purple"}, 5, {"text": "y", "color": "blue"}]
    ) == (ColorRule("y", "blue"),)
