"""Take the screenshots of the badge page that docs/pages.md shows (English and Thai, at a
phone's 375 px), with the system Chromium through Playwright (``pip install '.[test]'``,
``apt-get install chromium``)::

    .venv/bin/python scripts/screenshots.py   # docs/images/page-{en,th}.png, badge-{en,th}.png

The pages are the service's own (the same templates, stylesheet and bundled Thai font, as
``/badges/{id}`` renders them), for a badge awarded from a Thai micro-credential with an
English version and verified offline. Nothing is fetched: Playwright answers every request
from the package (the page, ``/static/`` files). Dates and keys are fixed, so the pictures
change only when the pages do.
"""

from __future__ import annotations

import base64
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openmicrocred.cli.demo import demo_definition
from openmicrocred.keys import Ed25519Key
from openmicrocred.microcredential import (
    Artifact,
    LearnerRecord,
    MicroCredential,
    Submission,
    Translation,
    assess,
    award,
)
from openmicrocred.present import linkedin_add_to_profile_url, qr_svg
from openmicrocred.present.i18n import language
from openmicrocred.present.images import credential_badge
from openmicrocred.present.pages import Download, Share, badge_html, static_file
from openmicrocred.verification import Verifier

if TYPE_CHECKING:
    from playwright.sync_api import Route

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images"
SITE = "https://badges.kmutt.example"
CHROMIUM = "/usr/bin/chromium"
KEY = Ed25519Key.from_seed(bytes(range(7, 39)))
ISSUER = {"id": KEY.did, "name": "มหาวิทยาลัยเทคโนโลยีพระจอมเกล้าธนบุรี (KMUTT)"}


def thai_definition() -> MicroCredential:
    """The demo's micro-credential, defined in Thai with its English version."""
    english = demo_definition()
    data = english.model_dump()
    data.update(
        name="การเล่าเรื่องด้วยข้อมูล",
        language="th",
        purpose="ผู้เรียนเปลี่ยนข้อมูลดิบให้เป็นเรื่องเล่าที่ชัดเจนและซื่อตรง ให้ผู้ตัดสินใจนำไปใช้ได้",
        competency="เล่าเรื่องด้วยข้อมูลอย่างถูกต้องและชัดเจน",
        category="วิทยาศาสตร์ข้อมูล",
        translations=[
            Translation(
                language="en",
                name=english.name,
                purpose=english.purpose,
                competency=english.competency,
                category=english.category,
            )
        ],
    )
    return MicroCredential(**data).review("ผศ.ดร. ผู้ทรงคุณวุฒิ").approve("คณะกรรมการวิชาการ")


def awarded(definition: MicroCredential) -> dict[str, Any]:
    submission = Submission(
        learner="did:example:somchai",
        answers={q.id: "คำตอบของผู้เรียน" for q in definition.questions},
        artifacts=[
            Artifact(
                requirement=a.id, name="แดชบอร์ด", url="https://example.org/w", sha256="ab" * 32
            )
            for a in definition.artifacts
        ],
        reflections={r.id: "สิ่งที่ได้เรียนรู้" for r in definition.reflections},
        submitted_at=datetime(2026, 3, 1, tzinfo=UTC),
    )
    record = LearnerRecord(definition_id=definition.id, learner=submission.learner)
    record.submit(submission)
    record.record(
        assess(
            definition,
            submission,
            assessor="อ.ดร. ผู้ประเมิน",
            question_met=dict.fromkeys(submission.answers, True),
            rubric_levels={c.id: c.passing_level for c in definition.rubric},
            reflection_met=dict.fromkeys(submission.reflections, True),
            strengths="ตั้งคำถามได้ชัดเจน",
            improvements="ระบุหน่วยบนแกนของกราฟ",
            at=datetime(2026, 3, 5, 9, 30, tzinfo=UTC),
        )
    )
    now = datetime(2026, 3, 6, 2, 15, tzinfo=UTC)
    return award(definition, record, issuer=ISSUER, key=KEY, now=now).credential


def page(credential: dict[str, Any], lang: str) -> str:
    checked = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
    report = Verifier(status_checker=None).verify(credential, at=checked)
    path = f"/badges/{credential['id']}"
    verify_url = f"{SITE}/verify?id={credential['id']}"
    png = credential_badge(credential, size=256, lang=lang)  # as /badges/{id}?format=png&lang=
    share = Share(
        page_url=SITE + path,
        verify_url=verify_url,
        linkedin=linkedin_add_to_profile_url(
            "Data Storytelling", issued=datetime(2026, 3, 6, tzinfo=UTC), cert_url=verify_url
        ),
        downloads=(Download("json", f"{path}.json"), Download("png", f"{path}.png")),
        qr_svg=qr_svg(verify_url),
    )
    image = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return badge_html(
        report, share=share, image=image, service=True, lang=language(lang), here=path
    )


def main() -> int:
    from playwright.sync_api import sync_playwright

    credential = awarded(thai_definition())
    pages = {lang: page(credential, lang) for lang in ("en", "th")}
    current = {"lang": "en"}

    def answer(route: Route) -> None:
        name = route.request.url.removeprefix(SITE).split("?")[0]
        found = static_file(name.removeprefix("/static/")) if name.startswith("/static/") else None
        if found is not None:
            route.fulfill(body=found[0], content_type=found[1])
        elif name.startswith("/badges/"):
            route.fulfill(body=pages[current["lang"]], content_type="text/html; charset=utf-8")
        else:
            route.fulfill(status=404, body="")

    OUT.mkdir(parents=True, exist_ok=True)
    for lang in pages:  # the badge images themselves, as /badges/{id}?format=png&lang= draws them
        (OUT / f"badge-{lang}.png").write_bytes(credential_badge(credential, size=512, lang=lang))
        print(f"wrote {OUT / f'badge-{lang}.png'}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox", "--disable-gpu"]
        )
        view = browser.new_context(viewport={"width": 375, "height": 1100}, device_scale_factor=2)
        tab = view.new_page()
        tab.route(f"{SITE}/**", answer)
        for lang in pages:
            current["lang"] = lang
            tab.goto(f"{SITE}/badges/{credential['id']}")
            tab.wait_for_load_state("networkidle")
            tab.evaluate("document.fonts.ready.then(() => true)")
            tab.screenshot(path=str(OUT / f"page-{lang}.png"))
            print(f"wrote {OUT / f'page-{lang}.png'}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
