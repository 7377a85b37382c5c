"""The sign-in dialog against the local Identity Center stand-in (real botocore clients).

The browser is a function standing in for the user: it loads the authorize page
(the stand-in approves and redirects to the app's loopback listener), or does
nothing, so the dialog keeps waiting.
"""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.sso_stand_in import SsoStandIn, WindowsSizedKeyring, make_accounts
from xacct_gui.core.discovery import DEFAULT_RULES
from xacct_gui.core.sso import Backoff, BotocoreClients, SsoSessions, SsoStore
from xacct_gui.core.sso.proposals import DEFAULT_TEMPLATE
from xacct_gui.gui.sso_dialog import WAITING_TEXT, SignInDialog

START_URL = "https://d-1234567890.awsapps.com/start"
WAIT_MS = 20_000


def approving_browser(url: str) -> bool:
    def visit() -> None:
        with urllib.request.urlopen(url, timeout=10) as page:
            page.read()

    threading.Thread(target=visit, daemon=True).start()
    return True


def idle_browser(url: str) -> bool:
    return True  # opened, but the user never approves


@pytest.fixture
def idc(monkeypatch: pytest.MonkeyPatch) -> Iterator[SsoStandIn]:
    with SsoStandIn(accounts=make_accounts(12, ("Admin", "ReadOnly"))) as stand_in:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", stand_in.endpoint_url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", stand_in.endpoint_url)
        yield stand_in


@pytest.fixture
def sessions(idc: SsoStandIn, tmp_path: Path) -> SsoSessions:
    keyring = WindowsSizedKeyring()
    return SsoSessions(
        SsoStore(tmp_path, lambda: keyring),
        BotocoreClients(),
        backoff=Backoff(attempts=8, base=0.001, cap=0.01),
    )


@pytest.fixture
def make_dialog(qtbot: QtBot, sessions: SsoSessions) -> Callable[..., SignInDialog]:
    def make(browser: Callable[[str], bool] = approving_browser, **kwargs: object) -> SignInDialog:
        provider = kwargs.pop("provider", lambda ok, fail: ok(sessions))
        dialog = SignInDialog(
            None,
            sessions=provider,  # type: ignore[arg-type]
            open_url=browser,
            existing=(),
            rules=DEFAULT_RULES,
            template=DEFAULT_TEMPLATE,
            start_url=str(kwargs.pop("start_url", START_URL)),
            region=str(kwargs.pop("region", "eu-west-1")),
            org="Acme",
        )
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return make


def test_sign_in_waits_then_lists_and_previews(
    qtbot: QtBot, idc: SsoStandIn, make_dialog: Callable[..., SignInDialog]
) -> None:
    dialog = make_dialog()
    dialog.sign_in_button.click()
    assert dialog.page == "waiting" and dialog.waiting_label.text() == WAITING_TEXT
    qtbot.waitUntil(lambda: dialog.page == "preview", timeout=WAIT_MS)
    assert dialog.plan is not None and len(dialog.plan.added) == 24
    assert dialog.preview_list.count() == 24
    assert dialog.preview_list.item(0).text() == "added: team-0000-prod / Admin"
    assert "24 to add" in dialog.summary_label.text()
    # The template is editable and the preview follows it.
    dialog.template_edit.setText("{account_id} {role_name}")
    assert dialog.preview_list.item(0).text() == "added: 100000000000 Admin"
    dialog.template_edit.setText("{nope}")
    assert not dialog.add_button.isEnabled() and "{nope}" in dialog.error
    dialog.template_edit.setText(DEFAULT_TEMPLATE)
    dialog.add_button.click()
    assert dialog.result() == SignInDialog.DialogCode.Accepted
    assert idc.calls["Authorize"] == 1


def test_cancel_while_waiting_stops_the_sign_in(
    qtbot: QtBot, idc: SsoStandIn, make_dialog: Callable[..., SignInDialog]
) -> None:
    dialog = make_dialog(idle_browser)
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: idc.calls["RegisterClient"] == 1, timeout=WAIT_MS)
    dialog.cancel_button.click()
    assert dialog.page == "form" and dialog.error == "Cancelled."
    assert dialog._task.wait(5)  # the waiting thread ended, the listener is closed
    assert idc.calls["CreateToken"] == 0 and dialog.isVisible()


def test_use_a_code_instead_shows_the_code_and_finishes(
    qtbot: QtBot, idc: SsoStandIn, make_dialog: Callable[..., SignInDialog]
) -> None:
    idc.device_pending_polls = 1
    opened: list[str] = []

    def browser(url: str) -> bool:
        opened.append(url)
        return True

    dialog = make_dialog(browser)
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: bool(opened), timeout=WAIT_MS)
    dialog.use_code_button.click()
    assert dialog.page == "code"
    qtbot.waitUntil(lambda: dialog.code_label.text() not in ("", "…"), timeout=WAIT_MS)
    code = dialog.code_label.text()
    assert dialog.verification_label.text().endswith(f"user_code={code}")
    assert dialog.code_label.font().pointSizeF() > dialog.font().pointSizeF() * 2
    dialog.copy_code_button.click()
    assert QGuiApplication.clipboard().text() == code
    qtbot.waitUntil(lambda: dialog.page == "preview", timeout=WAIT_MS)
    assert idc.calls["StartDeviceAuthorization"] == 1


@pytest.mark.parametrize(
    ("start_url", "region", "words"),
    [
        ("https://example.com", "eu-west-1", "is not an IAM Identity Center portal."),
        (START_URL, "", "does not show its region"),
        ("https://abc.portal.us-east-1.app.aws", "eu-west-1", "belongs to region us-east-1"),
    ],
)
def test_a_bad_form_is_one_sentence(
    make_dialog: Callable[..., SignInDialog], start_url: str, region: str, words: str
) -> None:
    dialog = make_dialog(start_url=start_url, region=region)
    dialog.sign_in_button.click()
    assert dialog.page == "form" and words in dialog.error
    assert dialog.error.count("\n") == 0


def test_the_region_is_asked_only_when_the_url_does_not_show_it(
    make_dialog: Callable[..., SignInDialog],
) -> None:
    dialog = make_dialog(start_url="https://abc.portal.eu-west-2.app.aws", region="")
    assert not dialog.region_edit.isVisible()
    dialog.url_edit.setText(START_URL)
    assert dialog.region_edit.isVisible()


def test_denied_in_the_browser_is_one_sentence_and_can_be_retried(
    qtbot: QtBot, idc: SsoStandIn, make_dialog: Callable[..., SignInDialog]
) -> None:
    idc.authorize = "deny"
    dialog = make_dialog()
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: dialog.page == "form" and bool(dialog.error), timeout=WAIT_MS)
    assert "denied" in dialog.error.lower() and "\n" not in dialog.error
    idc.authorize = "approve"
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: dialog.page == "preview", timeout=WAIT_MS)


def test_the_worker_failing_to_provide_sessions_is_shown(
    make_dialog: Callable[..., SignInDialog],
) -> None:
    dialog = make_dialog(provider=lambda ok, fail: fail("The keyring is locked."))
    dialog.sign_in_button.click()
    assert dialog.page == "form" and dialog.error == "The keyring is locked."


def test_network_failure_is_one_sentence(
    qtbot: QtBot, idc: SsoStandIn, make_dialog: Callable[..., SignInDialog]
) -> None:
    idc.__exit__()
    dialog = make_dialog()
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: dialog.page == "form" and bool(dialog.error), timeout=WAIT_MS)
    assert "Cannot reach Identity Center of Acme" in dialog.error


def test_a_thousand_accounts_with_three_roles_each_are_all_previewed(
    qtbot: QtBot,
    idc: SsoStandIn,
    make_dialog: Callable[..., SignInDialog],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading as _threading

    from xacct_gui.core.sso import sync

    idc.accounts.clear()
    idc.accounts.update(make_accounts(1000, ("Admin", "ReadOnly", "Billing")))
    planned_on_threads: list[str] = []
    real_plan = sync.plan_sync

    def plan(*args: object, **kwargs: object) -> sync.SyncPlan:
        planned_on_threads.append(_threading.current_thread().name)
        return real_plan(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sync, "plan_sync", plan)
    dialog = make_dialog()
    shown: list[int] = []
    dialog.progress.valueChanged.connect(shown.append)
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: dialog.page == "preview", timeout=120_000)
    assert len(dialog.roles) == 3000 and dialog.preview_list.count() == 3000
    assert dialog.plan is not None and len(dialog.plan.added) == 3000
    assert "3000 roles. 3000 to add" in dialog.summary_label.text()
    assert len({dialog.preview_list.item(i).text() for i in range(3000)}) == 3000
    # One progress update per account would repaint the bar 1,000 times on the GUI
    # thread; the latest count is shown at most every PROGRESS_MS instead.
    assert 0 < len(shown) < 200
    # The first plan is made on the listing's thread, not the GUI thread.
    assert planned_on_threads == ["sso-task"]
    assert dialog.planned_on((), DEFAULT_RULES)
    assert not dialog.planned_on((), ())  # other colour rules: plan again
