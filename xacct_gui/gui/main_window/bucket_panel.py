"""The bucket panel: filter box, bucket table, copy names/ARNs, CSV export, context menu."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QKeyCombination,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.store import write_atomically
from xacct_gui.gui.bucket_model import (
    COL_CREATED,
    COL_NAME,
    COL_REGION,
    BucketTableModel,
)
from xacct_gui.gui.main_window.prompts import Prompts
from xacct_gui.gui.widgets.empty_state import EmptyState
from xacct_gui.gui.widgets.scroll_bars import cache_scroll_bar_drawing

if TYPE_CHECKING:  # botocore is imported after the window shows
    from xacct_gui.core.aws import Bucket


def bucket_arn(name: str, partition: str = "aws") -> str:
    return f"arn:{partition}:s3:::{name}"


# A cell starting with one of these is a formula to Excel, LibreOffice and Sheets; an
# endpoint controls every column (the Region too), so such a cell gets a leading "'".
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """``value`` as a spreadsheet shows it, never run as a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def buckets_csv(buckets: Sequence[Bucket]) -> str:
    """CSV with a header; Created in ISO 8601 with its offset so spreadsheets sort it."""
    out = io.StringIO()
    # Every cell quoted: the writer quotes only "\n" of the line breaks, and a bare "\r" in
    # a cell starts a new row, whose first cell could be a formula, in a spreadsheet.
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["Name", "Created", "Region"])
    for bucket in buckets:
        row = [bucket.name, bucket.created.isoformat(), bucket.region or ""]
        writer.writerow([csv_cell(cell) for cell in row])
    return out.getvalue()


def count_text(total: int, shown: int) -> str:
    noun = "bucket" if total == 1 else "buckets"
    return f"{total} {noun}" if shown == total else f"{shown} of {total} {noun}"


class BucketPanel(QWidget):
    """One account's buckets; knows the active profile only to name ARNs and files."""

    message = Signal(str, int)  # status-bar text, timeout in ms
    failed = Signal(str)  # what went wrong, for the error banner
    count_changed = Signal(str)  # "12 buckets", "3 of 12 buckets", or "" with no list

    def __init__(
        self,
        parent: QWidget,
        *,
        active_profile: Callable[[], RoleProfile | None],
        prompts: Prompts,
    ) -> None:
        super().__init__(parent)
        self._active_profile = active_profile
        self._prompts = prompts
        self._showing = False  # a list is on screen (possibly empty)
        self._context_actions: list[QAction | None] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)

        self.filter = QLineEdit(self)
        self.filter.setObjectName("bucketFilter")
        self.filter.setPlaceholderText("Filter buckets by name")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter buckets")
        # Ctrl+K means "delete to end of line" in text fields on Linux desktops; the
        # palette must still open while the bucket filter has focus.
        self.filter.installEventFilter(self)
        layout.addWidget(self.filter)

        self.model = BucketTableModel(self)  # sorts and filters itself: no proxy
        self.table = QTableView(self)
        self.table.setObjectName("bucketTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        # Tab moves on to the next widget instead of from cell to cell: a table that
        # traps Tab is a dead end for keyboard users.
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        # Created and Region get widths measured from their widest possible text, not
        # from the rows: the columns do not jump between an empty and a full table,
        # no region is clipped, and nothing is measured per row (with 10,000 buckets
        # measuring cost 60-140 ms per change, build_scripts/bench).
        header.setResizeContentsPrecision(0)
        for column, widest in ((COL_CREATED, "2026-12-31 23:59"), (COL_REGION, "ap-southeast-5")):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, self.table.fontMetrics().horizontalAdvance(widest) + 24)
        header.setStretchLastSection(False)
        # Always there: a switch goes through an empty table, and a scroll bar appearing
        # resized the viewport and laid out and painted the table a second time.
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        # It repaints on every switch and scroll step: Fusion's parts come from a cache.
        cache_scroll_bar_drawing(self.table)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._show_context_menu)
        layout.addWidget(self.table, 1)
        self.empty_state = EmptyState(self.table)
        self._no_list_text = ""  # what the empty state says while no list is shown
        self.filter.textChanged.connect(self._on_filter_changed)

    # --- what is shown ---

    def show_buckets(
        self, buckets: Sequence[Bucket] | None, why_none: str = "", *, keep_selection: bool = False
    ) -> None:
        """Show ``buckets`` (None: no list at all, as while switching accounts, and
        ``why_none`` is the line the empty table shows); ``keep_selection`` reselects
        the selected names (a refresh of the same account's list)."""
        selected = self.selected_bucket_names() if keep_selection else []
        self._showing = buckets is not None
        self._no_list_text = why_none
        if buckets is None:
            self.model.clear()
        else:
            self.model.set_buckets(buckets)
        # Lay the rows out now rather than on Qt's zero timer: otherwise the next frame
        # paints the viewport with the old scroll range, the delayed layout then changes
        # it, and a second frame paints every visible cell again.
        self.table.doItemsLayout()
        if selected:
            self._select_names(set(selected))
        self._report_count()

    def _select_names(self, names: set[str]) -> None:
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        first = None
        for row in range(self.model.rowCount()):
            if self.model.bucket_at(row).name in names:
                index = self.model.index(row, COL_NAME)
                selection.select(index, flags)
                if first is None:
                    first = index
        if first is not None:
            selection.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)

    def update_regions(self, regions: dict[str, str]) -> None:
        if self._showing:
            self.model.update_regions(regions)

    def set_regions_pending(self, pending: bool) -> None:
        """Regions not known yet show "…" while looked up (True), blank after (False)."""
        if self._showing:
            self.model.set_regions_pending(pending)

    def regions_failed(self, names: list[str]) -> None:
        if self._showing:
            self.model.regions_failed(names)

    def region_of(self, name: str) -> str | None:
        """The bucket's region as shown (regions looked up after loading included)."""
        return next((b.region for b in self.model.buckets() if b.name == name), None)

    def selected_bucket_names(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        if not rows and self.table.currentIndex().isValid():
            rows = [self.table.currentIndex().row()]
        return [self.model.bucket_at(row).name for row in rows]

    def set_context_actions(self, actions: Sequence[QAction | None]) -> None:
        """The table's context menu; None is a separator."""
        self._context_actions = list(actions)

    @Slot()
    def focus_filter(self) -> None:
        self.filter.setFocus()

    # --- user actions ---

    @Slot()
    def copy_selected_names(self) -> None:
        names = self.selected_bucket_names()
        if names:
            QGuiApplication.clipboard().setText("\n".join(names))
            self.message.emit(f"Copied {len(names)} bucket name(s)", 3000)

    @Slot()
    def copy_selected_arns(self) -> None:
        active = self._active_profile()
        partition = active.partition if active else "aws"
        arns = [bucket_arn(name, partition) for name in self.selected_bucket_names()]
        if arns:
            QGuiApplication.clipboard().setText("\n".join(arns))
            self.message.emit(f"Copied {len(arns)} bucket ARN(s)", 3000)

    @Slot()
    def export_csv(self) -> None:
        """Write the table as shown (filter and sort applied) to a CSV file."""
        if not self._showing:
            return
        active = self._active_profile()
        path = self._prompts.choose_csv_path(f"{active.name if active else 'buckets'}-buckets.csv")
        if path is None:
            return
        rows = [self.model.bucket_at(row) for row in range(self.model.rowCount())]
        try:
            write_atomically(Path(path), buckets_csv(rows))
        except OSError as exc:
            self.failed.emit(f"Could not write {path}: {exc.strerror or exc}")
            return
        self.message.emit(f"Exported {len(rows)} buckets to {path}", 5000)

    # --- internals ---

    def _empty_text(self) -> str:
        if not self._showing:
            return self._no_list_text
        if self.model.total_count() == 0:
            return "No buckets in this account yet."
        return f"No bucket names contain “{self.filter.text()}”. Esc clears the filter."

    def _report_count(self) -> None:
        self.empty_state.set_text(self._empty_text())
        if not self._showing:
            self.count_changed.emit("")
            return
        self.count_changed.emit(count_text(self.model.total_count(), self.model.rowCount()))

    @Slot(str)
    def _on_filter_changed(self, text: str) -> None:
        self.model.set_name_filter(text)
        self._report_count()

    @Slot(QPoint)
    def _show_context_menu(self, pos: QPoint) -> None:
        index: QModelIndex = self.table.indexAt(pos)
        if not index.isValid():
            return
        menu = QMenu(self)
        for action in self._context_actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.filter
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and self.filter.text()
        ):
            self.filter.clear()  # Esc clears the filter (a second Esc goes on as usual)
            return True
        if (
            watched is self.filter
            and event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.keyCombination()
            == QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_K)
        ):
            event.ignore()  # not the line edit's: let the window's Ctrl+K shortcut fire
            return True
        return super().eventFilter(watched, event)
