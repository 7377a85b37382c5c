"""The colour-coded role switcher and the banner that mirrors the console's navigation bar.

Colour is never the only cue: every entry and the banner also spell out the
profile's name and account.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy, QWidget

from xacct_gui.core.profiles import RoleProfile, text_color_for
from xacct_gui.gui.color_picker import swatch_icon

NEUTRAL_BANNER = "#d5dbdb"
PROFILE_NAME_ROLE = Qt.ItemDataRole.UserRole + 1


class RoleSwitcher(QComboBox):
    """A combo of saved profiles; emits :attr:`profile_chosen` with the chosen name."""

    profile_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("roleSwitcher")
        self.setAccessibleName("Role")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(32)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setPlaceholderText("No role profiles yet: add one")
        self._repopulating = False
        self.currentIndexChanged.connect(self._on_index_changed)

    def set_profiles(self, profiles: Sequence[RoleProfile], current: str | None) -> None:
        """Replace the entries without emitting a choice; select ``current`` if present."""
        self._repopulating = True
        try:
            self.clear()
            for profile in profiles:
                self.addItem(swatch_icon(profile.color_hex), profile.label)
                index = self.count() - 1
                self.setItemData(index, profile.name, PROFILE_NAME_ROLE)
                self.setItemData(index, profile.role_arn, Qt.ItemDataRole.ToolTipRole)
            self.setCurrentIndex(self.index_of(current) if current else -1)
        finally:
            self._repopulating = False

    def index_of(self, name: str | None) -> int:
        for index in range(self.count()):
            if self.itemData(index, PROFILE_NAME_ROLE) == name:
                return index
        return -1

    def current_name(self) -> str | None:
        name = self.currentData(PROFILE_NAME_ROLE)
        return str(name) if name is not None else None

    def select(self, name: str) -> None:
        """Select ``name`` as a user would (emits :attr:`profile_chosen` if it changes)."""
        self.setCurrentIndex(self.index_of(name))

    @Slot(int)
    def _on_index_changed(self, index: int) -> None:
        if self._repopulating or index < 0:
            return
        self.profile_chosen.emit(str(self.itemData(index, PROFILE_NAME_ROLE)))


class RoleBanner(QLabel):
    """The strip filled with the active role's colour: "Name @ 123456789012"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("roleBanner")
        self.setAccessibleName("Active role")
        self.setMinimumHeight(40)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setContentsMargins(12, 6, 12, 6)
        self.show_profile(None)

    @property
    def background(self) -> str:
        return self._background

    @property
    def foreground(self) -> str:
        return self._foreground

    def show_profile(self, profile: RoleProfile | None, note: str = "") -> None:
        if profile is None:
            self._paint(NEUTRAL_BANNER, "No role selected")
            self.setToolTip("")
            return
        text = profile.banner_text + (f"   ·   {note}" if note else "")
        self._paint(profile.color_hex, text)
        self.setToolTip(f"{profile.role_arn}\nSource profile: {profile.source_profile}")

    def _paint(self, background: str, text: str) -> None:
        self._background = background
        self._foreground = text_color_for(background)
        self.setText(text)
        self.setStyleSheet(
            f"QLabel#roleBanner {{ background: {background}; color: {self._foreground};"
            " font-size: 15px; font-weight: 600; border-radius: 4px; }"
        )
