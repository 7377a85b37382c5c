"""Role jobs: open the console, copy credentials as environment variables, discover accounts.

Each runs on the AWS worker through :meth:`SwitchController.run_job`, carrying
its own continuation; a job that needs an MFA code asks for one and runs again
with it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QMainWindow

from xacct_gui.core.discovery import Account, ColorRule, Source, discover_accounts
from xacct_gui.core.errors import ProfileError
from xacct_gui.core.export_env import Shell, exports_for
from xacct_gui.core.federation import bucket_destination, console_url_for
from xacct_gui.core.one_time_link import OneTimeRedirect
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.ui_state import DISCOVERY_RULES, UiState
from xacct_gui.gui.banners import MessageBanner
from xacct_gui.gui.clipboard_guard import ClipboardGuard
from xacct_gui.gui.main_window.book import ProfileBook
from xacct_gui.gui.main_window.bucket_panel import BucketPanel
from xacct_gui.gui.main_window.demo_console import write_demo_console_page
from xacct_gui.gui.main_window.prompts import Prompts
from xacct_gui.gui.workers import SwitchController

DISCOVERY_DEADLINE_S = 300.0

if TYPE_CHECKING:
    from xacct_gui.core.aws import AwsService

# Builds the worker's job for a profile, its source chain and an MFA code (None at first).
JobFactory = Callable[[RoleProfile, tuple[RoleProfile, ...], "str | None"], Any]


class RoleJobs(QObject):
    """Jobs on the profile selected in the switcher, for the main window ``host``."""

    # Profiles the user chose to add after a discovery.
    discovered = Signal(list)

    def __init__(
        self,
        host: QMainWindow,
        *,
        controller: SwitchController,
        book: ProfileBook,
        prompts: Prompts,
        panel: BucketPanel,
        active_profile: Callable[[], RoleProfile | None],
        error_banner: MessageBanner,
        state: UiState,
    ) -> None:
        super().__init__(host)
        self._host = host
        self._controller = controller
        self._book = book
        self._prompts = prompts
        self._panel = panel
        self._active_profile = active_profile
        self._error_banner = error_banner
        self._state = state
        self.clipboard_guard = ClipboardGuard(self)
        # The demo's sandbox dir: set, no credentials go to the real AWS sign-in service,
        # and the console opens on a local page (written here) saying what would happen.
        self.demo_dir: Path | None = None

    # --- the actions ---

    @Slot()
    def open_console(self) -> None:
        self._open_console_at(None)

    @Slot()
    def open_bucket_in_console(self) -> None:
        """Sign the browser in as the active role, straight onto the bucket's page."""
        names = self._panel.selected_bucket_names()
        active = self._active_profile()
        if not names or active is None:
            return
        region = self._panel.region_of(names[0])
        self._open_console_at(bucket_destination(names[0], region, active.partition))

    def copy_credentials(self, shell: Shell) -> None:
        def job(p: RoleProfile, chain: tuple[RoleProfile, ...], code: str | None) -> Any:
            return partial(exports_for, profile=p, shell=shell, chain=chain, mfa_code=code)

        self._start(job, self._on_credentials)

    @Slot()
    def discover(self) -> None:
        def job(p: RoleProfile, chain: tuple[RoleProfile, ...], code: str | None) -> Any:
            return partial(discover_accounts, profile=p, chain=chain, mfa_code=code)

        self._start(job, self._on_accounts)

    def run_discovery_dialog(
        self, profile: RoleProfile, accounts: list[Account]
    ) -> list[RoleProfile]:
        """Show the discovery preview; returns the profiles to add. Tests replace this."""
        from xacct_gui.gui.discovery_dialog import DiscoveryDialog

        rules: tuple[ColorRule, ...] = self._state.get(DISCOVERY_RULES)
        dialog = DiscoveryDialog(
            self._host,
            accounts=accounts,
            existing=self._book.profiles,
            sources=[
                (f"Through “{profile.name}” (role chaining)", Source.through(profile)),
                (
                    f"Same source as “{profile.name}”: {profile.source_label}",
                    Source.same_as(profile),
                ),
            ],
            rules=rules,
            discovered_with=profile.name,
        )
        try:
            if not dialog.exec():
                return []
            self._state.set(DISCOVERY_RULES, tuple(dialog.rules()))
            return dialog.chosen_profiles()
        finally:
            dialog.deleteLater()

    # --- running them ---

    def _open_console_at(self, destination: str | None) -> None:
        if self.demo_dir is not None:
            self._open_demo_console_page(destination)
            return

        def job(p: RoleProfile, chain: tuple[RoleProfile, ...], code: str | None) -> Any:
            return partial(
                console_url_for, profile=p, chain=chain, mfa_code=code, destination=destination
            )

        self._start(job, self._on_console_url)

    def _start(self, make: JobFactory, on_done: Callable[[RoleProfile, object], None]) -> None:
        profile = self._book.selected()
        if profile is None:
            return
        try:
            chain = self._book.chain(profile)
        except ProfileError as exc:  # checked before any network call
            self._error_banner.show_message(f"{profile.name}: {exc}")
            return
        self._run(profile, partial(make, profile, chain), partial(on_done, profile), None)

    def _run(
        self,
        profile: RoleProfile,
        make: Callable[[str | None], Callable[[AwsService], object]],
        on_done: Callable[[object], None],
        code: str | None,
    ) -> None:
        job = make(code)
        # Discovery makes a call per account and per page: it gets a longer deadline than
        # the one each AWS call has.
        many_calls = getattr(job, "func", None) is discover_accounts
        self._controller.run_job(
            job,
            on_done=on_done,
            on_error=partial(self._on_failed, profile),
            on_mfa=partial(self._on_mfa_needed, profile, make, on_done),
            deadline_s=DISCOVERY_DEADLINE_S if many_calls else None,
        )

    def _on_failed(self, profile: RoleProfile, message: str, code: str) -> None:
        self._error_banner.show_message(f"{profile.name}: {message}")

    def _on_mfa_needed(
        self,
        profile: RoleProfile,
        make: Callable[[str | None], Callable[[AwsService], object]],
        on_done: Callable[[object], None],
        serial: str,
    ) -> None:
        code = self._prompts.ask_mfa_code(serial, profile.name)
        if code:
            self._run(profile, make, on_done, code)

    def _open_demo_console_page(self, destination: str | None) -> None:
        profile = self._book.selected()
        if profile is None or self.demo_dir is None:
            return
        try:
            page = write_demo_console_page(self.demo_dir, profile, destination)
        except OSError as exc:
            self._error_banner.show_message(f"Could not write the demo's console page: {exc}")
            return
        if not self._prompts.open_url(page.as_uri()):
            self._error_banner.show_message(
                f"No web browser could be started for the demo's console page ({page})."
            )
            return
        self._host.statusBar().showMessage(
            "Demo: opened a local page instead of the AWS console", 5000
        )

    # --- continuations (on the GUI thread) ---

    def _on_console_url(self, profile: RoleProfile, url: object) -> None:
        # The browser gets a one-time local link, never the sign-in link itself: a
        # launcher's argv is readable by every local user (core/one_time_link.py).
        link = OneTimeRedirect(str(url))
        if self._prompts.open_url(link.url):
            self._host.statusBar().showMessage(
                f"Opened the AWS console as {profile.banner_text}", 5000
            )
            return
        link.close()
        self._error_banner.show_message(
            f"{profile.name}: no web browser could be started for the console. Set a "
            "default browser, or the BROWSER environment variable, and try again."
        )

    def _on_credentials(self, profile: RoleProfile, text: object) -> None:
        self.clipboard_guard.copy_secret(str(text), self._host)

    def _on_accounts(self, profile: RoleProfile, accounts: object) -> None:
        if isinstance(accounts, list):
            chosen = self.run_discovery_dialog(profile, accounts)
            if chosen:
                self.discovered.emit(chosen)
