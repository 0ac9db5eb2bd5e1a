"""The words the signed narratives use (headings, labels), in English and Thai.

A typed table rather than gettext catalogs: the words are few, they are signed into badges (so
they must not change with the reader's locale, only with the definition's language), and a
table keeps them checkable by a test (every key in every language). The key is the English text.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["LANGUAGES", "NARRATIVE", "words_for"]

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
}
"""English key -> {language: words}; English is the key itself."""

LANGUAGES = ("en", "th")


def words_for(language: str | None) -> Callable[[str], str]:
    """A lookup for ``language`` (a BCP 47 tag; unknown languages get English)."""
    primary = (language or "en").split("-")[0].lower()

    def words(key: str) -> str:
        return NARRATIVE[key].get(primary, key) if primary != "en" else key

    return words
