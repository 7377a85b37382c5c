"""Seeding the emulator: users, roles and buckets through its API, and the demo's AWS files.

Without IAM enforcement moto accepts any key and files unknown ones under its
default account, which is the demo's source account; the seeder signs with
such a key, then assumes a role in each target account to seed it.
"""

from __future__ import annotations

import logging
import os
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import botocore.session
from botocore.config import Config

from ..core.profiles import RoleProfile
from .plan import (
    DEMO_REGION,
    DEMO_USER,
    ORGANISATION_ROLE,
    SOURCE_PROFILE,
    BucketSpec,
    MemberPlan,
    member_role_policy,
    role_policy,
    source_user_policy,
    trust_policy,
)

log = logging.getLogger(__name__)
# Seeding keys: without enforcement moto accepts any key and files unknown
# ones under its default account, which is the demo's source account.
_SEED_KEY = "xacct-demo-seeder"
_SEED_SESSION = "xacct-demo-seed"
_HTTP_TIMEOUT = 5.0
_SEED_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 1},
    s3={"addressing_style": "path"},  # loopback IPs cannot carry virtual-host buckets
)


# --- talking to the emulator ---


def post(endpoint_url: str, path: str, body: str) -> None:
    """POST to moto's control API, bypassing any proxy (it is on loopback)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    # Without the text/plain header Flask consumes the body as a form and moto fails.
    request = urllib.request.Request(
        endpoint_url + path,
        data=body.encode(),
        method="POST",
        headers={"Content-Type": "text/plain"},
    )
    with opener.open(request, timeout=_HTTP_TIMEOUT) as response:
        response.read()


def set_enforcement(endpoint_url: str, on: bool) -> None:
    # The body is how many requests moto lets through before it checks IAM.
    post(endpoint_url, "/moto-api/reset-auth", "0" if on else "inf")


@dataclass(frozen=True)
class _Keys:
    """Credentials the seeder signs with (emulator-only)."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)


class Seeder:
    """Creates the demo's users, roles and buckets through the emulator's API.

    One botocore session is shared by all clients (loading service models is
    the costly part), and each account gets one client per service and region.
    """

    def __init__(self, endpoint_url: str, config_file: str) -> None:
        self._endpoint_url = endpoint_url
        self._session = botocore.session.Session()
        # Read the demo's own config, never the user's ~/.aws settings.
        self._session.set_config_variable("config_file", config_file)
        self._session.set_config_variable("credentials_file", os.devnull)
        self._source_sts: Any = None

    def client(self, service: str, keys: _Keys, region: str = DEMO_REGION) -> Any:
        return self._session.create_client(
            service,
            region_name=region,
            endpoint_url=self._endpoint_url,
            config=_SEED_CONFIG,
            aws_access_key_id=keys.access_key_id,
            aws_secret_access_key=keys.secret_access_key,
            aws_session_token=keys.session_token,
        )

    def source_credentials(self) -> _Keys:
        return _Keys(_SEED_KEY, _SEED_KEY)

    def account_credentials(self, account_id: str) -> _Keys:
        # Before enforcement moto lets anyone assume any ARN, and the returned
        # keys belong to the ARN's account: the way in to seed that account.
        if self._source_sts is None:
            self._source_sts = self.client("sts", self.source_credentials())
        creds = self._source_sts.assume_role(
            RoleArn=f"arn:aws:iam::{account_id}:role/xacct-demo-seeder",
            RoleSessionName=_SEED_SESSION,
        )["Credentials"]
        return _Keys(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])

    def create_source_user(self, role_arns: Iterable[str]) -> tuple[str, str]:
        """The demo user and its access key (id, secret)."""
        iam = self.client("iam", self.source_credentials())
        iam.create_user(UserName=DEMO_USER)
        iam.put_user_policy(
            UserName=DEMO_USER,
            PolicyName="xacct-demo-assume-roles",
            PolicyDocument=source_user_policy(role_arns),
        )
        key = iam.create_access_key(UserName=DEMO_USER)["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]

    def create_organisation(self, account_id: str, members: Iterable[MemberPlan]) -> dict[str, str]:
        """An organisation managed from ``account_id``, its members created through it
        (each with the OrganizationAccountAccessRole, may list its buckets) and their
        buckets; returns member name -> account id."""
        org = self.client("organizations", self.account_credentials(account_id))
        org.create_organization(FeatureSet="ALL")
        made: dict[str, str] = {}
        for member in members:
            request = org.create_account(AccountName=member.name, Email=member.email)
            status = org.describe_create_account_status(
                CreateAccountRequestId=request["CreateAccountStatus"]["Id"]
            )["CreateAccountStatus"]
            keys = self.account_credentials(status["AccountId"])
            self.client("iam", keys).put_role_policy(
                RoleName=ORGANISATION_ROLE,
                PolicyName="xacct-demo-access",
                PolicyDocument=member_role_policy(),
            )
            self.create_buckets(keys, member.buckets)
            made[member.name] = status["AccountId"]
        return made

    def create_role(
        self,
        keys: _Keys,
        profile: RoleProfile,
        can_list_buckets: bool,
        lists_organisation: bool = False,
    ) -> None:
        iam = self.client("iam", keys)
        iam.create_role(
            RoleName=profile.role_name,
            AssumeRolePolicyDocument=trust_policy(profile.external_id),
            Description=f"xacct demo: {profile.name}",
        )
        iam.put_role_policy(
            RoleName=profile.role_name,
            PolicyName="xacct-demo-access",
            PolicyDocument=role_policy(can_list_buckets, lists_organisation),
        )

    def create_buckets(self, keys: _Keys, buckets: Iterable[BucketSpec]) -> None:
        clients: dict[str, Any] = {}
        for bucket in buckets:
            client = clients.get(bucket.region)
            if client is None:
                # moto insists that LocationConstraint equals the request's region.
                client = clients[bucket.region] = self.client("s3", keys, bucket.region)
            params: dict[str, Any] = {"Bucket": bucket.name}
            if bucket.region != "us-east-1":  # us-east-1 takes no LocationConstraint
                params["CreateBucketConfiguration"] = {"LocationConstraint": bucket.region}
            client.create_bucket(**params)


def backdate_buckets(account_id: str, buckets: Iterable[BucketSpec], now: datetime) -> int:
    """Give seeded buckets creation dates spread over past years.

    S3 has no API to set a bucket's creation date and moto stamps every bucket
    with the moment it was created, so a freshly seeded demo would show one
    date everywhere and sorting by date would show nothing. moto's in-process
    backend is the only place to change it; if a moto version lays it out
    differently we keep moto's dates rather than fail the demo.
    """
    try:
        from moto.s3.models import s3_backends

        stored = s3_backends[account_id]["aws"].buckets
    except (ImportError, KeyError, AttributeError):
        log.info("cannot reach moto's S3 backend; bucket dates stay as moto set them")
        return 0
    changed = 0
    for bucket in buckets:
        fake = stored.get(bucket.name)
        if fake is not None and hasattr(fake, "creation_date"):
            fake.creation_date = (now - bucket.age).replace(microsecond=0)
            changed += 1
    return changed


def name_management_account(account_id: str, name: str) -> bool:
    """Give the organisation's management account a name: moto calls it "master", which
    the demo's discovery preview would show. Organizations has no API to rename an
    account, so, as with bucket dates, moto's in-process backend is the one place;
    a moto laid out differently keeps its name rather than fail the demo."""
    try:
        from moto.organizations.models import organizations_backends

        accounts = organizations_backends[account_id]["aws"].accounts
    except (ImportError, KeyError, AttributeError):
        log.info("cannot reach moto's Organizations backend; the management account keeps its name")
        return False
    for account in accounts:
        if getattr(account, "id", None) == account_id:
            account.name = name
            return True
    return False


# --- files ---


def _write_private(path: str, text: str) -> None:
    # The keys only work against the emulator, but keep the habit: owner-only.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


# A role profile as the AWS CLI would have it, so *Import from AWS config* in the demo
# finds something to import, and what it imports works (Dev's role, through the
# demo's source profile).
CLI_ROLE = (
    "\n[profile dev-from-the-cli]\n"
    "role_arn = arn:aws:iam::222222222222:role/DeveloperAccess\n"
    f"source_profile = {SOURCE_PROFILE}\n"
    "region = eu-west-1\n"
)


def write_aws_files(directory: str) -> tuple[str, str]:
    config_file = os.path.join(directory, "config")
    credentials_file = os.path.join(directory, "credentials")
    _write_private(config_file, f"[profile {SOURCE_PROFILE}]\nregion = {DEMO_REGION}\n{CLI_ROLE}")
    _write_private(credentials_file, "")
    return config_file, credentials_file


def write_credentials(path: str, key_id: str, secret: str) -> None:
    _write_private(
        path,
        f"[{SOURCE_PROFILE}]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n",
    )
