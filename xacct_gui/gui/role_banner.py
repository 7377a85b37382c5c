"""The strip filled with the active role's colour, mirroring the console's navigation bar.

Colour is never the only cue: the banner also spells out the profile's name
and account. Like the console's bar it reads left to right: the role in its
colour ("Prod @ 333333333333", what is happening after a dot), and on the right
the role name and the session's time left. See docs/ui.md, "The role banner".
"""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from xacct_gui.core.colors import text_color_for
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.gui.widgets.plain_text import plain, plain_tooltip

NEUTRAL_BANNER = "#d5dbdb"  # the banner's colour while no role is selected
TICK_MS = 15_000  # the time left is shown in minutes: four updates a minute suffice


def time_left(expiration: datetime, now: datetime) -> str:
    """ "52 min left", "1 h 05 min left", "expired"."""
    seconds = int((expiration - now).total_seconds())
    if seconds <= 0:
        return "session expired"
    minutes = max(1, seconds // 60)
    if minutes >= 60:
        return f"{minutes // 60} h {minutes % 60:02d} min left"
    return f"{minutes} min left"


class RoleBanner(QLabel):
    """The strip filled with the active role's colour: "Name @ 123456789012"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("roleBanner")
        self.setAccessibleName("Active role")
        self.setMinimumHeight(48)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        plain(self)  # the name is the user's: "<font …>" in it must not hide the account
        self.setContentsMargins(16, 8, 16, 8)
        # The right-hand side: role name and time left, as the console's bar shows the
        # role on its right. A child label so text() stays the role alone.
        self.detail = QLabel(self)
        self.detail.setObjectName("roleBannerDetail")
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 0, 16, 0)
        row.addStretch(1)
        row.addWidget(self.detail)
        self._profile: RoleProfile | None = None
        self._expiration: datetime | None = None
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._update_detail)
        self.show_profile(None)

    @property
    def background(self) -> str:
        return self._background

    @property
    def foreground(self) -> str:
        return self._foreground

    def show_profile(self, profile: RoleProfile | None, note: str = "") -> None:
        if profile is None or profile != self._profile:
            self._expiration = None
        self._profile = profile
        if profile is None:
            self._paint(NEUTRAL_BANNER, "No role selected")
            self.setToolTip("")
        else:
            text = profile.banner_text + (f"   ·   {note}" if note else "")
            self._paint(profile.color_hex, text)
            self.setToolTip(
                plain_tooltip(f"{profile.role_arn}\nSource profile: {profile.source_profile}")
            )
        self._update_detail()

    def set_expiration(self, expiration: datetime | None) -> None:
        """The active session's end (None: no session), shown as the time left."""
        self._expiration = expiration
        self._update_detail()

    def _update_detail(self) -> None:
        profile = self._profile
        parts = [profile.role_name] if profile is not None else []
        if self._expiration is not None:
            parts.append(time_left(self._expiration, datetime.now(timezone.utc)))
        self.detail.setText("   ·   ".join(parts))
        if self._expiration is not None and not self._tick.isActive():
            self._tick.start()
        elif self._expiration is None:
            self._tick.stop()

    def _paint(self, background: str, text: str) -> None:
        self._background = background
        self._foreground = text_color_for(background)
        self.setText(text)
        sheet = (
            f"QLabel#roleBanner {{ background: {background}; color: {self._foreground};"
            " font-size: 16px; font-weight: 600; border-radius: 8px;"
            f" border-bottom: 3px solid {_shade(background)}; }}"
            f" QLabel#roleBannerDetail {{ color: {self._foreground}; font-size: 13px;"
            " font-weight: 400; background: transparent; border: none; }"
        )
        if sheet != self.styleSheet():  # a new sheet re-polishes the widget: only on change
            self.setStyleSheet(sheet)


def _shade(hex_color: str) -> str:
    """The strip's lower edge: the colour a little darker, as a console tab's underline."""
    value = hex_color.lstrip("#")
    r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"#{int(r * 0.8):02x}{int(g * 0.8):02x}{int(b * 0.8):02x}"
