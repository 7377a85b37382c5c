"""The strip filled with the active role's colour, mirroring the console's navigation bar.

Colour is never the only cue: the banner also spells out the profile's name
and account. Like the console's bar it reads left to right: the role in its
colour ("Prod @ 333333333333", what is happening after a dot), and on the right
the role name and the session's time left. See docs/ui.md, "The role banner".
"""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPixmap, QPixmapCache
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from xacct_gui.core.colors import text_color_for
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.gui.widgets.plain_text import plain, plain_tooltip

NEUTRAL_BANNER = "#d5dbdb"  # the banner's colour while no role is selected
TICK_MS = 15_000  # the time left is shown in minutes: four updates a minute suffice
RADIUS = 8.0  # px, the strip's corners
UNDERLINE = 3  # px, the darker strip along its lower edge
DETAIL_GAP = 24  # px at least between the title and the role name on the right


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
        self.setContentsMargins(16, 8, 16, 8 + UNDERLINE)
        # The right-hand side: role name and time left, as the console's bar shows the
        # role on its right. A child label so text() stays the role alone.
        self.detail = QLabel(self)
        self.detail.setObjectName("roleBannerDetail")
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # Fonts once, colours per profile: the strip paints itself (paintEvent), so a new
        # colour repaints it and re-polishes nothing (a style sheet per switch cost ~0.6 ms
        # before every request, and relaid the window out twice).
        title = QFont(self.font())
        title.setPixelSize(16)
        title.setWeight(QFont.Weight.DemiBold)
        self.setFont(title)
        self.setIndent(self.fontMetrics().horizontalAdvance("x") // 2)
        detail = QFont(self.font())
        detail.setPixelSize(13)
        detail.setWeight(QFont.Weight.Normal)
        self.detail.setFont(detail)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 0, 16, 0)
        row.addStretch(1)
        row.addWidget(self.detail)
        self._profile: RoleProfile | None = None
        self._expiration: datetime | None = None
        self._background = self._foreground = ""  # set by show_profile below
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
        self.setText(text)
        if background == self._background:
            return
        self._background = background
        self._foreground = text_color_for(background)
        palette = self.palette()  # the detail label inherits it
        palette.setColor(QPalette.ColorRole.WindowText, QColor(self._foreground))
        self.setPalette(palette)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """The strip: the colour with rounded corners over a darker underline, as the
        console's navigation bar; then the label draws the text on it."""
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._strip())
        shown = self.displayed_text()
        if shown == self.text():
            painter.end()
            super().paintEvent(event)  # it fits: the label draws it (and its selection)
            return
        painter.setPen(QColor(self._foreground))
        painter.setFont(self.font())
        text_area = self.contentsRect().adjusted(self.indent(), 0, 0, 0)
        painter.drawText(
            text_area, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), shown
        )
        painter.end()

    def _strip(self) -> QPixmap:
        """The strip for this size and colour, drawn once: a switch between a few
        accounts then repaints the banner by copying, not by filling rounded paths."""
        ratio = self.devicePixelRatioF()
        key = f"xacct-role-banner-{self.width()}x{self.height()}-{ratio}-{self._background}"
        strip = QPixmap()
        if not QPixmapCache.find(key, strip):  # Qt's own: least recently used dropped first
            strip = QPixmap(round(self.width() * ratio), round(self.height() * ratio))
            strip.setDevicePixelRatio(ratio)
            strip.fill(Qt.GlobalColor.transparent)
            painter = QPainter(strip)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            whole = QRectF(0, 0, self.width(), self.height())
            painter.setBrush(QColor(underline_color(self._background)))
            painter.drawRoundedRect(whole, RADIUS, RADIUS)
            # The face lies inside the strip, so it covers all but the underline.
            painter.setBrush(QColor(self._background))
            painter.drawRoundedRect(whole.adjusted(0, 0, 0, -UNDERLINE), RADIUS, RADIUS)
            painter.end()
            QPixmapCache.insert(key, strip)
        return strip

    def displayed_text(self) -> str:
        """The title as drawn: shortened at its end ("Prod @ 33…") rather than running
        under the role name and time left on the right."""
        room = self.contentsRect().width() - self.indent() - DETAIL_GAP
        if self.detail.text():
            room -= self.detail.width()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, room)


def underline_color(hex_color: str) -> str:
    """The strip's lower edge: the colour a little darker, as a console tab's underline."""
    value = hex_color.lstrip("#")
    r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"#{int(r * 0.8):02x}{int(g * 0.8):02x}{int(b * 0.8):02x}"
