"""The bucket table: a flat model of one account's S3 buckets, shown by the view directly.

The model sorts and filters itself, so there is no ``QSortFilterProxyModel`` in front of
it: a Python ``lessThan`` would run about n·log2(n) times (~1.7 million calls for 100,000
rows) where one ``sorted()`` over keys computed once per row takes tens of milliseconds,
and a proxy that only forwarded cost a second Python call per painted cell (about a sixth
of the table's repaint, build_scripts/bench/probe.py). A header click calls
:meth:`BucketTableModel.sort` through ``QTableView.sortByColumn``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from xacct_gui.gui.bucket_rows import (
    COL_CREATED,
    COL_NAME,
    COL_REGION,
    COLUMN_COUNT,
    CREATED_FORMAT,
    HEADERS,
    REGION_FAILED_TIP,
    REGION_PENDING,
    REGION_PENDING_TIP,
    BucketRows,
    SortKey,
    display_text,
    sort_key,
)

__all__ = [
    "COLUMN_COUNT",
    "COL_CREATED",
    "COL_NAME",
    "COL_REGION",
    "CREATED_FORMAT",
    "HEADERS",
    "REGION_FAILED_TIP",
    "REGION_PENDING",
    "REGION_PENDING_TIP",
    "BucketTableModel",
    "SortKey",
    "SortRole",
    "display_text",
    "sort_key",
]

if TYPE_CHECKING:
    # Annotations only: importing core.aws at run time would load botocore with the window.
    from xacct_gui.core.aws import Bucket

SortRole = Qt.ItemDataRole.UserRole + 1
"""Role carrying the value a column sorts by: casefolded text, or a POSIX timestamp."""

_ALIGNMENT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT_ROLE = int(Qt.ItemDataRole.TextAlignmentRole)
_ALIGNMENT_VALUE = _ALIGNMENT.value  # an int, as the delegate reads it from a QVariant
_ANSWERED_ROLES = frozenset(
    int(role)
    for role in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        SortRole,
    )
)

RoleData = QModelRoleDataSpan | QModelRoleData
# How Qt's item delegate asks for a cell's data: seven roles, the text sixth (multiData).
DELEGATE_ROLES = 7
DELEGATE_DISPLAY_AT = 5
# PySide6 picks the no-argument overload of the layout signals unless told otherwise
# (its stubs do not know that signals can be indexed by signature, hence the ignores).
_LAYOUT_SIGNATURE = "QList<QPersistentModelIndex>,QAbstractItemModel::LayoutChangeHint"


class BucketTableModel(QAbstractTableModel):
    """Read-only table of buckets: Name, Created (local time), Region."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = BucketRows([])
        self._count = 0  # len(self._rows), asked for twice per cell Qt reads
        self._needle = ""
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    # -- public API ------------------------------------------------------------------

    def set_buckets(self, buckets: Iterable[Bucket]) -> None:
        """Replace every row; the current sort (if any) is applied to the new buckets."""
        rows = BucketRows(buckets)
        # Keep the view's sort indicator truthful: a new account's buckets arrive unsorted.
        rows.order = rows.sorted_order(self._sort_column, self._descending())
        rows.shown = rows.matching(rows.order, self._needle)
        self.beginResetModel()
        self._rows = rows
        self._count = len(rows)
        self.endResetModel()

    def clear(self) -> None:
        self.set_buckets(())

    def bucket_at(self, row: int) -> Bucket:
        if not 0 <= row < len(self._rows):
            raise IndexError(f"no bucket at row {row}")
        return self._rows.at(row)

    def buckets(self) -> list[Bucket]:
        """Every bucket (shown or filtered out), in the current sort order."""
        return [self._rows.buckets[index] for index in self._rows.order]

    def total_count(self) -> int:
        """How many buckets there are, whatever the filter hides."""
        return len(self._rows.buckets)

    def update_regions(self, regions: Mapping[str, str]) -> None:
        """Fill in regions learnt after loading (GetBucketLocation), keeping the row order."""
        rows = self._rows
        where = rows.positions()
        changed = False
        # Only the named buckets: walking every row per batch of answers cost ~11 ms a
        # batch at 10,000 buckets and ~80 ms at 100,000 (4,000 batches: minutes of GUI time).
        for name, region in regions.items():
            index = where.get(name)
            if index is None:
                continue
            bucket = rows.buckets[index]
            if region != bucket.region:
                rows.buckets[index] = dataclasses.replace(bucket, region=region)
                changed = True
        if not changed:
            return
        rows.forget_keys(COL_REGION)
        # Rows stay where they are, even when sorted by region: rows jumping under the
        # user's pointer while regions stream in would be worse than a stale order.
        self._region_column_changed()

    def set_regions_pending(self, pending: bool) -> None:
        """Buckets without a region are being looked up (True: shown as "…") or no
        longer (False: the ones still without a region show blank, as unknown)."""
        rows = self._rows
        if pending == rows.looking_up:
            return
        rows.looking_up = pending
        rows.failed.clear()
        self._region_column_changed()

    def regions_failed(self, names: Iterable[str]) -> None:
        """These buckets' lookups failed: blank (unknown), not "…", from now on."""
        rows = self._rows
        where = rows.positions()
        before = len(rows.failed)
        rows.failed.update(where[name] for name in names if name in where)
        if len(rows.failed) != before:
            self._region_column_changed()

    def _region_column_changed(self) -> None:
        last = len(self._rows) - 1
        if last >= 0:
            self.dataChanged.emit(
                self.index(0, COL_REGION),
                self.index(last, COL_REGION),
                [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole],
            )

    def folded_name(self, row: int) -> str:
        """The casefolded name at ``row``, kept precomputed for cheap filtering."""
        return self._rows.folded_names[self._rows.shown[row]]

    def name_filter(self) -> str:
        return self._needle

    def set_name_filter(self, text: str) -> None:
        """Show only the buckets whose name contains ``text`` (case-insensitive).

        Done here, in one list comprehension, rather than in a proxy's
        ``filterAcceptsRow``: that is a Python call per row on every keystroke, sort and
        load (~1 µs each, 100+ ms at 100,000 buckets).
        """
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        rows = self._rows
        # Typing narrows: the rows already shown are the only candidates.
        base = rows.shown if self._needle and self._needle in needle else rows.order
        self._needle = needle
        self._apply(rows.order, rows.matching(base, needle))

    # -- QAbstractItemModel ----------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    # No flags(): QAbstractTableModel's C++ default is what the table needs, per cell.

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        # Qt asks for ~10 roles per painted cell; most have no value here. Answering those
        # first halves the Python time of a repaint.
        if role not in _ANSWERED_ROLES:
            return None
        row, column = index.row(), index.column()
        if not (index.isValid() and 0 <= row < self._count and 0 <= column < COLUMN_COUNT):
            return None
        position = self._rows.shown[row]
        bucket = self._rows.buckets[position]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_REGION:
                return self._rows.region_text(position)
            return display_text(bucket, column)
        if role == SortRole:
            return sort_key(bucket, column)  # "…" is no region: it sorts as unknown
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_CREATED:
                return bucket.created.astimezone().isoformat()
            if column == COL_REGION:
                return self._rows.region_tip(position)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGNMENT
        return None

    def multiData(self, index: QModelIndex | QPersistentModelIndex, roleDataSpan: RoleData) -> None:
        """Every role a painted cell asks for in one call from C++ into Python, not one
        per role: the table's repaint went from 2.4× a plain C++ model's to 1.7×.

        Qt's item delegate asks seven roles per painted cell, always in the same order
        (QStyledItemDelegate::initStyleOption: font, alignment, foreground, check state,
        decoration, display, background), and of those only the text has a value here
        (the alignment :meth:`data` gives is the view's default). So the text is set
        straight into the sixth, without walking the span, which makes a Python object
        per role: ~7 µs a cell, a sixth of the table's repaint (build_scripts/bench/
        probe.py). Any other span is walked role by role.
        """
        row, column = index.row(), index.column()
        if not (index.isValid() and 0 <= row < self._count and 0 <= column < COLUMN_COUNT):
            return
        rows = self._rows
        position = rows.shown[row]
        if isinstance(roleDataSpan, QModelRoleDataSpan) and roleDataSpan.size() == DELEGATE_ROLES:
            text = roleDataSpan[DELEGATE_DISPLAY_AT]  # type: ignore[index]  # as a sequence
            if text.role() == _DISPLAY:
                text.setData(self._display_text(position, column))
                return
        bucket = rows.buckets[position]
        items = [roleDataSpan] if isinstance(roleDataSpan, QModelRoleData) else roleDataSpan
        for item in items:  # type: ignore[union-attr]  # a span is iterable in PySide6
            role = item.role()
            if role == _DISPLAY:
                item.setData(self._display_text(position, column))
            elif role == _ALIGNMENT_ROLE:
                item.setData(_ALIGNMENT_VALUE)
            elif role == SortRole:
                item.setData(sort_key(bucket, column))
            elif role == _TOOLTIP:
                if column == COL_CREATED:
                    item.setData(bucket.created.astimezone().isoformat())
                elif column == COL_REGION:
                    item.setData(rows.region_tip(position))

    def _display_text(self, position: int, column: int) -> str:
        if column == COL_REGION:
            return self._rows.region_text(position)
        return display_text(self._rows.buckets[position], column)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < COLUMN_COUNT:
            return super().headerData(section, orientation, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGNMENT
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            # The first click on "Created" shows the newest buckets first.
            if section == COL_CREATED:
                return Qt.SortOrder.DescendingOrder
            return Qt.SortOrder.AscendingOrder
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort rows by ``column`` (-1: load order), keeping persistent indexes on their bucket."""
        if column >= COLUMN_COUNT:
            return
        self._sort_column, self._sort_order = column, order
        new_order = self._rows.sorted_order(column, self._descending())
        if new_order != self._rows.order:
            self._apply(new_order, self._rows.matching(new_order, self._needle))

    # -- helpers ---------------------------------------------------------------------

    def _descending(self) -> bool:
        return self._sort_order == Qt.SortOrder.DescendingOrder

    def _apply(self, new_order: list[int], new_shown: list[int]) -> None:
        """Show ``new_shown`` (sorted as ``new_order``); persistent indexes (selection,
        current row) follow their bucket, or become invalid when it is filtered out."""
        rows = self._rows
        same_rows = len(new_shown) == len(rows.shown)
        # The hint tells proxies and headers only rows moved, so columns keep their state.
        hint = (
            QAbstractItemModel.LayoutChangeHint.VerticalSortHint
            if same_rows
            else QAbstractItemModel.LayoutChangeHint.NoLayoutChangeHint
        )
        self.layoutAboutToBeChanged[_LAYOUT_SIGNATURE].emit([], hint)  # type: ignore[index]
        old_shown = rows.shown
        rows.order, rows.shown = new_order, new_shown
        self._count = len(new_shown)
        moved = self.persistentIndexList()  # read after the signal: proxies add theirs then
        if moved:
            self.changePersistentIndexList(moved, self._remapped(moved, old_shown, new_shown))
        self.layoutChanged[_LAYOUT_SIGNATURE].emit([], hint)  # type: ignore[index]

    def _remapped(
        self, indexes: list[QModelIndex], old_shown: list[int], new_shown: list[int]
    ) -> list[QModelIndex]:
        row_of = [-1] * len(self._rows.buckets)  # index into buckets -> its new view row
        for row, position in enumerate(new_shown):
            row_of[position] = row
        remapped = []
        for index in indexes:
            row = row_of[old_shown[index.row()]] if 0 <= index.row() < len(old_shown) else -1
            remapped.append(self.index(row, index.column()) if row >= 0 else QModelIndex())
        return remapped
