"""The AWS worker and the GUI-thread controller that drives it.

The worker follows the rules stated once in :mod:`xacct_gui.gui.threads`. It
runs requests one at a time, so a burst of switches skips every stale request
before it touches AWS. Other AWS work goes through :meth:`SwitchController.run_job`
with its continuations, which the controller keeps by job id and calls on the
GUI thread.
"""

from __future__ import annotations

import dataclasses
import gc
import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QObject, QThread, Signal, Slot

from xacct_gui.core.prepared_buckets import PreparedBuckets
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.gui.threads import new_worker_thread

if TYPE_CHECKING:  # importing botocore costs ~0.3 s: keep it off the start-up path
    from xacct_gui.core.aws import AwsService, SwitchResult

log = logging.getLogger(__name__)

ServiceFactory = Callable[[], "AwsService"]
T = TypeVar("T")
# A piece of AWS work beyond switching (console link, credentials, discovery, the client
# for the Region lookups): runs on the worker thread with the one AwsService.
AwsJob = Callable[["AwsService"], T]
OnError = Callable[[str, str], None]  # user message, error code
OnMfa = Callable[[str], None]  # MFA device serial
SHUTDOWN_WAIT_MS = 20_000


@dataclass(frozen=True)
class _Continuation(Generic[T]):
    """What to do with a job's outcome; called on the GUI thread."""

    on_done: Callable[[T], None]
    on_error: OnError | None
    on_mfa: OnMfa | None

    def error(self, message: str, code: str) -> None:
        if self.on_error is not None:
            self.on_error(message, code)
        else:
            log.info("a background AWS job failed: %s (%s)", message, code)

    def mfa(self, serial: str) -> None:
        if self.on_mfa is not None:
            self.on_mfa(serial)
        else:
            self.error(f"An MFA code from {serial} is needed.", "MfaCodeRequired")


@dataclass(frozen=True)
class SwitchRequest:
    """Everything the worker needs, read from widgets on the GUI thread beforehand."""

    profile: RoleProfile
    chain: tuple[RoleProfile, ...] = ()  # source roles, nearest first
    mfa_code: str | None = None
    renew: bool = False  # drop the cached session first ("Refresh session")

    def __repr__(self) -> str:  # the MFA code must never reach a log line
        return f"SwitchRequest({self.profile.name!r}, renew={self.renew})"


class LatestRequest:
    """The id of the request the window still wants; shared by both threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value = 0

    def next(self) -> int:
        with self._lock:
            self._value += 1
            return self._value

    def cancel_all(self) -> None:
        self.next()

    def is_current(self, request_id: int) -> bool:
        with self._lock:
            return request_id == self._value


class SwitchWorker(QObject):
    """Lives on the worker thread; owns the AwsService (created there, lazily)."""

    ready = Signal(list)  # AWS CLI profile names, once the service exists
    succeeded = Signal(int, object)  # request id, SwitchResult
    failed = Signal(int, str, str)  # request id, user message, error code
    mfa_needed = Signal(int, str)  # request id, MFA device serial
    job_done = Signal(int, object)  # job id, result
    job_failed = Signal(int, str, str)  # job id, user message, error code
    job_mfa_needed = Signal(int, str)  # job id, MFA device serial

    def __init__(self, service_factory: ServiceFactory, latest: LatestRequest) -> None:
        super().__init__()
        self._service_factory = service_factory
        self._service: AwsService | None = None
        self._latest = latest

    def _get_service(self) -> AwsService:
        if self._service is None:
            self._service = self._service_factory()
        return self._service

    @Slot()
    def warm_up(self) -> None:
        """Import botocore and load the profile list before the first switch needs them."""
        try:
            self.ready.emit(self._get_service().aws_profile_names())
        except Exception:  # never let a bad AWS config file kill the thread
            log.exception("could not prepare the AWS service")
            self.ready.emit([])
        # What is alive now (modules, botocore's service models, Qt wrappers) lives as
        # long as the app. Freezing it keeps it out of every later full garbage
        # collection: those hold the GIL, whichever thread runs them, and so stalled the
        # GUI thread for ~30 ms each with botocore loaded (build_scripts/bench).
        gc.freeze()

    @Slot(int, object)
    def run_job(self, job_id: int, job: AwsJob[object]) -> None:
        """Run ``job`` with the service; the outcome always comes back as one signal."""
        from xacct_gui.core.errors import MfaCodeRequired, XacctError

        try:
            result = job(self._get_service())
        except MfaCodeRequired as exc:
            self.job_mfa_needed.emit(job_id, exc.serial)
            return
        except XacctError as exc:  # every error of the app's own says what went wrong
            self.job_failed.emit(job_id, str(exc), _code(exc))
            return
        except Exception as exc:  # a failed job must never end the worker thread
            log.exception("a background AWS job failed unexpectedly")
            name = type(exc).__name__
            self.job_failed.emit(job_id, f"Unexpected error ({name}).", name)
            return
        self.job_done.emit(job_id, result)

    @Slot(int, object)
    def switch(self, request_id: int, request: SwitchRequest) -> None:
        from xacct_gui.core.errors import (
            AwsContext,
            Cancelled,
            MfaCodeRequired,
            XacctError,
            to_user_error,
        )

        if not self._latest.is_current(request_id):
            return  # superseded before it started: do not touch AWS at all
        profile = request.profile
        # Parsing a big bucket list creates objects fast enough to trigger one full
        # garbage collection after another, each over the growing list and each holding
        # the GIL, so the GUI thread froze for up to ~100 ms at a time while 100,000
        # buckets loaded. No collection runs during the call; the next one runs once.
        collecting = gc.isenabled()
        gc.disable()
        try:
            result = self._get_service().switch(
                profile,
                mfa_code=request.mfa_code,
                is_current=lambda: self._latest.is_current(request_id),
                chain=request.chain,
                renew=request.renew,
            )
            # Casefolding and sorting by name here, not on the GUI thread.
            result = dataclasses.replace(result, buckets=PreparedBuckets(result.buckets))
        except Cancelled:
            return
        except MfaCodeRequired as exc:
            self.mfa_needed.emit(request_id, exc.serial)
            return
        except XacctError as exc:  # every error of the app's own says what went wrong
            self.failed.emit(request_id, str(exc), _code(exc))
            return
        except Exception as exc:  # anything unexpected still ends as a message, not a crash
            log.exception("switch to %r failed unexpectedly", profile.name)
            error = to_user_error(exc, "assume", AwsContext(role_arn=profile.role_arn))
            self.failed.emit(request_id, str(error), error.code)
            return
        finally:
            if collecting:
                gc.enable()
        self.succeeded.emit(request_id, result)


class SwitchController(QObject):
    """Main-thread façade: start switches, receive only the latest outcome."""

    # Signals the window listens to.
    aws_profiles_ready = Signal(list)
    switch_started = Signal(object)  # RoleProfile
    switched = Signal(object)  # SwitchResult
    switch_failed = Signal(object, str, str)  # RoleProfile, message, code
    mfa_required = Signal(object, str)  # RoleProfile, MFA device serial
    busy_changed = Signal(bool)

    # Internal: queued to the worker thread.
    _request = Signal(int, object)
    _warm_up = Signal()
    _job = Signal(int, object)

    def __init__(self, service_factory: ServiceFactory, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._latest = LatestRequest()
        self._in_flight: dict[int, RoleProfile] = {}
        self._continuations: dict[int, _Continuation[Any]] = {}
        self._thread = new_worker_thread()
        self._worker = SwitchWorker(service_factory, self._latest)
        self._worker.moveToThread(self._thread)
        # Every connection is made before the thread starts.
        self._request.connect(self._worker.switch)
        self._warm_up.connect(self._worker.warm_up)
        self._worker.succeeded.connect(self._on_succeeded)
        self._worker.failed.connect(self._on_failed)
        self._worker.mfa_needed.connect(self._on_mfa_needed)
        self._worker.ready.connect(self._on_ready)
        self._job.connect(self._worker.run_job)
        self._worker.job_done.connect(self._on_job_done)
        self._worker.job_failed.connect(self._on_job_failed)
        self._worker.job_mfa_needed.connect(self._on_job_mfa_needed)
        self._job_ids = itertools.count(1)
        self._thread.finished.connect(self._worker.deleteLater)
        self._thread.start()
        self._stopped = False

    def warm_up(self) -> None:
        self._warm_up.emit()

    def request_switch(self, request: SwitchRequest) -> int:
        """Start switching to ``request.profile``; any earlier request becomes stale."""
        request_id = self._latest.next()
        self._in_flight = {request_id: request.profile}
        self.switch_started.emit(request.profile)
        self.busy_changed.emit(True)
        self._request.emit(request_id, request)
        return request_id

    def run_job(
        self,
        job: AwsJob[T],
        *,
        on_done: Callable[[T], None],
        on_error: OnError | None = None,
        on_mfa: OnMfa | None = None,
    ) -> int:
        """Queue ``job`` on the worker (after any switch in progress); returns its id.

        Exactly one continuation runs, on the GUI thread: ``on_done(result)``,
        ``on_error(message, code)`` or ``on_mfa(serial)`` (without ``on_mfa``, a
        needed MFA code counts as an error; without ``on_error``, errors are logged).
        None runs after :meth:`shutdown`.
        """
        job_id = next(self._job_ids)
        self._continuations[job_id] = _Continuation(on_done, on_error, on_mfa)
        self._job.emit(job_id, job)
        return job_id

    @Slot(int, object)
    def _on_job_done(self, job_id: int, result: object) -> None:
        continuation = self._continuations.pop(job_id, None)
        if continuation is not None:
            continuation.on_done(result)

    @Slot(int, str, str)
    def _on_job_failed(self, job_id: int, message: str, code: str) -> None:
        continuation = self._continuations.pop(job_id, None)
        if continuation is not None:
            continuation.error(message, code)

    @Slot(int, str)
    def _on_job_mfa_needed(self, job_id: int, serial: str) -> None:
        continuation = self._continuations.pop(job_id, None)
        if continuation is not None:
            continuation.mfa(serial)

    def cancel(self) -> None:
        self._latest.cancel_all()
        if self._in_flight:
            self._in_flight = {}
            self.busy_changed.emit(False)

    @property
    def busy(self) -> bool:
        return bool(self._in_flight)

    @property
    def worker_thread(self) -> QThread:
        """The thread the worker runs on (to check that it stopped)."""
        return self._thread

    @Slot(list)
    def _on_ready(self, names: list[Any]) -> None:
        self.aws_profiles_ready.emit([str(n) for n in names])

    @Slot(int, object)
    def _on_succeeded(self, request_id: int, result: SwitchResult) -> None:
        if self._in_flight.pop(request_id, None) is None:
            return  # stale: a newer switch owns the window now
        self.busy_changed.emit(False)
        self.switched.emit(result)

    @Slot(int, str, str)
    def _on_failed(self, request_id: int, message: str, code: str) -> None:
        profile = self._in_flight.pop(request_id, None)
        if profile is None:
            return
        self.busy_changed.emit(False)
        self.switch_failed.emit(profile, message, code)

    @Slot(int, str)
    def _on_mfa_needed(self, request_id: int, serial: str) -> None:
        profile = self._in_flight.pop(request_id, None)
        if profile is None:
            return
        self.busy_changed.emit(False)
        self.mfa_required.emit(profile, serial)

    def shutdown(self, wait_ms: int = SHUTDOWN_WAIT_MS) -> bool:
        """Cancel, stop the thread and wait up to ``wait_ms`` for it; True when it has
        stopped. May be called again to wait longer (a request stuck on a silent network
        returns only when its timeouts and retries run out)."""
        if not self._stopped:
            self._stopped = True
            self.cancel()
            self._continuations.clear()
            self._thread.quit()
        stopped = self._thread.isFinished() or self._thread.wait(wait_ms)
        if not stopped:
            log.warning("the AWS worker did not stop within %d ms", wait_ms)
        return bool(stopped)


def _code(exc: Exception) -> str:
    return str(getattr(exc, "code", type(exc).__name__))
