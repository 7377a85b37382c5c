"""Scroll bars that draw their groove and handle from a cache, for views that repaint often.

Fusion (the style on most Linux desktops, and offscreen) paints a scroll bar's groove
and handle with gradients: ~1.5 ms and ~0.5 ms a time on a 2-core machine. The bucket
table's scroll bar repaints on every switch (the range changes) and on every scroll
step, so each part is drawn once by the base style itself into a pixmap, and copied
from there while its size, palette and state stay the same: the pixels are Fusion's
own, only the time goes (build_scripts/bench, switch). The arrows are still drawn by
the base style on every paint; they cost ~0.05 ms.

The groove does not depend on the handle's position, and the handle is drawn the same
wherever it is, so a handle cached at one position is copied to another; a scroll
stays within one handle length, and a switch goes between a few.

Only Fusion is cached: other styles (Windows, macOS, Breeze) may animate these parts or
draw them from the position, and are left exactly as they are.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRect, Qt
from PySide6.QtGui import QPainter, QPixmap, QPixmapCache
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

_SC = QStyle.SubControl
_State = QStyle.StateFlag
# The state bits a part may look different for.
_LOOKS = (
    _State.State_Enabled
    | _State.State_Active
    | _State.State_Horizontal
    | _State.State_HasFocus
    | _State.State_MouseOver
    | _State.State_Sunken
)
_OUTLINE = 2  # pixels around the handle that are part of its picture


class CachedScrollBarStyle(QProxyStyle):
    """The base style, except that a scroll bar's groove and handle come from pixmaps."""

    def drawComplexControl(
        self,
        control: QStyle.ComplexControl,
        option: QStyleOptionComplex,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if control != QStyle.ComplexControl.CC_ScrollBar or not isinstance(
            option, QStyleOptionSlider
        ):
            super().drawComplexControl(control, option, painter, widget)
            return
        rest = QStyleOptionSlider(option)
        for part in (_SC.SC_ScrollBarGroove, _SC.SC_ScrollBarSlider):
            if not option.subControls & part:
                continue
            where = self._part_rect(option, part, widget)
            if where.isEmpty():
                continue
            painter.drawPixmap(where.topLeft(), self._picture(option, part, where, painter, widget))
            rest.subControls &= ~part
        super().drawComplexControl(control, rest, painter, widget)

    def _part_rect(self, option: QStyleOptionSlider, part: _SC, widget: QWidget | None) -> QRect:
        if part == _SC.SC_ScrollBarGroove:
            return QRect(option.rect)  # Fusion fills the whole bar behind the arrows
        bar = QStyle.ComplexControl.CC_ScrollBar
        handle = self.subControlRect(bar, option, part, widget)  # type: ignore[arg-type]
        if handle.isEmpty():
            return handle
        # Fusion draws the handle's outline a pixel outside its rectangle.
        return handle.adjusted(-_OUTLINE, -_OUTLINE, _OUTLINE, _OUTLINE) & option.rect

    def _picture(
        self,
        option: QStyleOptionSlider,
        part: _SC,
        where: QRect,
        painter: QPainter,
        widget: QWidget | None,
    ) -> QPixmap:
        ratio = painter.device().devicePixelRatioF()
        hovered = bool(option.activeSubControls & part)
        key = (
            f"xacct-scroll-bar-{part.value}-{where.width()}x{where.height()}"
            f"-{(option.state & _LOOKS).value}-{int(hovered)}-{option.palette.cacheKey()}"
            f"-{ratio}-{option.orientation.value}"
        )
        # Qt's own pixmap cache: shared by every bar, least recently used dropped first.
        picture = QPixmap()
        if not QPixmapCache.find(key, picture):
            picture = self._draw_part(option, part, where, ratio, widget)
            QPixmapCache.insert(key, picture)
        return picture

    def _draw_part(
        self,
        option: QStyleOptionSlider,
        part: _SC,
        where: QRect,
        ratio: float,
        widget: QWidget | None,
    ) -> QPixmap:
        """``part`` alone, drawn by the base style over the whole bar, then cut out."""
        bar = QRect(0, 0, option.rect.width(), option.rect.height())
        whole = QPixmap(round(bar.width() * ratio), round(bar.height() * ratio))
        whole.setDevicePixelRatio(ratio)
        whole.fill(Qt.GlobalColor.transparent)
        alone = QStyleOptionSlider(option)
        alone.rect = bar
        alone.subControls = part
        into = QPainter(whole)
        try:
            super().drawComplexControl(QStyle.ComplexControl.CC_ScrollBar, alone, into, widget)
        finally:
            into.end()
        offset = where.topLeft() - option.rect.topLeft()
        cut = QRect(
            round(offset.x() * ratio),
            round(offset.y() * ratio),
            round(where.width() * ratio),
            round(where.height() * ratio),
        )
        picture = whole.copy(cut)
        picture.setDevicePixelRatio(ratio)
        return picture


def cache_scroll_bar_drawing(area: QAbstractScrollArea) -> bool:
    """Give ``area``'s scroll bars the cache when the app runs Fusion; True if so."""
    if QApplication.style().name().casefold() != CACHED_STYLE:
        return False
    for bar in (area.verticalScrollBar(), area.horizontalScrollBar()):
        _use_cache(bar)
    return True


def _use_cache(bar: QScrollBar) -> None:
    style = CachedScrollBarStyle(QStyleFactory.create(CACHED_STYLE))  # owns its base
    # A child of the bar, so it is deleted after the bar stops using it.
    style.setParent(bar)
    bar.setStyle(style)


def uses_cached_drawing(widget: QObject) -> bool:
    """Whether ``widget`` draws its scroll bar parts from the cache."""
    return isinstance(widget, QWidget) and isinstance(widget.style(), CachedScrollBarStyle)
