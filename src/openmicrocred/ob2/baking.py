"""OB 2.0 baked images (https://www.imsglobal.org/spec/ob/v2p0/baking/): a PNG ``iTXt`` chunk
with keyword ``openbadges`` (or the legacy ``tEXt`` one holding the hosted URL), or an SVG
``<openbadges:assertion>`` (namespace ``http://openbadges.org``) whose ``verify`` attribute
holds a JWS or a URL and whose body may hold the JSON.

The PNG chunks and the hardened SVG parser are the ones of :mod:`openmicrocred.bake`.
"""

from __future__ import annotations

from ..bake.png import _chunks, _itxt_text, is_png
from ..bake.svg import _parse, is_svg
from ..errors import BakeError

__all__ = ["SVG_NAMESPACE", "unbake_ob2"]

SVG_NAMESPACE = "http://openbadges.org"
_KEYWORD = b"openbadges"


def _png(data: bytes) -> str:
    found: list[str] = []
    for _, kind, body in _chunks(data):
        keyword = body.split(b"\0", 1)[0]
        if keyword != _KEYWORD:
            continue
        if kind == b"iTXt":
            found.append(_itxt_text(body))
        elif kind == b"tEXt":
            found.append(body.split(b"\0", 1)[1].decode("latin-1"))
    if not found:
        raise BakeError("the PNG holds no Open Badges 2.0 assertion ('openbadges' chunk)")
    if len(found) > 1:
        raise BakeError("the PNG holds more than one Open Badges 2.0 assertion")
    return found[0].strip()


def _svg(data: bytes) -> str:
    found = list(_parse(data).iter(f"{{{SVG_NAMESPACE}}}assertion"))
    if len(found) != 1:
        raise BakeError(
            "the SVG holds no Open Badges 2.0 assertion (<openbadges:assertion>)"
            if not found
            else "the SVG holds more than one Open Badges 2.0 assertion"
        )
    text = (found[0].text or "").strip()
    if text:
        return text
    verify = (found[0].get("verify") or "").strip()
    if not verify:
        raise BakeError("the <openbadges:assertion> element is empty")
    return verify


def unbake_ob2(image: bytes) -> str:
    """The OB 2.0 assertion baked into a PNG or SVG: JSON text, a compact JWS, or the URL of
    a hosted assertion.

    :raises BakeError: not a PNG/SVG, damaged, or no (or more than one) OB 2.0 assertion.
    """
    if is_png(image):
        return _png(image)
    if is_svg(image):
        return _svg(image)
    raise BakeError("only PNG and SVG images carry baked badges")
