"""The recent roles and the active profile, changed in memory and saved once a burst ends."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.recent import RecentRoles
from xacct_gui.core.ui_state import LAST_PROFILE, RECENT_ROLES, UiState

STATE_SAVE_DELAY_MS = 1_000


class RecentHistory(QObject):
    """:class:`RecentRoles` plus a debounced save: a burst of switches writes the file once.

    Each save also records ``active_name()`` (when there is one) as the profile the
    app opens with next time.
    """

    changed = Signal()

    def __init__(
        self,
        state: UiState,
        saved_names: Iterable[str],
        active_name: Callable[[], str | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._state = state
        self._active_name = active_name
        self._recent = RecentRoles.from_state(state)
        self._recent.prune(saved_names)  # in memory only, until something else changes
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(STATE_SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save)

    @property
    def names(self) -> tuple[str, ...]:
        return self._recent.names

    def resolve(self, profiles: Iterable[RoleProfile]) -> list[RoleProfile]:
        return self._recent.resolve(profiles)

    def touch(self, name: str) -> None:
        """A switch to ``name`` started: it leads the history and is saved as active."""
        self._changed_if(self._recent.touch(name))
        self._save_timer.start()

    def prune(self, saved_names: Iterable[str]) -> None:
        self._changed_if(self._recent.prune(saved_names))

    def rename(self, old: str, new: str) -> None:
        self._changed_if(self._recent.rename(old, new))

    @Slot()
    def save(self) -> None:
        self._save_timer.stop()
        active = self._active_name()
        if active is None:
            self._recent.save_to(self._state)
        else:
            self._state.update({RECENT_ROLES: self._recent.names, LAST_PROFILE: active})

    def flush(self) -> None:
        """Save now if a save is pending (on close)."""
        if self._save_timer.isActive():
            self.save()

    def _changed_if(self, changed: bool) -> None:
        if changed:
            self._save_timer.start()
            self.changed.emit()
