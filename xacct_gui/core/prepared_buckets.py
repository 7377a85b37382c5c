"""Buckets made ready for the table off the GUI thread: names casefolded, name order
sorted, the Created column's sort keys computed.

Qt-free, so the worker thread can build it without importing the GUI layer; the
bucket table model then only swaps it in (for 100,000 buckets the casefolding and
the name sort took ~60 ms of the GUI thread, the creation timestamps ~30 ms more at
the first sort by Created).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Annotations only: importing core.aws at run time would load botocore.
    from xacct_gui.core.aws import Bucket


def name_key(bucket: Bucket) -> str:
    """What the Name column sorts and filters by."""
    return bucket.name.casefold()


def created_key(bucket: Bucket) -> float:
    """What the Created column sorts by: a number, so buckets sort by instant even when
    their offsets or text disagree."""
    return bucket.created.timestamp()


# One sorted() call holds the GIL from start to end (its key is a C slot, so no bytecode
# runs in between): ~60-80 ms for 100,000 names, a stall of the GUI thread although the
# worker does it. Runs of this many are sorted separately, then merged in Python.
SORT_RUN = 5_000


def sorted_indexes(keys: Sequence[str]) -> list[int]:
    """``sorted(range(len(keys)), key=keys.__getitem__)``, the same stable order, without
    holding the GIL for more than one run's sort at a time."""
    count = len(keys)
    key = keys.__getitem__
    if count <= SORT_RUN:
        return sorted(range(count), key=key)
    runs = [sorted(range(i, min(i + SORT_RUN, count)), key=key) for i in range(0, count, SORT_RUN)]
    # heapq.merge is a Python generator, so the GIL changes hands while it runs; it keeps
    # equal keys in run order, and runs are in index order: the result is stable.
    return list(heapq.merge(*runs, key=key))


class PreparedBuckets(tuple["Bucket", ...]):
    """Buckets, with what the table needs to show them sorted by name, computed once.

    A tuple of the buckets, so it can stand in for ``SwitchResult.buckets``.
    """

    folded_names: list[str]
    name_order: list[int]
    created_keys: list[float]

    def __new__(cls, buckets: Iterable[Bucket]) -> PreparedBuckets:
        prepared = super().__new__(cls, buckets)
        prepared.folded_names = [name_key(bucket) for bucket in prepared]
        prepared.name_order = sorted_indexes(prepared.folded_names)
        prepared.created_keys = [created_key(bucket) for bucket in prepared]
        return prepared
