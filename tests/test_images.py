"""Badge images: what they show (pixel checks), Thai shaping and breaking, fitting inside the
circle (from the font's advance widths), contrast, logos, alt text, and bake without an image."""

from __future__ import annotations

import base64
import io
import json
import math
import os
import re
import unicodedata
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from PIL import Image, ImageChops, ImageFont

from openmicrocred.bake import unbake
from openmicrocred.cli import main
from openmicrocred.keys import Ed25519Key
from openmicrocred.present._text import FONT_BOLD, FONT_REGULAR, clusters
from openmicrocred.present.images import (
    Logo,
    badge_alt_text,
    badge_face,
    badge_png,
    badge_svg,
    category_words,
    contrast_ratio,
    credential_badge,
    shaping_available,
)
from openmicrocred.suites import add_proof
from openmicrocred.verification import verify

from conftest import SPEC, load

SVG = "{http://www.w3.org/2000/svg}"
THAI_TITLE = "การเล่าเรื่องด้วยข้อมูลสำหรับวิศวกรรุ่นใหม่ที่ต้องนำเสนอผลงาน"
LONG_TITLE = (
    "Data Storytelling and Visual Communication for Engineers, Scientists and Everyone "
    "Who Presents Results to Decision Makers"
)
RING_INNER = 84.0
"""The ring's inner edge in the 200 x 200 design: no text may reach it."""


def _pixels(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image.convert("RGBA")


def _title_region(image: Image.Image) -> Image.Image:
    k = image.width / 200
    return image.crop((round(30 * k), round(70 * k), round(170 * k), round(132 * k)))


def _rgba(image: Image.Image) -> list[tuple[int, ...]]:
    data = image.convert("RGBA").tobytes()  # getdata() is deprecated in Pillow 12
    return [tuple(data[i : i + 4]) for i in range(0, len(data), 4)]


def _light_pixels(image: Image.Image) -> int:
    """Pixels near the (white) text colour."""
    return sum(1 for r, g, b, a in _rgba(image) if a > 200 and min(r, g, b) > 200)


def test_png_shows_text_and_the_title_region_follows_the_title() -> None:
    face = {"issuer": "KMUTT", "category": "Micro-credential", "year": "2026"}
    one = _pixels(badge_png(256, title="Data Storytelling", **face))
    other = _pixels(badge_png(256, title="Teamwork", **face))
    empty = _pixels(badge_png(256, title="", **face))
    assert len(set(_rgba(one))) > 50  # antialiased text and edges, not a flat disc
    assert _light_pixels(_title_region(one)) > 400  # glyph pixels where the title is
    assert _light_pixels(_title_region(empty)) == 0
    diff = ImageChops.difference(
        _title_region(one).convert("RGB"), _title_region(other).convert("RGB")
    )
    assert diff.getbbox() is not None
    # The rest of the face (issuer, year) is the same for both titles.
    lower = (0, round(140 * 256 / 200), 256, 256)
    same = ImageChops.difference(one.crop(lower).convert("RGB"), other.crop(lower).convert("RGB"))
    assert same.getbbox() is None
    assert ImageChops.difference(one.convert("RGB"), empty.convert("RGB")).getbbox() is not None


def _notdef_mask(font: ImageFont.FreeTypeFont) -> bytes:
    return bytes(font.getmask("\ue000"))  # a private-use code point: the font has no glyph


def test_bundled_font_has_every_thai_and_latin_glyph_of_the_titles() -> None:
    for path in (FONT_REGULAR, FONT_BOLD):
        font = ImageFont.truetype(str(path), 48)
        notdef = _notdef_mask(font)
        for char in sorted(set(THAI_TITLE + LONG_TITLE + "พ.ศ. 2569ไมโครเครดิต") - {" "}):
            assert bytes(font.getmask(char)) != notdef, f"{path.name}: no glyph for {char!r}"
        assert bytes(font.getmask("\U0001f600")) == notdef  # the check can fail: no emoji


def test_thai_title_renders_shaped() -> None:
    png = badge_png(384, title=THAI_TITLE, issuer="มจธ.", category="ไมโครเครดิต", lang="th")
    region = _title_region(_pixels(png))
    assert _light_pixels(region) > 1500
    if os.environ.get("CI") == "true":
        assert shaping_available(), "Pillow without libraqm: Thai marks would be misplaced"
    if shaping_available():
        # Shaped: the tone mark over a consonant with an upper vowel (ที่) is raised above
        # the vowel, so the cluster is taller than the unshaped sequence drawn mark by mark.
        font = ImageFont.truetype(str(FONT_BOLD), 64, layout_engine=ImageFont.Layout.RAQM)
        basic = ImageFont.truetype(str(FONT_BOLD), 64, layout_engine=ImageFont.Layout.BASIC)
        assert font.getbbox("ที่", anchor="ls") != basic.getbbox("ที่", anchor="ls")


def test_thai_clusters_keep_marks_and_vowels_together() -> None:
    assert clusters("ที่") == ["ที่"]
    assert clusters("เก้า") == ["เก้า"]
    assert clusters("ไม่") == ["ไม่"]
    assert clusters("น้ำ") == ["น้ำ"]
    assert clusters("การ") == ["กา", "ร"]
    assert clusters("ab") == ["a", "b"]
    assert clusters("e\u0301x") == ["e\u0301", "x"]


def _svg_lines(svg: bytes) -> tuple[ElementTree.Element, list[dict[str, Any]]]:
    root = ElementTree.fromstring(svg)
    group = root.find(f"{SVG}g")
    assert group is not None
    lines = []
    for text in group.iter(f"{SVG}text"):
        lines.append(
            {
                "text": text.text or "",
                "size": float(text.get("font-size", "0")),
                "bold": text.get("font-weight") == "700",
                "y": float(text.get("y", "0")),
                "length": float(text.get("textLength", "0")),
            }
        )
    return root, lines


def _advance_width(text: str, size: float, bold: bool) -> float:
    """Independent of the layout code: the font's own advance widths, unshaped."""
    font = ImageFont.truetype(
        str(FONT_BOLD if bold else FONT_REGULAR), 1000, layout_engine=ImageFont.Layout.BASIC
    )
    return float(font.getlength(text)) * size / 1000


def _chord(top: float, bottom: float) -> float:
    dy = max(abs(top - 100), abs(bottom - 100))
    return 2 * math.sqrt(max(RING_INNER**2 - dy**2, 0))


def _assert_inside_circle(svg: bytes) -> list[dict[str, Any]]:
    _, lines = _svg_lines(svg)
    ascent, descent = 1.068, 0.232  # the font's hhea ascent and descent per em
    for line in lines:
        width = _advance_width(line["text"], line["size"], line["bold"])
        room = _chord(line["y"] - ascent * line["size"], line["y"] + descent * line["size"])
        assert width <= room, f"{line['text']!r}: {width:.1f} wider than {room:.1f}"
        assert line["length"] == pytest.approx(width, rel=0.02)  # textLength keeps it there
    return lines


def test_svg_wraps_a_long_title_inside_the_circle_and_shrinks_it() -> None:
    short = _assert_inside_circle(badge_svg("Teamwork", "KMUTT"))
    long = _assert_inside_circle(badge_svg(LONG_TITLE, "KMUTT", category="Micro-credential"))
    titles = [line for line in long if line["bold"]]
    assert len(titles) >= 3
    assert titles[0]["size"] < next(line["size"] for line in short if line["bold"])
    shown = " ".join(line["text"] for line in titles)
    assert shown == LONG_TITLE or shown.endswith("…")
    assert all(not line["text"].startswith(" ") for line in titles)


def test_svg_wraps_thai_between_clusters_only() -> None:
    lines = _assert_inside_circle(badge_svg(THAI_TITLE, "มหาวิทยาลัย", lang="th"))
    titles = [line["text"] for line in lines if line["bold"]]
    assert len(titles) >= 2
    assert "".join(titles) == THAI_TITLE  # nothing lost, nothing added
    boundaries = {0}
    for piece in clusters(THAI_TITLE):
        boundaries.add(max(boundaries) + len(piece))
    position = 0
    for text in titles[:-1]:
        position += len(text)
        assert position in boundaries, f"line break inside a cluster after {text!r}"
        assert unicodedata.category(THAI_TITLE[position]) != "Mn"


def test_svg_prefers_spaces_and_zero_width_spaces_in_thai() -> None:
    title = "การเล่าเรื่อง\u200bด้วยข้อมูล\u200bสำหรับวิศวกร"
    lines = _assert_inside_circle(badge_svg(title, lang="th"))
    titles = [line["text"] for line in lines if line["bold"]]
    assert len(titles) >= 2
    assert all("\u200b" not in text for text in titles)  # never drawn (no glyph for it)
    assert "".join(titles) == title.replace("\u200b", "")
    words, ends, end = title.split("\u200b"), set(), 0
    for word in words:
        end += len(word)
        ends.add(end)
    end = 0
    for text in titles:
        end += len(text)
        assert end in ends, f"break inside a word after {text!r}"


def test_svg_is_accessible_and_escaped() -> None:
    svg = badge_svg("Data <Storytelling>", "KMUTT & co", category="Course", year="2026")
    root, _ = _svg_lines(svg)
    assert root.get("role") == "img"
    assert root.findtext(f"{SVG}title") == "Data <Storytelling>"
    assert root.findtext(f"{SVG}desc") == (
        "Course badge “Data <Storytelling>”, issued by KMUTT & co in 2026."
    )
    assert b"&lt;Storytelling&gt;" in svg
    th = ElementTree.fromstring(badge_svg("ทดสอบ", lang="th"))
    assert th.get("{http://www.w3.org/XML/1998/namespace}lang") == "th"


@pytest.mark.parametrize(
    ("color", "text_color"),
    [
        ("#c65d07", None),  # the old default: white on it was 4.2:1
        ("#ffd700", None),  # light: black text
        ("#3d7bd9", None),
        ("#777777", "#ffffff"),  # the issuer's pair, 4.48:1: the background is darkened
        ("#222222", "#444444"),  # dark on dark: the background is lightened
        ((0, 128, 0), "#fff"),
    ],
)
def test_every_text_colour_reaches_aa_contrast(color: Any, text_color: str | None) -> None:
    root, _ = _svg_lines(badge_svg("T", "I", color=color, text_color=text_color))
    background = root.find(f"{SVG}circle")
    group = root.find(f"{SVG}g")
    assert background is not None
    assert group is not None
    ratio = contrast_ratio(background.get("fill", ""), group.get("fill", ""))
    assert ratio >= 4.5
    if text_color:
        assert group.get("fill") == "#ffffff" if text_color.startswith("#f") else "#444444"


def test_contrast_ratio_matches_wcag_values() -> None:
    assert contrast_ratio("#000", "#fff") == pytest.approx(21)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#c65d07", "#ffffff") == pytest.approx(4.23, abs=0.01)
    with pytest.raises(ValueError, match="hex colour"):
        contrast_ratio("orange", "#fff")


def _logo_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (40, 40), (0, 60, 200, 255)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_logo_is_embedded() -> None:
    logo = _logo_png()
    svg = badge_svg("Teamwork", "KMUTT", logo=logo)
    root, _ = _svg_lines(svg)
    image = root.find(f"{SVG}image")
    assert image is not None
    href = image.get("href", "")
    assert base64.b64decode(href.split(",", 1)[1]) == logo
    uri = "data:image/png;base64," + base64.b64encode(logo).decode()
    plain = _pixels(badge_png(200, title="Teamwork"))
    marked = _pixels(badge_png(200, title="Teamwork", logo=uri))
    r, g, b, _ = marked.getpixel((100, 39))  # type: ignore[misc]
    assert (r, g, b) == (0, 60, 200)
    assert plain.getpixel((100, 39)) != marked.getpixel((100, 39))


def test_hostile_or_wrong_logos_are_refused_with_a_reason() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>'
    with pytest.raises(ValueError, match="not a safe SVG"):
        Logo.load(bomb)
    with pytest.raises(ValueError, match="not a PNG, JPEG or SVG"):
        Logo.load(b"GIF89a....")
    with pytest.raises(ValueError, match="bytes is over"):
        Logo.load(b"\x89PNG\r\n\x1a\n" + b"\0" * 600_000)
    svg_logo = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect/></svg>'
    assert b"image/svg+xml" in badge_svg("T", logo=svg_logo)
    with pytest.raises(ValueError, match="PNG badge needs a PNG or JPEG logo"):
        badge_png(128, title="T", logo=svg_logo)
    huge = io.BytesIO()
    Image.new("1", (5000, 10)).save(huge, format="PNG")
    with pytest.raises(ValueError, match="over 2048 px"):
        badge_png(128, title="T", logo=huge.getvalue())


def _signed(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    key = Ed25519Key.generate()
    credential = load(SPEC / "ob3-basic.unsigned.json")
    credential["issuer"]["id"] = key.did
    signed = add_proof(credential, key)
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(signed), "utf-8")
    return path, signed


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_bake_without_an_image_draws_one_and_round_trips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    path, signed = _signed(tmp_path)
    out = tmp_path / f"baked.{suffix}"
    assert main(["bake", str(path), "-o", str(out)]) == 0
    data = out.read_bytes()
    assert json.loads(unbake(data)) == signed
    assert verify(json.loads(unbake(data))).verified
    title = signed["credentialSubject"]["achievement"]["name"]
    if suffix == "svg":
        root, lines = _svg_lines(data)
        assert root.findtext(f"{SVG}title") == title
        assert title in " ".join(line["text"] for line in lines)
    else:
        assert _light_pixels(_title_region(_pixels(data))) > 400
    capsys.readouterr()


def test_credential_face_alt_text_and_a_jwt_carrier() -> None:
    credential = load(SPEC / "ob3-basic.unsigned.json")
    credential["validFrom"] = "2026-11-02T10:00:00Z"
    credential["credentialSubject"]["achievement"]["achievementType"] = "MicroCredential"
    credential["credentialSubject"]["achievement"]["related"] = [
        {"id": "urn:x:th", "type": ["Related"], "inLanguage": "th", "name": "การทำงานเป็นทีม"}
    ]
    face = badge_face(credential)
    title = credential["credentialSubject"]["achievement"]["name"]
    assert (face.title, face.category, face.year) == (title, "Micro-credential", "2026")
    thai = badge_face(credential, "th")
    assert (thai.title, thai.category, thai.year) == ("การทำงานเป็นทีม", "ไมโครเครดิต", "พ.ศ. 2569")
    issuer = credential["issuer"]["name"]
    assert badge_alt_text(credential) == (
        f"Micro-credential badge “{title}”, issued by {issuer} in 2026."
    )
    assert badge_alt_text(credential, "th") == (
        f"เหรียญตราไมโครเครดิต “การทำงานเป็นทีม” ออกโดย {issuer} พ.ศ. 2569"
    )
    assert category_words("ext:CapstoneProject") == "Capstone project"
    payload = base64.urlsafe_b64encode(json.dumps({"vc": credential}).encode()).rstrip(b"=")
    jwt = f"eyJhbGciOiJFZERTQSJ9.{payload.decode()}.c2ln"
    svg = credential_badge(jwt, format="svg")
    assert re.search(rb"<title[^>]*>" + re.escape(title.encode()), svg)
    with pytest.raises(ValueError, match="compact JWS"):
        credential_badge("not a credential")


@pytest.mark.parametrize(("lang", "title"), [("th", "การเล่าเรื่องด้วยข้อมูล"), ("en", None)])
def test_cli_bake_draws_the_image_in_the_language_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, title: str | None
) -> None:
    from openmicrocred.cli.demo import demo_definition
    from test_multilingual import _award, thai_definition

    signed = _award(thai_definition())
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(signed, ensure_ascii=False), "utf-8")
    out = tmp_path / "baked.svg"
    assert main(["bake", str(path), "-o", str(out), "--lang", lang]) == 0
    data = out.read_bytes()
    assert json.loads(unbake(data)) == signed
    root, lines = _svg_lines(data)
    expected = title or demo_definition().name
    assert root.findtext(f"{SVG}title") == expected
    shown = " ".join(line["text"] for line in lines)
    assert ("พ.ศ. 2569" in shown) is (lang == "th")  # the Buddhist-era year in Thai
    capsys.readouterr()


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("A\x01B", "A B"),  # a control character: XML forbids it
        ("bad \ud800 one", "bad \ufffd one"),  # a lone surrogate: not encodable
        ("\u202eevil\u202c", "evil"),  # a bidi override would reorder what was signed
        ("tab\there", "tab here"),
        ("end\uffff", "end\ufffd"),  # U+FFFF: XML forbids it
    ],
)
def test_unshowable_characters_never_break_an_image(name: str, shown: str) -> None:
    import xml.dom.minidom

    from openmicrocred.present.images import badge_face

    credential = {
        "credentialSubject": {
            "achievement": {"name": name, "inLanguage": "en\x01", "achievementType": "ext:\x02"}
        },
        "issuer": {"name": f"Issuer {name}"},
        "validFrom": "2026-01-01T00:00:00Z",
    }
    face = badge_face(credential)
    assert face.title == shown
    assert face.issuer == f"Issuer {shown}"
    assert face.lang is None  # "en\x01" is no language tag
    svg = credential_badge(credential, format="svg")
    xml.dom.minidom.parseString(svg)  # well-formed, encodable
    assert credential_badge(credential, format="png").startswith(b"\x89PNG")


def test_badge_functions_given_text_directly_make_well_formed_images() -> None:
    import xml.dom.minidom

    for text in ("T\uffff", "x\ud800", "a\x01", "\u202eevil"):
        svg = badge_svg(text, text, category=text, year=text, lang="th\x00")
        xml.dom.minidom.parseString(svg)
        assert b"xml:lang" not in svg  # "th\x00" is no language tag
        assert badge_png(128, title=text, issuer=text).startswith(b"\x89PNG")


def test_baking_carries_what_json_may_hold_but_xml_and_utf8_may_not() -> None:
    import json

    from openmicrocred.bake import bake, unbake

    credential = {"name": "T\uffff and \ud800 alone", "th": "ไทย", "cdata": "]]>"}
    for image in (badge_png(), credential_badge({"name": "A"}, format="svg")):
        assert json.loads(unbake(bake(image, credential))) == credential
