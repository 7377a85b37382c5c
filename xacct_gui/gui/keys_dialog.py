"""Sign-in keys: an IAM user's access keys, kept in the OS keyring by ``KeyVault``.

``SignInKeysDialog`` lists the stored keys and adds, replaces and deletes them;
the key editor it opens (:class:`~xacct_gui.gui.key_editor.KeyEditDialog`)
collects one key. Every rule lives in ``xacct_gui.core.keys``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xacct_gui.core.errors import SignInKeyError
from xacct_gui.core.keys import KeyCredentials, KeyVault, SignInKey
from xacct_gui.gui.item_roles import KEY_NAME_ROLE
from xacct_gui.gui.key_editor import NO_FILE_TEXT, KeyEditDialog
from xacct_gui.gui.widgets.buttons import close_button_box, side_button
from xacct_gui.gui.widgets.form_fields import make_error_label, show_error
from xacct_gui.gui.widgets.plain_text import ask, plain

STORAGE_KEYRING = "OS keyring"
STORAGE_SESSION = "this session only"
MIN_WIDTH = 480

COL_NAME, COL_STORAGE, COL_MFA = range(3)


def profiles_phrase(profiles: Sequence[str]) -> str:
    """``Profile Dev uses`` / ``Profiles Dev, Prod use``: the start of a warning."""
    if len(profiles) == 1:
        return f"Profile {profiles[0]} uses"
    return f"Profiles {', '.join(profiles)} use"


class SignInKeysDialog(QDialog):
    """Lists the vault's keys and adds, replaces or deletes them.

    ``profiles_using(name)`` names the profiles whose source is that key, so a
    delete can say which profiles would stop working. ``changed`` fires after
    every change the vault accepted.
    """

    changed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        vault: KeyVault,
        profiles_using: Callable[[str], list[str]],
    ) -> None:
        super().__init__(parent)
        self._vault = vault
        self._profiles_using = profiles_using
        self.setWindowTitle("Sign-in keys")
        self.setMinimumWidth(MIN_WIDTH)
        self._build()
        self._connect()
        self._reload()

    # --- public API ---

    def selected_key(self) -> SignInKey | None:
        item = self._list.currentItem()
        if item is None or not item.isSelected():
            return None
        return self._vault.get(str(item.data(COL_NAME, KEY_NAME_ROLE)))

    def select_key(self, name: str) -> None:
        for index in range(self._list.topLevelItemCount()):
            item = self._list.topLevelItem(index)
            if item is not None and item.data(COL_NAME, KEY_NAME_ROLE) == name:
                self._list.setCurrentItem(item)
                return

    def confirm(self, title: str, text: str) -> bool:
        """Ask yes/no (No is the default); tests replace this."""
        return ask(self, title, text, default_yes=False)

    def run_key_editor(self, existing: SignInKey | None) -> tuple[SignInKey, KeyCredentials] | None:
        """Show the key editor modally; tests replace this to drive the dialog."""
        editor = KeyEditDialog(self, vault=self._vault, existing=existing)
        try:
            accepted = editor.exec() == QDialog.DialogCode.Accepted
            return editor.value() if accepted else None
        finally:
            editor.clear_secret()
            editor.deleteLater()

    @Slot()
    def add_key(self) -> None:
        entered = self.run_key_editor(None)
        if entered is not None:
            self._save(*entered, replacing=None)

    @Slot()
    def replace_key(self) -> None:
        existing = self.selected_key()
        if existing is None:
            return
        entered = self.run_key_editor(existing)
        if entered is None:
            return
        key, credentials = entered
        if key.name != existing.name:
            users = self._profiles_using(existing.name)
            if users and not self.confirm(
                "Rename sign-in key",
                f"{profiles_phrase(users)} the key “{existing.name}” and will stop working "
                f"until you choose “{key.name}” as their source.\n\nRename it anyway?",
            ):
                return
        self._save(key, credentials, replacing=existing.name)

    @Slot()
    def delete_key(self) -> None:
        key = self.selected_key()
        if key is None:
            return
        users = self._profiles_using(key.name)
        where = "forgotten" if key.session_only else "removed from the keyring"
        text = f"Delete the sign-in key “{key.name}”? Its secret is {where}."
        if users:
            text = f"{profiles_phrase(users)} this key and will stop working.\n\n{text}"
        if not self.confirm("Delete sign-in key", text):
            return
        try:
            self._vault.delete(key.name)
        except SignInKeyError as exc:
            self._show_error(str(exc))
        else:
            self._show_error(None)
        # Even a failed index write has already dropped the key from the vault.
        self._reload()
        self.changed.emit()

    # --- construction ---

    def _build(self) -> None:
        status = self._vault.status()
        self._status = plain(QLabel(self))
        self._status.setObjectName("keyringStatus")
        self._status.setWordWrap(True)
        self._status.setTextFormat(Qt.TextFormat.PlainText)
        if status.usable:
            self._status.setText(
                "Secrets are kept in your system's keyring; only key names and MFA devices "
                "are saved in the app's settings."
            )
            self._status.setToolTip(status.backend)
        else:
            self._status.setText(
                f"No safe keyring: {status.reason}. {NO_FILE_TEXT}, so new keys can only be "
                "used for this session."
            )

        self._list = QTreeWidget(self)
        self._list.setObjectName("keyList")
        self._list.setAccessibleName("Sign-in keys")
        self._list.setHeaderLabels(["Name", "Stored in", "MFA device"])
        self._list.setRootIsDecorated(False)
        self._list.setUniformRowHeights(True)
        self._list.setAllColumnsShowFocus(True)
        header = self._list.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_STORAGE, QHeaderView.ResizeMode.ResizeToContents)

        self._empty = QLabel("No sign-in keys yet. Add one to use roles without the AWS CLI.", self)
        self._empty.setObjectName("emptyKeysNote")
        self._empty.setWordWrap(True)

        self._add_button = self._button("addKeyButton", "&Add…")
        self._replace_button = self._button("replaceKeyButton", "&Replace…")
        self._replace_button.setToolTip("Enter a new access key and secret for the selected key")
        self._delete_button = self._button("deleteKeyButton", "&Delete")

        self._error = make_error_label(self, "keyError")

        self._buttons = close_button_box(self)

        row = QHBoxLayout()
        row.addWidget(self._add_button)
        row.addWidget(self._replace_button)
        row.addWidget(self._delete_button)
        row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self._status)
        layout.addWidget(self._list, 1)
        layout.addWidget(self._empty)
        layout.addLayout(row)
        layout.addWidget(self._error)
        layout.addWidget(self._buttons)

    def _button(self, object_name: str, text: str) -> QPushButton:
        return side_button(self, object_name, text)

    def _connect(self) -> None:
        self._add_button.clicked.connect(self.add_key)
        self._replace_button.clicked.connect(self.replace_key)
        self._delete_button.clicked.connect(self.delete_key)
        self._list.itemSelectionChanged.connect(self._update_buttons)
        self._list.itemActivated.connect(self._on_activated)
        self._buttons.rejected.connect(self.reject)

    # --- behaviour ---

    def _save(self, key: SignInKey, credentials: KeyCredentials, *, replacing: str | None) -> None:
        try:
            self._vault.save(key, credentials, replacing=replacing)
        except SignInKeyError as exc:
            self._show_error(str(exc))
            self._reload()  # a failed replace may already have removed the old entry
            return
        self._show_error(None)
        self._reload()
        self.select_key(key.name)
        self.changed.emit()

    def _reload(self) -> None:
        current = self.selected_key()
        self._list.clear()
        for key in self._vault.list_keys():
            item = QTreeWidgetItem(
                [
                    key.name,
                    STORAGE_SESSION if key.session_only else STORAGE_KEYRING,
                    key.mfa_serial or "—",
                ]
            )
            item.setData(COL_NAME, KEY_NAME_ROLE, key.name)
            item.setToolTip(COL_MFA, key.mfa_serial or "No MFA device")
            self._list.addTopLevelItem(item)
        self._empty.setVisible(self._list.topLevelItemCount() == 0)
        if current is not None:
            self.select_key(current.name)
        self._update_buttons()

    def _show_error(self, message: str | None) -> None:
        show_error(self._error, message)

    @Slot()
    def _update_buttons(self) -> None:
        has_selection = self.selected_key() is not None
        self._replace_button.setEnabled(has_selection)
        self._delete_button.setEnabled(has_selection)

    @Slot(QTreeWidgetItem, int)
    def _on_activated(self, _item: QTreeWidgetItem, _column: int) -> None:
        self.replace_key()
