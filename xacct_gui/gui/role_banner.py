"""The strip filled with the active role's colour, mirroring the console's navigation bar.

Colour is never the only cue: the banner also spells out the profile's name
and account.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from xacct_gui.core.colors import text_color_for
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.gui.widgets.plain_text import plain, plain_tooltip

NEUTRAL_BANNER = "#d5dbdb"  # the banner's colour while no role is selected


class RoleBanner(QLabel):
    """The strip filled with the active role's colour: "Name @ 123456789012"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("roleBanner")
        self.setAccessibleName("Active role")
        self.setMinimumHeight(40)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        plain(self)  # the name is the user's: "<font …>" in it must not hide the account
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
        self.setToolTip(
            plain_tooltip(f"{profile.role_arn}\nSource profile: {profile.source_profile}")
        )

    def _paint(self, background: str, text: str) -> None:
        self._background = background
        self._foreground = text_color_for(background)
        self.setText(text)
        self.setStyleSheet(
            f"QLabel#roleBanner {{ background: {background}; color: {self._foreground};"
            " font-size: 15px; font-weight: 600; border-radius: 4px; }"
        )
