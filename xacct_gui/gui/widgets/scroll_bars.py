"""Scroll bars that draw their groove from a cache, for views that repaint them often.

Fusion (the style on most Linux desktops, and offscreen) paints a scroll bar's groove
with gradients that take ~1.5 ms a time on a 2-core machine, against ~0.2 ms for the
handle and arrows together (build_scripts/bench, switch). The bucket table's scroll bar
repaints on every switch (the range changes) and on every scroll step, so its groove is
drawn once per size, palette and state into a pixmap, by the base style itself, and
copied from there: the pixels are Fusion's own, only the time goes. The handle and the
arrows are still drawn by the base style on every paint.

Only Fusion's groove is cached: other styles (Windows, macOS, Breeze) may animate it or
draw it from the handle's position, and are left exactly as they are.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRect, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QProxyStyle,
    QScrollBar,
    QStyle,
    QStyleFactory,
    QStyleOptionComplex,
    QStyleOptionSlider,
    QWidget,
)

CACHED_STYLE = "fusion"
# The state bits a groove may look different for; the handle's own (pressed, hovered
# sub-control) are not among them, as the handle is never in the cached picture.
_GROOVE_STATE = (
    QStyle.StateFlag.State_Enabled
    | QStyle.StateFlag.State_Active
    | QStyle.StateFlag.State_Horizontal
    | QStyle.StateFlag.State_HasFocus
)
_GrooveKey = tuple[int, int, int, int, float, int]


class CachedGrooveStyle(QProxyStyle):
    """The base style, except that a scroll bar's groove comes from a cached pixmap."""

    def __init__(self, base: QStyle) -> None:
        super().__init__(base)
        self._groove: tuple[_GrooveKey, QPixmap] | None = None  # one size at a time

    def drawComplexControl(
        self,
        control: QStyle.ComplexControl,
        option: QStyleOptionComplex,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if (
            control != QStyle.ComplexControl.CC_ScrollBar
            or not isinstance(option, QStyleOptionSlider)
            or not option.subControls & QStyle.SubControl.SC_ScrollBarGroove
        ):
            super().drawComplexControl(control, option, painter, widget)
            return
        painter.drawPixmap(option.rect.topLeft(), self._groove_pixmap(option, painter, widget))
        rest = QStyleOptionSlider(option)
        rest.subControls = option.subControls & ~QStyle.SubControl.SC_ScrollBarGroove
        super().drawComplexControl(control, rest, painter, widget)

    def _groove_pixmap(
        self, option: QStyleOptionSlider, painter: QPainter, widget: QWidget | None
    ) -> QPixmap:
        ratio = painter.device().devicePixelRatioF()
        key: _GrooveKey = (
            option.rect.width(),
            option.rect.height(),
            (option.state & _GROOVE_STATE).value,
            option.palette.cacheKey(),
            ratio,
            int(option.orientation.value),
        )
        if self._groove is not None and self._groove[0] == key:
            return self._groove[1]
        pixmap = QPixmap(round(option.rect.width() * ratio), round(option.rect.height() * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        groove_only = QStyleOptionSlider(option)
        groove_only.rect = QRect(0, 0, option.rect.width(), option.rect.height())
        groove_only.subControls = QStyle.SubControl.SC_ScrollBarGroove
        groove_only.activeSubControls = QStyle.SubControl.SC_None
        into = QPainter(pixmap)
        try:
            super().drawComplexControl(
                QStyle.ComplexControl.CC_ScrollBar, groove_only, into, widget
            )
        finally:
            into.end()
        self._groove = (key, pixmap)
        return pixmap


def cache_scroll_bar_grooves(area: QAbstractScrollArea) -> bool:
    """Give ``area``'s scroll bars a groove cache when the app runs Fusion; True if so."""
    if QApplication.style().name().casefold() != CACHED_STYLE:
        return False
    for bar in (area.verticalScrollBar(), area.horizontalScrollBar()):
        _cache_groove(bar)
    return True


def _cache_groove(bar: QScrollBar) -> None:
    base = QStyleFactory.create(CACHED_STYLE)
    style = CachedGrooveStyle(base)  # owns ``base`` from here on
    # A child of the bar, so it is deleted after the bar stops using it.
    style.setParent(bar)
    bar.setStyle(style)


def uses_cached_groove(widget: QObject) -> bool:
    """Whether ``widget`` draws its scroll bar groove from the cache."""
    return isinstance(widget, QWidget) and isinstance(widget.style(), CachedGrooveStyle)
