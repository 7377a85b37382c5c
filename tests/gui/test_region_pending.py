"""Issue 11, item 8: while Region lookups are on their way the column says so ("…").

A bucket whose region is not known yet shows "…" (tooltip "Looking up the region");
an answer replaces it; a lookup that fails leaves the cell blank (an unknown region,
tooltip "The region could not be looked up"); sorting treats "…" as unknown. The
model is driven directly, and the window against the demo emulator, where a failed
lookup is a real NoSuchBucket: the bucket is taken out of the emulator between
ListBuckets and GetBucketLocation.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from tests.gui.conftest import WAIT_MS, switch_and_wait
from xacct_gui.core.aws import Bucket, SwitchResult
from xacct_gui.gui.bucket_model import (
    COL_NAME,
    COL_REGION,
    REGION_FAILED_TIP,
    REGION_PENDING,
    REGION_PENDING_TIP,
    BucketTableModel,
    SortRole,
)
from xacct_gui.gui.main_window import MainWindow

WHEN = datetime(2025, 1, 1, tzinfo=timezone.utc)
DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole


@pytest.fixture
def model(qtbot: QtBot) -> Iterator[BucketTableModel]:
    m = BucketTableModel()
    m.set_buckets(
        [
            Bucket("alpha", WHEN, "us-east-1"),
            Bucket("bravo", WHEN),
            Bucket("charlie", WHEN, "eu-west-1"),
            Bucket("delta", WHEN),
        ]
    )
    yield m
    m.deleteLater()


def region_cells(model: BucketTableModel) -> dict[str, tuple[str, str | None]]:
    return {
        model.index(row, COL_NAME).data(): (
            model.index(row, COL_REGION).data(DISPLAY),
            model.index(row, COL_REGION).data(TOOLTIP),
        )
        for row in range(model.rowCount())
    }


def painted_region(model: BucketTableModel, row: int) -> tuple[str, str]:
    """What the delegate reads for a Region cell: the one-call multiData path."""
    option = QStyleOptionViewItem()
    QStyledItemDelegate().initStyleOption(option, model.index(row, COL_REGION))
    return option.text, model.index(row, COL_NAME).data()


def test_unknown_regions_show_an_ellipsis_while_looked_up(model: BucketTableModel) -> None:
    assert region_cells(model)["bravo"] == ("", None)  # nothing looked up: blank
    model.set_regions_pending(True)
    cells = region_cells(model)
    assert cells["bravo"] == (REGION_PENDING, REGION_PENDING_TIP)
    assert cells["delta"] == (REGION_PENDING, REGION_PENDING_TIP)
    assert cells["alpha"] == ("us-east-1", None)  # known ones stay shown

    model.update_regions({"bravo": "ap-south-1"})
    assert region_cells(model)["bravo"] == ("ap-south-1", None)
    model.regions_failed(["delta"])
    assert region_cells(model)["delta"] == ("", REGION_FAILED_TIP)  # blank: unknown

    model.set_regions_pending(True)
    model.regions_failed(["no-such-name"])  # a name the table does not hold: ignored
    model.set_regions_pending(False)  # the lookups ended (their client could not be made)
    assert region_cells(model)["delta"] == ("", None)


def test_the_painted_cell_shows_the_ellipsis_too(qtbot: QtBot, model: BucketTableModel) -> None:
    model.set_regions_pending(True)
    painted = dict((name, text) for text, name in (painted_region(model, r) for r in range(4)))
    assert painted == {
        "alpha": "us-east-1",
        "bravo": REGION_PENDING,
        "charlie": "eu-west-1",
        "delta": REGION_PENDING,
    }


def test_pending_rows_sort_as_unknown_regions(model: BucketTableModel) -> None:
    model.set_regions_pending(True)
    model.regions_failed(["delta"])  # one unknown for good, one still pending
    for row in range(model.rowCount()):
        if model.index(row, COL_REGION).data(DISPLAY) == REGION_PENDING:
            assert model.index(row, COL_REGION).data(SortRole) == ""  # not "…"
    model.sort(COL_REGION, Qt.SortOrder.AscendingOrder)
    names = [model.index(row, COL_NAME).data() for row in range(model.rowCount())]
    # Unknown (pending or failed) first, alphabetically among themselves, then by region.
    assert names == ["bravo", "delta", "charlie", "alpha"]
    model.sort(COL_REGION, Qt.SortOrder.DescendingOrder)
    names = [model.index(row, COL_NAME).data() for row in range(model.rowCount())]
    assert names == ["alpha", "charlie", "bravo", "delta"]


def test_the_window_shows_the_ellipsis_until_each_region_is_answered(
    qtbot: QtBot, window: MainWindow
) -> None:
    model = window.bucket_model
    seen: list[list[str]] = []

    def right_after_the_list(result: SwitchResult) -> None:
        QTimer.singleShot(0, lambda: seen.append(regions_shown(window)))

    window.controller.switched.connect(right_after_the_list)
    switch_and_wait(qtbot, window, "Dev")
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)
    first = seen[0]
    assert REGION_PENDING in first, "no sign that regions are being looked up"
    assert "" not in first, "a region still to come showed blank"
    qtbot.waitUntil(lambda: REGION_PENDING not in regions_shown(window), timeout=WAIT_MS)
    assert all(regions_shown(window))
    assert all(b.region for b in window.bucket_model.buckets())  # every one was answered
    assert model.index(0, COL_REGION).data(TOOLTIP) is None


def regions_shown(window: MainWindow) -> list[str]:
    model = window.bucket_model
    return [model.index(row, COL_REGION).data() or "" for row in range(model.rowCount())]


def test_a_failed_lookup_leaves_the_region_blank(qtbot: QtBot, window: MainWindow) -> None:
    from moto.s3.models import s3_backends

    stored = s3_backends["222222222222"]["aws"].buckets  # Dev's account in the emulator
    taken: dict[str, object] = {}

    def take_one_away(result: SwitchResult) -> None:
        # After ListBuckets answered, before the lookups start (they wait for the frame).
        name = sorted(b.name for b in result.buckets)[0]
        taken[name] = stored.pop(name)

    window.controller.switched.connect(take_one_away)
    try:
        switch_and_wait(qtbot, window, "Dev")
        qtbot.waitUntil(lambda: REGION_PENDING not in regions_shown(window), timeout=WAIT_MS)
    finally:
        stored.update(taken)  # the shared emulator keeps its buckets
    (gone,) = taken
    cells = region_cells(window.bucket_model)
    assert cells[gone] == ("", REGION_FAILED_TIP)
    assert all(text for name, (text, _) in cells.items() if name != gone)
