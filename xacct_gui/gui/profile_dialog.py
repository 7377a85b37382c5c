"""Add / edit / duplicate a role profile, with inline validation.

Every rule lives in ``xacct_gui.core.profiles``: the dialog only collects the
fields, asks ``validate_fields`` what is wrong, and shows the answer under the
field it concerns. That way the dialog, the profile file loader and
``--list-buckets`` can never disagree about what a valid profile is.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from xacct_gui.core.colors import color_hex, text_color_for
from xacct_gui.core.errors import ProfileError
from xacct_gui.core.profiles import (
    RoleProfile,
    check_role_arn,
    default_session_name,
    parse_role_arn,
)
from xacct_gui.core.validation import (
    CHAINED_MAX_DURATION,
    MAX_DURATION,
    MIN_DURATION,
    validate_fields,
)
from xacct_gui.gui.color_picker import ColorPicker
from xacct_gui.gui.dialog_parts import ok_cancel_buttons

# Offered in the region list; any other region can be typed.
COMMON_REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "me-central-1",
    "af-south-1",
)

# Fields tucked under "Advanced": most roles never need them.
ADVANCED_FIELDS = frozenset({"session_name", "duration_seconds", "mfa_serial", "source_identity"})
DEFAULT_DURATION_TEXT = "Default (1 hour)"
MIN_WIDTH = 480

# Error text must stay readable on both light and dark window palettes.
_ERROR_ON_LIGHT = "#b3261e"
_ERROR_ON_DARK = "#ff8a80"

# What assumes the role: (kind, what the kind combo shows). The kind names are
# RoleProfile.source_kind's.
SOURCE_KINDS = (
    ("profile", "AWS CLI profile"),
    ("key", "Sign-in key"),
    ("role", "Another saved role"),
)
# The profile field each kind fills in.
SOURCE_FIELDS = {"profile": "source_profile", "key": "source_key", "role": "source_role"}
CHAIN_NOTE_TEXT = (
    "Chained role sessions last at most 1 hour (AWS limit); the app will ask for 3600 seconds."
)


def _optional(text: str) -> str | None:
    stripped = text.strip()
    return stripped or None


def _choose(combo: QComboBox, text: str) -> None:
    """Select ``text`` in a fixed-choice combo, adding it if it is not offered
    (a key or role that no longer exists is shown, and the validator says so)."""
    if text and combo.findText(text) < 0:
        combo.addItem(text)
    combo.setCurrentIndex(combo.findText(text))


def _missing_choice(
    value: str | None, offered: Sequence[str], *, none_yet: str, choose: str, gone: str
) -> str | None:
    """Why ``value`` is not a usable choice among ``offered``, or None when it is."""
    if value is None:
        return choose if offered else none_yet
    if value not in offered:
        return gone.format(value)
    return None


def split_role_arn(arn: str) -> tuple[str, str]:
    """``arn:aws:iam::123456789012:role/team/Admin`` -> ``("123456789012", "team/Admin")``.

    Call only with an ARN that ``check_role_arn`` accepted. The role keeps its
    path in the file's ``team/ops/Admin`` form (DESIGN.md §2).
    """
    parsed = parse_role_arn(arn)
    return parsed.account_id, parsed.role_name


def make_error_label(parent: QWidget, object_name: str) -> QLabel:
    """A hidden, wrapping, selectable label for one field's error, readable on any palette."""
    label = QLabel(parent)
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    window = parent.palette().color(QPalette.ColorRole.Window)
    color = _ERROR_ON_DARK if window.lightness() < 128 else _ERROR_ON_LIGHT
    label.setStyleSheet(f"color: {color};")
    label.hide()
    return label


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
        self._sign_in_keys = tuple(sign_in_keys)
        # A profile cannot be its own source, so it is not offered as one.
        own = profile.name.casefold() if profile else None
        self._saved_roles = tuple(r for r in saved_roles if r.casefold() != own)
        self._build_widgets(aws_profiles)
        self._build_layout()
        self._set_tab_order()
        if profile is not None:
            self._load(profile)
        self._show_source_kind()
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

    def _build_widgets(self, aws_profiles: Sequence[str]) -> None:
        self._preview = self._make_preview()
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
        self._source_kind = self._make_source_kind_combo()
        self._source = self._make_source_combo(aws_profiles)
        self._source_key = self._choice_combo(
            "sourceKeyCombo", self._sign_in_keys, "No sign-in keys yet: add one under Sign-in keys"
        )
        self._source_key.setToolTip(
            "An access key stored in your system's keyring under Sign-in keys."
        )
        self._source_role = self._choice_combo(
            "sourceRoleCombo", self._saved_roles, "No other saved roles"
        )
        self._source_role.setToolTip(
            "Assume that saved role first, then this one from it (role chaining)."
        )
        self._chain_note = QLabel(CHAIN_NOTE_TEXT, self)
        self._chain_note.setObjectName("chainNote")
        self._chain_note.setWordWrap(True)
        self._chain_note.hide()
        self._region = self._make_region_combo()
        self._advanced_toggle = self._make_advanced_toggle()
        self._session = self._line_edit("sessionNameEdit", f"Default: {default_session_name()}")
        self._session.setToolTip("Shown in the target account's CloudTrail as who switched.")
        self._duration = self._make_duration_spin()
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
            "source_profile": self._source,
            "source_key": self._source_key,
            "source_role": self._source_role,
            "region": self._region,
            "session_name": self._session,
            "duration_seconds": self._duration,
            "mfa_serial": self._mfa,
            "source_identity": self._source_identity,
        }

    def _line_edit(self, object_name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(object_name)
        edit.setPlaceholderText(placeholder)
        edit.setClearButtonEnabled(True)
        return edit

    def _make_preview(self) -> QLabel:
        label = QLabel(self)
        label.setObjectName("previewBanner")
        label.setAccessibleName("Banner preview")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setAutoFillBackground(True)
        label.setWordWrap(True)  # a 64-character name must not widen the dialog
        label.setMargin(8)
        font = QFont(label.font())
        font.setBold(True)
        label.setFont(font)
        return label

    def _make_source_combo(self, aws_profiles: Sequence[str]) -> QComboBox:
        combo = self._editable_combo("sourceProfileCombo", "default")
        combo.addItems(list(aws_profiles))
        # botocore's own fallback is "default"; without one, the first profile is likeliest.
        has_default = "default" in aws_profiles or not aws_profiles
        combo.setCurrentText("default" if has_default else aws_profiles[0])
        combo.setToolTip(
            "The AWS CLI profile (config or credentials file) whose credentials assume this role."
        )
        return combo

    def _make_source_kind_combo(self) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName("sourceKindCombo")
        combo.setAccessibleName("Source kind")
        for kind, text in SOURCE_KINDS:
            combo.addItem(text, kind)
        combo.setToolTip(
            "What assumes this role: an AWS CLI profile, a sign-in key kept by this app,"
            " or another saved role."
        )
        return combo

    def _choice_combo(self, object_name: str, items: Sequence[str], empty: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(object_name)
        combo.addItems(list(items))
        combo.setPlaceholderText(empty)  # shown while nothing is chosen
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        return combo

    def _make_region_combo(self) -> QComboBox:
        combo = self._editable_combo("regionCombo", "Use the source profile's region")
        # The empty first entry means "no region of our own": botocore then takes
        # the source profile's region, as the AWS CLI would.
        combo.addItems(["", *COMMON_REGIONS])
        combo.setCurrentIndex(0)
        return combo

    def _editable_combo(self, object_name: str, placeholder: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(object_name)
        combo.setEditable(True)
        # Typed text is a value, not a new list entry.
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line_edit = combo.lineEdit()
        if line_edit is not None:
            line_edit.setPlaceholderText(placeholder)
        return combo

    def _make_duration_spin(self) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setObjectName("durationSpin")
        spin.setRange(0, MAX_DURATION)
        # 0 is "not set": STS then grants its default of one hour.
        spin.setSpecialValueText(DEFAULT_DURATION_TEXT)
        spin.setSuffix(" seconds")
        spin.setSingleStep(MIN_DURATION)  # arrows move in 15-minute steps
        spin.setAccelerated(True)
        spin.setToolTip(
            f"{MIN_DURATION}-{MAX_DURATION} seconds, up to the role's maximum session"
            " duration; at most 3600 when the source is itself a role."
        )
        return spin

    def _make_advanced_toggle(self) -> QToolButton:
        toggle = QToolButton(self)
        toggle.setObjectName("advancedToggle")
        toggle.setText("&Advanced")
        toggle.setCheckable(True)
        toggle.setAutoRaise(True)
        toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toggle.setArrowType(Qt.ArrowType.RightArrow)
        return toggle

    def _build_layout(self) -> None:
        self._form = QFormLayout()
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._add_row("&Display name:", "name", self._name)
        self._add_row("A&ccount ID:", "account_id", self._account)
        self._add_row("&Role:", "role_name", self._role)
        self._add_row("E&xternal ID:", "external_id", self._external_id)
        self._add_row("Co&lour:", "color", self._color)
        self._add_source_row()
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
        label = QLabel(text, self)
        label.setBuddy(field)
        error = self._make_error_label(key)
        cell = QWidget(self)
        cell_layout = QVBoxLayout(cell)
        cell_layout.setContentsMargins(0, 0, 0, 0)
        cell_layout.setSpacing(2)
        cell_layout.addWidget(field)
        cell_layout.addWidget(error)
        self._form.addRow(label, cell)
        return cell

    def _add_source_row(self) -> None:
        """Kind combo plus the chosen kind's combo, one error label per source field."""
        label = QLabel("&Source:", self)
        label.setBuddy(self._source_kind)
        choice = QHBoxLayout()
        choice.setContentsMargins(0, 0, 0, 0)
        choice.addWidget(self._source_kind)
        for combo in (self._source, self._source_key, self._source_role):
            choice.addWidget(combo, 1)
        cell = QWidget(self)
        cell_layout = QVBoxLayout(cell)
        cell_layout.setContentsMargins(0, 0, 0, 0)
        cell_layout.setSpacing(2)
        cell_layout.addLayout(choice)
        for key in SOURCE_FIELDS.values():
            cell_layout.addWidget(self._make_error_label(key))
        cell_layout.addWidget(self._chain_note)
        self._form.addRow(label, cell)

    def _make_error_label(self, key: str) -> QLabel:
        label = make_error_label(self, f"{key}Error")
        self._error_labels[key] = label
        return label

    def _set_tab_order(self) -> None:
        # Top to bottom, as the fields read; Qt's default follows creation order,
        # which the colour picker's children would otherwise break.
        chain: list[QWidget] = [
            self._name,
            self._account,
            self._role,
            self._external_id,
            *self._color.focus_widgets(),
            self._source_kind,
            self._source,
            self._source_key,
            self._source_role,
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
        self._source.setCurrentText(profile.source_profile)
        kind = profile.source_kind
        if kind == "key":
            _choose(self._source_key, profile.source_key or "")
        elif kind == "role":
            _choose(self._source_role, profile.source_role or "")
        self._source_kind.setCurrentIndex(self._source_kind.findData(kind))
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
        # Empty is valid for both combos, so they need no "touched" tracking.
        self._source.currentTextChanged.connect(self._revalidate)
        self._source_key.currentTextChanged.connect(self._revalidate)
        self._source_role.currentTextChanged.connect(self._revalidate)
        self._source_kind.currentIndexChanged.connect(self._on_source_kind_changed)
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

    def _source_kind_value(self) -> str:
        return str(self._source_kind.currentData())

    def _show_source_kind(self) -> None:
        kind = self._source_kind_value()
        self._source.setVisible(kind == "profile")
        self._source_key.setVisible(kind == "key")
        self._source_role.setVisible(kind == "role")

    @Slot(int)
    def _on_source_kind_changed(self, _index: int) -> None:
        self._show_source_kind()
        # The user chose this kind: an empty choice may say so at once.
        self._touched.add(SOURCE_FIELDS[self._source_kind_value()])
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
            "external_id": _optional(self._external_id.text()),
            "color": self._color.value(),
            **self._source_values(),
            "region": _optional(self._region.currentText()),
            "duration_seconds": self._duration.value() or None,
            "session_name": _optional(self._session.text()),
            "mfa_serial": _optional(self._mfa.text()),
            "source_identity": _optional(self._source_identity.text()),
        }

    def _source_values(self) -> dict[str, str | None]:
        """Exactly one source: an AWS CLI profile, or a key or role with "default" kept
        in ``source_profile`` so the file keeps the DESIGN.md schema."""
        kind = self._source_kind_value()
        if kind == "key":
            return {
                "source_profile": "default",
                "source_key": self._source_key.currentText() or None,
                "source_role": None,
            }
        if kind == "role":
            return {
                "source_profile": "default",
                "source_key": None,
                "source_role": self._source_role.currentText() or None,
            }
        return {
            "source_profile": self._source.currentText().strip(),
            "source_key": None,
            "source_role": None,
        }

    def _merged(self) -> dict[str, Any]:
        return {**self._base, **self._field_values()}

    def _validate(self, values: dict[str, Any]) -> dict[str, str]:
        errors = validate_fields({**self._base, **values}, self._taken)
        role = values["role_name"]
        # A valid ARN is split as soon as it is entered, so "arn:..." still here is
        # a broken ARN. The role-name rule alone would accept it (a path may hold
        # colons), so judge it by the ARN rule, which is what the user meant.
        arn_message = check_role_arn(role) if role.startswith("arn:") else None
        if arn_message:
            errors["role_name"] = arn_message
        self._check_source_choice(values, errors)
        return errors

    def _check_source_choice(self, values: dict[str, Any], errors: dict[str, str]) -> None:
        """The chosen key or role must be one that exists; the core cannot know which do."""
        kind = self._source_kind_value()
        if kind == "key" and "source_key" not in errors:
            message = _missing_choice(
                values["source_key"],
                self._sign_in_keys,
                none_yet="There are no sign-in keys yet: add one under Sign-in keys,"
                " then choose it here.",
                choose="Choose the sign-in key that assumes this role.",
                gone="There is no sign-in key named {!r} any more: add it again under"
                " Sign-in keys, or choose another source.",
            )
            if message:
                errors["source_key"] = message
        elif kind == "role" and "source_role" not in errors:
            message = _missing_choice(
                values["source_role"],
                self._saved_roles,
                none_yet="There is no other saved role to assume this one from.",
                choose="Choose the saved role that assumes this role.",
                gone="There is no saved role named {!r} any more: choose another source.",
            )
            if message:
                errors["source_role"] = message

    @Slot()
    def _revalidate(self) -> None:
        values = self._field_values()
        self._errors = self._validate(values)
        for key, label in self._error_labels.items():
            speak = key in self._touched or values.get(key) not in (None, "")
            self._show_error(key, label, self._errors.get(key) if speak else None)
        self._ok_button.setEnabled(not self._errors)
        duration = values["duration_seconds"] or 0
        self._chain_note.setVisible(
            values["source_role"] is not None and duration > CHAINED_MAX_DURATION
        )
        self._update_preview(values)
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
        label.setText(message or "")
        label.setVisible(message is not None)
        # Screen readers announce the description with the field.
        self._fields[key].setAccessibleDescription(message or "")
        if message and key in ADVANCED_FIELDS:
            self._set_advanced_visible(True)  # never hide the reason OK is disabled

    def _update_preview(self, values: dict[str, Any]) -> None:
        # Same text as the main window's banner (RoleProfile.banner_text), shown
        # before the profile is valid, so it is formatted here from raw fields.
        name = values["name"] or "Display name"
        account = values["account_id"] or "account"
        self._preview.setText(f"{name} @ {account}")
        background = color_hex(values["color"])
        if self._preview.palette().color(QPalette.ColorRole.Window) == QColor(background):
            return
        palette = self._preview.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(background))
        palette.setColor(QPalette.ColorRole.WindowText, QColor(text_color_for(background)))
        self._preview.setPalette(palette)

    @Slot(bool)
    def _set_advanced_visible(self, visible: bool) -> None:
        for row in self._advanced_rows:
            self._form.setRowVisible(row, visible)
        self._advanced_toggle.setArrowType(
            Qt.ArrowType.DownArrow if visible else Qt.ArrowType.RightArrow
        )
        if self._advanced_toggle.isChecked() != visible:
            self._advanced_toggle.setChecked(visible)
