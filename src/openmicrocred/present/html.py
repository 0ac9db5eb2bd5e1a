"""A self-contained HTML page showing a badge: issuer, achievement, criteria, results,
evidence, the assessor's feedback and the verification status.

It is rendered from the same templates as the service's ``/badges/{id}`` page
(:mod:`openmicrocred.present.pages`), so a badge looks the same everywhere. Every value from
the credential is HTML-escaped; the page loads nothing from anywhere (its own
Content-Security-Policy forbids it), so a platform can host it as it is.
"""

from __future__ import annotations

from typing import Any

from ..verification.report import VerificationReport
from .pages import Share, badge_html
from .qr import qr_svg

__all__ = ["badge_page"]


def badge_page(
    credential: dict[str, Any],
    *,
    report: VerificationReport | None = None,
    verify_url: str | None = None,
    linkedin_url: str | None = None,
) -> str:
    """Render a badge as one HTML document.

    :param report: a verification report to show its verdict; the page then shows what
        was signed (``report.display``). Without one the badge is read from ``credential``
        and marked "not checked".
    :param verify_url: where anyone can verify the badge; shown with a QR code.
    :param linkedin_url: an "Add to LinkedIn" link (see :func:`linkedin_add_to_profile_url`).
    """
    share = Share(
        verify_url=verify_url,
        linkedin=linkedin_url,
        qr_svg=qr_svg(verify_url) if verify_url else None,
    )
    return badge_html(report, credential=credential, share=share)
