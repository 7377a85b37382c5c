"""The profile dialog's own field widgets: region, session duration, "Advanced", the preview.

Each builder returns a named widget ready for the form; the dialog lays them
out and wires them. :class:`BannerPreview` shows the banner the profile will
give the main window while the fields are being filled in.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QComboBox, QLabel, QSpinBox, QToolButton, QWidget

from xacct_gui.core.colors import color_hex, text_color_for
from xacct_gui.core.validation import MAX_DURATION, MIN_DURATION
from xacct_gui.gui.widgets.form_fields import editable_combo

# Offered in the region list, with the names the console uses; any other region can
# be typed.
COMMON_REGIONS: dict[str, str] = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    "ca-central-1": "Canada (Central)",
    "sa-east-1": "South America (São Paulo)",
    "eu-west-1": "Europe (Ireland)",
    "eu-west-2": "Europe (London)",
    "eu-west-3": "Europe (Paris)",
    "eu-central-1": "Europe (Frankfurt)",
    "eu-central-2": "Europe (Zurich)",
    "eu-north-1": "Europe (Stockholm)",
    "eu-south-1": "Europe (Milan)",
    "eu-south-2": "Europe (Spain)",
    "ap-south-1": "Asia Pacific (Mumbai)",
    "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-southeast-2": "Asia Pacific (Sydney)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
    "ap-northeast-2": "Asia Pacific (Seoul)",
    "ap-northeast-3": "Asia Pacific (Osaka)",
    "me-central-1": "Middle East (UAE)",
    "af-south-1": "Africa (Cape Town)",
}
DEFAULT_DURATION_TEXT = "Default (1 hour)"


def region_label(code: str) -> str:
    """ "eu-west-1 — Europe (Ireland)" in the list; the field itself holds the code."""
    name = COMMON_REGIONS.get(code)
    return f"{code} — {name}" if name else code


def region_code(text: str) -> str:
    """The region code in a field's text (a pasted list label included)."""
    return text.split(" — ", 1)[0].strip()


def region_combo(parent: QWidget) -> QComboBox:
    combo = editable_combo(parent, "regionCombo", "Use the source profile's region")
    for code in COMMON_REGIONS:
        combo.addItem(region_label(code), code)
    # No blank first row: an empty field (its placeholder) means "no region of our own",
    # and botocore then takes the source profile's region, as the AWS CLI would.
    combo.setCurrentIndex(-1)
    combo.clearEditText()
    # Inline completion would append a list label's " — Europe (Ireland)" to a typed code.
    combo.setCompleter(None)  # type: ignore[arg-type]  # Qt takes None: no completer
    # Picking a row leaves its code in the field, not the label.
    combo.activated.connect(lambda index: combo.setEditText(str(combo.itemData(index))))
    return combo


def duration_spin(parent: QWidget) -> QSpinBox:
    spin = QSpinBox(parent)
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


def advanced_toggle(parent: QWidget) -> QToolButton:
    toggle = QToolButton(parent)
    toggle.setObjectName("advancedToggle")
    toggle.setText("&Advanced")
    toggle.setCheckable(True)
    toggle.setAutoRaise(True)
    toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    toggle.setArrowType(Qt.ArrowType.RightArrow)
    return toggle


class BannerPreview(QLabel):
    """The main window's banner for the profile being edited: "Name @ account" in its colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewBanner")
        self.setAccessibleName("Banner preview")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAutoFillBackground(True)
        self.setWordWrap(True)  # a 64-character name must not widen the dialog
        self.setMargin(8)
        font = QFont(self.font())
        font.setBold(True)
        self.setFont(font)

    def show_fields(self, name: str, account: str, color: str) -> None:
        """Show the raw fields; empty ones get a stand-in word, any colour works."""
        # Same text as the main window's banner (RoleProfile.banner_text), shown
        # before the profile is valid, so it is formatted here from raw fields.
        self.setText(f"{name or 'Display name'} @ {account or 'account'}")
        background = color_hex(color)
        if self.palette().color(QPalette.ColorRole.Window) == QColor(background):
            return
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(background))
        palette.setColor(QPalette.ColorRole.WindowText, QColor(text_color_for(background)))
        self.setPalette(palette)
