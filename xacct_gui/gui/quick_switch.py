"""The Ctrl+K quick-switch palette: search every role and switch without touching the mouse.

The palette is the search popup the switcher opens (:mod:`xacct_gui.gui.role_search`),
opened over the window instead of under the switcher. The Ctrl+1…5 recent-role
keys live in :mod:`xacct_gui.gui.recent_shortcuts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtWidgets import QWidget

from xacct_gui.core.profiles import RoleProfile
from xacct_gui.gui.recent_shortcuts import RecentShortcuts
from xacct_gui.gui.role_search import RoleSearchPopup

# RecentShortcuts is imported from here by the main window; its home is recent_shortcuts.
__all__ = ["QuickSwitchPalette", "RecentShortcuts"]


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
