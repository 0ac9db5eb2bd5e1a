"""A self-contained HTML page showing a badge: issuer, achievement, criteria, results,
evidence, the assessor's feedback and the verification status.

Every value from the credential is HTML-escaped; the page loads nothing from anywhere (a
Content-Security-Policy forbids it), so a platform can host it as it is.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ..verification.display import credential_display
from ..verification.report import CredentialDisplay, VerificationReport
from .qr import qr_svg

__all__ = ["badge_page"]

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;
color:#1d1d1f;line-height:1.5}
header{display:flex;gap:1.5rem;align-items:center}
header img{width:8rem;height:8rem;object-fit:contain}
.status{padding:.6rem 1rem;border-radius:.5rem;font-weight:600;margin:1rem 0}
.ok{background:#e3f6e8;color:#135c2a}.bad{background:#fde8e8;color:#8a1c1c}
.unknown{background:#eef0f3;color:#333}
h1{margin:.2rem 0}h2{margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem;
border-bottom:1px solid #eee;vertical-align:top}
.text{white-space:pre-wrap}.qr svg{width:9rem;height:9rem}
footer{margin-top:2rem;font-size:.85rem;color:#666}
"""


def _t(value: Any) -> str:
    if isinstance(value, dict):  # a language map
        return escape(" / ".join(str(v) for v in value.values()))
    return "" if value is None else escape(str(value))


def _status(report: VerificationReport | None) -> str:
    if report is None:
        return (
            '<div class="status unknown">Not verified on this page: verify the badge '
            "with any Open Badges 3.0 verifier.</div>"
        )
    if report.verified:
        # Who really signed it, in the same plain words as the CLI.
        signer = f" Who signed it: {_t(report.signer.statement)}." if report.signer else ""
        return (
            f'<div class="status ok">Verified on {_t(report.checked_at)}: signed by its '
            f"issuer, unaltered, valid and not revoked.{signer}</div>"
        )
    failing = "; ".join(f"{c.name}: {c.message}" for c in report.checks if c.blocking)
    return f'<div class="status bad">Not verified ({_t(report.verdict.value)}): {_t(failing)}</div>'


def _image(display: CredentialDisplay) -> str:
    src = display.image or display.achievement.get("image")
    if isinstance(src, str) and src.startswith("data:image/"):
        return f'<img src="{escape(src, quote=True)}" alt="">'
    return ""


def _inline_svg(svg: bytes) -> str:
    return svg.decode("utf-8").split("?>", 1)[-1]


def _head(d: CredentialDisplay) -> list[str]:
    a = d.achievement
    return [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_t(d.name or a.get('name'))}</title><style>{_STYLE}</style></head><body>",
        f"<header>{_image(d)}<div><h1>{_t(a.get('name') or d.name)}</h1>",
        f"<div>{_t(a.get('achievementType'))}</div>",
        f"<div>Issued by <strong>{_t(d.issuer.get('name') or d.issuer.get('id'))}</strong>"
        f"{' to ' + _t(d.subject.get('id')) if d.subject.get('id') else ''}</div>",
        f"<div>Awarded {_t(d.awarded_date or d.valid_from)}"
        f"{', valid until ' + _t(d.valid_until) if d.valid_until else ''}</div></div></header>",
    ]


def _criteria_and_alignments(a: dict[str, Any]) -> list[str]:
    parts = []
    criteria = a.get("criteria") or {}
    if criteria.get("narrative") or criteria.get("id"):
        parts.append(f'<h2>Criteria</h2><div class="text">{_t(criteria.get("narrative"))}</div>')
        if criteria.get("id"):
            parts.append(f"<p>{_t(criteria['id'])}</p>")
    if a.get("alignment"):
        parts.append("<h2>Aligned to</h2><ul>")
        parts += [
            f"<li>{_t(al.get('targetName'))} ({_t(al.get('targetFramework'))}) "
            f"&lt;{_t(al.get('targetUrl'))}&gt;</li>"
            for al in a["alignment"]
        ]
        parts.append("</ul>")
    return parts


def _results(d: CredentialDisplay) -> list[str]:
    if not d.results:
        return []
    parts = ["<h2>Results</h2><table><tr><th>Assessed</th><th>Result</th></tr>"]
    for r in d.results:
        level = r.get("achievedLevel") or {}
        value = level.get("name") or r.get("value") or r.get("status")
        points = f" ({_t(level.get('points'))} points)" if level.get("points") else ""
        required = f"; required: {_t(r['requiredLevel'])}" if r.get("requiredLevel") else ""
        parts.append(
            f"<tr><td>{_t(r.get('description'))}</td><td>{_t(value)}{points}{required}</td></tr>"
        )
    parts.append("</table>")
    return parts


def _evidence_feedback_endorsements(d: CredentialDisplay) -> list[str]:
    parts = []
    if d.evidence:
        parts.append("<h2>Evidence</h2><ul>")
        for e in d.evidence:
            link = f"<br>{_t(e['id'])}" if e.get("id") else ""
            story = f'<div class="text">{_t(e["narrative"])}</div>' if e.get("narrative") else ""
            parts.append(
                f"<li><strong>{_t(e.get('name'))}</strong> {_t(e.get('genre'))}{link}{story}</li>"
            )
        parts.append("</ul>")
    if d.feedback:
        parts.append(f'<h2>Feedback</h2><div class="text">{_t(d.feedback)}</div>')
    if d.endorsements:
        parts.append("<h2>Endorsements</h2><ul>")
        parts += [
            f"<li>{_t(e.get('endorser'))}: {_t(e.get('comment'))}</li>"
            if e.get("verified")
            else f"<li>Not verified: claims to be from {_t(e.get('endorser'))}</li>"
            for e in d.endorsements
        ]
        parts.append("</ul>")
    return parts


def _links(verify_url: str | None, linkedin_url: str | None) -> list[str]:
    parts = []
    if verify_url:
        parts.append(
            f'<h2>Verify</h2><div class="qr">{_inline_svg(qr_svg(verify_url))}'
            f"</div><p>{_t(verify_url)}</p>"
        )
    if linkedin_url:
        parts.append(
            f'<p><a href="{escape(linkedin_url, quote=True)}" rel="noopener">'
            "Add to LinkedIn profile</a></p>"
        )
    return parts


def badge_page(
    credential: dict[str, Any],
    *,
    report: VerificationReport | None = None,
    verify_url: str | None = None,
    linkedin_url: str | None = None,
) -> str:
    """Render a badge as one HTML document.

    :param report: a verification report to show its status (otherwise "not verified here").
    :param verify_url: where anyone can verify the badge; shown with a QR code.
    :param linkedin_url: an "Add to LinkedIn" link (see :func:`linkedin_add_to_profile_url`).
    """
    d = (
        report.display
        if report is not None and report.display is not None
        else (credential_display(credential))
    )
    a = d.achievement
    parts = [
        *_head(d),
        _status(report),
        f"<p>{_t(a.get('description') or d.description)}</p>",
        *_criteria_and_alignments(a),
        *_results(d),
        *_evidence_feedback_endorsements(d),
        *_links(verify_url, linkedin_url),
        f"<footer>Credential {_t(d.id)} · Open Badges 3.0</footer></body></html>",
    ]
    return "\n".join(parts)
