"""The colour-coded role switcher: a combo of the saved profiles with a search drop-down.

Colour is never the only cue: every entry spells out the profile's name and
account (the banner that mirrors the console's navigation bar is
:mod:`xacct_gui.gui.role_banner`).

The switcher stays a plain, non-editable QComboBox (its items are the saved
profiles in saved order, so ``itemText``/``currentIndex`` keep their meaning),
but its drop-down is replaced by a search popup: a search field over a list
that shows the five most recent roles first. A non-editable combo cannot hold
text that names no profile, and the popup can only choose listed rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QFocusEvent, QKeyEvent, QWheelEvent
from PySide6.QtWidgets import QComboBox, QSizePolicy, QWidget

from xacct_gui.core.profiles import RoleProfile
from xacct_gui.gui.item_roles import PROFILE_NAME_ROLE
from xacct_gui.gui.role_banner import NEUTRAL_BANNER, RoleBanner
from xacct_gui.gui.role_search import RoleSearchPopup
from xacct_gui.gui.widgets.plain_text import plain_tooltip
from xacct_gui.gui.widgets.swatches import SwatchCache

# Imported from here by the main window and the tray; their homes are role_banner,
# item_roles and widgets.swatches.
__all__ = [
    "NEUTRAL_BANNER",
    "NO_PROFILES_PLACEHOLDER",
    "PROFILE_NAME_ROLE",
    "ProfileListModel",
    "RoleBanner",
    "RoleSwitcher",
    "SwatchCache",
]

_ModelIndex = QModelIndex | QPersistentModelIndex
NO_PROFILES_PLACEHOLDER = "No role profiles yet: add one"
# Arrowing through the closed switcher settles for this long before it switches: one
# AssumeRole for the role the user stops on, not one per role passed on the way.
ARROW_SETTLE_MS = 400
_STEP_KEYS = frozenset(
    {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown,
     Qt.Key.Key_Home, Qt.Key.Key_End}
)  # fmt: skip
_COMMIT_KEYS = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter})


class ProfileListModel(QAbstractListModel):
    """The saved profiles as list rows: label, colour swatch, role ARN tooltip, name.

    A model rather than ``addItem`` calls so replacing 1,000 profiles is one
    reset, and icons are only painted for the rows a view actually draws.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._profiles: tuple[RoleProfile, ...] = ()
        self._rows: dict[str, int] = {}
        self._swatches = SwatchCache()

    def set_profiles(self, profiles: Sequence[RoleProfile]) -> None:
        self.beginResetModel()
        self._profiles = tuple(profiles)
        self._rows = {profile.name: row for row, profile in enumerate(self._profiles)}
        self.endResetModel()

    @property
    def profiles(self) -> tuple[RoleProfile, ...]:
        return self._profiles

    def row_of(self, name: str | None) -> int:
        return self._rows.get(name, -1) if name is not None else -1

    def profile_at(self, row: int) -> RoleProfile | None:
        return self._profiles[row] if 0 <= row < len(self._profiles) else None

    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._profiles)

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        profile = self.profile_at(index.row()) if index.isValid() else None
        if profile is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return profile.label
        if role == Qt.ItemDataRole.DecorationRole:
            return self._swatches.icon(profile.color_hex)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(profile.role_arn)
        if role == PROFILE_NAME_ROLE:
            return profile.name
        return None


class RoleSwitcher(QComboBox):
    """A combo of saved profiles; emits :attr:`profile_chosen` with the chosen name.

    Opening it (click, Space, Alt+Down, F4) or typing on it shows a search popup
    whose list starts with the recent roles given to :meth:`set_recent`.
    """

    profile_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("roleSwitcher")
        self.setAccessibleName("Role")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        # Room for "Name — 123456789012 (Role)" while the window still fits 800 px
        # (a 1600 px screen at a scale factor of 2).
        self.setMinimumContentsLength(28)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setPlaceholderText(NO_PROFILES_PLACEHOLDER)
        self.setToolTip("Choose a role (type to search by name, account or role)")
        self._profile_model = ProfileListModel(self)
        self.setModel(self._profile_model)
        self._recent: tuple[str, ...] = ()
        self._popup: RoleSearchPopup | None = None
        self._repopulating = False
        self._stepping = False  # inside a key press that steps through the entries
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(ARROW_SETTLE_MS)
        self._settle.timeout.connect(self._emit_current)
        self.currentIndexChanged.connect(self._on_index_changed)

    # --- the existing public API ---

    def set_profiles(self, profiles: Sequence[RoleProfile], current: str | None) -> None:
        """Replace the entries without emitting a choice; select ``current`` if present."""
        if self._popup is not None and self._popup.isVisible():
            # What the popup lists is gone; choosing from a stale list could pick a
            # profile that was just deleted.
            self._popup.close()
        self._settle.stop()  # a step still settling pointed into the old list
        self._repopulating = True
        try:
            self._profile_model.set_profiles(profiles)
            self.setCurrentIndex(self.index_of(current) if current else -1)
        finally:
            self._repopulating = False

    def index_of(self, name: str | None) -> int:
        return self._profile_model.row_of(name)

    def current_name(self) -> str | None:
        name = self.currentData(PROFILE_NAME_ROLE)
        return str(name) if name is not None else None

    def select(self, name: str) -> None:
        """Select ``name`` as a user would (emits :attr:`profile_chosen` if it changes)."""
        self.setCurrentIndex(self.index_of(name))

    # --- recent roles and search ---

    def set_recent(self, names: Iterable[str]) -> None:
        """The recent role names, most recent first, listed first in the popup."""
        self._recent = tuple(names)

    def recent_names(self) -> tuple[str, ...]:
        return self._recent

    def profiles(self) -> tuple[RoleProfile, ...]:
        return self._profile_model.profiles

    def search_popup(self) -> RoleSearchPopup:
        """The drop-down's search popup, created on first use."""
        if self._popup is None:
            # Built on first use: most sessions never open the switcher's drop-down.
            self._popup = RoleSearchPopup(self, object_name="roleSwitcherPopup")
            self._popup.chosen.connect(self._on_popup_chosen)
        return self._popup

    def open_search(self, text: str = "") -> None:
        """Open the search popup under the combo with ``text`` already typed."""
        self.search_popup().open_below(
            self, self.profiles(), self._recent, query=text, select=self.current_name()
        )

    def showPopup(self) -> None:
        self.open_search()

    def hidePopup(self) -> None:
        if self._popup is not None:
            self._popup.close()
        super().hidePopup()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # QComboBox's own type-ahead would jump to (and so switch to) the first
        # label starting with the typed letter; with hundreds of roles that is a
        # surprise. Typing opens the search with the text instead.
        text = event.text()
        no_command = not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier
            | Qt.KeyboardModifier.AltModifier
            | Qt.KeyboardModifier.MetaModifier
        )
        if no_command and text.strip() and text.isprintable() and self.count():
            self.open_search(text)
            event.accept()
            return
        if event.key() in _COMMIT_KEYS and self._settle.isActive():
            self._settle.stop()
            self._emit_current()
            event.accept()
            return
        self._stepping = event.key() in _STEP_KEYS
        try:
            super().keyPressEvent(event)
        finally:
            self._stepping = False

    def focusOutEvent(self, event: QFocusEvent) -> None:
        # Leaving the switcher commits the role it shows, at once.
        if self._settle.isActive():
            self._settle.stop()
            self._emit_current()
        super().focusOutEvent(event)

    def pending_choice(self) -> bool:
        """True while an arrow-key step waits to settle before it switches."""
        return self._settle.isActive()

    def wheelEvent(self, event: QWheelEvent) -> None:
        # A combo normally steps through its items on the wheel; here every step
        # would assume another role, so scrolling past the switcher must not
        # change the account. The event goes on to the parent instead.
        event.ignore()

    @Slot(str)
    def _on_popup_chosen(self, name: str) -> None:
        self.select(name)

    @Slot(int)
    def _on_index_changed(self, index: int) -> None:
        if self._repopulating or index < 0:
            return
        if self._stepping:
            self._settle.start()  # restarted by every further step
            return
        self._settle.stop()
        self.profile_chosen.emit(str(self.itemData(index, PROFILE_NAME_ROLE)))

    @Slot()
    def _emit_current(self) -> None:
        name = self.current_name()
        if name is not None:
            self.profile_chosen.emit(name)
