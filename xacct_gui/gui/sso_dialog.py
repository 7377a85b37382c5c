"""*Sign in with IAM Identity Center…*: start URL, approval, listing, preview.

Pages, in order: the start URL (and the region when the URL does not show it);
"Waiting for you to approve in the browser…" with *Use a code instead*; the
device code, big, with a copy button; the listing with progress; the preview of
what a sync adds, keeps and marks gone, with the name template. Every step that
waits runs on an :class:`~.sso_task.SsoTask` thread, never on the AWS worker;
every failure is one sentence under the form, and the user can try again.
The dialog saves nothing: after *Add* its :attr:`plan` is what the caller saves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from xacct_gui.core.discovery import ColorRule
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.gui.sso_task import SsoTask, TaskContext
from xacct_gui.gui.widgets.form_fields import make_error_label

if TYPE_CHECKING:
    from xacct_gui.core.sso import DiscoveredRole, SsoInstance, SsoSessions
    from xacct_gui.core.sso.sync import SyncPlan

WAITING_TEXT = "Waiting for you to approve in the browser…"
PAGES = ("form", "waiting", "code", "listing", "preview")
# The listing reports once per account; QProgressBar repaints on every setValue, so
# 1,000 accounts cost the GUI thread a quarter of a second: show the latest count at
# most this often.
PROGRESS_MS = 50
# Given the sessions, or one sentence when the app cannot provide them.
SessionsProvider = Callable[[Callable[["SsoSessions"], None], Callable[[str], None]], None]


def _label(text: str, parent: QWidget, name: str) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)  # server text is never rich text
    return label


class SignInDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        *,
        sessions: SessionsProvider,
        open_url: Callable[[str], bool],
        existing: Sequence[RoleProfile],
        rules: Sequence[ColorRule],
        template: str,
        start_url: str = "",
        region: str = "",
        org: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ssoSignInDialog")
        self.setWindowTitle("Sign in with IAM Identity Center")
        self._sessions_provider = sessions
        self._open_url = open_url
        self._existing = tuple(existing)
        self._rules = tuple(rules)
        self._sso: SsoSessions | None = None
        self._instance: SsoInstance | None = None
        self._roles: list[DiscoveredRole] = []
        self.plan: SyncPlan | None = None
        self.template_used = template
        self._task = SsoTask(self)
        self._task.noted.connect(self._on_noted)
        self._task.done.connect(self._on_done)
        self._task.failed.connect(self._on_failed)
        self._step = ""
        self._progress: Any = None  # the latest listing count not shown yet
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(PROGRESS_MS)
        self._progress_timer.timeout.connect(self._show_progress)
        self._build(start_url, region, org, template)
        self._show("form")

    # --- construction ---

    def _build(self, start_url: str, region: str, org: str, template: str) -> None:
        self.pages = QStackedWidget(self)
        form = QWidget(self.pages)
        layout = QFormLayout(form)
        self.url_edit = QLineEdit(start_url, form)
        self.url_edit.setObjectName("ssoStartUrlEdit")
        self.url_edit.setPlaceholderText("https://d-1234567890.awsapps.com/start")
        self.url_edit.textChanged.connect(self._on_url_changed)
        self.region_edit = QLineEdit(region, form)
        self.region_edit.setObjectName("ssoRegionEdit")
        self.region_edit.setPlaceholderText("e.g. eu-west-1 (Identity Center's settings name it)")
        self.org_edit = QLineEdit(org, form)
        self.org_edit.setObjectName("ssoOrgEdit")
        self.org_edit.setPlaceholderText("Optional: a name for this organisation")
        layout.addRow("&Start URL:", self.url_edit)
        self._region_label = QLabel("&Region:", form)
        self._region_label.setBuddy(self.region_edit)
        layout.addRow(self._region_label, self.region_edit)
        layout.addRow("&Name:", self.org_edit)
        self.sign_in_button = QPushButton("&Sign in", form)
        self.sign_in_button.setObjectName("ssoSignInButton")
        self.sign_in_button.setDefault(True)
        self.sign_in_button.clicked.connect(self.sign_in)
        layout.addRow("", self.sign_in_button)

        waiting = QWidget(self.pages)
        wait_layout = QVBoxLayout(waiting)
        self.waiting_label = _label(WAITING_TEXT, waiting, "ssoWaiting")
        self.use_code_button = QPushButton("Use a &code instead", waiting)
        self.use_code_button.setObjectName("ssoUseCodeButton")
        self.use_code_button.clicked.connect(self.use_code)
        wait_layout.addWidget(self.waiting_label)
        wait_layout.addWidget(self.use_code_button, 0, Qt.AlignmentFlag.AlignLeft)

        code = QWidget(self.pages)
        code_layout = QVBoxLayout(code)
        code_layout.addWidget(_label("Open this page and confirm the code:", code, "ssoCodeHint"))
        self.verification_label = _label("", code, "ssoVerificationUrl")
        self.verification_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.code_label = _label("", code, "ssoUserCode")
        font = QFont(self.code_label.font())
        font.setPointSizeF(font.pointSizeF() * 2.5)
        font.setBold(True)
        self.code_label.setFont(font)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_code_button = QPushButton("&Copy code", code)
        self.copy_code_button.setObjectName("ssoCopyCodeButton")
        self.copy_code_button.clicked.connect(self._copy_code)
        code_row = QHBoxLayout()
        code_row.addWidget(self.code_label)
        code_row.addWidget(self.copy_code_button)
        code_layout.addWidget(self.verification_label)
        code_layout.addLayout(code_row)

        listing = QWidget(self.pages)
        list_layout = QVBoxLayout(listing)
        self.listing_label = _label("Listing your accounts and roles…", listing, "ssoListing")
        self.progress = QProgressBar(listing)
        self.progress.setObjectName("ssoProgress")
        self.progress.setRange(0, 0)
        list_layout.addWidget(self.listing_label)
        list_layout.addWidget(self.progress)

        preview = QWidget(self.pages)
        preview_layout = QVBoxLayout(preview)
        self.summary_label = _label("", preview, "ssoSummary")
        self.template_edit = QLineEdit(template, preview)
        self.template_edit.setObjectName("ssoTemplateEdit")
        self.template_edit.textChanged.connect(self._replan)
        self.preview_list = QListWidget(preview)
        self.preview_list.setObjectName("ssoPreviewList")
        template_row = QFormLayout()
        template_row.addRow("Name &template:", self.template_edit)
        preview_layout.addWidget(self.summary_label)
        preview_layout.addLayout(template_row)
        preview_layout.addWidget(self.preview_list, 1)
        self.add_button = QPushButton("&Add to my roles", preview)
        self.add_button.setObjectName("ssoAddButton")
        self.add_button.clicked.connect(self.accept)
        preview_layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignRight)

        for page in (form, waiting, code, listing, preview):
            self.pages.addWidget(page)
        self.error_label = make_error_label(self, "ssoError")
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("ssoCancelButton")
        self.cancel_button.clicked.connect(self.cancel)
        outer = QVBoxLayout(self)
        outer.addWidget(self.pages, 1)
        outer.addWidget(self.error_label)
        outer.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignRight)
        self._on_url_changed(start_url)

    # --- public API (buttons, tests) ---

    @property
    def page(self) -> str:
        return PAGES[self.pages.currentIndex()]

    @property
    def instance(self) -> SsoInstance | None:
        return self._instance

    @property
    def roles(self) -> list[DiscoveredRole]:
        return list(self._roles)

    @property
    def error(self) -> str:
        return self.error_label.text() if self.error_label.isVisible() else ""

    @Slot()
    def sign_in(self) -> None:
        """Check the form, get the sessions from the worker, then sign in (or reuse)."""
        from xacct_gui.core.sso import StartUrlError, make_instance

        try:
            self._instance = make_instance(
                self.url_edit.text(), self.region_edit.text(), self.org_edit.text()
            )
        except StartUrlError as exc:
            self._fail(str(exc))
            return
        self._set_error("")
        self._show("waiting")
        self._sessions_provider(self._got_sessions, self._fail)

    @Slot()
    def use_code(self) -> None:
        """Give up on the browser and sign in with a device code instead."""
        if self._sso is None or self._instance is None:
            return
        self._show("code")
        self.code_label.setText("…")
        self._run("device", self._device_step(self._sso, self._instance))

    @Slot()
    def cancel(self) -> None:
        if self.page in ("form", "preview"):
            self._task.cancel()
            self.reject()
            return
        self._task.cancel()
        self._show("form")
        self._set_error("Cancelled.")

    def reject(self) -> None:
        self._task.cancel()
        super().reject()

    # --- the steps ---

    def _got_sessions(self, sso: SsoSessions) -> None:
        if self.page != "waiting" or self._instance is None:
            return  # cancelled meanwhile
        self._sso = sso
        self._instance = sso.instance_for(self._instance.start_url, self._instance.region)
        if self.org_edit.text().strip():
            self._instance = type(self._instance)(
                self._instance.start_url, self._instance.region, self.org_edit.text().strip()
            )
        self._run("browser", self._browser_step(sso, self._instance))

    def _browser_step(self, sso: SsoSessions, instance: SsoInstance) -> Callable[..., object]:
        open_url = self._open_url

        def step(context: TaskContext) -> object:
            from xacct_gui.core.sso import SsoSessionExpired

            try:
                sso.access_token(instance, cancel=context.cancel)  # a stored session works
                return None
            except SsoSessionExpired:
                pass
            opened: list[bool] = []

            def browse(url: str) -> None:
                opened.append(open_url(url))
                if not opened[-1]:
                    context.note(("no-browser", url))

            return sso.sign_in(instance, open_url=browse, cancel=context.cancel)

        return step

    def _device_step(self, sso: SsoSessions, instance: SsoInstance) -> Callable[..., object]:
        def step(context: TaskContext) -> object:
            return sso.sign_in(
                instance, flow="device", on_device_code=context.note, cancel=context.cancel
            )

        return step

    def _list_step(self, sso: SsoSessions, instance: SsoInstance) -> Callable[..., object]:
        from xacct_gui.core.sso.proposals import check_template
        from xacct_gui.core.sso.sync import plan_sync

        existing, rules, template = self._existing, self._rules, self.template_edit.text()

        def step(context: TaskContext) -> object:
            roles = sso.discover(instance, cancel=context.cancel, progress=context.note)
            # Planned here, off the GUI thread (pure data): 3,000 roles take ~25 ms.
            plan = None
            if check_template(template) is None:
                plan = plan_sync(existing, roles, instance, template=template, rules=rules)
            return roles, plan, template

        return step

    def _run(self, name: str, step: Callable[[TaskContext], object]) -> None:
        self._step = name
        self._task.start(step)

    @Slot(int, object)
    def _on_noted(self, step_id: int, what: Any) -> None:
        if step_id != self._task.step_id:
            return
        if self._step == "device" and hasattr(what, "user_code"):
            self.code_label.setText(what.user_code)
            self.verification_label.setText(what.verification_uri_complete)
            self._open_url(what.verification_uri_complete)
        elif self._step == "browser" and isinstance(what, tuple):
            self.waiting_label.setText(
                f"{WAITING_TEXT}\nNo browser opened: open this page yourself:\n{what[1]}"
            )
        elif self._step == "list" and hasattr(what, "accounts_done"):
            self._progress = what
            if not self._progress_timer.isActive():  # else shown when the timer fires
                self._show_progress()
                self._progress_timer.start()

    @Slot()
    def _show_progress(self) -> None:
        what, self._progress = self._progress, None
        if what is not None and self._step == "list":
            total = what.accounts_total
            if total is None:  # still reading the account list
                self.listing_label.setText("Reading the list of accounts…")
                return
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(what.accounts_done)
            self.listing_label.setText(
                f"Listed {what.accounts_done} of {total} accounts, {what.roles} roles…"
            )

    @Slot(int, object)
    def _on_done(self, step_id: int, result: object) -> None:
        if step_id != self._task.step_id or self._sso is None or self._instance is None:
            return
        if self._step in ("browser", "device"):
            self._show("listing")
            self._run("list", self._list_step(self._sso, self._instance))
        elif self._step == "list":
            assert isinstance(result, tuple)
            self._roles, plan, template = result
            self._show("preview")
            if plan is not None and template == self.template_edit.text():
                self._show_plan(plan, template)
            else:
                self._replan()

    @Slot(int, str)
    def _on_failed(self, step_id: int, message: str) -> None:
        if step_id == self._task.step_id:
            self._fail(message)

    def _fail(self, message: str) -> None:
        self._task.cancel()
        self._show("form")
        self._set_error(message)

    # --- the preview ---

    def planned_on(self, profiles: Sequence[RoleProfile], rules: Sequence[ColorRule]) -> bool:
        """Whether :attr:`plan` was made from exactly these profiles (the same objects)
        and rules, so the caller can save it as it is instead of planning again."""
        return (
            self.plan is not None
            and tuple(rules) == self._rules
            and len(profiles) == len(self._existing)
            and all(a is b for a, b in zip(profiles, self._existing, strict=True))
        )

    @Slot()
    def _replan(self) -> None:
        from xacct_gui.core.sso.proposals import check_template
        from xacct_gui.core.sso.sync import plan_sync

        if self._instance is None:
            return
        template = self.template_edit.text()
        problem = check_template(template)
        self.add_button.setEnabled(problem is None)
        self._set_error(problem or "")
        if problem:
            return
        self._show_plan(
            plan_sync(
                self._existing, self._roles, self._instance, template=template, rules=self._rules
            ),
            template,
        )

    def _show_plan(self, plan: SyncPlan, template: str) -> None:
        assert self._instance is not None
        self.plan, self.template_used = plan, template
        self.preview_list.clear()
        self.preview_list.addItems(self.plan.lines())
        self.summary_label.setText(
            f"{self._instance.org}: {len(self._roles)} roles. {len(self.plan.added)} to add, "
            f"{len(self.plan.updated)} already saved (your names and colours stay), "
            f"{len(self.plan.gone)} no longer listed (kept, marked gone)."
        )

    # --- helpers ---

    def _show(self, page: str) -> None:
        self.pages.setCurrentIndex(PAGES.index(page))
        self.cancel_button.setText("Close" if page == "form" else "Cancel")
        if page != "form":
            self._set_error("")

    def _set_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    @Slot(str)
    def _on_url_changed(self, text: str) -> None:
        from xacct_gui.core.sso.start_url import parse_start_url

        try:
            shows_region = parse_start_url(text).region is not None
        except Exception:  # any StartUrlError: the form says why on Sign in
            shows_region = False
        self.region_edit.setVisible(not shows_region)
        self._region_label.setVisible(not shows_region)

    @Slot()
    def _copy_code(self) -> None:
        QGuiApplication.clipboard().setText(self.code_label.text())

    def done(self, result: int) -> None:
        self._task.cancel()
        super().done(result)
