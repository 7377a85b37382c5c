"""The bucket table's rows, Qt-free: the buckets, their sort keys and kept orders, the
rows the name filter shows, and which regions are still being looked up.

Split from :mod:`xacct_gui.gui.bucket_model` so the model stays about what Qt asks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from xacct_gui.core.prepared_buckets import PreparedBuckets, created_key, name_key

if TYPE_CHECKING:
    # Annotations only: importing core.aws at run time would load botocore with the window.
    from xacct_gui.core.aws import Bucket

COL_NAME = 0
COL_CREATED = 1
COL_REGION = 2
HEADERS = ("Name", "Created", "Region")
COLUMN_COUNT = len(HEADERS)

CREATED_FORMAT = "%Y-%m-%d %H:%M"
# What a Region cell shows while its bucket's GetBucketLocation is on its way.
REGION_PENDING = "…"
REGION_PENDING_TIP = "Looking up the region"
REGION_FAILED_TIP = "The region could not be looked up"

SortKey = str | float


def sort_key(bucket: Bucket, column: int) -> SortKey:
    """What ``column`` sorts by; the same value the model returns for ``SortRole``."""
    if column == COL_NAME:
        return name_key(bucket)
    if column == COL_CREATED:
        return created_key(bucket)
    return (bucket.region or "").casefold()


def display_text(bucket: Bucket, column: int) -> str:
    if column == COL_NAME:
        return bucket.name
    if column == COL_CREATED:
        return bucket.created.astimezone().strftime(CREATED_FORMAT)
    return bucket.region or ""


def _has_ties(keys: Sequence[SortKey]) -> bool:
    return len(set(keys)) < len(keys)


class BucketRows:
    """The buckets in the order they were loaded, the sorted order, and the rows shown.

    Sorting only permutes ``order``; the per-column keys are computed once per load (the
    worker computes the name and Created keys, see core/prepared_buckets.py) and stay
    valid for every later sort of the same buckets, and each sorted order is kept, so
    clicking a header back and forth sorts once per column and direction. ``shown`` is
    ``order`` without the buckets the name filter hides: view row -> index into
    ``buckets``. Orders are never changed in place, so a kept one can be shown again.
    """

    def __init__(self, buckets: Iterable[Bucket]) -> None:
        self._name_order: list[int] | None = None
        if isinstance(buckets, PreparedBuckets):
            self.folded_names = buckets.folded_names
            self._name_order = buckets.name_order
            self.buckets = list(buckets)  # regions learnt later replace items
            self._keys: dict[int, Sequence[SortKey]] = {COL_CREATED: buckets.created_keys}
        else:
            self.buckets = list(buckets)
            # The filter reads these on every row it tests, so they are built once per load.
            self.folded_names = [name_key(bucket) for bucket in self.buckets]
            self._keys = {}
        self._keys[COL_NAME] = self.folded_names
        self._orders: dict[tuple[int, bool], list[int]] = {}
        self.order = list(range(len(self.buckets)))
        self.shown = self.order
        self._positions: dict[str, int] | None = None
        # While True, a bucket with no region is being looked up (shown as "…") unless
        # its lookup failed; a failed one is shown blank, as an unknown region.
        self.looking_up = False
        self.failed: set[int] = set()

    def __len__(self) -> int:
        return len(self.shown)

    def at(self, row: int) -> Bucket:
        return self.buckets[self.shown[row]]

    def pending(self, position: int) -> bool:
        """Whether the bucket at ``position`` (into ``buckets``) waits for its region."""
        return self.looking_up and not self.buckets[position].region and position not in self.failed

    def region_text(self, position: int) -> str:
        if self.pending(position):
            return REGION_PENDING
        return self.buckets[position].region or ""

    def region_tip(self, position: int) -> str | None:
        if self.buckets[position].region:
            return None
        if self.pending(position):
            return REGION_PENDING_TIP
        return REGION_FAILED_TIP if position in self.failed else None

    def matching(self, order: list[int], needle: str) -> list[int]:
        """``order`` without the buckets whose name does not contain ``needle``."""
        if not needle:
            return order
        folded = self.folded_names
        return [index for index in order if needle in folded[index]]

    def sorted_order(self, column: int, descending: bool) -> list[int]:
        """The view order for ``column``; -1 means the order the buckets were loaded in."""
        kept = self._orders.get((column, descending))
        if kept is None:
            kept = self._orders[(column, descending)] = self._sort(column, descending)
        return kept

    def _sort(self, column: int, descending: bool) -> list[int]:
        if column < 0:
            return list(range(len(self.buckets)))
        if column == COL_NAME:
            if not descending:
                return self._by_name()
            return sorted(
                range(len(self.buckets)), key=self.folded_names.__getitem__, reverse=descending
            )
        keys = self._column_keys(column)
        # Starting from name order makes ties (same second, same region) alphabetical in
        # both directions, because sorted() is stable even with reverse=True. Timestamps
        # rarely tie; skipping the name pass then saves ~40 ms at 100k rows.
        start = self._by_name() if _has_ties(keys) else range(len(self.buckets))
        return sorted(start, key=keys.__getitem__, reverse=descending)

    def _column_keys(self, column: int) -> Sequence[SortKey]:
        if column not in self._keys:
            self._keys[column] = [sort_key(bucket, column) for bucket in self.buckets]
        return self._keys[column]

    def forget_keys(self, column: int) -> None:
        """``column``'s values changed: its keys and sorted orders are stale."""
        self._keys.pop(column, None)
        self._orders.pop((column, False), None)
        self._orders.pop((column, True), None)

    def positions(self) -> dict[str, int]:
        """Bucket name -> index into ``buckets`` (built on first use)."""
        if self._positions is None:
            self._positions = {bucket.name: i for i, bucket in enumerate(self.buckets)}
        return self._positions

    def _by_name(self) -> list[int]:
        if self._name_order is None:
            self._name_order = sorted(range(len(self.buckets)), key=self.folded_names.__getitem__)
        return self._name_order
