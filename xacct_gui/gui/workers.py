"""The AWS worker and the GUI-thread controller that drives it.

The worker follows the rules stated once in :mod:`xacct_gui.gui.threads`. It
runs requests one at a time, so a burst of switches skips every stale request
before it touches AWS. Each call runs under an overall deadline
(:mod:`xacct_gui.core.deadline`): a call that hangs is abandoned, and so is every
call in flight when the app quits. Other AWS work goes through :meth:`SwitchController.run_job`
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

from xacct_gui.core.deadline import AWS_CALL_DEADLINE_S
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
# Calls in flight are abandoned on quit, so the thread stops within one poll (~50 ms);
# the bound only guards against a job stuck in Python code that never returns.
SHUTDOWN_WAIT_MS = 1_500
# A switch superseded by a newer one is abandoned once it has run this long: the
# newer switch should not wait for a hanging call's deadline. Shorter calls are
# waited for, since abandoning one costs the service's cached sessions.
STALE_PATIENCE_S = 1.0


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

    def __init__(
        self,
        service_factory: ServiceFactory,
        latest: LatestRequest,
        stopping: threading.Event | None = None,
        deadline_s: float = AWS_CALL_DEADLINE_S,
    ) -> None:
        super().__init__()
        self._service_factory = service_factory
        self._service: AwsService | None = None
        self._latest = latest
        self._stopping = stopping or threading.Event()
        self._deadline_s = deadline_s

    def _call(
        self,
        work: Callable[[AwsService], T],
        deadline_s: float,
        give_up: Callable[[float], bool] = lambda _elapsed: False,
    ) -> T:
        """``work(service)`` on a call thread, waited for up to ``deadline_s``.

        An abandoned call may still be using the service's botocore session and
        clients, and they may not be used from two threads: the service is dropped,
        and the next call makes a fresh one (cached role sessions are lost with it).
        """
        from xacct_gui.core.deadline import Abandoned, DeadlineExceeded, call_with_deadline

        service = self._get_service()
        try:
            return call_with_deadline(
                lambda: work(service),
                deadline_s,
                give_up=lambda elapsed: self._stopping.is_set() or give_up(elapsed),
            )
        except (Abandoned, DeadlineExceeded):
            self._service = None
            raise

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

    @Slot(int, object, float)
    def run_job(self, job_id: int, job: AwsJob[object], deadline_s: float) -> None:
        """Run ``job`` with the service; the outcome always comes back as one signal."""
        from xacct_gui.core.errors import Cancelled, MfaCodeRequired, XacctError

        try:
            result = self._call(job, deadline_s)
        except Cancelled:
            return  # abandoned on quit: nobody waits for it any more
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
            result = self._call(
                lambda service: service.switch(
                    profile,
                    mfa_code=request.mfa_code,
                    is_current=lambda: self._latest.is_current(request_id),
                    chain=request.chain,
                    renew=request.renew,
                ),
                self._deadline_s,
                give_up=lambda elapsed: (
                    elapsed > STALE_PATIENCE_S and not self._latest.is_current(request_id)
                ),
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
    _job = Signal(int, object, float)

    def __init__(
        self,
        service_factory: ServiceFactory,
        parent: QObject | None = None,
        *,
        deadline_s: float = AWS_CALL_DEADLINE_S,
    ) -> None:
        super().__init__(parent)
        self._latest = LatestRequest()
        self._in_flight: dict[int, RoleProfile] = {}
        self._continuations: dict[int, _Continuation[Any]] = {}
        self._thread = new_worker_thread()
        self._stopping = threading.Event()
        self._deadline_s = deadline_s
        self._worker = SwitchWorker(service_factory, self._latest, self._stopping, deadline_s)
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
        deadline_s: float | None = None,
    ) -> int:
        """Queue ``job`` on the worker (after any switch in progress); returns its id.

        Exactly one continuation runs, on the GUI thread: ``on_done(result)``,
        ``on_error(message, code)`` or ``on_mfa(serial)`` (without ``on_mfa``, a
        needed MFA code counts as an error; without ``on_error``, errors are logged).
        None runs after :meth:`shutdown`. ``deadline_s`` (default: the one every AWS
        call has) bounds the whole job; a job of many calls may ask for more.
        """
        job_id = next(self._job_ids)
        self._continuations[job_id] = _Continuation(on_done, on_error, on_mfa)
        self._job.emit(job_id, job, float(deadline_s or self._deadline_s))
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
        """Abandon what is in flight, stop the thread and wait up to ``wait_ms`` for it;
        True when it has stopped. A call stuck on a silent network is left to its
        daemon thread, which never keeps the process alive."""
        if not self._stopped:
            self._stopped = True
            self._stopping.set()
            self.cancel()
            self._continuations.clear()
            self._thread.quit()
        stopped = self._thread.isFinished() or self._thread.wait(wait_ms)
        if not stopped:
            log.warning("the AWS worker did not stop within %d ms", wait_ms)
        return bool(stopped)


def _code(exc: Exception) -> str:
    return str(getattr(exc, "code", type(exc).__name__))
