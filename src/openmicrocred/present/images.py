"""Plain badge images to bake credentials into, when an issuer has none of its own."""

from __future__ import annotations

import io
from html import escape

__all__ = ["badge_png", "badge_svg"]


def badge_svg(title: str, subtitle: str = "", *, color: str = "#c65d07") -> bytes:
    """A simple round SVG badge with a title and subtitle (escaped)."""
    if not (
        color.startswith("#")
        and len(color) in (4, 7)
        and all(c in "0123456789abcdefABCDEF" for c in color[1:])
    ):
        raise ValueError("color must be a hex colour such as #c65d07")
    short = title if len(title) <= 24 else title[:23] + "…"
    sub = subtitle if len(subtitle) <= 32 else subtitle[:31] + "…"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="200" '
        'height="200" role="img">\n'
        f"  <title>{escape(title)}</title>\n"
        f'  <circle cx="100" cy="100" r="96" fill="{color}"/>\n'
        '  <circle cx="100" cy="100" r="84" fill="none" stroke="#fff" stroke-width="4"/>\n'
        '  <text x="100" y="100" font-family="sans-serif" font-size="16" fill="#fff" '
        f'text-anchor="middle">{escape(short)}</text>\n'
        '  <text x="100" y="124" font-family="sans-serif" font-size="10" fill="#fff" '
        f'text-anchor="middle">{escape(sub)}</text>\n'
        "</svg>\n"
    ).encode()


def badge_png(size: int = 128, *, color: tuple[int, int, int] = (198, 93, 7)) -> bytes:
    """A simple round PNG badge (a coloured disc with a white ring)."""
    import png  # pypng, installed with qrcode[png]

    centre = (size - 1) / 2
    rows = []
    for y in range(size):
        row: list[int] = []
        for x in range(size):
            r = ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5 / (size / 2)
            if r > 0.98:
                row += [0, 0, 0, 0]
            elif 0.84 < r < 0.90:
                row += [255, 255, 255, 255]
            else:
                row += [*color, 255]
        rows.append(row)
    buffer = io.BytesIO()
    png.Writer(size, size, greyscale=False, alpha=True).write(buffer, rows)
    return buffer.getvalue()
