"""The main window: switcher, banner, bucket table, status bar and profile actions.

The window never calls AWS: it asks the :class:`SwitchController` and reacts
to its signals, which always arrive on the GUI thread.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QKeyCombination,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    QTimer,
    QUrl,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from xacct_gui import APP_NAME, __version__
from xacct_gui.core.discovery import DEFAULT_RULES, Account, Source, discover_accounts
from xacct_gui.core.errors import ProfileError, ProfileFileError
from xacct_gui.core.export_env import SHELL_LABELS, Shell, exports_for
from xacct_gui.core.federation import bucket_destination, console_url_for
from xacct_gui.core.keys import KeyVault
from xacct_gui.core.profiles import RoleProfile, resolve_chain
from xacct_gui.core.recent import STATE_KEY as RECENT_KEY
from xacct_gui.core.recent import RecentRoles
from xacct_gui.core.store import ProfileStore, StateStore, unique_name, write_atomically
from xacct_gui.gui.banners import MessageBanner
from xacct_gui.gui.bucket_model import (
    COL_CREATED,
    COL_NAME,
    BucketFilterProxy,
    BucketTableModel,
)
from xacct_gui.gui.clipboard_guard import ClipboardGuard
from xacct_gui.gui.quick_switch import QuickSwitchPalette, RecentShortcuts
from xacct_gui.gui.region_lookup import RegionLookup
from xacct_gui.gui.role_switcher import RoleBanner, RoleSwitcher
from xacct_gui.gui.tray import RoleTray
from xacct_gui.gui.workers import AwsJob, SwitchController, SwitchRequest

# Builds a job for the worker from an MFA code (None on the first try).
JobMaker = Callable[[str | None], AwsJob]

if TYPE_CHECKING:  # botocore is imported after the window shows
    from xacct_gui.core.aws import Bucket, SwitchResult

COUNTDOWN_INTERVAL_MS = 1_000
STATE_SAVE_DELAY_MS = 1_000
CLOSE_WAIT_MS = 1_000
REGION_LOOKUP_DELAY_MS = 50


def bucket_arn(name: str, partition: str = "aws") -> str:
    return f"arn:{partition}:s3:::{name}"


def buckets_csv(buckets: Sequence[Bucket]) -> str:
    """CSV with a header; Created in ISO 8601 with its offset so spreadsheets sort it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Name", "Created", "Region"])
    for bucket in buckets:
        writer.writerow([bucket.name, bucket.created.isoformat(), bucket.region or ""])
    return out.getvalue()


def describe_expiry(expiration: datetime, now: datetime) -> str:
    """ "Session expires 14:05 (in 52 min)" — local clock time plus time left."""
    left = expiration - now
    minutes = int(left.total_seconds() // 60)
    when = expiration.astimezone().strftime("%H:%M")
    if left.total_seconds() <= 0:
        return f"Session expired at {when}"
    if minutes >= 60:
        return f"Session expires {when} (in {minutes // 60} h {minutes % 60:02d} min)"
    if minutes >= 5:
        return f"Session expires {when} (in {minutes} min)"
    seconds = int(left.total_seconds())
    return f"Session expires {when} (in {seconds // 60}:{seconds % 60:02d})"


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
    ) -> None:
        super().__init__()
        self._vault = vault
        self._store = store
        self._state = state
        self._controller = controller
        self._profiles: list[RoleProfile] = list(profiles)
        self._aws_profiles: list[str] = []
        self._active: RoleProfile | None = None
        self._result: SwitchResult | None = None  # what the table shows
        # Each profile's last result, shown at once when switching back while valid.
        self._last_results: dict[str, SwitchResult] = {}
        # Jobs on the worker: id -> (what it is, for whom, how to make it again with a code).
        self._jobs: dict[int, tuple[str, RoleProfile, JobMaker]] = {}
        self._clipboard_guard = ClipboardGuard(self)

        self._recent = RecentRoles.from_state(state.load())
        self._recent.prune(p.name for p in self._profiles)

        self.setWindowTitle(f"{APP_NAME} {__version__}")
        self.resize(980, 640)
        self._build_widgets(emulator_endpoint)
        self._build_actions()
        self._connect_controller()
        self._state_save = QTimer(self)
        self._state_save.setSingleShot(True)
        self._state_save.setInterval(STATE_SAVE_DELAY_MS)
        self._state_save.timeout.connect(self._save_state)
        self._regions = RegionLookup(self)
        self._regions.found.connect(self._on_regions_found)
        self._pending_regions: tuple[RoleProfile, SwitchResult] | None = None
        self._countdown = QTimer(self)
        self._countdown.setInterval(COUNTDOWN_INTERVAL_MS)
        self._countdown.timeout.connect(self._update_expiry)
        self._countdown.start()

        self._switcher.set_profiles(self._profiles, None)
        self._publish_recent()
        self._show_file_problems(file_problems)
        self._update_profile_actions()

    # --- construction ---

    def _build_widgets(self, emulator_endpoint: str | None) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(10, 10, 10, 6)
        layout.setSpacing(8)

        if emulator_endpoint:
            notice = QLabel(
                f"Demo mode: talking to a local AWS emulator at {emulator_endpoint}. "
                "No real AWS account is used and nothing leaves this computer.",
                central,
            )
            notice.setObjectName("demoNotice")
            notice.setWordWrap(True)
            notice.setStyleSheet(
                "QLabel#demoNotice { background: #232f3e; color: #ffffff; padding: 6px 10px;"
                " border-radius: 3px; }"
            )
            layout.addWidget(notice)

        top = QHBoxLayout()
        role_label = QLabel("&Role:", central)
        self._switcher = RoleSwitcher(central)
        role_label.setBuddy(self._switcher)
        top.addWidget(role_label)
        top.addWidget(self._switcher, 1)
        self._add_button = QPushButton("Add…", central)
        self._edit_button = QPushButton("Edit…", central)
        self._duplicate_button = QPushButton("Duplicate…", central)
        self._delete_button = QPushButton("Delete", central)
        for button in (
            self._add_button,
            self._edit_button,
            self._duplicate_button,
            self._delete_button,
        ):
            top.addWidget(button)
        layout.addLayout(top)

        self._banner = RoleBanner(central)
        layout.addWidget(self._banner)
        self._file_warning = MessageBanner("fileWarning", "warning", central)
        layout.addWidget(self._file_warning)
        self._error_banner = MessageBanner("errorBanner", "error", central)
        layout.addWidget(self._error_banner)

        self._filter = QLineEdit(central)
        self._filter.setObjectName("bucketFilter")
        self._filter.setPlaceholderText("Filter buckets by name")
        self._filter.setClearButtonEnabled(True)
        self._filter.setAccessibleName("Filter buckets")
        layout.addWidget(self._filter)

        self._model = BucketTableModel(self)
        self._proxy = BucketFilterProxy(self)
        self._proxy.setSourceModel(self._model)
        self._table = QTableView(central)
        self._table.setObjectName("bucketTable")
        self._table.setModel(self._proxy)
        self._table.setSortingEnabled(True)
        self._table.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.setAlternatingRowColors(True)
        self._table.setWordWrap(False)
        self._table.verticalHeader().setVisible(False)
        self._table.verticalHeader().setDefaultSectionSize(24)
        header = self._table.horizontalHeader()
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_CREATED, QHeaderView.ResizeMode.ResizeToContents)
        # Size "Created" from the rows on screen: by default Qt measures up to 1,000 rows
        # (Python data() calls for every role of every row) after each reset and sort,
        # which cost 60-140 ms per change with 10,000 buckets (build_scripts/bench.py).
        header.setResizeContentsPrecision(0)
        header.setStretchLastSection(False)
        self._table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        layout.addWidget(self._table, 1)
        self.setCentralWidget(central)

        status = self.statusBar()
        self._count_label = QLabel(status)
        self._count_label.setObjectName("bucketCount")
        self._identity_label = QLabel(status)
        self._identity_label.setObjectName("identityLabel")
        self._identity_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._expiry_label = QLabel(status)
        self._expiry_label.setObjectName("expiryLabel")
        self._busy = QProgressBar(status)
        self._busy.setObjectName("busyIndicator")
        self._busy.setRange(0, 0)  # indeterminate
        self._busy.setMaximumWidth(120)
        self._busy.setMaximumHeight(14)
        self._busy.setTextVisible(False)
        self._busy.setVisible(False)
        status.addWidget(self._count_label)
        status.addWidget(self._identity_label, 1)
        status.addPermanentWidget(self._busy)
        status.addPermanentWidget(self._expiry_label)

    def _build_actions(self) -> None:
        def action(
            text: str,
            slot: object,
            shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        ) -> QAction:
            act = QAction(text, self)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(slot)
            return act

        self._add_action = action(
            "&Add role profile…", self.add_profile, QKeySequence.StandardKey.New
        )
        self._edit_action = action("&Edit role profile…", self.edit_profile, "Ctrl+E")
        self._duplicate_action = action(
            "D&uplicate role profile…", self.duplicate_profile, "Ctrl+D"
        )
        self._delete_action = action("&Delete role profile", self.delete_profile)
        self._refresh_action = action(
            "&Refresh buckets", self.refresh, QKeySequence.StandardKey.Refresh
        )
        self._refresh_action.setShortcuts(
            [QKeySequence("F5"), QKeySequence(QKeySequence.StandardKey.Refresh)]
        )
        self._renew_action = action("Refresh &session", self.renew_session, "Shift+F5")
        self._renew_action.setToolTip("Assume the role again now instead of reusing its session")
        self._keys_action = action("&Sign-in keys…", self.manage_sign_in_keys)
        self._import_config_action = action("Import from &AWS config…", self.import_from_aws_config)
        self._import_esr_action = action("Import from E&xtend Switch Roles…", self.import_from_esr)
        self._export_action = action("E&xport…", self.export_profiles)
        self._console_action = action("Open AWS &console", self.open_console, "Ctrl+O")
        self._console_action.setToolTip(
            "Open the AWS console in your browser, signed in as this role (ExternalId included)"
        )
        self._discover_action = action("&Discover accounts in the organisation…", self.discover)
        self._env_actions = [
            action(label, partial(self.copy_credentials, shell))
            for shell, label in SHELL_LABELS.items()
        ]
        self._copy_action = action(
            "&Copy bucket name", self.copy_selected_names, QKeySequence.StandardKey.Copy
        )
        self._copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._table.addAction(self._copy_action)
        self._copy_arn_action = action("Copy bucket &ARN", self.copy_selected_arns)
        self._open_bucket_action = action(
            "Open bucket in the AWS &console", self.open_bucket_in_console
        )
        self._export_csv_action = action("&Export table as CSV…", self.export_csv, "Ctrl+Shift+S")
        quit_action = action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        focus_filter = action(
            "Filter buckets", self._filter.setFocus, QKeySequence.StandardKey.Find
        )

        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self._export_csv_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        profiles_menu = menu.addMenu("&Profiles")
        for act in (
            self._add_action,
            self._edit_action,
            self._duplicate_action,
            self._delete_action,
        ):
            profiles_menu.addAction(act)
        profiles_menu.addSeparator()
        self._palette = QuickSwitchPalette(self)
        self._palette.chosen.connect(self.switch_to)
        self._quick_switch_action = action("&Quick switch…", self.open_quick_switch, "Ctrl+K")
        # Ctrl+K means "delete to end of line" in text fields on Linux desktops; the
        # palette must still open while the bucket filter has focus.
        self._filter.installEventFilter(self)
        profiles_menu.addAction(self._quick_switch_action)
        self._recent_shortcuts = RecentShortcuts(self)  # Ctrl+1 … Ctrl+5
        self._recent_shortcuts.chosen.connect(self.switch_to)
        self._recent_menu = profiles_menu.addMenu("&Recent roles")
        self._recent_menu.addActions(self._recent_shortcuts.actions)
        self._tray = RoleTray(self, icon=QGuiApplication.windowIcon())
        self._tray.chosen.connect(self.switch_to)
        self._tray.show_window_requested.connect(self._show_from_tray)
        self._tray.quit_requested.connect(self.close)
        profiles_menu.addSeparator()
        profiles_menu.addAction(self._keys_action)
        profiles_menu.addSeparator()
        profiles_menu.addAction(self._import_config_action)
        profiles_menu.addAction(self._import_esr_action)
        profiles_menu.addAction(self._export_action)
        profiles_menu.addAction(self._discover_action)
        view_menu = menu.addMenu("&View")
        view_menu.addAction(self._refresh_action)
        view_menu.addAction(self._renew_action)
        view_menu.addAction(focus_filter)
        role_menu = menu.addMenu("&Role")
        role_menu.addAction(self._console_action)
        env_menu = role_menu.addMenu("Copy credentials as &environment variables")
        for act in self._env_actions:
            env_menu.addAction(act)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(action("&About", self._about))

        self._add_button.clicked.connect(self.add_profile)
        self._edit_button.clicked.connect(self.edit_profile)
        self._duplicate_button.clicked.connect(self.duplicate_profile)
        self._delete_button.clicked.connect(self.delete_profile)
        self._switcher.profile_chosen.connect(self._on_profile_chosen)
        self._switcher.currentIndexChanged.connect(self._update_profile_actions)
        self._filter.textChanged.connect(self._on_filter_changed)
        self._table.customContextMenuRequested.connect(self._show_table_menu)

    def _connect_controller(self) -> None:
        self._controller.switched.connect(self._on_switched)
        self._controller.switch_failed.connect(self._on_switch_failed)
        self._controller.mfa_required.connect(self._on_mfa_required)
        self._controller.busy_changed.connect(self._busy.setVisible)
        self._controller.aws_profiles_ready.connect(self._on_aws_profiles)
        self._controller.job_done.connect(self._on_job_done)
        self._controller.job_failed.connect(self._on_job_failed)
        self._controller.job_mfa_required.connect(self._on_job_mfa_required)

    # --- public API used by the app and by tests ---

    @property
    def profiles(self) -> list[RoleProfile]:
        return list(self._profiles)

    @property
    def active_profile(self) -> RoleProfile | None:
        return self._active

    @property
    def bucket_model(self) -> BucketTableModel:
        return self._model

    @property
    def bucket_proxy(self) -> BucketFilterProxy:
        return self._proxy

    @Slot(str)
    def switch_to(self, name: str) -> None:
        """Select ``name`` in the switcher, exactly as a user would."""
        if self._switcher.current_name() == name:
            self._on_profile_chosen(name)
        else:
            self._switcher.select(name)

    @Slot()
    def refresh(self) -> None:
        if self._active is not None:
            self._start_switch(self._active)

    @Slot()
    def renew_session(self) -> None:
        """Assume the active role again now, even if its session is still valid."""
        if self._active is not None:
            self._start_switch(self._active, renew=True)

    # --- switching ---

    @Slot(str)
    def _on_profile_chosen(self, name: str) -> None:
        profile = self._find(name)
        if profile is not None:
            self._start_switch(profile)

    def _start_switch(
        self, profile: RoleProfile, mfa_code: str | None = None, renew: bool = False
    ) -> None:
        switching_account = self._active is None or self._active.name != profile.name
        self._active = profile
        self._error_banner.clear()
        self._banner.show_profile(profile, note="switching…")
        if switching_account:
            # Never leave one account's buckets under another account's colour: show
            # this profile's own last list while it is still valid, else nothing.
            self._show_result(self._reusable_result(profile))
        if self._recent.touch(profile.name):
            self._publish_recent()
        self._state_save.start()  # debounced: a burst of switches writes the file once
        try:
            chain = resolve_chain(profile, self._profiles)
        except ProfileError as exc:  # checked before any network call
            self._controller.cancel()
            self._fail_on_screen(profile, str(exc))
            return
        self._controller.request_switch(SwitchRequest(profile, chain, mfa_code, renew))

    def _reusable_result(self, profile: RoleProfile) -> SwitchResult | None:
        result = self._last_results.get(profile.name)
        if result is not None and result.expiration > datetime.now(timezone.utc):
            return result
        return None

    @Slot(object)
    def _on_switched(self, result: SwitchResult) -> None:
        if self._active is None or result.profile_name != self._active.name:
            return
        self._last_results[result.profile_name] = result
        self._banner.show_profile(self._active)
        self._show_result(result)
        # Only once the list is on screen: the lookup threads starting up compete with
        # this frame's painting for the GIL (it took ~2x as long).
        self._pending_regions = (self._active, result)
        QTimer.singleShot(REGION_LOOKUP_DELAY_MS, self._look_up_pending_regions)
        if result.notes:
            self.statusBar().showMessage(" ".join(result.notes), 15_000)

    @Slot(object, str, str)
    def _on_switch_failed(self, profile: RoleProfile, message: str, code: str) -> None:
        if self._active is None or profile.name != self._active.name:
            return
        self._fail_on_screen(profile, message)

    def _fail_on_screen(self, profile: RoleProfile, message: str) -> None:
        self._show_result(None)
        self._banner.show_profile(profile, note="not connected")
        self._error_banner.show_message(f"{profile.name}: {message}")

    @Slot(object, str)
    def _on_mfa_required(self, profile: RoleProfile, serial: str) -> None:
        if self._active is None or profile.name != self._active.name:
            return
        code = self.ask_mfa_code(serial, profile.name)
        if code:
            self._start_switch(profile, code)
        else:
            self._fail_on_screen(profile, f"An MFA code from {serial} is needed to switch.")

    def ask_mfa_code(self, serial: str, profile_name: str) -> str | None:
        """Ask for a 6-digit code; tests replace this."""
        from xacct_gui.gui.mfa_dialog import ask_mfa_code

        return ask_mfa_code(self, serial, profile_name)

    @Slot()
    def _look_up_pending_regions(self) -> None:
        pending, self._pending_regions = self._pending_regions, None
        if pending is not None and pending[1] is self._result:  # still what is shown
            self._look_up_regions(*pending)

    def _look_up_regions(self, profile: RoleProfile, result: SwitchResult) -> None:
        """ListBuckets answers without regions (older APIs, emulators): ask per bucket."""
        missing = [bucket.name for bucket in result.buckets if not bucket.region]
        service = self._controller.service()
        if not missing or service is None:
            return
        chain = resolve_chain(profile, self._profiles)
        self._regions.start(lambda: service.role_client(profile, "s3", chain=chain), missing)

    @Slot(int, dict)
    def _on_regions_found(self, generation: int, regions: dict[str, str]) -> None:
        if generation == self._regions.generation and self._result is not None:
            self._model.update_regions(regions)

    def _show_result(self, result: SwitchResult | None) -> None:
        self._regions.cancel()
        self._result = result
        if self._result is None:
            self._model.clear()
            self._identity_label.clear()
            self._expiry_label.clear()
        else:
            self._model.set_buckets(self._result.buckets)
            self._identity_label.setText(self._result.identity_arn)
            self._identity_label.setToolTip("The assumed-role identity AWS sees")
        self._update_count()
        self._update_expiry()
        self._tray.set_active(self._active, result.expiration if result else None)

    def _update_count(self) -> None:
        if self._result is None:
            self._count_label.clear()
            return
        total = self._model.total_count()
        shown = self._proxy.rowCount()
        noun = "bucket" if total == 1 else "buckets"
        text = f"{total} {noun}" if shown == total else f"{shown} of {total} {noun}"
        self._count_label.setText(text)

    @Slot()
    def _update_expiry(self) -> None:
        if self._result is None:
            self._expiry_label.clear()
            return
        self._expiry_label.setText(
            describe_expiry(self._result.expiration, datetime.now(timezone.utc))
        )

    @Slot(str)
    def _on_filter_changed(self, text: str) -> None:
        self._proxy.set_name_filter(text)
        self._update_count()

    @Slot(list)
    def _on_aws_profiles(self, names: list[str]) -> None:
        self._aws_profiles = names

    # --- copy ---

    def selected_bucket_names(self) -> list[str]:
        rows = sorted({index.row() for index in self._table.selectionModel().selectedRows()})
        if not rows and self._table.currentIndex().isValid():
            rows = [self._table.currentIndex().row()]
        names = []
        for row in rows:
            source = self._proxy.mapToSource(self._proxy.index(row, COL_NAME))
            names.append(self._model.bucket_at(source.row()).name)
        return names

    @Slot()
    def copy_selected_arns(self) -> None:
        partition = self._active.partition if self._active else "aws"
        arns = [bucket_arn(name, partition) for name in self.selected_bucket_names()]
        if arns:
            QGuiApplication.clipboard().setText("\n".join(arns))
            self.statusBar().showMessage(f"Copied {len(arns)} bucket ARN(s)", 3000)

    def choose_csv_path(self) -> str | None:
        """Ask where to save; tests replace this."""
        default = f"{self._active.name if self._active else 'buckets'}-buckets.csv"
        path, _ = QFileDialog.getSaveFileName(
            self, "Export buckets as CSV", default, "CSV files (*.csv)"
        )
        return path or None

    @Slot()
    def export_csv(self) -> None:
        """Write the table as shown (filter and sort applied) to a CSV file."""
        if self._result is None:
            return
        path = self.choose_csv_path()
        if path is None:
            return
        rows = [
            self._model.bucket_at(self._proxy.mapToSource(self._proxy.index(row, 0)).row())
            for row in range(self._proxy.rowCount())
        ]
        try:
            write_atomically(Path(path), buckets_csv(rows))
        except OSError as exc:
            self._error_banner.show_message(f"Could not write {path}: {exc.strerror or exc}")
            return
        self.statusBar().showMessage(f"Exported {len(rows)} buckets to {path}", 5000)

    @Slot()
    def copy_selected_names(self) -> None:
        names = self.selected_bucket_names()
        if names:
            QGuiApplication.clipboard().setText("\n".join(names))
            self.statusBar().showMessage(f"Copied {len(names)} bucket name(s)", 3000)

    @Slot(QPoint)
    def _show_table_menu(self, pos: QPoint) -> None:
        index: QModelIndex = self._table.indexAt(pos)
        if not index.isValid():
            return
        menu = QMenu(self)
        menu.addAction(self._copy_action)
        menu.addAction(self._copy_arn_action)
        menu.addAction(self._open_bucket_action)
        menu.addSeparator()
        menu.addAction(self._export_csv_action)
        menu.popup(self._table.viewport().mapToGlobal(pos))

    # --- profiles ---

    def _find(self, name: str | None) -> RoleProfile | None:
        return next((p for p in self._profiles if p.name == name), None)

    def _selected_profile(self) -> RoleProfile | None:
        return self._find(self._switcher.current_name())

    @Slot()
    def _update_profile_actions(self) -> None:
        has_selection = self._selected_profile() is not None
        for widget in (
            self._edit_action,
            self._duplicate_action,
            self._delete_action,
            self._edit_button,
            self._duplicate_button,
            self._delete_button,
        ):
            widget.setEnabled(has_selection)
        self._refresh_action.setEnabled(has_selection)
        self._export_action.setEnabled(bool(self._profiles))
        self._renew_action.setEnabled(has_selection)
        for act in (self._console_action, self._discover_action, *self._env_actions):
            act.setEnabled(has_selection)

    def run_profile_dialog(
        self, profile: RoleProfile | None, taken: Sequence[str], title: str
    ) -> RoleProfile | None:
        """Show the profile dialog modally; tests replace this to drive the window."""
        from xacct_gui.gui.profile_dialog import ProfileDialog

        own_name = profile.name if profile is not None else None
        dialog = ProfileDialog(
            self,
            profile=profile,
            taken_names=taken,
            aws_profiles=self._aws_profiles,
            title=title,
            sign_in_keys=[k.name for k in self._vault.list_keys()] if self._vault else [],
            saved_roles=[p.name for p in self._profiles if p.name != own_name],
        )
        try:
            return dialog.profile() if dialog.exec() else None
        finally:
            dialog.deleteLater()

    def confirm(self, title: str, text: str) -> bool:
        """Ask yes/no; tests replace this."""
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    @Slot()
    def add_profile(self) -> None:
        created = self.run_profile_dialog(
            None, [p.name for p in self._profiles], "Add role profile"
        )
        if created is not None:
            self._commit([*self._profiles, created], select=created.name)

    @Slot()
    def edit_profile(self) -> None:
        current = self._selected_profile()
        if current is None:
            return
        others = [p.name for p in self._profiles if p.name != current.name]
        edited = self.run_profile_dialog(current, others, f"Edit {current.name}")
        if edited is None:
            return
        if edited.name != current.name:
            self._recent.rename(current.name, edited.name)
        self._commit([edited if p is current else p for p in self._profiles], select=edited.name)

    @Slot()
    def duplicate_profile(self) -> None:
        current = self._selected_profile()
        if current is None:
            return
        names = [p.name for p in self._profiles]
        copy = current.replace(name=unique_name(current.name, names))
        created = self.run_profile_dialog(copy, names, f"Duplicate {current.name}")
        if created is not None:
            self._commit([*self._profiles, created], select=created.name)

    @Slot()
    def delete_profile(self) -> None:
        current = self._selected_profile()
        if current is None:
            return
        dependants = [p.name for p in self._profiles if p.source_role == current.name]
        text = f"Delete the profile “{current.name}”?"
        if dependants:
            text += (
                f"\n\n{', '.join(dependants)} use it as their source role and will stop "
                "working until you give them another source."
            )
        if not self.confirm("Delete role profile", text):
            return
        remaining = [p for p in self._profiles if p is not current]
        self._commit(remaining, select=None)

    def _commit(self, profiles: list[RoleProfile], select: str | None) -> None:
        """Save first; only a saved change (or a read-only file, said plainly) is applied."""
        try:
            self._store.save(profiles)
        except ProfileFileError as exc:
            self._file_warning.show_message(str(exc))
        self._profiles = profiles
        self._last_results.clear()  # an edit may have changed what a name points to
        if self._recent.prune(p.name for p in profiles):
            self._state_save.start()
        if self._active is not None and self._find(self._active.name) != self._active:
            # The active profile was edited or deleted: what is on screen no longer matches.
            self._controller.cancel()
            self._active = None
            self._banner.show_profile(None)
            self._show_result(None)
        self._switcher.set_profiles(profiles, self._active.name if self._active else None)
        self._publish_recent()
        if select is not None:
            self.switch_to(select)
        self._update_profile_actions()

    @Slot()
    def manage_sign_in_keys(self) -> None:
        if self._vault is None:
            return
        from xacct_gui.gui.keys_dialog import SignInKeysDialog

        dialog = SignInKeysDialog(self, vault=self._vault, profiles_using=self._profiles_using_key)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()

    @Slot()
    def import_from_aws_config(self) -> None:
        from xacct_gui.gui.import_dialog import run_aws_config_import

        updated = run_aws_config_import(self, self._profiles)
        if updated is not None:
            self._commit(updated, select=None)

    @Slot()
    def import_from_esr(self) -> None:
        from xacct_gui.gui.import_dialog import run_esr_import

        updated = run_esr_import(self, self._profiles)
        if updated is not None:
            self._commit(updated, select=None)

    @Slot()
    def export_profiles(self) -> None:
        from xacct_gui.gui.export_dialog import ExportDialog

        dialog = ExportDialog(self, profiles=self._profiles)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()

    def _profiles_using_key(self, key_name: str) -> list[str]:
        return [p.name for p in self._profiles if p.source_key == key_name]

    def _show_file_problems(self, problems: Sequence[str]) -> None:
        if problems:
            self._file_warning.show_message("\n".join(problems))

    # --- misc ---

    def _about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<b>{APP_NAME} {__version__}</b><p>Colour-coded AWS role switching with an S3 "
            "bucket view. Credentials stay in memory.</p>",
        )

    @Slot()
    def _save_state(self) -> None:
        values: dict[str, object] = {RECENT_KEY: self._recent.to_json()}
        if self._active is not None:
            values["last_profile"] = self._active.name
        self._state.save(**values)

    def _publish_recent(self) -> None:
        recent = self._recent.resolve(self._profiles)
        self._switcher.set_recent(self._recent.names)
        self._recent_shortcuts.set_recent(recent)
        self._tray.set_recent(recent)
        self._recent_menu.menuAction().setVisible(bool(recent))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self._filter
            and event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.keyCombination()
            == QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_K)
        ):
            event.ignore()  # not the line edit's: let the window's Ctrl+K shortcut fire
            return True
        return super().eventFilter(watched, event)

    @Slot()
    def open_quick_switch(self) -> None:
        self._palette.popup(self, self._profiles, self._recent.names)

    @Slot()
    def _show_from_tray(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    # --- console, credentials, discovery: jobs on the worker ---

    def _start_job(
        self, kind: str, make: Callable[[RoleProfile, tuple[RoleProfile, ...], str | None], AwsJob]
    ) -> None:
        profile = self._selected_profile()
        if profile is None:
            return
        try:
            chain = resolve_chain(profile, self._profiles)
        except ProfileError as exc:  # checked before any network call
            self._error_banner.show_message(f"{profile.name}: {exc}")
            return

        def maker(code: str | None) -> AwsJob:
            return make(profile, chain, code)

        self._jobs[self._controller.run_job(maker(None))] = (kind, profile, maker)

    @Slot()
    def open_console(self) -> None:
        self._open_console_at(None)

    def _open_console_at(self, destination: str | None) -> None:
        self._start_job(
            "console",
            lambda p, chain, code: partial(
                console_url_for, profile=p, chain=chain, mfa_code=code, destination=destination
            ),
        )

    @Slot()
    def open_bucket_in_console(self) -> None:
        """Sign the browser in as the active role, straight onto the bucket's page."""
        names = self.selected_bucket_names()
        if not names or self._active is None or self._result is None:
            return
        bucket = next((b for b in self._result.buckets if b.name == names[0]), None)
        region = self._model_region(names[0]) or (bucket.region if bucket else None)
        self._open_console_at(bucket_destination(names[0], region, self._active.partition))

    def _model_region(self, name: str) -> str | None:
        # Regions looked up after loading live in the model, not in the SwitchResult.
        return next((b.region for b in self._model.buckets() if b.name == name), None)

    def copy_credentials(self, shell: Shell) -> None:
        self._start_job(
            "env",
            lambda p, chain, code: partial(
                exports_for, profile=p, shell=shell, chain=chain, mfa_code=code
            ),
        )

    @Slot()
    def discover(self) -> None:
        self._start_job(
            "discover",
            lambda p, chain, code: partial(
                discover_accounts, profile=p, chain=chain, mfa_code=code
            ),
        )

    @Slot(int, object)
    def _on_job_done(self, job_id: int, result: object) -> None:
        entry = self._jobs.pop(job_id, None)
        if entry is None:
            return
        kind, profile, _ = entry
        if kind == "console":
            # Already percent-encoded: parse strictly so Qt sends it byte for byte.
            self.open_url(
                QUrl.fromEncoded(str(result).encode("ascii"), QUrl.ParsingMode.StrictMode)
            )
            self.statusBar().showMessage(f"Opened the AWS console as {profile.banner_text}", 5000)
        elif kind == "env":
            self._clipboard_guard.copy_secret(str(result), self)
        elif kind == "discover" and isinstance(result, list):
            chosen = self.run_discovery_dialog(profile, result)
            if chosen:
                self._commit([*self._profiles, *chosen], select=None)
                self.statusBar().showMessage(f"Added {len(chosen)} profiles", 5000)

    @Slot(int, str, str)
    def _on_job_failed(self, job_id: int, message: str, code: str) -> None:
        entry = self._jobs.pop(job_id, None)
        if entry is not None:
            self._error_banner.show_message(f"{entry[1].name}: {message}")

    @Slot(int, str)
    def _on_job_mfa_required(self, job_id: int, serial: str) -> None:
        entry = self._jobs.pop(job_id, None)
        if entry is None:
            return
        _, profile, maker = entry
        code = self.ask_mfa_code(serial, profile.name)
        if code:
            self._jobs[self._controller.run_job(maker(code))] = entry

    def open_url(self, url: QUrl) -> None:
        """Open ``url`` in the default browser; tests replace this."""
        QDesktopServices.openUrl(url)

    def run_discovery_dialog(
        self, profile: RoleProfile, accounts: list[Account]
    ) -> list[RoleProfile]:
        """Show the discovery preview; returns the profiles to add. Tests replace this."""
        from xacct_gui.core.discovery import rules_from_data, rules_to_data
        from xacct_gui.gui.discovery_dialog import DiscoveryDialog

        saved = self._state.load().get("discovery_rules")
        dialog = DiscoveryDialog(
            self,
            accounts=accounts,
            existing=self._profiles,
            sources=[
                (f"Through “{profile.name}” (role chaining)", Source.through(profile)),
                (
                    f"Same source as “{profile.name}”: {profile.source_label}",
                    Source.same_as(profile),
                ),
            ],
            rules=DEFAULT_RULES if saved is None else rules_from_data(saved),
            discovered_with=profile.name,
        )
        try:
            if not dialog.exec():
                return []
            self._state.save(discovery_rules=rules_to_data(dialog.rules()))
            return dialog.chosen_profiles()
        finally:
            dialog.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._state_save.isActive():
            self._state_save.stop()
            self._save_state()
        self._countdown.stop()
        # Wait only briefly here: a request stuck on a silent network may need its whole
        # timeout budget (~12 s) to return, and the window must not freeze on screen
        # meanwhile. The Region lookups stop at their next bucket on their own; the app's
        # teardown (Launch.run_gui) waits for the AWS worker, unseen.
        self._pending_regions = None
        self._regions.shutdown(wait=False)
        self._tray.hide()
        self._controller.shutdown(wait_ms=CLOSE_WAIT_MS)
        self._clipboard_guard.clear_if_unchanged()  # the clipboard outlives the app
        super().closeEvent(event)
