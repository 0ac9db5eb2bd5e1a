"""Baked PNG badges (OB 3.0 §5.3.1): one uncompressed ``iTXt`` chunk with the keyword
``openbadgecredential`` holding the JSON credential or the compact JWS."""

from __future__ import annotations

import struct
import zlib

from ..errors import BakeError

__all__ = ["KEYWORD", "bake_png", "is_png", "unbake_png"]

SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = b"openbadgecredential"
_MAX_CHUNKS = 100_000


def is_png(data: bytes) -> bool:
    """Whether ``data`` starts with the PNG signature."""
    return data.startswith(SIGNATURE)


def _chunks(data: bytes) -> list[tuple[int, bytes, bytes]]:
    """(offset, type, body) of every chunk, checking lengths and CRCs."""
    if not is_png(data):
        raise BakeError("not a PNG image (bad signature)")
    out: list[tuple[int, bytes, bytes]] = []
    pos = len(SIGNATURE)
    while pos < len(data):
        if len(data) - pos < 12:
            raise BakeError(f"truncated PNG chunk at byte {pos}")
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise BakeError(f"truncated PNG chunk {kind!r} at byte {pos}")
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise BakeError(f"PNG chunk {kind!r} at byte {pos} has a bad CRC")
        out.append((pos, kind, body))
        pos = end
        if kind == b"IEND":
            break
        if len(out) > _MAX_CHUNKS:
            raise BakeError("too many PNG chunks")
    if not out or out[-1][1] != b"IEND":
        raise BakeError("PNG has no IEND chunk")
    return out


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def _is_credential_chunk(kind: bytes, body: bytes) -> bool:
    return kind == b"iTXt" and body.split(b"\0", 1)[0] == KEYWORD


def _itxt_text(body: bytes) -> str:
    # keyword \0 compression-flag compression-method language \0 translated \0 text
    try:
        _keyword, rest = body.split(b"\0", 1)
        flag, method = rest[0], rest[1]
        _language, rest = rest[2:].split(b"\0", 1)
        _translated, text = rest.split(b"\0", 1)
    except (ValueError, IndexError):
        raise BakeError("malformed iTXt chunk") from None
    if flag != 0:
        if flag != 1 or method != 0:
            raise BakeError("unsupported iTXt compression")
        try:
            text = zlib.decompressobj().decompress(text, 10_000_000)
        except zlib.error:
            raise BakeError("corrupt compressed iTXt chunk") from None
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError:
        raise BakeError("the baked credential is not UTF-8 text") from None


def unbake_png(data: bytes) -> str:
    """The credential text (JSON or compact JWS) baked into a PNG.

    :raises BakeError: not a PNG, damaged, no credential, or more than one.
    """
    found = [body for _, kind, body in _chunks(data) if _is_credential_chunk(kind, body)]
    if not found:
        raise BakeError("the PNG holds no Open Badges credential (no 'openbadgecredential' iTXt)")
    if len(found) > 1:
        raise BakeError("the PNG holds more than one Open Badges credential")
    return _itxt_text(found[0])


def bake_png(data: bytes, credential: str) -> bytes:
    """Return the PNG with ``credential`` (JSON text or a compact JWS) baked in.

    An existing baked credential is replaced; every other byte is kept. The chunk goes just
    before ``IEND``, uncompressed, with empty language and translated keyword.
    """
    chunks = _chunks(data)
    body = KEYWORD + b"\0\0\0" + b"\0" + b"\0" + credential.encode("utf-8")
    out = bytearray(data[: len(SIGNATURE)])
    for pos, kind, chunk_body in chunks:
        raw = data[pos : pos + 12 + len(chunk_body)]
        if _is_credential_chunk(kind, chunk_body):
            continue
        if kind == b"IEND":
            out += _chunk(b"iTXt", body)
        out += raw
    return bytes(out)
