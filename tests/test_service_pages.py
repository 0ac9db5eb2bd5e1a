"""The pages for people (issue 13): /verify and /badges/{id}, against the service as it
runs (uvicorn on 127.0.0.1, real HTTP requests)."""

from __future__ import annotations

import base64
import copy
import hashlib
import html
import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from openmicrocred.bake import bake, unbake
from openmicrocred.present import badge_png, badge_svg
from openmicrocred.present.pages import content_security_policy, style_source
from test_service_microcredentials import Api, serve

from conftest import SPEC, load

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PAGE_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with serve(tmp_path_factory.mktemp("pages") / "data") as served:
        yield served


def _issuer(site: Api) -> str:
    issuer: str = site.app.state.service.issuer_id
    return issuer


def make_credential(site: Api, **changes: Any) -> dict[str, Any]:
    credential: dict[str, Any] = load(SPEC / "ob3-basic.unsigned.json")
    credential["issuer"]["id"] = _issuer(site)
    credential["id"] = f"urn:uuid:{uuid.uuid4()}"
    credential.update(changes)
    return credential


def issue_credential(site: Api, credential: dict[str, Any], **options: Any) -> Any:
    answer = site.http.post(
        "/credentials/issue",
        json={"credential": credential, "options": options},
        headers=site.auth("issue", "status"),
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["verifiableCredential"]


def revoke(site: Api, credential_id: str) -> None:
    """Revoke through the VC-API (a token with the status scope)."""
    change = {
        "credentialId": credential_id,
        "credentialStatus": [{"type": "BitstringStatusListCredential", "status": "revoked"}],
    }
    answer = site.http.post(
        "/credentials/status", json=change, headers=site.auth("issue", "status")
    )
    assert answer.status_code == 200, answer.text


def jwt_of(secured: dict[str, Any]) -> str:
    return str(secured["id"]).partition(",")[2]


def _page(response: httpx.Response, status: int = 200) -> str:
    assert response.status_code == status, response.text[:2000]
    assert response.headers["content-type"].startswith("text/html")
    _assert_page_headers(response)
    return response.text


def _assert_page_headers(response: httpx.Response) -> None:
    for name, value in PAGE_HEADERS.items():
        assert response.headers[name] == value, name
    policy = response.headers["content-security-policy"]
    assert policy == content_security_policy()
    for part in (
        "default-src 'none'",
        "img-src 'self' data:",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "script-src 'self'",
    ):
        assert part in policy
    assert "unsafe-inline" not in policy
    # The one inline style is allowed by its hash; there is no inline script.
    [style] = re.findall(r"<style>(.*?)</style>", response.text, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy
    assert not re.search(r"<script(?![^>]*\bsrc=\"/static/)", response.text)
    assert " style=" not in response.text
    assert " on" + "click=" not in response.text


def _post(site: Api, **form: Any) -> httpx.Response:
    files = form.pop("files", None)
    # Always multipart, as the page's form sends it.
    return site.http.post("/verify", data=form, files=files or {"file": ("", b"", "")})


def _text(page: str) -> str:
    """The page's text: tags removed, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_verify_form(site: Api) -> None:
    page = _page(site.http.get("/verify"))
    assert '<form method="post" action="/verify" enctype="multipart/form-data">' in page
    for field in ("credential", "file", "url"):
        assert f'<label for="{field}">' in page
        assert f'id="{field}" name="{field}"' in page
    assert '<button type="submit" class="button">Verify</button>' in page
    assert "from public addresses only" in page  # the service's verifier fetches (https)


def test_pasted_json_verifies_with_who_signed_it(site: Api) -> None:
    secured = issue_credential(site, make_credential(site))
    page = _page(_post(site, credential=json.dumps(secured)))
    text = _text(page)
    assert "VERIFIED Signed by its issuer, unaltered, valid and not revoked." in text
    assert "Who signed it: a self-made key: the name “Example Corp” is the issuer's own " in text
    # the verdict is in plain words: the DID of the key only under the checks' details
    [verdict] = re.findall(r'<section class="verdict.*?</section>', page, re.DOTALL)
    assert "did:key:" not in verdict
    assert "did:key:" in page.split('<details class="checks">')[1]
    assert "Teamwork Badge" in text
    assert '<details class="checks">' in page
    assert f'href="/badges/{quote(secured["id"], safe="")}"' in page


def test_pasted_jwt_verifies(site: Api) -> None:
    enveloped = issue_credential(site, make_credential(site), format="jwt")
    page = _page(_post(site, credential=jwt_of(enveloped)))
    assert "VERIFIED Signed by its issuer" in _text(page)
    # The enveloped form, as /credentials/issue answers it, is unwrapped.
    page = _page(_post(site, credential=json.dumps(enveloped)))
    assert "VERIFIED Signed by its issuer" in _text(page)


@pytest.mark.parametrize(("kind", "image"), [("png", badge_png(64)), ("svg", badge_svg("B"))])
def test_uploaded_baked_badges_verify(site: Api, kind: str, image: bytes) -> None:
    secured = issue_credential(site, make_credential(site))
    baked = bake(image, secured)
    media = "image/png" if kind == "png" else "image/svg+xml"
    page = _page(_post(site, files={"file": (f"badge.{kind}", baked, media)}))
    assert "VERIFIED Signed by its issuer" in _text(page)
    json_file = json.dumps(secured).encode()
    page = _page(_post(site, files={"file": ("badge.json", json_file, "application/json")}))
    assert "VERIFIED Signed by its issuer" in _text(page)


def test_a_tampered_badge_is_forged_not_revoked(site: Api) -> None:
    secured = issue_credential(site, make_credential(site))
    secured["name"] = "Leadership Badge"
    text = _text(_page(_post(site, credential=json.dumps(secured))))
    assert "NOT VERIFIED: forged or altered" in text
    assert "Do not rely on it" in text
    assert "REVOKED" not in text
    assert "It is not verified: do not rely on it." in text  # the claims are marked as such


def test_revoked_shows_at_once_on_the_id_page(site: Api) -> None:
    secured = issue_credential(site, make_credential(site))
    path = f"/verify?id={quote(secured['id'], safe='')}"
    assert "VERIFIED Signed by its issuer" in _text(_page(site.http.get(path)))
    revoke(site, secured["id"])
    text = _text(_page(site.http.get(path)))
    assert "REVOKED Authentic, but its issuer has revoked it." in text
    assert "forged" not in text
    badge = _text(_page(site.http.get(f"/badges/{quote(secured['id'], safe='')}")))
    assert "REVOKED" in badge
    assert "Add to LinkedIn" not in badge  # only a verified badge is offered for a profile


def award_badge(site: Api) -> str:
    key = f"pages-{uuid.uuid4().hex[:8]}"
    site.published(key)
    eid = site.passed(key, "did:example:somchai")
    awarded = site.platform("POST", f"/enrolments/{eid}/award")
    assert awarded.status_code == 201, awarded.text
    badge_id: str = awarded.json()["id"]
    return badge_id


def test_the_badge_page_shows_the_badge(site: Api) -> None:
    badge_id = award_badge(site)
    path = f"/badges/{quote(badge_id, safe='')}"
    page = _page(site.http.get(path))
    text = _text(page)
    assert "VERIFIED Signed by its issuer" in text
    assert "MICRO-CREDENTIAL" in text.upper()
    assert "Micro-credential" in text
    assert "Data Storytelling" in text
    assert "Turn a data set into a story decision makers act on." in text
    # criteria, rendered from markdown; headings below the page's own
    assert "<h4>Purpose</h4>" in page
    assert "<li>Frame a question</li>" in page
    # the alignment, as a link
    assert '<a href="https://kmutt.example/plo/3" rel="nofollow noopener noreferrer">' in page
    # results with the rubric level and points; evidence; the assessor's feedback
    assert "Narrative Proficient (3 points) Proficient" in text
    assert "Part 1: answers to the overview questions" in text
    assert "Which districts flood?" in text
    assert "A sharp question." in text
    assert "Label the axes." in text
    assert "Assessed by Aj. Assessor" in text
    # dates for people, to the minute
    assert re.search(r"Awarded \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d UTC", text)
    assert not re.search(r"\d\d:\d\d:\d\d", text.split("The checks behind")[0])
    assert "Awarded to did:example:somchai" in text
    # sharing
    base = site.base
    for tag, value in (
        ("og:title", "Data Storytelling"),
        ("og:url", f"{base}{path}"),
        ("og:image", f"{base}{path}?format=png"),
        ("og:description", "Turn a data set into a story decision makers act on."),
    ):
        assert f'<meta property="{tag}" content="{value}' in page, tag
    assert '<meta name="twitter:card" content="summary">' in page
    linkedin = re.search(r'href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', page)
    assert linkedin is not None
    assert "Data+Storytelling" in linkedin.group(1)
    assert quote(f"{base}/verify?id={quote(badge_id, safe='')}", safe="") in linkedin.group(1)
    assert 'data-copy="page-link"' in page
    assert 'src="/static/copy.js"' in page
    assert "<svg" in page  # the QR code of the verification link


def test_the_badge_downloads(site: Api) -> None:
    badge_id = award_badge(site)
    path = f"/badges/{quote(badge_id, safe='')}"
    stored = site.app.state.service.credentials.get(badge_id).carrier
    page = site.http.get(path).text
    for href in re.findall(r'class="button" href="([^"]+)" download', page):
        assert site.http.get(html.unescape(href)).status_code == 200, href
    as_json = site.http.get(f"{path}?format=json")
    assert as_json.headers["content-type"].startswith("application/vc+ld+json")
    assert as_json.headers["content-disposition"].startswith("attachment;")
    assert as_json.json() == stored
    assert site.http.get(f"{path}.json").json() == stored  # the suffix form
    png = site.http.get(f"{path}?format=png")
    assert png.headers["content-type"] == "image/png"
    assert json.loads(unbake(png.content)) == stored
    assert site.http.get(f"{path}.png").content == png.content
    assert _page(site.http.get(f"{path}?format=jwt"), 404)  # issued as JSON
    assert _page(site.http.get(f"{path}?format=pdf"), 400)


def test_a_jwt_badge_downloads_as_issued(site: Api) -> None:
    enveloped = issue_credential(site, make_credential(site), format="jwt")
    token = jwt_of(enveloped)
    credential_id = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))["id"]
    path = f"/badges/{quote(credential_id, safe='')}"
    assert "Download JWT" in _page(site.http.get(path))
    assert site.http.get(f"{path}?format=jwt").text == token
    assert site.http.get(f"{path}?format=json").json() == enveloped
    assert unbake(site.http.get(f"{path}?format=png").content) == token


HOSTILE_CRITERIA = (
    "## Steps\n\n<script>alert('criteria')</script>\n\n"
    '<img src="x" onerror="alert(1)">\n\n'
    "[click me](javascript:alert(1)) and [fine](https://example.org/ok) "
    "and <javascript:alert(2)> and ![pixel](https://tracker.example/p.png)"
)


def test_hostile_content_is_inert(site: Api) -> None:
    credential = make_credential(site)
    credential["issuer"]["name"] = "<script>alert('issuer')</script>"
    achievement = credential["credentialSubject"]["achievement"]
    achievement["name"] = "Team<b>work</b>"
    achievement["criteria"]["narrative"] = HOSTILE_CRITERIA
    achievement["alignment"] = [
        {"type": ["Alignment"], "targetName": "Bad", "targetUrl": "javascript:alert(3)"},
    ]
    secured = issue_credential(site, credential)
    for response in (
        site.http.get(f"/badges/{quote(secured['id'], safe='')}"),
        _post(site, credential=json.dumps(secured)),
    ):
        page = _page(response)
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(&#39;issuer&#39;)&lt;/script&gt;" in page
        assert "Team&lt;b&gt;work&lt;/b&gt;" in page
        assert "&lt;script&gt;alert('criteria')&lt;/script&gt;" in page
        assert '<img src="x"' not in page
        assert "&lt;img src=&quot;x&quot;" in page
        assert "tracker.example" not in re.findall(r'src="([^"]*)"', page).__str__()
        hrefs = re.findall(r'href="([^"]*)"', page)
        assert not [h for h in hrefs if "javascript" in h.lower()], hrefs
        assert "https://example.org/ok" in hrefs
        assert "javascript:alert(3)" in page  # shown as text only


def _contrast(foreground: str, background: str) -> float:
    def luminance(colour: str) -> float:
        value = colour.lstrip("#")
        if len(value) == 3:
            value = "".join(c * 2 for c in value)
        channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _declaration(body: str, name: str) -> str | None:
    found = re.search(rf"(?:^|;)\s*{name}\s*:\s*(#[0-9a-fA-F]{{3,6}})\b", body)
    return found.group(1) if found else None


def test_every_colour_pair_has_enough_contrast() -> None:
    rules = re.findall(r"([^{}]+)\{([^{}]*)\}", style_source())
    body = next(b for s, b in rules if s.strip() == "body")
    page_fg, page_bg = _declaration(body, "color"), _declaration(body, "background")
    assert page_fg
    assert page_bg
    pairs = []
    for selector, declarations in rules:
        fg = _declaration(declarations, "color")
        bg = _declaration(declarations, "background")
        if fg or bg:
            pairs.append((selector.strip(), fg or page_fg, bg or page_bg))
    assert len(pairs) > 15
    low = {s: round(_contrast(f, b), 2) for s, f, b in pairs if _contrast(f, b) < 4.5}
    assert low == {}
    # focus outlines are visible (3:1 against the page at least)
    outlines = re.findall(r"outline:\s*\d+px solid (#[0-9a-fA-F]{3,6})", style_source())
    assert outlines
    assert all(_contrast(c, page_bg) >= 3 for c in outlines)
    # long ids and URLs wrap rather than widen a phone's screen
    assert "overflow-wrap:anywhere" in style_source()


def _problem(response: httpx.Response, status: int, words: str) -> None:
    page = _page(response, status)
    assert 'role="alert"' in page
    assert words in _text(page), _text(page)[:1500]
    assert "Traceback" not in page


def test_bad_input_gets_a_page_naming_the_problem(site: Api) -> None:
    _problem(_post(site, credential='{"broken": '), 400, "not valid JSON")
    _problem(_post(site, credential="hello"), 400, "neither a JSON credential nor a compact JWS")
    plain = {"file": ("plain.png", badge_png(32), "image/png")}
    _problem(_post(site, files=plain), 400, "holds no Open Badges credential")
    pdf = {"file": ("report.pdf", b"%PDF-1.4 not a badge", "application/pdf")}
    _problem(_post(site, files=pdf), 415, "report.pdf is not a badge")
    big = {"file": ("big.png", b"\x89PNG\r\n\x1a\n" + bytes(1_500_000), "image/png")}
    _problem(_post(site, files=big), 413, "larger than 1000000 bytes")
    _problem(_post(site), 400, "Nothing to verify")
    _problem(_post(site, credential="{}", url="https://example.org/b"), 400, "one badge at a time")
    _problem(_post(site, url="http://example.org/badge.json"), 400, "Only https:// URLs")
    wrong_type = site.http.post("/verify", json={"credential": "{}"})
    _problem(wrong_type, 415, "Send the form from this page")
    _problem(site.http.get("/verify?id=urn:uuid:nobody"), 404, "issued no badge with the id")
    _problem(site.http.get("/badges/urn:uuid:nobody"), 404, "issued no badge with the id")


def test_a_link_to_this_service_is_looked_up_not_fetched(site: Api) -> None:
    secured = issue_credential(site, make_credential(site))
    for link in (
        f"{site.base}/badges/{quote(secured['id'], safe='')}",
        f"{site.base}/verify?id={quote(secured['id'], safe='')}",
    ):
        assert "VERIFIED Signed by its issuer" in _text(_page(_post(site, url=link)))


def test_the_front_door(site: Api) -> None:
    browser = site.http.get("/", headers={"Accept": BROWSER}, follow_redirects=False)
    assert browser.status_code == 303
    assert browser.headers["location"] == "/verify"
    for accept in ("application/json", "*/*", "application/json, text/html"):
        answer = site.http.get("/", headers={"Accept": accept})
        assert answer.status_code == 200
        assert answer.json()["verifyPage"] == "/verify"
    preferred = site.http.get(
        "/", headers={"Accept": "application/json;q=0.5, text/html"}, follow_redirects=False
    )
    assert preferred.status_code == 303


def test_the_copy_script(site: Api) -> None:
    script = site.http.get("/static/copy.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert script.headers["x-content-type-options"] == "nosniff"
    assert "clipboard" in script.text
    assert site.http.get("/static/../pages.py").status_code == 404


def test_a_language_map_keeps_its_languages(site: Api, tmp_path: Path) -> None:
    credential = make_credential(site)
    achievement = credential["credentialSubject"]["achievement"]
    achievement["inLanguage"] = "en"
    credential["name"] = "Teamwork"
    achievement["description"] = {"@value": "การทำงานเป็นทีม", "@language": "th"}
    secured = issue_credential(site, copy.deepcopy(credential))
    page = _page(site.http.get(f"/badges/{quote(secured['id'], safe='')}"))
    assert '<span lang="th">การทำงานเป็นทีม</span>' in page
    # the achievement's language (inLanguage) on each text that has no tag of its own
    assert '<h1 class="title"><span lang="en">Teamwork</span></h1>' in page
