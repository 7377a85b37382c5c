"""ListBuckets paging and the warm S3 client, against the local STS/S3 stand-in.

The moto emulator ignores MaxBuckets and ContinuationToken (it returns every bucket in
one page), so tests/aws_stand_in.py pages the way AWS does and records which key signed
each request and on which connection it came.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.aws_stand_in import StandIn
from tests.factories import make_profile
from tests.memory_keyring import MemoryKeyring
from xacct_gui.core.aws import LIST_BUCKETS_PAGE_SIZE, AwsService
from xacct_gui.core.keys import KeyCredentials, KeyVault, SignInKey

USER_KEY = "AKIASTANDINUSER00002"
USER_SECRET = "standInSecretKeyForTestsOnly0000000000002"
BIG, SMALL = "222222222222", "333333333333"
BIG_NAMES = [f"bucket-{i:05d}" for i in range(2 * LIST_BUCKETS_PAGE_SIZE + 345)]
DEV = make_profile("Dev", account_id=BIG, source_key="alice", region=None, role_name="DevRole")
TEST = make_profile("Test", account_id=SMALL, source_key="alice", region=None, role_name="TestRole")


def make_service(aws: StandIn, tmp_path_factory: pytest.TempPathFactory) -> AwsService:
    backend = MemoryKeyring()
    vault = KeyVault(tmp_path_factory.mktemp("keys"), keyring_backend=lambda: backend)
    vault.save(SignInKey("alice"), KeyCredentials(USER_KEY, USER_SECRET))
    return AwsService(endpoint_url=aws.endpoint_url, keys=vault, max_attempts=1)


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    buckets = {BIG: BIG_NAMES, SMALL: ["test-a", "test-b"]}
    with StandIn(users={USER_KEY: "111111111111"}, buckets=buckets, keep_alive=True) as aws:
        yield aws


def list_requests(aws: StandIn) -> list[dict[str, str]]:
    return [r.params for r in aws.requests if r.action == "ListBuckets"]


def test_pages_of_max_buckets_follow_the_continuation_token(
    stand_in: StandIn, tmp_path_factory: pytest.TempPathFactory
) -> None:
    result = make_service(stand_in, tmp_path_factory).switch(DEV)

    assert [b.name for b in result.buckets] == BIG_NAMES
    pages = list_requests(stand_in)
    assert [p.get("max-buckets") for p in pages] == [str(LIST_BUCKETS_PAGE_SIZE)] * 3
    assert [p.get("continuation-token") for p in pages] == [None, "1000", "2000"]


def test_an_emulator_ignoring_max_buckets_still_lists_everything(
    stand_in: StandIn, tmp_path_factory: pytest.TempPathFactory
) -> None:
    stand_in.honour_max_buckets = False  # as moto: one page, no token

    result = make_service(stand_in, tmp_path_factory).switch(DEV)

    assert [b.name for b in result.buckets] == BIG_NAMES
    assert len(list_requests(stand_in)) == 1


def test_the_warm_client_signs_as_each_new_session_on_one_connection(
    stand_in: StandIn, tmp_path_factory: pytest.TempPathFactory
) -> None:
    service = make_service(stand_in, tmp_path_factory)

    dev = service.switch(DEV)
    test = service.switch(TEST)
    service.forget(DEV)
    dev_again = service.switch(DEV)  # a new role session after forget

    assert [b.name for b in test.buckets] == ["test-a", "test-b"]
    assert len(dev.buckets) == len(dev_again.buckets) == len(BIG_NAMES)
    issued = [r for r in stand_in.requests if r.action == "AssumeRole"]
    assert len(issued) == 3
    arn_of = {i.access_key_id: i.arn for i in stand_in.issued.values()}
    listed = [r for r in stand_in.requests if r.action == "ListBuckets"]
    # Whom the stand-in saw list, switch by switch: Dev's role, Test's, then Dev's new one.
    signers = [arn_of[r.signer].split("/")[1] for r in listed]
    assert signers == ["DevRole"] * 3 + ["TestRole"] + ["DevRole"] * 3
    keys = list(dict.fromkeys(r.signer for r in listed))
    assert len(keys) == 3 and keys[0] != keys[2]  # the new session's key, not the old one
    # One kept-alive connection served every list call: no new handshake per switch.
    assert len({r.connection for r in listed}) == 1
