"""The system tray entry: recent roles a click away, the active role and its time left.

Only created where the platform has a tray (``QSystemTrayIcon.isSystemTrayAvailable``).
The menu and the tooltip text are built whether or not a tray icon exists, so
their content is tested on platforms without one (the offscreen test platform
has none) and the icon just shows them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import datetime, timezone

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from xacct_gui import APP_NAME
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.gui.color_picker import swatch_icon
from xacct_gui.gui.role_switcher import NEUTRAL_BANNER, SwatchCache
from xacct_gui.gui.widgets.plain_text import plain_tooltip

# The tooltip counts minutes; refreshing four times a minute keeps it at most
# 15 s behind without waking the app needlessly.
REFRESH_INTERVAL_MS = 15_000
TRAY_ICON_SIZE = 32


def describe_time_left(expires_at: datetime, now: datetime) -> str:
    """ "session ends in 42 min" / "in 1 h 05 min" / "in under a minute" / "session ended"."""
    seconds = (expires_at - now).total_seconds()
    if seconds <= 0:
        return "session ended"
    minutes = int(seconds // 60)  # rounded down: never promise more time than is left
    if minutes < 1:
        return "session ends in under a minute"
    if minutes < 60:
        return f"session ends in {minutes} min"
    return f"session ends in {minutes // 60} h {minutes % 60:02d} min"


def tray_tooltip(
    profile: RoleProfile | None, expires_at: datetime | None, now: datetime | None = None
) -> str:
    """ "Name @ account — session ends in 42 min", or what is known so far."""
    if profile is None:
        return f"{APP_NAME} — no role selected"
    if expires_at is None:  # switching, or the switch failed: no session to count down
        return profile.banner_text
    return f"{profile.banner_text} — {describe_time_left(expires_at, now or _utc_now())}"


def _tray_text(tooltip: str) -> str:
    """The tooltip as the tray shows it: X11 and StatusNotifier trays guess rich text
    (a name with "<font …>" could hide the account); Windows' tray shows plain text."""
    return tooltip if sys.platform == "win32" else plain_tooltip(tooltip)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class RoleTray(QObject):
    """A tray icon whose menu lists the recent roles; emits :attr:`chosen` with a name.

    ``available`` defaults to asking Qt; pass ``False`` (or run on a platform
    without a tray) and no ``QSystemTrayIcon`` is made, while :attr:`menu` and
    :meth:`tooltip` still work.
    """

    chosen = Signal(str)
    show_window_requested = Signal()
    quit_requested = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        icon: QIcon | None = None,
        available: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self._app_icon = (
            icon if icon is not None and not icon.isNull() else QGuiApplication.windowIcon()
        )
        self._swatches = SwatchCache()
        self._recent: tuple[RoleProfile, ...] = ()
        self._active: RoleProfile | None = None
        self._expires_at: datetime | None = None
        self._tooltip = ""

        # Parented to the window (when given) so the menu goes when the window goes.
        self.menu = QMenu(parent)
        self.menu.setObjectName("trayMenu")
        self._recent_group = QActionGroup(self)
        self._recent_group.setExclusionPolicy(QActionGroup.ExclusionPolicy.None_)
        self._recent_group.triggered.connect(self._on_recent_triggered)
        self._recent_actions: dict[tuple[str, str, str, str], QAction] = {}
        self.show_action = QAction("Show window", self)
        self.show_action.triggered.connect(self.show_window_requested)
        self.quit_action = QAction("Quit", self)
        self.quit_action.triggered.connect(self.quit_requested)

        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_INTERVAL_MS)
        self._timer.timeout.connect(self.refresh)

        if available is None:
            available = QSystemTrayIcon.isSystemTrayAvailable()
        self._tray: QSystemTrayIcon | None = None
        self._rebuild_menu()
        self.refresh()
        if available:
            self._tray = QSystemTrayIcon(self)
            self._tray.setContextMenu(self.menu)
            self._tray.activated.connect(self._on_activated)
            self._tray.setIcon(self.icon())
            self._tray.setToolTip(_tray_text(self._tooltip))
            self._tray.show()

    # --- state ---

    @property
    def tray_icon(self) -> QSystemTrayIcon | None:
        """The real tray icon, or None where the platform has no tray."""
        return self._tray

    def set_recent(self, profiles: Sequence[RoleProfile]) -> None:
        """The recent profiles, most recent first (e.g. ``RecentRoles.resolve(profiles)``)."""
        self._recent = tuple(profiles)
        self._rebuild_menu()

    def set_active(self, profile: RoleProfile | None, expires_at: datetime | None = None) -> None:
        """The role on screen and when its session ends (None while switching or after failing)."""
        self._active = profile
        self._expires_at = expires_at
        for action in self._recent_group.actions():
            action.setChecked(profile is not None and action.data() == profile.name)
        if self._tray is not None:
            self._tray.setIcon(self.icon())
            # Counting down only makes sense while a session exists.
            if expires_at is not None:
                self._timer.start()
            else:
                self._timer.stop()
        self.refresh()

    @Slot()
    def refresh(self, now: datetime | None = None) -> str:
        """Recompute the tooltip's time left; returns the text."""
        self._tooltip = tray_tooltip(self._active, self._expires_at, now)
        if self._tray is not None:
            self._tray.setToolTip(_tray_text(self._tooltip))
        return self._tooltip

    def tooltip(self) -> str:
        return self._tooltip

    def icon(self) -> QIcon:
        """The active role's colour (the account at a glance), else the app's icon."""
        if self._active is not None:
            return swatch_icon(self._active.color_hex, TRAY_ICON_SIZE)
        if not self._app_icon.isNull():
            return self._app_icon
        return swatch_icon(NEUTRAL_BANNER, TRAY_ICON_SIZE)  # an icon is required to show

    def hide(self) -> None:
        """Take the icon out of the tray (on quit, so it does not linger on some desktops)."""
        self._timer.stop()
        if self._tray is not None:
            self._tray.hide()

    # --- menu ---

    def _rebuild_menu(self) -> None:
        # On every switch (the chosen role moves to the top): the entries are kept and
        # re-ordered, only a role new to the list gets one (~0.5 ms less per switch).
        self.menu.clear()
        kept, self._recent_actions = self._recent_actions, {}
        if self._recent:
            # A disabled entry rather than addSection: several styles (Fusion among
            # them) draw a section as a bare line and drop its text.
            self.menu.addAction("Recent roles").setEnabled(False)
            for profile in self._recent:
                key = (profile.name, profile.label, profile.color_hex, profile.role_arn)
                action = kept.pop(key, None) or self._recent_action(profile)
                action.setChecked(self._active is not None and profile.name == self._active.name)
                self._recent_actions[key] = action
                self.menu.addAction(action)
        else:
            empty = self.menu.addAction("No recent roles yet")
            empty.setEnabled(False)
        for action in kept.values():  # roles no longer recent
            self._recent_group.removeAction(action)
            action.deleteLater()
        self.menu.addSeparator()
        self.menu.addAction(self.show_action)
        self.menu.addAction(self.quit_action)

    def _recent_action(self, profile: RoleProfile) -> QAction:
        action = QAction(self._swatches.icon(profile.color_hex), profile.label, self)
        action.setData(profile.name)
        action.setToolTip(plain_tooltip(profile.role_arn))
        # A check mark as well as the colour, so the active role does not depend on
        # telling colours apart.
        action.setCheckable(True)
        self._recent_group.addAction(action)
        return action

    def recent_actions(self) -> list[QAction]:
        """The recent roles' entries, in the menu's order."""
        return list(self._recent_actions.values())

    @Slot(QAction)
    def _on_recent_triggered(self, action: QAction) -> None:
        name = action.data()
        # Choosing the active role again must not un-check it: the check follows
        # set_active, which the window calls once the switch has happened.
        action.setChecked(self._active is not None and name == self._active.name)
        if name:
            self.chosen.emit(str(name))

    @Slot(QSystemTrayIcon.ActivationReason)
    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.show_window_requested.emit()
