"""The embedded local AWS behind ``--demo`` and the integration tests.

:class:`DemoAws` starts moto's server on a free loopback port, seeds a source
account (a user with an access key that may assume four roles) and four
target accounts that mirror a real setup (Dev, Test with an ExternalId, Prod,
and an Audit role that may not list buckets), then turns IAM enforcement on so
the emulator answers AccessDenied the way AWS would.

moto runs in this process and keeps its state (backends, ``moto.settings``)
in module globals, so every server in one process shares it. Instead of
letting two demos trample each other, the emulator is shared: a second
:class:`DemoAws` with the same bucket count attaches to the running one, and
the emulator is torn down when the last user stops.

Everything AWS-side here is fake: the access key only works against the
emulator, and nothing outside the demo's temp dir is written.
"""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import tempfile
import threading
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from types import MappingProxyType, TracebackType
from typing import Any

import botocore.session
from botocore.config import Config

from .core.aws import AwsService
from .core.profiles import RoleProfile
from .core.sessions import KeySource

log = logging.getLogger(__name__)

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
# Seeding keys: without enforcement moto accepts any key and files unknown
# ones under its default account, which is the demo's source account.
_SEED_KEY = "xacct-demo-seeder"
_SEED_SESSION = "xacct-demo-seed"
_HTTP_TIMEOUT = 5.0
_SEED_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 1},
    s3={"addressing_style": "path"},  # loopback IPs cannot carry virtual-host buckets
)


@dataclass(frozen=True)
class DemoEnvironment:
    """Everything a caller needs to talk to a running demo."""

    endpoint_url: str
    config_file: str
    credentials_file: str
    source_profile: str
    profiles: tuple[RoleProfile, ...]
    buckets_by_account: Mapping[str, tuple[str, ...]]
    forbidden_profile: RoleProfile

    def make_service(self, keys: KeySource | None = None) -> AwsService:
        return AwsService(
            endpoint_url=self.endpoint_url,
            config_file=self.config_file,
            credentials_file=self.credentials_file,
            keys=keys,
        )


# --- the plan: what the demo seeds (pure, deterministic) ---


@dataclass(frozen=True)
class _BucketSpec:
    name: str
    region: str
    age: timedelta


@dataclass(frozen=True)
class _AccountPlan:
    profile: RoleProfile
    can_list_buckets: bool
    buckets: tuple[_BucketSpec, ...]


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
) -> tuple[_BucketSpec, ...]:
    regions = [region for region, _ in BUCKET_REGIONS]
    weights = [weight for _, weight in BUCKET_REGIONS]
    return tuple(
        _BucketSpec(
            name=_bucket_name(prefix, rng, taken),
            region=rng.choices(regions, weights)[0],
            age=timedelta(seconds=rng.uniform(3600, MAX_BUCKET_AGE.total_seconds())),
        )
        for _ in range(count)
    )


def _plan(prod_bucket_count: int) -> tuple[_AccountPlan, ...]:
    rng = random.Random(BUCKET_SEED)
    taken: set[str] = set()
    return (
        _AccountPlan(
            _profile("Dev", "222222222222", "DeveloperAccess", "green"),
            True,
            _bucket_specs("dev", DEV_BUCKET_COUNT, rng, taken),
        ),
        _AccountPlan(
            _profile(
                "Test", "333333333333", "TesterAccess", "yellow", external_id=TEST_EXTERNAL_ID
            ),
            True,
            _bucket_specs("test", TEST_BUCKET_COUNT, rng, taken),
        ),
        _AccountPlan(
            _profile("Prod", "444444444444", "ReadOnly", "red"),
            True,
            _bucket_specs("prod", prod_bucket_count, rng, taken),
        ),
        _AccountPlan(
            _profile("Audit", "555555555555", "AuditNoS3", "blue"),
            False,
            _bucket_specs("audit", AUDIT_BUCKET_COUNT, rng, taken),
        ),
    )


def _forbidden_profile() -> RoleProfile:
    return _profile("Forbidden", FORBIDDEN_ACCOUNT, FORBIDDEN_ROLE, "orange")


# --- IAM documents ---


def _policy(statements: Iterable[Mapping[str, Any]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _source_user_policy(role_arns: Iterable[str]) -> str:
    return _policy(
        [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": list(role_arns)},
            # Real AWS never needs a permission for GetSessionToken (the MFA session);
            # the emulator's enforcement does, so the demo user is given it.
            {"Effect": "Allow", "Action": "sts:GetSessionToken", "Resource": "*"},
        ]
    )


def _trust_policy(external_id: str | None) -> str:
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


def _role_policy(can_list_buckets: bool) -> str:
    if can_list_buckets:
        actions = ["s3:ListAllMyBuckets", "s3:GetBucketLocation"]
    else:
        # A plausible auditor role that simply has no S3 rights, so the demo
        # shows the "no s3:ListAllMyBuckets" message.
        actions = ["cloudtrail:LookupEvents", "iam:GetAccountSummary"]
    return _policy([{"Effect": "Allow", "Action": actions, "Resource": "*"}])


# --- talking to the emulator ---


def _post(endpoint_url: str, path: str, body: str) -> None:
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


def _set_enforcement(endpoint_url: str, on: bool) -> None:
    # The body is how many requests moto lets through before it checks IAM.
    _post(endpoint_url, "/moto-api/reset-auth", "0" if on else "inf")


@dataclass(frozen=True)
class _Keys:
    """Credentials the seeder signs with (emulator-only)."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)


class _Seeder:
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
            PolicyDocument=_source_user_policy(role_arns),
        )
        key = iam.create_access_key(UserName=DEMO_USER)["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]

    def create_role(self, keys: _Keys, profile: RoleProfile, can_list_buckets: bool) -> None:
        iam = self.client("iam", keys)
        iam.create_role(
            RoleName=profile.role_name,
            AssumeRolePolicyDocument=_trust_policy(profile.external_id),
            Description=f"xacct demo: {profile.name}",
        )
        iam.put_role_policy(
            RoleName=profile.role_name,
            PolicyName="xacct-demo-access",
            PolicyDocument=_role_policy(can_list_buckets),
        )

    def create_buckets(self, keys: _Keys, buckets: Iterable[_BucketSpec]) -> None:
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


def _backdate_buckets(account_id: str, buckets: Iterable[_BucketSpec], now: datetime) -> int:
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


# --- files ---


def _write_private(path: str, text: str) -> None:
    # The keys only work against the emulator, but keep the habit: owner-only.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def _write_aws_files(directory: str) -> tuple[str, str]:
    config_file = os.path.join(directory, "config")
    credentials_file = os.path.join(directory, "credentials")
    _write_private(config_file, f"[profile {SOURCE_PROFILE}]\nregion = {DEMO_REGION}\n")
    _write_private(credentials_file, "")
    return config_file, credentials_file


def _write_credentials(path: str, key_id: str, secret: str) -> None:
    _write_private(
        path,
        f"[{SOURCE_PROFILE}]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n",
    )


# --- the emulator's life ---


class _Emulator:
    """One running, seeded moto server and its temp dir."""

    def __init__(self, prod_bucket_count: int) -> None:
        self.prod_bucket_count = prod_bucket_count
        self.temp_dir = tempfile.mkdtemp(prefix="xacct-demo-")
        self._server: Any = None
        self.environment: DemoEnvironment | None = None

    def start(self) -> DemoEnvironment:
        try:
            endpoint_url = self._start_server()
            self.environment = self._seed(endpoint_url)
            _set_enforcement(endpoint_url, on=True)
        except BaseException:
            self.stop()
            raise
        return self.environment

    def _start_server(self) -> str:
        try:
            from moto.server import ThreadedMotoServer
        except ImportError as exc:
            raise RuntimeError(
                "The demo needs moto's server: pip install 'xacct-gui[demo]'"
            ) from exc
        # Werkzeug logs every request at INFO; the demo would flood the log.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        return f"http://{host}:{port}"

    def _seed(self, endpoint_url: str) -> DemoEnvironment:
        plans = _plan(self.prod_bucket_count)
        config_file, credentials_file = _write_aws_files(self.temp_dir)
        seeder = _Seeder(endpoint_url, config_file)
        key_id, secret = seeder.create_source_user(plan.profile.role_arn for plan in plans)
        _write_credentials(credentials_file, key_id, secret)
        forbidden = _forbidden_profile()
        # The forbidden role exists, so its denial comes from the user's policy alone.
        seeder.create_role(seeder.account_credentials(forbidden.account_id), forbidden, True)
        now = datetime.now(timezone.utc)
        for plan in plans:
            keys = seeder.account_credentials(plan.profile.account_id)
            seeder.create_role(keys, plan.profile, plan.can_list_buckets)
            seeder.create_buckets(keys, plan.buckets)
            _backdate_buckets(plan.profile.account_id, plan.buckets, now)
        return DemoEnvironment(
            endpoint_url=endpoint_url,
            config_file=config_file,
            credentials_file=credentials_file,
            source_profile=SOURCE_PROFILE,
            profiles=tuple(plan.profile for plan in plans),
            buckets_by_account=MappingProxyType(
                {plan.profile.account_id: tuple(b.name for b in plan.buckets) for plan in plans}
            ),
            forbidden_profile=forbidden,
        )

    def stop(self) -> None:
        """Leave the process as moto found it: enforcement off, no demo state, no files."""
        server, self._server = self._server, None
        if server is not None:
            self._reset_moto(server)
            server.stop()
            # ThreadedMotoServer.stop() shuts the loop down but leaves the socket
            # bound until garbage collection; close it so the port is free now.
            inner = getattr(server, "_server", None)
            if inner is not None:
                inner.server_close()
        shutil.rmtree(self.temp_dir, ignore_errors=True)

    def _reset_moto(self, server: Any) -> None:
        host, port = server.get_host_and_port()
        endpoint_url = f"http://{host}:{port}"
        try:
            _set_enforcement(endpoint_url, on=False)
            # Drop every account's data so a later demo in this process seeds afresh.
            _post(endpoint_url, "/moto-api/reset", "")
        except OSError:
            log.warning("could not reset the emulator over HTTP; resetting in-process")
            from moto import settings

            settings.INITIAL_NO_AUTH_ACTION_COUNT = float("inf")


class _Shared:
    """The process's one emulator and how many :class:`DemoAws` use it."""

    lock = threading.Lock()
    emulator: _Emulator | None = None
    users = 0


def _acquire(prod_bucket_count: int) -> DemoEnvironment:
    with _Shared.lock:
        emulator = _Shared.emulator
        if emulator is None:
            emulator = _Emulator(prod_bucket_count)
            environment = emulator.start()
            _Shared.emulator = emulator
        elif emulator.environment is None or emulator.prod_bucket_count != prod_bucket_count:
            raise RuntimeError(
                f"A demo with {emulator.prod_bucket_count} prod buckets is already running "
                f"in this process; moto's state is process-wide, so another demo with "
                f"{prod_bucket_count} cannot run beside it."
            )
        else:
            environment = emulator.environment
        _Shared.users += 1
        return environment


def _release() -> None:
    with _Shared.lock:
        _Shared.users -= 1
        if _Shared.users > 0 or _Shared.emulator is None:
            return
        emulator, _Shared.emulator = _Shared.emulator, None
        emulator.stop()


class DemoAws:
    """Start (or join) the local demo AWS; also a context manager.

    ``with DemoAws() as env: service = env.make_service()``
    """

    def __init__(self, prod_bucket_count: int = 300) -> None:
        if prod_bucket_count < 0:
            raise ValueError("prod_bucket_count must be 0 or more")
        self._prod_bucket_count = prod_bucket_count
        self._environment: DemoEnvironment | None = None

    @property
    def environment(self) -> DemoEnvironment | None:
        return self._environment

    def start(self) -> DemoEnvironment:
        """Start the emulator on a free loopback port, seed it, enforce IAM."""
        if self._environment is None:
            self._environment = _acquire(self._prod_bucket_count)
        return self._environment

    def stop(self) -> None:
        """Stop using the emulator; the last user stops the server, turns IAM
        enforcement off (a process-wide moto setting) and deletes the temp dir."""
        if self._environment is not None:
            self._environment = None
            _release()

    def __enter__(self) -> DemoEnvironment:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
