"""The import preview, the paste dialog and the export dialog, driven as a user would."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
)
from pytestqt.qtbot import QtBot

from tests.factories import make_profile
from tests.gui.test_profile_dialog import child, click, paste
from xacct_gui.core.exporters import BACKUP_MARKER, ConfigWritePlan
from xacct_gui.core.importers import ImportItem, preview_aws_config, preview_esr_config
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.gui.export_dialog import ExportDialog, display_path
from xacct_gui.gui.import_dialog import (
    ImportDialog,
    PasteDialog,
    run_aws_config_import,
    run_esr_import,
)
from xacct_gui.gui.import_preview import COL_DETAILS, COL_INCLUDE, COL_NAME, COL_STATUS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MIXED = FIXTURES / "aws_config_mixed.ini"
CRLF = FIXTURES / "aws_config_crlf.ini"
ESR = FIXTURES / "esr_config.ini"


def mixed_items(existing: list[RoleProfile]) -> list[ImportItem]:
    return preview_aws_config(MIXED.read_text(encoding="utf-8"), existing)


@pytest.fixture
def make_import(qtbot: QtBot) -> Callable[..., ImportDialog]:
    def make(**kwargs: Any) -> ImportDialog:
        dialog = ImportDialog(**kwargs)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return make


def row_of(dialog: ImportDialog, name: str) -> int:
    table = dialog.table
    for row in range(table.rowCount()):
        cell = table.item(row, COL_NAME)
        if cell is not None and cell.text() == name:
            return row
    raise AssertionError(f"no row named {name!r}")


def cell_text(dialog: ImportDialog, row: int, column: int) -> str:
    cell = dialog.table.item(row, column)
    assert cell is not None
    return cell.text()


def click_checkbox(qtbot: QtBot, dialog: ImportDialog, row: int) -> None:
    """Click the check box of ``row`` with the mouse, where a user would."""
    table = dialog.table
    cell = table.item(row, COL_INCLUDE)
    assert cell is not None
    rect = table.visualItemRect(cell)
    # The indicator sits at the cell's left edge, vertically centred.
    point = QPoint(rect.left() + 10, rect.center().y())
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=point)  # type: ignore[no-untyped-call]


# --- ImportDialog ---


def test_import_dialog_lists_every_profile_with_its_status(
    make_import: Callable[..., ImportDialog],
) -> None:
    existing = [
        make_profile(external_id="DeveloperAccess", source_profile="work"),
        make_profile(
            "Test",
            account_id="333333333333",
            role_name="Tester",
            external_id="DeveloperAccess",
            source_profile="work",
        ),
    ]
    items = mixed_items(existing)
    dialog = make_import(items=items, source="/home/me/.aws/config")
    table = child(dialog, QTableWidget, "importTable")
    assert table.rowCount() == len(items)
    dev, test = row_of(dialog, "Dev"), row_of(dialog, "Test")
    assert cell_text(dialog, dev, COL_STATUS) == "Unchanged"
    assert cell_text(dialog, test, COL_STATUS).startswith("Changed: ")
    assert "region" in cell_text(dialog, test, COL_STATUS)
    assert "duration" in cell_text(dialog, test, COL_STATUS)
    assert cell_text(dialog, row_of(dialog, "Prod"), COL_STATUS) == "New"
    ec2 = row_of(dialog, "ec2-role")
    assert cell_text(dialog, ec2, COL_STATUS) == "Invalid"
    assert "credential_source" in cell_text(dialog, ec2, COL_DETAILS)
    intro = child(dialog, QLabel, "importIntro")
    assert "/home/me/.aws/config" in intro.text()


def test_new_and_changed_are_ticked_invalid_and_unchanged_cannot_be(
    make_import: Callable[..., ImportDialog],
) -> None:
    existing = [
        make_profile(external_id="DeveloperAccess", source_profile="work"),
        make_profile(
            "Test",
            account_id="333333333333",
            role_name="Tester",
            external_id="DeveloperAccess",
            source_profile="work",
        ),
    ]
    items = mixed_items(existing)
    dialog = make_import(items=items)
    importable = [item for item in items if item.status in ("new", "changed")]
    assert dialog.selected() == importable
    assert dialog.ok_button.text() == f"Import {len(importable)} profiles"
    assert dialog.ok_button.isEnabled()
    for name in ("Dev", "ec2-role", "orphan"):
        cell = dialog.table.item(row_of(dialog, name), COL_INCLUDE)
        assert cell is not None
        assert cell.checkState() == Qt.CheckState.Unchecked
        assert not cell.flags() & Qt.ItemFlag.ItemIsUserCheckable
        assert not cell.flags() & Qt.ItemFlag.ItemIsEnabled
    summary = child(dialog, QLabel, "importSummary").text()
    assert "6 new" not in summary  # Test is changed, Prod etc. are new
    assert "5 new, 1 changed, 1 unchanged, 8 invalid" in summary
    assert f"{len(importable)} ticked" in summary


def test_clicking_boxes_updates_the_ok_button(
    qtbot: QtBot, make_import: Callable[..., ImportDialog]
) -> None:
    dialog = make_import(items=mixed_items([]))
    prod = row_of(dialog, "Prod")
    before = len(dialog.selected())
    click_checkbox(qtbot, dialog, prod)
    assert len(dialog.selected()) == before - 1
    assert "Prod" not in [item.name for item in dialog.selected()]
    assert dialog.ok_button.text() == f"Import {before - 1} profiles"
    # An invalid row ignores the click.
    click_checkbox(qtbot, dialog, row_of(dialog, "ci"))
    assert len(dialog.selected()) == before - 1
    click_checkbox(qtbot, dialog, prod)
    assert len(dialog.selected()) == before


def test_nothing_ticked_disables_import(
    qtbot: QtBot, make_import: Callable[..., ImportDialog]
) -> None:
    dialog = make_import(items=mixed_items([]))
    click(qtbot, child(dialog, QPushButton, "selectNoneButton"))
    assert dialog.selected() == []
    assert not dialog.ok_button.isEnabled()
    assert dialog.ok_button.text() == "Import 0 profiles"
    dialog.accept()  # a direct call cannot close it with nothing to import
    assert dialog.isVisible()
    dialog.set_included(row_of(dialog, "Dev"), True)
    assert dialog.ok_button.text() == "Import 1 profile"
    click(qtbot, child(dialog, QPushButton, "selectAllButton"))
    assert len(dialog.selected()) == 7
    with qtbot.waitSignal(dialog.accepted):
        click(qtbot, dialog.ok_button)


def test_empty_preview_says_so(make_import: Callable[..., ImportDialog]) -> None:
    dialog = make_import(items=[], source="/tmp/config")
    assert not dialog.ok_button.isEnabled()
    summary = child(dialog, QLabel, "importSummary").text()
    assert "No role profiles were found in /tmp/config" in summary


# --- PasteDialog ---


@pytest.fixture
def paste_dialog(qtbot: QtBot) -> PasteDialog:
    dialog = PasteDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_paste_dialog_counts_what_it_will_import(qtbot: QtBot, paste_dialog: PasteDialog) -> None:
    editor = child(paste_dialog, QPlainTextEdit, "esrText")
    assert not paste_dialog.ok_button.isEnabled()
    editor.setFocus()
    paste(qtbot, editor, ESR.read_text(encoding="utf-8"))
    assert paste_dialog.text() == ESR.read_text(encoding="utf-8")
    assert paste_dialog.ok_button.isEnabled()
    status = child(paste_dialog, QLabel, "pasteStatus").text()
    assert status == "7 role profiles found, 3 invalid."
    fixed = (
        editor.font().family()
        == QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
    )
    assert fixed


def test_paste_dialog_opens_a_file(paste_dialog: PasteDialog, qtbot: QtBot, tmp_path: Path) -> None:
    paste_dialog.choose_file = lambda: str(ESR)  # type: ignore[method-assign]
    click(qtbot, child(paste_dialog, QPushButton, "openFileButton"))
    assert paste_dialog.text() == ESR.read_text(encoding="utf-8")
    missing = tmp_path / "missing.ini"
    paste_dialog.choose_file = lambda: str(missing)  # type: ignore[method-assign]
    click(qtbot, child(paste_dialog, QPushButton, "openFileButton"))
    assert paste_dialog.error_text() == f"There is no configuration file at {missing}."
    assert paste_dialog.text() == ESR.read_text(encoding="utf-8")  # kept
    paste_dialog.choose_file = lambda: None  # type: ignore[method-assign]
    click(qtbot, child(paste_dialog, QPushButton, "openFileButton"))  # cancelled: no change
    assert paste_dialog.text() == ESR.read_text(encoding="utf-8")


# --- the flows ---


def accept_all(dialog: QDialog) -> int:
    dialog.accept()
    return QDialog.DialogCode.Accepted.value


def test_aws_config_import_flow_writes_nothing(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_bytes(MIXED.read_bytes())
    existing = [
        make_profile(region="us-east-1", external_id="DeveloperAccess", source_profile="work")
    ]
    seen: list[QDialog] = []

    def run(dialog: QDialog) -> int:
        seen.append(dialog)
        assert isinstance(dialog, ImportDialog)
        return accept_all(dialog)

    result = run_aws_config_import(None, existing, path=config, exec_dialog=run)
    assert result is not None
    assert [p.name for p in result][:1] == ["Dev"]
    assert result[0].region == "eu-west-1"
    assert {p.name for p in result} >= {"Test", "Prod", "China", "GovCloud", "Shared Services"}
    assert existing[0].region == "us-east-1"  # the caller's list is not changed
    assert config.read_bytes() == MIXED.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config"]
    assert len(seen) == 1


def test_aws_config_import_flow_cancel_and_errors(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_bytes(MIXED.read_bytes())
    cancelled = run_aws_config_import(
        None, [], path=config, exec_dialog=lambda d: QDialog.DialogCode.Rejected.value
    )
    assert cancelled is None
    errors: list[str] = []
    missing = run_aws_config_import(
        None,
        [],
        path=tmp_path / "nope",
        exec_dialog=accept_all,
        show_error=lambda _parent, _title, text: errors.append(text),
    )
    assert missing is None
    assert errors == [f"There is no AWS config file at {tmp_path / 'nope'}."]


def test_aws_config_import_defaults_to_aws_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "from-env"
    config.write_bytes(CRLF.read_bytes())
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    titles: list[str] = []

    def run(dialog: QDialog) -> int:
        titles.append(dialog.windowTitle())
        return accept_all(dialog)

    result = run_aws_config_import(None, [], exec_dialog=run)
    assert result is not None
    assert [p.name for p in result] == ["Billing", "Audit"]
    assert titles == ["Import from AWS config"]


def test_esr_import_flow(qtbot: QtBot) -> None:
    existing = [
        make_profile(
            "anotheraccount",
            account_id="987654321987",
            role_name="anotherrole",
            external_id="DeveloperAccess",
            source_profile="work",
        )
    ]
    steps: list[str] = []

    def run(dialog: QDialog) -> int:
        if isinstance(dialog, PasteDialog):
            steps.append("paste")
            editor = child(dialog, QPlainTextEdit, "esrText")
            editor.setPlainText(ESR.read_text(encoding="utf-8"))
        else:
            assert isinstance(dialog, ImportDialog)
            steps.append("preview")
            row = row_of(dialog, "marketingadmin")
            dialog.set_included(row, False)
            assert cell_text(dialog, row_of(dialog, "anotheraccount"), COL_STATUS) == (
                "Changed: colour, region"
            )
        return accept_all(dialog)

    result = run_esr_import(None, existing, exec_dialog=run)
    assert steps == ["paste", "preview"]
    assert result is not None
    names = [p.name for p in result]
    assert names[0] == "anotheraccount"
    assert "marketingadmin" not in names
    assert "Org1-Account2" in names
    assert result[0].source_profile == "work"  # the extension does not say: kept
    expected_new = [
        i.name for i in preview_esr_config(ESR.read_text(), existing) if i.status == "new"
    ]
    assert names[1:] == [n for n in expected_new if n != "marketingadmin"]


def test_esr_import_flow_cancelled_at_either_step() -> None:
    assert run_esr_import(None, [], exec_dialog=lambda d: 0) is None

    def paste_then_cancel(dialog: QDialog) -> int:
        if isinstance(dialog, PasteDialog):
            dialog.editor.setPlainText(ESR.read_text(encoding="utf-8"))
            return QDialog.DialogCode.Accepted.value
        return QDialog.DialogCode.Rejected.value

    assert run_esr_import(None, [], exec_dialog=paste_then_cancel) is None


# --- ExportDialog ---


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    config = tmp_path / "config"
    config.write_bytes(CRLF.read_bytes())
    os.chmod(config, 0o640)
    return config


@pytest.fixture
def make_export(qtbot: QtBot, config_file: Path) -> Callable[..., ExportDialog]:
    def make(**kwargs: Any) -> ExportDialog:
        kwargs.setdefault(
            "profiles",
            [
                make_profile(external_id="DeveloperAccess", source_profile="work"),
                make_profile(
                    "Prod", color="red", external_id="DeveloperAccess", source_profile="work"
                ),
            ],
        )
        kwargs.setdefault("config_path", config_file)
        dialog = ExportDialog(**kwargs)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return make


def test_export_shows_esr_text_read_only_in_monospace(
    make_export: Callable[..., ExportDialog],
) -> None:
    dialog = make_export()
    text = child(dialog, QPlainTextEdit, "exportText")
    assert text.isReadOnly()
    assert "[Dev]\naws_account_id = 222222222222" in text.toPlainText()
    assert "color = b7ca9d" in text.toPlainText()
    fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
    assert text.font().family() == fixed
    assert not dialog.write_button.isVisible()  # only for the AWS config format
    notes = child(dialog, QLabel, "exportNotes")
    assert "ExternalId" in notes.text()


def test_switching_format_shows_aws_config_blocks(
    qtbot: QtBot, make_export: Callable[..., ExportDialog], config_file: Path
) -> None:
    dialog = make_export()
    combo = child(dialog, QComboBox, "exportFormatCombo")
    combo.setCurrentIndex(combo.findData("aws-config"))
    assert dialog.current_format() == "aws-config"
    assert "[profile Dev]\nrole_arn = arn:aws:iam::222222222222:role/DeveloperAccess" in (
        dialog.text()
    )
    assert dialog.write_button.isVisible()
    assert dialog.write_button.isEnabled()
    assert display_path(config_file) in dialog.write_button.text()
    dialog.set_format("esr")
    assert dialog.text().startswith("# AWS Extend Switch Roles")


def test_copy_puts_the_text_on_the_clipboard(
    qtbot: QtBot, make_export: Callable[..., ExportDialog]
) -> None:
    dialog = make_export()
    click(qtbot, child(dialog, QPushButton, "copyButton"))
    assert QApplication.clipboard().text() == dialog.text()
    assert dialog.status_text() == "Copied 2 profile(s) to the clipboard."


def test_save_to_file(
    qtbot: QtBot, make_export: Callable[..., ExportDialog], tmp_path: Path
) -> None:
    dialog = make_export(initial_format="aws-config")
    target = tmp_path / "out" / "profiles.ini"
    asked: list[str] = []

    def choose(suggested: str) -> str | None:
        asked.append(suggested)
        return str(target)

    dialog.choose_save_path = choose  # type: ignore[method-assign]
    click(qtbot, child(dialog, QPushButton, "saveButton"))
    assert asked == ["aws-config-profiles.ini"]
    assert target.read_text(encoding="utf-8") == dialog.text()
    assert dialog.status_text() == f"Saved to {target}."
    dialog.choose_save_path = lambda suggested: None  # type: ignore[method-assign]
    target.unlink()
    click(qtbot, child(dialog, QPushButton, "saveButton"))
    assert not target.exists()
    dialog.choose_save_path = lambda suggested: str(tmp_path)  # type: ignore[method-assign]
    click(qtbot, child(dialog, QPushButton, "saveButton"))
    assert dialog.status_text().startswith(f"Could not save {tmp_path}")
    assert child(dialog, QLabel, "exportError").isVisible()


def test_write_into_config_needs_confirmation(
    qtbot: QtBot, make_export: Callable[..., ExportDialog], config_file: Path
) -> None:
    dialog = make_export(initial_format="aws-config")
    before = config_file.read_bytes()
    plans: list[ConfigWritePlan] = []

    def refuse(plan: ConfigWritePlan) -> bool:
        plans.append(plan)
        return False

    dialog.confirm_write = refuse  # type: ignore[method-assign]
    click(qtbot, dialog.write_button)
    assert len(plans) == 1
    assert plans[0].merge.sections("add") == ["profile Dev", "profile Prod"]
    assert "Add [profile Dev]" in plans[0].describe()
    assert config_file.read_bytes() == before
    assert list(config_file.parent.iterdir()) == [config_file]
    assert dialog.status_text() == f"Nothing was written to {display_path(config_file)}."
    assert dialog.last_backup is None


def test_write_into_config_after_confirmation_keeps_a_backup(
    qtbot: QtBot, make_export: Callable[..., ExportDialog], config_file: Path
) -> None:
    dialog = make_export(initial_format="aws-config")
    before = config_file.read_bytes()
    dialog.confirm_write = lambda plan: True  # type: ignore[method-assign]
    click(qtbot, dialog.write_button)
    backup = dialog.last_backup
    assert backup is not None
    assert backup.name.startswith(f"config{BACKUP_MARKER}")
    assert backup.read_bytes() == before
    written = config_file.read_bytes()
    assert written.startswith(before)  # the CRLF file only gained sections
    assert b"\r\n[profile Dev]\r\n" in written
    if os.name == "posix":
        assert stat.S_IMODE(config_file.stat().st_mode) == 0o640
    status = dialog.status_text()
    assert "2 added, 0 updated" in status
    assert str(backup) in status
    # Writing again: already up to date, no question asked, nothing written.
    dialog.confirm_write = lambda plan: pytest.fail("asked again")  # type: ignore[method-assign]
    click(qtbot, dialog.write_button)
    assert "already has these profiles" in dialog.status_text()
    assert config_file.read_bytes() == written


def test_write_into_config_reports_errors(
    qtbot: QtBot, make_export: Callable[..., ExportDialog], tmp_path: Path
) -> None:
    bad = tmp_path / "latin1"
    bad.write_bytes(b"# caf\xe9\n")
    dialog = make_export(initial_format="aws-config", config_path=bad)
    dialog.confirm_write = lambda plan: pytest.fail("must not ask")  # type: ignore[method-assign]
    click(qtbot, dialog.write_button)
    assert "not UTF-8" in dialog.status_text()
    assert child(dialog, QLabel, "exportError").isVisible()
    assert bad.read_bytes() == b"# caf\xe9\n"


def test_export_skips_sign_in_key_profiles_and_says_so(
    make_export: Callable[..., ExportDialog],
) -> None:
    dialog = make_export(
        profiles=[
            make_profile(
                "Keyed", source_key="alice", external_id="DeveloperAccess", source_profile="work"
            )
        ],
        initial_format="aws-config",
    )
    notes = child(dialog, QLabel, "exportNotes").text()
    assert "Not exported: Keyed" in notes
    assert "keyring" in notes
    assert not dialog.write_button.isEnabled()
    assert not child(dialog, QPushButton, "copyButton").isEnabled()
