"""The search results under a role search: the model that lists them and how rows are drawn.

A search (``core.recent.SearchIndex``) ranks the profiles; :class:`RoleResultsModel`
turns its result into rows: an optional "Recent" section with Ctrl+N hints,
then "All roles", or a note when nothing matches.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QFontMetrics, QKeySequence, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.recent import MAX_RECENT, Ranked
from xacct_gui.gui.item_roles import PROFILE_NAME_ROLE, ROW_KIND_ROLE, SHORTCUT_HINT_ROLE
from xacct_gui.gui.recent_shortcuts import recent_shortcut
from xacct_gui.gui.widgets.plain_text import plain_tooltip
from xacct_gui.gui.widgets.swatches import SwatchCache

KIND_PROFILE = "profile"
KIND_HEADER = "header"  # "Recent", at the top
KIND_SEPARATOR = "separator"  # "All roles": a header drawn with a rule above it
KIND_EMPTY = "empty"  # "No role matches …"

RECENT_HEADER = "Recent"
ALL_HEADER = "All roles"

_ModelIndex = QModelIndex | QPersistentModelIndex


class RoleResultsModel(QAbstractListModel):
    """One search's rows: an optional "Recent" section, then "All roles" (or an empty note).

    Rows are worked out from the two result tuples by arithmetic rather than
    stored as one object per row, so filling the model takes constant time; only
    the search and the view's layout grow with the number of matches.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._recent: tuple[RoleProfile, ...] = ()
        self._others: tuple[RoleProfile, ...] = ()
        self._numbers: dict[str, int] = {}
        self._empty_text = "No role profiles"
        self._others_start = 0  # row of the first "All roles" profile
        self._count = 1
        self._swatches = SwatchCache()

    def set_results(self, ranked: Ranked, query: str, recent: Sequence[str] = ()) -> None:
        """Show ``ranked``; ``recent`` (the whole history) numbers the Ctrl+N hints."""
        self.beginResetModel()
        self._recent, self._others = ranked.recent, ranked.others
        self._numbers = {name: n for n, name in enumerate(recent[:MAX_RECENT], start=1)}
        if self._recent:
            # "Recent", the recent rows, then "All roles" only when something follows.
            self._others_start = len(self._recent) + 2
            self._count = len(self._recent) + 1 + (len(self._others) + 1 if self._others else 0)
        else:
            self._others_start = 0
            self._count = len(self._others) or 1  # the empty note when nothing matches
        stripped = query.strip()
        self._empty_text = f"No role matches “{stripped}”" if stripped else "No role profiles"
        self.endResetModel()

    def _row(self, row: int) -> tuple[str, RoleProfile | None]:
        """What ``row`` shows: its kind and its profile (None for headers and the note)."""
        if self._recent:
            if row == 0:
                return KIND_HEADER, None
            if row <= len(self._recent):
                return KIND_PROFILE, self._recent[row - 1]
            if row == len(self._recent) + 1:
                return KIND_SEPARATOR, None
        elif not self._others:
            return KIND_EMPTY, None
        return KIND_PROFILE, self._others[row - self._others_start]

    def names(self) -> list[str]:
        """The profile names listed, top to bottom (headers left out)."""
        return [p.name for p in (*self._recent, *self._others)]

    def kinds(self) -> list[str]:
        return [self._row(row)[0] for row in range(self._count)]

    def is_choosable(self, row: int) -> bool:
        return 0 <= row < self._count and self._row(row)[0] == KIND_PROFILE

    def choosable_span(self) -> tuple[int, int] | None:
        """The first and last choosable rows, or None when nothing can be chosen."""
        if not self._recent and not self._others:
            return None
        first = 1 if self._recent else 0
        return first, self._count - 1

    def row_of(self, name: str | None) -> int:
        for row, profile in enumerate(self._recent, start=1):
            if profile.name == name:
                return row
        for row, profile in enumerate(self._others, start=self._others_start):
            if profile.name == name:
                return row
        return -1

    def name_at(self, row: int) -> str | None:
        if not 0 <= row < self._count:
            return None
        profile = self._row(row)[1]
        return profile.name if profile is not None else None

    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._count

    def flags(self, index: _ModelIndex) -> Qt.ItemFlag:
        if self.is_choosable(index.row()):
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        # Headers and the empty note can be neither hovered, selected nor chosen.
        return Qt.ItemFlag.NoItemFlags

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._count:
            return None
        kind, profile = self._row(index.row())
        if role == ROW_KIND_ROLE:
            return kind
        if profile is None:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                texts = {KIND_HEADER: RECENT_HEADER, KIND_SEPARATOR: ALL_HEADER}
                return texts.get(kind, self._empty_text)
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return profile.label
        shortcut = self._numbers.get(profile.name, 0) if index.row() < self._others_start else 0
        if role == Qt.ItemDataRole.DecorationRole:
            return self._swatches.icon(profile.color_hex)
        if role == Qt.ItemDataRole.ToolTipRole:
            hint = recent_shortcut(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
            return plain_tooltip(profile.role_arn + (f"\n{hint}" if shortcut else ""))
        if role == PROFILE_NAME_ROLE:
            return profile.name
        if role == SHORTCUT_HINT_ROLE:
            return shortcut
        return None


def result_row_height(metrics: QFontMetrics) -> int:
    """One height for every row, headers included (the list has uniform item sizes)."""
    return max(metrics.height(), 16) + 8


class ResultDelegate(QStyledItemDelegate):
    """Draws section headers (with a rule for "All roles") and the Ctrl+N hints."""

    _MARGIN = 8

    def sizeHint(self, option: QStyleOptionViewItem, index: _ModelIndex) -> QSize:
        # Uniform item sizes make the view take the first row's height for all; the
        # first row is often a header, shorter than a role's row with its swatch.
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), result_row_height(option.fontMetrics))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _ModelIndex) -> None:
        kind = index.data(ROW_KIND_ROLE)
        if kind == KIND_PROFILE:
            self._paint_profile(painter, option, index)
            return
        painter.save()
        try:
            rect: QRect = option.rect
            palette = option.palette
            if kind == KIND_SEPARATOR:
                painter.setPen(palette.mid().color())
                painter.drawLine(rect.left() + 4, rect.top() + 1, rect.right() - 4, rect.top() + 1)
            font = option.font
            font.setBold(kind != KIND_EMPTY)
            font.setItalic(kind == KIND_EMPTY)
            painter.setFont(font)
            painter.setPen(palette.placeholderText().color())
            painter.drawText(
                rect.adjusted(self._MARGIN, 0, -self._MARGIN, 0),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                str(index.data(Qt.ItemDataRole.DisplayRole)),
            )
        finally:
            painter.restore()

    def _paint_profile(
        self, painter: QPainter, option: QStyleOptionViewItem, index: _ModelIndex
    ) -> None:
        number = int(index.data(SHORTCUT_HINT_ROLE) or 0)
        if not number:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        hint = recent_shortcut(number).toString(QKeySequence.SequenceFormat.NativeText)
        metrics = opt.fontMetrics
        rect: QRect = opt.rect
        hint_width = metrics.horizontalAdvance(hint) + 2 * self._MARGIN
        # Elide the label ourselves so it stops short of the hint instead of under it.
        icon_width = opt.decorationSize.width() + 2 * self._MARGIN
        room = max(0, rect.width() - icon_width - hint_width)
        opt.text = metrics.elidedText(opt.text, Qt.TextElideMode.ElideRight, room)
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        painter.save()
        try:
            selected = bool(opt.state & QStyle.StateFlag.State_Selected)
            palette = opt.palette
            painter.setPen(
                palette.highlightedText().color() if selected else palette.placeholderText().color()
            )
            painter.drawText(
                rect.adjusted(0, 0, -self._MARGIN, 0),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                hint,
            )
        finally:
            painter.restore()
