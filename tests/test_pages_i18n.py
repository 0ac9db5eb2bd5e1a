"""Thai and English words (issue 14): the catalogs, the choice of language, dates with
Buddhist-era years, the pages in Thai over a real server, and ``verify --lang th``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from openmicrocred.keys import Ed25519Key
from openmicrocred.present import words
from openmicrocred.present.i18n import LOCALE_DIR, accept_languages, format_when, negotiate
from openmicrocred.suites.data_integrity import add_proof
from openmicrocred.verification.report import CheckCode, Verdict
from test_service_microcredentials import Api, serve
from test_service_pages import _text, award_badge, issue_credential, make_credential

from conftest import SPEC, load

THAI = re.compile(r"[\u0e00-\u0e7f]")
ROOT = Path(__file__).resolve().parents[1]


# -- the catalogs --------------------------------------------------------------------------


def _po(lang: str) -> dict[str, str]:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    assert not [m.id for m in catalog if m.id and m.fuzzy], f"fuzzy entries in {lang}"
    return {str(m.id): str(m.string) for m in catalog if m.id}


def test_every_message_has_english_and_thai() -> None:
    english, thai = _po("en"), _po("th")
    assert len(english) > 200
    assert set(english) == set(thai)
    assert [k for k, v in english.items() if not v] == []
    assert [k for k, v in thai.items() if not v] == []
    # Thai words in Thai script, with the same %(name)s placeholders as the English
    untranslated = [k for k, v in thai.items() if not THAI.search(v)]
    assert set(untranslated) <= {"Open Badges 3.0 · openmicrocred"}, untranslated
    for msgid, msgstr in thai.items():
        assert set(re.findall(r"%\(\w+\)s", msgid)) == set(re.findall(r"%\(\w+\)s", msgstr))


@pytest.mark.parametrize("lang", ["en", "th"])
def test_the_compiled_catalog_is_up_to_date(lang: str) -> None:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.mo").open("rb") as f:
        compiled = {str(m.id): str(m.string) for m in read_mo(f) if m.id}
    assert compiled == _po(lang)


def test_the_catalog_has_every_message_of_the_code(tmp_path: Path) -> None:
    """The extraction (babel.cfg) finds nothing that the catalog lacks."""
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "--no-location",
            "-o",
            str(template),
            ".",
        ],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    with template.open("rb") as f:
        extracted = {m.id for m in read_po(f) if m.id}
    assert extracted == set(_po("th"))


def test_the_catalog_script_finds_the_catalogs_complete() -> None:
    """``scripts/catalogs.py check`` (the documented way to refresh them) agrees, and writes
    nothing."""
    before = {p: p.read_bytes() for p in LOCALE_DIR.rglob("messages.*")}
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "catalogs.py"), "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert {p: p.read_bytes() for p in LOCALE_DIR.rglob("messages.*")} == before


def test_every_verdict_and_check_code_has_a_plain_sentence() -> None:
    assert set(Verdict) <= set(words.VERDICT_WORDS)
    assert set(CheckCode) == set(words.CHECK_SENTENCES)
    technical = re.compile(r"did:|json-?ld|errno|\[|resolve", re.IGNORECASE)
    for sentence in [
        *words.CHECK_SENTENCES.values(),
        *(s for _, s in words.VERDICT_WORDS.values()),
    ]:
        assert not technical.search(sentence), sentence
    assert words.TONES[Verdict.UNVERIFIABLE] == "unknown"  # grey, never the red of forged


# -- choosing the language -----------------------------------------------------------------


def test_negotiation() -> None:
    assert negotiate() == "en"
    assert negotiate("th") == "th"
    assert negotiate("TH", "en") == "th"  # ?lang= first
    assert negotiate("en", "th") == "en"
    assert negotiate("fr", "th-TH,th;q=0.9") == "th"  # an unknown ?lang= is ignored
    assert negotiate(None, "th-TH,th;q=0.9,en-US;q=0.8,en;q=0.7") == "th"
    assert negotiate(None, "en;q=0.5, th;q=0.8") == "th"  # by q, not by order
    assert negotiate(None, "th;q=0, en") == "en"
    assert negotiate(None, "fr-FR, de;q=0.9") == "en"  # none known: English
    assert negotiate(None, "*") == "en"
    assert negotiate(None, "x" * 5000) == "en"
    assert accept_languages("da, en-gb;q=0.8, en;q=0.7") == ["da", "en-gb", "en"]
    assert accept_languages("th;q=abc, en") == ["en"]


# -- dates ---------------------------------------------------------------------------------


def test_dates_in_the_readers_words_and_zone() -> None:
    moment = "2026-12-03T20:05:07.123456Z"
    assert format_when(moment, "en") == "3 December 2026, 20:05 UTC"
    # Thai: Bangkok time (the next day here) and the Buddhist-era year, พ.ศ. = ค.ศ. + 543
    assert format_when(moment, "th") == "4 ธันวาคม พ.ศ. 2569 เวลา 03:05 น. (เวลาไทย)"
    assert format_when("2026-01-31", "th") == "31 มกราคม พ.ศ. 2569"
    assert format_when(moment, "en", "Asia/Bangkok") == "4 December 2026, 03:05 Thailand Time"
    assert format_when("not a date", "th") == "not a date"
    assert format_when("", "th") is None


# -- the pages in Thai ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with serve(tmp_path_factory.mktemp("i18n") / "data") as served:
        yield served


def test_the_badge_page_in_thai(site: Api) -> None:
    path = f"/badges/{quote(award_badge(site), safe='')}"
    answer = site.http.get(path, headers={"Accept-Language": "th-TH,th;q=0.9,en;q=0.5"})
    assert answer.status_code == 200
    assert answer.headers["content-language"] == "th"
    assert answer.headers["vary"] == "Accept-Language"
    page, text = answer.text, _text(answer.text)
    assert '<html lang="th">' in page
    assert "ผ่านการตรวจสอบ" in text
    assert "ผู้ออกเป็นผู้ลงนาม ไม่ถูกแก้ไข ยังมีผล และไม่ถูกเพิกถอน" in text
    assert "ไมโครเครดิต" in text  # the achievement type, named in Thai
    assert re.search(r"ได้รับเมื่อ \d{1,2} \S+ พ\.ศ\. 25\d\d เวลา \d\d:\d\d น\.", text)
    assert not re.search(r"\d\d:\d\d:\d\d", text.split("รายการตรวจที่ใช้สรุปผลนี้")[0])
    # the switcher: to English, and back to Thai
    assert f'href="{path}?lang=en" lang="en"' in page
    assert '<span lang="th" aria-current="true">ไทย</span>' in page
    # credential content keeps its own language (English here), marked per element
    assert '<span lang="en">' in page or "Data Storytelling" in text


def test_lang_in_the_query_wins_and_is_kept(site: Api) -> None:
    answer = site.http.get("/verify?lang=th", headers={"Accept-Language": "en"})
    assert answer.headers["content-language"] == "th"
    assert 'action="/verify?lang=th"' in answer.text
    assert "ตรวจสอบเหรียญตรา" in _text(answer.text)
    english = site.http.get("/verify?lang=en", headers={"Accept-Language": "th"})
    assert english.headers["content-language"] == "en"
    assert '<html lang="en">' in english.text
    unknown = site.http.get("/verify?lang=xx", headers={"Accept-Language": "fr"})
    assert unknown.headers["content-language"] == "en"


def test_a_problem_in_thai_keeps_the_technical_text_in_details(site: Api) -> None:
    answer = site.http.post(
        "/verify?lang=th", data={"credential": '{"broken": '}, files={"file": ("", b"", "")}
    )
    assert answer.status_code == 400
    page = answer.text
    assert "สิ่งนี้ไม่ใช่เหรียญตราที่ตรวจสอบได้" in _text(page)
    [alert] = re.findall(r'<div class="alert".*?</div>', page, re.DOTALL)
    headline = alert.split("<details", 1)[0]
    assert "JSON" not in headline
    assert "not valid JSON" in alert.split("<details", 1)[1]


def test_could_not_check_is_grey_and_plain(site: Api) -> None:
    """A did:web issuer that cannot be resolved: no DNS message in the verdict box."""
    credential = make_credential(site)
    secured = issue_credential(site, credential)
    secured["proof"]["verificationMethod"] = "did:web:unreachable.invalid#key-1"
    secured["issuer"]["id"] = "did:web:unreachable.invalid"
    answer = site.http.post(
        "/verify?lang=th",
        data={"credential": json.dumps(secured)},
        files={"file": ("", b"", "")},
    )
    [verdict] = re.findall(r'<section class="verdict.*?</section>', answer.text, re.DOTALL)
    assert "verdict-bad" not in verdict or "ปลอม" in verdict
    for technical in ("Errno", "cannot resolve", "did:web:"):
        assert technical not in verdict


# -- the CLI -------------------------------------------------------------------------------


def _signed(tmp_path: Path) -> Path:
    credential = load(SPEC / "ob3-basic.unsigned.json")
    key = Ed25519Key.generate()
    credential["issuer"]["id"] = key.did
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(add_proof(credential, key)), encoding="utf-8")
    return path


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "openmicrocred", *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", **(env or {})},
        check=False,
    )


def test_cli_verify_in_thai(tmp_path: Path) -> None:
    badge = str(_signed(tmp_path))
    thai = _cli("verify", "--offline", "--lang", "th", badge)
    assert thai.returncode == 0, thai.stderr
    first, second = thai.stdout.splitlines()[:2]
    assert first.startswith("ผ่านการตรวจสอบ — กุญแจที่สร้างขึ้นเอง")
    assert second.strip() == "ผู้ออกเป็นผู้ลงนาม ไม่ถูกแก้ไข ยังมีผล และไม่ถูกเพิกถอน"
    from_env = _cli("verify", "--offline", badge, env={"LANG": "th_TH.UTF-8"})
    assert from_env.stdout.splitlines()[0] == first
    english = _cli("verify", "--offline", badge, env={"LANG": "C.UTF-8"})
    assert english.stdout.startswith("VERIFIED")


def test_cli_start_does_not_import_babel() -> None:
    code = (
        "import sys; from openmicrocred.cli import _parser; "
        "_parser(['verify', 'x']).parse_args(['verify', 'x']); print('babel' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_badge_image_speaks_the_readers_language(site: Api) -> None:
    from openmicrocred.bake import unbake
    from test_browser import thai_badge

    badge_id = thai_badge(site)
    path = f"/badges/{quote(badge_id, safe='')}"
    page = site.http.get(f"{path}?lang=en").text
    assert f'<img src="{path}?format=png&amp;lang=en"' in page
    english, thai = (site.http.get(f"{path}?format=png&lang={lang}") for lang in ("en", "th"))
    assert english.status_code == thai.status_code == 200
    assert english.content != thai.content  # "Data Storytelling" / "การเล่าเรื่องด้วยข้อมูล"
    assert json.loads(unbake(english.content)) == json.loads(unbake(thai.content))
    # without ?lang= (a link preview, a download): the credential's own language, Thai
    assert site.http.get(f"{path}?format=png").content == thai.content


def test_link_previews_say_the_language_and_describe_the_image(site: Api) -> None:
    from test_browser import thai_badge

    path = f"/badges/{quote(thai_badge(site), safe='')}"
    for lang, locale, alt in (
        ("th", "th_TH", "เหรียญตราไมโครเครดิต “การเล่าเรื่องด้วยข้อมูล” ออกโดย"),
        ("en", "en_US", "Micro-credential badge “การเล่าเรื่องด้วยข้อมูล”, issued by"),
    ):
        page = site.http.get(f"{path}?lang={lang}").text
        assert f'<meta property="og:locale" content="{locale}">' in page
        [image_alt] = re.findall(r'<meta property="og:image:alt" content="([^"]*)">', page)
        assert image_alt.startswith(alt)
        assert f'alt="{image_alt}"' in page  # the same words as the page's own image
