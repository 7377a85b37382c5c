"""Sign-in keys, MFA sessions, role chaining and renewal against a local STS/S3 stand-in.

moto cannot model these (it does not check MFA codes and rejects GetSessionToken
credentials once IAM enforcement is on), so tests/aws_stand_in.py answers
instead and records what the app really sent and which key signed it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.aws_stand_in import StandIn
from tests.factories import make_profile
from tests.memory_keyring import MemoryKeyring
from xacct_gui.core.aws import AwsService
from xacct_gui.core.errors import AwsError, MfaCodeRequired
from xacct_gui.core.keys import KeyCredentials, KeyVault, SignInKey
from xacct_gui.core.profiles import resolve_chain

USER_KEY = "AKIASTANDINUSER00001"
USER_SECRET = "standInSecretKeyForTestsOnly0000000000001"
SOURCE_ACCOUNT = "111111111111"
SERIAL = "arn:aws:iam::111111111111:mfa/alice"


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    with StandIn(
        users={USER_KEY: SOURCE_ACCOUNT},
        buckets={"222222222222": ["dev-a", "dev-b"], "333333333333": ["test-a"]},
    ) as aws:
        yield aws


@pytest.fixture
def vault(tmp_path: Path) -> KeyVault:
    backend = MemoryKeyring()
    vault = KeyVault(tmp_path, keyring_backend=lambda: backend)
    vault.save(SignInKey("alice", mfa_serial=SERIAL), KeyCredentials(USER_KEY, USER_SECRET))
    return vault


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(stand_in: StandIn, vault: KeyVault, clock: Clock) -> AwsService:
    return AwsService(endpoint_url=stand_in.endpoint_url, keys=vault, clock=clock, max_attempts=1)


DEV = make_profile(
    "Dev",
    account_id="222222222222",
    source_key="alice",
    color=None,
    region=None,
    role_name="DevRole",
)
TEST = make_profile(
    "Test",
    account_id="333333333333",
    source_key="alice",
    source_identity="alice-laptop",
    color=None,
    region=None,
    role_name="TestRole",
)


def test_one_mfa_code_unlocks_every_role_of_the_same_key(
    service: AwsService, stand_in: StandIn
) -> None:
    with pytest.raises(MfaCodeRequired) as info:
        service.switch(DEV)
    assert info.value.serial == SERIAL
    assert stand_in.requests == []  # nothing was sent before the code was known

    dev = service.switch(DEV, mfa_code="123456")
    test = service.switch(TEST)  # no code: the MFA session is reused
    assert [b.name for b in dev.buckets] == ["dev-a", "dev-b"]
    assert [b.name for b in test.buckets] == ["test-a"]

    assert stand_in.actions() == [
        "GetSessionToken",
        "AssumeRole",
        "ListBuckets",
        "AssumeRole",
        "ListBuckets",
    ]
    token_call = stand_in.requests[0]
    assert token_call.signer == USER_KEY
    assert token_call.params["SerialNumber"] == SERIAL
    assert token_call.params["TokenCode"] == "123456"
    session_key = next(iter(stand_in.issued))
    assumes = [r for r in stand_in.requests if r.action == "AssumeRole"]
    assert all(r.signer == session_key for r in assumes)  # signed by the MFA session
    assert all("TokenCode" not in r.params for r in assumes)
    assert assumes[1].params["SourceIdentity"] == "alice-laptop"


def test_wrong_mfa_code_says_mfa_may_be_the_cause(service: AwsService) -> None:
    with pytest.raises(AwsError) as info:
        service.switch(DEV, mfa_code="000000")
    assert "MFA" in str(info.value)


def test_invalid_code_is_refused_before_any_request(service: AwsService, stand_in: StandIn) -> None:
    with pytest.raises(AwsError, match="6 digits"):
        service.switch(DEV, mfa_code="12a456")
    assert stand_in.requests == []


def test_sessions_renew_15_minutes_before_expiry_without_a_new_code(
    service: AwsService, stand_in: StandIn, clock: Clock
) -> None:
    first = service.switch(DEV, mfa_code="123456")
    clock.now += timedelta(minutes=40)  # 20 minutes left: still reused
    again = service.switch(DEV)
    assert again.reused_session and again.identity_arn == first.identity_arn
    clock.now += timedelta(minutes=6)  # 14 minutes left: renewed
    renewed = service.switch(DEV)  # no code: the 12-hour MFA session is still good
    assert not renewed.reused_session
    assert stand_in.actions().count("GetSessionToken") == 1
    assert stand_in.actions().count("AssumeRole") == 2


def test_expired_mfa_session_asks_for_a_new_code(
    service: AwsService, stand_in: StandIn, clock: Clock
) -> None:
    service.switch(DEV, mfa_code="123456")
    clock.now += timedelta(hours=12)
    with pytest.raises(MfaCodeRequired):
        service.switch(DEV)
    assert stand_in.actions().count("GetSessionToken") == 1


def test_refresh_session_forces_a_new_assume_role(service: AwsService, stand_in: StandIn) -> None:
    service.switch(DEV, mfa_code="123456")
    service.switch(DEV, renew=True)
    assert stand_in.actions().count("AssumeRole") == 2
    assert stand_in.actions().count("GetSessionToken") == 1


def test_role_chaining_assumes_in_order_and_caps_duration(
    service: AwsService, stand_in: StandIn
) -> None:
    hub = make_profile(
        "Hub",
        account_id="222222222222",
        source_key="alice",
        color=None,
        region=None,
        role_name="HubRole",
    )
    spoke = make_profile(
        "Spoke",
        account_id="333333333333",
        source_role="Hub",
        duration_seconds=7200,
        color=None,
        region=None,
        role_name="SpokeRole",
    )
    chain = resolve_chain(spoke, [hub, spoke])
    assert chain == (hub,)
    result = service.switch(spoke, mfa_code="123456", chain=chain)
    assert [b.name for b in result.buckets] == ["test-a"]
    assumes = [r for r in stand_in.requests if r.action == "AssumeRole"]
    assert [r.params["RoleArn"].split(":")[4] for r in assumes] == ["222222222222", "333333333333"]
    hub_key = next(k for k, v in stand_in.issued.items() if "HubRole" in v.arn)
    assert assumes[1].signer == hub_key
    assert assumes[1].params["DurationSeconds"] == "3600"
    assert any("1 hour" in note for note in result.notes)


def test_chain_loops_and_missing_sources_are_refused_before_any_call() -> None:
    a = make_profile(
        "A", account_id="222222222222", source_role="B", color=None, region=None, role_name="ARole"
    )
    b = make_profile(
        "B", account_id="333333333333", source_role="A", color=None, region=None, role_name="BRole"
    )
    with pytest.raises(ValueError, match="loop"):
        resolve_chain(a, [a, b])
    with pytest.raises(ValueError, match="no saved profile"):
        resolve_chain(a, [a])


def test_missing_sign_in_key_is_a_clear_error(service: AwsService, stand_in: StandIn) -> None:
    ghost = make_profile(
        "Ghost",
        account_id="222222222222",
        source_key="nobody",
        color=None,
        region=None,
        role_name="GhostRole",
    )
    with pytest.raises(AwsError, match="Sign-in keys"):
        service.switch(ghost)
    assert stand_in.requests == []
