"""QR codes of a badge's verification URL (or a compact JWT), as PNG and SVG."""

from __future__ import annotations

import io

__all__ = ["qr_png", "qr_svg"]


def _code(data: str) -> object:
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_png(data: str, *, box_size: int = 8) -> bytes:
    """A PNG QR code for ``data`` (usually the badge's verification URL)."""
    from qrcode.image.pure import PyPNGImage

    code = _code(data)
    code.box_size = box_size  # type: ignore[attr-defined]
    image = code.make_image(image_factory=PyPNGImage)  # type: ignore[attr-defined]
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def qr_svg(data: str) -> bytes:
    """An SVG QR code for ``data`` (one path, no external resources)."""
    from qrcode.image.svg import SvgPathImage

    image = _code(data).make_image(image_factory=SvgPathImage)  # type: ignore[attr-defined]
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()
