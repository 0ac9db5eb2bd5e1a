"""The pages for people in a real browser: Playwright driving the system Chromium against
the service on 127.0.0.1. Skipped when Playwright or /usr/bin/chromium is missing, except
under CI=true, where that is a failure."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

from openmicrocred.bake import bake
from openmicrocred.present import badge_png
from test_service_microcredentials import Api, serve
from test_service_pages import award_badge, issue_credential, make_credential, revoke

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, FilePayload, Page

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install '.[test]')"
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    missing = _missing()
    if missing is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with serve(tmp_path_factory.mktemp("browser") / "data") as served:
        yield served


class Console:
    """What the pages reported: console messages and uncaught errors."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def watch(self, page: Page) -> Page:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"pageerror: {error}"))
        return page

    def _console(self, message: ConsoleMessage) -> None:
        self.messages.append(f"{message.type}: {message.text}")

    def csp_violations(self) -> list[str]:
        return [
            m
            for m in self.messages
            if "Content Security Policy" in m or "violates" in m or "Refused" in m
        ]


@pytest.fixture
def console() -> Console:
    return Console()


def _new_page(browser: Browser, console: Console, **context: Any) -> Page:
    page = browser.new_context(**context).new_page()
    page.set_default_timeout(20_000)
    return console.watch(page)


def _verdict(page: Page) -> str:
    return page.locator("#verdict-headline").inner_text().strip()


def test_upload_a_baked_png_then_see_it_revoked(
    browser: Browser, console: Console, site: Api
) -> None:
    secured = issue_credential(site, make_credential(site))
    page = _new_page(browser, console)
    page.goto(f"{site.base}/verify")
    baked: FilePayload = {
        "name": "badge.png",
        "mimeType": "image/png",
        "buffer": bake(badge_png(), secured),
    }
    page.set_input_files("#file", files=[baked])
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert _verdict(page) == "VERIFIED"
    assert "Who signed it" in page.locator(".verdict").inner_text()
    # the checks behind the verdict open with the keyboard-usable toggle
    page.click("details.checks summary")
    assert page.locator("details.checks table").is_visible()

    page.goto(f"{site.base}/verify?id={quote(secured['id'], safe='')}")
    assert _verdict(page) == "VERIFIED"
    revoke(site, secured["id"])
    page.reload()
    assert _verdict(page) == "REVOKED"
    assert console.csp_violations() == []


def test_the_badge_page_fits_a_phone(browser: Browser, console: Console, site: Api) -> None:
    badge_id = award_badge(site)
    page = _new_page(browser, console, viewport={"width": 375, "height": 800})
    page.goto(f"{site.base}/badges/{quote(badge_id, safe='')}")
    page.wait_for_load_state("networkidle")
    assert _verdict(page) == "VERIFIED"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # the badge image (this service's PNG) loaded under the policy
    assert page.evaluate("document.querySelector('.badge-head img').naturalWidth") > 0
    # the copy-link script ran (script-src 'self'), so its button shows
    assert page.locator("button[data-copy]").is_visible()
    page.goto(f"{site.base}/verify")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert console.csp_violations() == [], console.messages


def test_the_form_is_usable_with_the_keyboard(
    browser: Browser, console: Console, site: Api
) -> None:
    page = _new_page(browser, console)
    page.goto(f"{site.base}/verify")
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id || document.activeElement.type"))
        if page.evaluate("document.activeElement.type") == "submit":
            break
    assert page.evaluate("document.activeElement.type") == "submit", reached
    assert {"credential", "url"} <= set(reached)
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")  # an empty form: a page that says so
    page.wait_for_load_state()
    assert "Nothing to verify" in page.locator("[role=alert]").inner_text()
    assert console.csp_violations() == [], console.messages


# -- Thai and English (issue 14) -------------------------------------------------------------


def thai_badge(site: Api) -> str:
    """A Thai badge with an English version, issued by the service: its id."""
    from test_multilingual import _award, thai_definition

    credential = _award(thai_definition())
    del credential["proof"]
    credential["issuer"]["id"] = make_credential(site)["issuer"]["id"]
    secured = issue_credential(site, credential)
    badge_id: str = secured["id"]
    return badge_id


def _rendered_fonts(page: Page, selector: str) -> list[dict[str, Any]]:
    """The fonts Chromium really drew ``selector``'s text with (DevTools' CSS domain)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts: list[dict[str, Any]] = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return fonts


_MARK_WIDTHS = """() => {
  const width = (text) => {
    const span = document.createElement('span');
    span.textContent = text;
    document.querySelector('h1').appendChild(span);
    const w = span.getBoundingClientRect().width;
    span.remove();
    return w;
  };
  return [width('\u0e01'), width('\u0e01\u0e48'), width('\u0e1b\u0e31\u0e49\u0e19'),
          width('\u0e1b\u0e19')];
}"""


def test_the_thai_badge_page_fits_a_phone_and_draws_thai_shaped(
    browser: Browser, console: Console, site: Api
) -> None:
    badge_id = thai_badge(site)
    page = _new_page(browser, console, viewport={"width": 375, "height": 800}, locale="th-TH")
    page.goto(f"{site.base}/badges/{quote(badge_id, safe='')}")
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    assert page.evaluate("document.documentElement.lang") == "th"  # from Accept-Language
    assert _verdict(page) == "ผ่านการตรวจสอบ"
    assert page.locator("h1 [lang=th]").inner_text() == "การเล่าเรื่องด้วยข้อมูล"
    assert page.locator('.md[lang="en"] h3').first.inner_text() == "In English"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # Thai is drawn with the bundled Sarabun (served under the policy), not tofu or a
    # fallback font, for the page's words and the credential's
    for selector in ("#verdict-headline", "h1 [lang=th]"):
        used = _rendered_fonts(page, selector)
        assert [f["familyName"] for f in used if f["isCustomFont"]] == ["Sarabun"], used
    # shaped: a tone mark and an upper vowel take no width of their own, they sit on
    # their consonant (unshaped, each would be a glyph or a dotted circle beside it)
    alone, with_mark, stacked, bare = page.evaluate(_MARK_WIDTHS)
    assert with_mark == pytest.approx(alone, abs=0.01)
    assert stacked == pytest.approx(bare, abs=0.01)
    # the form in Thai fits too, and its words are Thai
    page.goto(f"{site.base}/verify")
    assert page.evaluate("document.documentElement.lang") == "th"
    assert "ตรวจสอบเหรียญตรา" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert console.csp_violations() == [], console.messages


_TEXT_COLOURS = """() => {
  const opaque = (el) => {
    for (; el; el = el.parentElement) {
      const bg = getComputedStyle(el).backgroundColor;
      if (bg && bg !== 'transparent' && !bg.endsWith(', 0)')) return bg;
    }
    return 'rgb(255, 255, 255)';
  };
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    found.push([el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''),
                style.color, opaque(el), el.textContent.trim().slice(0, 30)]);
  }
  return found;
}"""


def _rgb(css: str) -> tuple[float, float, float]:
    r, g, b = (float(v) for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3])
    return r, g, b


def _luminance(css: str) -> float:
    channels = [c / 255 for c in _rgb(css)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(fg: str, bg: str) -> float:
    high, low = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("lang", ["en", "th"])
def test_every_text_on_the_pages_reaches_aa_contrast(
    browser: Browser, console: Console, site: Api, lang: str
) -> None:
    """WCAG 2.1 AA, 4.5:1, for every element with text, from the colours Chromium computed
    from the CSS (its own and its nearest opaque background)."""
    page = _new_page(browser, console)
    revoked = award_badge(site)
    revoke(site, revoked)
    paths = [
        f"/badges/{quote(thai_badge(site), safe='')}",
        f"/badges/{quote(revoked, safe='')}",
        "/verify",
    ]
    pairs = []
    for path in paths:
        page.goto(f"{site.base}{path}?lang={lang}")
        page.wait_for_load_state("networkidle")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        pairs += page.evaluate(_TEXT_COLOURS)
    assert len(pairs) > 60
    low = [(what, fg, bg, text) for what, fg, bg, text in pairs if _contrast(fg, bg) < 4.5]
    assert low == []
    assert console.csp_violations() == [], console.messages
