"""Text for badge images: where a line may break, how wide text is, and wrapping inside a circle.

**Line breaking.** Thai is written without spaces between words, so a break needs word
segmentation. This module breaks in this order of preference:

1. at spaces, and at U+200B ZERO WIDTH SPACE, which Thai authors use to mark a word boundary
   that should not show (``"การเล่าเรื่อง\u200bด้วยข้อมูล"``);
2. between Thai words, found with a dictionary: nlpO3's maximal-matching segmenter (the
   ``nlpo3`` package, Apache-2.0, Rust) and PyThaiNLP's word list ``words_th.txt`` (about
   62,000 words, CC0-1.0, as packaged by ``newmm-tokenizer``), both from the optional
   ``openmicrocred[thai]`` extra. They are loaded (about 0.1 s, once per process) only when a
   text with Thai letters is laid out, and a break is taken only between two Thai letters at a
   cluster boundary (never before ๆ or ฯ, nor between Thai and Latin, nor after the prefixes
   การ and ความ, which stay with the word they make a noun of). A text with a ZERO WIDTH
   SPACE keeps its author's word marks: no dictionary. At one font size a break at a space is
   preferred to a break between words;
3. only when a word cannot fit on a line at the smallest font size: inside the word, at a
   *Thai character cluster* boundary: a consonant never loses its vowels and tone marks
   (U+0E31, U+0E34-U+0E3A, U+0E47-U+0E4E), a leading vowel (เ แ โ ใ ไ) stays with the
   consonant after it, and a following vowel (ะ า ำ ๅ), ๆ and ฯ stay with what comes before.

Without the ``thai`` extra, step 2 is left out: a Thai text without spaces breaks at clusters
only when it does not fit whole on a line. The font size shrinks before a word is broken,
so a title is cut inside a word only when it does not fit whole at the smallest size. Latin
text is laid out the same with or without the extra.

**Widths** come from the bundled font's advance widths (shaped by libraqm when Pillow has it,
which its wheels do; otherwise Pillow's basic layout, which places Thai marks less well but
keeps the same advances).
"""

from __future__ import annotations

import math
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

__all__ = [
    "FONT_BOLD",
    "FONT_REGULAR",
    "Line",
    "clusters",
    "fit_block",
    "font",
    "has_raqm",
    "text_width",
]

FONTS = Path(__file__).parent / "fonts"
FONT_REGULAR = FONTS / "Sarabun-Regular.ttf"
FONT_BOLD = FONTS / "Sarabun-Bold.ttf"
_REFERENCE_SIZE = 1000
"""Widths are measured at this size and scaled: no hinting distortion at small sizes."""

_THAI_LEADING = frozenset("\u0e40\u0e41\u0e42\u0e43\u0e44")
_THAI_FOLLOWING = frozenset("\u0e30\u0e32\u0e33\u0e45\u0e46\u0e2f")
_ZWSP = "\u200b"


def _joins(previous: str, char: str) -> bool:
    """Whether ``char`` belongs to the cluster that ends with ``previous``."""
    if unicodedata.category(char) in ("Mn", "Me", "Mc") or char in "\u200c\u200d":
        return True
    if previous[-1] in _THAI_LEADING or previous[-1] == "\u200d":
        return True
    return char in _THAI_FOLLOWING and "\u0e00" <= previous[-1] <= "\u0e7f"


def clusters(text: str) -> list[str]:
    """``text`` cut into the smallest pieces a line may break between (see the module doc)."""
    out: list[str] = []
    for char in text:
        if out and _joins(out[-1], char):
            out[-1] += char
        else:
            out.append(char)
    return out


@cache
def has_raqm() -> bool:
    """Whether Pillow can shape complex scripts (Thai) with libraqm."""
    from PIL import features

    return bool(features.check("raqm"))


@cache
def font(bold: bool, size: int = _REFERENCE_SIZE) -> FreeTypeFont:
    """The bundled font at ``size`` pixels, with libraqm layout when available."""
    from PIL import ImageFont

    engine = ImageFont.Layout.RAQM if has_raqm() else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(FONT_BOLD if bold else FONT_REGULAR), size, layout_engine=engine)


@lru_cache(maxsize=8192)  # bounded: a service measures every title it draws
def _reference_width(text: str, bold: bool) -> float:
    return float(font(bold).getlength(text))


def text_width(text: str, size: float, bold: bool) -> float:
    """The advance width of ``text`` at font ``size``, in the same units as ``size`` (measured
    once per text, at the reference size, for every size tried)."""
    return _reference_width(text, bold) * size / _REFERENCE_SIZE


ASCENT = 1.068
"""The bundled font's ascent and descent per em (both faces share them)."""
DESCENT = 0.232


@dataclass(frozen=True)
class Line:
    """One laid-out line: its text, font size, weight, baseline and width, in design units."""

    text: str
    size: float
    bold: bool
    baseline: float
    width: float


@dataclass(frozen=True)
class Region:
    """A horizontal band of a circle that a block of text must fit in."""

    top: float
    bottom: float
    centre: float
    radius: float

    def chord(self, top: float, bottom: float) -> float:
        """The circle's width over the whole band [top, bottom]."""
        dy = max(abs(top - self.centre), abs(bottom - self.centre))
        return 2 * math.sqrt(max(self.radius**2 - dy**2, 0.0))


Tokens = list[tuple[str, str]]
"""(joiner, word) pairs: the joiner is what goes before the word when on the same line."""

_DICTIONARY = "openmicrocred-words-th"
_SEGMENT_LIMIT = 400
"""Longer runs of Thai are not segmented (a badge shows far fewer letters)."""
_segmenter: list[Callable[[str], list[str]] | None] = []
_segmenter_lock = threading.Lock()


def _load_segmenter() -> Callable[[str], list[str]] | None:
    try:
        from importlib.resources import files

        import nlpo3

        words = files("newmm_tokenizer") / "words_th.txt"
    except ImportError:  # the ``thai`` extra is not installed
        return None
    if not isinstance(words, Path) or not words.is_file():
        return None
    _, loaded = nlpo3.load_dict(str(words), _DICTIONARY)
    if not loaded:
        return None

    def segment(text: str) -> list[str]:
        try:  # safe mode: bounded time on text with many ambiguous boundaries
            return nlpo3.segment(text, _DICTIONARY, safe=True)
        except (UnicodeError, RuntimeError, ValueError):  # e.g. a lone surrogate
            return [text]

    return segment


def _thai_segmenter() -> Callable[[str], list[str]] | None:
    """The dictionary word segmenter (see the module doc), loaded on first use; ``None``
    without the ``thai`` extra."""
    with _segmenter_lock:
        if not _segmenter:
            _segmenter.append(_load_segmenter())
        return _segmenter[0]


def _thai(char: str) -> bool:
    return "\u0e01" <= char <= "\u0e5b"


def _has_thai(text: str) -> bool:
    return any(_thai(c) for c in text)


_PREFIXES = frozenset(("การ", "ความ"))
"""Thai prefixes that make a noun of the word after them (การวิเคราะห์, ความรู้): a line never
ends with one, although the word list has the compound as two words."""


def _words(piece: str, segment: Callable[[str], list[str]]) -> list[str]:
    """``piece`` (no spaces) cut between the Thai words ``segment`` finds, where both sides are
    Thai letters, the break is at a cluster boundary, and no prefix is left at a line's end."""
    out: list[str] = []
    previous = ""
    for word in segment(piece):
        if (
            out
            and previous not in _PREFIXES
            and _thai(out[-1][-1])
            and _thai(word[0])
            and not _joins(out[-1], word[0])
        ):
            out.append(word)
        elif out:
            out[-1] += word
        else:
            out.append(word)
        previous = word
    return out if "".join(out) == piece else [piece]


def _tokens(text: str) -> Tokens:
    """The words between spaces and ZERO WIDTH SPACEs."""
    out: Tokens = []
    for i, part in enumerate(" ".join(text.split()).split(" ")):
        pieces = [p for p in part.split(_ZWSP) if p]
        for j, piece in enumerate(pieces):
            out.append(("" if j else (" " if i else ""), piece))
    return out


def _word_tokens(text: str, spaced: Tokens) -> Tokens:
    """``spaced`` with each run of Thai cut between its words (see the module doc): the same
    tokens for a text without Thai, with a ZERO WIDTH SPACE, or without the ``thai`` extra."""
    if _ZWSP in text or not _has_thai(text):
        return spaced
    segment = _thai_segmenter()
    if segment is None:
        return spaced
    out: Tokens = []
    for joiner, piece in spaced:
        if len(piece) > _SEGMENT_LIMIT or not _has_thai(piece):
            out.append((joiner, piece))
            continue
        out.extend(
            (joiner if k == 0 else "", word) for k, word in enumerate(_words(piece, segment))
        )
    return out


def _wrap(
    tokens: Tokens, widths: Sequence[float], measure: Callable[[str], float], break_words: bool
) -> list[str] | None:
    """Greedy wrapping into lines of the given widths (the last width repeats), or None when a
    word does not fit a line and ``break_words`` is off. It stops once there are more lines
    than widths (the callers want at most that many)."""
    lines: list[str] = []
    current = ""

    def limit() -> float:
        return widths[min(len(lines), len(widths) - 1)]

    for joiner, word in tokens:
        if len(lines) > len(widths):
            return lines
        if current and measure(current + joiner + word) <= limit():
            current += joiner + word
            continue
        if current:
            lines.append(current)
            current = ""
        if measure(word) <= limit():
            current = word
            continue
        if not break_words:
            return None
        for cluster in clusters(word):
            if current and measure(current + cluster) > limit():
                lines.append(current)
                current = ""
            current += cluster
    if current:
        lines.append(current)
    return lines


def _place(region: Region, size: float, count: int) -> list[tuple[float, float]]:
    """(baseline, chord width) of ``count`` lines centred in ``region``."""
    height = size * 1.25
    top = (region.top + region.bottom - count * height) / 2
    placed = []
    for i in range(count):
        line_top = top + i * height + (height - (ASCENT + DESCENT) * size) / 2
        baseline = line_top + ASCENT * size
        placed.append((baseline, region.chord(line_top, baseline + DESCENT * size)))
    return placed


def _ellipsize(line: str, limit: float, measure: Callable[[str], float]) -> str:
    pieces = clusters(line.rstrip())
    while pieces and measure("".join(pieces) + "…") > limit:
        pieces.pop()
    return "".join(pieces).rstrip() + "…"


def _try_fit(
    tokens: Tokens, region: Region, size: float, bold: bool, max_lines: int, break_words: bool
) -> list[Line] | None:
    def measure(s: str) -> float:
        return text_width(s, size, bold)

    for count in range(1, max_lines + 1):
        if count * size * 1.25 > region.bottom - region.top + 0.01:
            return None
        placed = _place(region, size, count)
        widths = [w for _, w in placed]
        wrapped = _wrap(tokens, widths, measure, break_words)
        if (
            wrapped is not None
            and len(wrapped) == count
            and all(measure(t) <= w for t, w in zip(wrapped, widths, strict=True))
        ):
            return [
                Line(t, size, bold, b, measure(t))
                for t, (b, _) in zip(wrapped, placed, strict=True)
            ]
    return None


def _truncated(
    text: str, tokens: Tokens, region: Region, size: float, bold: bool, max_lines: int
) -> list[Line]:
    """The text at ``size`` in as many lines as fit, the last one ending in an ellipsis."""
    count = max(1, min(max_lines, int((region.bottom - region.top) // (size * 1.25))))
    placed = _place(region, size, count)
    widths = [w for _, w in placed]

    def measure(s: str) -> float:
        return text_width(s, size, bold)

    wrapped = _wrap(tokens, widths, measure, True) or [text]
    lines = wrapped[:count]
    if len(wrapped) > count:
        lines[-1] = _ellipsize(lines[-1], placed[count - 1][1], measure)
    return [Line(t, size, bold, b, measure(t)) for t, (b, _) in zip(lines, placed, strict=False)]


def fit_block(
    text: str,
    region: Region,
    sizes: Sequence[float],
    *,
    bold: bool = False,
    max_lines: int = 1,
) -> list[Line]:
    """Lay ``text`` out in ``region``: the largest size at which it fits breaking only between
    words (at that size, at spaces if it can, else between Thai words too), else breaking
    inside words (at cluster boundaries), else the smallest size cut with an ellipsis. Every
    line fits the circle's chord at its height."""
    if not text.strip():
        return []
    spaced = _tokens(text)
    worded = _word_tokens(text, spaced)
    choices = [spaced] if worded == spaced else [spaced, worded]
    for size in sizes:
        for tokens in choices:
            lines = _try_fit(tokens, region, size, bold, max_lines, False)
            if lines is not None:
                return lines
    for size in sizes:
        lines = _try_fit(worded, region, size, bold, max_lines, True)
        if lines is not None:
            return lines
    return _truncated(text, worded, region, sizes[-1], bold, max_lines)
