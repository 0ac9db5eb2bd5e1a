"""The pages for people (docs/pages.md).

``/verify``: a form (paste JSON or a JWT, upload a baked PNG/SVG or a JSON file, or give a
URL), and the verdict on what it was given; ``/verify?id=...``: the verdict on a credential
this service issued (what QR codes and LinkedIn links point to). ``/badges/{id}``: a badge's
public page, with its live status and downloads (``?format=json|png|jwt``, or the suffixes
``.json``, ``.png``, ``.jwt``).

Verification is done on every request with the service's own verifier (its status lists
read locally), so a badge revoked a moment ago says REVOKED now. Every page carries a strict
Content-Security-Policy and is never cached; bad input gets a 4xx page that names the
problem in plain words.

Every page is in the reader's language (docs/pages.md, "Languages"): ``?lang=th|en``
first, then the ``Accept-Language`` header, else English; sent with ``Content-Language``
and ``Vary: Accept-Language``, and with a switcher to the other language.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException

from .._time import parse_datetime
from ..bake import bake, is_png, is_svg
from ..errors import InputError
from ..present import linkedin_add_to_profile_url, qr_svg
from ..present.i18n import LANGUAGES, Language, negotiate
from ..present.images import credential_badge
from ..present.pages import (
    Download,
    ProblemView,
    Share,
    badge_html,
    content_security_policy,
    pieces,
    plain,
    problem_html,
    static_file,
    verify_html,
)
from ..present.words import N_
from ..verification.report import CredentialDisplay, VerificationReport
from ._mc_awards import verify_url
from ._mc_common import service_state, store
from ._wallet import wallet_page
from .state import ServiceState
from .vcapi import VC_V2, _unwrap

__all__ = [
    "MAX_UPLOAD_BYTES",
    "PAGE_FORM_PATHS",
    "browser_redirect",
    "page_headers",
    "page_language",
    "router",
    "wants_html",
]

router = APIRouter(include_in_schema=False)

PAGE_FORM_PATHS = frozenset({"/verify"})
"""The pages that take a form (multipart or url-encoded) instead of JSON: the body guard
checks only their size (``BodyGuard(form_paths=...)`` in app.py)."""
MAX_UPLOAD_BYTES = 1_000_000
"""The largest badge the verification form takes (pasted, or as a file)."""
_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_FORMATS = {"json": "application/vc+ld+json", "png": "image/png", "jwt": "application/vc+jwt"}


class PageProblemError(Exception):
    """Bad input to a page: answered with a page naming the problem (``message``: a
    catalog message, filled with ``values`` once translated)."""

    def __init__(self, status: int, message: str, technical: str | None = None, **values: Any):
        super().__init__(message % values if values else message)
        self.status, self.message, self.technical, self.values = status, message, technical, values

    def view(self, lang: Language) -> ProblemView:
        """The problem in the reader's language."""
        words = lang._(self.message)
        return ProblemView(
            self.status, words % self.values if self.values else words, self.technical
        )


# -- content negotiation and headers -------------------------------------------------------


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


def wants_html(request: Request) -> bool:
    """Whether the client prefers HTML to JSON: ``text/html`` in its Accept header with a
    higher quality than ``application/json``, or as high and listed first (a browser).
    ``*/*`` alone (curl, httpx) is a JSON client."""
    best: dict[str, tuple[float, int]] = {}
    for position, item in enumerate(request.headers.get("accept", "").split(",")):
        media, _, params = item.partition(";")
        media = media.strip().lower()
        if media in ("text/html", "application/json") and media not in best:
            best[media] = (_quality(params), -position)
    html, json_ = best.get("text/html"), best.get("application/json")
    return html is not None and html[0] > 0 and (json_ is None or html > json_)


def browser_redirect(request: Request) -> RedirectResponse | None:
    """``GET /`` for a browser: 303 to the verification page (``None`` for JSON clients)."""
    return RedirectResponse("/verify", status_code=303) if wants_html(request) else None


def page_language(request: Request) -> Language:
    """The reader's language: ``?lang=`` (then kept in the page's links), else the best
    match for ``Accept-Language``, else English; times in that language's zone."""
    asked = request.query_params.get("lang")
    code = negotiate(asked, request.headers.get("accept-language"))
    chosen = asked is not None and asked.strip().lower() in LANGUAGES
    return Language(code, chosen=chosen)


def _image_language(request: Request) -> str | None:
    """``?lang=`` of a PNG download: its words in that language when the credential carries
    it (else, and without ``?lang=``, in the credential's own)."""
    asked = (request.query_params.get("lang") or "").strip().lower()
    return asked if asked in LANGUAGES else None


def _here(request: Request) -> str:
    """The page's path and query, without ``lang`` (for the language switcher)."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    # percent-encoded again (a badge id holds ':', maybe '?' or '#'), and never '//host'
    path = "/" + quote(request.url.path.lstrip("/"), safe="/")
    return path + (f"?{urlencode(query)}" if query else "")


def page_headers(lang: str = "en") -> dict[str, str]:
    """The headers of every page (``lang``: the language it is written in)."""
    return {
        "Content-Language": lang,
        "Vary": "Accept-Language",
        "Content-Security-Policy": content_security_policy(),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
    }


def _page(body: str, lang: Language, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=page_headers(lang.code))


def _problem(request: Request, problem: PageProblemError) -> HTMLResponse:
    lang = page_language(request)
    return _page(problem_html(problem.view(lang), lang, _here(request)), lang, problem.status)


# -- what this service issued --------------------------------------------------------------


def _lookup(request: Request, credential_id: str) -> dict[str, Any] | str | None:
    """The credential with this id as it was handed out (signed JSON or a VC-JWT), from
    the issued credentials, else from the micro-credential awards."""
    if not credential_id:
        return None
    stored = service_state(request).credentials.get(credential_id)
    if stored is not None:
        return stored.carrier
    award = store(request).award(credential_id)
    return award.carrier if award is not None else None


def _verify(
    state: ServiceState, source: dict[str, Any] | str | bytes, name: str
) -> VerificationReport:
    """Verify now with the service's verifier (never a cached verdict); raises
    :class:`InputError` when the input is no credential."""
    verifier, fetcher = state.verifier()
    try:
        return verifier.verify(source, name=name)
    finally:
        fetcher.close()


def _fetching(state: ServiceState) -> bool:
    """Whether the service's verifier may fetch from the network (under its policy)."""
    _, fetcher = state.verifier()
    try:
        return fetcher.online
    finally:
        fetcher.close()


def _badge_path(credential_id: str) -> str:
    return f"/badges/{quote(credential_id, safe='')}"


def _unknown(credential_id: str) -> PageProblemError:
    return PageProblemError(
        404, N_("This service has issued no badge with the id %(id)s."), id=repr(credential_id)
    )


# -- /verify -------------------------------------------------------------------------------


def _verify_page(
    request: Request,
    fetch: bool,
    *,
    status: int = 200,
    problem: PageProblemError | None = None,
    **context: Any,
) -> HTMLResponse:
    lang = page_language(request)
    body = verify_html(
        problem=problem.view(lang) if problem else None,
        fetch_enabled=fetch,
        max_upload=MAX_UPLOAD_BYTES,
        lang=lang,
        here=_here(request),
        **context,
    )
    return _page(body, lang, problem.status if problem else status)


@router.get("/verify", response_class=HTMLResponse)
def verify_page(request: Request, id: Annotated[str | None, Query()] = None) -> HTMLResponse:
    """The form; with ``id``, the verdict on the credential this service issued."""
    state = service_state(request)
    fetch = _fetching(state)
    if not id:
        return _verify_page(request, fetch)
    carrier = _lookup(request, id)
    if carrier is None:
        return _verify_page(request, fetch, problem=_unknown(id))
    report = _verify(state, carrier, id)
    return _verify_page(request, fetch, report=report, badge_page=_badge_path(id))


def _form_kind(request: Request) -> str:
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raise PageProblemError(415, N_("Send the form from this page (multipart/form-data)."))
    return media


def _text_field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _file_field(form: FormData) -> UploadFile | None:
    file = form.get("file")
    if isinstance(file, UploadFile) and (file.filename or file.size):
        return file
    return None


async def _file_source(file: UploadFile) -> tuple[bytes, str]:
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    shown = file.filename or "uploaded"
    name = f"the file {shown}"
    if len(data) > MAX_UPLOAD_BYTES:
        raise PageProblemError(
            413,
            N_("The file %(file)s is larger than %(size)s bytes."),
            file=shown,
            size=MAX_UPLOAD_BYTES,
        )
    if not data:
        raise PageProblemError(400, N_("The file %(file)s is empty."), file=shown)
    if not (is_png(data) or is_svg(data)):
        try:
            text = data.decode("utf-8").strip().lstrip("\ufeff")
        except UnicodeDecodeError:
            text = ""
        if not (text.startswith("{") or _JWS.fullmatch(text)):
            raise PageProblemError(
                415,
                N_(
                    "The file %(file)s is not a badge: give a PNG or SVG badge image, or a "
                    "JSON file."
                ),
                file=shown,
            )
    return data, name


def _local_id(url: str, base: str) -> str | None:
    """The credential id in a link to this service's own pages, if it is one."""
    if not url.startswith(base + "/"):
        return None
    parts = urlsplit(url)
    if parts.path.startswith("/badges/"):
        return unquote(parts.path.removeprefix("/badges/")) or None
    if parts.path == "/verify":
        ids = parse_qs(parts.query).get("id")
        return ids[0] if ids else None
    return None


def _url_source(request: Request, url: str) -> tuple[dict[str, Any] | str, str]:
    state = service_state(request)
    local = _local_id(url, state.settings.base_url.rstrip("/"))
    if local is not None:
        carrier = _lookup(request, local)
        if carrier is None:
            raise _unknown(local)
        return carrier, local
    if not _fetching(state):
        raise PageProblemError(
            400, N_("This service does not fetch URLs: download the badge and upload the file.")
        )
    if not url.lower().startswith("https://"):
        raise PageProblemError(400, N_("Only https:// URLs can be fetched."))
    return url, url


def _unwrapped(data: bytes) -> bytes:
    """The VC-JWT inside an EnvelopedVerifiableCredential (as ``/credentials/issue``
    answers for ``format: "jwt"``); anything else as it is."""
    if not data.lstrip().startswith(b"{") or b"EnvelopedVerifiableCredential" not in data:
        return data
    try:
        document = json.loads(data)
    except ValueError:
        return data
    found = _unwrap(document) if isinstance(document, dict) else document
    return found.encode("ascii", "replace") if isinstance(found, str) else data


async def _source(request: Request, form: FormData) -> tuple[dict[str, Any] | str | bytes, str]:
    """What the form was given to verify, and how to name it."""
    text, url, file = _text_field(form, "credential"), _text_field(form, "url"), _file_field(form)
    given = sum(1 for x in (text, url, file) if x)
    if given == 0:
        raise PageProblemError(
            400, N_("Nothing to verify: paste a badge, choose a badge file or give its URL.")
        )
    if given > 1:
        raise PageProblemError(
            400, N_("Give one badge at a time: pasted text, a file or a URL, not several.")
        )
    if file is not None:
        data, name = await _file_source(file)
        return _unwrapped(data), name
    if url:
        return _url_source(request, url)
    data = text.encode("utf-8")  # bytes: never read as a file name on this server
    if len(data) > MAX_UPLOAD_BYTES:
        raise PageProblemError(
            413, N_("The pasted text is larger than %(size)s bytes."), size=MAX_UPLOAD_BYTES
        )
    return _unwrapped(data), "the pasted text"


async def _read_form(request: Request) -> tuple[dict[str, Any] | str | bytes, str]:
    _form_kind(request)
    try:
        async with request.form(max_files=1, max_fields=4, max_part_size=MAX_UPLOAD_BYTES) as form:
            return await _source(request, form)
    except HTTPException as exc:  # the form parser's limits
        detail = str(exc.detail)
        if "maximum size" in detail or "exceeded" in detail.lower():
            raise PageProblemError(413, N_("The form is too large."), technical=detail) from None
        raise PageProblemError(400, N_("The form cannot be read."), technical=detail) from None


@router.post("/verify", response_class=HTMLResponse)
async def verify_form(request: Request) -> HTMLResponse:
    """The verdict on the pasted text, the uploaded file or the URL."""
    state = service_state(request)
    fetch = await run_in_threadpool(_fetching, state)
    try:
        source, name = await _read_form(request)
        report = await run_in_threadpool(_verify, state, source, name)
    except PageProblemError as exc:
        return _verify_page(request, fetch, problem=exc)
    except InputError as exc:
        problem = PageProblemError(
            400, N_("This is not a badge that can be verified."), technical=str(exc)
        )
        return _verify_page(request, fetch, problem=problem)
    shown = report.display.id if report.verified and report.display else None
    own = shown is not None and _lookup(request, shown) is not None
    return _verify_page(
        request, fetch, report=report, badge_page=_badge_path(shown) if own and shown else None
    )


# -- /badges/{id} --------------------------------------------------------------------------


def _file_name(credential_id: str, ext: str) -> str:
    tail = re.split(r"[:/]", credential_id.rstrip("/"))[-1]
    safe = re.sub(r"[^A-Za-z0-9._-]", "-", tail)[:60].strip(".-")
    return f"badge-{safe or 'credential'}.{ext}"


def _download(
    request: Request, credential_id: str, carrier: dict[str, Any] | str, fmt: str
) -> Response:
    """The badge as it was handed out: JSON (a VC-JWT as an EnvelopedVerifiableCredential),
    the VC-JWT itself, or a PNG with it baked in."""
    if fmt == "json":
        document = (
            carrier
            if isinstance(carrier, dict)
            else {
                "@context": [VC_V2],
                "id": f"data:application/vc+jwt,{carrier}",
                "type": "EnvelopedVerifiableCredential",
            }
        )
        body = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
        disposition = "attachment"
    elif fmt == "jwt":
        if not isinstance(carrier, str):
            message = N_("This badge was issued as JSON, not as a JWT: download the JSON.")
            return _problem(request, PageProblemError(404, message))
        body, disposition = carrier.encode("ascii"), "attachment"
    else:
        drawn = credential_badge(carrier, size=256, lang=_image_language(request))
        body, disposition = bake(drawn, carrier), "inline"
    headers = {
        "Content-Disposition": f'{disposition}; filename="{_file_name(credential_id, fmt)}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-cache",
    }
    return Response(body, media_type=_FORMATS[fmt], headers=headers)


def _linkedin_organization(state: ServiceState, display: CredentialDisplay | None) -> str | None:
    """The LinkedIn organisation id configured for the badge's issuer, if it is one of this
    service's issuers and has one."""
    issuer_id = display.issuer.get("id") if display is not None else None
    for issuer in state.issuers.values():
        if issuer.issuer_id == issuer_id:
            return issuer.settings.linkedin_organization_id
    return None


def _linkedin(
    display: CredentialDisplay | None,
    verify: str,
    credential_id: str,
    organization_id: str | None = None,
) -> str | None:
    if display is None:
        return None
    name = plain(pieces(display.name or display.achievement.get("name"))) or "Badge"
    try:
        issued = parse_datetime(display.awarded_date or display.valid_from or "")
    except ValueError:
        issued = datetime.now(UTC)
    try:
        expires = parse_datetime(display.valid_until) if display.valid_until else None
    except ValueError:
        expires = None
    return linkedin_add_to_profile_url(
        name,
        issued=issued,
        cert_url=verify,
        cert_id=credential_id,
        organization_name=plain(pieces(display.issuer.get("name"))) or None,
        organization_id=organization_id,
        expires=expires,
    )


def _find(request: Request, badge_id: str, fmt: str | None) -> tuple[str, Any, str | None]:
    """The id, the credential and the format asked for (a ``.json``, ``.png`` or ``.jwt``
    suffix names a format when the id without it is the one issued)."""
    carrier = _lookup(request, badge_id)
    if carrier is None and fmt is None:
        stem, dot, suffix = badge_id.rpartition(".")
        if dot and suffix in _FORMATS:
            carrier = _lookup(request, stem)
            if carrier is not None:
                return stem, carrier, suffix
    return badge_id, carrier, fmt


def _wallet_link(state: ServiceState, badge_id: str, offer_id: str | None) -> str | None:
    """The chooser of ``?offer=``, when that offer is open and hands over this badge."""
    offer = state.offers.offer(offer_id) if offer_id and len(offer_id) <= 200 else None
    if offer is None or offer.badge_id != badge_id or not state.offers.is_live(offer):
        return None
    return wallet_page(state, offer)


def _badge_response(request: Request, badge_id: str, carrier: Any) -> HTMLResponse:
    state = service_state(request)
    report = _verify(state, carrier, badge_id)
    base = state.settings.base_url.rstrip("/")
    path = _badge_path(badge_id)
    verify = verify_url(base, badge_id)
    downloads = [Download("json", f"{path}?format=json"), Download("png", f"{path}?format=png")]
    if isinstance(carrier, str):
        downloads.append(Download("jwt", f"{path}?format=jwt"))
    share = Share(
        page_url=f"{base}{path}",
        verify_url=verify,
        linkedin=_linkedin(
            report.display, verify, badge_id, _linkedin_organization(state, report.display)
        )
        if report.verified
        else None,
        downloads=tuple(downloads),
        qr_svg=qr_svg(verify),
        wallet=_wallet_link(state, badge_id, request.query_params.get("offer")),
    )
    lang = page_language(request)
    body = badge_html(
        report,
        share=share,
        image=f"{path}?format=png&lang={lang.code}",  # in the reader's language
        og_image=f"{base}{path}?format=png",
        service=True,
        lang=lang,
        here=_here(request),
    )
    return _page(body, lang)


@router.get("/badges/{badge_id:path}", response_model=None)
def badge_page(
    badge_id: str,
    request: Request,
    format: Annotated[str | None, Query()] = None,
) -> Response:
    """The public page of a badge this service issued, or one of its downloads."""
    found_id, carrier, fmt = _find(request, badge_id, format)
    if carrier is None:
        return _problem(request, _unknown(badge_id))
    if fmt is None or fmt == "html":
        return _badge_response(request, found_id, carrier)
    if fmt not in _FORMATS:
        message = N_("Unknown format %(format)s: use json, png or jwt.")
        return _problem(request, PageProblemError(400, message, format=repr(fmt)))
    return _download(request, found_id, carrier, fmt)


@router.get("/static/{name}", response_model=None)
def static(name: str, request: Request) -> Response:
    """The pages' own files: the copy-link script, the Thai font and its stylesheet."""
    found = static_file(name)
    if found is None:
        message = N_("There is no file %(name)s here.")
        return _problem(request, PageProblemError(404, message, name=repr(name)))
    body, media_type = found
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=3600"}
    return Response(body, media_type=media_type, headers=headers)
