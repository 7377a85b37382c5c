"""Searching roles from the keyboard: one search panel for the switcher's drop-down and the palette.

One :class:`RoleSearchPanel` (a search field over a result list) serves both
the switcher's drop-down and the quick-switch palette, so both match, order
and choose the same way (rules in :mod:`xacct_gui.core.recent`). Focus stays in
the search field: Up/Down/Page Up/Page Down move through the results, Enter
chooses, Esc closes. The mouse can hover and click rows. Only listed profile
rows can be chosen, never free text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, QRect, QSize, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QFrame, QLineEdit, QListView, QVBoxLayout, QWidget

from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.recent import SearchIndex
from xacct_gui.gui.role_results import ResultDelegate, RoleResultsModel, result_row_height

VISIBLE_ROWS = 12  # the popup's list height; it does not jump while typing
SEARCH_PLACEHOLDER = "Search by name, account ID or role"


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
        self.results.setItemDelegate(ResultDelegate(self.results))
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
        row_height = result_row_height(self.panel.results.fontMetrics())
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
