"""Bake an Open Badges 3.0 credential into a PNG or SVG image, and get it out again.

An image carries exactly one credential: JSON text for an embedded-proof credential, or a
compact JWS for a VC-JWT. Re-baking replaces it and leaves the rest of the image unchanged.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import BakeError
from .png import bake_png, is_png, unbake_png
from .svg import bake_svg, is_svg, unbake_svg

__all__ = ["bake", "bake_png", "bake_svg", "is_png", "is_svg", "unbake", "unbake_png", "unbake_svg"]


# Code points JSON may hold but the image cannot: a lone surrogate (not UTF-8) and U+FFFE,
# U+FFFF (not XML). Inside JSON strings, where alone they can be, their \\u escapes denote
# the same values.
_UNCARRIED = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _text(credential: dict[str, Any] | str) -> str:
    if isinstance(credential, dict):
        text = json.dumps(credential, ensure_ascii=False, separators=(",", ":"))
    elif isinstance(credential, str):
        text = credential.strip()
    else:
        raise TypeError("credential must be a JSON object or a compact JWS string")
    return _UNCARRIED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def bake(image: bytes, credential: dict[str, Any] | str) -> bytes:
    """Bake ``credential`` into a PNG or SVG image (detected from its bytes).

    :raises BakeError: the image is neither a PNG nor an SVG, or is damaged.
    """
    text = _text(credential)
    if is_png(image):
        return bake_png(image, text)
    if is_svg(image):
        return bake_svg(image, text)
    raise BakeError("only PNG and SVG images can be baked")


def unbake(image: bytes) -> str:
    """The credential text (JSON or compact JWS) baked into a PNG or SVG image.

    :raises BakeError: not a PNG/SVG, no credential, or more than one.
    """
    if is_png(image):
        return unbake_png(image)
    if is_svg(image):
        return unbake_svg(image)
    raise BakeError("only PNG and SVG images carry baked credentials")
