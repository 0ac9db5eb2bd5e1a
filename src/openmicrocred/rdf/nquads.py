"""RDF terms and quads, and N-Quads parsing and canonical serialization.

Terms are tuples, cheap to hash and compare:

* ``("iri", iri)``
* ``("blank", label)`` (label without ``_:``)
* ``("literal", lexical, datatype_iri, language_or_None)``

A quad's graph is ``None`` for the default graph. Serialization follows the canonical N-Quads
form that RDFC-1.0 uses (RDF 1.2 N-Quads, "canonical form"): literals escape ``"``, ``\\``,
``\\n``, ``\\r`` with a backslash, ``\\b``, ``\\t``, ``\\f`` likewise, every other character
in U+0000 to U+001F and U+007F as ``\\uXXXX`` (upper-case hex), and nothing else.
"""

from __future__ import annotations

import functools
import re
from typing import Any, NamedTuple, TypeAlias

from ..errors import CanonicalizationError

__all__ = ["XSD_STRING", "Quad", "Term", "parse_nquads", "serialize_nquad", "serialize_term"]

Term: TypeAlias = tuple[Any, ...]
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class Quad(NamedTuple):
    """An RDF quad; ``graph`` is ``None`` for the default graph."""

    subject: Term
    predicate: Term
    object: Term
    graph: Term | None = None


_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\b": "\\b",
    "\t": "\\t",
    "\f": "\\f",
}
for _code in [*range(0x20), 0x7F]:
    _ESCAPES.setdefault(chr(_code), f"\\u{_code:04X}")
_NEEDS_ESCAPE = re.compile('["\\\\\x00-\x1f\x7f]')


def _escape(text: str) -> str:
    if not _NEEDS_ESCAPE.search(text):
        return text
    return _NEEDS_ESCAPE.sub(lambda m: _ESCAPES[m.group(0)], text)


_serialized: dict[Term, str] = {}


def serialized_terms() -> dict[Term, str]:
    """The memo of :func:`serialize_term` (IRIs and literals already serialized; read only)."""
    return _serialized


def serialize_term(term: Term) -> str:
    """Serialize one term in canonical N-Quads form."""
    cached = _serialized.get(term)
    if cached is not None:
        return cached
    text = _serialize_term(term)
    if term[0] != "blank":
        if len(_serialized) > 20_000:
            _serialized.clear()
        _serialized[term] = text
    return text


def _serialize_term(term: Term) -> str:
    kind = term[0]
    if kind == "iri":
        return f"<{term[1]}>"
    if kind == "blank":
        return f"_:{term[1]}"
    lexical, datatype, language = term[1], term[2], term[3]
    out = f'"{_escape(lexical)}"'
    if language:
        return f"{out}@{language}"
    if datatype != XSD_STRING:
        return f"{out}^^<{datatype}>"
    return out


def serialize_nquad(quad: Quad) -> str:
    """Serialize one quad as a canonical N-Quads line, with its ``\\n``."""
    s, p, o, g = quad
    if g is None:
        return f"{serialize_term(s)} {serialize_term(p)} {serialize_term(o)} .\n"
    return f"{serialize_term(s)} {serialize_term(p)} {serialize_term(o)} {serialize_term(g)} .\n"


_IRI = r"<([^>]*)>"
_BNODE = r"_:([A-Za-z0-9_\-.\u00B7-\U000EFFFF]+)"
_LITERAL = r'"((?:[^"\\]|\\.)*)"(?:\^\^<([^>]*)>|@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*))?'
_TERM = f"(?:{_IRI}|{_BNODE}|{_LITERAL})"


@functools.cache
def _line_pattern() -> re.Pattern[str]:
    # Compiled on first use: about 20 ms, and only parsing N-Quads text needs it.
    return re.compile(rf"^\s*{_TERM}\s*{_TERM}\s*{_TERM}\s*(?:{_TERM}\s*)?\.\s*(?:#.*)?$")


_UNESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        if m.group(1) or m.group(2):
            return chr(int(m.group(1) or m.group(2), 16))
        char = m.group(3)
        if char not in _ECHAR:
            raise ValueError(f"invalid escape \\{char}")
        return _ECHAR[char]

    return _UNESCAPE.sub(repl, text) if "\\" in text else text


def _term(groups: tuple[str | None, ...]) -> Term | None:
    iri, bnode, lexical, datatype, language = groups
    if iri is not None:
        return ("iri", _unescape(iri))
    if bnode is not None:
        return ("blank", bnode)
    if lexical is not None:
        if language:
            return ("literal", _unescape(lexical), RDF_LANGSTRING, language)
        return (
            "literal",
            _unescape(lexical),
            _unescape(datatype) if datatype else XSD_STRING,
            None,
        )
    return None


def parse_nquads(text: str) -> list[Quad]:
    """Parse N-Quads text into quads.

    :raises CanonicalizationError: a line is not a valid N-Quads statement (the line number
        is in the message).
    """
    quads: list[Quad] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _line_pattern().match(line)
        if match is None:
            raise CanonicalizationError(f"N-Quads line {number} is not a statement: {line!r}")
        g = match.groups()
        try:
            terms = [_term(g[i : i + 5]) for i in range(0, 20, 5)]
        except ValueError as exc:
            raise CanonicalizationError(f"N-Quads line {number}: {exc}") from None
        s, p, o, graph = terms
        if s is None or p is None or o is None or s[0] == "literal" or p[0] != "iri":
            raise CanonicalizationError(f"N-Quads line {number} is not a statement: {line!r}")
        quads.append(Quad(s, p, o, graph))
    return quads
