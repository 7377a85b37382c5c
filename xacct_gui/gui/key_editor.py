"""Collect one sign-in key: an IAM user's access key ID, its secret and MFA device.

Every rule lives in ``xacct_gui.core.keys`` (``KeyVault.validate``), as the
profile dialog leaves its rules to the core. The secret is typed in password
mode, never shown again, and emptied from its field as soon as the dialog is
done with it.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xacct_gui.core.keys import KeyCredentials, KeyVault, SignInKey
from xacct_gui.gui.widgets.buttons import ok_cancel_buttons
from xacct_gui.gui.widgets.form_fields import add_field_row, line_edit, optional_text, show_error
from xacct_gui.gui.widgets.plain_text import plain

SESSION_ONLY_TEXT = "Use this key for this session only (kept in memory until you quit)"
NO_FILE_TEXT = "xacct never writes secrets to a file"
KEY_FIELDS = ("name", "access_key_id", "secret_access_key", "mfa_serial")
MIN_WIDTH = 480


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

        self._warning = plain(QLabel(self))
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
        return line_edit(self, object_name, placeholder)

    def _add_row(self, form: QFormLayout, text: str, key: str) -> None:
        _cell, self._error_labels[key] = add_field_row(
            form, self, text, self._fields[key], f"{key}Error"
        )

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
            mfa_serial=optional_text(self._mfa.text()),
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
            show_error(label, message)
            edit.setAccessibleDescription(message or "")
        self._ok_button.setEnabled(not self._errors and self._may_store())
