"""Searching roles from the keyboard: the switcher's drop-down, the Ctrl+K palette, Ctrl+1…5.

One :class:`RoleSearchPanel` (a search field over a result list) serves both
the switcher's drop-down and the quick-switch palette, so both match, order
and choose the same way (rules in :mod:`xacct_gui.core.recent`). Focus stays in
the search field: Up/Down/Page Up/Page Down move through the results, Enter
chooses, Esc closes. The mouse can hover and click rows. Only listed profile
rows can be chosen, never free text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QActionGroup, QKeyEvent, QKeySequence, QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.recent import MAX_RECENT, Ranked, SearchIndex
from xacct_gui.gui.role_switcher import PROFILE_NAME_ROLE, SwatchCache

ROW_KIND_ROLE = Qt.ItemDataRole.UserRole + 2
SHORTCUT_HINT_ROLE = Qt.ItemDataRole.UserRole + 3

KIND_PROFILE = "profile"
KIND_HEADER = "header"  # "Recent", at the top
KIND_SEPARATOR = "separator"  # "All roles": a header drawn with a rule above it
KIND_EMPTY = "empty"  # "No role matches …"

RECENT_HEADER = "Recent"
ALL_HEADER = "All roles"
VISIBLE_ROWS = 14  # the popup's list height; it does not jump while typing
SEARCH_PLACEHOLDER = "Search by name, account ID or role"

_ModelIndex = QModelIndex | QPersistentModelIndex


def recent_shortcut(n: int) -> QKeySequence:
    """The key for the ``n``-th recent role (Ctrl+1 …; Cmd+1 … on macOS, as Qt maps Ctrl)."""
    return QKeySequence(f"Ctrl+{n}")


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
            return profile.role_arn + (f"\n{hint}" if shortcut else "")
        if role == PROFILE_NAME_ROLE:
            return profile.name
        if role == SHORTCUT_HINT_ROLE:
            return shortcut
        return None


class _ResultDelegate(QStyledItemDelegate):
    """Draws section headers (with a rule for "All roles") and the Ctrl+N hints."""

    _MARGIN = 8

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


class RoleSearchPanel(QWidget):
    """A search field over the ranked result list; emits :attr:`chosen` or :attr:`cancelled`."""

    chosen = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None, *, placeholder: str = SEARCH_PLACEHOLDER):
        super().__init__(parent)
        self._index = SearchIndex(())
        self._recent: tuple[str, ...] = ()
        self._model = RoleResultsModel(self)

        self.field = QLineEdit(self)
        self.field.setObjectName("roleSearchField")
        self.field.setPlaceholderText(placeholder)
        self.field.setClearButtonEnabled(True)
        self.field.setAccessibleName("Search roles")
        self.field.installEventFilter(self)

        self.results = QListView(self)
        self.results.setObjectName("roleSearchResults")
        self.results.setAccessibleName("Matching roles")
        self.results.setModel(self._model)
        self.results.setItemDelegate(_ResultDelegate(self.results))
        # Every row is one line of the same height: lets the view lay out 1,000
        # rows without measuring each one.
        self.results.setUniformItemSizes(True)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Typing goes on in the field while the list shows where Enter will go.
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.setMouseTracking(True)
        self.results.clicked.connect(self._on_clicked)
        self.results.entered.connect(self._on_hovered)
        self.setFocusProxy(self.field)

        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(6, 6, 6, 6)
        self.box.setSpacing(4)
        self.box.addWidget(self.field)
        self.box.addWidget(self.results, 1)
        self._loading = False
        self.field.textChanged.connect(self._on_text_changed)
        self._refilter()

    # --- content ---

    @property
    def model(self) -> RoleResultsModel:
        return self._model

    def show_results(
        self,
        profiles: Sequence[RoleProfile],
        recent: Iterable[str] = (),
        *,
        query: str = "",
        select: str | None = None,
    ) -> None:
        """List ``profiles`` (saved order) with ``recent`` first, searched for ``query``.

        ``select`` is highlighted when listed (the switcher's current role), else
        the first match is.
        """
        profiles = tuple(profiles)
        # The switcher hands over the same tuple until its profiles change, so the
        # search keys are only rebuilt when there is something new to index.
        if profiles is not self._index.profiles:
            self._index = SearchIndex(profiles)
        self._recent = tuple(recent)
        # One search for the whole change, not one for the profiles and one for the text.
        self._loading = True
        try:
            self.field.setText(query)
        finally:
            self._loading = False
        self._refilter(select)

    def query(self) -> str:
        return self.field.text()

    def shown_names(self) -> list[str]:
        return self._model.names()

    # --- the highlighted row ---

    def current_name(self) -> str | None:
        return self._model.name_at(self.results.currentIndex().row())

    def select_name(self, name: str | None) -> bool:
        row = self._model.row_of(name)
        if row < 0:
            return False
        self._set_current(row)
        return True

    def choose_current(self) -> None:
        name = self.current_name()
        if name is not None:
            self.chosen.emit(name)

    def _set_current(self, row: int) -> None:
        index = self._model.index(row, 0)
        self.results.setCurrentIndex(index)
        self.reveal_current()

    def reveal_current(self) -> None:
        """Scroll the highlighted row into view; at the top, show the "Recent" header too."""
        index = self.results.currentIndex()
        span = self._model.choosable_span()
        if span is not None and index.row() == span[0]:
            self.results.scrollToTop()
        elif index.isValid():
            self.results.scrollTo(index)

    def _move(self, steps: int) -> None:
        """Move the highlight ``steps`` choosable rows down (up when negative), stopping at ends."""
        span = self._model.choosable_span()
        if span is None or steps == 0:
            return
        first, last = span
        row = self.results.currentIndex().row()
        if not self._model.is_choosable(row):
            self._set_current(first if steps > 0 else last)
            return
        direction = 1 if steps > 0 else -1
        remaining = abs(steps)
        # Headers only sit between choosable rows, so stepping over them never
        # strands the highlight on one; the span's ends are always choosable.
        while remaining and first <= row + direction <= last:
            row += direction
            if self._model.is_choosable(row):
                remaining -= 1
        self._set_current(row)

    def _page(self) -> int:
        row_height = self.results.sizeHintForRow(0) if self._model.rowCount() else 0
        return max(1, self.results.viewport().height() // max(1, row_height) - 1)

    @Slot()
    def _on_text_changed(self) -> None:
        if not self._loading:
            self._refilter()

    def _refilter(self, select: str | None = None) -> None:
        ranked = self._index.search(self.field.text(), self._recent)
        self._model.set_results(ranked, self.field.text(), self._recent)
        row = self._model.row_of(select) if select is not None else -1
        span = self._model.choosable_span()
        if row < 0 and span is not None:
            row = span[0]
        if row >= 0:
            self._set_current(row)

    # --- input ---

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            return self._handle_key(event)
        return super().eventFilter(watched, event)

    def _handle_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_Down:
            self._move(1)
        elif key == Qt.Key.Key_Up:
            self._move(-1)
        elif key == Qt.Key.Key_PageDown:
            self._move(self._page())
        elif key == Qt.Key.Key_PageUp:
            self._move(-self._page())
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.choose_current()
        elif key == Qt.Key.Key_Escape:
            self.cancelled.emit()
        else:
            return False  # ordinary editing keys go to the field
        return True

    @Slot(QModelIndex)
    def _on_clicked(self, index: QModelIndex) -> None:
        if self._model.is_choosable(index.row()):
            self._set_current(index.row())
            self.choose_current()

    @Slot(QModelIndex)
    def _on_hovered(self, index: QModelIndex) -> None:
        # Like a combo's drop-down: the row under the pointer is the one Enter takes.
        if self._model.is_choosable(index.row()):
            self.results.setCurrentIndex(index)


class RoleSearchPopup(QFrame):
    """A frameless popup holding a :class:`RoleSearchPanel`; closes when a role is chosen.

    A ``Qt.Popup`` window: it takes the keyboard while open and closes on Esc
    or a click outside it, as a combo's drop-down does.
    """

    chosen = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        object_name: str = "roleSearchPopup",
        placeholder: str = SEARCH_PLACEHOLDER,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName(object_name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.panel = RoleSearchPanel(self, placeholder=placeholder)
        self.panel.chosen.connect(self._on_chosen)
        self.panel.cancelled.connect(self.close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.panel)
        self._anchor: QWidget | None = None

    def open_below(
        self,
        anchor: QWidget,
        profiles: Sequence[RoleProfile],
        recent: Iterable[str] = (),
        *,
        query: str = "",
        select: str | None = None,
    ) -> None:
        """Open under ``anchor`` (above it when the screen has no room below), as wide."""
        self._anchor = anchor
        self.panel.show_results(profiles, recent, query=query, select=select)
        size = QSize(max(anchor.width(), 420), self._height())
        below = anchor.mapToGlobal(QPoint(0, anchor.height()))
        above = anchor.mapToGlobal(QPoint(0, 0)) - QPoint(0, size.height())
        self._show_at(QRect(below, size), fallback=QRect(above, size))

    def open_over(
        self,
        window: QWidget,
        profiles: Sequence[RoleProfile],
        recent: Iterable[str] = (),
        *,
        query: str = "",
    ) -> None:
        """Open centred near the top of ``window`` (the palette's place)."""
        self._anchor = None
        self.panel.show_results(profiles, recent, query=query)
        width = max(360, min(640, window.width() - 40))
        top_left = window.mapToGlobal(QPoint((window.width() - width) // 2, 48))
        self._show_at(QRect(top_left, QSize(width, self._height())))

    def _height(self) -> int:
        # A fixed height for the session, not one that shrinks as matches drop.
        rows = max(1, min(VISIBLE_ROWS, self.panel.results.model().rowCount()))
        row_height = self.panel.results.sizeHintForRow(0)
        if row_height <= 0:
            row_height = self.fontMetrics().height() + 6
        list_frame = 2 * self.panel.results.frameWidth()
        margins = self.panel.box.contentsMargins()
        spacing = self.panel.box.spacing()
        return (
            self.panel.field.sizeHint().height()
            + rows * row_height
            + list_frame
            + margins.top()
            + margins.bottom()
            + spacing
            + 2 * self.frameWidth()
        )

    def _show_at(self, rect: QRect, fallback: QRect | None = None) -> None:
        screen = self.screen() if self._anchor is None else self._anchor.screen()
        area = screen.availableGeometry()
        if fallback is not None and rect.bottom() > area.bottom() and fallback.top() >= area.top():
            rect = fallback
        # Keep it on the screen horizontally (a switcher near the right edge).
        rect.moveLeft(max(area.left(), min(rect.left(), area.right() - rect.width())))
        self.setGeometry(rect)
        self.show()  # a Qt.Popup comes up on top and takes the keyboard by itself
        # The list was filled before it had its final size; scroll again for the
        # real viewport (the current role may sit far down a long list).
        self.panel.reveal_current()
        self.panel.field.setFocus(Qt.FocusReason.PopupFocusReason)
        # The cursor after any text typed on the combo, so typing simply continues.
        self.panel.field.end(False)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        # A click on the combo that opened the popup only closes it; replaying that
        # click would open the popup again at once.
        anchor = self._anchor
        on_anchor = anchor is not None and anchor.rect().contains(
            anchor.mapFromGlobal(event.globalPosition().toPoint())
        )
        self.setAttribute(Qt.WidgetAttribute.WA_NoMouseReplay, on_anchor)
        super().mousePressEvent(event)

    @Slot(str)
    def _on_chosen(self, name: str) -> None:
        # Close first so the switch that follows happens with the popup gone.
        self.close()
        self.chosen.emit(name)


class QuickSwitchPalette(RoleSearchPopup):
    """The Ctrl+K palette: search every role and switch without touching the mouse."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            parent,
            object_name="quickSwitchPalette",
            placeholder="Switch role: type a name, account ID or role",
        )
        self.setAccessibleName("Quick switch")

    def popup(
        self,
        over: QWidget,
        profiles: Sequence[RoleProfile],
        recent: Iterable[str] = (),
        query: str = "",
    ) -> None:
        """Open over ``over``'s window listing ``profiles`` with ``recent`` first."""
        self.open_over(over.window(), profiles, recent, query=query)


class RecentShortcuts(QObject):
    """Ctrl+1 … Ctrl+5: one action per recent role, added to ``parent`` (the main window).

    The actions carry the role's swatch and label, so they can also be listed in
    a menu; an action with no role behind it is hidden and does nothing.
    """

    chosen = Signal(str)

    def __init__(self, parent: QWidget, count: int = MAX_RECENT) -> None:
        super().__init__(parent)
        self._swatches = SwatchCache()
        self._group = QActionGroup(self)
        self._group.setExclusionPolicy(QActionGroup.ExclusionPolicy.None_)
        self._group.triggered.connect(self._on_triggered)
        self.actions: list[QAction] = []
        for n in range(1, count + 1):
            action = QAction(f"Recent role {n}", parent)
            action.setObjectName(f"recentRole{n}")
            action.setShortcut(recent_shortcut(n))
            self._group.addAction(action)
            parent.addAction(action)
            self.actions.append(action)
        self.set_recent(())

    def set_recent(self, profiles: Sequence[RoleProfile]) -> None:
        """The recent profiles, most recent first (e.g. ``RecentRoles.resolve(profiles)``)."""
        for n, action in enumerate(self.actions, start=1):
            profile = profiles[n - 1] if n <= len(profiles) else None
            action.setData(profile.name if profile is not None else None)
            action.setText(f"&{n}  {profile.label}" if profile is not None else f"Recent role {n}")
            if profile is not None:
                action.setIcon(self._swatches.icon(profile.color_hex))
            action.setVisible(profile is not None)
            action.setEnabled(profile is not None)

    def name_for(self, n: int) -> str | None:
        """The role Ctrl+``n`` switches to, if any."""
        if not 1 <= n <= len(self.actions):
            return None
        data = self.actions[n - 1].data()
        return str(data) if data else None

    @Slot(QAction)
    def _on_triggered(self, action: QAction) -> None:
        name = action.data()
        if name:
            self.chosen.emit(str(name))
