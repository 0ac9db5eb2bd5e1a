"""Colours for badge images: parsing, WCAG 2.x contrast, and a text/background pair that passes AA.

Contrast follows WCAG 2.2's definitions of relative luminance and contrast ratio
(https://www.w3.org/TR/WCAG22/#dfn-contrast-ratio). Text on a badge must reach 4.5:1 (success
criterion 1.4.3, level AA, normal-size text); an issuer's colour that does not is darkened (or
lightened) step by step until it does, keeping its hue.
"""

from __future__ import annotations

import re

__all__ = ["RGB", "accessible_pair", "contrast_ratio", "hex_color", "parse_color"]

RGB = tuple[int, int, int]
AA_NORMAL_TEXT = 4.5
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)


def parse_color(value: str | RGB) -> RGB:
    """An ``#rgb`` / ``#rrggbb`` string or an (r, g, b) tuple of 0-255 integers, checked."""
    if isinstance(value, str):
        if not _HEX.fullmatch(value):
            raise ValueError(f"colour {value!r}: expected a hex colour such as #c65d07")
        digits = value[1:]
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))
    if (
        isinstance(value, tuple)
        and len(value) == 3
        and all(isinstance(c, int) and 0 <= c <= 255 for c in value)
    ):
        return (value[0], value[1], value[2])
    raise ValueError(f"colour {value!r}: expected (r, g, b) with integers 0-255")


def hex_color(rgb: RGB) -> str:
    """``#rrggbb``."""
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


def luminance(rgb: RGB) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""
    r, g, b = (_channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str | RGB, b: str | RGB) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    la, lb = sorted((luminance(parse_color(a)), luminance(parse_color(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _mix(rgb: RGB, toward: RGB, amount: float) -> RGB:
    r, g, b = (round(c + (t - c) * amount) for c, t in zip(rgb, toward, strict=True))
    return (r, g, b)


def accessible_pair(
    background: str | RGB, foreground: str | RGB | None = None, *, minimum: float = AA_NORMAL_TEXT
) -> tuple[RGB, RGB]:
    """(background, foreground) with contrast >= ``minimum``.

    Without a foreground, white text is chosen unless the background is light (contrast with
    white under 3:1), then black. The background
    moves away from the foreground (darker under light text, lighter under dark text) in 2%
    steps until the pair passes; if even black or white behind it does not pass, the
    foreground becomes white or black, whichever passes with the adjusted background.
    """
    bg = parse_color(background)
    if foreground is None:
        # Near-passing colours keep white text and darken a little; light ones get black text.
        fg = WHITE if contrast_ratio(bg, WHITE) >= 3.0 else BLACK
    else:
        fg = parse_color(foreground)
    toward = BLACK if luminance(fg) >= luminance(bg) else WHITE
    for step in range(51):
        candidate = _mix(bg, toward, step / 50)
        if contrast_ratio(candidate, fg) >= minimum:
            return candidate, fg
    best = max((WHITE, BLACK), key=lambda c: contrast_ratio(bg, c))
    return bg, best
