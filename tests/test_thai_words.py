"""Thai titles in badge images break between words (issue 14): the dictionary segmenter of
the ``thai`` extra (nlpO3 with PyThaiNLP's word list), loaded only when Thai is laid out,
for the SVG and the PNG alike; without the extra, the character-cluster breaks as before.

The expected words are written out here, not asked of the segmenter."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from openmicrocred.present import _text, images
from openmicrocred.present._text import Line, Region, clusters, fit_block
from openmicrocred.present.images import BadgeFace, badge_png, badge_svg, layout

SVG = "{http://www.w3.org/2000/svg}"
# The brief's title and the one of tests/test_images.py, as the words a Thai reader sees.
ANALYTICS = ("การวิเคราะห์", "ข้อมูล", "เชิง", "ลึก", "สำหรับ", "ธุรกิจ")
STORYTELLING = (
    "การเล่าเรื่อง",
    "ด้วย",
    "ข้อมูล",
    "สำหรับ",
    "วิศวกร",
    "รุ่นใหม่",
    "ที่",
    "ต้อง",
    "นำเสนอ",
    "ผลงาน",
)
UNIVERSITY = ("มหาวิทยาลัย", "เทคโนโลยี", "พระ", "จอมเกล้า", "ธนบุรี")
BADGE = (
    Path(__file__).parent
    / "vectors/ob3-spec/rendered-2024-04/ob3-basic.signed-eddsa-rdfc-2022.json"
)
MISSING = [m for m in ("nlpo3", "newmm_tokenizer") if importlib.util.find_spec(m) is None]


@pytest.fixture(autouse=True)
def _segmenter_installed(request: pytest.FixtureRequest) -> None:
    if MISSING and "without_extra" not in request.node.name:
        message = f"the thai extra is not installed ({', '.join(MISSING)})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {message}")
        pytest.skip(message)


def _ends(words: tuple[str, ...]) -> set[int]:
    """The positions between the words (and the end)."""
    ends, end = set(), 0
    for word in words:
        end += len(word)
        ends.add(end)
    return ends


def _assert_broken_between(lines: list[str], words: tuple[str, ...]) -> None:
    title = "".join(words)
    assert len(lines) >= 2, lines  # it must wrap for the test to say anything
    assert "".join(lines) == title  # nothing lost, nothing added
    ends, end = _ends(words), 0
    for line in lines:
        end += len(line)
        assert end in ends, f"line break inside a word after {line!r}: {lines}"


def _svg_title(svg: bytes) -> list[str]:
    root = ElementTree.fromstring(svg)
    return [t.text or "" for t in root.iter(f"{SVG}text") if t.get("font-weight") == "700"]


@pytest.mark.parametrize("words", [ANALYTICS, STORYTELLING, UNIVERSITY])
@pytest.mark.parametrize("issuer", ["KMUTT", "".join(UNIVERSITY)])
def test_svg_breaks_a_thai_title_between_words_only(words: tuple[str, ...], issuer: str) -> None:
    svg = badge_svg("".join(words), issuer, category="ไมโครเครดิต", lang="th")
    _assert_broken_between(_svg_title(svg), words)


@pytest.mark.parametrize("words", [ANALYTICS, STORYTELLING, UNIVERSITY])
def test_png_draws_the_lines_broken_between_words(
    words: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[list[Line]] = []

    def recorded(face: BadgeFace, *, with_logo: bool = False) -> list[Line]:
        lines = layout(face, with_logo=with_logo)
        drawn.append(lines)
        return lines

    monkeypatch.setattr(images, "layout", recorded)
    png = badge_png(title="".join(words), issuer="KMUTT", lang="th")
    assert png.startswith(b"\x89PNG")
    [lines] = drawn
    _assert_broken_between([line.text for line in lines if line.bold], words)


def test_a_narrow_band_breaks_between_words_where_clusters_would_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    title = "".join(ANALYTICS)
    narrow = Region(70.0, 130.0, 100.0, 34.0)  # under 68 units wide: a word or two a line

    def lines() -> list[str]:
        return [x.text for x in fit_block(title, narrow, (10.0,), bold=True, max_lines=6)]

    worded = lines()
    _assert_broken_between(worded, ANALYTICS)
    assert len(worded) >= 3
    assert not any(line.endswith("การ") for line in worded)  # the prefix keeps its word
    monkeypatch.setattr(_text, "_thai_segmenter", lambda: None)
    clustered = lines()  # without the dictionary: full lines, cut inside words
    assert "".join(clustered) == title
    assert not all(end in _ends(ANALYTICS) for end in _ends(tuple(clustered)))


def test_spaces_win_at_a_size_and_zero_width_spaces_keep_the_authors_words() -> None:
    # a space between two phrases: broken there, the phrases whole
    face = BadgeFace("หลักสูตรระยะสั้น การวิเคราะห์ข้อมูล", "KMUTT", lang="th")
    titles = [line.text for line in layout(face) if line.bold]
    assert titles == ["หลักสูตรระยะสั้น", "การวิเคราะห์ข้อมูล"]
    # an author's ZERO WIDTH SPACEs: their words only, the dictionary not asked
    marked = "การเล่าเรื่อง\u200bด้วยข้อมูล\u200bสำหรับวิศวกร"
    titles = [line.text for line in layout(BadgeFace(marked, lang="th")) if line.bold]
    assert titles == ["การเล่าเรื่องด้วยข้อมูล", "สำหรับวิศวกร"]


def test_no_break_before_repetition_marks_nor_between_thai_and_latin() -> None:
    segment = _text._thai_segmenter()
    assert segment is not None
    assert _text._words("เด็กๆเล่นกันฯลฯ", segment) == ["เด็กๆ", "เล่น", "กันฯลฯ"]
    # "ML|สำหรับ" is a word boundary, but between Latin and Thai: not a break
    assert _text._words("AIและMLสำหรับธุรกิจ", segment) == ["AIและMLสำหรับ", "ธุรกิจ"]
    assert _text._words("ความรู้ใหม่", segment) == ["ความรู้", "ใหม่"]
    # text the segmenter cannot take (a lone surrogate, valid in JSON): one piece, no error
    assert _text._words("การ\ud800ข้อมูล", segment) == ["การ\ud800ข้อมูล"]


_THREADS = """
from concurrent.futures import ThreadPoolExecutor
from openmicrocred.present._text import _thai_segmenter
with ThreadPoolExecutor(8) as pool:
    found = list(pool.map(lambda _: _thai_segmenter(), range(8)))
print(len({id(f) for f in found}), None in found, found[0]("การวิเคราะห์ข้อมูล"))
"""


def test_threads_drawing_at_once_share_one_loaded_dictionary() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _THREADS], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "1 False ['การ', 'วิเคราะห์', 'ข้อมูล']"


def test_latin_layout_is_the_same_with_or_without_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    titles = ["Data Storytelling and Visual Communication for Engineers", "Teamwork"]
    faces = [BadgeFace(t, "มหาวิทยาลัยเทคโนโลยีพระจอมเกล้าธนบุรี", "Micro-credential") for t in titles]
    with_extra = [[(x.text, x.size) for x in layout(f) if x.bold] for f in faces]
    monkeypatch.setattr(_text, "_thai_segmenter", lambda: None)
    assert [[(x.text, x.size) for x in layout(f) if x.bold] for f in faces] == with_extra


def test_without_extra_thai_breaks_at_clusters_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_text, "_thai_segmenter", lambda: None)
    title = "".join(STORYTELLING)
    lines = [line.text for line in layout(BadgeFace(title, "KMUTT", lang="th")) if line.bold]
    assert "".join(lines) == title
    boundaries, end = set(), 0
    for piece in clusters(title):
        end += len(piece)
        boundaries.add(end)
    position = 0
    for line in lines:
        position += len(line)
        assert position in boundaries
    # no dictionary: the breaks fall where the lines are full, inside ข้อมูล here
    assert not all(b in _ends(STORYTELLING) for b in (len(lines[0]), len(lines[0] + lines[1])))


_LAZY = """
import sys
from openmicrocred.present.images import badge_png, badge_svg
badge_svg("Teamwork", "KMUTT"); badge_png(title="Teamwork", issuer="KMUTT")
before = "nlpo3" in sys.modules
badge_svg("การวิเคราะห์ข้อมูล", "KMUTT", lang="th")
print(before, "nlpo3" in sys.modules)
"""


def test_the_segmenter_is_loaded_only_for_thai_text() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _LAZY], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "True"]
    cli = (
        "import sys; from openmicrocred.cli import main; main(['verify', '--offline', '--lang', "
        f"'th', {str(BADGE)!r}]); "
        "print('nlpo3' in sys.modules)"
    )
    shown = subprocess.run([sys.executable, "-c", cli], capture_output=True, text=True)
    assert shown.stdout.strip().endswith("False")  # the verifier never draws
