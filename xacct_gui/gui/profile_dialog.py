"""Add / edit / duplicate a role profile, with inline validation.

Every rule lives in ``xacct_gui.core.profiles``: the dialog only collects the
fields, asks ``validate_fields`` what is wrong (through
:func:`~xacct_gui.gui.profile_validation.form_errors`), and shows the answer
under the field it concerns. That way the dialog, the profile file loader and
``--list-buckets`` can never disagree about what a valid profile is.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xacct_gui.core.errors import ProfileError
from xacct_gui.core.profiles import (
    RoleProfile,
    check_role_arn,
    default_session_name,
)
from xacct_gui.core.validation import CHAINED_MAX_DURATION
from xacct_gui.gui.color_picker import ColorPicker
from xacct_gui.gui.profile_fields import (
    BannerPreview,
    advanced_toggle,
    duration_spin,
    region_code,
    region_combo,
)
from xacct_gui.gui.profile_validation import form_errors, split_role_arn
from xacct_gui.gui.source_chooser import SOURCE_FIELDS, SourceChooser
from xacct_gui.gui.widgets.buttons import ok_cancel_buttons
from xacct_gui.gui.widgets.form_fields import add_field_row, line_edit, optional_text, show_error

# Fields tucked under "Advanced": most roles never need them.
ADVANCED_FIELDS = frozenset({"session_name", "duration_seconds", "mfa_serial", "source_identity"})
MIN_WIDTH = 480


class ProfileDialog(QDialog):
    """Collects one role profile; ``profile()`` returns it once the dialog is accepted."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        profile: RoleProfile | None = None,
        taken_names: Iterable[str] = (),
        aws_profiles: Sequence[str] = (),
        title: str = "Add role profile",
        sign_in_keys: Sequence[str] = (),
        saved_roles: Sequence[str] = (),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(MIN_WIDTH)
        # Editing keeps keys this version does not know: fields are laid over these.
        self._base: dict[str, Any] = profile.to_dict() if profile else {}
        self._taken = tuple(taken_names)
        # Fields the user has typed in: only those may complain while still empty.
        self._touched: set[str] = set()
        self._result: RoleProfile | None = None
        self._errors: dict[str, str] = {}
        self._error_labels: dict[str, QLabel] = {}
        # A profile cannot be its own source, so it is not offered as one.
        own = profile.name.casefold() if profile else None
        roles = tuple(r for r in saved_roles if r.casefold() != own)
        self._build_widgets(aws_profiles, sign_in_keys, roles)
        self._build_layout()
        self._set_tab_order()
        if profile is not None:
            self._load(profile)
        self._connect_signals()
        self._revalidate()

    # --- public API ---

    def profile(self) -> RoleProfile:
        """The validated profile; only available after the dialog was accepted."""
        if self._result is None:
            raise RuntimeError("ProfileDialog.profile() is only available after accept().")
        return self._result

    @property
    def ok_button(self) -> QPushButton:
        return self._ok_button

    def errors(self) -> dict[str, str]:
        """Current validation errors (field -> message), shown or not yet shown."""
        return dict(self._errors)

    def accept(self) -> None:
        try:
            self._result = RoleProfile.from_dict(self._merged(), self._taken)
        except ProfileError as exc:
            # OK is disabled while invalid, so this is only reached through a direct
            # accept() call; show every problem instead of closing.
            self._touched.update(exc.errors)
            self._revalidate()
            return
        super().accept()

    # --- construction ---

    def _build_widgets(
        self, aws_profiles: Sequence[str], sign_in_keys: Sequence[str], saved_roles: Sequence[str]
    ) -> None:
        self._preview = BannerPreview(self)
        self._name = self._line_edit("nameEdit", "e.g. Prod admin")
        self._account = self._line_edit("accountEdit", "123456789012")
        self._role = self._line_edit("roleEdit", "OrganizationAccountAccessRole")
        self._role.setToolTip(
            "The role's name, with its path if it has one (team/Admin).\n"
            "Pasting a full role ARN fills in the account ID as well."
        )
        self._external_id = self._line_edit(
            "externalIdEdit", "Only if the role's trust policy requires one"
        )
        self._color = ColorPicker(self)
        self._color.setObjectName("colorPicker")
        self._source = SourceChooser(
            self, aws_profiles=aws_profiles, sign_in_keys=sign_in_keys, saved_roles=saved_roles
        )
        self._region = region_combo(self)
        self._advanced_toggle = advanced_toggle(self)
        self._session = self._line_edit("sessionNameEdit", f"Default: {default_session_name()}")
        self._session.setToolTip("Shown in the target account's CloudTrail as who switched.")
        self._duration = duration_spin(self)
        self._mfa = self._line_edit("mfaSerialEdit", "arn:aws:iam::123456789012:mfa/your-user")
        self._mfa.setToolTip("Only if the role requires MFA: your MFA device's ARN or serial.")
        self._source_identity = self._line_edit("sourceIdentityEdit", "Optional, e.g. alice")
        self._source_identity.setToolTip(
            "Passed as SourceIdentity: recorded in CloudTrail and kept across chained roles."
            " Only if the role's trust policy allows sts:SetSourceIdentity."
        )
        self._buttons, self._ok_button = ok_cancel_buttons(self)
        self._fields: dict[str, QWidget] = {
            "name": self._name,
            "account_id": self._account,
            "role_name": self._role,
            "external_id": self._external_id,
            "color": self._color,
            **self._source.fields,
            "region": self._region,
            "session_name": self._session,
            "duration_seconds": self._duration,
            "mfa_serial": self._mfa,
            "source_identity": self._source_identity,
        }

    def _line_edit(self, object_name: str, placeholder: str) -> QLineEdit:
        return line_edit(self, object_name, placeholder, clear_button=True)

    def _build_layout(self) -> None:
        self._form = QFormLayout()
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._add_row("&Display name:", "name", self._name)
        self._add_row("A&ccount ID:", "account_id", self._account)
        self._add_row("&Role:", "role_name", self._role)
        self._add_row("E&xternalId:", "external_id", self._external_id)
        self._add_row("Co&lour:", "color", self._color)
        source_label = QLabel("&Source:", self)
        source_label.setBuddy(self._source.kind_combo)
        self._form.addRow(source_label, self._source)
        self._error_labels.update(self._source.error_labels)
        self._add_row("Re&gion:", "region", self._region)
        self._form.addRow(self._advanced_toggle)
        # The advanced rows live in the same form so their labels line up with
        # the rest; the toggle only shows or hides the rows.
        self._advanced_rows = [
            self._add_row("Session na&me:", "session_name", self._session),
            self._add_row("D&uration:", "duration_seconds", self._duration),
            self._add_row("M&FA device:", "mfa_serial", self._mfa),
            self._add_row("Source identit&y:", "source_identity", self._source_identity),
        ]
        for row in self._advanced_rows:
            self._form.setRowVisible(row, False)

        layout = QVBoxLayout(self)
        layout.addWidget(self._preview)
        layout.addLayout(self._form)
        layout.addStretch(1)
        layout.addWidget(self._buttons)

    def _add_row(self, text: str, key: str, field: QWidget) -> QWidget:
        """A labelled field with its error label right under it, in one form cell."""
        cell, self._error_labels[key] = add_field_row(self._form, self, text, field, f"{key}Error")
        return cell

    def _set_tab_order(self) -> None:
        # Top to bottom, as the fields read; Qt's default follows creation order,
        # which the colour picker's children would otherwise break.
        chain: list[QWidget] = [
            self._name,
            self._account,
            self._role,
            self._external_id,
            *self._color.focus_widgets(),
            *self._source.focus_widgets(),
            self._region,
            self._advanced_toggle,
            self._session,
            self._duration,
            self._mfa,
            self._source_identity,
            *self._buttons.buttons(),
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _load(self, profile: RoleProfile) -> None:
        self._name.setText(profile.name)
        self._account.setText(profile.account_id)
        self._role.setText(profile.role_name)
        self._external_id.setText(profile.external_id or "")
        self._color.set_value(profile.color)
        self._source.load(profile)
        self._region.setCurrentText(profile.region or "")
        self._session.setText(profile.session_name or "")
        self._duration.setValue(profile.duration_seconds or 0)
        self._mfa.setText(profile.mfa_serial or "")
        self._source_identity.setText(profile.source_identity or "")
        if (
            profile.session_name
            or profile.duration_seconds
            or profile.mfa_serial
            or profile.source_identity
        ):
            self._set_advanced_visible(True)

    def _connect_signals(self) -> None:
        edits = {
            "name": self._name,
            "account_id": self._account,
            "external_id": self._external_id,
            "session_name": self._session,
            "mfa_serial": self._mfa,
            "source_identity": self._source_identity,
        }
        for key, edit in edits.items():
            edit.textChanged.connect(self._revalidate)
            edit.textEdited.connect(functools.partial(self._touch, key))
        self._role.textChanged.connect(self._revalidate)
        self._role.textEdited.connect(self._on_role_edited)
        # Empty is valid for every source combo, so they need no "touched" tracking.
        self._source.changed.connect(self._revalidate)
        self._source.kind_chosen.connect(self._on_source_kind_chosen)
        self._region.currentTextChanged.connect(self._revalidate)
        self._duration.valueChanged.connect(self._revalidate)
        self._color.changed.connect(self._revalidate)
        self._advanced_toggle.toggled.connect(self._set_advanced_visible)
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)

    # --- behaviour ---

    def _touch(self, key: str, _text: str = "") -> None:
        if key in self._touched:
            return
        self._touched.add(key)
        # textChanged may already have revalidated before this edit counted as a
        # touch; redo it once so a just-emptied required field speaks up.
        self._revalidate()

    @Slot(str)
    def _on_source_kind_chosen(self, kind: str) -> None:
        # The user chose this kind: an empty choice may say so at once.
        self._touched.add(SOURCE_FIELDS[kind])
        self._revalidate()

    @Slot(str)
    def _on_role_edited(self, text: str) -> None:
        arn = text.strip()
        # A pasted role ARN is the most common way people have a role at hand;
        # split it rather than make them pick the account out of it by hand.
        if arn.startswith("arn:") and check_role_arn(arn) is None:
            account, role = split_role_arn(arn)
            self._account.setText(account)
            self._role.setText(role)
        self._touch("role_name")

    def _field_values(self) -> dict[str, Any]:
        """The form's fields in the profile file's shape.

        Identifiers are trimmed because pasted text often carries stray spaces
        and AWS never allows them at either end. The display name is not: the
        core validator explains that rule to the user itself.
        """
        return {
            "name": self._name.text(),
            "account_id": self._account.text().strip(),
            "role_name": self._role.text().strip(),
            "external_id": optional_text(self._external_id.text()),
            "color": self._color.value(),
            **self._source.values(),
            "region": optional_text(region_code(self._region.currentText())),
            "duration_seconds": self._duration.value() or None,
            "session_name": optional_text(self._session.text()),
            "mfa_serial": optional_text(self._mfa.text()),
            "source_identity": optional_text(self._source_identity.text()),
        }

    def _merged(self) -> dict[str, Any]:
        return {**self._base, **self._field_values()}

    def _validate(self, values: dict[str, Any]) -> dict[str, str]:
        errors = form_errors({**self._base, **values}, self._taken)
        self._source.check_choice(values, errors)
        return errors

    @Slot()
    def _revalidate(self) -> None:
        values = self._field_values()
        self._errors = self._validate(values)
        for key, label in self._error_labels.items():
            speak = key in self._touched or values.get(key) not in (None, "")
            self._show_error(key, label, self._errors.get(key) if speak else None)
        self._ok_button.setEnabled(not self._errors)
        duration = values["duration_seconds"] or 0
        self._source.chain_note.setVisible(
            values["source_role"] is not None and duration > CHAINED_MAX_DURATION
        )
        self._preview.show_fields(values["name"], values["account_id"], values["color"])
        self._grow_to_fit()

    def _grow_to_fit(self) -> None:
        # A wrapped error label needs more height than the form first asked for, and
        # Qt does not grow a shown dialog for height-for-width content on its own.
        layout = self.layout()
        if layout is None or not layout.hasHeightForWidth():
            return
        needed = layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def _show_error(self, key: str, label: QLabel, message: str | None) -> None:
        if label.text() == (message or "") and label.isHidden() == (message is None):
            return  # runs on every keystroke: skip needless relayouts
        show_error(label, message)
        # Screen readers announce the description with the field.
        self._fields[key].setAccessibleDescription(message or "")
        if message and key in ADVANCED_FIELDS:
            self._set_advanced_visible(True)  # never hide the reason OK is disabled

    @Slot(bool)
    def _set_advanced_visible(self, visible: bool) -> None:
        for row in self._advanced_rows:
            self._form.setRowVisible(row, visible)
        self._advanced_toggle.setArrowType(
            Qt.ArrowType.DownArrow if visible else Qt.ArrowType.RightArrow
        )
        if self._advanced_toggle.isChecked() != visible:
            self._advanced_toggle.setChecked(visible)
