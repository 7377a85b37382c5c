"""Fill the Region column for buckets whose ListBuckets entry carried none.

One GetBucketLocation per bucket, a few at a time on a small thread pool (so a
10,000-bucket account does not open 10,000 connections), results streaming to
the table in batches. Each lookup belongs to a generation; starting a new one
(another switch) makes every pending batch of the old one stop and be dropped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

# Each lookup is ~1-2 ms of Python (signing, parsing) under the GIL: eight at once kept
# the GUI thread from the GIL for 55-140 ms at a time on a fast network; two keep it
# under 25 ms (build_scripts/bench.py), at the cost of a slower fill on slow links.
MAX_CONCURRENT_LOOKUPS = 2
BATCH_SIZE = 25
# GetBucketLocation's answer for the two regions that predate region names.
_LEGACY_LOCATIONS = {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}

ClientFactory = Callable[[], Any]


def region_from_location(location: str | None) -> str:
    return _LEGACY_LOCATIONS.get(location, location or "us-east-1")


class RegionLookup(QObject):
    """Emits :attr:`found` (generation, {bucket: region}) from pool threads (queued)."""

    found = Signal(int, dict)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(MAX_CONCURRENT_LOOKUPS, thread_name_prefix="region")
        self._lock = threading.Lock()
        self._generation = 0

    @property
    def generation(self) -> int:
        with self._lock:
            return self._generation

    def start(self, client_factory: ClientFactory, names: Sequence[str]) -> int:
        """Look up ``names``; returns the generation their results will carry."""
        generation = self.cancel()
        client = _SharedClient(client_factory)
        for offset in range(0, len(names), BATCH_SIZE):
            batch = list(names[offset : offset + BATCH_SIZE])
            self._pool.submit(self._look_up, generation, client, batch)
        return generation

    def cancel(self) -> int:
        """Make every pending lookup stale; returns the new generation."""
        with self._lock:
            self._generation += 1
            return self._generation

    def shutdown(self, wait: bool = True) -> None:
        """Stop: pending batches are dropped, running ones stop at their next bucket."""
        self.cancel()
        self._pool.shutdown(wait=wait, cancel_futures=True)

    def _look_up(self, generation: int, client: _SharedClient, names: list[str]) -> None:
        regions: dict[str, str] = {}
        for name in names:
            if self.generation != generation:
                return  # a newer switch: stop spending requests on an old account
            try:
                answer = client.get().get_bucket_location(Bucket=name)
            except Exception as exc:  # one unreadable bucket must not stop the others
                log.info("no region for bucket %s: %s", name, type(exc).__name__)
                continue
            regions[name] = region_from_location(answer.get("LocationConstraint"))
        if regions and self.generation == generation:
            self.found.emit(generation, regions)


class _SharedClient:
    """One S3 client per lookup, created by the first pool thread that needs it."""

    def __init__(self, factory: ClientFactory) -> None:
        self._factory = factory
        self._lock = threading.Lock()
        self._client: Any = None

    def get(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = self._factory()
            return self._client
