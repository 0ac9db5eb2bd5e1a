"""Bitstring Status List v1.0 bitstrings (https://www.w3.org/TR/vc-bitstring-status-list/).

``encodedList`` is ``"u"`` + base64url (no padding) of the GZIP-compressed bitstring. Index 0
is the most significant bit of byte 0. Lists hold at least 131,072 entries (16 KB), so that
a list does not reveal which of few credentials is being checked (herd privacy, §6.1).
"""

from __future__ import annotations

import base64
import gzip
import zlib

from ..errors import StatusListError

__all__ = ["MAX_BITS", "MIN_BITS", "BitString"]

MIN_BITS = 131_072
MAX_BITS = 1 << 27  # 16 MiB of bits: refuse larger lists (decompression bombs)


class BitString:
    """A fixed-size bitstring with MSB-first indexing.

    :param size: number of entries (bits); at least :data:`MIN_BITS` unless ``allow_small``.
    """

    __slots__ = ("_bytes", "size")

    def __init__(self, size: int = MIN_BITS, *, allow_small: bool = False) -> None:
        if size <= 0 or size % 8 or size > MAX_BITS:
            raise ValueError(f"size must be a positive multiple of 8 up to {MAX_BITS}")
        if size < MIN_BITS and not allow_small:
            raise ValueError(f"a status list must hold at least {MIN_BITS} entries")
        self.size = size
        self._bytes = bytearray(size // 8)

    def _position(self, index: int) -> tuple[int, int]:
        if not 0 <= index < self.size:
            raise IndexError(f"status index {index} is outside the list (0..{self.size - 1})")
        return index // 8, 0x80 >> (index % 8)

    def get(self, index: int) -> bool:
        """The bit at ``index``."""
        byte, mask = self._position(index)
        return bool(self._bytes[byte] & mask)

    def set(self, index: int, value: bool = True) -> None:
        """Set (or clear) the bit at ``index``."""
        byte, mask = self._position(index)
        if value:
            self._bytes[byte] |= mask
        else:
            self._bytes[byte] &= ~mask & 0xFF

    def get_value(self, index: int, width: int) -> int:
        """The ``width``-bit status of entry ``index`` (bits ``index * width`` onwards, most
        significant first), as Bitstring Status List reads a ``statusSize`` entry."""
        start = index * width
        self._position(start + width - 1)  # the whole entry lies in the list
        value = 0
        for bit in range(start, start + width):
            value = (value << 1) | self.get(bit)
        return value

    def set_value(self, index: int, width: int, value: int) -> None:
        """Write the ``width``-bit status ``value`` of entry ``index``."""
        if not 0 <= value < 1 << width:
            raise ValueError(f"a {width}-bit status is 0..{(1 << width) - 1}, not {value}")
        start = index * width
        self._position(start + width - 1)
        for offset in range(width):
            self.set(start + offset, bool(value >> (width - 1 - offset) & 1))

    def set_indexes(self) -> list[int]:
        """Every index whose bit is set, ascending."""
        out: list[int] = []
        for byte_index, byte in enumerate(self._bytes):
            if byte:
                out.extend(byte_index * 8 + bit for bit in range(8) if byte & (0x80 >> bit))
        return out

    def encode(self) -> str:
        """``encodedList``: multibase base64url of the GZIP-compressed bitstring."""
        compressed = gzip.compress(bytes(self._bytes), compresslevel=9, mtime=0)
        return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")

    @classmethod
    def decode(cls, encoded: str, *, multibase: bool = True) -> BitString:
        """Decode an ``encodedList`` (``multibase=False`` for StatusList2021's plain base64url).

        :raises StatusListError: not base64url, not GZIP, or larger than :data:`MAX_BITS`.
        """
        if not isinstance(encoded, str) or not encoded:
            raise StatusListError("encodedList must be a non-empty string")
        text = encoded
        if multibase:
            if text[0] != "u":
                raise StatusListError("encodedList must be multibase base64url (start with 'u')")
            text = text[1:]
        try:
            compressed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (ValueError, TypeError):
            raise StatusListError("encodedList is not base64url") from None
        inflater = zlib.decompressobj(wbits=31)  # GZIP framing
        try:
            raw = inflater.decompress(compressed, MAX_BITS // 8 + 1)
        except zlib.error:
            raise StatusListError("encodedList is not GZIP-compressed") from None
        if len(raw) > MAX_BITS // 8 or inflater.unconsumed_tail:
            raise StatusListError(f"the status list is larger than {MAX_BITS} entries")
        if not raw:
            raise StatusListError("the status list is empty")
        bits = cls(len(raw) * 8, allow_small=True)
        bits._bytes[:] = raw
        return bits
