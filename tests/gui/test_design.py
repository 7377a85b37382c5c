"""Colour pairs keep WCAG AA contrast in a light and a dark palette (docs/ui.md, Colour)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.factories import make_profile
from xacct_gui.core.colors import CONSOLE_COLORS, contrast_ratio
from xacct_gui.gui.banners import BANNER_COLORS, MessageBanner
from xacct_gui.gui.role_banner import RoleBanner, underline_color
from xacct_gui.gui.widgets.palettes import dark_palette, light_palette

AA_TEXT = 4.5
AA_UI = 3.0  # non-text parts: the banner's edge against the window


@pytest.fixture(params=["light", "dark"])
def palette(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[QPalette]:
    before = QApplication.palette()
    chosen = light_palette() if request.param == "light" else dark_palette()
    QApplication.setPalette(chosen)
    yield chosen
    QApplication.setPalette(before)


@pytest.mark.parametrize("kind", sorted(BANNER_COLORS))
def test_each_banner_keeps_aa_contrast(qtbot: QtBot, palette: QPalette, kind: str) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    banner = MessageBanner(f"{kind}Probe", kind, host)
    colors = banner.colors
    window = palette.color(QPalette.ColorRole.Window).name()
    assert contrast_ratio(colors.text, colors.background) >= AA_TEXT
    assert contrast_ratio(colors.edge, window) >= AA_UI
    # The dismiss ✕ is drawn in the text colour, not the style's (white on pink before).
    assert f"QToolButton {{ color: {colors.text};" in banner.styleSheet()
    # Light theme: a light strip; dark theme: a dark one (not a light strip on dark).
    dark_window = contrast_ratio(window, "#000000") < contrast_ratio(window, "#ffffff")
    dark_strip = contrast_ratio(colors.background, "#000000") < 7
    assert dark_strip == dark_window


def test_banners_follow_a_theme_switch(qtbot: QtBot, qapp: QApplication) -> None:
    before = QApplication.palette()
    try:
        QApplication.setPalette(light_palette())
        banner = MessageBanner("errorProbe", "error")
        qtbot.addWidget(banner)
        light = banner.colors
        QApplication.setPalette(dark_palette())
        qtbot.waitUntil(lambda: banner.colors != light, timeout=1_000)
    finally:
        QApplication.setPalette(before)


@pytest.mark.parametrize("color", sorted(CONSOLE_COLORS))
def test_role_banner_text_reads_on_every_console_colour(qtbot: QtBot, color: str) -> None:
    banner = RoleBanner()
    qtbot.addWidget(banner)
    banner._paint(CONSOLE_COLORS[color], "Prod @ 333333333333")
    assert contrast_ratio(banner.foreground, banner.background) >= AA_TEXT


def test_role_banner_paints_its_colour_underline_and_text(qtbot: QtBot, palette: QPalette) -> None:
    """What the screen shows, read back from the pixels, in both palettes and after a
    change of profile (the strip is painted, not styled, so a stale colour would show)."""
    banner = RoleBanner()
    qtbot.addWidget(banner)
    banner.resize(600, 48)
    banner.show_profile(make_profile("Dev", color="green"))
    banner.show_profile(make_profile("Prod", color="red"))
    image = banner.grab().toImage()
    ratio = image.devicePixelRatio()

    def pixel(x: int, y: int) -> str:
        return image.pixelColor(round(x * ratio), round(y * ratio)).name()

    red = CONSOLE_COLORS["red"]
    assert pixel(300, 3) == red  # the strip, away from text and corners
    assert pixel(300, 46) == underline_color(red)  # the underline along the lower edge
    assert pixel(0, 0) != red  # a rounded corner: the window shows there
    text = {pixel(x, y) for x in range(16, 120) for y in range(14, 34)}
    assert banner.foreground in text  # "Prod @ …" drawn in the contrasting colour
    assert banner.detail.palette().color(QPalette.ColorRole.WindowText).name() == (
        banner.foreground
    )


def test_a_long_title_is_shortened_before_the_role_name(qtbot: QtBot) -> None:
    banner = RoleBanner()
    qtbot.addWidget(banner)
    banner.resize(900, 48)
    banner.show()
    profile = make_profile("Payments production, EU", color="red")
    banner.show_profile(profile, note="switching…")
    qtbot.waitUntil(lambda: banner.detail.width() > 0)
    assert banner.displayed_text() == banner.text()  # room enough: drawn whole
    banner.resize(420, 48)
    qtbot.waitUntil(lambda: banner.displayed_text() != banner.text())
    shown = banner.displayed_text()
    assert shown.endswith("…") and banner.text().startswith(shown[:-1])
    title_right = banner.indent() + banner.fontMetrics().horizontalAdvance(shown)
    assert banner.contentsRect().left() + title_right < banner.detail.geometry().left()
    assert banner.text() == f"{profile.banner_text}   ·   switching…"  # text() stays whole
