"""The bucket table model (it sorts and filters itself), directly and through a QTableView."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QPoint, Qt
from PySide6.QtTest import QAbstractItemModelTester, QTest
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from xacct_gui.core.aws import Bucket
from xacct_gui.core.prepared_buckets import PreparedBuckets
from xacct_gui.gui import bucket_rows
from xacct_gui.gui.bucket_model import (
    COL_CREATED,
    COL_NAME,
    COL_REGION,
    BucketTableModel,
    SortRole,
)

UTC = timezone.utc
ASC = Qt.SortOrder.AscendingOrder
DESC = Qt.SortOrder.DescendingOrder
DISPLAY = Qt.ItemDataRole.DisplayRole


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


# Listed so that neither the load order, the name order nor the ISO text order is the
# time order; two of them share a minute, so their displayed text is equal too.
TIME_SAMPLE = (
    Bucket("tokyo-morning", at("2024-05-02T08:00:00+09:00")),  # 2024-05-01 23:00Z
    Bucket("a-same-minute", at("2024-05-01T23:30:45+00:00")),
    Bucket("ny-evening", at("2024-05-01T20:00:00-04:00")),  # 2024-05-02 00:00Z
    Bucket("utc-late", at("2024-05-01T23:30:00+00:00")),
    Bucket("old-one", at("2023-12-31T23:59:59+00:00")),
)
OLDEST_FIRST = ["old-one", "tokyo-morning", "utc-late", "a-same-minute", "ny-evening"]


def names(model: QAbstractItemModel) -> list[str]:
    return [model.index(row, COL_NAME).data() for row in range(model.rowCount())]


def column(model: QAbstractItemModel, col: int, role: int = DISPLAY) -> list[object]:
    return [model.index(row, col).data(role) for row in range(model.rowCount())]


def named(*bucket_names: str, created: datetime | None = None) -> list[Bucket]:
    when = created or at("2024-01-01T00:00:00+00:00")
    return [Bucket(name, when) for name in bucket_names]


@pytest.fixture
def model() -> BucketTableModel:
    return BucketTableModel()


@pytest.fixture
def view(qtbot: QtBot, model: BucketTableModel) -> QTableView:
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setSortingEnabled(True)
    view.resize(640, 360)
    view.show()
    qtbot.waitExposed(view)
    return view


@pytest.fixture
def local_zone_india() -> Iterator[None]:
    """Make the local zone UTC+05:30, so a missing conversion to local time shows up."""
    if not hasattr(time, "tzset"):  # Windows cannot switch zones in-process
        yield
        return
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TZ", "IST-05:30")
        time.tzset()
        yield
    time.tzset()


def click_header(view: QTableView, col: int) -> None:
    header = view.horizontalHeader()
    x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
    QTest.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        QPoint(x, header.height() // 2),
    )


# -- shape ---------------------------------------------------------------------------


def test_counts_and_headers(model: BucketTableModel) -> None:
    assert (model.rowCount(), model.columnCount()) == (0, 3)
    model.set_buckets(TIME_SAMPLE)
    assert (model.rowCount(), model.columnCount()) == (5, 3)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)]
    assert headers == ["Name", "Created", "Region"]
    # A flat table: no row has children.
    first = model.index(0, COL_NAME)
    assert (model.rowCount(first), model.columnCount(first)) == (0, 0)
    assert model.data(QModelIndex()) is None


def test_set_buckets_replaces_all_rows(qtbot: QtBot, model: BucketTableModel) -> None:
    model.set_buckets(named("old-a", "old-b", "old-c"))
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.set_buckets(named("new-x"))
    assert names(model) == ["new-x"]
    assert model.buckets() == named("new-x")
    model.clear()
    assert model.rowCount() == 0
    assert model.buckets() == []


def test_bucket_at_returns_the_row_and_rejects_bad_rows(model: BucketTableModel) -> None:
    model.set_buckets(TIME_SAMPLE)
    assert model.bucket_at(2) is TIME_SAMPLE[2]
    for bad in (-1, 5):
        with pytest.raises(IndexError):
            model.bucket_at(bad)


# -- what the cells say --------------------------------------------------------------


@pytest.mark.usefixtures("local_zone_india")
def test_created_is_shown_in_local_time_with_full_tooltip(model: BucketTableModel) -> None:
    local = datetime(2024, 3, 6, 4, 10).astimezone()  # a local wall-clock time
    created = local.astimezone(UTC)  # what S3 sends: the same instant, in UTC
    if hasattr(time, "tzset"):
        assert created.strftime("%Y-%m-%d %H:%M") == "2024-03-05 22:40"
    model.set_buckets([Bucket("logs", created, "eu-west-1")])

    cell = model.index(0, COL_CREATED)
    assert cell.data() == "2024-03-06 04:10"
    tooltip = cell.data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("2024-03-06T04:10:00")
    parsed = datetime.fromisoformat(tooltip)
    assert parsed.utcoffset() is not None
    assert parsed == created
    assert model.index(0, COL_NAME).data(Qt.ItemDataRole.ToolTipRole) is None


def test_name_and_region_texts(model: BucketTableModel) -> None:
    model.set_buckets(
        [
            Bucket("Reports", at("2024-01-01T00:00:00+00:00"), "ap-south-1"),
            Bucket("no-region", at("2024-01-01T00:00:00+00:00")),
        ]
    )
    assert column(model, COL_NAME) == ["Reports", "no-region"]
    assert column(model, COL_REGION) == ["ap-south-1", ""]
    assert column(model, COL_REGION, SortRole) == ["ap-south-1", ""]
    assert column(model, COL_NAME, SortRole) == ["reports", "no-region"]


def test_created_sort_role_is_a_timestamp(model: BucketTableModel) -> None:
    model.set_buckets(TIME_SAMPLE)
    keys = column(model, COL_CREATED, SortRole)
    assert all(isinstance(key, float) for key in keys)
    assert keys == [b.created.timestamp() for b in TIME_SAMPLE]


def test_alignment_is_left_and_vertically_centred(model: BucketTableModel) -> None:
    model.set_buckets(TIME_SAMPLE)
    expected = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    for col in (COL_NAME, COL_CREATED, COL_REGION):
        assert model.index(0, col).data(Qt.ItemDataRole.TextAlignmentRole) == expected
        role = Qt.ItemDataRole.TextAlignmentRole
        assert model.headerData(col, Qt.Orientation.Horizontal, role) == expected


# -- sorting in the model ------------------------------------------------------------


def test_created_sorts_by_instant_not_by_text(model: BucketTableModel) -> None:
    # The data only proves something if text order and time order disagree.
    by_text = [b.name for b in sorted(TIME_SAMPLE, key=lambda b: b.created.isoformat())]
    assert by_text != OLDEST_FIRST

    model.set_buckets(TIME_SAMPLE)
    model.sort(COL_CREATED, ASC)
    assert names(model) == OLDEST_FIRST
    model.sort(COL_CREATED, DESC)
    assert names(model) == OLDEST_FIRST[::-1]


def test_name_sort_ignores_case(model: BucketTableModel) -> None:
    model.set_buckets(named("beta", "Alpha", "Gamma", "alpha-2", "delta"))
    model.sort(COL_NAME, ASC)
    assert names(model) == ["Alpha", "alpha-2", "beta", "delta", "Gamma"]
    model.sort(COL_NAME, DESC)
    assert names(model) == ["Gamma", "delta", "beta", "alpha-2", "Alpha"]


def test_region_sort_puts_missing_regions_first(model: BucketTableModel) -> None:
    when = at("2024-01-01T00:00:00+00:00")
    model.set_buckets(
        [
            Bucket("u", when, "us-east-1"),
            Bucket("n", when),
            Bucket("e", when, "EU-west-1"),
            Bucket("a", when, "ap-south-1"),
        ]
    )
    model.sort(COL_REGION, ASC)
    assert column(model, COL_REGION) == ["", "ap-south-1", "EU-west-1", "us-east-1"]
    model.sort(COL_REGION, DESC)
    assert column(model, COL_REGION) == ["us-east-1", "EU-west-1", "ap-south-1", ""]


def test_ties_stay_alphabetical_in_both_orders(model: BucketTableModel) -> None:
    later = at("2024-06-01T00:00:00+00:00")
    model.set_buckets([*named("carol", "alice", "bob"), Bucket("zed", later)])
    model.sort(COL_CREATED, ASC)
    assert names(model) == ["alice", "bob", "carol", "zed"]
    model.sort(COL_CREATED, DESC)
    assert names(model) == ["zed", "alice", "bob", "carol"]


def test_sort_column_minus_one_restores_load_order(model: BucketTableModel) -> None:
    model.set_buckets(TIME_SAMPLE)
    model.sort(COL_CREATED, ASC)
    model.sort(-1)
    assert names(model) == [b.name for b in TIME_SAMPLE]


def test_new_buckets_arrive_in_the_current_sort_order(model: BucketTableModel) -> None:
    model.sort(COL_CREATED, DESC)
    model.set_buckets(TIME_SAMPLE)
    assert names(model) == OLDEST_FIRST[::-1]
    assert model.buckets()[0].name == "ny-evening"


def test_persistent_index_follows_its_bucket(model: BucketTableModel) -> None:
    model.set_buckets(TIME_SAMPLE)
    before = names(model).index("utc-late")
    held = QPersistentModelIndex(model.index(before, COL_REGION))
    model.sort(COL_CREATED, DESC)
    assert held.isValid()
    assert held.row() != before
    assert held.column() == COL_REGION
    assert model.bucket_at(held.row()).name == "utc-late"


def test_sorting_100k_buckets(model: BucketTableModel) -> None:
    rng = random.Random(7)
    zones = [timezone(timedelta(hours=h)) for h in range(-8, 10)]
    start = at("2015-01-01T00:00:00+00:00")
    buckets = [
        Bucket(
            f"{rng.choice('aB')}-{rng.randrange(10**9):09d}",
            (start + timedelta(seconds=rng.randrange(10**9))).astimezone(rng.choice(zones)),
            rng.choice([None, "us-east-1", "eu-west-1"]),
        )
        for _ in range(100_000)
    ]
    model.set_buckets(buckets)

    model.sort(COL_CREATED, DESC)
    assert [b.created for b in model.buckets()] == sorted(
        (b.created for b in buckets), reverse=True
    )
    assert model.rowCount() == 100_000
    assert model.bucket_at(0).created == max(b.created for b in buckets)

    model.sort(COL_NAME, ASC)
    assert [b.name for b in model.buckets()] == sorted((b.name for b in buckets), key=str.casefold)


# -- the name filter -------------------------------------------------------------------


def test_filter_narrows_case_insensitively_and_clearing_restores(model: BucketTableModel) -> None:
    model.set_buckets(named("prod-Logs", "dev-logs", "LOGS-archive", "images", "strasse-data"))
    model.set_name_filter("LoGs")
    assert names(model) == ["prod-Logs", "dev-logs", "LOGS-archive"]
    model.set_name_filter("  logs ")  # pasted with spaces
    assert model.rowCount() == 3
    model.set_name_filter("Straße")  # casefold, not lower(): ß matches ss
    assert names(model) == ["strasse-data"]
    model.set_name_filter("nothing-like-this")
    assert model.rowCount() == 0
    model.set_name_filter("")
    assert model.rowCount() == 5
    assert model.rowCount() == 5


def test_filter_applies_to_new_buckets(model: BucketTableModel) -> None:
    model.set_name_filter("web")
    model.set_buckets(named("web-1", "db-1", "WEB-2"))
    assert names(model) == ["web-1", "WEB-2"]
    assert model.name_filter() == "web"


def test_sorting_keeps_the_filter(model: BucketTableModel) -> None:
    model.set_buckets(TIME_SAMPLE)
    model.set_name_filter("-")
    model.sort(COL_CREATED, ASC)
    assert names(model) == ["old-one", "tokyo-morning", "utc-late", "a-same-minute", "ny-evening"]
    model.set_name_filter("-M")
    model.sort(COL_CREATED, DESC)
    assert names(model) == ["a-same-minute", "tokyo-morning"]
    assert model.bucket_at(1).name == "tokyo-morning"


# -- through a real QTableView -------------------------------------------------------


def test_view_sort_by_column(view: QTableView, model: BucketTableModel) -> None:
    model.set_buckets(TIME_SAMPLE)
    view.sortByColumn(COL_CREATED, ASC)
    assert names(view.model()) == OLDEST_FIRST
    view.sortByColumn(COL_CREATED, DESC)
    assert names(view.model()) == OLDEST_FIRST[::-1]
    view.sortByColumn(COL_NAME, ASC)
    assert names(view.model()) == sorted(OLDEST_FIRST)


def test_header_clicks_sort(view: QTableView, model: BucketTableModel) -> None:
    model.set_buckets(TIME_SAMPLE)
    view.sortByColumn(COL_NAME, ASC)
    header = view.horizontalHeader()

    click_header(view, COL_CREATED)  # newest first on the first click
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (COL_CREATED, DESC)
    assert names(view.model()) == OLDEST_FIRST[::-1]

    click_header(view, COL_CREATED)
    assert header.sortIndicatorOrder() == ASC
    assert names(view.model()) == OLDEST_FIRST

    click_header(view, COL_NAME)
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (COL_NAME, ASC)
    assert names(view.model()) == sorted(OLDEST_FIRST)


def test_selection_follows_its_bucket_across_a_sort(
    qtbot: QtBot, view: QTableView, model: BucketTableModel
) -> None:
    model.set_buckets(TIME_SAMPLE)
    view.sortByColumn(COL_NAME, ASC)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    start_row = names(view.model()).index("old-one")
    view.selectRow(start_row)

    click_header(view, COL_CREATED)

    selected = view.selectionModel().selectedRows(COL_NAME)
    assert [index.data() for index in selected] == ["old-one"]
    assert selected[0].row() != start_row
    assert view.currentIndex().data() == "old-one"


# -- Qt's own model checker ----------------------------------------------------------


def test_model_tester_runs_clean(model: BucketTableModel) -> None:
    # Fatal mode aborts the run on the first broken model invariant.
    fatal = QAbstractItemModelTester.FailureReportingMode.Fatal
    tester = QAbstractItemModelTester(model, fatal)

    model.set_buckets(TIME_SAMPLE)
    held = QPersistentModelIndex(model.index(2, COL_CREATED))
    held_name = model.index(2, COL_NAME).data()
    for col in (COL_NAME, COL_CREATED, COL_REGION):
        for order in (ASC, DESC):
            model.sort(col, order)
    model.set_name_filter("E")
    model.sort(COL_REGION, DESC)
    model.sort(COL_CREATED, ASC)
    model.set_name_filter("")
    assert model.index(held.row(), COL_NAME).data() == held_name

    model.set_buckets(named("only"))
    assert not held.isValid()  # a reset drops every persistent index
    model.clear()
    model.set_buckets(TIME_SAMPLE)
    assert names(model) == OLDEST_FIRST
    assert tester.model() is model


# -- kept sort orders and keys computed on the worker ---------------------------------


def test_prepared_buckets_sort_by_created_without_the_gui_computing_keys(
    model: BucketTableModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared = PreparedBuckets(TIME_SAMPLE)  # on the worker: keys computed here
    monkeypatch.setattr(
        bucket_rows, "created_key", lambda bucket: pytest.fail("key computed on the GUI")
    )
    model.set_buckets(prepared)
    model.sort(COL_CREATED, ASC)
    created = [model.bucket_at(r).created for r in range(model.rowCount())]
    assert created == sorted(created)


def test_a_kept_sort_order_is_dropped_when_regions_arrive(model: BucketTableModel) -> None:
    when = at("2024-01-01T00:00:00+00:00")
    model.set_buckets([Bucket("a", when, "us-east-1"), Bucket("b", when), Bucket("c", when)])
    model.sort(COL_REGION, ASC)
    model.sort(COL_NAME, ASC)  # back and forth: the region order is kept meanwhile
    model.update_regions({"b": "eu-west-1", "c": "ap-south-1"})
    model.sort(COL_REGION, ASC)
    assert column(model, COL_REGION) == ["ap-south-1", "eu-west-1", "us-east-1"]
    model.sort(COL_REGION, DESC)
    assert column(model, COL_REGION) == ["us-east-1", "eu-west-1", "ap-south-1"]


def test_sorting_back_and_forth_reuses_each_order(model: BucketTableModel) -> None:
    model.set_buckets(TIME_SAMPLE)
    model.sort(COL_CREATED, DESC)
    first = model.buckets()
    model.sort(COL_NAME, ASC)
    model.sort(COL_CREATED, DESC)
    assert model.buckets() == first
