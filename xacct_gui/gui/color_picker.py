"""Colour choice for a role: the console's five swatches plus a custom colour.

The console only offers five colours; people with more accounts than that
want more, so a sixth "custom" swatch holds any ``#rrggbb`` they pick.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QColorDialog,
    QHBoxLayout,
    QPushButton,
    QToolButton,
    QWidget,
)

from xacct_gui.core.colors import CONSOLE_COLORS, color_hex, text_color_for
from xacct_gui.core.validation import check_color
from xacct_gui.gui.widgets.swatches import border_for, swatch_icon

# swatch_icon is imported from here by the tray; its home is widgets.swatches.
__all__ = ["CHECK_MARK", "SWATCH_SIZE", "ColorPicker", "swatch_icon"]

SWATCH_SIZE = 28
CHECK_MARK = "✓"


class _Swatch(QToolButton):
    """A checkable square painted in one colour; a check mark shows the selection.

    The check mark (not only a border) marks the choice so it does not rely on
    telling colours apart.
    """

    def __init__(self, value: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCheckable(True)
        self.setFixedSize(SWATCH_SIZE, SWATCH_SIZE)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.toggled.connect(self._show_check)
        self.value = ""
        self.set_color_value(value)

    def set_color_value(self, value: str) -> None:
        self.value = value
        fill = color_hex(value)
        label = value if value in CONSOLE_COLORS else f"Custom {value}"
        self.setToolTip(label)
        self.setAccessibleName(label)
        self.setStyleSheet(
            f"QToolButton {{ background-color: {fill}; color: {text_color_for(fill)};"
            f" border: 1px solid {border_for(fill)}; border-radius: 4px; font-weight: bold; }}"
            f" QToolButton:checked {{ border-width: 2px; }}"
            " QToolButton:focus { border-color: palette(highlight); border-width: 2px; }"
        )

    @Slot(bool)
    def _show_check(self, checked: bool) -> None:
        self.setText(CHECK_MARK if checked else "")


class ColorPicker(QWidget):
    """Five console swatches, an optional custom swatch, and a "Custom…" button.

    ``value()`` is a console colour name or ``#rrggbb`` (lower case), the same
    form the profile file stores. ``changed`` fires whenever the value changes.
    """

    changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, value: str = "blue") -> None:
        super().__init__(parent)
        self._value = ""
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._swatches: dict[str, _Swatch] = {}
        for name in CONSOLE_COLORS:
            self._swatches[name] = self._add_swatch(name, layout)
        # Hidden until a custom colour exists, so the row starts like the console's.
        self._custom = self._add_swatch("#000000", layout)
        self._custom.setObjectName("customSwatch")
        self._custom.hide()
        self._custom_button = QPushButton("Custom…", self)
        self._custom_button.setObjectName("customColorButton")
        self._custom_button.setToolTip("Pick any colour")
        self._custom_button.clicked.connect(self._on_custom_clicked)
        layout.addWidget(self._custom_button)
        layout.addStretch(1)
        self._group.buttonToggled.connect(self._on_toggled)
        self.set_value(value)

    def _add_swatch(self, value: str, layout: QHBoxLayout) -> _Swatch:
        swatch = _Swatch(value, self)
        self._group.addButton(swatch)
        layout.addWidget(swatch)
        return swatch

    # --- public API ---

    def value(self) -> str:
        return self._value

    def set_value(self, value: str) -> None:
        """Select a console colour name or a ``#rrggbb``; anything else is a caller bug."""
        message = check_color(value)
        if message:
            raise ValueError(message)
        if value in CONSOLE_COLORS:
            self._swatches[value].setChecked(True)
        else:
            self._set_custom(value.lower())

    def swatches(self) -> list[QAbstractButton]:
        """The visible swatch buttons in display order (console five, then custom)."""
        buttons: list[QAbstractButton] = list(self._swatches.values())
        if not self._custom.isHidden():
            buttons.append(self._custom)
        return buttons

    def focus_widgets(self) -> list[QWidget]:
        """Focusable children in tab order, for the owner's tab chain."""
        return [*self._swatches.values(), self._custom, self._custom_button]

    def choose_custom(self, current: str) -> str | None:
        """Ask for a colour; ``None`` when cancelled.

        A method rather than an inline call so tests (and embedders) can replace
        the modal QColorDialog, which would otherwise block.
        """
        color = QColorDialog.getColor(QColor(color_hex(current)), self, "Choose a role colour")
        return color.name() if color.isValid() else None

    # --- internals ---

    def _set_custom(self, hex_value: str) -> None:
        self._custom.set_color_value(hex_value)
        self._custom.show()
        if self._custom.isChecked():
            # Already the selected swatch: toggled will not fire, so update here.
            self._update_value(hex_value)
        else:
            self._custom.setChecked(True)

    @Slot()
    def _on_custom_clicked(self) -> None:
        chosen = self.choose_custom(self._value)
        if chosen is not None:
            self._set_custom(chosen.lower())

    @Slot(QAbstractButton, bool)
    def _on_toggled(self, button: QAbstractButton, checked: bool) -> None:
        if checked and isinstance(button, _Swatch):
            self._update_value(button.value)

    def _update_value(self, value: str) -> None:
        if value != self._value:
            self._value = value
            self.changed.emit(value)
