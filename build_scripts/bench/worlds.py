"""The AWS worlds the bench measures against, each served by a child process.

The demo emulator (moto, the accounts of ``--demo``) for switching and start-up; the
STS/S3 stand-in of the tests (tests/aws_stand_in.py) for an account with 100,000
buckets, listed in pages of 10,000 as AWS lists them (the emulator ignores page sizes
and returns one huge page, which AWS never does). Also the buckets themselves, shared by
the in-process table bench and the stand-in.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from xacct_gui.core.aws import AwsService, Bucket
from xacct_gui.core.profiles import RoleProfile

# The stand-in's accounts are named after their bucket count.
EMPTY_ACCOUNT = "000000000000"
HUGE_ACCOUNT = "000000100000"
STANDIN_KEY_ID = "AKIAFAKEBENCHSTAND01"
BUCKET_PURPOSES = (
    "app-logs",
    "backups",
    "data-lake-raw",
    "data-lake-curated",
    "ml-artifacts",
    "static-assets",
    "terraform-state",
    "athena-results",
    "cdn-origin",
    "reports",
)
BUCKET_REGIONS = (
    ("us-east-1", 50),
    ("eu-west-1", 25),
    ("eu-central-1", 15),
    ("ap-southeast-2", 10),
)


# --- buckets ---


def bucket_rows(count: int) -> list[tuple[str, datetime, str]]:
    """``count`` distinct, realistic (name, created, region) rows in random order."""
    rng = random.Random(count)
    now = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)
    regions = rng.choices(
        [region for region, _ in BUCKET_REGIONS], [weight for _, weight in BUCKET_REGIONS], k=count
    )
    return [
        (
            f"{rng.choice(BUCKET_PURPOSES)}-{rng.getrandbits(32):08x}-{index:06d}",
            now - timedelta(seconds=rng.randrange(3600, 6 * 365 * 86400)),
            regions[index],
        )
        for index in range(count)
    ]


def make_buckets(count: int) -> list[Bucket]:
    return [Bucket(name, created, region) for name, created, region in bucket_rows(count)]


# --- child processes ---


def serve_demo() -> int:
    """Child: run the seeded demo emulator until stdin closes; print its details first."""
    from xacct_gui.demo import DemoAws

    with DemoAws() as env:
        payload = {
            "endpoint_url": env.endpoint_url,
            "config_file": env.config_file,
            "credentials_file": env.credentials_file,
            "source_profile": env.source_profile,
            "profiles": [profile.to_dict() for profile in env.profiles],
            "bucket_counts": {acct: len(names) for acct, names in env.buckets_by_account.items()},
        }
        print(json.dumps(payload), flush=True)
        sys.stdin.read()
    return 0


def serve_standin() -> int:
    """Child: run the stand-in until stdin closes; print its endpoint first.

    Its long-term key (:data:`STANDIN_KEY_ID`) belongs to the empty account; an assumed
    role's account holds as many buckets as its id says (only the two the bench uses).
    """
    from tests.aws_stand_in import ListedBucket, StandIn

    huge = [ListedBucket(*row) for row in bucket_rows(int(HUGE_ACCOUNT))]
    with StandIn(
        users={STANDIN_KEY_ID: EMPTY_ACCOUNT},
        buckets={HUGE_ACCOUNT: huge},  # rendered once, before anyone measures
        keep_alive=True,  # as botocore's connection pool expects of AWS
    ) as aws:
        print(json.dumps({"endpoint_url": aws.endpoint_url}), flush=True)
        sys.stdin.read()
    return 0


@dataclass(frozen=True)
class Emulator:
    """The running demo emulator, as its child process described it."""

    endpoint_url: str
    config_file: str
    credentials_file: str
    source_profile: str
    profiles: tuple[RoleProfile, ...]
    bucket_counts: dict[str, int]

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Emulator:
        return cls(
            endpoint_url=payload["endpoint_url"],
            config_file=payload["config_file"],
            credentials_file=payload["credentials_file"],
            source_profile=payload["source_profile"],
            profiles=tuple(RoleProfile.from_dict(p) for p in payload["profiles"]),
            bucket_counts={k: int(v) for k, v in payload["bucket_counts"].items()},
        )

    def make_service(self) -> AwsService:
        return AwsService(
            endpoint_url=self.endpoint_url,
            config_file=self.config_file,
            credentials_file=self.credentials_file,
        )

    def profile(self, name: str) -> RoleProfile:
        return next(p for p in self.profiles if p.name == name)


def write_standin_aws_files(directory: Path) -> tuple[str, str]:
    """AWS config and credentials files that sign with the stand-in's long-term key."""
    config = directory / "config"
    credentials = directory / "credentials"
    config.write_text("[default]\nregion = us-east-1\n", encoding="utf-8")
    credentials.write_text(
        f"[default]\naws_access_key_id = {STANDIN_KEY_ID}\n"
        "aws_secret_access_key = benchSecretForTheStandInOnly00000000000\n",
        encoding="utf-8",
    )
    return str(config), str(credentials)
