"""The main window: its layout, and the wiring between its helpers.

What the window does lives in helpers, one per group of user actions, each
usable without the others: :class:`SwitchFlow` (switching and the Region
lookups), :class:`BucketPanel` (the table), :class:`ProfileActions` (profile
edits and the dialogs that change the list), :class:`RoleJobs` (console,
credentials, discovery) and :class:`Prompts` (the modal questions). The menu
actions are declared in :mod:`.actions`. See "Layers" in docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xacct_gui import APP_NAME, __version__
from xacct_gui.core.keys import KeyVault
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.store import ProfileStore, StateStore
from xacct_gui.core.ui_state import UiState
from xacct_gui.gui.banners import MessageBanner
from xacct_gui.gui.bucket_model import BucketTableModel
from xacct_gui.gui.first_run import FirstRunPanel
from xacct_gui.gui.main_window.actions import TABLE_MENU, build_actions
from xacct_gui.gui.main_window.book import ProfileBook
from xacct_gui.gui.main_window.bucket_panel import BucketPanel
from xacct_gui.gui.main_window.geometry import restore_geometry, save_geometry
from xacct_gui.gui.main_window.profile_actions import ProfileActions
from xacct_gui.gui.main_window.prompts import Prompts
from xacct_gui.gui.main_window.recent_history import RecentHistory
from xacct_gui.gui.main_window.role_jobs import RoleJobs
from xacct_gui.gui.main_window.sso_actions import SsoActions
from xacct_gui.gui.main_window.status import SessionStatus
from xacct_gui.gui.main_window.switching import SwitchFlow, SwitchView
from xacct_gui.gui.main_window.team_drop import TeamFileDrop
from xacct_gui.gui.quick_switch import QuickSwitchPalette, RecentShortcuts
from xacct_gui.gui.role_switcher import NO_PROFILES_PLACEHOLDER, RoleBanner, RoleSwitcher
from xacct_gui.gui.tray import RoleTray
from xacct_gui.gui.workers import SwitchController

CLOSE_WAIT_MS = 1_000
GRID = 4  # px: every margin and gap is a multiple (docs/ui.md, "Spacing")
# The buttons beside the switcher, each the twin of a menu action.
BUTTONS = (("add", "Add…"), ("edit", "Edit…"), ("duplicate", "Duplicate…"), ("delete", "Delete"))
DEMO_STYLE = (
    # The console's navigation-bar navy, with an edge that still shows on a dark window.
    "QLabel#demoNotice { background: #232f3e; color: #ffffff; padding: 8px 12px;"
    " border: 1px solid #414d5c; border-radius: 6px; }"
)


def demo_notice_text(endpoint: str | None) -> str:
    if endpoint is None:
        return (
            "Demo mode: starting the local AWS emulator… No real AWS account is used "
            "and nothing leaves this computer."
        )
    return (
        f"Demo mode: talking to a local AWS emulator at {endpoint}. "
        "No real AWS account is used and nothing leaves this computer."
    )


class MainWindow(QMainWindow):
    def __init__(
        self,
        *,
        store: ProfileStore,
        state: StateStore,
        controller: SwitchController,
        profiles: Sequence[RoleProfile],
        file_problems: Sequence[str] = (),
        emulator_endpoint: str | None = None,
        vault: KeyVault | None = None,
        demo: bool = False,
    ) -> None:
        super().__init__()
        self._controller = controller
        self.ui_state = UiState(state)
        self.prompts = Prompts(self)
        self._demo = demo or bool(emulator_endpoint)
        self._demo_starting = demo and not emulator_endpoint
        self._build_widgets(emulator_endpoint if emulator_endpoint else None)
        restore_geometry(self, self.ui_state)
        self.book = ProfileBook(profiles, self.switcher.current_name)
        self.history = RecentHistory(
            self.ui_state, self.book.names, self._active_profile_name, self
        )
        self.tray = RoleTray(self, icon=QGuiApplication.windowIcon())
        self.switching = SwitchFlow(
            controller=controller,
            book=self.book,
            history=self.history,
            view=SwitchView(
                self.banner, self.error_banner, self.bucket_panel, self.session_status, self.tray
            ),
            prompts=self.prompts,
            parent=self,
        )
        self.profile_actions = ProfileActions(
            self,
            store=store,
            book=self.book,
            history=self.history,
            file_warning=self.file_warning,
            prompts=self.prompts,
            vault=vault,
        )
        self.sso_actions = SsoActions(
            self,
            controller=controller,
            book=self.book,
            profile_actions=self.profile_actions,
            state=self.ui_state,
            status_bar=self.statusBar(),
        )
        self._layout.insertWidget(self._layout.indexOf(self.error_banner), self.sso_actions.banner)
        self.role_jobs = RoleJobs(
            self,
            controller=controller,
            book=self.book,
            prompts=self.prompts,
            panel=self.bucket_panel,
            active_profile=lambda: self.switching.active,
            error_banner=self.error_banner,
            state=self.ui_state,
        )
        # Until the demo's sandbox exists, nothing may fall back to the real AWS config.
        self.profile_actions.demo = self._demo_starting
        self.quick_switch = QuickSwitchPalette(self)
        self.recent_shortcuts = RecentShortcuts(self)  # Ctrl+1 … Ctrl+5
        self.menu_actions = build_actions(self, self.menuBar())
        self._wire()

        self.switcher.set_profiles(self.book.profiles, None)
        if self._demo_starting:
            self.switcher.setPlaceholderText("The demo's roles appear in a moment…")
            self.session_status.set_busy(True, at_once=True)  # the emulator takes seconds
        self._show_nothing_chosen()
        self._publish_recent()
        if file_problems:
            self.file_warning.show_message("\n".join(file_problems))
        self._update_profile_actions()

    # --- construction ---

    def _build_widgets(self, emulator_endpoint: str | None) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        # The spacing grid (docs/ui.md): 12 px from the window's edges, 8 px between parts.
        layout.setContentsMargins(GRID * 3, GRID * 3, GRID * 3, GRID * 2)
        layout.setSpacing(GRID * 2)
        self.demo_notice: QLabel | None = None
        if self._demo:
            self.demo_notice = QLabel(demo_notice_text(emulator_endpoint), central)
            self.demo_notice.setObjectName("demoNotice")
            self.demo_notice.setWordWrap(True)
            self.demo_notice.setStyleSheet(DEMO_STYLE)
            layout.addWidget(self.demo_notice)

        top = QHBoxLayout()
        top.setSpacing(GRID * 2)
        role_label = QLabel("&Role:", central)
        self.switcher = RoleSwitcher(central)
        role_label.setBuddy(self.switcher)
        top.addWidget(role_label)
        top.addWidget(self.switcher, 1)
        self.buttons: dict[str, QPushButton] = {}
        for action_id, text in BUTTONS:
            self.buttons[action_id] = QPushButton(text, central)
            top.addWidget(self.buttons[action_id])
        layout.addLayout(top)

        self.banner = RoleBanner(central)
        layout.addWidget(self.banner)
        self.file_warning = MessageBanner("fileWarning", "warning", central)
        layout.addWidget(self.file_warning)
        self.error_banner = MessageBanner("errorBanner", "error", central)
        layout.addWidget(self.error_banner)
        self.first_run = FirstRunPanel(central)
        layout.addWidget(self.first_run, 1)
        self.bucket_panel = BucketPanel(
            central, active_profile=lambda: self.switching.active, prompts=self.prompts
        )
        layout.addWidget(self.bucket_panel, 1)
        self._layout = layout
        self.setCentralWidget(central)
        self.session_status = SessionStatus(self.statusBar())

    def _wire(self) -> None:
        actions = self.menu_actions.actions
        copy = actions["copy_name"]
        copy.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.bucket_panel.table.addAction(copy)
        self.bucket_panel.set_context_actions(
            [actions[i] if i is not None else None for i in TABLE_MENU]
        )
        self.menu_actions.submenus["recent"].addActions(self.recent_shortcuts.actions)
        for action_id, button in self.buttons.items():
            button.clicked.connect(actions[action_id].trigger)

        self.first_run.chosen.connect(self._on_first_run_choice)
        self.sso_actions.team_problem.connect(self.file_warning.show_message)
        self.team_drop = TeamFileDrop(self, self.sso_actions.open_team)
        self.quick_switch.chosen.connect(self.switch_to)
        self.recent_shortcuts.chosen.connect(self.switch_to)
        self.tray.chosen.connect(self.switch_to)
        self.tray.show_window_requested.connect(self._show_from_tray)
        self.tray.quit_requested.connect(self.close)
        self.switcher.profile_chosen.connect(self.switching.choose)
        self.switching.active_changed.connect(self.update_title)
        self.switcher.currentIndexChanged.connect(self._update_profile_actions)
        self.history.changed.connect(self._publish_recent)
        self.profile_actions.committed.connect(self._on_profiles_committed)
        self.profile_actions.message.connect(self.session_status.show_message)
        self.role_jobs.discovered.connect(self.profile_actions.add_discovered)
        self.bucket_panel.message.connect(self.session_status.show_message)
        self.bucket_panel.failed.connect(self.error_banner.show_message)
        self.bucket_panel.count_changed.connect(self.session_status.set_count)
        self._controller.busy_changed.connect(self.session_status.set_busy)
        self._controller.aws_profiles_ready.connect(self.profile_actions.set_aws_profiles)

    # --- public API used by the app and by tests ---

    @property
    def controller(self) -> SwitchController:
        return self._controller

    @property
    def profiles(self) -> list[RoleProfile]:
        return self.book.profiles

    @property
    def active_profile(self) -> RoleProfile | None:
        return self.switching.active

    @property
    def bucket_model(self) -> BucketTableModel:
        return self.bucket_panel.model

    def action(self, action_id: str) -> QAction:
        """The menu action ``action_id`` of :data:`.actions.ENTRIES`."""
        action: QAction = self.menu_actions.actions[action_id]
        return action

    @Slot(str)
    def switch_to(self, name: str) -> None:
        """Select ``name`` in the switcher, exactly as a user would."""
        if self.switcher.current_name() == name:
            self.switching.choose(name)
        else:
            self.switcher.select(name)

    def demo_ready(
        self, endpoint: str, profiles: Sequence[RoleProfile], aws_config_file: Path
    ) -> None:
        """The demo's emulator is up (it starts after the window shows): its profiles, and
        its own AWS config file, which the demo imports from and writes into."""
        self._demo_starting = False
        self.switcher.setPlaceholderText(NO_PROFILES_PLACEHOLDER)
        self.session_status.set_busy(self._controller.busy)
        self.set_demo_sandbox(aws_config_file)
        if self.demo_notice is not None:
            self.demo_notice.setText(demo_notice_text(endpoint))
        self.book.replace(profiles)
        self._on_profiles_committed(None)

    def set_demo_sandbox(self, aws_config_file: Path) -> None:
        self.profile_actions.aws_config_path = aws_config_file
        self.role_jobs.demo_dir = aws_config_file.parent

    def refresh(self) -> None:
        self.switching.refresh()

    def renew_session(self) -> None:
        self.switching.renew_session()

    def add_profile(self) -> None:
        self.profile_actions.add()

    def edit_profile(self) -> None:
        self.profile_actions.edit()

    def delete_profile(self) -> None:
        self.profile_actions.delete()

    def import_from_aws_config(self) -> None:
        self.profile_actions.import_from_aws_config()

    def selected_bucket_names(self) -> list[str]:
        return self.bucket_panel.selected_bucket_names()

    @Slot()
    def open_quick_switch(self) -> None:
        self.quick_switch.popup(self, self.book.profiles, self.history.names)

    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<b>{APP_NAME} {__version__}</b><p>Colour-coded AWS role switching with an S3 "
            "bucket view. Credentials stay in memory.</p>",
        )

    # --- reactions ---

    def _show_nothing_chosen(self) -> None:
        """The empty table's line and the title while no role is active."""
        if self.switching.active is None:
            if self._demo_starting:
                why = "Starting the local AWS emulator…"
            elif self.book.profiles:
                why = "Choose a role above to see its buckets."
            else:
                why = "No role profiles yet. Add one with Profiles → Add role profile… (Ctrl+N)."
            self.bucket_panel.show_buckets(None, why)
        self.update_title()

    @Slot()
    def update_title(self) -> None:
        """ "Prod @ 333333333333 — xacct (demo)": the active role first, as the task bar
        shows the start of the title."""
        active = self.switching.active
        app = f"{APP_NAME} (demo)" if self._demo else f"{APP_NAME} {__version__}"
        self.setWindowTitle(f"{active.banner_text} — {app}" if active else app)

    def _active_profile_name(self) -> str | None:
        active = self.switching.active
        return active.name if active is not None else None

    @Slot(object)
    def _on_profiles_committed(self, select: str | None) -> None:
        self.switching.profiles_changed()
        active = self.switching.active
        self.switcher.set_profiles(self.book.profiles, active.name if active else None)
        self._publish_recent()
        if select is not None:
            self.switch_to(select)
        self._show_nothing_chosen()
        self._update_profile_actions()

    @Slot()
    def _update_profile_actions(self) -> None:
        has_selection = self.book.selected() is not None
        for act in self.menu_actions.needing("selection"):
            act.setEnabled(has_selection)
        for action_id in ("edit", "duplicate", "delete"):
            self.buttons[action_id].setEnabled(has_selection)
        for act in self.menu_actions.needing("profiles"):
            act.setEnabled(bool(self.book.profiles))
        # Not while the demo is starting: its profiles are on their way.
        first_run = not self.book.profiles and not self._demo_starting
        self.first_run.setVisible(first_run)
        # With no role there are no buckets to filter: the choices get the room (at 2x
        # they were squeezed between the banner and an empty table, their text clipped).
        self.bucket_panel.setVisible(not first_run)

    @Slot(str)
    def _on_first_run_choice(self, choice: str) -> None:
        if choice == "firstRunSignIn":
            self.sso_actions.start()
        elif choice == "firstRunAccessKey":
            self.profile_actions.manage_sign_in_keys()
        else:
            self.profile_actions.import_from_aws_config()

    @Slot()
    def _publish_recent(self) -> None:
        recent = self.history.resolve(self.book.profiles)
        self.switcher.set_recent(self.history.names)
        self.recent_shortcuts.set_recent(recent)
        self.tray.set_recent(recent)
        self.menu_actions.submenus["recent"].menuAction().setVisible(bool(recent))

    @Slot()
    def bring_to_front(self) -> None:
        """Another launch on the same config dir asked for this window."""
        self._show_from_tray()

    @Slot()
    def _show_from_tray(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:
        save_geometry(self, self.ui_state)
        self.history.flush()
        self.session_status.stop()
        # The call in flight is abandoned (it runs on a daemon thread: see
        # gui/threads.py), so the worker stops at once; the Region lookups stop at their
        # next bucket on their own.
        self.switching.shutdown()
        self.tray.hide()
        self._controller.shutdown(wait_ms=CLOSE_WAIT_MS)
        self.role_jobs.clipboard_guard.clear_if_unchanged()  # the clipboard outlives the app
        super().closeEvent(event)
