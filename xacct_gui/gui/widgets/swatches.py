"""Colour swatches: the small rounded squares that stand for a role's colour."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

from xacct_gui.core.colors import color_hex

# How much darker than the fill the outline is (QColor.darker factor): enough
# to keep pale console colours visible on a white window.
_BORDER_DARKER = 150


def border_for(hex_color: str) -> str:
    """The outline colour drawn around a swatch filled with ``hex_color``."""
    return QColor(hex_color).darker(_BORDER_DARKER).name()


def _swatch_pixmap(hex_color: str, size: int, ratio: float) -> QPixmap:
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(border_for(hex_color)), 1))
        painter.setBrush(QColor(hex_color))
        # Inset by half the pen width so the outline is not clipped.
        rect = QRectF(0.5, 0.5, size - 1, size - 1)
        radius = size / 5
        painter.drawRoundedRect(rect, radius, radius)
    finally:
        painter.end()
    return pixmap


def swatch_icon(hex_color: str, size: int = 16) -> QIcon:
    """A rounded square filled with ``hex_color`` (or a console colour name), thinly outlined.

    Holds a 1x and a 2x pixmap so the swatch stays crisp on high-DPI screens.
    """
    hex_value = color_hex(hex_color)
    icon = QIcon()
    for ratio in (1.0, 2.0):
        pixmap = _swatch_pixmap(hex_value, size, ratio)
        # The same pixmap for every mode: left to the style, the highlighted row's
        # swatch is tinted with the selection colour, and in a colour-coded list the
        # row about to be picked would show the wrong colour.
        for mode in (QIcon.Mode.Normal, QIcon.Mode.Selected, QIcon.Mode.Active):
            icon.addPixmap(pixmap, mode)
    return icon


class SwatchCache:
    """One swatch icon per colour, painted on first use.

    A thousand profiles share a handful of colours; painting a swatch per item
    (two pixmaps each) was most of the cost of filling the switcher.
    """

    def __init__(self) -> None:
        self._icons: dict[str, QIcon] = {}

    def icon(self, hex_color: str) -> QIcon:
        icon = self._icons.get(hex_color)
        if icon is None:
            icon = self._icons[hex_color] = swatch_icon(hex_color)
        return icon
