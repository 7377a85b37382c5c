"""Sign-in keys: an IAM user's access keys, kept in the OS keyring by ``KeyVault``.

``SignInKeysDialog`` lists the stored keys and adds, replaces and deletes them;
``KeyEditDialog`` collects one key. Every rule lives in ``xacct_gui.core.keys``
(``KeyVault.validate``), as the profile dialog leaves its rules to the core.
The secret is typed in password mode, never shown again, and emptied from
its field as soon as the dialog is done with it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xacct_gui.core.errors import SignInKeyError
from xacct_gui.core.keys import KeyCredentials, KeyVault, SignInKey
from xacct_gui.gui.dialog_parts import ok_cancel_buttons
from xacct_gui.gui.profile_dialog import make_error_label

STORAGE_KEYRING = "OS keyring"
STORAGE_SESSION = "this session only"
SESSION_ONLY_TEXT = "Use this key for this session only (kept in memory until you quit)"
NO_FILE_TEXT = "xacct never writes secrets to a file"
KEY_FIELDS = ("name", "access_key_id", "secret_access_key", "mfa_serial")
MIN_WIDTH = 480

COL_NAME, COL_STORAGE, COL_MFA = range(3)


def _optional(text: str) -> str | None:
    stripped = text.strip()
    return stripped or None


def profiles_phrase(profiles: Sequence[str]) -> str:
    """``Profile Dev uses`` / ``Profiles Dev, Prod use``: the start of a warning."""
    if len(profiles) == 1:
        return f"Profile {profiles[0]} uses"
    return f"Profiles {', '.join(profiles)} use"


class KeyEditDialog(QDialog):
    """Collects one sign-in key; ``value()`` returns it once the dialog is accepted.

    With ``existing`` it replaces that key: the name and MFA device are filled in,
    the access key ID and secret must be entered again (the secret is never read back).
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        vault: KeyVault,
        existing: SignInKey | None = None,
    ) -> None:
        super().__init__(parent)
        self._vault = vault
        self._existing = existing
        self._status = vault.status()
        self._touched: set[str] = set()
        self._errors: dict[str, str] = {}
        self._error_labels: dict[str, QLabel] = {}
        self._result: tuple[SignInKey, KeyCredentials] | None = None
        self.setWindowTitle(
            f"Replace sign-in key {existing.name}" if existing else "Add sign-in key"
        )
        self.setMinimumWidth(MIN_WIDTH)
        self._build()
        if existing is not None:
            self._name.setText(existing.name)
            self._mfa.setText(existing.mfa_serial or "")
            self._session_only.setChecked(existing.session_only)
            self._access_key.setFocus()
        self._connect()
        self._revalidate()

    # --- public API ---

    @property
    def ok_button(self) -> QPushButton:
        return self._ok_button

    def errors(self) -> dict[str, str]:
        return dict(self._errors)

    def value(self) -> tuple[SignInKey, KeyCredentials]:
        """The key and its credentials; only available after the dialog was accepted."""
        if self._result is None:
            raise RuntimeError("KeyEditDialog.value() is only available after accept().")
        return self._result

    def clear_secret(self) -> None:
        """Empty the secret field; ``setText`` (unlike ``clear``) drops its undo history."""
        self._secret.setText("")

    def accept(self) -> None:
        key, credentials = self._collect()
        if self._errors or not self._may_store():
            # OK is disabled in this state; only a direct accept() call gets here.
            self._touched.update(KEY_FIELDS)
            self._revalidate()
            return
        self._result = (key, credentials)
        self.clear_secret()
        super().accept()

    def reject(self) -> None:
        self.clear_secret()
        super().reject()

    # --- construction ---

    def _build(self) -> None:
        kept = "is kept in your system's keyring and " if self._status.usable else ""
        intro = QLabel(
            "An IAM user's access key. Create one in the AWS console under IAM › Users › "
            f"your user › Security credentials. The secret {kept}is never shown again "
            "after saving.",
            self,
        )
        intro.setObjectName("keyIntro")
        intro.setWordWrap(True)

        self._name = self._line_edit("keyNameEdit", "e.g. Work")
        self._access_key = self._line_edit("accessKeyIdEdit", "AKIA…")
        self._secret = self._line_edit(
            "secretKeyEdit",
            "Enter the secret again: it is never shown after saving"
            if self._existing
            else "Shown once when the key is created",
        )
        self._secret.setEchoMode(QLineEdit.EchoMode.Password)
        self._secret.setInputMethodHints(
            Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText
        )
        self._mfa = self._line_edit(
            "keyMfaSerialEdit", "Optional: arn:aws:iam::123456789012:mfa/you"
        )
        self._mfa.setToolTip(
            "If your IAM user has an MFA device, its ARN (or serial). The app then asks "
            "for a code once per session for every role this key assumes."
        )
        self._fields: dict[str, QLineEdit] = {
            "name": self._name,
            "access_key_id": self._access_key,
            "secret_access_key": self._secret,
            "mfa_serial": self._mfa,
        }

        self._warning = QLabel(self)
        self._warning.setObjectName("keyringWarning")
        self._warning.setWordWrap(True)
        self._warning.setTextFormat(Qt.TextFormat.PlainText)
        self._warning.setFrameShape(QLabel.Shape.StyledPanel)
        self._warning.setMargin(6)
        if self._status.usable:
            self._warning.hide()
        else:
            self._warning.setText(
                f"This key cannot be kept for next time: {self._status.reason}. "
                f"{NO_FILE_TEXT}, so without a keyring the key can only be held in memory "
                "until you quit the app."
            )
        self._session_only = QCheckBox(SESSION_ONLY_TEXT, self)
        self._session_only.setObjectName("sessionOnlyCheck")

        self._buttons, self._ok_button = ok_cancel_buttons(self)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._add_row(form, "&Name:", "name")
        self._add_row(form, "Access &key ID:", "access_key_id")
        self._add_row(form, "&Secret access key:", "secret_access_key")
        self._add_row(form, "&MFA device:", "mfa_serial")

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self._warning)
        layout.addWidget(self._session_only)
        layout.addStretch(1)
        layout.addWidget(self._buttons)

    def _line_edit(self, object_name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(object_name)
        edit.setPlaceholderText(placeholder)
        return edit

    def _add_row(self, form: QFormLayout, text: str, key: str) -> None:
        field = self._fields[key]
        label = QLabel(text, self)
        label.setBuddy(field)
        error = make_error_label(self, f"{key}Error")
        self._error_labels[key] = error
        cell = QWidget(self)
        cell_layout = QVBoxLayout(cell)
        cell_layout.setContentsMargins(0, 0, 0, 0)
        cell_layout.setSpacing(2)
        cell_layout.addWidget(field)
        cell_layout.addWidget(error)
        form.addRow(label, cell)

    def _connect(self) -> None:
        for key, edit in self._fields.items():
            edit.textChanged.connect(self._revalidate)
            edit.textEdited.connect(functools.partial(self._touch, key))
        self._session_only.toggled.connect(self._revalidate)
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)

    # --- behaviour ---

    def _touch(self, key: str, _text: str = "") -> None:
        if key not in self._touched:
            self._touched.add(key)
            self._revalidate()

    def _collect(self) -> tuple[SignInKey, KeyCredentials]:
        # Pasted IDs and secrets often carry a stray space or line break; AWS never
        # puts one in them. The name is kept as typed: the core explains its rule.
        key = SignInKey(
            name=self._name.text(),
            mfa_serial=_optional(self._mfa.text()),
            session_only=self._session_only.isChecked(),
        )
        credentials = KeyCredentials(
            access_key_id=self._access_key.text().strip(),
            secret_access_key=self._secret.text().strip(),
        )
        replacing = self._existing.name if self._existing else None
        self._errors = self._vault.validate(key, credentials, replacing=replacing)
        return key, credentials

    def _may_store(self) -> bool:
        return self._status.usable or self._session_only.isChecked()

    @Slot()
    def _revalidate(self) -> None:
        self._collect()
        for key, label in self._error_labels.items():
            edit = self._fields[key]
            speak = key in self._touched or edit.text() != ""
            message = self._errors.get(key) if speak else None
            label.setText(message or "")
            label.setVisible(message is not None)
            edit.setAccessibleDescription(message or "")
        self._ok_button.setEnabled(not self._errors and self._may_store())


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
        return self._vault.get(str(item.data(COL_NAME, Qt.ItemDataRole.UserRole)))

    def select_key(self, name: str) -> None:
        for index in range(self._list.topLevelItemCount()):
            item = self._list.topLevelItem(index)
            if item is not None and item.data(COL_NAME, Qt.ItemDataRole.UserRole) == name:
                self._list.setCurrentItem(item)
                return

    def confirm(self, title: str, text: str) -> bool:
        """Ask yes/no (No is the default); tests replace this."""
        answer = QMessageBox.question(
            self,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

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
        self._status = QLabel(self)
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

        self._buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self._buttons.setObjectName("buttonBox")

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
        button = QPushButton(text, self)
        button.setObjectName(object_name)
        button.setAutoDefault(False)
        return button

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
            item.setData(COL_NAME, Qt.ItemDataRole.UserRole, key.name)
            item.setToolTip(COL_MFA, key.mfa_serial or "No MFA device")
            self._list.addTopLevelItem(item)
        self._empty.setVisible(self._list.topLevelItemCount() == 0)
        if current is not None:
            self.select_key(current.name)
        self._update_buttons()

    def _show_error(self, message: str | None) -> None:
        self._error.setText(message or "")
        self._error.setVisible(message is not None)

    @Slot()
    def _update_buttons(self) -> None:
        has_selection = self.selected_key() is not None
        self._replace_button.setEnabled(has_selection)
        self._delete_button.setEnabled(has_selection)

    @Slot(QTreeWidgetItem, int)
    def _on_activated(self, _item: QTreeWidgetItem, _column: int) -> None:
        self.replace_key()
