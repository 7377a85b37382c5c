"""The main window's parts one at a time: the action table, the bucket panel, the profile
actions and the controller's job continuations, each without the rest of the window."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.factories import make_profile
from tests.gui.conftest import switch_and_wait
from xacct_gui.core.aws import Bucket
from xacct_gui.core.errors import MfaCodeRequired, ProfileFileError
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.store import ProfileStore, StateStore
from xacct_gui.core.ui_state import UiState
from xacct_gui.gui.banners import MessageBanner
from xacct_gui.gui.main_window import MainWindow
from xacct_gui.gui.main_window.actions import (
    ENTRIES,
    MENUS,
    TABLE_MENU,
    ActionSpec,
    SubmenuSpec,
    action_specs,
    resolve_handler,
)
from xacct_gui.gui.main_window.book import ProfileBook
from xacct_gui.gui.main_window.bucket_panel import BucketPanel
from xacct_gui.gui.main_window.profile_actions import ProfileActions
from xacct_gui.gui.main_window.prompts import Prompts
from xacct_gui.gui.main_window.recent_history import RecentHistory
from xacct_gui.gui.workers import SwitchController

WAIT_MS = 5_000
CREATED = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


class Answers(Prompts):
    """Prompts with canned answers."""

    def __init__(self, parent: QWidget, *, yes: bool = True, csv_path: str | None = None) -> None:
        super().__init__(parent)
        self.yes = yes
        self.csv_path = csv_path
        self.asked: list[str] = []

    def confirm(self, title: str, text: str, destructive: str | None = None) -> bool:
        self.asked.append(text)
        return self.yes

    def choose_csv_path(self, default_name: str) -> str | None:
        self.asked.append(default_name)
        return self.csv_path


@pytest.fixture
def host(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


# --- the action table ---


def test_the_table_declares_each_action_once_in_existing_menus() -> None:
    ids = [entry.id for entry in ENTRIES]
    assert len(ids) == len(set(ids))
    menu_paths = {path for path, _ in MENUS} | {
        e.path for e in ENTRIES if isinstance(e, SubmenuSpec)
    }
    for entry in ENTRIES:
        assert entry.menu is None or entry.menu in menu_paths, entry.id
    assert {i for i in TABLE_MENU if i is not None} <= set(ids)


def test_every_handler_resolves_on_a_window(window: MainWindow) -> None:
    for spec in action_specs():
        assert callable(resolve_handler(window, spec)), spec.handler
        action = window.action(spec.id)
        assert action.text() == spec.text
        assert [k.toString() for k in action.shortcuts()] == [
            QKeySequence(k).toString() for k in spec.shortcuts
        ]
    assert window.action("edit").shortcut().toString() == "Ctrl+E"
    assert window.action("quick_switch").shortcut().toString() == "Ctrl+K"
    assert window.action("refresh").shortcuts()[0].toString() == "F5"


def test_selection_actions_follow_the_switcher(qtbot: QtBot, window: MainWindow) -> None:
    needing = [s.id for s in action_specs() if s.needs == "selection"]
    assert {"edit", "delete", "console", "discover", "refresh"} <= set(needing)
    chosen = window.book.selected() is not None
    assert [window.action(i).isEnabled() for i in needing] == [chosen] * len(needing)
    switch_and_wait(qtbot, window, "Dev")
    assert all(window.action(i).isEnabled() for i in needing)
    assert window.buttons["edit"].isEnabled()
    assert isinstance(ENTRIES[0], ActionSpec)


# --- the bucket panel ---


def test_panel_counts_filters_copies_and_exports(
    qtbot: QtBot, host: QWidget, tmp_path: Path
) -> None:
    target = tmp_path / "out.csv"
    prompts = Answers(host, csv_path=str(target))
    cn = make_profile("China", region="cn-north-1")
    panel = BucketPanel(host, active_profile=lambda: cn, prompts=prompts)
    counts: list[str] = []
    panel.count_changed.connect(counts.append)
    panel.show_buckets([Bucket("logs-b", CREATED), Bucket("data-a", CREATED, "cn-north-1")])
    panel.filter.setText("LOGS")
    assert counts == ["2 buckets", "1 of 2 buckets"]
    panel.table.selectRow(0)
    panel.copy_selected_arns()
    assert QGuiApplication.clipboard().text() == "arn:aws-cn:s3:::logs-b"
    panel.export_csv()
    assert prompts.asked == ["China-buckets.csv"]
    assert target.read_text().splitlines()[1:] == [f'"logs-b","{CREATED.isoformat()}",""']
    assert panel.region_of("data-a") == "cn-north-1"
    panel.show_buckets(None)
    assert counts[-1] == ""


# --- profile actions ---


@pytest.fixture
def profile_actions(host: QWidget, tmp_path: Path) -> Iterator[tuple[ProfileActions, Answers]]:
    dev, prod = make_profile("Dev"), make_profile("Prod", account_id="444444444444")
    store = ProfileStore(tmp_path)
    store.save([dev, prod])
    book = ProfileBook([dev, prod], lambda: "Dev")
    history = RecentHistory(UiState(StateStore(tmp_path)), book.names, lambda: None, host)
    prompts = Answers(host)
    actions = ProfileActions(
        host,
        store=store,
        book=book,
        history=history,
        file_warning=MessageBanner("fileWarning", "warning", host),
        prompts=prompts,
    )
    yield actions, prompts


def test_add_commits_saves_and_asks_to_switch(
    qtbot: QtBot, profile_actions: tuple[ProfileActions, Answers], tmp_path: Path
) -> None:
    actions, _ = profile_actions
    new = make_profile("Sandbox", account_id="777777777777")
    actions.run_profile_dialog = lambda *a: new  # type: ignore[method-assign]
    with qtbot.waitSignal(actions.committed) as committed:
        actions.add()
    assert committed.args == ["Sandbox"]
    assert [p.name for p in ProfileStore(tmp_path).load().profiles] == ["Dev", "Prod", "Sandbox"]


def test_delete_asks_first_and_names_dependants(
    qtbot: QtBot, profile_actions: tuple[ProfileActions, Answers], tmp_path: Path
) -> None:
    actions, prompts = profile_actions
    hub: RoleProfile = make_profile("Hub", source_role="Dev", source_profile=None)
    actions.commit([*ProfileStore(tmp_path).load().profiles, hub], select=None)
    prompts.yes = False
    with qtbot.assertNotEmitted(actions.committed):
        actions.delete()
    assert "Hub use it as their source role" in prompts.asked[-1]
    prompts.yes = True
    with qtbot.waitSignal(actions.committed):
        actions.delete()
    assert "Dev" not in [p.name for p in ProfileStore(tmp_path).load().profiles]


# --- job continuations ---


class FakeService:
    pass


@pytest.fixture
def controller() -> Iterator[SwitchController]:
    ctl = SwitchController(lambda: FakeService())  # type: ignore[arg-type, return-value]
    yield ctl
    ctl.shutdown()
    ctl.deleteLater()


def test_each_job_s_continuation_runs_once_on_the_gui_thread(
    qtbot: QtBot, controller: SwitchController
) -> None:
    seen: list[tuple[str, object, int]] = []

    def done(result: object) -> None:
        seen.append(("done", result, threading.get_ident()))

    def error(message: str, code: str) -> None:
        seen.append(("error", (message, code), threading.get_ident()))

    def mfa(serial: str) -> None:
        seen.append(("mfa", serial, threading.get_ident()))

    def fails(exc: Exception) -> Any:
        def job(service: object) -> Any:
            raise exc

        return job

    controller.run_job(lambda service: threading.get_ident(), on_done=done, on_error=error)
    controller.run_job(
        fails(ProfileFileError("The file is read-only.")), on_done=done, on_error=error
    )
    controller.run_job(fails(MfaCodeRequired("arn:mfa")), on_done=done, on_error=error, on_mfa=mfa)
    controller.run_job(fails(KeyError("x")), on_done=done, on_error=error)
    qtbot.waitUntil(lambda: len(seen) == 4, timeout=WAIT_MS)
    gui = threading.get_ident()
    assert [(kind, thread) for kind, _, thread in seen] == [
        ("done", gui),
        ("error", gui),
        ("mfa", gui),
        ("error", gui),
    ]
    assert seen[0][1] != gui  # the job itself ran on the worker
    assert seen[1][1] == ("The file is read-only.", "ProfileFileError")  # its own message
    assert seen[2][1] == "arn:mfa"
    assert seen[3][1] == ("Unexpected error (KeyError).", "KeyError")


def test_no_continuation_runs_after_shutdown(qtbot: QtBot, controller: SwitchController) -> None:
    seen: list[object] = []
    started = threading.Event()
    release = threading.Event()

    def slow(service: object) -> str:
        started.set()
        release.wait(5)
        return "late"

    controller.run_job(slow, on_done=seen.append)
    assert started.wait(5)
    release.set()
    assert controller.shutdown(wait_ms=5_000)
    qtbot.wait(50)
    assert seen == []
