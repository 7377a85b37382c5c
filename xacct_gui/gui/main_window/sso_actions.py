"""IAM Identity Center in the window: sign in, re-sync, sign out, the expiry banner.

The sign-in dialog gets the thread-safe ``SsoSessions`` from the AWS worker in a
short job and does its waiting on its own thread (:mod:`..sso_task`), so
switches queued meanwhile are not held up. What a sync adds or marks gone is
merged into the profiles the window holds *now* and saved through
:meth:`ProfileActions.commit`. When a switch fails because a session cannot be
renewed, a banner offers *Sign in*; the app never opens a browser unasked.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStatusBar, QWidget

from xacct_gui.core.discovery import ColorRule
from xacct_gui.core.errors import SSO_SIGN_IN_NEEDED
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.ui_state import DISCOVERY_RULES, SSO_TEMPLATE, UiState
from xacct_gui.gui.main_window.book import ProfileBook
from xacct_gui.gui.main_window.profile_actions import ProfileActions
from xacct_gui.gui.workers import SwitchController

if TYPE_CHECKING:
    from collections.abc import Callable

    from xacct_gui.core.aws import AwsService
    from xacct_gui.core.sso import SessionInfo, SsoSessions
    from xacct_gui.core.sso.team import TeamFile
    from xacct_gui.gui.sso_dialog import SignInDialog


KEEP_ALIVE_MS = 5 * 60 * 1000


def _ignore(_result: object) -> None:
    pass


def _sessions_job(service: AwsService) -> SsoSessions:
    from xacct_gui.core.errors import XacctError

    if service.sso is None:
        raise XacctError("IAM Identity Center is not available in this run of the app.")
    return service.sso


class ExpiredBanner(QFrame):
    """ "Session for <org> expired — Sign in": a message and the one button that acts."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("ssoExpiredBanner")
        self.setStyleSheet(
            "QFrame#ssoExpiredBanner { background: #fff4d6; border: 1px solid #d9a400;"
            " border-left: 4px solid #d9a400; border-radius: 3px; } QLabel { color: #5c4100; }"
        )
        self.label = QLabel(self)
        self.label.setObjectName("ssoExpiredText")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.button = QPushButton("&Sign in", self)
        self.button.setObjectName("ssoExpiredSignIn")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 6, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.profile: RoleProfile | None = None
        self.hide()


class SsoActions(QObject):
    team_problem = Signal(str)  # why a team file was not used

    def __init__(
        self,
        parent: QWidget,
        *,
        controller: SwitchController,
        book: ProfileBook,
        profile_actions: ProfileActions,
        state: UiState,
        status_bar: QStatusBar,
        open_url: Callable[[str], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._controller = controller
        self._book = book
        self._profile_actions = profile_actions
        self._state = state
        self._open_url = open_url
        self.team: TeamFile | None = None
        # What the dialog starts with when opened from the menu (the demo's portal).
        self.prefill: tuple[str, str, str] = ("", "", "")
        self.banner = ExpiredBanner(parent)
        self.banner.button.clicked.connect(self._sign_in_again)
        self.session_label = QLabel(status_bar)
        self.session_label.setObjectName("ssoSessionLabel")
        status_bar.addPermanentWidget(self.session_label)
        controller.switch_failed.connect(self._on_switch_failed)
        controller.switched.connect(self._on_switched)
        # Renew tokens before they expire (refresh token only, never a browser), so a
        # switch after a quiet hour does not wait for the renewal.
        self.keep_alive_timer = QTimer(self)
        self.keep_alive_timer.setInterval(KEEP_ALIVE_MS)
        self.keep_alive_timer.timeout.connect(self.keep_alive)
        self.keep_alive_timer.start()

    # --- sign in and sync ---

    def provide_sessions(
        self, ok: Callable[[SsoSessions], None], fail: Callable[[str], None]
    ) -> None:
        self._controller.run_job(_sessions_job, on_done=ok, on_error=lambda m, _c: fail(m))

    def _rules(self) -> tuple[ColorRule, ...]:
        rules: tuple[ColorRule, ...] = self._state.get(DISCOVERY_RULES)
        return rules

    def make_dialog(self, start_url: str = "", region: str = "", org: str = "") -> SignInDialog:
        from xacct_gui.core.browser import open_url
        from xacct_gui.core.sso.proposals import DEFAULT_TEMPLATE
        from xacct_gui.gui.sso_dialog import SignInDialog

        return SignInDialog(
            self._parent,
            sessions=self.provide_sessions,
            open_url=self._open_url or open_url,
            existing=self._book.profiles,
            rules=self._rules(),
            template=self._state.get(SSO_TEMPLATE) or DEFAULT_TEMPLATE,
            start_url=start_url,
            region=region,
            org=org,
        )

    def run_dialog(self, dialog: SignInDialog) -> bool:
        """Show the dialog modally; tests replace this to drive it without a nested loop."""
        return bool(dialog.exec())

    @Slot()
    def start(self) -> None:
        """The menu's and the first-run panel's *Sign in with IAM Identity Center…*."""
        self.sign_in(*self.prefill)

    def sign_in(self, start_url: str = "", region: str = "", org: str = "") -> None:
        dialog = self.make_dialog(start_url, region, org)
        try:
            if self.run_dialog(dialog):
                self.apply(dialog)
        finally:
            dialog.deleteLater()

    def apply(self, dialog: SignInDialog) -> None:
        """Merge the dialog's listing into the profiles as they are now, and save."""
        from xacct_gui.core.sso.sync import plan_sync

        if dialog.instance is None or dialog.plan is None:
            return
        current, rules = self._book.profiles, self._rules()
        plan = dialog.plan
        if not dialog.planned_on(current, rules):  # changed meanwhile: merge into what is now
            plan = plan_sync(
                current, dialog.roles, dialog.instance, template=dialog.template_used, rules=rules
            )
        self._state.set(SSO_TEMPLATE, dialog.template_used)
        self.banner.hide()
        profiles, added = list(plan.profiles), list(plan.added)
        team = self.team
        if team is not None and team.instance.start_url == dialog.instance.start_url:
            from xacct_gui.core.sso.team import add_team_roles

            profiles, extra = add_team_roles(profiles, team)
            added += extra
        select = added[0] if added and not self._book.profiles else None
        self._profile_actions.commit(profiles, select=select)
        self._profile_actions.message.emit(
            f"{dialog.instance.org}: {len(plan.added)} added, {len(plan.updated)} kept, "
            f"{len(plan.gone)} no longer listed",
            8000,
        )
        self.show_session(dialog.instance.start_url, dialog.instance.region)

    # --- the AWS CLI's Identity Centers ---

    @Slot()
    def sign_in_from_cli_config(self) -> None:
        """Offer the ``sso-session`` sections of the AWS config as organisations to sign
        in to (only their URL and region: the CLI's plaintext tokens are not read)."""
        from xacct_gui.core.errors import ImportSourceError
        from xacct_gui.core.importers import default_aws_config_path
        from xacct_gui.core.importers.common import read_text_file
        from xacct_gui.core.sso.cli_config import cli_sso_instances

        path = self._profile_actions.aws_config_path or default_aws_config_path()
        try:
            found = cli_sso_instances(read_text_file(path, what="AWS config file"))
        except ImportSourceError as exc:
            self.team_problem.emit(str(exc))
            return
        if not found.instances:
            why = " ".join(found.problems) or "It has no [sso-session] section."
            self.team_problem.emit(f"No IAM Identity Center to sign in to in {path}. {why}")
            return
        chosen = self.choose_instance([f"{i.org} — {i.start_url}" for i in found.instances])
        if chosen is not None:
            instance = found.instances[chosen]
            self.sign_in(instance.start_url, instance.region, instance.name)

    def choose_instance(self, labels: list[str]) -> int | None:
        """Which one to sign in to (the only one without asking); tests replace this."""
        if len(labels) == 1:
            return 0
        from PySide6.QtWidgets import QInputDialog

        label, ok = QInputDialog.getItem(
            self._parent, "Sign in", "Identity Center from your AWS config:", labels, 0, False
        )
        return labels.index(label) if ok and label in labels else None

    # --- team files ---

    @Slot()
    def open_team_file(self) -> None:
        """*File → Open team file…*: choose a file, then :meth:`open_team`."""
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(
            self._parent, "Open team file", "", "Team files (*.json);;All files (*)"
        )
        if path:
            self.open_team(path)

    def open_team(self, path: str) -> bool:
        """Read and check the team file; a bad one is reported and changes nothing.
        A good one sets the colour rules and name template, then offers "Sign in to <org>"."""
        from xacct_gui.core.sso.team import TeamFileError, read_team_file

        try:
            team = read_team_file(Path(path))
        except TeamFileError as exc:
            self.team_problem.emit(str(exc))
            return False
        self.team = team
        self._state.update({DISCOVERY_RULES: team.rules, SSO_TEMPLATE: team.template})
        instance = team.instance
        self.sign_in(instance.start_url, instance.region, instance.name)
        return True

    # --- sign out ---

    @Slot()
    def sign_out(self) -> None:
        """Sign out of the active profile's Identity Center: Logout, then wipe the store."""
        profile = self._book.selected()
        if profile is None or not profile.sso_start_url:
            self._profile_actions.message.emit(
                "Choose a role from IAM Identity Center to sign out of its organisation.", 6000
            )
            return
        url, region = profile.sso_start_url, profile.sso_region
        affected = [p for p in self._book.profiles if p.sso_start_url == url]

        def job(service: AwsService) -> bool:
            sso = _sessions_job(service)
            for each in affected:
                service.forget(each)  # no cached role credentials outlive the sign-out
            return sso.sign_out(sso.instance_for(url, region))

        def done(told: bool) -> None:
            self.session_label.clear()
            self._profile_actions.message.emit(
                "Signed out." if told else "Signed out here (Identity Center was not reachable).",
                6000,
            )

        self._controller.run_job(job, on_done=done, on_error=self._report)

    # --- session state ---

    @Slot()
    def keep_alive(self) -> None:
        """Renew each saved Identity Center's token when under 15 minutes are left."""
        portals = {(p.sso_start_url, p.sso_region) for p in self._book.profiles if p.sso_start_url}
        for url, region in sorted(portals, key=str):

            def job(service: AwsService, url: str = str(url), region: str | None = region) -> None:
                from xacct_gui.core.sso import SsoSessionExpired

                sso = _sessions_job(service)
                instance = sso.instance_for(url, region)
                if sso.status(instance).expires_at is None:
                    return  # signed out: nothing to renew, and no banner for it
                try:
                    sso.access_token(instance)
                except SsoSessionExpired as exc:
                    exc.code = SSO_SIGN_IN_NEEDED
                    raise

            profile = next(p for p in self._book.profiles if p.sso_start_url == url)
            self._controller.run_job(job, on_done=_ignore, on_error=partial(self._expired, profile))

    def show_session(self, start_url: str, region: str | None) -> None:
        def job(service: AwsService) -> SessionInfo:
            sso = _sessions_job(service)
            return sso.status(sso.instance_for(start_url, region))

        self._controller.run_job(job, on_done=self._show_info, on_error=lambda _m, _c: None)

    def _show_info(self, info: SessionInfo) -> None:
        org = info.instance.org
        if info.expires_at is None:
            self.session_label.setText(f"{org}: signed out")
        elif info.can_refresh:
            self.session_label.setText(f"{org}: signed in (renewed in the background)")
        else:
            minutes = int((info.expires_at - datetime.now(timezone.utc)).total_seconds() // 60)
            self.session_label.setText(f"{org}: session ends in {max(minutes, 0)} min")

    @Slot(object)
    def _on_switched(self, result: Any) -> None:
        profile = self._book.find(result.profile_name)
        if profile is not None and profile.sso_start_url:
            self.banner.hide()
            self.show_session(profile.sso_start_url, profile.sso_region)

    def _expired(self, profile: RoleProfile, message: str, code: str) -> None:
        self._on_switch_failed(profile, message, code)

    @Slot(object, str, str)
    def _on_switch_failed(self, profile: RoleProfile, message: str, code: str) -> None:
        if code != SSO_SIGN_IN_NEEDED:
            return
        # "Session for Acme expired — sign in again." → the banner's own button signs in.
        self.banner.label.setText(message.removesuffix(" — sign in again.").rstrip("."))
        self.banner.profile = profile
        self.banner.show()

    @Slot()
    def _sign_in_again(self) -> None:
        profile = self.banner.profile
        if profile is None or not profile.sso_start_url:
            self.sign_in()
            return
        self.sign_in(profile.sso_start_url, profile.sso_region or "")

    def _report(self, message: str, _code: str) -> None:
        self._profile_actions.message.emit(message, 8000)
