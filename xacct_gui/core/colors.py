"""Colours: the console's palette, other tools' colour names, and readable text on them."""

from __future__ import annotations

import re

# The console's 2024 "Switch Role" palette, in the order the console offers it.
CONSOLE_COLORS: dict[str, str] = {
    "red": "#f2b0a9",
    "orange": "#fbc8aa",
    "yellow": "#efda95",
    "green": "#b7ca9d",
    "blue": "#83d4e8",
}

# Colour names other tools use besides the console's five. Granted opens consoles
# in Firefox containers, whose colours add turquoise, pink and purple; the hex
# values are pastel shades in the style of the console's palette.
EXTRA_COLOR_NAMES: dict[str, str] = {
    "turquoise": "#8fd8cc",
    "teal": "#8fd8cc",
    "cyan": "#8fd8cc",
    "pink": "#f4b6d2",
    "magenta": "#f4b6d2",
    "purple": "#c9b6e4",
    "violet": "#c9b6e4",
    "grey": "#d5d5d5",
    "gray": "#d5d5d5",
}
_HEX6_RE = re.compile(r"#?([0-9A-Fa-f]{6})")
_HEX3_RE = re.compile(r"#?([0-9A-Fa-f]{3})")


def color_hex(color: str) -> str:
    """The ``#rrggbb`` for a console colour name or a hex colour (lower case)."""
    return CONSOLE_COLORS.get(color, color).lower()


def _relative_luminance(hex_color: str) -> float:
    def channel(offset: int) -> float:
        c = int(hex_color[offset : offset + 2], 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)


def contrast_ratio(hex_a: str, hex_b: str) -> float:
    """WCAG 2 contrast ratio between two ``#rrggbb`` colours (1.0 to 21.0)."""
    la, lb = _relative_luminance(hex_a), _relative_luminance(hex_b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def text_color_for(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (``#rrggbb`` or a name)."""
    bg = color_hex(background)
    return (
        "#000000" if contrast_ratio(bg, "#000000") >= contrast_ratio(bg, "#ffffff") else "#ffffff"
    )


def normalise_color(value: str) -> str | None:
    """A colour the app stores (a console name or ``#rrggbb``), or None if unknown.

    Accepts the console's names, other common names (:data:`EXTRA_COLOR_NAMES`),
    ``rrggbb`` / ``#rrggbb`` (as the extension and the web write them) and
    ``rgb`` / ``#rgb``. A hex value that is exactly a console colour becomes its
    name, so a round trip through the extension's hex keeps "red" as "red".
    """
    text = value.strip().strip("\"'").strip().lower()
    if text in CONSOLE_COLORS:
        return text
    if text in EXTRA_COLOR_NAMES:
        return EXTRA_COLOR_NAMES[text]
    match = _HEX6_RE.fullmatch(text)
    if match:
        hex_value = "#" + match[1]
    else:
        short = _HEX3_RE.fullmatch(text)
        if not short:
            return None
        hex_value = "#" + "".join(c * 2 for c in short[1])
    for name, console_hex in CONSOLE_COLORS.items():
        if console_hex == hex_value:
            return name
    return hex_value
