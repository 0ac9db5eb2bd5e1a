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
