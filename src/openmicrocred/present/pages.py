"""The pages for people — a badge, the verification form and its verdict, a problem —
rendered from the Jinja2 templates in ``templates/`` (autoescaped, strict about undefined
names), the same for the static page (:func:`~openmicrocred.present.badge_page`) and the
service (``/badges/{id}``, ``/verify``).

What a page shows of a badge comes from a
:class:`~openmicrocred.verification.report.CredentialDisplay` — the report's, when there is
a report: what was signed — turned here into small view objects that the templates only
print. Text keeps its language (a ``lang`` attribute per language of a language map or
``@language``-tagged value); markdown (criteria, evidence, feedback) is rendered in safe
mode: no raw HTML, no images, links only to http, https and mailto URLs; only http(s) URLs
become links. The templates take their words through ``_()`` (jinja2's i18n extension,
with the catalog of the reader's language, :mod:`~openmicrocred.present.i18n`); the words
about a verification come from :mod:`~openmicrocred.present.words`; credential content
never goes through ``_()``.

The style is one inline ``<style>`` allowed by its hash (:func:`style_source`), so the pages
work under a strict Content-Security-Policy (:func:`content_security_policy`).
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal, NamedTuple

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from .._json import as_list
from ..verification.display import credential_display
from ..verification.report import CredentialDisplay, VerificationReport
from . import words
from .i18n import LANGUAGE_NAMES, LANGUAGES, Language, format_when
from .words import human_type

__all__ = [
    "STATIC_FILES",
    "Block",
    "Download",
    "Link",
    "Piece",
    "ProblemView",
    "Share",
    "Version",
    "badge_html",
    "content_security_policy",
    "environment",
    "human_type",
    "language_sections",
    "markdown",
    "pieces",
    "problem_html",
    "static_file",
    "static_policy",
    "style_source",
    "verify_html",
    "when",
    "with_language",
]

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
FONTS = Path(__file__).parent / "fonts"
STATIC_FILES = {
    "copy.js": "text/javascript; charset=utf-8",
    "fonts.css": "text/css; charset=utf-8",
    "Sarabun-Regular.ttf": "font/ttf",
    "Sarabun-Bold.ttf": "font/ttf",
}
"""The files the service serves under ``/static/``, and their media types: the copy-link
script, and the bundled Thai font (Sarabun, OFL; ``fonts/SOURCE.md``) with the stylesheet
that declares it for Thai characters only, so that Thai is drawn the same on every device."""
COPY_SCRIPT = "/static/copy.js"
FONT_STYLESHEET = "/static/fonts.css"

ENGLISH = Language()

# -- text from the credential --------------------------------------------------------------


class Piece(NamedTuple):
    """A piece of text from the credential, and its language (``None``: unknown)."""

    text: str
    lang: str | None


class Block(NamedTuple):
    """Markdown from the credential, rendered in safe mode, and its language."""

    html: Markup
    lang: str | None


@dataclass(frozen=True)
class Link:
    """A URL from the credential: ``href`` only when it is http(s), else shown as text."""

    text: str
    href: str | None


_LANG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_WEB = re.compile(r"https?://[^\s\x00-\x1f\x7f\"'<>\\]+", re.IGNORECASE)


def _lang(tag: Any) -> str | None:
    return tag if isinstance(tag, str) and _LANG.fullmatch(tag) else None


def pieces(value: Any, lang: str | None = None) -> tuple[Piece, ...]:
    """Text as the credential states it: a string, a language map (each language its own
    piece), a ``{"@value", "@language"}`` object, or a list of those."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (Piece(value, lang),)
    if isinstance(value, dict):
        if "@value" in value:
            return pieces(value["@value"], _lang(value.get("@language")) or lang)
        return tuple(p for k, v in value.items() for p in pieces(v, _lang(k)))
    if isinstance(value, list):
        return tuple(p for v in value for p in pieces(v, lang))
    if isinstance(value, bool):
        return (Piece(str(value).lower(), None),)
    return (Piece(str(value), None),)


def plain(text: tuple[Piece, ...]) -> str:
    """The pieces as one line (for a title, a meta tag, a LinkedIn name)."""
    return " / ".join(p.text for p in text)


def web_link(value: Any) -> Link | None:
    """A link for an http(s) URL; any other string is only shown."""
    if not isinstance(value, str) or not value:
        return None
    return Link(value, value if _WEB.fullmatch(value) else None)


def _safe_link(url: str) -> bool:
    return url.strip().lower().startswith(("http://", "https://", "mailto:"))


@cache
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    md.disable("image")  # an image would load from anywhere
    md.validateLink = _safe_link  # type: ignore[method-assign]
    return md


def markdown(value: Any, lang: str | None = None) -> tuple[Block, ...]:
    """Markdown in safe mode: raw HTML shown as text, no images, links only to http, https
    and mailto URLs (with ``rel="nofollow noopener noreferrer"``), headings moved two levels
    down so that they sit under the page's own."""
    md = _markdown()
    blocks = []
    for piece in pieces(value, lang):
        tokens = md.parse(piece.text)
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                token.tag = f"h{min(6, int(token.tag[1]) + 2)}"
            for child in token.children or ():
                if child.type == "link_open":
                    child.attrSet("rel", "nofollow noopener noreferrer")
        html = md.renderer.render(tokens, md.options, {})
        blocks.append(Block(Markup(html), piece.lang))  # noqa: S704 (safe-mode output)
    return tuple(blocks)


def when(value: Any, lang: str = "en", time_zone: str | None = None) -> str | None:
    """A date-time for people, in ``lang`` and its time zone (see
    :func:`~openmicrocred.present.i18n.format_when`): ``3 December 2026, 14:05 UTC``."""
    return format_when(value, lang, time_zone)


# -- the badge, as the templates see it ----------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: tuple[Piece, ...]
    id: str | None
    link: Link | None = None


@dataclass(frozen=True)
class Alignment:
    name: tuple[Piece, ...]
    link: Link | None
    framework: tuple[Piece, ...]
    code: str | None
    description: tuple[Piece, ...]


@dataclass(frozen=True)
class Result:
    criterion: tuple[Piece, ...]
    achieved: tuple[Piece, ...]
    points: str | None
    required: tuple[Piece, ...]
    status: str | None
    value: str | None


@dataclass(frozen=True)
class Evidence:
    name: tuple[Piece, ...]
    link: Link | None
    description: tuple[Piece, ...]
    narrative: tuple[Block, ...]
    genre: tuple[Piece, ...]


@dataclass(frozen=True)
class Endorsement:
    endorser: tuple[Piece, ...]
    comment: tuple[Piece, ...]
    verified: bool
    verdict: str | None


@dataclass(frozen=True)
class Version:
    """The achievement in another language (an OB 3.0 ``related`` entry with ``inLanguage``)."""

    lang: str
    language: str
    """The language, named in the reader's language."""
    name: tuple[Piece, ...]
    description: tuple[Piece, ...]


@dataclass(frozen=True)
class Moment:
    kind: Literal["awarded", "valid_from", "valid_until", "activity_start", "activity_end"]
    value: str


@dataclass(frozen=True)
class Badge:
    """Everything a page shows of a badge (from its display data)."""

    id: str | None
    kind: str
    title: tuple[Piece, ...]
    description: tuple[Piece, ...]
    image: str | None
    image_alt: str
    lang: str | None
    versions: tuple[Version, ...]
    achievement_name: tuple[Piece, ...]
    achievement_type: str | None
    achievement_code: str | None
    achievement_description: tuple[Piece, ...]
    field_of_study: tuple[Piece, ...]
    criteria: tuple[Block, ...]
    criteria_link: Link | None
    alignments: tuple[Alignment, ...]
    results: tuple[Result, ...]
    evidence: tuple[Evidence, ...]
    feedback: tuple[Block, ...]
    assessor: Person | None
    issuer: Person
    recipient: Person | None
    recipient_note: str | None
    awarded: str | None
    dates: tuple[Moment, ...]
    endorsements: tuple[Endorsement, ...]


_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp|svg\+xml)[;,]", re.IGNORECASE)


def data_image(display: CredentialDisplay) -> str | None:
    """The badge's image when it is carried in the credential (a ``data:`` URL): the only
    kind a page shows, so that it loads nothing from elsewhere."""
    for src in (display.image, display.achievement.get("image")):
        if isinstance(src, str) and _IMAGE.match(src):
            return src
    return None


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _kind(display: CredentialDisplay, lang: Language) -> str:
    achievement_type = human_type(display.achievement.get("achievementType"), lang._)
    if achievement_type:
        return achievement_type
    for t in display.type:
        if t in words.CREDENTIAL_TYPES:
            return lang._(words.CREDENTIAL_TYPES[t])
    return lang._(words.N_("Verifiable credential"))


def _display_name(identifiers: list[dict[str, Any]]) -> tuple[Piece, ...]:
    """The learner's name when the issuer chose to state it: an OB 3.0 IdentityObject with
    ``identityType: "name"`` and ``hashed: false``."""
    for identifier in identifiers:
        identity = identifier.get("identity")
        stated = identifier.get("identityType") == "name" and identifier.get("hashed") is False
        if stated and isinstance(identity, str) and identity.strip():
            return (Piece(identity, None),)
    return ()


def _people(
    d: CredentialDisplay, lang: Language
) -> tuple[Person, Person | None, str | None, Person | None]:
    issuer = Person(
        pieces(d.issuer.get("name")), _str(d.issuer.get("id")), web_link(d.issuer.get("url"))
    )
    subject = d.subject
    identifiers = [_obj(i) for i in as_list(subject.get("identifier"))]
    name = pieces(subject.get("name")) or _display_name(identifiers)
    sid = _str(subject.get("id"))
    recipient = Person(name, sid) if name or sid else None
    note = None
    if recipient is None:
        kinds = [i.get("identityType") for i in identifiers if i.get("hashed") is not False]
        kinds = [k for k in kinds if isinstance(k, str)]
        note = human_type(kinds[0], lang._) if kinds else None
    source = _obj(subject.get("source"))
    assessor = Person(pieces(source.get("name")), _str(source.get("id"))) if source else None
    return issuer, recipient, note, assessor


def _dates(d: CredentialDisplay, lang: Language) -> tuple[str | None, tuple[Moment, ...]]:
    awarded = lang.when(d.awarded_date or d.valid_from)
    found: list[Moment] = []
    candidates: list[tuple[Any, Any]] = [
        ("awarded", d.awarded_date),
        ("valid_from", d.valid_from if d.valid_from != d.awarded_date else None),
        ("valid_until", d.valid_until),
        ("activity_start", d.subject.get("activityStartDate")),
        ("activity_end", d.subject.get("activityEndDate")),
    ]
    for kind, value in candidates:
        shown = lang.when(value)
        if shown:
            found.append(Moment(kind, shown))
    return awarded, tuple(found)


def _results(d: CredentialDisplay, lang: Language) -> tuple[Result, ...]:
    results = []
    for r in d.results:
        level = _obj(r.get("achievedLevel"))
        results.append(
            Result(
                criterion=pieces(r.get("description")),
                achieved=pieces(level.get("name")),
                points=_str(level.get("points")),
                required=pieces(r.get("requiredLevel")),
                status=human_type(r.get("status"), lang._),
                value=_str(r.get("value")),
            )
        )
    return tuple(results)


def _alignments(achievement: dict[str, Any]) -> tuple[Alignment, ...]:
    return tuple(
        Alignment(
            name=pieces(a.get("targetName")),
            link=web_link(a.get("targetUrl")),
            framework=pieces(a.get("targetFramework")),
            code=_str(a.get("targetCode")),
            description=pieces(a.get("targetDescription")),
        )
        for a in as_list(achievement.get("alignment"))
        if isinstance(a, dict)
    )


def _evidence(d: CredentialDisplay, lang: str | None) -> tuple[Evidence, ...]:
    return tuple(
        Evidence(
            name=pieces(e.get("name"), lang),
            link=web_link(e.get("id")),
            description=pieces(e.get("description"), lang),
            narrative=markdown(e.get("narrative"), lang),
            genre=pieces(e.get("genre"), lang),
        )
        for e in d.evidence
    )


def _versions(achievement: dict[str, Any], lang: Language) -> tuple[Version, ...]:
    found = []
    for entry in as_list(achievement.get("related")):
        tag = _lang(_obj(entry).get("inLanguage"))
        name = pieces(_obj(entry).get("name"), tag)
        if tag and name:
            description = pieces(_obj(entry).get("description"), tag)
            found.append(Version(tag, words.language_name(tag, lang._), name, description))
    return tuple(found)


_SECTION = re.compile(r"\n\n(?=---\n\n# [^\n]+\n)")
_SECTION_HEADING = re.compile(r"---\n\n# ([^\n]+)\n")


def language_sections(value: Any, lang: str | None) -> Any:
    """A criteria narrative cut into its language sections (a ``---`` then a heading such
    as "# In English", see :data:`~openmicrocred.present.words.SECTION_LANGUAGES`), each as a
    ``{"@value", "@language"}`` value; any other value as it is."""
    if not isinstance(value, str) or "\n---\n" not in value:
        return value
    sections: list[dict[str, Any]] = []
    for part in _SECTION.split(value):
        heading = _SECTION_HEADING.match(part)
        tag = words.SECTION_LANGUAGES.get(heading.group(1).strip()) if heading else None
        sections.append({"@value": part, "@language": tag or lang})
    return sections


def _alt(kind: str, title: tuple[Piece, ...], issuer: Person, lang: Language) -> str:
    if issuer.name:
        message = words.N_("%(kind)s badge “%(title)s”, issued by %(issuer)s")
        return lang._(message) % {"kind": kind, "title": plain(title), "issuer": plain(issuer.name)}
    return lang._(words.N_("%(kind)s badge “%(title)s”")) % {"kind": kind, "title": plain(title)}


def _endorsements(d: CredentialDisplay) -> tuple[Endorsement, ...]:
    # "Endorsed by" only for an endorsement the verifier verified (the report says so).
    return tuple(
        Endorsement(
            endorser=pieces(e.get("endorser")),
            comment=pieces(e.get("comment")),
            verified=e.get("verified") is True,
            verdict=_str(e.get("verdict")),
        )
        for e in d.endorsements
    )


def badge_view(
    d: CredentialDisplay,
    *,
    image: str | None = None,
    lang: Language = ENGLISH,
) -> Badge:
    """The badge as the templates show it; ``image`` when it carries none of its own."""
    a = d.achievement
    content = _lang(a.get("inLanguage"))  # the credential's own language
    criteria = _obj(a.get("criteria"))
    issuer, recipient, note, assessor = _people(d, lang)
    awarded, dates = _dates(d, lang)
    kind, title = _kind(d, lang), pieces(d.name or a.get("name"), content)
    return Badge(
        id=d.id,
        kind=kind,
        title=title,
        description=pieces(d.description, content),
        image=data_image(d) or image,
        image_alt=_alt(kind, title, issuer, lang),
        lang=content,
        versions=_versions(a, lang),
        achievement_name=pieces(a.get("name"), content),
        achievement_type=human_type(a.get("achievementType"), lang._),
        achievement_code=_str(a.get("humanCode")),
        achievement_description=pieces(a.get("description"), content),
        field_of_study=pieces(a.get("fieldOfStudy"), content),
        criteria=markdown(language_sections(criteria.get("narrative"), content), content),
        criteria_link=web_link(criteria.get("id")),
        alignments=_alignments(a),
        results=_results(d, lang),
        evidence=_evidence(d, content),
        feedback=markdown(d.feedback, content),
        assessor=assessor,
        issuer=issuer,
        recipient=recipient,
        recipient_note=note,
        awarded=awarded,
        dates=dates,
        endorsements=_endorsements(d),
    )


# -- the verdict ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckRow:
    """One check: its name and a plain sentence, with the technical detail (the check's own
    message, its code and JSON path) kept apart for the "details" column."""

    name: str
    status: str
    sentence: str
    message: str
    code: str
    path: str | None
    warning: bool


@dataclass(frozen=True)
class VerdictView:
    """The verdict in plain words, in the reader's language."""

    verdict: str
    tone: words.Tone
    headline: str
    sentence: str
    trusted: bool
    """Whether the content is authentic (signed by the issuer, unaltered)."""
    signer: str | None
    """Who signed it, in plain words (no DID)."""
    signer_key: str | None
    """The key it was signed with (a DID URL or controller document): a detail."""
    checked_at: str | None
    reasons: tuple[str, ...]
    checks: tuple[CheckRow, ...]


MAX_REASONS = 5


def _rows(report: VerificationReport, lang: Language) -> tuple[CheckRow, ...]:
    return tuple(
        CheckRow(
            name=words.check_name(c.name, lang._),
            status=c.status.value,
            sentence=words.check_sentence(c, lang._),
            message=c.message,
            code=c.code,
            path=c.path,
            warning=c.severity == "warning" and c.status.value == "failed",
        )
        for c in report.checks
    )


def verdict_view(report: VerificationReport | None, lang: Language = ENGLISH) -> VerdictView:
    """The verdict of ``report`` (``None``: not checked)."""
    if report is None:
        headline, sentence = words.verdict_words(words.UNCHECKED, lang._)
        return VerdictView(
            words.UNCHECKED, "unknown", headline, sentence, False, None, None, None, (), ()
        )
    verdict = report.verdict.value if report.verdict.value in words.TONES else "unverifiable"
    tone = words.TONES[verdict]
    headline, sentence = words.verdict_words(verdict, lang._)
    signer = None
    if report.signer is not None:
        issuer = report.display.issuer.get("name") if report.display else None
        name = plain(pieces(issuer)) or None
        signer = words.signer_sentence(report.signer, name, lang._)
    return VerdictView(
        verdict=verdict,
        tone=tone,
        headline=headline,
        sentence=sentence,
        trusted=tone in ("ok", "warn"),
        signer=signer,
        signer_key=report.signer.verification_method if report.signer else None,
        checked_at=lang.when(report.checked_at),
        reasons=tuple(words.plain_reasons(report.checks, lang._)[:MAX_REASONS]),
        checks=_rows(report, lang),
    )


# -- rendering -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    kind: Literal["json", "png", "jwt"]
    href: str


@dataclass(frozen=True)
class Share:
    """The badge page's ways to share it: each optional."""

    page_url: str | None = None
    verify_url: str | None = None
    linkedin: str | None = None
    downloads: tuple[Download, ...] = ()
    qr_svg: bytes | None = None
    """A QR code of ``verify_url`` (SVG, as :func:`~openmicrocred.present.qr_svg` makes it)."""
    wallet: str | None = None
    """The "add to wallet" chooser of the learner's open offer: only on the page the award
    e-mail links to (its address carries the offer), never on the public page."""


@dataclass(frozen=True)
class OpenGraph:
    title: str
    description: str
    image: str
    url: str
    image_alt: str
    locale: str
    """The page's language as Open Graph writes it (``th_TH``, ``en_US``)."""


@dataclass(frozen=True)
class ProblemView:
    status: int
    detail: str
    """What is wrong, in plain words (in the reader's language)."""
    technical: str | None = None
    """The error's own text (shown under "details")."""


@dataclass(frozen=True)
class Switch:
    """A link of the language switcher."""

    code: str
    name: str
    href: str
    current: bool


@cache
def environment(lang: str = "en") -> jinja2.Environment:
    """The templates' environment for ``lang``: autoescaped, strict, with ``_()`` from the
    language's catalog (one environment per language, so that renders never share one)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(  # type: ignore[attr-defined]
        Language(_language_code(lang)).gettext, newstyle=True
    )
    return env


def _language_code(lang: str) -> Literal["en", "th"]:
    return "th" if lang == "th" else "en"


def with_language(path: str, code: str) -> str:
    """``path`` (with or without a query) with ``lang=code`` added to its query."""
    return f"{path}{'&' if '?' in path else '?'}lang={code}"


def switcher(here: str | None, lang: Language) -> tuple[Switch, ...]:
    """The language switcher's links to this page (``here``: its path and query, without
    ``lang``); none for a page that is not served (a stand-alone file)."""
    if here is None:
        return ()
    return tuple(
        Switch(code, LANGUAGE_NAMES[code], with_language(here, code), code == lang.code)
        for code in LANGUAGES
    )


@cache
def style_source() -> str:
    """The pages' CSS, as it stands inside their ``<style>`` element."""
    return (TEMPLATES / "page.css").read_text(encoding="utf-8").strip()


def _style_hash() -> str:
    digest = hashlib.sha256(style_source().encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy() -> str:
    """The policy the service sends with every page: nothing but its own style (by hash),
    its own images, fonts and scripts, forms to itself, no framing."""
    return (
        f"default-src 'none'; style-src 'self' {_style_hash()}; img-src 'self' data:; "
        "font-src 'self'; script-src 'self'; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'"
    )


def static_policy() -> str:
    """The policy a stand-alone page carries in its ``<meta>``: it loads nothing at all."""
    return (
        f"default-src 'none'; style-src {_style_hash()}; img-src data:; form-action 'none'; "
        "base-uri 'none'"
    )


def static_file(name: str) -> tuple[bytes, str] | None:
    """A file the service serves under ``/static/`` and its media type, or ``None``."""
    media_type = STATIC_FILES.get(name)
    if media_type is None:
        return None
    folder = FONTS if name.endswith(".ttf") else STATIC
    return (folder / name).read_bytes(), media_type


def _render(
    template: str,
    *,
    lang: Language,
    service: bool,
    here: str | None = None,
    script: str | None = None,
    **context: Any,
) -> str:
    def url(path: str) -> str:  # a link to another page keeps a language asked for
        return with_language(path, lang.code) if lang.chosen else path

    return (
        environment(lang.code)
        .get_template(template)
        .render(
            lang=lang.code,
            languages=switcher(here if service else None, lang),
            url=url,
            style=Markup(style_source()),  # noqa: S704 (the package's own CSS)
            meta_csp=None if service else static_policy(),
            fonts=FONT_STYLESHEET if service else None,
            service=service,
            script=script,
            **context,
        )
    )


def _display(
    report: VerificationReport | None, credential: dict[str, Any] | None
) -> CredentialDisplay | None:
    if report is not None:
        return report.display  # what was signed (None: nothing could be read)
    return credential_display(credential) if credential is not None else None


def _open_graph(badge: Badge, image: str, url: str, lang: Language) -> OpenGraph:
    title = plain(badge.title) or plain(badge.achievement_name) or lang._(words.N_("Badge"))
    issuer = plain(badge.issuer.name)
    description = plain(badge.description or badge.achievement_description)
    if len(description) > 200:
        description = description[:199] + "…"
    title = f"{title} — {issuer}" if issuer else title
    locale = "th_TH" if lang.code == "th" else "en_US"
    return OpenGraph(title, description, image, url, badge.image_alt, locale)


def badge_html(
    report: VerificationReport | None,
    *,
    credential: dict[str, Any] | None = None,
    share: Share = Share(),
    image: str | None = None,
    og_image: str | None = None,
    service: bool = False,
    lang: Language = ENGLISH,
    here: str | None = None,
) -> str:
    """The badge page. The badge shown is ``report.display`` (what was signed); only
    without a report is it read from ``credential`` (and then said to be unchecked).

    :param image: the image to show when the badge carries none (``data:``) of its own.
    :param og_image: with ``share.page_url``: Open Graph and Twitter tags pointing there.
    :param service: served (the policy comes as a header; the copy-link script runs),
        rather than a stand-alone file (a ``<meta>`` policy; nothing loads).
    :param lang: the reader's language and time zone.
    :param here: the page's path and query (served pages: the language switcher's links).
    """
    display = _display(report, credential)
    badge = badge_view(display, image=image, lang=lang) if display is not None else None
    og = None
    if badge is not None and og_image and share.page_url:
        og = _open_graph(badge, og_image, share.page_url, lang)
    title = plain(badge.title) if badge is not None else ""
    qr = share.qr_svg.decode("utf-8").split("?>", 1)[-1] if share.qr_svg else None
    return _render(
        "badge.html.j2",
        lang=lang,
        service=service,
        here=here,
        script=COPY_SCRIPT if service and share.page_url else None,
        page_title=title or lang._(words.N_("Badge")),
        og=og,
        verdict=verdict_view(report, lang),
        badge=badge,
        share=share,
        verify_link=web_link(share.verify_url),
        qr=Markup(qr) if qr else None,  # noqa: S704 (the QR code made by qrcode)
    )


def verify_html(
    *,
    report: VerificationReport | None = None,
    problem: ProblemView | None = None,
    badge_page: str | None = None,
    fetch_enabled: bool = False,
    max_upload: int = 1_000_000,
    lang: Language = ENGLISH,
    here: str = "/verify",
) -> str:
    """The verification page: the form, and the verdict on what was given (or the
    ``problem`` with it, in plain words)."""
    display = report.display if report is not None else None
    return _render(
        "verify.html.j2",
        lang=lang,
        service=True,
        here=here,
        problem=problem,
        verdict=verdict_view(report, lang) if report is not None else None,
        badge=badge_view(display, lang=lang) if display is not None else None,
        badge_page=badge_page,
        fetch_enabled=fetch_enabled,
        max_upload=f"{max_upload / 1_000_000:g} MB",
    )


def problem_html(problem: ProblemView, lang: Language = ENGLISH, here: str | None = None) -> str:
    """A page that names a problem in plain words."""
    return _render("problem.html.j2", lang=lang, service=True, here=here, problem=problem)
