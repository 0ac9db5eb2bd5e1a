"""Badge images that say what the badge is: title, issuer, category and year, in PNG and SVG.

Both formats share one layout (:mod:`._text`), measured with the bundled Sarabun font (Thai
and Latin, OFL; see ``fonts/SOURCE.md``), inside a 200 x 200 design: every line fits the
circle's chord at its height, the title shrinks before it wraps inside a word, and Thai is
never cut inside a character cluster. Text colours reach WCAG AA (4.5:1) against the badge
colour (:mod:`._color`); an issuer's colour is darkened or lightened until they do.

- PNG is drawn with Pillow (imported only when a PNG is drawn); Thai is shaped by libraqm,
  which Pillow's wheels bundle. Without libraqm Pillow's basic layout is used and Thai marks
  may sit less well (:func:`shaping_available` tells).
- SVG names the font family (``Sarabun``, then Noto Sans Thai and sans-serif) and gives every
  line ``textLength`` with the width measured from the bundled font, so a viewer that draws
  another font squeezes the line to that width instead of letting it spill out of the circle.
  The title is in ``<title>``, the alt text in ``<desc>``.

:func:`credential_badge` draws the image for a credential (what ``bake`` uses when it is given
no image), and :func:`badge_alt_text` gives the text alternative for pages.
"""

from __future__ import annotations

import base64
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from html import escape
from typing import TYPE_CHECKING, Any, Literal

from ._color import RGB, accessible_pair, contrast_ratio, hex_color
from ._text import Line, Region, fit_block, font, has_raqm
from .i18n import translations
from .words import human_type

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

__all__ = [
    "BadgeFace",
    "Logo",
    "badge_alt_text",
    "badge_face",
    "badge_png",
    "badge_svg",
    "category_words",
    "contrast_ratio",
    "credential_badge",
    "shaping_available",
]

DEFAULT_COLOR: RGB = (198, 93, 7)
_CENTRE = 100.0
_TEXT_RADIUS = 78.0
"""Text stays inside this radius; the ring's inner edge is at 82."""
_MAX_LOGO_BYTES = 512_000
_MAX_LOGO_PIXELS = 2048
_FONT_STACK = "Sarabun, 'Noto Sans Thai', 'Noto Sans', sans-serif"


def shaping_available() -> bool:
    """Whether PNG text is shaped with libraqm (correct Thai mark placement)."""
    return has_raqm()


@dataclass(frozen=True)
class BadgeFace:
    """What a badge image shows. ``year`` is shown as given (see :func:`badge_face`)."""

    title: str
    issuer: str = ""
    category: str = ""
    year: str = ""
    lang: str | None = None


@dataclass(frozen=True)
class Logo:
    """An issuer's logo, checked: PNG, JPEG or SVG bytes."""

    media_type: Literal["image/png", "image/jpeg", "image/svg+xml"]
    data: bytes

    @classmethod
    def load(cls, value: bytes | str) -> Logo:
        """From raw bytes or a ``data:`` URI (base64). Raises ValueError saying what is wrong."""
        if isinstance(value, str):
            match = re.fullmatch(r"data:(image/[\w.+-]+)(?:;[\w=.-]+)*;base64,([\w+/=\s]*)", value)
            if not match:
                raise ValueError("logo: expected image bytes or a base64 data: URI")
            value = base64.b64decode(match.group(2))
        if len(value) > _MAX_LOGO_BYTES:
            raise ValueError(f"logo: {len(value)} bytes is over the {_MAX_LOGO_BYTES} limit")
        if value.startswith(b"\x89PNG\r\n\x1a\n"):
            return cls("image/png", value)
        if value.startswith(b"\xff\xd8\xff"):
            return cls("image/jpeg", value)
        from ..bake.svg import is_svg

        if is_svg(value):
            _check_svg_logo(value)
            return cls("image/svg+xml", value)
        raise ValueError("logo: not a PNG, JPEG or SVG image")

    @property
    def data_uri(self) -> str:
        """The logo as a ``data:`` URI."""
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode()}"


def _check_svg_logo(data: bytes) -> None:
    from defusedxml import ElementTree

    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except Exception as exc:  # defusedxml raises several kinds; all mean "refused"
        raise ValueError(f"logo: not a safe SVG document ({type(exc).__name__})") from None
    if not str(root.tag).endswith("svg"):
        raise ValueError("logo: the SVG document's root element is not <svg>")


# -- layout --------------------------------------------------------------------------------

_TITLE_SIZES = (22.0, 20.0, 18.0, 16.0, 15.0, 14.0, 13.0, 12.0, 11.0, 10.0)


def _regions(with_logo: bool) -> dict[str, Region]:
    def band(top: float, bottom: float) -> Region:
        return Region(top, bottom, _CENTRE, _TEXT_RADIUS)

    top = 56.0 if with_logo else 42.0
    return {
        "category": band(top, top + 12 if with_logo else 66.0),
        "title": band(68.0, 134.0),
        "issuer": band(135.0, 156.0),
        "year": band(156.0, 171.0),
    }


def layout(face: BadgeFace, *, with_logo: bool = False) -> list[Line]:
    """Every line of text on the badge, in the 200 x 200 design's units."""
    regions = _regions(with_logo)
    lines = fit_block(face.category, regions["category"], (10.0, 9.0, 8.0, 7.0))
    lines += fit_block(face.title, regions["title"], _TITLE_SIZES, bold=True, max_lines=4)
    lines += fit_block(face.issuer, regions["issuer"], (10.0, 9.0, 8.0), max_lines=2)
    lines += fit_block(face.year, regions["year"], (10.0, 9.0))
    return lines


# -- SVG -----------------------------------------------------------------------------------


def _svg_text(line: Line) -> str:
    weight = ' font-weight="700"' if line.bold else ""
    return (
        f'    <text x="100" y="{line.baseline:.2f}" font-size="{line.size:g}"{weight} '
        f'textLength="{line.width:.2f}" lengthAdjust="spacingAndGlyphs">'
        f"{escape(line.text)}</text>\n"
    )


def _svg(face: BadgeFace, colors: tuple[RGB, RGB], logo: Logo | None, alt: str) -> bytes:
    bg, fg = (hex_color(c) for c in colors)
    lang = f' xml:lang="{escape(face.lang)}" lang="{escape(face.lang)}"' if face.lang else ""
    image = (
        f'  <image x="85" y="24" width="30" height="30" href="{logo.data_uri}" '
        'preserveAspectRatio="xMidYMid meet"/>\n'
        if logo
        else ""
    )
    texts = "".join(_svg_text(line) for line in layout(face, with_logo=logo is not None))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="200" '
        f'height="200" role="img" aria-labelledby="badge-title badge-desc"{lang}>\n'
        f'  <title id="badge-title">{escape(face.title)}</title>\n'
        f'  <desc id="badge-desc">{escape(alt)}</desc>\n'
        f'  <circle cx="100" cy="100" r="96" fill="{bg}"/>\n'
        f'  <circle cx="100" cy="100" r="86" fill="none" stroke="{fg}" stroke-width="4"/>\n'
        f"{image}"
        f'  <g font-family="{_FONT_STACK}" fill="{fg}" text-anchor="middle">\n'
        f"{texts}"
        "  </g>\n"
        "</svg>\n"
    ).encode()


def _alt_for(face: BadgeFace) -> str:
    return _alt_sentence(face, "th" if (face.lang or "").startswith("th") else "en")


def badge_svg(
    title: str = "",
    issuer: str = "",
    *,
    category: str = "",
    year: str = "",
    lang: str | None = None,
    color: str | RGB = DEFAULT_COLOR,
    text_color: str | RGB | None = None,
    logo: bytes | str | Logo | None = None,
) -> bytes:
    """A round SVG badge showing the title, issuer, category and year (all escaped).

    :param color: the badge colour (``#rrggbb`` or a tuple); adjusted until the text on it
        reaches 4.5:1. :param text_color: the text colour (default white, or black on light
        colours). :param logo: PNG, JPEG or SVG bytes, or a data: URI.
    """
    face = _face(title, issuer, category, year, lang)
    colors = accessible_pair(color, text_color)
    loaded = logo if isinstance(logo, Logo) or logo is None else Logo.load(logo)
    return _svg(face, colors, loaded, _alt_for(face))


# -- PNG -----------------------------------------------------------------------------------


def _logo_image(logo: Logo, box: int) -> PILImage:
    import warnings

    from PIL import Image

    if logo.media_type == "image/svg+xml":
        raise ValueError("logo: a PNG badge needs a PNG or JPEG logo (SVG logos suit SVG badges)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(logo.data))
            if max(opened.size) > _MAX_LOGO_PIXELS:
                raise ValueError(
                    f"logo: {opened.size[0]}x{opened.size[1]} is over {_MAX_LOGO_PIXELS} px"
                )
            image = opened.convert("RGBA")
    except (OSError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValueError(f"logo: the image cannot be read ({exc})") from None
    image.thumbnail((box, box))
    return image


def _draw_png(face: BadgeFace, colors: tuple[RGB, RGB], logo: Logo | None, size: int) -> PILImage:
    from PIL import Image, ImageDraw

    ss = 3 if size <= 512 else 2  # drawn larger, then scaled down: smooth edges
    k = size * ss / 200
    bg, fg = colors
    image = Image.new("RGBA", (size * ss, size * ss), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse([4 * k, 4 * k, 196 * k, 196 * k], fill=(*bg, 255))
    draw.ellipse([12 * k, 12 * k, 188 * k, 188 * k], outline=(*fg, 255), width=round(4 * k))
    if logo is not None:
        mark = _logo_image(logo, round(30 * k))
        image.alpha_composite(
            mark, (round(100 * k - mark.width / 2), round(39 * k - mark.height / 2))
        )
    language = face.lang if has_raqm() else None  # language-specific shaping needs raqm
    for line in layout(face, with_logo=logo is not None):
        draw.text(
            (100 * k, line.baseline * k),
            line.text,
            font=font(line.bold, max(1, round(line.size * k))),
            fill=(*fg, 255),
            anchor="ms",
            language=language,
        )
    return image.resize((size, size), Image.Resampling.LANCZOS)


def badge_png(
    size: int = 256,
    *,
    title: str = "",
    issuer: str = "",
    category: str = "",
    year: str = "",
    lang: str | None = None,
    color: str | RGB = DEFAULT_COLOR,
    text_color: str | RGB | None = None,
    logo: bytes | str | Logo | None = None,
) -> bytes:
    """A round PNG badge of ``size`` pixels showing the title, issuer, category and year.

    Same parameters as :func:`badge_svg`; the logo must be PNG or JPEG here. Below 96 px the
    text would not be legible and is left out.
    """
    if not 16 <= size <= 2048:
        raise ValueError(f"size {size}: expected 16 to 2048 pixels")
    face = _face(title, issuer, category, year, lang) if size >= 96 else BadgeFace("")
    colors = accessible_pair(color, text_color)
    loaded = logo if isinstance(logo, Logo) or logo is None else Logo.load(logo)
    buffer = io.BytesIO()
    _draw_png(face, colors, loaded, size).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# -- from a credential ---------------------------------------------------------------------


def category_words(achievement_type: str | None, lang: str = "en") -> str:
    """An OB 3.0 ``achievementType`` in words, from the pages' catalog (English or Thai, the
    same words the badge page uses); ``ext:`` types are spelt out."""
    if not achievement_type:
        return ""
    language = "th" if lang.lower().startswith("th") else "en"
    return human_type(achievement_type, translations(language).gettext) or ""


def _subject(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    subject = credential.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else {}
    return subject if isinstance(subject, Mapping) else {}


def _same_language(tag: object, lang: str) -> bool:
    return isinstance(tag, str) and tag.split("-")[0].lower() == lang.split("-")[0].lower()


def _translated_name(achievement: Mapping[str, Any], lang: str) -> str | None:
    """The achievement's name in ``lang``: its own, or a ``related`` translation's."""
    own = achievement.get("inLanguage")
    name = achievement.get("name")
    if _same_language(own, lang) and isinstance(name, str):
        return name
    related = achievement.get("related")
    for entry in related if isinstance(related, list) else []:
        if not isinstance(entry, Mapping):
            continue
        tag, title = entry.get("inLanguage"), entry.get("name")
        if _same_language(tag, lang) and isinstance(title, str):
            return title
    return None


def _year(credential: Mapping[str, Any], lang: str) -> str:
    stamp = credential.get("validFrom") or credential.get("issuanceDate")
    if not isinstance(stamp, str) or not re.match(r"\d{4}-", stamp):
        return ""
    year = int(stamp[:4])
    # Thai certificates give the Buddhist-era year (CE + 543), marked พ.ศ.
    return f"พ.ศ. {year + 543}" if lang.startswith("th") else str(year)


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


def _shown(text: str) -> str:
    """``text`` as an image may show it: control characters (which XML forbids) are spaces,
    the bidi embeddings and overrides (which could show letters in another order than they
    were signed) are gone, and a lone surrogate (not encodable) is U+FFFD."""

    def replace_one(match: re.Match[str]) -> str:
        char = match.group()
        if "\ud800" <= char <= "\udfff" or char in "\ufffe\uffff":
            return "\ufffd"
        return "" if "\u202a" <= char <= "\u2069" else " "

    return _UNSHOWABLE.sub(replace_one, text)


def _face(title: str, issuer: str, category: str, year: str, lang: str | None) -> BadgeFace:
    """A face with only what an image can show (see :func:`_shown`)."""
    tag = lang if lang is not None and _LANGUAGE_TAG.fullmatch(lang) else None
    return BadgeFace(_shown(title), _shown(issuer), _shown(category), _shown(year), tag)


def badge_face(credential: Mapping[str, Any], lang: str | None = None) -> BadgeFace:
    """What a credential's badge image shows, in ``lang`` when the credential carries it
    (the achievement's ``inLanguage``, or a ``related`` translation); default: the
    achievement's own language."""
    achievement = _subject(credential).get("achievement")
    achievement = achievement if isinstance(achievement, Mapping) else {}
    own = achievement.get("inLanguage")
    lang = lang or (own if isinstance(own, str) else None)
    title = _translated_name(achievement, lang) if lang else None
    if title is None:
        name = achievement.get("name") or credential.get("name")
        title = name if isinstance(name, str) else ""
        lang = own if isinstance(own, str) else lang
    issuer = credential.get("issuer")
    issuer_name = issuer.get("name") if isinstance(issuer, Mapping) else None
    kind = achievement.get("achievementType")
    if lang is not None and not _LANGUAGE_TAG.fullmatch(lang):
        lang = None  # not a language tag: no lang attribute, English words
    words = lang or "en"
    return BadgeFace(
        title=_shown(title),
        issuer=_shown(issuer_name) if isinstance(issuer_name, str) else "",
        category=_shown(category_words(kind if isinstance(kind, str) else None, words)),
        year=_year(credential, words),
        lang=lang,
    )


def _credential_logo(credential: Mapping[str, Any]) -> Logo | None:
    """The issuer's image when it is an embedded data: URI (never fetched)."""
    issuer = credential.get("issuer")
    image = issuer.get("image") if isinstance(issuer, Mapping) else None
    uri = image.get("id") if isinstance(image, Mapping) else image
    if not isinstance(uri, str) or not uri.startswith("data:"):
        return None
    try:
        return Logo.load(uri)
    except ValueError:
        return None


def _claims(carrier: Mapping[str, Any] | str) -> Mapping[str, Any]:
    """The credential JSON of a carrier; a VC-JWT's payload is read, not verified (it is only
    drawn)."""
    if not isinstance(carrier, str):
        return carrier
    parts = carrier.strip().split(".")
    if len(parts) != 3:
        raise ValueError("credential: expected JSON or a compact JWS (three dot-separated parts)")
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise ValueError("credential: the JWS payload is not base64url JSON") from None
    if not isinstance(payload, dict):
        raise ValueError("credential: the JWS payload is not a JSON object")
    vc = payload.get("vc")
    return vc if isinstance(vc, dict) else payload


def credential_badge(
    carrier: Mapping[str, Any] | str,
    *,
    format: Literal["png", "svg"] = "png",
    size: int = 512,
    lang: str | None = None,
    color: str | RGB = DEFAULT_COLOR,
    text_color: str | RGB | None = None,
    logo: bytes | str | Logo | None = None,
) -> bytes:
    """The badge image for a credential: its achievement's name, the issuer's name, the
    achievement type in words and the year of ``validFrom``. The logo defaults to the issuer's
    ``image`` when that is an embedded data: URI (PNG badges skip an SVG one). ``carrier``
    is the credential JSON or a VC-JWT."""
    credential = _claims(carrier)
    face = badge_face(credential, lang)
    loaded = logo if isinstance(logo, Logo) or logo is None else Logo.load(logo)
    loaded = loaded or _credential_logo(credential)
    colors = accessible_pair(color, text_color)
    if format == "svg":
        return _svg(face, colors, loaded, badge_alt_text(credential, lang or face.lang or "en"))
    if loaded is not None and loaded.media_type == "image/svg+xml":
        loaded = None
    png = badge_png(size, **_face_kwargs(face), color=colors[0], text_color=colors[1], logo=loaded)
    return png


def _face_kwargs(face: BadgeFace) -> dict[str, Any]:
    return {
        "title": face.title,
        "issuer": face.issuer,
        "category": face.category,
        "year": face.year,
        "lang": face.lang,
    }


def _alt_sentence(face: BadgeFace, lang: str) -> str:
    if lang.startswith("th"):
        text = f"เหรียญตรา{face.category or ''} “{face.title}”"
        text += f" ออกโดย {face.issuer}" if face.issuer else ""
        return text + (f" {face.year}" if face.year else "")
    kind = (face.category or "badge").lower() if face.category else "badge"
    text = f"{kind[:1].upper()}{kind[1:]}{' badge' if face.category else ''} “{face.title}”"
    text += f", issued by {face.issuer}" if face.issuer else ""
    return text + (f" in {face.year}" if face.year else "") + "."


def badge_alt_text(credential: Mapping[str, Any], lang: str = "en") -> str:
    """A text alternative for the credential's badge image, in English or Thai, e.g.
    "Micro-credential badge “Data Storytelling”, issued by KMUTT in 2026." """
    face = badge_face(credential, lang)
    return _alt_sentence(replace(face, lang=lang), lang)
