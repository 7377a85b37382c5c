"""The running demo: one shared, seeded moto server and the environment it offers.

:class:`DemoAws` starts moto's server on a free loopback port, seeds it (see
:mod:`.plan` and :mod:`.seeding`), then turns IAM enforcement on so the
emulator answers AccessDenied the way AWS would.

moto runs in this process and keeps its state (backends, ``moto.settings``)
in module globals, so every server in one process shares it. Instead of
letting two demos trample each other, the emulator is shared: a second
:class:`DemoAws` with the same bucket count attaches to the running one, and
the emulator is torn down when the last user stops.
"""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING, Any

from ..core.aws import AwsService
from ..core.profiles import RoleProfile
from ..core.sessions import KeySource
from .plan import (
    MANAGEMENT_ACCOUNT_NAME,
    ORGANISATION_ACCOUNT,
    SOURCE_PROFILE,
    forbidden_profile,
    plan_accounts,
    plan_organisation,
)
from .seeding import (
    Seeder,
    backdate_buckets,
    name_management_account,
    post,
    set_enforcement,
    write_aws_files,
    write_credentials,
)

if TYPE_CHECKING:
    from ..core.sso.store import SsoStore

log = logging.getLogger(__name__)


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
    # The demo's IAM Identity Center stand-in, when one runs.
    sso_endpoint_url: str | None = None
    # The organisation Audit's account manages: member name -> account id.
    organisation: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def make_service(
        self, keys: KeySource | None = None, sso_store: SsoStore | None = None
    ) -> AwsService:
        return AwsService(
            endpoint_url=self.endpoint_url,
            config_file=self.config_file,
            credentials_file=self.credentials_file,
            keys=keys,
            sso_store=sso_store,
            sso_endpoint_url=self.sso_endpoint_url,
        )


class _Emulator:
    """One running, seeded moto server and its temp dir."""

    def __init__(self, prod_bucket_count: int) -> None:
        self.prod_bucket_count = prod_bucket_count
        self.temp_dir = tempfile.mkdtemp(prefix="xacct-demo-")
        # Quitting while the emulator is still being seeded (on its own thread) ends the
        # process without stop(); the demo's files must not outlive it even then.
        atexit.register(shutil.rmtree, self.temp_dir, ignore_errors=True)
        self._server: Any = None
        self.environment: DemoEnvironment | None = None

    def start(self) -> DemoEnvironment:
        try:
            endpoint_url = self._start_server()
            self.environment = self._seed(endpoint_url)
            set_enforcement(endpoint_url, on=True)
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
        plans = plan_accounts(self.prod_bucket_count)
        config_file, credentials_file = write_aws_files(self.temp_dir)
        seeder = Seeder(endpoint_url, config_file)
        key_id, secret = seeder.create_source_user(plan.profile.role_arn for plan in plans)
        write_credentials(credentials_file, key_id, secret)
        forbidden = forbidden_profile()
        # The forbidden role exists, so its denial comes from the user's policy alone.
        seeder.create_role(seeder.account_credentials(forbidden.account_id), forbidden, True)
        now = datetime.now(timezone.utc)
        for plan in plans:
            keys = seeder.account_credentials(plan.profile.account_id)
            manages = plan.profile.account_id == ORGANISATION_ACCOUNT
            seeder.create_role(keys, plan.profile, plan.can_list_buckets, manages)
            seeder.create_buckets(keys, plan.buckets)
            backdate_buckets(plan.profile.account_id, plan.buckets, now)
        members = plan_organisation()
        organisation = seeder.create_organisation(ORGANISATION_ACCOUNT, members)
        name_management_account(ORGANISATION_ACCOUNT, MANAGEMENT_ACCOUNT_NAME)
        for member in members:
            backdate_buckets(organisation[member.name], member.buckets, now)
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
            organisation=MappingProxyType(organisation),
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
            set_enforcement(endpoint_url, on=False)
            # Drop every account's data so a later demo in this process seeds afresh.
            post(endpoint_url, "/moto-api/reset", "")
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
