"""The recent roles as the window keeps them: changed in memory, saved once a burst ends."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.recent import RecentRoles
from xacct_gui.core.ui_state import UiState

STATE_SAVE_DELAY_MS = 1_000


class RecentHistory(QObject):
    """:class:`RecentRoles` plus a debounced save: a burst of switches writes the file once."""

    changed = Signal()

    def __init__(
        self, state: UiState, saved_names: Iterable[str], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._state = state
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
        self._changed_if(self._recent.touch(name))

    def prune(self, saved_names: Iterable[str]) -> None:
        self._changed_if(self._recent.prune(saved_names))

    def rename(self, old: str, new: str) -> None:
        self._changed_if(self._recent.rename(old, new))

    @Slot()
    def save(self) -> None:
        self._save_timer.stop()
        self._recent.save_to(self._state)

    def flush(self) -> None:
        """Save now if a save is pending (on close)."""
        if self._save_timer.isActive():
            self.save()

    def _changed_if(self, changed: bool) -> None:
        if changed:
            self._save_timer.start()
            self.changed.emit()
