"""What a switch is compared with: the floor (the same AWS calls made directly, without
the app) and the naive way (a new boto3.Session and clients on every switch)."""

from __future__ import annotations

import contextlib
import gc
import os
import time
from collections.abc import Iterator
from typing import Any

from build_scripts.bench.harness import BenchError
from build_scripts.bench.worlds import Emulator
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.timestamps import use_fast_timestamps


class Floor:
    """The least work a switch needs: AssumeRole and ListBuckets made directly with one
    botocore session kept for the whole run (a new S3 client per set of credentials, as
    any caller needs); the same client settings as the app, its timestamp parser
    included (core/timestamps.py), so a ratio to the floor is the app's own work.
    ``app_timestamps=False`` is what a plain botocore caller gets (dateutil)."""

    def __init__(
        self, emu: Emulator, endpoint_url: str | None = None, *, app_timestamps: bool = True
    ) -> None:
        import botocore.session
        from botocore.config import Config

        self._emu = emu
        self._endpoint_url = endpoint_url or emu.endpoint_url
        self._session = botocore.session.Session(profile=emu.source_profile)
        if app_timestamps:
            use_fast_timestamps(self._session)
        self._session.set_config_variable("config_file", emu.config_file)
        self._session.set_config_variable("credentials_file", emu.credentials_file)
        self._config = Config(
            connect_timeout=3, read_timeout=3, retries={"mode": "standard", "max_attempts": 3}
        )
        self._sts = self._client("sts")
        self._s3: dict[str, Any] = {}

    def _client(self, service: str, creds: dict[str, Any] | None = None) -> Any:
        return self._session.create_client(
            service,
            region_name="us-east-1",
            endpoint_url=self._endpoint_url,
            config=self._config,
            aws_access_key_id=creds["AccessKeyId"] if creds else None,
            aws_secret_access_key=creds["SecretAccessKey"] if creds else None,
            aws_session_token=creds["SessionToken"] if creds else None,
        )

    def fresh(self, profile: RoleProfile, session_name: str, keep: bool = False) -> float:
        params: dict[str, Any] = {"RoleArn": profile.role_arn, "RoleSessionName": session_name}
        if profile.external_id:
            params["ExternalId"] = profile.external_id
        started = time.perf_counter()
        creds = self._sts.assume_role(**params)["Credentials"]
        s3 = self._client("s3", creds)
        count = len(s3.list_buckets()["Buckets"])
        elapsed = time.perf_counter() - started
        if count != self._emu.bucket_counts[profile.account_id]:
            raise BenchError(f"floor listed {count} buckets for {profile.name}")
        if keep:
            self._s3[profile.name] = s3
        del s3
        # A client dropped is cyclic garbage (thousands of objects): collected now, untimed,
        # so its collection never lands inside the app's next measured switch.
        gc.collect()
        return elapsed

    def cached(self, profile: RoleProfile) -> float:
        started = time.perf_counter()
        self._s3[profile.name].list_buckets()
        return time.perf_counter() - started


def naive_switch(
    emu: Emulator, profile: RoleProfile, session_name: str, endpoint_url: str | None = None
) -> float:
    """What the usual examples do: a new boto3.Session and new clients on every switch."""
    import boto3

    endpoint_url = endpoint_url or emu.endpoint_url
    started = time.perf_counter()
    source = boto3.Session(profile_name=emu.source_profile)
    sts = source.client("sts", endpoint_url=endpoint_url)
    params: dict[str, Any] = {"RoleArn": profile.role_arn, "RoleSessionName": session_name}
    if profile.external_id:
        params["ExternalId"] = profile.external_id
    creds = sts.assume_role(**params)["Credentials"]
    target = boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name="us-east-1",
    )
    target.client("s3", endpoint_url=endpoint_url).list_buckets()
    return time.perf_counter() - started


@contextlib.contextmanager
def aws_files_in_environment(emu: Emulator) -> Iterator[None]:
    """boto3.Session() finds its files through the environment (naive way only)."""
    saved = {k: os.environ.get(k) for k in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")}
    os.environ["AWS_CONFIG_FILE"] = emu.config_file
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = emu.credentials_file
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
