"""The bucket table: a flat model of one account's S3 buckets and the proxy the view shows.

Sorting lives in the source model, not in ``QSortFilterProxyModel.lessThan``: a Python
``lessThan`` runs about n·log2(n) times (~1.7 million calls for 100,000 rows), while one
``sorted()`` over keys computed once per row takes tens of milliseconds. The proxy only
filters and forwards sort requests to the model, so a header click still sorts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from xacct_gui.core.prepared_buckets import PreparedBuckets, created_key, name_key

if TYPE_CHECKING:
    # Annotations only: importing core.aws at run time would load botocore with the window.
    from xacct_gui.core.aws import Bucket

COL_NAME = 0
COL_CREATED = 1
COL_REGION = 2
HEADERS = ("Name", "Created", "Region")
COLUMN_COUNT = len(HEADERS)

SortRole = Qt.ItemDataRole.UserRole + 1
"""Role carrying the value a column sorts by: casefolded text, or a POSIX timestamp."""

CREATED_FORMAT = "%Y-%m-%d %H:%M"
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

SortKey = str | float
RoleData = QModelRoleDataSpan | QModelRoleData
# PySide6 picks the no-argument overload of the layout signals unless told otherwise
# (its stubs do not know that signals can be indexed by signature, hence the ignores).
_LAYOUT_SIGNATURE = "QList<QPersistentModelIndex>,QAbstractItemModel::LayoutChangeHint"


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


class _Rows:
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

    def __len__(self) -> int:
        return len(self.shown)

    def at(self, row: int) -> Bucket:
        return self.buckets[self.shown[row]]

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


class BucketTableModel(QAbstractTableModel):
    """Read-only table of buckets: Name, Created (local time), Region."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = _Rows([])
        self._count = 0  # len(self._rows), asked for twice per cell Qt reads
        self._needle = ""
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    # -- public API ------------------------------------------------------------------

    def set_buckets(self, buckets: Iterable[Bucket]) -> None:
        """Replace every row; the current sort (if any) is applied to the new buckets."""
        rows = _Rows(buckets)
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
        last = len(rows) - 1
        if last >= 0:
            self.dataChanged.emit(
                self.index(0, COL_REGION),
                self.index(last, COL_REGION),
                [Qt.ItemDataRole.DisplayRole],
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
        bucket = self._rows.at(row)
        if role == Qt.ItemDataRole.DisplayRole:
            return display_text(bucket, column)
        if role == SortRole:
            return sort_key(bucket, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_CREATED:
            return bucket.created.astimezone().isoformat()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGNMENT
        return None

    def multiData(self, index: QModelIndex | QPersistentModelIndex, roleDataSpan: RoleData) -> None:
        """Every role a painted cell asks for (the delegate asks seven) in one call from
        C++ into Python, not one per role: the table's repaint went from 2.4× a plain C++
        model's to 1.7× (build_scripts/bench/probe.py)."""
        row, column = index.row(), index.column()
        if not (index.isValid() and 0 <= row < self._count and 0 <= column < COLUMN_COUNT):
            return
        bucket = self._rows.at(row)
        items = [roleDataSpan] if isinstance(roleDataSpan, QModelRoleData) else roleDataSpan
        for item in items:  # type: ignore[union-attr]  # a span is iterable in PySide6
            role = item.role()
            if role == _DISPLAY:
                item.setData(display_text(bucket, column))
            elif role == _ALIGNMENT_ROLE:
                item.setData(_ALIGNMENT_VALUE)
            elif role == SortRole:
                item.setData(sort_key(bucket, column))
            elif role == _TOOLTIP and column == COL_CREATED:
                item.setData(bucket.created.astimezone().isoformat())

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


class BucketFilterProxy(QSortFilterProxyModel):
    """What the view shows: forwards sorting and the name filter to the source model.

    Both are done by the source in one pass each; the proxy neither sorts (its own sort
    column stays -1) nor filters per row in Python, so it maps rows in C++ only.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._buckets: BucketTableModel | None = None

    def setSourceModel(self, source_model: QAbstractItemModel) -> None:
        if not isinstance(source_model, BucketTableModel):
            raise TypeError("BucketFilterProxy needs a BucketTableModel as its source")
        self._buckets = source_model  # set first: the base class may filter right away
        super().setSourceModel(source_model)

    def name_filter(self) -> str:
        return self._buckets.name_filter() if self._buckets is not None else ""

    def set_name_filter(self, text: str) -> None:
        """Keep rows whose name contains ``text`` (case-insensitive); "" shows all."""
        if self._buckets is not None:
            self._buckets.set_name_filter(text)

    def bucket_at(self, row: int) -> Bucket:
        """The bucket shown at proxy ``row``."""
        if self._buckets is None or not 0 <= row < self.rowCount():
            raise IndexError(f"no bucket at row {row}")
        return self._buckets.bucket_at(self.mapToSource(self.index(row, COL_NAME)).row())

    def multiData(self, index: QModelIndex | QPersistentModelIndex, roleDataSpan: RoleData) -> None:
        # QSortFilterProxyModel does not forward multiData: its default asks data() per
        # role, each a proxy call plus a source call into Python.
        if self._buckets is not None:
            self._buckets.multiData(self.mapToSource(index), roleDataSpan)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # QTableView's header and sortByColumn() land here; the source sorts in one pass.
        if self._buckets is not None:
            self._buckets.sort(column, order)
