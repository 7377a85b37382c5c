"""Preview and confirm an import of role profiles.

``ImportDialog`` shows one line per profile found (what each line says is
:mod:`xacct_gui.gui.import_preview`) and lets the user choose which to import.
``PasteDialog`` collects an "AWS Extend Switch Roles" configuration, pasted or
read from a file. Nothing is written by either: the flows at the end
(:func:`run_aws_config_import`, :func:`run_esr_import`) return the merged
profile list and the caller saves it.

All parsing and merging lives in ``xacct_gui.core.importers``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xacct_gui.core.errors import ImportSourceError
from xacct_gui.core.importers import (
    ImportItem,
    apply_import,
    default_aws_config_path,
    preview_aws_config,
    preview_esr_config,
    read_text_file,
)
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.gui.import_preview import (
    COL_INCLUDE,
    import_button_text,
    preview_row,
    preview_table,
    summary_text,
)
from xacct_gui.gui.threads import run_off_gui_thread
from xacct_gui.gui.widgets.buttons import ok_cancel_buttons
from xacct_gui.gui.widgets.fonts import monospace_font
from xacct_gui.gui.widgets.form_fields import make_error_label, show_error
from xacct_gui.gui.widgets.plain_text import plain, warn

ESR_PLACEHOLDER = """[profile Prod]
aws_account_id = 123456789012
role_name = Admin
color = f2b0a9
region = eu-west-1"""
MIN_WIDTH = 760
ACCEPTED = QDialog.DialogCode.Accepted.value


class ImportDialog(QDialog):
    """One line per profile found; the user picks what to import.

    New and changed profiles are ticked by default; invalid and unchanged ones
    cannot be ticked (there is nothing to import). OK reads "Import N profiles"
    and is disabled while nothing is ticked. ``selected()`` returns the chosen
    items; the caller applies them (``core.importers.apply_import``) and saves.
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        items: Sequence[ImportItem],
        title: str = "Import role profiles",
        source: str = "",
        existing: Sequence[RoleProfile] = (),
    ) -> None:
        super().__init__(parent)
        # The saved profiles by name: a changed row shows each field's old → new value.
        self._existing = {p.name.casefold(): p for p in existing}
        self.setWindowTitle(title)
        self.setMinimumWidth(MIN_WIDTH)
        self.resize(960, 540)
        self._items = list(items)
        self._source = source
        self._build()
        self._fill()
        self._table.itemChanged.connect(self._on_item_changed)
        self._update()

    # --- public API ---

    @property
    def ok_button(self) -> QPushButton:
        return self._ok_button

    @property
    def table(self) -> QTableWidget:
        return self._table

    def items(self) -> list[ImportItem]:
        return list(self._items)

    def selected(self) -> list[ImportItem]:
        """The ticked items, in the order shown (only new and changed ones can be)."""
        chosen = []
        for row, item in enumerate(self._items):
            cell = self._table.item(row, COL_INCLUDE)
            if cell is not None and item.importable and cell.checkState() == Qt.CheckState.Checked:
                chosen.append(item)
        return chosen

    def set_included(self, row: int, included: bool) -> None:
        """Tick or untick a row, as clicking its box does (ignored for rows that cannot be)."""
        cell = self._table.item(row, COL_INCLUDE)
        if cell is not None and self._items[row].importable:
            cell.setCheckState(Qt.CheckState.Checked if included else Qt.CheckState.Unchecked)

    def set_all_included(self, included: bool) -> None:
        for row in range(len(self._items)):
            self.set_included(row, included)

    def summary_text(self) -> str:
        return self._summary.text()

    # --- construction ---

    def _build(self) -> None:
        intro = plain(QLabel(self))
        intro.setObjectName("importIntro")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        where = f" from {self._source}" if self._source else ""
        intro.setText(
            f"Profiles found{where}. Tick the ones to import; nothing is saved until you "
            "click Import."
        )
        self._table = preview_table(self, len(self._items))
        self._summary = plain(QLabel(self))
        self._summary.setObjectName("importSummary")
        self._summary.setWordWrap(True)
        select_all = QPushButton("Tick &all", self)
        select_all.setObjectName("selectAllButton")
        select_all.clicked.connect(self._tick_all)
        select_none = QPushButton("Tick &none", self)
        select_none.setObjectName("selectNoneButton")
        select_none.clicked.connect(self._tick_none)
        self._buttons, self._ok_button = ok_cancel_buttons(self)
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)

        row = QHBoxLayout()
        row.addWidget(select_all)
        row.addWidget(select_none)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self._table, 1)
        layout.addWidget(self._summary)
        layout.addLayout(row)
        layout.addWidget(self._buttons)

    def _fill(self) -> None:
        muted = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        for row, item in enumerate(self._items):
            before = self._existing.get(item.name.casefold())
            for column, cell in enumerate(preview_row(item, muted, before)):
                self._table.setItem(row, column, cell)
        # No row is measured: every row is one line at a fixed height (the full note is
        # in its tooltip), which also keeps 20,000 rows fast (measuring took 2.4 s).

    # --- behaviour ---

    @Slot()
    def _tick_all(self) -> None:
        self.set_all_included(True)

    @Slot()
    def _tick_none(self) -> None:
        self.set_all_included(False)

    @Slot(QTableWidgetItem)
    def _on_item_changed(self, cell: QTableWidgetItem) -> None:
        if cell.column() == COL_INCLUDE:
            self._update()

    def _update(self) -> None:
        chosen = len(self.selected())
        self._summary.setText(summary_text(self._items, chosen, self._source))
        self._ok_button.setText(import_button_text(chosen))
        self._ok_button.setEnabled(chosen > 0)

    def accept(self) -> None:
        if not self.selected():
            return  # OK is disabled then; only a direct accept() call gets here
        super().accept()


class PasteDialog(QDialog):
    """Paste an "AWS Extend Switch Roles" configuration, or open a file holding one.

    ``text()`` is what to preview. ``choose_file()`` asks for the file; tests
    replace it.
    """

    def __init__(
        self, parent: QWidget | None = None, *, title: str = "Import from Extend Switch Roles"
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        intro = QLabel(
            "Paste the extension's configuration (its Configuration page, the text box), "
            "or open a file that holds it.",
            self,
        )
        intro.setObjectName("pasteIntro")
        intro.setWordWrap(True)
        self._editor = QPlainTextEdit(self)
        self._editor.setObjectName("esrText")
        self._editor.setAccessibleName("Extend Switch Roles configuration")
        self._editor.setFont(monospace_font())
        self._editor.setPlaceholderText(ESR_PLACEHOLDER)
        self._editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self._open_button = QPushButton("&Open file…", self)
        self._open_button.setObjectName("openFileButton")
        self._status = plain(QLabel(self))
        self._status.setObjectName("pasteStatus")
        self._status.setWordWrap(True)
        self._error = make_error_label(self, "pasteError")
        self._buttons, self._ok_button = ok_cancel_buttons(self)
        self._ok_button.setText("&Preview…")

        row = QHBoxLayout()
        row.addWidget(self._open_button)
        row.addWidget(self._status, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self._editor, 1)
        layout.addLayout(row)
        layout.addWidget(self._error)
        layout.addWidget(self._buttons)

        self._editor.textChanged.connect(self._update)
        self._open_button.clicked.connect(self.open_file)
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)
        self._update()

    @property
    def ok_button(self) -> QPushButton:
        return self._ok_button

    @property
    def editor(self) -> QPlainTextEdit:
        return self._editor

    def text(self) -> str:
        return self._editor.toPlainText()

    def error_text(self) -> str:
        return self._error.text() if self._error.isVisible() else ""

    def choose_file(self) -> str | None:
        """Ask for the file to open; tests replace this."""
        path, _filter = QFileDialog.getOpenFileName(
            self,
            "Open an Extend Switch Roles configuration",
            str(Path.home()),
            "Configuration (*.ini *.txt *.cfg *.conf);;All files (*)",
        )
        return path or None

    @Slot()
    def open_file(self) -> None:
        path = self.choose_file()
        if not path:
            return
        try:
            text = read_text_file(Path(path), what="configuration file")
        except ImportSourceError as exc:
            self._show_error(str(exc))
            return
        self._show_error(None)
        self._editor.setPlainText(text)

    def _show_error(self, message: str | None) -> None:
        show_error(self._error, message)

    @Slot()
    def _update(self) -> None:
        text = self.text()
        has_text = bool(text.strip())
        self._ok_button.setEnabled(has_text)
        if not has_text:
            self._status.setText("")
            return
        items = preview_esr_config(text, [])
        roles = sum(1 for item in items if item.status != "invalid")
        invalid = len(items) - roles
        found = "1 role profile" if roles == 1 else f"{roles} role profiles"
        self._status.setText(f"{found} found" + (f", {invalid} invalid" if invalid else "") + ".")

    def accept(self) -> None:
        if not self.text().strip():
            return
        super().accept()


# --- flows the main window calls ---

ExecDialog = Callable[[QDialog], int]
ShowError = Callable[[QWidget | None, str, str], object]


def _exec(dialog: QDialog) -> int:
    return dialog.exec()


def _show_error(parent: QWidget | None, title: str, text: str) -> object:
    return warn(parent, title, text)


def confirm_import(
    parent: QWidget | None,
    profiles: Sequence[RoleProfile],
    items: Sequence[ImportItem],
    *,
    title: str,
    source: str = "",
    exec_dialog: ExecDialog = _exec,
) -> list[RoleProfile] | None:
    """Show the preview; the merged profile list if the user imported, else None."""
    dialog = ImportDialog(parent, items=items, title=title, source=source, existing=profiles)
    try:
        if exec_dialog(dialog) != ACCEPTED:
            return None
        chosen = dialog.selected()
    finally:
        dialog.deleteLater()
    if not chosen:
        return None
    return run_off_gui_thread(lambda: apply_import(profiles, chosen))


def run_aws_config_import(
    parent: QWidget | None,
    profiles: Sequence[RoleProfile],
    *,
    path: Path | None = None,
    exec_dialog: ExecDialog = _exec,
    show_error: ShowError = _show_error,
) -> list[RoleProfile] | None:
    """Profiles → Import from AWS config…: read the file, preview, return the merged list.

    ``path`` defaults to the file botocore reads (``AWS_CONFIG_FILE`` or
    ``~/.aws/config``). Returns None when nothing is to be saved.
    """
    config = path or default_aws_config_path()
    try:
        text = read_text_file(config, what="AWS config file")
    except ImportSourceError as exc:
        show_error(parent, "Import from AWS config", str(exc))
        return None
    items = run_off_gui_thread(lambda: preview_aws_config(text, profiles))
    return confirm_import(
        parent,
        profiles,
        items,
        title="Import from AWS config",
        source=str(config),
        exec_dialog=exec_dialog,
    )


def run_esr_import(
    parent: QWidget | None,
    profiles: Sequence[RoleProfile],
    *,
    exec_dialog: ExecDialog = _exec,
) -> list[RoleProfile] | None:
    """Profiles → Import from Extend Switch Roles…: paste or open, preview, return the list."""
    paste = PasteDialog(parent)
    try:
        if exec_dialog(paste) != ACCEPTED:
            return None
        text = paste.text()
    finally:
        paste.deleteLater()
    items = run_off_gui_thread(lambda: preview_esr_config(text, profiles))
    return confirm_import(
        parent,
        profiles,
        items,
        title="Import from Extend Switch Roles",
        exec_dialog=exec_dialog,
    )
