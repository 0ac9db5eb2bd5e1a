"""Byte encodings used by keys and proofs: base58btc, base64url, multibase, multicodec."""

from __future__ import annotations

import base64

from .errors import KeyFormatError

__all__ = [
    "ED25519_PRIV",
    "ED25519_PUB",
    "P256_PUB",
    "b58decode",
    "b58encode",
    "b64url_decode",
    "b64url_encode",
    "multibase_decode",
    "multibase_encode",
    "multicodec_unwrap",
    "multicodec_wrap",
]

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}

# Multicodec prefixes (varint-encoded codes) from the multicodec table.
ED25519_PUB = b"\xed\x01"  # 0xed
ED25519_PRIV = b"\x80\x26"  # 0x1300
P256_PUB = b"\x80\x24"  # 0x1200 (compressed point)


def b58encode(data: bytes) -> str:
    """Bitcoin base58 encoding."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rem = divmod(number, 58)
        out.append(_B58[rem])
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    """Decode Bitcoin base58.

    :raises KeyFormatError: a character is not in the base58 alphabet.
    """
    number = 0
    for char in text:
        digit = _B58_INDEX.get(char)
        if digit is None:
            raise KeyFormatError("invalid base58 character")
        number = number * 58 + digit
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def b64url_encode(data: bytes) -> str:
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding.

    :raises KeyFormatError: not base64url.
    """
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        raise KeyFormatError("invalid base64url data") from None


def multibase_encode(data: bytes, base: str = "z") -> str:
    """Multibase: ``z`` + base58btc (default) or ``u`` + base64url."""
    if base == "z":
        return "z" + b58encode(data)
    if base == "u":
        return "u" + b64url_encode(data)
    raise ValueError(f"unsupported multibase prefix {base!r}")


def multibase_decode(text: str) -> bytes:
    """Decode a ``z`` (base58btc) or ``u`` (base64url) multibase string.

    :raises KeyFormatError: empty, another base, or invalid characters.
    """
    if not isinstance(text, str) or not text:
        raise KeyFormatError("multibase value must be a non-empty string")
    if text[0] == "z":
        return b58decode(text[1:])
    if text[0] == "u":
        return b64url_decode(text[1:])
    raise KeyFormatError(f"unsupported multibase prefix {text[0]!r} (expected 'z' or 'u')")


def multicodec_wrap(prefix: bytes, data: bytes) -> bytes:
    """Prefix raw key bytes with a multicodec code."""
    return prefix + data


def multicodec_unwrap(data: bytes, prefix: bytes, length: int, what: str) -> bytes:
    """Check and strip a multicodec prefix; the rest must be ``length`` bytes.

    :raises KeyFormatError: another codec or a wrong length.
    """
    if not data.startswith(prefix):
        raise KeyFormatError(f"not a multicodec {what} (unexpected codec prefix)")
    body = data[len(prefix) :]
    if len(body) != length:
        raise KeyFormatError(f"{what} must be {length} bytes, not {len(body)}")
    return body
