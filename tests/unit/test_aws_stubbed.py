"""AwsService against botocore's Stubber: what the emulator cannot model.

ContinuationToken pages, MFA, session expiry, STS error codes and the credential cache
are driven here with ``botocore.stub.Stubber``. AwsService creates its clients itself,
so these tests reach into its internals (``_sts_client``, ``_s3_client``):
Stubber needs the very client object the service will use, and those methods are the
ones that create and cache it.

Safety net: every service points at a closed loopback port, so a call that slipped
past a Stubber fails with "Cannot reach AWS" instead of going to real AWS.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from tests.factories import make_profile
from xacct_gui.core.aws import AwsService, Bucket
from xacct_gui.core.credentials import RoleSession
from xacct_gui.core.errors import AwsError, Cancelled, MfaCodeRequired
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.validation import check_session_name

T0 = datetime(2025, 6, 1, 12, 0, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)
ROLE_ARN = "arn:aws:iam::222222222222:role/DeveloperAccess"
MFA_SERIAL = "arn:aws:iam::111111111111:mfa/alice"
KEY_1 = "ASIAFAKEFIRST00001"
KEY_2 = "ASIAFAKESECOND0002"
PAGE = 1_000  # the ListBuckets page size the service asks for (short GIL holds per parse)


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@dataclass
class AwsFiles:
    config: Path
    credentials: Path


@pytest.fixture
def aws_files(tmp_path: Path) -> AwsFiles:
    config = tmp_path / "config"
    credentials = tmp_path / "credentials"
    config.write_text(
        "[default]\nregion = eu-west-1\n\n[profile opt-in]\nregion = ap-southeast-3\n"
    )
    credentials.write_text(
        "[default]\n"
        "aws_access_key_id = AKIAFAKEDEFAULT00001\n"
        "aws_secret_access_key = fakeSecretForTestsOnlyDefault000000000000\n\n"
        "[opt-in]\n"
        "aws_access_key_id = AKIAFAKEOPTIN0000001\n"
        "aws_secret_access_key = fakeSecretForTestsOnlyOptIn0000000000000\n\n"
        "[temporary]\n"
        "aws_access_key_id = ASIAFAKETEMPORARY001\n"
        "aws_secret_access_key = fakeSecretForTestsOnlyTemporary000000000\n"
        "aws_session_token = fakeSessionTokenForTestsOnly\n"
    )
    return AwsFiles(config, credentials)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture(autouse=True)
def os_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "alice")


def make_service(files: AwsFiles, clock: FakeClock, **kwargs: Any) -> AwsService:
    options: dict[str, Any] = {
        "endpoint_url": f"http://127.0.0.1:{closed_port()}",
        "max_attempts": 1,
        "connect_timeout": 1,
        "read_timeout": 1,
    }
    options.update(kwargs)
    return AwsService(
        config_file=str(files.config),
        credentials_file=str(files.credentials),
        clock=clock,
        **options,
    )


@pytest.fixture
def service(aws_files: AwsFiles, clock: FakeClock) -> AwsService:
    return make_service(aws_files, clock)


@dataclass
class Stubs:
    """Activates Stubbers on the service's own (cached) clients."""

    service: AwsService
    active: list[Stubber] = field(default_factory=list)

    def sts(self, source_profile: str = "default", region: str = "eu-west-1") -> Stubber:
        # Internal: the STS client assume_role() will use, cached per (source, region).
        return self._activate(self.service._sts_client(source_profile, region))

    def s3(self, profile: RoleProfile, session: RoleSession) -> Stubber:
        # Internal: the warm S3 client list_buckets() will use, signing as ``session``.
        return self._activate(self.service._s3_client(profile, session))

    def _activate(self, client: Any) -> Stubber:
        stub = Stubber(client)
        stub.activate()
        self.active.append(stub)
        return stub


@pytest.fixture
def stubs(service: AwsService) -> Iterator[Stubs]:
    holder = Stubs(service)
    yield holder
    for stub in holder.active:
        stub.deactivate()


def assume_response(
    key: str = KEY_1, expiration: datetime = T0 + HOUR, arn: str = ROLE_ARN
) -> dict[str, Any]:
    account = arn.split(":")[4]
    role = arn.rsplit("/", 1)[1]
    return {
        "Credentials": {
            "AccessKeyId": key,
            "SecretAccessKey": "fake-secret-" + key,
            "SessionToken": "fake-token-" + key,
            "Expiration": expiration,
        },
        "AssumedRoleUser": {
            "AssumedRoleId": "AROAFAKEROLEID:xacct-alice",
            "Arn": f"arn:aws:sts::{account}:assumed-role/{role}/xacct-alice",
        },
    }


def assume_params(**extra: Any) -> dict[str, Any]:
    return {"RoleArn": ROLE_ARN, "RoleSessionName": "xacct-alice", **extra}


def bucket(name: str, days: int, region: str | None = "eu-west-1") -> dict[str, Any]:
    item: dict[str, Any] = {"Name": name, "CreationDate": T0 - timedelta(days=days)}
    if region is not None:
        item["BucketRegion"] = region
    return item


def list_page(*buckets: dict[str, Any], token: str | None = None) -> dict[str, Any]:
    page: dict[str, Any] = {
        "Buckets": list(buckets),
        "Owner": {"DisplayName": "dev", "ID": "f" * 64},
    }
    if token:
        page["ContinuationToken"] = token
    return page


def capture_params(client: Any, operation: str) -> list[dict[str, Any]]:
    """Record the parameters of each call to ``operation`` as the client builds them."""
    seen: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        seen.append(dict(params))

    client.meta.events.register(
        f"before-parameter-build.{client.meta.service_model.service_name}.{operation}", record
    )
    return seen


# --- ListBuckets ---


def test_list_buckets_follows_continuation_tokens(service: AwsService, stubs: Stubs) -> None:
    profile = make_profile()
    stubs.sts().add_response("assume_role", assume_response(), assume_params())
    session, reused = service.session_for(profile)
    assert reused is False
    s3 = stubs.s3(profile, session)
    s3.add_response(
        "list_buckets",
        list_page(
            bucket("zeta-logs", 30),
            bucket("alpha-data", 20, "us-east-1"),
            bucket("mid-archive", 10),
            token="token-page-2",
        ),
        {"MaxBuckets": PAGE},
    )
    s3.add_response(
        "list_buckets",
        list_page(
            bucket("beta", 5, "ap-southeast-2"),
            bucket("legacy-no-region", 3000, None),  # older responses lack BucketRegion
            bucket("gamma", 1),
            token="token-page-3",
        ),
        {"MaxBuckets": PAGE, "ContinuationToken": "token-page-2"},
    )
    s3.add_response(
        "list_buckets",
        list_page(bucket("omega", 0, "eu-central-1"), bucket("aaa-last", 2)),
        {"MaxBuckets": PAGE, "ContinuationToken": "token-page-3"},
    )

    result = service.switch(profile)

    s3.assert_no_pending_responses()
    assert [b.name for b in result.buckets] == [
        "zeta-logs",
        "alpha-data",
        "mid-archive",
        "beta",
        "legacy-no-region",
        "gamma",
        "omega",
        "aaa-last",
    ]
    assert result.buckets[1] == Bucket("alpha-data", T0 - timedelta(days=20), "us-east-1")
    assert result.buckets[4].region is None
    assert result.buckets[6].region == "eu-central-1"
    assert all(b.created.tzinfo is not None for b in result.buckets)
    assert result.reused_session is True
    assert result.profile_name == "Dev"
    assert (
        result.identity_arn == "arn:aws:sts::222222222222:assumed-role/DeveloperAccess/xacct-alice"
    )
    assert result.expiration == T0 + HOUR


def test_list_buckets_empty_account(service: AwsService, stubs: Stubs) -> None:
    profile = make_profile()
    stubs.sts().add_response("assume_role", assume_response(), assume_params())
    session = service.assume_role(profile)
    s3 = stubs.s3(profile, session)
    s3.add_response("list_buckets", {"Owner": {"ID": "f" * 64}}, {"MaxBuckets": PAGE})
    assert service.list_buckets(profile, session) == []
    s3.assert_no_pending_responses()


# --- AssumeRole parameters ---


def test_assume_role_sends_arn_default_session_name_external_id_and_duration(
    service: AwsService, stubs: Stubs
) -> None:
    profile = make_profile(external_id="Dev-Ext:id/42", duration_seconds=3600)
    sts = stubs.sts()
    sts.add_response(
        "assume_role",
        assume_response(),
        assume_params(ExternalId="Dev-Ext:id/42", DurationSeconds=3600),
    )
    session = service.assume_role(profile)
    sts.assert_no_pending_responses()
    assert session.access_key_id == KEY_1
    assert session.secret_access_key == "fake-secret-" + KEY_1
    assert session.session_token == "fake-token-" + KEY_1
    assert session.expiration == T0 + HOUR
    assert session.issued == T0
    assert session.assumed_role_arn.endswith(":assumed-role/DeveloperAccess/xacct-alice")
    assert "fake-secret" not in repr(session) and "fake-token" not in repr(session)


def test_assume_role_without_optional_fields_sends_only_arn_and_name(
    service: AwsService, stubs: Stubs
) -> None:
    sts = stubs.sts()
    # Stubber compares the whole parameter dict: no ExternalId, DurationSeconds or MFA keys.
    sts.add_response("assume_role", assume_response(), assume_params())
    service.assume_role(make_profile())
    sts.assert_no_pending_responses()


def test_assume_role_with_role_path_and_explicit_session_name(
    service: AwsService, stubs: Stubs
) -> None:
    arn = "arn:aws:iam::222222222222:role/team/ops/Admin"
    sts = stubs.sts()
    sts.add_response(
        "assume_role",
        assume_response(arn=arn),
        {"RoleArn": arn, "RoleSessionName": "ops-review"},
    )
    service.assume_role(make_profile(role_name="team/ops/Admin", session_name="ops-review"))
    sts.assert_no_pending_responses()


@pytest.mark.parametrize("user", ["José Smith", "", "a", "u" * 100, "CORP\\bob", "用户"])
def test_default_session_name_is_valid_for_awkward_users(
    service: AwsService, stubs: Stubs, monkeypatch: pytest.MonkeyPatch, user: str
) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: user)
    sts = stubs.sts()
    seen = capture_params(service._sts_client("default", "eu-west-1"), "AssumeRole")
    sts.add_response("assume_role", assume_response())
    service.assume_role(make_profile())
    assert len(seen) == 1
    name = seen[0]["RoleSessionName"]
    assert name.startswith("xacct-")
    assert check_session_name(name) is None, name


def test_mfa_code_goes_with_assume_role_for_temporary_source_credentials(
    service: AwsService, stubs: Stubs
) -> None:
    # Temporary credentials (SSO, another role) cannot call GetSessionToken, so the
    # code travels with AssumeRole. Long-term keys take the MFA-session path, which
    # tests/integration/test_credentials_flow.py drives against a stand-in.
    profile = make_profile(mfa_serial=MFA_SERIAL, source_profile="temporary")
    sts = stubs.sts("temporary")
    sts.add_response(
        "assume_role",
        assume_response(),
        assume_params(SerialNumber=MFA_SERIAL, TokenCode="123456"),
    )
    session = service.assume_role(profile, mfa_code="123456")
    sts.assert_no_pending_responses()
    assert session.access_key_id == KEY_1


def test_mfa_profile_without_code_raises_before_any_call(service: AwsService, stubs: Stubs) -> None:
    # No response is queued: had AssumeRole been called, Stubber would have raised
    # UnStubbedResponseError, which the service turns into a plain AwsError.
    sts = stubs.sts()
    with pytest.raises(MfaCodeRequired) as info:
        service.switch(make_profile(mfa_serial=MFA_SERIAL))
    assert info.value.serial == MFA_SERIAL
    assert MFA_SERIAL in str(info.value) and "6-digit" in str(info.value)
    sts.assert_no_pending_responses()


@pytest.mark.parametrize(
    "code", ["12345", "1234567", "12a456", "", " 12345", "١٢٣٤٥٦", "１２３４５６"]
)
def test_invalid_mfa_code_rejected_before_any_call(
    service: AwsService, stubs: Stubs, code: str
) -> None:
    stubs.sts()  # no responses: any call would surface as a different error
    with pytest.raises(AwsError) as info:
        service.switch(make_profile(mfa_serial=MFA_SERIAL), mfa_code=code)
    assert not isinstance(info.value, MfaCodeRequired)
    assert info.value.code == "InvalidMfaCode"
    assert "6 digits" in str(info.value)


# --- error codes through switch() ---


@pytest.mark.parametrize(
    ("code", "aws_text", "status", "words"),
    [
        (
            "AccessDenied",
            "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: "
            f"sts:AssumeRole on resource: {ROLE_ARN}",
            403,
            ["sts:AssumeRole", "trust policy", "ExternalId", "MFA", ROLE_ARN],
        ),
        (
            "ExpiredToken",
            "The security token included in the request is expired",
            403,
            ["expired"],
        ),
        (
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
            403,
            ["does not exist", "'default'"],
        ),
        (
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
            403,
            ["secret", "'default'"],
        ),
        (
            "SignatureDoesNotMatch",
            "Signature expired: 20250601T113000Z is now earlier than 20250601T114500Z "
            "(20250601T120000Z - 15 min.)",
            403,
            ["clock"],
        ),
        (
            "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            400,
            ["maximum", "duration"],
        ),
    ],
)
def test_assume_errors_through_switch(
    service: AwsService, stubs: Stubs, code: str, aws_text: str, status: int, words: list[str]
) -> None:
    sts = stubs.sts()
    sts.add_client_error("assume_role", code, aws_text, status)
    with pytest.raises(AwsError) as info:
        service.switch(make_profile(duration_seconds=43200))
    sts.assert_no_pending_responses()
    assert info.value.code == code
    text = str(info.value)
    for word in words:
        assert word.lower() in text.lower(), (word, text)
    assert "Traceback" not in text
    if "clock" in words:
        assert "secret" not in text.lower()
    # nothing was cached for a failed switch
    assert service.cached_session(make_profile(duration_seconds=43200)) is None


def test_region_disabled_names_the_profile_region(service: AwsService, stubs: Stubs) -> None:
    sts = stubs.sts(region="ap-southeast-3")
    sts.add_client_error(
        "assume_role",
        "RegionDisabledException",
        "STS is not activated in this region for account:111111111111. Your account "
        "administrator can activate STS in this region using the IAM Console.",
        403,
    )
    with pytest.raises(AwsError) as info:
        service.switch(make_profile(region="ap-southeast-3"))
    assert info.value.code == "RegionDisabledException"
    assert "ap-southeast-3" in str(info.value)


def test_region_disabled_names_the_region_from_the_source_profile(
    service: AwsService, stubs: Stubs
) -> None:
    # The profile has no region of its own, so the call goes to the source profile's
    # region (ap-southeast-3 in the config file): that is the region to name.
    sts = stubs.sts("opt-in", "ap-southeast-3")
    sts.add_client_error(
        "assume_role",
        "RegionDisabledException",
        "STS is not activated in this region for account:111111111111.",
        403,
    )
    with pytest.raises(AwsError) as info:
        service.switch(make_profile(region=None, source_profile="opt-in"))
    sts.assert_no_pending_responses()
    assert "ap-southeast-3" in str(info.value), str(info.value)


def test_access_denied_on_list_buckets_through_switch(service: AwsService, stubs: Stubs) -> None:
    profile = make_profile()
    stubs.sts().add_response("assume_role", assume_response(), assume_params())
    session, _ = service.session_for(profile)
    s3 = stubs.s3(profile, session)
    s3.add_client_error("list_buckets", "AccessDenied", "Access Denied", 403)
    with pytest.raises(AwsError) as info:
        service.switch(profile)
    assert info.value.code == "AccessDenied"
    assert "s3:ListAllMyBuckets" in str(info.value)
    assert "sts:AssumeRole" not in str(info.value)


def test_mfa_profile_access_denied_mentions_the_code(service: AwsService, stubs: Stubs) -> None:
    # Long-term keys: the code opens an MFA session first (GetSessionToken).
    sts = stubs.sts()
    sts.add_client_error(
        "get_session_token", "AccessDenied", "MultiFactorAuthentication failed", 403
    )
    with pytest.raises(AwsError) as info:
        service.switch(make_profile(mfa_serial=MFA_SERIAL), mfa_code="000000")
    assert "MFA code" in str(info.value)


@pytest.mark.parametrize(("region", "source"), [("eu-west-1", "nosuch"), (None, "nosuch")])
def test_missing_source_profile_names_it_and_the_files(
    service: AwsService, aws_files: AwsFiles, region: str | None, source: str
) -> None:
    with pytest.raises(AwsError) as info:
        service.switch(make_profile(region=region, source_profile=source))
    text = str(info.value)
    assert info.value.code == "ProfileNotFound"
    assert "'nosuch'" in text
    assert str(aws_files.config) in text
    assert str(aws_files.credentials) in text


# --- the credential cache ---


def test_credentials_reused_while_valid(
    service: AwsService, stubs: Stubs, clock: FakeClock
) -> None:
    profile = make_profile()
    sts = stubs.sts()
    sts.add_response("assume_role", assume_response(), assume_params())  # exactly one
    first, reused = service.session_for(profile)
    assert reused is False
    # One-hour session: reused until REFRESH_MARGIN (15 min) before it expires.
    clock.advance(timedelta(minutes=44, seconds=59))
    again, reused = service.session_for(profile)
    assert reused is True and again is first
    assert service.cached_session(profile) is first
    sts.assert_no_pending_responses()


def test_credentials_renewed_once_clock_passes_expiry_minus_margin(
    service: AwsService, stubs: Stubs, clock: FakeClock
) -> None:
    profile = make_profile()
    sts = stubs.sts()
    sts.add_response("assume_role", assume_response(KEY_1, T0 + HOUR), assume_params())
    later = T0 + timedelta(minutes=45, seconds=1)
    sts.add_response("assume_role", assume_response(KEY_2, later + HOUR), assume_params())
    first, _ = service.session_for(profile)
    clock.advance(timedelta(minutes=45, seconds=1))
    assert service.cached_session(profile) is None
    second, reused = service.session_for(profile)
    assert reused is False
    assert second.access_key_id == KEY_2 and first.access_key_id == KEY_1
    assert second.issued == later
    sts.assert_no_pending_responses()


def test_short_session_margin_is_a_quarter_of_its_life(
    service: AwsService, stubs: Stubs, clock: FakeClock
) -> None:
    # A 15-minute session would never be reused with a flat 15-minute margin.
    profile = make_profile(duration_seconds=900)
    sts = stubs.sts()
    expires = T0 + timedelta(seconds=900)
    sts.add_response(
        "assume_role", assume_response(KEY_1, expires), assume_params(DurationSeconds=900)
    )
    sts.add_response(
        "assume_role",
        assume_response(KEY_2, expires + timedelta(seconds=900)),
        assume_params(DurationSeconds=900),
    )
    first, _ = service.session_for(profile)
    clock.advance(timedelta(seconds=900 - 225 - 1))
    assert service.session_for(profile) == (first, True)
    clock.advance(timedelta(seconds=2))
    second, reused = service.session_for(profile)
    assert reused is False and second.access_key_id == KEY_2
    sts.assert_no_pending_responses()


def test_switch_twice_reuses_credentials_and_s3_client(
    service: AwsService, stubs: Stubs, clock: FakeClock
) -> None:
    profile = make_profile()
    sts = stubs.sts()
    sts.add_response("assume_role", assume_response(), assume_params())
    session, _ = service.session_for(profile)
    s3 = stubs.s3(profile, session)
    s3.add_response("list_buckets", list_page(bucket("one", 1)), {"MaxBuckets": PAGE})
    s3.add_response(
        "list_buckets", list_page(bucket("one", 1), bucket("two", 0)), {"MaxBuckets": PAGE}
    )
    first = service.switch(profile)
    clock.advance(timedelta(minutes=30))
    second = service.switch(profile)
    assert first.reused_session is True and second.reused_session is True
    assert [b.name for b in second.buckets] == ["one", "two"]
    sts.assert_no_pending_responses()
    s3.assert_no_pending_responses()


def test_different_external_id_is_a_different_session(service: AwsService, stubs: Stubs) -> None:
    sts = stubs.sts()
    sts.add_response("assume_role", assume_response(KEY_1), assume_params(ExternalId="first-id"))
    sts.add_response("assume_role", assume_response(KEY_2), assume_params(ExternalId="other-id"))
    a, _ = service.session_for(make_profile(external_id="first-id"))
    b, reused = service.session_for(make_profile(external_id="other-id"))
    assert reused is False and (a.access_key_id, b.access_key_id) == (KEY_1, KEY_2)
    sts.assert_no_pending_responses()


def test_expired_credentials_are_never_sent(
    service: AwsService, stubs: Stubs, clock: FakeClock
) -> None:
    profile = make_profile()
    stubs.sts().add_response("assume_role", assume_response(), assume_params())
    session = service.assume_role(profile)
    s3 = stubs.s3(profile, session)  # no responses: a ListBuckets call would be an error
    clock.advance(HOUR + timedelta(seconds=1))
    with pytest.raises(AwsError) as info:
        service.list_buckets(profile, session)
    assert info.value.code == "ExpiredToken"
    assert "expired" in str(info.value).lower()
    s3.assert_no_pending_responses()


def test_credentials_inside_the_margin_may_still_list(
    service: AwsService, stubs: Stubs, clock: FakeClock
) -> None:
    # Past the refresh margin but not expired: AWS still accepts them, so listing works.
    profile = make_profile()
    stubs.sts().add_response("assume_role", assume_response(), assume_params())
    session = service.assume_role(profile)
    s3 = stubs.s3(profile, session)
    s3.add_response("list_buckets", list_page(bucket("still-ok", 1)), {"MaxBuckets": PAGE})
    clock.advance(timedelta(minutes=55))
    assert [b.name for b in service.list_buckets(profile, session)] == ["still-ok"]


def test_forget_drops_the_cached_session(service: AwsService, stubs: Stubs) -> None:
    profile = make_profile()
    sts = stubs.sts()
    sts.add_response("assume_role", assume_response(KEY_1), assume_params())
    sts.add_response("assume_role", assume_response(KEY_2), assume_params())
    service.session_for(profile)
    assert service.cached_session(profile) is not None
    service.forget(profile)
    assert service.cached_session(profile) is None
    session, reused = service.session_for(profile)
    assert reused is False and session.access_key_id == KEY_2
    sts.assert_no_pending_responses()


def test_expired_token_from_s3_makes_switch_assume_again(
    service: AwsService, stubs: Stubs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On ExpiredToken the app assumes the role again on its own where it can.

    Credentials the local clock still thinks valid (clock behind AWS, or revoked) must
    not be reused forever: switch() drops them, assumes again and lists with the new ones.
    """
    profile = make_profile()
    sts = stubs.sts()
    sts.add_response("assume_role", assume_response(KEY_1), assume_params())
    sts.add_response("assume_role", assume_response(KEY_2), assume_params())
    stale, _ = service.session_for(profile)
    # One warm S3 client signs for every role session: the error, then the fresh list.
    s3 = stubs.s3(profile, stale)
    s3.add_client_error("list_buckets", "ExpiredToken", "The provided token has expired.", 400)
    s3.add_response("list_buckets", list_page(bucket("fresh", 0)), {"MaxBuckets": PAGE})
    signers: list[str] = []
    real_s3_client = service._s3_client

    def recording_s3_client(p: RoleProfile, session: RoleSession) -> Any:
        client = real_s3_client(p, session)
        signers.append(client._request_signer._credentials.get_frozen_credentials().access_key)
        return client

    monkeypatch.setattr(service, "_s3_client", recording_s3_client)

    result = service.switch(profile)

    assert [b.name for b in result.buckets] == ["fresh"]
    assert result.reused_session is False
    assert signers == [KEY_1, KEY_2]  # the second list call signs with the new session
    s3.assert_no_pending_responses()
    sts.assert_no_pending_responses()
    cached = service.cached_session(profile)
    assert cached is not None and cached.access_key_id == KEY_2


# --- cancellation ---


def test_cancelled_after_assume_makes_no_list_call(
    service: AwsService, stubs: Stubs, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = make_profile()
    sts = stubs.sts()
    sts.add_response("assume_role", assume_response(), assume_params())
    listed: list[RoleProfile] = []

    def spy(p: RoleProfile, s: RoleSession) -> list[Bucket]:
        listed.append(p)
        return []

    monkeypatch.setattr(service, "list_buckets", spy)
    with pytest.raises(Cancelled):
        service.switch(profile, is_current=lambda: False)
    assert listed == []
    sts.assert_no_pending_responses()
    # The credentials are good and stay cached for the next switch.
    assert service.cached_session(profile) is not None


def test_cancelled_with_cached_session_makes_no_list_call(
    service: AwsService, stubs: Stubs
) -> None:
    profile = make_profile()
    stubs.sts().add_response("assume_role", assume_response(), assume_params())
    session, _ = service.session_for(profile)
    s3 = stubs.s3(profile, session)  # no responses: a ListBuckets call would fail the test
    with pytest.raises(Cancelled):
        service.switch(profile, is_current=lambda: False)
    s3.assert_no_pending_responses()


# --- unreachable AWS (a small local stand-in instead of Stubber) ---


def test_refused_connection_fails_fast_with_default_settings(
    aws_files: AwsFiles, clock: FakeClock
) -> None:
    service = AwsService(
        endpoint_url=f"http://127.0.0.1:{closed_port()}",
        config_file=str(aws_files.config),
        credentials_file=str(aws_files.credentials),
        clock=clock,
    )
    started = time.monotonic()
    with pytest.raises(AwsError) as info:
        service.switch(make_profile())
    assert time.monotonic() - started < 15
    assert str(info.value).startswith("Cannot reach AWS")


def test_silent_endpoint_times_out_as_configured(aws_files: AwsFiles, clock: FakeClock) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)  # the kernel completes the handshake; nobody ever answers
        port = server.getsockname()[1]
        service = make_service(
            aws_files,
            clock,
            endpoint_url=f"http://127.0.0.1:{port}",
            connect_timeout=0.5,
            read_timeout=0.5,
            max_attempts=2,
        )
        started = time.monotonic()
        with pytest.raises(AwsError) as info:
            service.switch(make_profile())
        elapsed = time.monotonic() - started
    assert info.value.code == "ReadTimeoutError"
    assert str(info.value).startswith("Cannot reach AWS")
    assert 0.9 < elapsed < 8  # two attempts of 0.5 s each, plus a short backoff
