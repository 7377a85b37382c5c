"""Profile actions: add, edit, duplicate, delete, import, export, sign-in keys.

Every change goes through :meth:`ProfileActions.commit`, the one path that saves
the profile file and then tells the window (:attr:`ProfileActions.committed`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from xacct_gui.core.errors import ProfileFileError
from xacct_gui.core.keys import KeyVault
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.store import ProfileStore, unique_name
from xacct_gui.gui.banners import MessageBanner
from xacct_gui.gui.main_window.book import ProfileBook
from xacct_gui.gui.main_window.prompts import Prompts
from xacct_gui.gui.main_window.recent_history import RecentHistory
from xacct_gui.gui.threads import run_off_gui_thread

# How long a save may hold the GUI thread before it paints while waiting: a few
# profiles are written well within this, with no event loop spun.
SAVE_BLOCK_S = 0.004


def neighbour_after_delete(profiles: Sequence[RoleProfile], deleted: RoleProfile) -> str | None:
    """The profile to show once ``deleted`` is gone: the next one, else the one before."""
    rest = [p for p in profiles if p is not deleted]
    if not rest:
        return None
    at = next((i for i, p in enumerate(profiles) if p is deleted), 0)
    return rest[min(at, len(rest) - 1)].name


class ProfileActions(QObject):
    """The user's actions on saved profiles, for the window that owns ``parent``."""

    # A saved change is in the book; the name to switch to (or None).
    committed = Signal(object)
    message = Signal(str, int)  # status-bar text, timeout in ms

    def __init__(
        self,
        parent: QWidget,
        *,
        store: ProfileStore,
        book: ProfileBook,
        history: RecentHistory,
        file_warning: MessageBanner,
        prompts: Prompts,
        vault: KeyVault | None = None,
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._store = store
        self._book = book
        self._history = history
        self._file_warning = file_warning
        self._prompts = prompts
        self._vault = vault
        self._aws_profiles: list[str] = []
        # In the demo: the demo's own AWS config file (None while it starts). Import and
        # "Write into ~/.aws/config" then use it, never the user's real file.
        self.demo = False
        self.aws_config_path: Path | None = None

    @Slot(list)
    def set_aws_profiles(self, names: list[str]) -> None:
        """The AWS CLI profiles the worker found, offered as sources in the dialog."""
        self._aws_profiles = list(names)

    def run_profile_dialog(
        self, profile: RoleProfile | None, taken: Sequence[str], title: str
    ) -> RoleProfile | None:
        """Show the profile dialog modally; tests replace this to drive the window."""
        from xacct_gui.gui.profile_dialog import ProfileDialog

        own_name = profile.name if profile is not None else None
        dialog = ProfileDialog(
            self._parent,
            profile=profile,
            taken_names=taken,
            aws_profiles=self._aws_profiles,
            title=title,
            sign_in_keys=[k.name for k in self._vault.list_keys()] if self._vault else [],
            saved_roles=[name for name in self._book.names if name != own_name],
        )
        try:
            return dialog.profile() if dialog.exec() else None
        finally:
            dialog.deleteLater()

    # --- the four edits ---

    @Slot()
    def add(self) -> None:
        created = self.run_profile_dialog(None, self._book.names, "Add role profile")
        if created is not None:
            self.commit([*self._book.profiles, created], select=created.name)

    @Slot()
    def edit(self) -> None:
        current = self._book.selected()
        if current is None:
            return
        others = [name for name in self._book.names if name != current.name]
        edited = self.run_profile_dialog(current, others, f"Edit {current.name}")
        if edited is None:
            return
        if edited.name != current.name:
            self._history.rename(current.name, edited.name)
        profiles = [edited if p is current else p for p in self._book.profiles]
        self.commit(profiles, select=edited.name)

    @Slot()
    def duplicate(self) -> None:
        current = self._book.selected()
        if current is None:
            return
        names = self._book.names
        copy = current.replace(name=unique_name(current.name, names))
        created = self.run_profile_dialog(copy, names, f"Duplicate {current.name}")
        if created is not None:
            self.commit([*self._book.profiles, created], select=created.name)

    @Slot()
    def delete(self) -> None:
        current = self._book.selected()
        if current is None:
            return
        dependants = [p.name for p in self._book.profiles if p.source_role == current.name]
        text = f"Delete the profile “{current.name}”?"
        if dependants:
            text += (
                f"\n\n{', '.join(dependants)} use it as their source role and will stop "
                "working until you give them another source."
            )
        if not self._prompts.confirm("Delete role profile", text, destructive="Delete"):
            return
        remaining = [p for p in self._book.profiles if p is not current]
        self.commit(remaining, select=neighbour_after_delete(self._book.profiles, current))

    @Slot(list)
    def add_discovered(self, chosen: list[RoleProfile]) -> None:
        if chosen:
            self.commit([*self._book.profiles, *chosen], select=None)
            self.message.emit(f"Added {len(chosen)} profiles", 5000)

    def commit(self, profiles: list[RoleProfile], select: str | None) -> None:
        """Save first; only a saved change (or a read-only file, said plainly) is applied."""
        try:
            # What was written: ours plus what another window or command added meanwhile.
            # Off the GUI thread: 3,000 Identity Center roles take ~20 ms to encode and
            # write, a frame-and-a-half the window would otherwise not paint.
            wanted = profiles
            saved = run_off_gui_thread(lambda: self._store.save(wanted), block_s=SAVE_BLOCK_S)
            profiles = list(saved)
        except ProfileFileError as exc:
            self._file_warning.show_message(str(exc))
        self._book.replace(profiles)
        self._history.prune(self._book.names)
        self.committed.emit(select)

    # --- dialogs that work on the whole list ---

    @Slot()
    def manage_sign_in_keys(self) -> None:
        if self._vault is None:
            return
        from xacct_gui.gui.keys_dialog import SignInKeysDialog

        dialog = SignInKeysDialog(
            self._parent, vault=self._vault, profiles_using=self._profiles_using_key
        )
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()

    @Slot()
    def import_from_aws_config(self) -> None:
        from xacct_gui.core.importers import default_aws_config_path
        from xacct_gui.gui.import_dialog import run_aws_config_import

        if not self._config_ready():
            return
        path = self.aws_config_path or default_aws_config_path()
        if not path.exists():
            # No file where botocore looks: a dead end unless the user can point at one.
            picked = self._prompts.choose_config_file(str(path))
            if picked is None:
                return
            path = Path(picked)
        updated = run_aws_config_import(self._parent, self._book.profiles, path=path)
        if updated is not None:
            self.commit(updated, select=None)

    @Slot()
    def import_from_esr(self) -> None:
        from xacct_gui.gui.import_dialog import run_esr_import

        updated = run_esr_import(self._parent, self._book.profiles)
        if updated is not None:
            self.commit(updated, select=None)

    @Slot()
    def export_profiles(self) -> None:
        from xacct_gui.gui.export_dialog import ExportDialog

        if not self._config_ready():
            return
        dialog = ExportDialog(
            self._parent, profiles=self._book.profiles, config_path=self.aws_config_path
        )
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()

    def _config_ready(self) -> bool:
        """False (and said) while the demo's sandbox AWS config does not exist yet."""
        if self.demo and self.aws_config_path is None:
            self.message.emit("The demo is still starting its local AWS emulator.", 5000)
            return False
        return True

    def _profiles_using_key(self, key_name: str) -> list[str]:
        return [p.name for p in self._book.profiles if p.source_key == key_name]
