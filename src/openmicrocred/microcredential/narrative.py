"""The words the signed narratives use (headings, labels), in English and Thai.

A typed table rather than gettext catalogs: the words are few, they are signed into badges (so
they must not change with the reader's locale, only with the definition's language), and a
table keeps them checkable by a test (every key in every language). The key is the English text.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["LANGUAGES", "NARRATIVE", "feedback_narrative", "words_for"]

NARRATIVE: dict[str, dict[str, str]] = {
    "Purpose": {"th": "วัตถุประสงค์"},
    "Objectives": {"th": "เป้าหมายการเรียนรู้"},
    "Competency": {"th": "สมรรถนะ"},
    "How to demonstrate it": {"th": "วิธีแสดงสมรรถนะ"},
    "Submission requirements": {"th": "สิ่งที่ต้องส่ง"},
    "Target learners": {"th": "กลุ่มผู้เรียนเป้าหมาย"},
    "Applications": {"th": "การนำไปใช้"},
    "Category": {"th": "หมวดหมู่"},
    "Assessment": {"th": "การประเมิน"},
    "Part 1: overview questions": {"th": "ส่วนที่ 1: คำถามภาพรวม"},
    "Part 2: work examples and artifacts": {"th": "ส่วนที่ 2: ตัวอย่างผลงานและชิ้นงาน"},
    "Rubric (each criterion must reach its passing level):": {
        "th": "เกณฑ์การให้คะแนน (ทุกเกณฑ์ต้องถึงระดับที่ผ่าน):"
    },
    "Part 3: reflection": {"th": "ส่วนที่ 3: การสะท้อนคิด"},
    "Passing:": {"th": "เกณฑ์ผ่าน:"},
    "passing": {"th": "ระดับที่ผ่าน"},
    "Quality assurance": {"th": "การประกันคุณภาพ"},
    "{state} by {by} ({role}) on {date}": {"th": "{state}โดย {by} ({role}) เมื่อ {date}"},
    "Reviewed": {"th": "ตรวจสอบแล้ว"},
    "Approved": {"th": "อนุมัติแล้ว"},
    "Published": {"th": "เผยแพร่แล้ว"},
    "expert reviewer": {"th": "ผู้ทรงคุณวุฒิ"},
    "academic committee": {"th": "คณะกรรมการวิชาการ"},
    "publisher": {"th": "ผู้เผยแพร่"},
    "Designed by {designer}.": {"th": "ออกแบบโดย {designer}"},
    "In English": {"th": "ฉบับภาษาไทย"},
    # the evidence and the assessor's feedback of an award
    "Part 1: answers to the overview questions": {"th": "ส่วนที่ 1: คำตอบคำถามภาพรวม"},
    "Overview questions": {"th": "คำถามภาพรวม"},
    "Work artifact ({kind})": {"th": "ชิ้นงาน ({kind})"},
    "Reflection": {"th": "การสะท้อนคิด"},
    "Assessor feedback": {"th": "ความเห็นของผู้ประเมิน"},
    "Decision:": {"th": "ผลการตัดสิน:"},
    "Passed": {"th": "ผ่าน"},
    "Revise and resubmit": {"th": "ปรับปรุงแล้วส่งใหม่"},
    "{outcome}, assessed by {assessor} on {date}.": {
        "th": "{outcome} ประเมินโดย {assessor} เมื่อ {date}"
    },
    "Strengths:": {"th": "จุดเด่น:"},
    "Areas for improvement:": {"th": "สิ่งที่ควรพัฒนา:"},
    "Awarded on attempt {attempt}, after revising and resubmitting.": {
        "th": "ได้รับในการส่งครั้งที่ {attempt} หลังจากปรับปรุงและส่งใหม่"
    },
}
"""English key -> {language: words}; English is the key itself."""

LANGUAGES = ("en", "th")


def words_for(language: str | None) -> Callable[[str], str]:
    """A lookup for ``language`` (a BCP 47 tag; unknown languages get English)."""
    primary = (language or "en").split("-")[0].lower()

    def words(key: str) -> str:
        return NARRATIVE[key].get(primary, key) if primary != "en" else key

    return words


def feedback_narrative(
    *,
    passed: bool,
    assessor: str,
    date: str,
    strengths: str,
    improvements: str,
    attempt: int = 1,
    language: str | None = None,
) -> str:
    """The assessor's feedback as markdown (the award's ``credentialSubject.narrative``), with
    its headings and labels in ``language`` (the definition's)."""
    w = words_for(language)
    outcome = w("Passed") if passed else w("Revise and resubmit")
    decided = w("{outcome}, assessed by {assessor} on {date}.").format(
        outcome=outcome, assessor=assessor, date=date
    )
    lines = [
        f"## {w('Assessor feedback')}",
        f"**{w('Decision:')}** {decided}",
        f"**{w('Strengths:')}** {strengths}",
        f"**{w('Areas for improvement:')}** {improvements}",
    ]
    if attempt > 1:
        lines.append(
            w("Awarded on attempt {attempt}, after revising and resubmitting.").format(
                attempt=attempt
            )
        )
    return "\n\n".join(lines)
