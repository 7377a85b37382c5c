"""The main window against the demo emulator: switch, sort, filter, fail, race, close."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QTableView, QWidget
from pytestqt.qtbot import QtBot

from tests.factories import make_profile
from tests.gui.conftest import WAIT_MS, by_name, shown_names, switch_and_wait
from xacct_gui.core.aws import AwsService
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.store import ProfileStore, StateStore
from xacct_gui.core.ui_state import UiState
from xacct_gui.demo import DemoEnvironment
from xacct_gui.gui.bucket_model import COL_CREATED, SortRole
from xacct_gui.gui.main_window import MainWindow
from xacct_gui.gui.main_window.status import BUSY_SHOW_DELAY_MS


def expected_buckets(demo_env: DemoEnvironment, profile: RoleProfile) -> set[str]:
    return set(demo_env.buckets_by_account[profile.account_id])


def test_window_exposes_the_contract_widgets(window: MainWindow) -> None:
    assert window.findChild(QComboBox, "roleSwitcher") is not None
    assert window.findChild(QLabel, "roleBanner") is not None
    assert window.findChild(QTableView, "bucketTable") is not None
    assert window.findChild(QLineEdit, "bucketFilter") is not None
    error_banner = window.findChild(QWidget, "errorBanner")
    assert error_banner is not None and not error_banner.isVisible()
    assert "xacct" in window.windowTitle()
    notice = window.findChild(QLabel, "demoNotice")
    assert notice is not None and "local AWS emulator" in notice.text()


def test_switcher_lists_profiles_with_their_colours(
    window: MainWindow, profiles: tuple[RoleProfile, ...]
) -> None:
    combo = window.findChild(QComboBox, "roleSwitcher")
    assert combo is not None
    assert [combo.itemText(i) for i in range(combo.count())] == [p.label for p in profiles]
    for index, profile in enumerate(profiles):
        image = combo.itemIcon(index).pixmap(16, 16).toImage()
        centre = image.pixelColor(8, 8).name()
        assert centre == profile.color_hex, profile.name
        assert profile.name in combo.itemText(index)  # colour is never the only cue


def test_switching_fills_the_table_and_paints_the_banner(
    qtbot: QtBot,
    window: MainWindow,
    demo_env: DemoEnvironment,
    profiles: tuple[RoleProfile, ...],
) -> None:
    banner = window.findChild(QLabel, "roleBanner")
    assert banner is not None
    for name in ("Dev", "Test", "Prod"):
        profile = by_name(profiles, name)
        switch_and_wait(qtbot, window, name)
        assert set(shown_names(window)) == expected_buckets(demo_env, profile)
        assert banner.text() == f"{name} @ {profile.account_id}"
        assert window.banner.background == profile.color_hex
        status = window.statusBar()
        count = status.findChild(QLabel, "bucketCount")
        identity = status.findChild(QLabel, "identityLabel")
        expiry = status.findChild(QLabel, "expiryLabel")
        assert count is not None and identity is not None and expiry is not None
        assert count.text() == f"{len(expected_buckets(demo_env, profile))} buckets"
        assert f"::{profile.account_id}:assumed-role/" in identity.text()
        assert "Session expires" in expiry.text()


def test_sorting_by_created_is_chronological(qtbot: QtBot, window: MainWindow) -> None:
    switch_and_wait(qtbot, window, "Prod")
    table = window.findChild(QTableView, "bucketTable")
    assert table is not None
    header = table.horizontalHeader()
    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=header.viewport().rect().topLeft()
        + type(header.viewport().rect().topLeft())(
            header.sectionViewportPosition(COL_CREATED) + 5, 5
        ),
    )
    model = window.bucket_model
    times = [model.index(r, COL_CREATED).data(SortRole) for r in range(model.rowCount())]
    assert len(set(times)) > 10  # the demo's dates really differ
    assert times == sorted(times) or times == sorted(times, reverse=True)
    texts = [model.index(r, COL_CREATED).data() for r in range(model.rowCount())]
    assert texts != sorted(texts) or times == sorted(times)


def test_filter_narrows_by_name(qtbot: QtBot, window: MainWindow) -> None:
    switch_and_wait(qtbot, window, "Prod")
    total = len(shown_names(window))
    needle = shown_names(window)[0].split("-")[1]
    edit = window.findChild(QLineEdit, "bucketFilter")
    assert edit is not None
    qtbot.keyClicks(edit, needle.upper())
    narrowed = shown_names(window)
    assert 0 < len(narrowed) < total
    assert all(needle in name for name in narrowed)
    count = window.statusBar().findChild(QLabel, "bucketCount")
    assert count is not None and count.text() == f"{len(narrowed)} of {total} buckets"
    edit.clear()
    assert len(shown_names(window)) == total


def test_denied_role_shows_error_and_empties_table(
    qtbot: QtBot, window: MainWindow, demo_env: DemoEnvironment
) -> None:
    switch_and_wait(qtbot, window, "Dev")
    assert shown_names(window)
    switch_and_wait(qtbot, window, demo_env.forbidden_profile.name)
    banner = window.findChild(QWidget, "errorBanner")
    assert banner is not None and banner.isVisible()
    text = window.error_banner.text()
    assert "sts:AssumeRole" in text and "Traceback" not in text
    assert window.bucket_model.rowCount() == 0


def test_role_without_list_permission_says_so(qtbot: QtBot, window: MainWindow) -> None:
    switch_and_wait(qtbot, window, "Prod")
    switch_and_wait(qtbot, window, "Audit")
    assert "s3:ListAllMyBuckets" in window.error_banner.text()
    assert window.bucket_model.rowCount() == 0
    # and the next good switch clears the error
    switch_and_wait(qtbot, window, "Dev")
    banner = window.findChild(QWidget, "errorBanner")
    assert banner is not None and not banner.isVisible()


def test_twenty_quick_switches_end_on_the_last_choice(
    qtbot: QtBot,
    window: MainWindow,
    demo_env: DemoEnvironment,
    profiles: tuple[RoleProfile, ...],
) -> None:
    rng = random.Random(7)
    names = ["Dev", "Test", "Prod"]
    choice = "Dev"
    for _ in range(20):
        choice = rng.choice([n for n in names if n != choice])
        window.switch_to(choice)
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=WAIT_MS)
    last = by_name(profiles, choice)
    assert set(shown_names(window)) == expected_buckets(demo_env, last)
    assert window.active_profile == last
    assert window.banner.text() == last.banner_text


def test_busy_indicator_shows_while_a_slow_switch_runs(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_switch = AwsService.switch

    def slow_switch(service: AwsService, *args: object, **kwargs: object) -> object:
        time.sleep(0.6)  # a slow network: the answer takes longer than the delay
        return real_switch(service, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(AwsService, "switch", slow_switch)
    busy = window.statusBar().findChild(QWidget, "busyIndicator")
    assert busy is not None
    window.switch_to("Test")
    assert not busy.isVisible()  # not for the first BUSY_SHOW_DELAY_MS
    qtbot.waitUntil(busy.isVisible, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not busy.isVisible(), timeout=WAIT_MS)
    assert window.bucket_model.rowCount() > 0


def test_busy_indicator_stays_hidden_when_work_ends_quickly(
    qtbot: QtBot, window: MainWindow
) -> None:
    status, shown = window.session_status, []
    status.busy.installEventFilter(watcher := ShowWatcher(shown))
    status.set_busy(True)
    status.set_busy(False)  # done before anyone could notice a wait
    qtbot.wait(BUSY_SHOW_DELAY_MS * 2)
    assert shown == [] and not status.busy.isVisible()
    status.set_busy(True, at_once=True)  # the demo's emulator: seconds, so at once
    assert status.busy.isVisible() and shown == ["shown"]
    del watcher


class ShowWatcher(QObject):
    def __init__(self, shown: list[str]) -> None:
        super().__init__()
        self._shown = shown

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            self._shown.append("shown")
        return False


def test_switching_back_shows_the_cached_list_at_once(
    qtbot: QtBot,
    window: MainWindow,
    demo_env: DemoEnvironment,
    profiles: tuple[RoleProfile, ...],
) -> None:
    switch_and_wait(qtbot, window, "Dev")
    switch_and_wait(qtbot, window, "Test")
    window.switch_to("Dev")
    # No event loop turn yet: the list can only come from the window's own cache.
    assert set(shown_names(window)) == expected_buckets(demo_env, by_name(profiles, "Dev"))
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=WAIT_MS)


def test_ctrl_c_copies_selected_bucket_names(qtbot: QtBot, window: MainWindow) -> None:
    switch_and_wait(qtbot, window, "Dev")
    table = window.findChild(QTableView, "bucketTable")
    assert table is not None
    table.setFocus()
    table.selectRow(0)
    first = shown_names(window)[0]
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == first


def test_add_edit_delete_profiles_are_saved(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = make_profile(
        "Sandbox", account_id="777777777777", role_name="Admin", color="orange", region=None
    )
    monkeypatch.setattr(window.profile_actions, "run_profile_dialog", lambda *a: new)
    window.add_profile()
    saved = ProfileStore(tmp_path).load().profiles
    assert new in saved
    assert window.switcher.current_name() == "Sandbox"

    edited = new.replace(color="#123456")
    monkeypatch.setattr(window.profile_actions, "run_profile_dialog", lambda *a: edited)
    window.edit_profile()
    assert by_name(ProfileStore(tmp_path).load().profiles, "Sandbox").color == "#123456"

    monkeypatch.setattr(window.prompts, "confirm", lambda *a, **k: True)
    window.delete_profile()
    assert "Sandbox" not in [p.name for p in ProfileStore(tmp_path).load().profiles]
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=WAIT_MS)


def test_closing_during_a_switch_stops_the_worker(qtbot: QtBot, window: MainWindow) -> None:
    window.switch_to("Prod")
    thread = window.controller.worker_thread
    window.close()
    assert thread.isFinished()


def test_import_from_aws_config_adds_the_previewed_profiles(
    qtbot: QtBot,
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    isolated_aws_files: Path,
) -> None:
    from PySide6.QtWidgets import QDialog

    import xacct_gui.gui.import_dialog as import_dialog

    (isolated_aws_files / "config").write_text(
        "[profile ops]\nrole_arn = arn:aws:iam::888888888888:role/Ops\n"
        "source_profile = default\ngranted_color = green\n"
    )
    real = import_dialog.run_aws_config_import
    previews: list[int] = []

    def accept_all(dialog: QDialog) -> int:
        previews.append(1)
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(
        import_dialog,
        "run_aws_config_import",
        lambda parent, profiles, **kw: real(parent, profiles, exec_dialog=accept_all, **kw),
    )
    window.import_from_aws_config()
    assert previews  # the preview was shown before anything was written
    saved = {p.name: p for p in ProfileStore(tmp_path).load().profiles}
    assert saved["ops"].role_arn == "arn:aws:iam::888888888888:role/Ops"
    assert saved["ops"].color == "green"
    assert "ops" in [p.name for p in window.profiles]


def test_quick_switch_recent_shortcuts_and_persistence(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, demo_env: DemoEnvironment
) -> None:
    switch_and_wait(qtbot, window, "Dev")
    switch_and_wait(qtbot, window, "Prod")
    # Ctrl+K from inside the bucket filter (where Ctrl+K would delete to end of line).
    edit = window.findChild(QLineEdit, "bucketFilter")
    assert edit is not None
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.quick_switch.isVisible(), timeout=WAIT_MS)
    window.quick_switch.close()
    # Ctrl+2 is the second most recent role: Dev.
    with qtbot.waitSignal(
        window.controller.busy_changed, timeout=WAIT_MS, check_params_cb=lambda busy: not busy
    ):
        window.recent_shortcuts.actions[1].trigger()
    assert window.active_profile is not None and window.active_profile.name == "Dev"
    window.close()  # flushes the debounced state
    state = StateStore(tmp_path).load()
    assert state["last_profile"] == "Dev"
    assert state["recent_roles"][:2] == ["Dev", "Prod"]
    assert UiState(StateStore(tmp_path)).last_profile == "Dev"
