"""Sharing badges: QR codes, LinkedIn links, a self-contained HTML page, badge images."""

from __future__ import annotations

from .html import badge_page
from .images import badge_png, badge_svg
from .linkedin import linkedin_add_to_profile_url
from .qr import qr_png, qr_svg

__all__ = [
    "badge_page",
    "badge_png",
    "badge_svg",
    "linkedin_add_to_profile_url",
    "qr_png",
    "qr_svg",
]
