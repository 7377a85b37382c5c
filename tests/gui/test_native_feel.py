"""The window behaves like a native desktop app: keys, focus, sizes, honest states.

Each test here failed before its fix (issue "Feels like a native desktop app").
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt, QUrl
from PySide6.QtCore import QTimer as QTimer_
from PySide6.QtGui import QAction, QColor, QGuiApplication, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel as QLabel_
from PySide6.QtWidgets import QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from tests.factories import make_profile
from tests.gui.conftest import WAIT_MS, switch_and_wait
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.store import StateStore
from xacct_gui.core.ui_state import WINDOW_GEOMETRY, UiState
from xacct_gui.gui.main_window import MainWindow
from xacct_gui.gui.main_window.geometry import first_geometry
from xacct_gui.gui.main_window.prompts import confirmation_box
from xacct_gui.gui.role_search import VISIBLE_ROWS
from xacct_gui.gui.role_switcher import ARROW_SETTLE_MS, RoleSwitcher
from xacct_gui.gui.widgets.swatches import swatch_icon

# --- item 1 and 14: keys ---


def bound_sequences(win: MainWindow) -> Counter[str]:
    """Every key sequence bound in the window: all actions (menus, table, recent roles)
    and every QShortcut, each counted once per binding."""
    seen: Counter[str] = Counter()
    for action in win.findChildren(QAction):
        for key in action.shortcuts():
            seen[key.toString(QKeySequence.SequenceFormat.PortableText)] += 1
    for shortcut in win.findChildren(QShortcut):
        for key in shortcut.keys():  # noqa: SIM118 - QShortcut.keys(), not a dict
            seen[key.toString(QKeySequence.SequenceFormat.PortableText)] += 1
    return seen


def test_no_key_sequence_is_bound_twice(window: MainWindow) -> None:
    seen = bound_sequences(window)
    assert seen["F5"] == 1, "F5 bound twice is ambiguous to Qt, which then ignores it"
    assert {key for key, count in seen.items() if count > 1} == set()
    assert {"Ctrl+F", "Ctrl+L", "Ctrl+K", "Shift+F5", "Ctrl+1"} <= set(seen)


def test_f5_refreshes(qtbot: QtBot, window: MainWindow) -> None:
    switch_and_wait(qtbot, window, "Dev")
    window.activateWindow()
    window.bucket_panel.table.setFocus()
    with qtbot.waitSignal(window.action("refresh").triggered, timeout=2_000):
        qtbot.keyClick(window.bucket_panel.table, Qt.Key.Key_F5)


def mnemonic(text: str) -> str | None:
    found = re.search(r"&([^&])", text.replace("&&", ""))
    return found.group(1).casefold() if found else None


def test_each_menu_s_mnemonics_are_unique(window: MainWindow) -> None:
    for menu in window.menuBar().findChildren(QMenu):
        letters = [mnemonic(a.text()) for a in menu.actions() if a.isVisible() and a.text()]
        letters = [letter for letter in letters if letter]
        duplicates = {letter for letter, n in Counter(letters).items() if n > 1}
        assert not duplicates, (menu.title(), duplicates)


def test_ctrl_f_and_esc_work_the_filter(qtbot: QtBot, window: MainWindow) -> None:
    switch_and_wait(qtbot, window, "Dev")
    window.activateWindow()
    window.bucket_panel.table.setFocus()
    qtbot.keyClick(window.bucket_panel.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.bucket_panel.filter.hasFocus(), timeout=2_000)
    qtbot.keyClicks(window.bucket_panel.filter, "zzz-no-such")
    assert window.bucket_model.rowCount() == 0
    assert window.bucket_panel.empty_state.isVisible()
    assert "zzz-no-such" in window.bucket_panel.empty_state.text()
    qtbot.keyClick(window.bucket_panel.filter, Qt.Key.Key_Escape)
    assert window.bucket_panel.filter.text() == ""
    assert window.bucket_model.rowCount() > 0
    assert not window.bucket_panel.empty_state.isVisible()


def test_tab_leaves_the_bucket_table(window: MainWindow) -> None:
    assert not window.bucket_panel.table.tabKeyNavigation()


def test_recent_roles_submenu_shows_ctrl_numbers(qtbot: QtBot, window: MainWindow) -> None:
    switch_and_wait(qtbot, window, "Dev")
    menu = window.menu_actions.submenus["recent"]
    shown = [a for a in menu.actions() if a.isVisible()]
    assert shown and shown[0].shortcut().toString() == "Ctrl+1"


def test_destructive_confirmation_defaults_to_cancel(window: MainWindow) -> None:
    box, yes = confirmation_box(window, "Delete role profile", "Delete it?", destructive="Delete")
    try:
        default = box.defaultButton()
        assert default is not None and default is not yes
        assert box.standardButton(default) == QMessageBox.StandardButton.Cancel
        assert yes.text() == "Delete"
    finally:
        box.deleteLater()


# --- item 3: deleting the active profile ---


def test_deleting_the_active_profile_switches_to_a_neighbour(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    switch_and_wait(qtbot, window, "Audit")  # a role whose error stays on screen
    qtbot.waitUntil(lambda: window.error_banner.isVisible(), timeout=WAIT_MS)
    names = [p.name for p in window.profiles]
    after = names[names.index("Audit") + 1]
    monkeypatch.setattr(window.prompts, "confirm", lambda *a, **k: True)
    window.action("delete").trigger()
    assert "Audit" not in [p.name for p in window.profiles]
    assert window.switcher.current_name() == after
    active = window.active_profile
    assert active is not None and active.name == after
    assert "Audit" not in window.error_banner.text()
    assert window.buttons["delete"].isEnabled() and window.buttons["edit"].isEnabled()
    assert window.action("duplicate").isEnabled()


# --- item 7: arrow keys settle before switching ---


def test_arrow_keys_on_the_switcher_switch_once_after_a_pause(
    qtbot: QtBot, window: MainWindow
) -> None:
    switch_and_wait(qtbot, window, "Dev")
    chosen: list[str] = []
    window.switcher.profile_chosen.connect(chosen.append)
    window.switcher.setFocus()
    qtbot.keyClick(window.switcher, Qt.Key.Key_Down)
    qtbot.keyClick(window.switcher, Qt.Key.Key_Down)
    assert chosen == [], "each arrow step assumed a role"
    assert window.switcher.pending_choice()
    qtbot.waitUntil(lambda: bool(chosen), timeout=ARROW_SETTLE_MS * 4)
    assert chosen == [window.profiles[2].name]


def test_enter_on_the_switcher_switches_at_once(qtbot: QtBot) -> None:
    switcher = RoleSwitcher()
    qtbot.addWidget(switcher)
    switcher.set_profiles([make_profile(f"R{i}", account_id=f"{i:012d}") for i in range(4)], "R0")
    chosen: list[str] = []
    switcher.profile_chosen.connect(chosen.append)
    qtbot.keyClick(switcher, Qt.Key.Key_Down)
    qtbot.keyClick(switcher, Qt.Key.Key_Return)
    assert chosen == ["R1"] and not switcher.pending_choice()


# --- item 6: the drop-down's rows and swatches ---


@pytest.mark.parametrize("count", [5, 7, 30])
def test_switcher_popup_shows_up_to_twelve_rows_before_scrolling(qtbot: QtBot, count: int) -> None:
    switcher = RoleSwitcher()
    qtbot.addWidget(switcher)
    switcher.resize(600, 30)
    profiles = [make_profile(f"R{i}", account_id=f"{i + 1:012d}") for i in range(count)]
    switcher.set_profiles(profiles, "R0")
    switcher.set_recent(["R0", "R1"])
    switcher.show()
    switcher.showPopup()
    popup = switcher.search_popup()
    qtbot.waitExposed(popup)
    results = popup.panel.results
    rows = results.model().rowCount()
    fully_shown = sum(
        1
        for row in range(rows)
        if results.viewport().rect().contains(results.visualRect(results.model().index(row, 0)))
    )
    assert fully_shown == min(rows, VISIBLE_ROWS)
    assert VISIBLE_ROWS >= 12
    popup.close()


def test_a_highlighted_swatch_keeps_its_true_colour() -> None:
    icon = swatch_icon("#ff0000")
    for mode in (QIcon.Mode.Normal, QIcon.Mode.Selected, QIcon.Mode.Active):
        centre = icon.pixmap(16, 16, mode).toImage().pixelColor(8, 8)
        assert centre == QColor("#ff0000"), mode


# --- item 9: the denied-list state ---


def test_a_role_that_may_not_list_says_it_is_signed_in(qtbot: QtBot, window: MainWindow) -> None:
    switch_and_wait(qtbot, window, "Audit")
    qtbot.waitUntil(lambda: "may not list" in window.banner.text(), timeout=WAIT_MS)
    assert "not connected" not in window.banner.text()
    assert "assumed-role" in window.session_status.identity_label.text()
    assert window.session_status.expiry_label.text().startswith("Session expires")
    assert window.bucket_panel.empty_state.isVisible()
    assert "may not list buckets" in window.bucket_panel.empty_state.text()


def test_a_role_that_may_not_be_assumed_stays_not_connected(
    qtbot: QtBot, window: MainWindow, profiles: tuple[RoleProfile, ...]
) -> None:
    forbidden = profiles[-1].name
    switch_and_wait(qtbot, window, forbidden)
    qtbot.waitUntil(lambda: window.error_banner.isVisible(), timeout=WAIT_MS)
    qtbot.wait(300)  # the identity check, if any, has answered
    assert "not connected" in window.banner.text()
    assert window.session_status.identity_label.text() == ""


def test_the_empty_table_says_why(window: MainWindow) -> None:
    assert window.bucket_panel.empty_state.isVisible()
    assert window.bucket_panel.empty_state.text() == "Choose a role above to see its buckets."


# --- item 12 and 16: size, title ---


@pytest.mark.parametrize("available", [QRect(0, 0, 1600, 1000), QRect(0, 0, 800, 500)])
def test_first_size_fits_the_screen(available: QRect) -> None:
    rect = first_geometry(available)
    assert available.contains(rect)
    assert rect.width() <= 980 and rect.height() <= 640


def test_the_window_fits_its_screen_and_can_be_that_small(window: MainWindow) -> None:
    screen = window.screen().availableGeometry()
    assert screen.contains(window.geometry())
    # At a scale factor of 2 on a 1600×1000 screen: 800×500 logical pixels.
    hint = window.minimumSizeHint()
    assert hint.width() <= 720 and hint.height() <= 450, hint


def test_the_window_remembers_its_geometry(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    window.setGeometry(QRect(40, 50, 700, 460))
    window.close()
    saved = UiState(StateStore(tmp_path)).get(WINDOW_GEOMETRY)
    assert saved
    again = MainWindow(
        store=window.profile_actions._store,
        state=StateStore(tmp_path),
        controller=window.controller,
        profiles=window.profiles,
    )
    qtbot.addWidget(again)
    assert again.size() == window.size()


def test_the_title_names_the_active_role_and_the_demo(qtbot: QtBot, window: MainWindow) -> None:
    switch_and_wait(qtbot, window, "Prod")
    assert window.windowTitle().startswith("Prod @ ")
    assert "(demo)" in window.windowTitle()


# --- item 2: the demo keeps everything on this computer ---


def test_demo_import_and_write_use_the_sandbox_config(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = tmp_path / "demo-aws" / "config"
    sandbox.parent.mkdir()
    sandbox.write_text("[profile demo-source]\nregion = eu-west-1\n")
    window.set_demo_sandbox(sandbox)
    read: list[Path] = []

    def fake_import(parent: object, profiles: object, *, path: Path | None = None) -> None:
        read.append(path if path is not None else Path("~/.aws/config"))

    monkeypatch.setattr("xacct_gui.gui.import_dialog.run_aws_config_import", fake_import)
    window.action("import_config").trigger()
    assert read == [sandbox]

    written: list[Path] = []
    from xacct_gui.gui import export_dialog

    def fake_exec(dialog: export_dialog.ExportDialog) -> int:
        written.append(dialog.config_path)
        return 0

    monkeypatch.setattr(export_dialog.ExportDialog, "exec", fake_exec)
    window.action("export").trigger()
    assert written == [sandbox]


def test_demo_console_opens_a_local_page_and_calls_no_aws(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    switch_and_wait(qtbot, window, "Prod")
    window.set_demo_sandbox(tmp_path / "config")
    opened: list[str] = []
    monkeypatch.setattr(window.prompts, "open_url", lambda url: opened.append(url) or True)
    jobs: list[object] = []
    monkeypatch.setattr(window.controller, "run_job", lambda *a, **k: jobs.append(a))
    window.action("console").trigger()
    assert jobs == [], "the demo's credentials must not go to the AWS sign-in service"
    assert len(opened) == 1 and opened[0].startswith("file://")
    page = Path(QUrl(opened[0]).toLocalFile()).read_text(encoding="utf-8")
    assert "Prod @ " in page and "nothing was sent" in page


def test_the_demo_window_shows_before_the_emulator_is_ready(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    starting = MainWindow(
        store=window.profile_actions._store,
        state=StateStore(tmp_path / "other"),
        controller=window.controller,
        profiles=(),
        demo=True,
    )
    qtbot.addWidget(starting)
    starting.show()
    assert starting.demo_notice is not None and "starting" in starting.demo_notice.text()
    assert "Starting the local AWS emulator" in starting.bucket_panel.empty_state.text()
    assert "No role profiles yet" not in starting.switcher.placeholderText()
    assert starting.session_status.busy.isVisibleTo(starting)
    starting.action("import_config").trigger()  # before the sandbox exists: nothing read
    starting.demo_ready("http://127.0.0.1:1", window.profiles, tmp_path / "config")
    assert "127.0.0.1:1" in starting.demo_notice.text()
    assert starting.switcher.count() == len(window.profiles)
    assert starting.bucket_panel.empty_state.text() == "Choose a role above to see its buckets."


def test_background_start_reports_on_the_gui_thread(qtbot: QtBot) -> None:
    import threading

    from xacct_gui.gui.background import BackgroundStart

    threads: list[str] = []
    done: list[object] = []

    def on_done(value: object) -> None:
        threads.append(threading.current_thread().name)
        done.append(value)

    starter = BackgroundStart(lambda: 42, name="probe", on_done=on_done, on_error=print)
    starter.start()
    qtbot.waitUntil(lambda: bool(done), timeout=2_000)
    assert done == [42] and threads == [threading.main_thread().name]
    assert QGuiApplication.instance() is not None


# --- item 10: the profile dialog's messages ---


def test_error_messages_never_leave_a_lone_symbol_on_a_line() -> None:
    from xacct_gui.gui.widgets.form_fields import NBSP, keep_symbols_together

    text = keep_symbols_together("letters, digits and + = , . @ : / _ - only.")
    # Every break opportunity left is between real words.
    for piece in text.split(" "):
        assert any(c.isalnum() for c in piece), piece
    assert f"and{NBSP}+" in text


def test_a_hidden_error_keeps_its_line(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

    from xacct_gui.gui.widgets.form_fields import add_field_row, show_error

    host = QWidget()
    qtbot.addWidget(host)
    form = QFormLayout(host)
    account, role = QLineEdit(host), QLineEdit(host)
    _, error = add_field_row(form, host, "&Account ID:", account, "accountError")
    add_field_row(form, host, "&Role:", role, "roleError")
    host.resize(600, 200)
    host.show()
    qtbot.waitExposed(host)

    def role_top() -> int:
        return role.mapTo(host, role.rect().topLeft()).y()

    before = role_top()
    show_error(error, "An account ID is exactly 12 digits (0-9).")
    qtbot.wait(20)
    assert role_top() == before, "the field under the error moved"
    show_error(error, None)
    qtbot.wait(20)
    assert role_top() == before


def test_the_dialog_says_externalid_as_its_messages_do() -> None:
    from xacct_gui.gui.profile_dialog import ProfileDialog

    dialog = ProfileDialog()
    try:
        texts = [label.text() for label in dialog.findChildren(QLabel_)]
        assert "E&xternalId:" in texts and not any("External ID" in t for t in texts)
    finally:
        dialog.deleteLater()


# --- item 16: polish ---


def test_dialog_buttons_carry_no_stock_icons(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QDialog

    from xacct_gui.gui.widgets.buttons import close_button_box, ok_cancel_buttons

    dialog = QDialog()
    qtbot.addWidget(dialog)
    for box in (ok_cancel_buttons(dialog)[0], close_button_box(dialog)):
        assert all(button.icon().isNull() for button in box.buttons())


def test_status_text_lines_up_with_the_content(qtbot: QtBot, window: MainWindow) -> None:
    switch_and_wait(qtbot, window, "Dev")
    label = window.session_status.count_label
    qtbot.waitUntil(lambda: label.isVisible() and bool(label.text()), timeout=WAIT_MS)
    left = label.mapTo(window, label.rect().topLeft()).x()
    content = window.bucket_panel.mapTo(window, window.bucket_panel.rect().topLeft()).x()
    assert abs(left - content) <= 4, (left, content)


def test_columns_keep_their_widths_between_empty_and_full(qtbot: QtBot, window: MainWindow) -> None:
    header = window.bucket_panel.table.horizontalHeader()
    empty = [header.sectionSize(c) for c in (1, 2)]
    switch_and_wait(qtbot, window, "Prod")
    assert [header.sectionSize(c) for c in (1, 2)] == empty
    widest = window.bucket_panel.table.fontMetrics().horizontalAdvance("ap-southeast-2")
    assert header.sectionSize(2) > widest + 8, "the region would be clipped"


# --- item 11: the import preview ---


def test_import_preview_rows_are_one_even_line_and_show_old_to_new(qtbot: QtBot) -> None:
    from xacct_gui.core.importers import preview_esr_config
    from xacct_gui.gui.import_dialog import ImportDialog
    from xacct_gui.gui.import_preview import COL_DETAILS

    saved = [make_profile("Dev", account_id="222222222222", color="red", region="eu-west-1")]
    text = (
        "[Dev]\naws_account_id = 222222222222\nrole_name = DeveloperAccess\n"
        "color = 1d8102\nregion = us-east-1\n\n"
        "[Ops]\naws_account_id = 333333333333\nrole_name = Admin\n"
    )
    items = preview_esr_config(text, saved)
    dialog = ImportDialog(items=items, existing=saved)
    qtbot.addWidget(dialog)
    dialog.show()
    table = dialog.table
    heights = {table.rowHeight(row) for row in range(table.rowCount())}
    line = table.fontMetrics().height()
    assert len(heights) == 1 and heights.pop() <= line * 2, "rows are uneven or too tall"
    changed = next(row for row, item in enumerate(items) if item.status == "changed")
    details = table.item(changed, COL_DETAILS).text()
    assert "region: eu-west-1 → us-east-1" in details
    assert "colour: " in details and " → " in details


def test_region_picker_names_regions_without_a_blank_row(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QWidget

    from xacct_gui.gui.profile_fields import region_combo

    host = QWidget()
    qtbot.addWidget(host)
    combo = region_combo(host)
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert "" not in labels
    assert "eu-west-1 — Europe (Ireland)" in labels
    assert combo.currentText() == ""  # no region of its own: the placeholder shows
    row = labels.index("eu-west-1 — Europe (Ireland)")
    combo.setCurrentIndex(row)
    combo.activated.emit(row)
    assert combo.currentText() == "eu-west-1"


# --- item 8: refresh keeps the regions known and the selected row ---


def test_refresh_keeps_known_regions_and_the_selected_row(qtbot: QtBot, window: MainWindow) -> None:
    from xacct_gui.gui.bucket_model import COL_REGION

    switch_and_wait(qtbot, window, "Dev")
    model = window.bucket_model
    qtbot.waitUntil(lambda: all(b.region for b in model.buckets()), timeout=WAIT_MS)
    table = window.bucket_panel.table
    table.selectRow(3)
    chosen = window.selected_bucket_names()
    blanks: list[int] = []

    def on_reset() -> None:  # what the Region column shows right after the new list
        model = window.bucket_model
        blanks.append(
            sum(1 for r in range(model.rowCount()) if not model.index(r, COL_REGION).data())
        )

    window.controller.switched.connect(lambda result: QTimer_.singleShot(0, on_reset))
    switch_and_wait(qtbot, window, "Dev")  # F5: the same role again
    qtbot.waitUntil(lambda: bool(blanks), timeout=WAIT_MS)
    assert blanks == [0], "the Region column blanked on refresh"
    assert window.selected_bucket_names() == chosen


def test_import_without_an_aws_config_offers_a_file_picker(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "my-config"
    elsewhere.write_text("[profile x]\nregion = eu-west-1\n")
    window.set_demo_sandbox(tmp_path / "no-such-dir" / "config")
    asked: list[str] = []

    def choose(missing: str) -> str:
        asked.append(missing)
        return str(elsewhere)

    monkeypatch.setattr(window.prompts, "choose_config_file", choose)
    read: list[Path | None] = []
    monkeypatch.setattr(
        "xacct_gui.gui.import_dialog.run_aws_config_import",
        lambda parent, profiles, *, path=None: read.append(path),
    )
    window.action("import_config").trigger()
    assert asked == [str(tmp_path / "no-such-dir" / "config")]
    assert read == [elsewhere]
