"""Ctrl+1 … Ctrl+5: the keys that switch straight to one of the recent roles."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QWidget

from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.recent import MAX_RECENT
from xacct_gui.gui.widgets.swatches import SwatchCache


def recent_shortcut(n: int) -> QKeySequence:
    """The key for the ``n``-th recent role (Ctrl+1 …; Cmd+1 … on macOS, as Qt maps Ctrl)."""
    return QKeySequence(f"Ctrl+{n}")


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
