"""Buckets prepared on the worker: the name order sorted in runs and merged must be
exactly what one stable sorted() gives, ties included."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from xacct_gui.core.aws import Bucket
from xacct_gui.core.prepared_buckets import SORT_RUN, PreparedBuckets, sorted_indexes


def test_sorting_in_runs_equals_one_stable_sort() -> None:
    rng = random.Random(7)
    # Few distinct keys, so ties across run boundaries are everywhere.
    keys = [rng.choice("abcdefgh") * rng.randint(1, 3) for _ in range(3 * SORT_RUN + 17)]
    assert sorted_indexes(keys) == sorted(range(len(keys)), key=keys.__getitem__)


def test_short_lists_and_empty() -> None:
    assert sorted_indexes([]) == []
    assert sorted_indexes(["b", "a", "b"]) == [1, 0, 2]


def test_prepared_buckets_carry_name_order_and_created_keys() -> None:
    when = datetime(2025, 1, 1, tzinfo=timezone.utc)
    buckets = [Bucket(f"B-{i % 7}-{i}", when - timedelta(hours=i)) for i in range(2 * SORT_RUN)]
    prepared = PreparedBuckets(buckets)
    names = [prepared[i].name.casefold() for i in prepared.name_order]
    assert names == sorted(b.name.casefold() for b in buckets)
    assert prepared.created_keys == [b.created.timestamp() for b in buckets]
