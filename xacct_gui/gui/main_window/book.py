"""The saved profiles as the window knows them, shared by the window's helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from xacct_gui.core.profiles import RoleProfile, resolve_chain


class ProfileBook:
    """The profile list (replaced whole on every saved change) and the switcher's choice."""

    def __init__(
        self, profiles: Iterable[RoleProfile], selected_name: Callable[[], str | None]
    ) -> None:
        self._profiles = list(profiles)
        self._selected_name = selected_name

    @property
    def profiles(self) -> list[RoleProfile]:
        return list(self._profiles)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self._profiles]

    def replace(self, profiles: Iterable[RoleProfile]) -> None:
        self._profiles = list(profiles)

    def find(self, name: str | None) -> RoleProfile | None:
        return next((p for p in self._profiles if p.name == name), None)

    def selected(self) -> RoleProfile | None:
        """The profile chosen in the switcher (not necessarily switched to yet)."""
        return self.find(self._selected_name())

    def chain(self, profile: RoleProfile) -> tuple[RoleProfile, ...]:
        """``profile``'s source roles, nearest first; raises ProfileError when broken."""
        return resolve_chain(profile, self._profiles)
