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
DEFAULT_DURATION_TEXT = "Default (1 hour)"


def region_combo(parent: QWidget) -> QComboBox:
    combo = editable_combo(parent, "regionCombo", "Use the source profile's region")
    # The empty first entry means "no region of our own": botocore then takes
    # the source profile's region, as the AWS CLI would.
    combo.addItems(["", *COMMON_REGIONS])
    combo.setCurrentIndex(0)
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
