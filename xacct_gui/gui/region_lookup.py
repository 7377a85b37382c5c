"""Fill the Region column for buckets whose ListBuckets entry carried none.

One GetBucketLocation per bucket, a few at a time on the lookup pool (so a
10,000-bucket account does not open 10,000 connections), results streaming to
the table in batches. Each lookup belongs to a generation; starting a new one
(another switch) makes every pending batch of the old one stop and be dropped.

The S3 client is created on the AWS worker and handed in: the pool threads only
call it (the rules are in :mod:`xacct_gui.gui.threads`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal

from xacct_gui.gui.threads import MAX_CONCURRENT_LOOKUPS, new_lookup_pool

log = logging.getLogger(__name__)

__all__ = ["BATCH_SIZE", "MAX_CONCURRENT_LOOKUPS", "RegionLookup", "region_from_location"]

BATCH_SIZE = 25
# GetBucketLocation's answer for the two regions that predate region names.
_LEGACY_LOCATIONS = {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}


def region_from_location(location: str | None) -> str:
    return _LEGACY_LOCATIONS.get(location, location or "us-east-1")


class RegionLookup(QObject):
    """Emits :attr:`found` (generation, {bucket: region}) and :attr:`failed`
    (generation, [bucket]) from pool threads (queued to the GUI thread)."""

    found = Signal(int, dict)
    failed = Signal(int, list)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = new_lookup_pool()
        self._lock = threading.Lock()
        self._generation = 0

    @property
    def generation(self) -> int:
        with self._lock:
            return self._generation

    def start(self, s3_client: Any, names: Sequence[str]) -> int:
        """Look up ``names`` with ``s3_client`` (made on the worker); returns the
        generation their results will carry."""
        generation = self.cancel()
        for offset in range(0, len(names), BATCH_SIZE):
            batch = list(names[offset : offset + BATCH_SIZE])
            self._pool.submit(self._look_up, generation, s3_client, batch)
        return generation

    def cancel(self) -> int:
        """Make every pending lookup stale; returns the new generation."""
        with self._lock:
            self._generation += 1
            return self._generation

    def shutdown(self, wait: bool = True) -> None:
        """Stop: pending batches are dropped, running ones stop at their next bucket."""
        self.cancel()
        self._pool.shutdown(wait=wait)

    def _look_up(self, generation: int, s3_client: Any, names: list[str]) -> None:
        regions: dict[str, str] = {}
        failed: list[str] = []
        for name in names:
            if self.generation != generation:
                return  # a newer switch: stop spending requests on an old account
            try:
                answer = s3_client.get_bucket_location(Bucket=name)
            except Exception as exc:  # one unreadable bucket must not stop the others
                log.info("no region for bucket %s: %s", name, type(exc).__name__)
                failed.append(name)
                continue
            regions[name] = region_from_location(answer.get("LocationConstraint"))
        if self.generation != generation:
            return
        if regions:
            self.found.emit(generation, regions)
        if failed:  # the table stops showing "…" for them
            self.failed.emit(generation, failed)
