"""An overall deadline for one AWS call: DNS, connect and every read together.

botocore's ``connect_timeout`` and ``read_timeout`` bound each socket wait, not the
call: an endpoint that trickles one byte every 2 s keeps a call alive for ever, and
name resolution (``getaddrinfo``, e.g. behind a dropped VPN) is not bounded at all.
Python cannot interrupt either, so the call runs on a daemon thread of its own and
the caller stops waiting when the deadline passes. The abandoned call finishes (or
hangs) on its own; its result is dropped, and because it may still be using the
service's botocore objects, the caller must not use that service again (the worker
makes a fresh one; see docs/architecture.md, "Threads"). Daemon threads never keep
the process from exiting.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from .errors import AwsError, Cancelled

T = TypeVar("T")

# DNS + connect + read of one AWS call (DESIGN: "fails within ~15 s, not 60").
AWS_CALL_DEADLINE_S = 15.0
_POLL_S = 0.05


class DeadlineExceeded(AwsError):
    """The call did not finish in time; it was abandoned."""

    code = "DeadlineExceeded"

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"Cannot reach AWS: no answer within {seconds:g} s. Check that you are online, "
            "the VPN and proxy settings, and any custom endpoint.",
            "DeadlineExceeded",
        )


class Abandoned(Cancelled):
    """The caller gave up on the call before its deadline (quit, or a newer request)."""

    code = "Abandoned"


class _Outcome(Generic[T]):
    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: T | None = None
        self.error: BaseException | None = None


def call_with_deadline(
    call: Callable[[], T],
    seconds: float = AWS_CALL_DEADLINE_S,
    *,
    give_up: Callable[[float], bool] = lambda _elapsed: False,
    name: str = "aws-call",
) -> T:
    """``call()``'s result, or its exception, if it finishes within ``seconds``.

    Raises :class:`DeadlineExceeded` when the deadline passes and :class:`Abandoned`
    as soon as ``give_up(elapsed_seconds)`` is true; in both cases the call keeps
    running on its daemon thread and whatever it returns is dropped.
    """
    outcome: _Outcome[T] = _Outcome()

    def run() -> None:
        try:
            outcome.value = call()
        except BaseException as exc:  # handed to the waiting thread, raised there
            outcome.error = exc
        finally:
            outcome.done.set()

    started = time.monotonic()
    threading.Thread(target=run, name=name, daemon=True).start()
    while not outcome.done.wait(_POLL_S):
        elapsed = time.monotonic() - started
        if give_up(elapsed):
            raise Abandoned("The call was abandoned.")
        if elapsed >= seconds:
            raise DeadlineExceeded(seconds)
    if outcome.error is not None:
        raise outcome.error
    return outcome.value  # type: ignore[return-value]
