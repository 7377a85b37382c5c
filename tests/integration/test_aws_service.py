"""AwsService against the seeded demo emulator, with IAM enforcement on."""

from __future__ import annotations

import socket
import time

import pytest

from xacct_gui.core.aws import AwsService
from xacct_gui.core.errors import AwsError
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.demo import DemoEnvironment


def profile_named(env: DemoEnvironment, name: str) -> RoleProfile:
    return next(profile for profile in env.profiles if profile.name == name)


def assume_calls(role_arn: str) -> int:
    """How many AssumeRole calls for ``role_arn`` reached the emulator.

    The emulator runs in this process, so its own record of assumed roles is
    the ground truth of what was really sent to STS (a client-side counter
    would only tell what the service meant to send).
    """
    from moto.sts.models import sts_backends

    account = role_arn.split(":")[4]
    return sum(
        1 for role in sts_backends[account]["aws"].assumed_roles if role.role_arn == role_arn
    )


def closed_loopback_port() -> int:
    # Bind to get a free port, then close it: nothing listens there afterwards.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.parametrize("name", ["Dev", "Test", "Prod"])
def test_switch_lists_exactly_that_accounts_buckets(
    service: AwsService, demo_env: DemoEnvironment, name: str
) -> None:
    profile = profile_named(demo_env, name)

    result = service.switch(profile)

    names = [bucket.name for bucket in result.buckets]
    assert set(names) == set(demo_env.buckets_by_account[profile.account_id])
    assert len(names) == len(set(names))
    assert result.identity_arn.startswith(
        f"arn:aws:sts::{profile.account_id}:assumed-role/{profile.role_name}/"
    )
    assert result.profile_name == name
    assert result.reused_session is False


def test_prod_returns_every_seeded_bucket(service: AwsService, demo_env: DemoEnvironment) -> None:
    prod = profile_named(demo_env, "Prod")

    result = service.switch(prod)

    # The session fixture uses DemoAws's default of 300 prod buckets.
    assert len(result.buckets) == 300
    assert len(demo_env.buckets_by_account[prod.account_id]) == 300


def test_switching_back_reuses_the_cached_session(
    service: AwsService, demo_env: DemoEnvironment
) -> None:
    dev, test = profile_named(demo_env, "Dev"), profile_named(demo_env, "Test")
    calls_before = assume_calls(dev.role_arn)

    first = service.switch(dev)
    service.switch(test)
    back = service.switch(dev)

    assert first.reused_session is False
    assert back.reused_session is True
    assert back.identity_arn == first.identity_arn
    assert back.expiration == first.expiration
    assert {b.name for b in back.buckets} == {b.name for b in first.buckets}
    assert assume_calls(dev.role_arn) == calls_before + 1


def test_each_service_assumes_a_role_once(demo_env: DemoEnvironment) -> None:
    prod = profile_named(demo_env, "Prod")
    calls_before = assume_calls(prod.role_arn)
    first_service, second_service = demo_env.make_service(), demo_env.make_service()

    results = [
        service.switch(prod) for service in (first_service, second_service) for _ in range(3)
    ]

    assert [r.reused_session for r in results] == [False, True, True, False, True, True]
    # Two services, three switches each: STS saw exactly one call per service.
    assert assume_calls(prod.role_arn) == calls_before + 2
    assert results[0].identity_arn == results[3].identity_arn


def test_forbidden_role_says_not_allowed_to_assume(
    service: AwsService, demo_env: DemoEnvironment
) -> None:
    forbidden = demo_env.forbidden_profile

    with pytest.raises(AwsError) as caught:
        service.switch(forbidden)

    message = str(caught.value)
    assert caught.value.code == "AccessDenied"
    assert f"Not allowed to assume {forbidden.role_arn}" in message
    assert "sts:AssumeRole" in message
    assert service.cached_session(forbidden) is None
    # A denied switch leaves the service usable for the next one.
    assert service.switch(profile_named(demo_env, "Dev")).buckets


def test_role_without_list_permission_names_the_missing_action(
    service: AwsService, demo_env: DemoEnvironment
) -> None:
    audit = profile_named(demo_env, "Audit")

    with pytest.raises(AwsError) as caught:
        service.switch(audit)

    assert caught.value.code == "AccessDenied"
    assert "s3:ListAllMyBuckets" in str(caught.value)
    # The role itself was assumed: only the listing was refused.
    assert service.cached_session(audit) is not None


def test_missing_source_profile_names_it_and_the_files_searched(
    service: AwsService, demo_env: DemoEnvironment
) -> None:
    orphan = profile_named(demo_env, "Dev").replace(source_profile="no-such-profile")

    with pytest.raises(AwsError) as caught:
        service.switch(orphan)

    message = str(caught.value)
    assert "'no-such-profile'" in message
    assert demo_env.config_file in message
    assert demo_env.credentials_file in message


def test_unreachable_endpoint_fails_fast_with_cannot_reach_aws(
    demo_env: DemoEnvironment,
) -> None:
    offline = AwsService(
        endpoint_url=f"http://127.0.0.1:{closed_loopback_port()}",
        config_file=demo_env.config_file,
        credentials_file=demo_env.credentials_file,
    )

    started = time.monotonic()
    with pytest.raises(AwsError) as caught:
        offline.switch(profile_named(demo_env, "Dev"))
    elapsed = time.monotonic() - started

    assert "Cannot reach AWS" in str(caught.value)
    assert elapsed < 15


def test_dates_read_fast_are_the_dates_botocore_reads(
    service: AwsService, demo_env: DemoEnvironment
) -> None:
    """Bucket dates and the session's expiry come through the app's own timestamp parser
    (datetime's tzinfo, not dateutil's) and name the same instants a plain client reads."""
    import botocore.session

    profile = profile_named(demo_env, "Prod")
    result = service.switch(profile)
    assert all(type(b.created.tzinfo).__module__ == "datetime" for b in result.buckets)
    assert type(result.expiration.tzinfo).__module__ == "datetime"

    plain = botocore.session.Session(profile=demo_env.source_profile)
    plain.set_config_variable("config_file", str(demo_env.config_file))
    plain.set_config_variable("credentials_file", str(demo_env.credentials_file))
    sts = plain.create_client("sts", region_name="us-east-1", endpoint_url=demo_env.endpoint_url)
    creds = sts.assume_role(RoleArn=profile.role_arn, RoleSessionName="plain-dates")["Credentials"]
    s3 = plain.create_client(
        "s3",
        region_name="us-east-1",
        endpoint_url=demo_env.endpoint_url,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    theirs = {b["Name"]: b["CreationDate"] for b in s3.list_buckets()["Buckets"]}
    assert {b.name: b.created for b in result.buckets} == theirs
    assert type(next(iter(theirs.values())).tzinfo).__module__.startswith("dateutil")
