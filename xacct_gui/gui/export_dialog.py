"""Export role profiles as an Extend Switch Roles configuration or AWS config blocks.

The text is shown read-only in a monospace font, with Copy and "Save to file…".
For the AWS config format, "Write into ~/.aws/config…" shows what would change
(sections added or updated, keys set or removed) and writes only after the user
confirms; the file is backed up first and replaced atomically
(``core.exporters.write_config``). The file choosers and the confirmation are
methods so tests can replace them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xacct_gui.core.default_profile import PREVIEW_WARNING, default_takeover, takes_over_default
from xacct_gui.core.errors import ConfigWriteError
from xacct_gui.core.exporters import (
    ConfigWritePlan,
    ExportFormat,
    ExportResult,
    export_aws_config,
    export_esr,
    prepare_config_write,
    write_config,
)
from xacct_gui.core.importers import default_aws_config_path
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.store import write_atomically
from xacct_gui.gui.widgets.buttons import close_button_box
from xacct_gui.gui.widgets.fonts import monospace_font
from xacct_gui.gui.widgets.form_fields import make_error_label
from xacct_gui.gui.widgets.plain_text import plain

FORMATS: tuple[tuple[ExportFormat, str], ...] = (
    ("esr", "AWS Extend Switch Roles (browser extension)"),
    ("aws-config", "AWS config profiles (AWS CLI, Granted…)"),
)
SUGGESTED_FILE_NAMES: dict[ExportFormat, str] = {
    "esr": "aws-extend-switch-roles.ini",
    "aws-config": "aws-config-profiles.ini",
}
MIN_WIDTH = 640


def display_path(path: Path) -> str:
    """``~/.aws/config`` for a path under the home folder, else the path itself."""
    try:
        relative = Path(path).relative_to(Path.home())
    except ValueError:
        return str(path)
    return str(Path("~") / relative)


class ExportDialog(QDialog):
    """Shows ``profiles`` in the chosen format; copy, save, or write into the AWS config."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        profiles: Sequence[RoleProfile],
        config_path: Path | None = None,
        base_accounts: Mapping[str, str] | None = None,
        initial_format: ExportFormat = "esr",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export role profiles")
        self.setMinimumWidth(MIN_WIDTH)
        self._profiles = list(profiles)
        self._config_path = Path(config_path) if config_path else default_aws_config_path()
        self._base_accounts = dict(base_accounts or {})
        self._result: ExportResult | None = None
        self._last_backup: Path | None = None
        self._build()
        self._connect()
        self.set_format(initial_format)

    # --- public API ---

    @property
    def config_path(self) -> Path:
        return self._config_path

    @property
    def last_backup(self) -> Path | None:
        """The backup made by the last write into the AWS config (None: none made)."""
        return self._last_backup

    @property
    def write_button(self) -> QPushButton:
        return self._write_button

    def current_format(self) -> ExportFormat:
        fmt: ExportFormat = self._format.currentData()
        return fmt

    def set_format(self, fmt: ExportFormat) -> None:
        index = self._format.findData(fmt)
        if index < 0:
            raise ValueError(f"unknown export format {fmt!r}")
        if index == self._format.currentIndex():
            self._refresh()
        else:
            self._format.setCurrentIndex(index)

    def text(self) -> str:
        return self._text.toPlainText()

    def export_result(self) -> ExportResult:
        assert self._result is not None  # set in __init__
        return self._result

    def status_text(self) -> str:
        if self._error.isVisible():
            return self._error.text()
        return self._status.text()

    def choose_save_path(self, suggested: str) -> str | None:
        """Ask where to save the text; tests replace this."""
        path, _filter = QFileDialog.getSaveFileName(
            self,
            "Save exported profiles",
            str(Path.home() / suggested),
            "Configuration (*.ini *.txt *.cfg);;All files (*)",
        )
        return path or None

    def confirm_write(self, plan: ConfigWritePlan) -> bool:
        """Show what writing changes and ask; tests replace this."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Write into the AWS config")
        added = len(plan.merge.sections("add"))
        updated = len(plan.merge.sections("update"))
        box.setText(
            f"Write into {display_path(plan.path)}?\n\n"
            f"{added} profile section(s) will be added and {updated} updated. Comments and "
            "every other section stay as they are. A backup copy is made first."
        )
        box.setInformativeText(plan.describe())
        box.setStandardButtons(QMessageBox.StandardButton.Cancel)
        write = box.addButton("Write", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        try:
            box.exec()
            return box.clickedButton() is write
        finally:
            box.deleteLater()

    # --- construction ---

    def _build(self) -> None:
        self._format = QComboBox(self)
        self._format.setObjectName("exportFormatCombo")
        self._format.setAccessibleName("Export format")
        for fmt, label in FORMATS:
            self._format.addItem(label, fmt)
        format_label = QLabel("&Format:", self)
        format_label.setBuddy(self._format)

        self._text = QPlainTextEdit(self)
        self._text.setObjectName("exportText")
        self._text.setAccessibleName("Exported text")
        self._text.setReadOnly(True)
        self._text.setFont(monospace_font())
        self._text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)

        self._notes = plain(QLabel(self))
        self._notes.setObjectName("exportNotes")
        self._notes.setWordWrap(True)
        self._notes.setTextFormat(Qt.TextFormat.PlainText)
        self._notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._copy_button = QPushButton("&Copy", self)
        self._copy_button.setObjectName("copyButton")
        self._save_button = QPushButton("&Save to file…", self)
        self._save_button.setObjectName("saveButton")
        self._write_button = QPushButton(f"&Write into {display_path(self._config_path)}…", self)
        self._write_button.setObjectName("writeConfigButton")
        self._write_button.setToolTip(
            f"Add or update these profiles in {self._config_path}; you see what changes "
            "before anything is written, and a backup is kept."
        )

        self._status = plain(QLabel(self))
        self._status.setObjectName("exportStatus")
        self._status.setWordWrap(True)
        self._status.setTextFormat(Qt.TextFormat.PlainText)
        self._status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._error = make_error_label(self, "exportError")

        self._buttons = close_button_box(self)

        top = QHBoxLayout()
        top.addWidget(format_label)
        top.addWidget(self._format, 1)
        actions = QHBoxLayout()
        actions.addWidget(self._copy_button)
        actions.addWidget(self._save_button)
        actions.addWidget(self._write_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self._text, 1)
        layout.addWidget(self._notes)
        layout.addLayout(actions)
        layout.addWidget(self._status)
        layout.addWidget(self._error)
        layout.addWidget(self._buttons)

    def _connect(self) -> None:
        self._format.currentIndexChanged.connect(self._on_format_changed)
        self._copy_button.clicked.connect(self.copy_text)
        self._save_button.clicked.connect(self.save_to_file)
        self._write_button.clicked.connect(self.write_into_config)
        self._buttons.rejected.connect(self.reject)
        self._buttons.accepted.connect(self.accept)

    # --- behaviour ---

    @Slot(int)
    def _on_format_changed(self, _index: int) -> None:
        self._refresh()

    def _refresh(self) -> None:
        fmt = self.current_format()
        if fmt == "esr":
            self._result = export_esr(self._profiles, base_accounts=self._base_accounts)
        else:
            self._result = export_aws_config(self._profiles)
        self._text.setPlainText(self._result.text)
        notes = list(self._result.notes)
        notes.extend(f"Not exported: {name} — {why}." for name, why in self._result.skipped)
        if fmt == "aws-config" and takes_over_default(b.header for b in self._result.blocks):
            notes.insert(0, PREVIEW_WARNING)
        self._notes.setText("\n".join(notes))
        self._notes.setVisible(bool(notes))
        self._write_button.setVisible(fmt == "aws-config")
        self._write_button.setEnabled(bool(self._result.blocks))
        has_profiles = bool(self._result.exported)
        self._copy_button.setEnabled(has_profiles)
        self._save_button.setEnabled(has_profiles)
        self._show_status("")

    def _show_status(self, message: str, *, error: bool = False) -> None:
        self._error.setText(message if error else "")
        self._error.setVisible(error and bool(message))
        self._status.setText("" if error else message)

    @Slot()
    def copy_text(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.text())
        count = len(self.export_result().exported)
        self._show_status(f"Copied {count} profile(s) to the clipboard.")

    @Slot()
    def save_to_file(self) -> None:
        path = self.choose_save_path(SUGGESTED_FILE_NAMES[self.current_format()])
        if not path:
            return
        try:
            write_atomically(Path(path), self.text())
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            self._show_status(f"Could not save {path}: {reason}.", error=True)
            return
        self._show_status(f"Saved to {path}.")

    @Slot()
    def write_into_config(self) -> None:
        """Plan, ask, then write the AWS config profiles into the config file."""
        if self.current_format() != "aws-config":
            return
        try:
            plan = prepare_config_write(self._config_path, self._profiles)
        except ConfigWriteError as exc:
            self._show_status(str(exc), error=True)
            return
        if not plan.merge.changed:
            self._show_status(
                f"{display_path(plan.path)} already has these profiles; nothing to write."
            )
            return
        refusal = default_takeover(plan.merge.sections("add") + plan.merge.sections("update"))
        if refusal:
            self._show_status(refusal, error=True)
            return
        if not self.confirm_write(plan):
            self._show_status(f"Nothing was written to {display_path(plan.path)}.")
            return
        try:
            backup = write_config(plan)
        except ConfigWriteError as exc:
            self._show_status(str(exc), error=True)
            return
        self._last_backup = backup
        added = len(plan.merge.sections("add"))
        updated = len(plan.merge.sections("update"))
        message = f"Wrote {display_path(plan.path)}: {added} added, {updated} updated."
        skipped = plan.merge.sections("skip")
        if skipped:
            message += f" Left alone (not role profiles): {', '.join(skipped)}."
        if backup is not None:
            message += f" The previous file is kept as {backup}."
        else:
            message += " There was no file before; it was created."
        self._show_status(message)
