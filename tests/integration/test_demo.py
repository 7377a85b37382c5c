"""The demo seeds what it promises, enforces IAM, and cleans up after itself."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import textwrap
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError

from xacct_gui.core.aws import AwsService
from xacct_gui.core.validation import validate_fields
from xacct_gui.demo import DemoAws, DemoEnvironment

REPO_ROOT = Path(__file__).resolve().parents[2]
# S3's rules for a new bucket name (lower case, digits, hyphens; 3-63 long).
BUCKET_NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]")


def demo_user_client(env: DemoEnvironment, service_name: str) -> Any:
    """A client signed with the demo user's own keys, read from the demo's files."""
    session = botocore.session.Session(profile=env.source_profile)
    session.set_config_variable("config_file", env.config_file)
    session.set_config_variable("credentials_file", env.credentials_file)
    return session.create_client(service_name, endpoint_url=env.endpoint_url)


def role_s3_client(env: DemoEnvironment, service: AwsService, profile_name: str) -> Any:
    profile = next(p for p in env.profiles if p.name == profile_name)
    role, _ = service.session_for(profile)
    return botocore.session.Session().create_client(
        "s3",
        region_name="us-east-1",
        endpoint_url=env.endpoint_url,
        aws_access_key_id=role.access_key_id,
        aws_secret_access_key=role.secret_access_key,
        aws_session_token=role.session_token,
    )


def test_profiles_mirror_a_real_setup(demo_env: DemoEnvironment) -> None:
    summary = [
        (p.name, p.account_id, p.role_name, p.color, p.external_id) for p in demo_env.profiles
    ]

    assert summary == [
        ("Dev", "222222222222", "DeveloperAccess", "green", None),
        ("Test", "333333333333", "TesterAccess", "yellow", "xacct-demo-external-id"),
        ("Prod", "444444444444", "ReadOnly", "red", None),
        ("Audit", "555555555555", "AuditNoS3", "blue", None),
    ]
    forbidden = demo_env.forbidden_profile
    assert forbidden.account_id not in {p.account_id for p in demo_env.profiles}
    for profile in (*demo_env.profiles, forbidden):
        assert profile.source_profile == demo_env.source_profile == "xacct-demo"
        assert validate_fields(profile.to_dict()) == {}


def test_aws_files_name_the_source_profile(demo_env: DemoEnvironment) -> None:
    config = Path(demo_env.config_file).read_text(encoding="utf-8")
    credentials = Path(demo_env.credentials_file).read_text(encoding="utf-8")

    assert "[profile xacct-demo]" in config
    assert "region = us-east-1" in config
    assert credentials.startswith("[xacct-demo]\n")
    assert "aws_access_key_id = " in credentials
    assert "aws_secret_access_key = " in credentials
    assert Path(demo_env.credentials_file).stat().st_mode & 0o077 == 0


def test_buckets_are_seeded_per_account_with_unique_names(demo_env: DemoEnvironment) -> None:
    by_account = demo_env.buckets_by_account
    prefixes = {"222222222222": "dev-", "333333333333": "test-", "444444444444": "prod-"}
    every_name = [name for names in by_account.values() for name in names]

    assert {account: len(names) for account, names in by_account.items()} == {
        "222222222222": 12,
        "333333333333": 25,
        "444444444444": 300,
        "555555555555": 4,
    }
    assert len(every_name) == len(set(every_name))
    assert all(BUCKET_NAME_RE.fullmatch(name) for name in every_name)
    for account, prefix in prefixes.items():
        assert all(name.startswith(prefix) for name in by_account[account])


def test_listed_creation_dates_are_varied_and_in_the_past(
    service: AwsService, demo_env: DemoEnvironment
) -> None:
    prod = next(p for p in demo_env.profiles if p.name == "Prod")

    dates = [bucket.created for bucket in service.switch(prod).buckets]

    now = datetime.now(timezone.utc)
    assert all(date < now for date in dates)
    assert len(set(dates)) > 290  # practically one distinct date per bucket
    assert max(dates) - min(dates) > timedelta(days=3 * 365)


def test_buckets_are_spread_over_regions(service: AwsService, demo_env: DemoEnvironment) -> None:
    test_account = "333333333333"
    s3 = role_s3_client(demo_env, service, "Test")

    regions = Counter(
        s3.get_bucket_location(Bucket=name)["LocationConstraint"] or "us-east-1"
        for name in demo_env.buckets_by_account[test_account]
    )

    assert len(regions) >= 3
    assert regions.most_common(1)[0][0] == "us-east-1"


@pytest.mark.parametrize(
    ("service_name", "call"),
    [
        ("s3", lambda client: client.list_buckets()),
        ("iam", lambda client: client.create_user(UserName="intruder")),
    ],
    ids=["s3-ListBuckets", "iam-CreateUser"],
)
def test_iam_is_enforced_for_the_demo_user(
    demo_env: DemoEnvironment, service_name: str, call: Any
) -> None:
    client = demo_user_client(demo_env, service_name)

    with pytest.raises(ClientError) as caught:
        call(client)

    assert caught.value.response["Error"]["Code"] == "AccessDenied"


def test_demo_user_keys_are_real_keys_of_the_source_account(demo_env: DemoEnvironment) -> None:
    # The control for the test above: the denials come from policy, not bad keys.
    identity = demo_user_client(demo_env, "sts").get_caller_identity()

    assert identity["Arn"] == "arn:aws:iam::123456789012:user/xacct-demo-user"


def test_role_may_do_only_what_its_policy_allows(
    service: AwsService, demo_env: DemoEnvironment
) -> None:
    s3 = role_s3_client(demo_env, service, "Dev")
    bucket = demo_env.buckets_by_account["222222222222"][0]

    with pytest.raises(ClientError) as caught:
        s3.list_objects_v2(Bucket=bucket)

    assert caught.value.response["Error"]["Code"] == "AccessDenied"


def test_a_second_demo_joins_the_running_one(demo_env: DemoEnvironment) -> None:
    with DemoAws() as joined:
        assert joined == demo_env

    # Leaving the second one must not stop the emulator the session still uses.
    dev = demo_env.profiles[0]
    assert demo_env.make_service().switch(dev).buckets
    assert Path(demo_env.config_file).exists()


def test_a_demo_with_another_bucket_count_is_refused(demo_env: DemoEnvironment) -> None:
    other = DemoAws(prod_bucket_count=7)

    with pytest.raises(RuntimeError, match="already running"):
        other.start()

    other.stop()  # stopping a demo that never started changes nothing
    assert other.environment is None
    assert demo_env.make_service().switch(demo_env.profiles[0]).buckets


LIFECYCLE_SCRIPT = textwrap.dedent(
    """
    import json, os
    from moto import settings
    from xacct_gui.demo import DemoAws

    demo = DemoAws(prod_bucket_count=5)
    env = demo.start()
    report = {
        "endpoint": env.endpoint_url,
        "temp_dir": os.path.dirname(env.config_file),
        "dir_while_running": os.path.isdir(os.path.dirname(env.config_file)),
        "auth_while_running": settings.INITIAL_NO_AUTH_ACTION_COUNT,
    }
    demo.stop()
    report["dir_after_stop"] = os.path.isdir(report["temp_dir"])
    report["auth_after_stop"] = settings.INITIAL_NO_AUTH_ACTION_COUNT
    # Seeding uses unknown keys, which enforcement would reject, and fixed
    # names, which leftover state would clash with: a second demo in the same
    # process proves both were undone.
    with DemoAws(prod_bucket_count=5) as again:
        prod = again.profiles[2]
        report["restart_buckets"] = len(again.make_service().switch(prod).buckets)
    print(json.dumps(report))
    """
)


def port_is_closed(endpoint_url: str) -> bool:
    host, port = endpoint_url.removeprefix("http://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except OSError:
        return True
    return False


def test_stop_removes_temp_dir_and_turns_enforcement_off() -> None:
    # moto's state is process-wide and this session's emulator is running, so
    # a full start/stop cycle is observed in a fresh interpreter.
    completed = subprocess.run(
        [sys.executable, "-c", LIFECYCLE_SCRIPT],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout.strip().splitlines()[-1])

    assert report["dir_while_running"] is True
    assert report["auth_while_running"] == 0
    assert report["dir_after_stop"] is False
    assert not Path(report["temp_dir"]).exists()
    assert report["auth_after_stop"] == float("inf")
    assert report["restart_buckets"] == 5
    assert port_is_closed(report["endpoint"])
