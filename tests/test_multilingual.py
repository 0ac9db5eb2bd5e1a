"""A micro-credential defined in Thai and English: one badge carrying both (OB 3.0 ``inLanguage``
and ``related``), signed, verified, JSON-LD safe, lossless through the models; headings from the
narrative catalog in the definition's language."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from openmicrocred import parse_credential
from openmicrocred.cli.demo import demo_definition
from openmicrocred.jsonld import check_safe
from openmicrocred.keys import Ed25519Key
from openmicrocred.microcredential import (
    Artifact,
    LearnerRecord,
    MicroCredential,
    Submission,
    Translation,
    assess,
    award,
    criteria_narrative,
)
from openmicrocred.microcredential.narrative import (
    LANGUAGES,
    NARRATIVE,
    feedback_narrative,
    words_for,
)
from openmicrocred.present.images import badge_face
from openmicrocred.schema import schema_errors
from openmicrocred.verification import Verifier

KEY = Ed25519Key.from_seed(bytes(range(3, 35)))
ISSUER = {"id": KEY.did, "name": "มหาวิทยาลัยเทคโนโลยีพระจอมเกล้าธนบุรี"}
THAI_NAME = "การเล่าเรื่องด้วยข้อมูล"
THAI_PURPOSE = "ผู้เรียนเล่าเรื่องจากข้อมูลจริงให้ผู้ตัดสินใจเข้าใจได้"


def thai_definition() -> MicroCredential:
    english = demo_definition()
    data = english.model_dump()
    data.update(
        name=THAI_NAME,
        language="th",
        purpose=THAI_PURPOSE,
        competency="เล่าเรื่องด้วยข้อมูลอย่างถูกต้องและชัดเจน",
        category="วิทยาศาสตร์และวิศวกรรม",
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
    definition = MicroCredential(**data)
    return definition.review("ผศ.ดร. ผู้ทรงคุณวุฒิ").approve("คณะกรรมการวิชาการ")


def _award(definition: MicroCredential) -> dict[str, Any]:
    submission = Submission(
        learner="did:example:somchai",
        answers={q.id: "คำตอบ" for q in definition.questions},
        artifacts=[
            Artifact(requirement=a.id, name="ผลงาน", url="https://example.org/w", sha256="ab" * 32)
            for a in definition.artifacts
        ],
        reflections={r.id: "สะท้อนคิด" for r in definition.reflections},
        submitted_at=datetime(2026, 3, 1, tzinfo=UTC),
    )
    levels = {c.id: c.passing_level for c in definition.rubric}
    record = LearnerRecord(definition_id=definition.id, learner=submission.learner)
    record.submit(submission)
    record.record(
        assess(
            definition,
            submission,
            assessor="อ. ผู้ประเมิน",
            question_met=dict.fromkeys(submission.answers, True),
            rubric_levels=levels,
            reflection_met=dict.fromkeys(submission.reflections, True),
            strengths="ตั้งคำถามได้ชัด",
            improvements="ระบุหน่วยบนแกน",
            at=datetime(2026, 3, 5, tzinfo=UTC),
        )
    )
    now = datetime(2026, 3, 6, tzinfo=UTC)
    return award(definition, record, issuer=ISSUER, key=KEY, now=now).credential


def test_every_narrative_word_is_in_every_language() -> None:
    assert LANGUAGES == ("en", "th")
    for key, translations in NARRATIVE.items():
        for language in LANGUAGES[1:]:
            assert translations.get(language, "").strip(), f"{key!r} has no {language} words"
        assert key.count("{") == translations["th"].count("{"), key  # same placeholders


def test_thai_definition_gets_thai_headings_and_an_english_section() -> None:
    definition = thai_definition()
    narrative = criteria_narrative(definition)
    thai, english = narrative.split("\n---\n")
    assert thai.startswith("## วัตถุประสงค์\n\n" + THAI_PURPOSE)
    for words in ("## สมรรถนะ", "### ส่วนที่ 1: คำถามภาพรวม", "## การประกันคุณภาพ", "ตรวจสอบแล้วโดย"):
        assert words in thai
    assert "## Purpose" not in thai
    assert english.lstrip().startswith("# In English\n\n## Purpose\n\n" + demo_definition().purpose)
    assert "Reviewed by" in english
    # An English-only definition keeps the English narrative it always had.
    assert criteria_narrative(demo_definition()).startswith("## Purpose\n\n")
    assert "---" not in criteria_narrative(demo_definition())


def test_thai_and_english_badge_signs_verifies_and_round_trips() -> None:
    definition = thai_definition()
    credential = _award(definition)
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["name"] == THAI_NAME
    assert achievement["inLanguage"] == "th"
    assert achievement["related"] == [
        {
            "id": f"{definition.id}#en",
            "type": ["Related"],
            "inLanguage": "en",
            "version": definition.version,
            "name": demo_definition().name,
            "description": demo_definition().purpose,
        }
    ]
    check_safe(credential)  # every term is defined: nothing would be dropped
    assert schema_errors(credential) == []
    report = Verifier(status_checker=None).verify(credential)
    assert report.verified, [c for c in report.checks if c.blocking]
    parsed = parse_credential(credential)
    assert parsed.dump() == credential
    text = json.dumps(credential, ensure_ascii=False)
    assert THAI_NAME in text
    assert badge_face(credential, "en").title == demo_definition().name
    assert badge_face(credential).title == THAI_NAME


def test_a_changed_thai_character_breaks_the_signature() -> None:
    credential = _award(thai_definition())
    tampered = copy.deepcopy(credential)
    name = tampered["credentialSubject"]["achievement"]["name"]
    tampered["credentialSubject"]["achievement"]["name"] = name.replace("ข้อ", "ข่อ")  # tone mark
    assert tampered != credential
    report = Verifier(status_checker=None).verify(tampered)
    assert not report.verified
    assert Verifier(status_checker=None).verify(credential).verified


def test_a_language_map_is_refused_by_safe_mode() -> None:
    # The 1EdTech schema allows {"en": ..., "th": ...} for names, but the OB 3.0 context
    # defines no @language container: JSON-LD would drop it, so safe mode refuses it.
    from openmicrocred.errors import OpenMicrocredError

    credential = _award(thai_definition())
    credential["credentialSubject"]["achievement"]["name"] = {"th": THAI_NAME, "en": "Data"}
    with pytest.raises(OpenMicrocredError, match="name"):
        check_safe(credential)


# -- the badge page of a Thai and English badge ---------------------------------------------


def _thai_page(lang: str) -> str:
    from openmicrocred.present.i18n import language
    from openmicrocred.present.pages import badge_html

    credential = _award(thai_definition())
    report = Verifier(status_checker=None).verify(credential)
    assert report.display is not None
    return badge_html(report, lang=language(lang))


def test_the_reports_display_data_carries_the_translations() -> None:
    definition = thai_definition()
    report = Verifier(status_checker=None).verify(_award(definition))
    assert report.display is not None
    assert report.display.achievement["inLanguage"] == "th"
    assert report.display.achievement["related"] == [
        {
            "id": f"{definition.id}#en",
            "inLanguage": "en",
            "name": demo_definition().name,
            "description": demo_definition().purpose,
            "version": definition.version,
        }
    ]
    assert (
        report.model_dump(mode="json")["display"]["achievement"]["related"][0]["inLanguage"] == "en"
    )


def _named_credential() -> dict[str, Any]:
    """A signed Thai badge whose issuer chose to state the learner's name (an unhashed
    ``name`` IdentityObject) beside a hashed e-mail address."""
    from openmicrocred import issue
    from openmicrocred.models import IdentityObject

    credential = _award(thai_definition())
    del credential["proof"]
    credential["credentialSubject"]["identifier"] = [
        IdentityObject.hashed_email("somchai@example.org", salt="pepper").dump(),
        IdentityObject.plain("สมชาย ใจดี", identity_type="name").dump(),
    ]
    assert credential["credentialSubject"]["identifier"][1]["identityHash"] == "สมชาย ใจดี"
    signed = issue(credential, KEY, created=datetime(2026, 3, 6, tzinfo=UTC))
    assert isinstance(signed, dict)
    return signed


def test_the_learners_stated_name_reaches_the_display_data_and_the_page() -> None:
    from openmicrocred.present.i18n import language
    from openmicrocred.present.pages import badge_html

    credential = _named_credential()
    report = Verifier(status_checker=None).verify(credential)
    assert report.verified, [c for c in report.checks if c.blocking]
    assert report.display is not None
    hashed, named = report.display.subject["identifier"]
    assert named == {"identityType": "name", "hashed": False, "identity": "สมชาย ใจดี"}
    # a hashed identifier keeps its kind only: neither the hash nor its salt is shown
    assert hashed == {"identityType": "emailAddress", "hashed": True}
    page = badge_html(report, lang=language("th"))
    assert "<strong>สมชาย ใจดี</strong>" in page
    assert "pepper" not in page


@pytest.mark.parametrize(("lang", "english"), [("en", "English"), ("th", "ภาษาอังกฤษ")])
def test_the_page_shows_each_language_with_its_own_lang(lang: str, english: str) -> None:
    page = _thai_page(lang)
    assert f'<html lang="{lang}">' in page
    assert f'<h1 class="title"><span lang="th">{THAI_NAME}</span></h1>' in page
    # the English version of the achievement (``related``), named in the reader's language
    assert (
        f'<span class="muted">{english}:</span> <strong><span lang="en">'
        f"{demo_definition().name}</span></strong>"
    ) in page
    assert f'<span lang="en">{demo_definition().purpose}</span>' in page
    # the criteria narrative: the Thai part marked th, the "In English" section marked en
    sections = re.findall(r'<div class="md" lang="(\w+)">(<hr />\n)?<h(\d)>([^<]+)', page)
    assert ("th", "", "4", "วัตถุประสงค์") in sections
    assert ("en", "<hr />\n", "3", "In English") in sections


@pytest.mark.parametrize(
    ("lang", "alt"),
    [
        ("en", f"Micro-credential badge “{THAI_NAME}”, issued by {ISSUER['name']}"),
        ("th", f"เหรียญตราไมโครเครดิต “{THAI_NAME}” ออกโดย {ISSUER['name']}"),
    ],
)
def test_the_badge_image_has_a_text_alternative_in_the_readers_language(
    lang: str, alt: str
) -> None:
    from openmicrocred.present.i18n import language
    from openmicrocred.present.pages import badge_view

    report = Verifier(status_checker=None).verify(_award(thai_definition()))
    assert report.display is not None
    assert badge_view(report.display, lang=language(lang)).image_alt == alt


def test_language_sections_keep_unknown_headings_in_the_content_language() -> None:
    from openmicrocred.present.pages import language_sections

    text = "## Purpose\n\nOne\n\n---\n\n# Somewhere else\n\nTwo"
    assert language_sections(text, "th") == [
        {"@value": "## Purpose\n\nOne", "@language": "th"},
        {"@value": "---\n\n# Somewhere else\n\nTwo", "@language": "th"},
    ]
    assert language_sections("no sections", "th") == "no sections"
    assert language_sections({"en": "x"}, None) == {"en": "x"}


def test_the_pages_know_the_headings_the_narrative_writes() -> None:
    from openmicrocred.present.words import SECTION_LANGUAGES

    assert {words_for(lang)("In English"): lang for lang in LANGUAGES} == SECTION_LANGUAGES


def test_feedback_words_follow_the_definitions_language() -> None:
    from openmicrocred.microcredential.assessment import Decision
    from openmicrocred.microcredential.award import _feedback

    fields: dict[str, Any] = {
        "assessor": "A. Assessor",
        "date": "2026-03-05",
        "strengths": "S",
        "improvements": "I",
    }
    english = feedback_narrative(passed=True, attempt=2, **fields)

    # the same words, byte for byte, as the award's feedback today (so awards keep them)
    class Assessed:
        decision = Decision.PASS
        assessor, strengths, improvements = "A. Assessor", "S", "I"
        assessed_at = datetime(2026, 3, 5, 12, tzinfo=UTC)

    assert english == _feedback(Assessed(), 2)  # type: ignore[arg-type]
    thai = feedback_narrative(passed=False, language="th", **fields)
    assert thai.startswith("## ความเห็นของผู้ประเมิน\n\n**ผลการตัดสิน:** ปรับปรุงแล้วส่งใหม่ ประเมินโดย")
    assert "Decision" not in thai
    assert "Passed" not in thai
