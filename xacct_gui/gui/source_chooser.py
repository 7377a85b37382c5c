"""What assumes a role: an AWS CLI profile, a sign-in key, another saved role, or an
IAM Identity Center (whose roles are filled in by signing in, not typed).

:class:`SourceChooser` is the profile dialog's "Source" cell: a kind combo, the
chosen kind's combo beside it, an error label per source field under them, and
the note about chained sessions' one-hour limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from xacct_gui.core.callback_loop import source_calls_back
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.gui.profile_validation import source_choice_error
from xacct_gui.gui.widgets.form_fields import editable_combo, make_error_label

# What assumes the role: (kind, what the kind combo shows). The kind names are
# RoleProfile.source_kind's.
SOURCE_KINDS = (
    ("profile", "AWS CLI profile"),
    ("key", "Sign-in key"),
    ("role", "Another saved role"),
    ("sso", "IAM Identity Center"),
)
# The profile field each kind fills in.
SOURCE_FIELDS = {
    "profile": "source_profile",
    "key": "source_key",
    "role": "source_role",
    "sso": "sso_start_url",
}
CHAIN_NOTE_TEXT = (
    "Chained role sessions last at most 1 hour (AWS limit); the app will ask for 3600 seconds."
)


def _choose(combo: QComboBox, text: str) -> None:
    """Select ``text`` in a fixed-choice combo, adding it if it is not offered
    (a key or role that no longer exists is shown, and the validator says so)."""
    if text and combo.findText(text) < 0:
        combo.addItem(text)
    combo.setCurrentIndex(combo.findText(text))


class SourceChooser(QWidget):
    """The kind of source and the source itself; one combo shows at a time.

    ``changed`` fires when any source combo's text changes; ``kind_chosen`` when
    the user picks another kind (after the matching combo is shown).
    """

    changed = Signal()
    kind_chosen = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        aws_profiles: Sequence[str] = (),
        sign_in_keys: Sequence[str] = (),
        saved_roles: Sequence[str] = (),
        sso_start_urls: Sequence[str] = (),
    ) -> None:
        super().__init__(parent)
        self._sign_in_keys = tuple(sign_in_keys)
        self._saved_roles = tuple(saved_roles)
        self.kind_combo = self._make_kind_combo()
        self.profile_combo = self._make_profile_combo(aws_profiles)
        self.key_combo = self._choice_combo(
            "sourceKeyCombo", self._sign_in_keys, "No sign-in keys yet: add one under Sign-in keys"
        )
        self.key_combo.setToolTip(
            "An access key stored in your system's keyring under Sign-in keys."
        )
        self.role_combo = self._choice_combo(
            "sourceRoleCombo", self._saved_roles, "No other saved roles"
        )
        self.role_combo.setToolTip(
            "Assume that saved role first, then this one from it (role chaining)."
        )
        self.sso_combo = self._choice_combo(
            "sourceSsoCombo",
            tuple(sso_start_urls),
            "Sign in with IAM Identity Center first (Profiles menu)",
        )
        self.sso_combo.setToolTip(
            "The access portal whose role this is: its credentials come from your sign-in."
        )
        self.chain_note = QLabel(CHAIN_NOTE_TEXT, self)
        self.chain_note.setObjectName("chainNote")
        self.chain_note.setWordWrap(True)
        self.chain_note.hide()
        # An AWS CLI profile whose credential_process runs xacct for this very role
        # would start one process per level, without end (README recipe + this source).
        self.loop_warning = QLabel(self)
        self.loop_warning.setObjectName("sourceLoopWarning")
        self.loop_warning.setTextFormat(Qt.TextFormat.PlainText)
        self.loop_warning.setWordWrap(True)
        self.loop_warning.setStyleSheet("color: #8a1c1c; font-weight: 600;")
        self.loop_warning.hide()
        # The profile field each combo fills in, for its error label and description.
        self.fields: dict[str, QComboBox] = {
            "source_profile": self.profile_combo,
            "source_key": self.key_combo,
            "source_role": self.role_combo,
            "sso_start_url": self.sso_combo,
        }
        self.error_labels: dict[str, QLabel] = {}
        self._build_layout()
        self.show_kind()
        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        for combo in self.fields.values():
            combo.currentTextChanged.connect(self._on_text_changed)
        self._check_loop()

    # --- construction ---

    def _make_kind_combo(self) -> QComboBox:
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

    def _make_profile_combo(self, aws_profiles: Sequence[str]) -> QComboBox:
        combo = editable_combo(self, "sourceProfileCombo", "default")
        combo.addItems(list(aws_profiles))
        # botocore's own fallback is "default"; without one, the first profile is likeliest.
        has_default = "default" in aws_profiles or not aws_profiles
        combo.setCurrentText("default" if has_default else aws_profiles[0])
        combo.setToolTip(
            "The AWS CLI profile (config or credentials file) whose credentials assume this role."
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

    def _build_layout(self) -> None:
        choice = QHBoxLayout()
        choice.setContentsMargins(0, 0, 0, 0)
        choice.addWidget(self.kind_combo)
        for combo in self.fields.values():
            choice.addWidget(combo, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(choice)
        for key in SOURCE_FIELDS.values():
            self.error_labels[key] = make_error_label(self, f"{key}Error", reserve=False)
            layout.addWidget(self.error_labels[key])
        layout.addWidget(self.chain_note)
        layout.addWidget(self.loop_warning)

    # --- public API ---

    def focus_widgets(self) -> list[QWidget]:
        """Focusable children in tab order, for the owner's tab chain."""
        return [
            self.kind_combo,
            self.profile_combo,
            self.key_combo,
            self.role_combo,
            self.sso_combo,
        ]

    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def load(self, profile: RoleProfile) -> None:
        """Show ``profile``'s source (a key or role that is gone is still shown)."""
        self.profile_combo.setCurrentText(profile.source_profile)
        kind = profile.source_kind
        if kind == "key":
            _choose(self.key_combo, profile.source_key or "")
        elif kind == "role":
            _choose(self.role_combo, profile.source_role or "")
        elif kind == "sso":
            _choose(self.sso_combo, profile.sso_start_url or "")
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))

    def values(self) -> dict[str, str | None]:
        """Exactly one source: an AWS CLI profile, or a key or role with "default" kept
        in ``source_profile``, which every profile in the file has."""
        kind = self.kind()
        values: dict[str, str | None] = {
            "source_profile": "default",
            "source_key": None,
            "source_role": None,
            "sso_start_url": None,
        }
        if kind == "key":
            values["source_key"] = self.key_combo.currentText() or None
        elif kind == "role":
            values["source_role"] = self.role_combo.currentText() or None
        elif kind == "sso":
            values["sso_start_url"] = self.sso_combo.currentText() or None
        else:
            values["source_profile"] = self.profile_combo.currentText().strip()
        if kind != "sso":
            values["sso_region"] = None
        return values

    def check_choice(self, values: dict[str, Any], errors: dict[str, str]) -> None:
        """The chosen key or role must be one that exists; the core cannot know which do."""
        field = SOURCE_FIELDS[self.kind()]
        if field in ("source_profile", "sso_start_url") or field in errors:
            return
        message = source_choice_error(
            self.kind(),
            values[field],
            sign_in_keys=self._sign_in_keys,
            saved_roles=self._saved_roles,
        )
        if message:
            errors[field] = message

    def show_kind(self) -> None:
        kind = self.kind()
        self.profile_combo.setVisible(kind == "profile")
        self.key_combo.setVisible(kind == "key")
        self.role_combo.setVisible(kind == "role")
        self.sso_combo.setVisible(kind == "sso")

    def _check_loop(self) -> None:
        command = None
        if self.kind() == "profile":
            command = source_calls_back(self.profile_combo.currentText().strip())
        if command is None:
            self.loop_warning.hide()
            return
        self.loop_warning.setText(
            "Warning: this AWS CLI profile gets its credentials by running xacct "
            f"({command}). If that runs this role again, every use starts xacct anew "
            "without end; xacct stops such a loop, but the role will not work. Choose a "
            "profile with its own credentials."
        )
        self.loop_warning.show()

    @Slot(str)
    def _on_text_changed(self, _text: str) -> None:
        self._check_loop()
        self.changed.emit()

    @Slot(int)
    def _on_kind_changed(self, _index: int) -> None:
        self.show_kind()
        self._check_loop()
        self.kind_chosen.emit(self.kind())
