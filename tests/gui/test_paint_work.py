"""The work one switch costs the GUI thread to paint: one frame, the changed parts only.

Behaviour, not timing (build_scripts/bench measures the time): how many times the
table's viewport is painted after a new list, whether the status bar moves its widgets
when its texts change, and that the one-call-per-cell path paints what data() says.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QTableView, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.conftest import switch_and_wait
from xacct_gui.core.aws import Bucket, SwitchResult
from xacct_gui.core.prepared_buckets import PreparedBuckets
from xacct_gui.gui.bucket_model import (
    COL_CREATED,
    COL_NAME,
    COL_REGION,
    DELEGATE_DISPLAY_AT,
    DELEGATE_ROLES,
    BucketTableModel,
)
from xacct_gui.gui.main_window import MainWindow

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)


def buckets(count: int, prefix: str = "b") -> PreparedBuckets:
    return PreparedBuckets(
        Bucket(f"{prefix}-{i:04d}", NOW - timedelta(days=i), "eu-west-1" if i % 2 else None)
        for i in range(count)
    )


class PaintCounter(QObject):
    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.paints = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def settle(qtbot: QtBot) -> None:
    qtbot.wait(30)  # zero timers (delayed layouts), then the frame


def test_a_new_list_is_painted_in_one_frame(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.bucket_panel
    viewport = panel.table.viewport()
    for count in (0, 300, 5, 300):  # through an empty table, as a switch goes
        panel.show_buckets(buckets(count))
        settle(qtbot)
    counter = PaintCounter(viewport)
    panel.show_buckets(None)  # switching: no list
    settle(qtbot)
    panel.show_buckets(buckets(300, "next"))
    settle(qtbot)
    # One paint for the empty table, one for the new list: not a second one when the
    # delayed layout or a scroll bar appearing changes the viewport afterwards.
    assert counter.paints == 2


def test_status_texts_move_nothing(qtbot: QtBot, window: MainWindow) -> None:
    status = window.session_status
    settle(qtbot)
    widgets = [status.count_label, status.identity_label, status.busy, status.expiry_label]
    before = [w.geometry() for w in widgets]
    result = SwitchResult(
        "Dev",
        "arn:aws:sts::222222222222:assumed-role/AVeryLongRoleNameIndeed/xacct-someone-long",
        datetime.now(timezone.utc) + timedelta(minutes=3),
        (),
        False,
    )
    layouts = LayoutCounter(window.statusBar())
    status.set_count("99,999 of 100,000 buckets")
    status.set_busy(True, at_once=True)
    status.show_session(result)
    settle(qtbot)
    assert layouts.requests == 1  # the busy bar shown; the texts ask for nothing
    status.show_session(None)
    status.set_count("3 buckets")
    settle(qtbot)
    assert layouts.requests == 1  # a new ARN, count or expiry: no layout pass at all
    status.show_session(result)
    status.set_busy(False)
    settle(qtbot)
    assert [w.geometry() for w in widgets] == before
    assert status.identity_label.text() == result.identity_arn


class LayoutCounter(QObject):
    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.requests = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.requests += 1
        return False


@pytest.mark.parametrize("column", [COL_NAME, COL_CREATED, COL_REGION])
def test_cells_paint_what_data_returns(qtbot: QtBot, window: MainWindow, column: int) -> None:
    panel = window.bucket_panel
    panel.show_buckets(buckets(40))
    panel.table.sortByColumn(COL_CREATED, Qt.SortOrder.AscendingOrder)
    delegate = QStyledItemDelegate()
    for row in (0, 7, 39):
        index = window.bucket_model.index(row, column)
        option = QStyleOptionViewItem()
        delegate.initStyleOption(option, index)  # what painting reads, via multiData
        assert option.text == (index.data(Qt.ItemDataRole.DisplayRole) or "")
        assert option.displayAlignment & Qt.AlignmentFlag.AlignLeft
    tip = window.bucket_model.index(0, COL_CREATED).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == (NOW - timedelta(days=39)).astimezone().isoformat()


def test_switching_back_paints_the_remembered_list_before_asking_aws(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    switch_and_wait(qtbot, window, "Dev")
    switch_and_wait(qtbot, window, "Test")
    sent: list[str] = []
    real = window.controller.request_switch

    def spy(request: Any) -> None:
        sent.append(request.profile.name)
        real(request)

    monkeypatch.setattr(window.controller, "request_switch", spy)
    counter = PaintCounter(window.bucket_panel.table.viewport())

    window.switch_to("Dev")

    assert window.bucket_model.rowCount() > 0  # the remembered list, at once
    assert sent == []  # the refresh waits for the frame
    qtbot.waitUntil(lambda: sent == ["Dev"], timeout=2_000)
    assert counter.paints >= 1  # the list was painted before the refresh was sent
    window.switch_to("Test")
    window.switch_to("Dev")  # a deferred refresh for Test must not go out after this
    qtbot.waitUntil(lambda: len(sent) >= 2, timeout=2_000)
    qtbot.wait(100)
    assert sent[1:] == ["Dev"]


def test_a_long_arn_is_shortened_in_the_middle_not_cut_off(
    qtbot: QtBot, window: MainWindow
) -> None:
    status = window.session_status
    arn = "arn:aws:sts::222222222222:assumed-role/AVeryLongRoleNameIndeed/xacct-someone-long"
    status.show_identity(arn, datetime.now(timezone.utc) + timedelta(minutes=30))
    label = status.identity_label
    label.setFixedWidth(label.fontMetrics().horizontalAdvance(arn) // 2)
    shown = label.displayed_text()
    assert label.text() == arn  # whole, for copying and screen readers
    assert "…" in shown
    assert shown.startswith("arn:aws:sts::222") and shown.endswith("long")
    assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width()
    assert arn in label.toolTip()


class RecordingModel(BucketTableModel):
    """Records the roles of every span the delegate hands to multiData."""

    def __init__(self) -> None:
        super().__init__()
        self.spans: list[list[int]] = []

    def multiData(self, index: Any, roleDataSpan: Any) -> None:
        self.spans.append([item.role() for item in roleDataSpan])
        super().multiData(index, roleDataSpan)


class OptionView(QTableView):
    def start_option(self) -> QStyleOptionViewItem:
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)  # what every cell's option starts from
        return option


def test_the_delegate_asks_for_the_text_where_the_model_looks_first(qtbot: QtBot) -> None:
    """multiData sets the text straight into the delegate's sixth role and leaves the
    alignment to the view: both hold for this Qt, or the fast path is gone."""
    model = RecordingModel()
    model.set_buckets(buckets(3))
    view = OptionView()
    qtbot.addWidget(view)
    view.setModel(model)
    option = view.start_option()
    QStyledItemDelegate().initStyleOption(option, model.index(1, COL_CREATED))
    roles = model.spans[-1]
    assert len(roles) == DELEGATE_ROLES
    assert roles[DELEGATE_DISPLAY_AT] == Qt.ItemDataRole.DisplayRole
    assert option.text == model.index(1, COL_CREATED).data()
    alignment = model.index(1, COL_CREATED).data(Qt.ItemDataRole.TextAlignmentRole)
    assert view.start_option().displayAlignment == alignment  # the same without asking


def test_a_fresh_switch_is_sent_before_the_screen_changes(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AWS answers while the window repaints: the request goes out first, and the banner,
    the empty table and the menus change after it."""
    switch_and_wait(qtbot, window, "Dev")
    seen_when_sent: list[str] = []
    real = window.controller.request_switch

    def spy(request: Any) -> None:
        seen_when_sent.append(window.banner.text())
        real(request)

    monkeypatch.setattr(window.controller, "request_switch", spy)
    before = window.banner.text()
    window.switch_to("Test")
    assert seen_when_sent == [before]  # sent while the banner still showed Dev
    assert "switching" in window.banner.text() and window.bucket_model.rowCount() == 0
    qtbot.waitUntil(lambda: window.bucket_model.rowCount() > 0, timeout=15_000)
