"""Baked SVG badges (OB 3.0 §5.3.2): an ``<openbadges:credential>`` element right after the
``<svg>`` start tag, JSON in CDATA or a compact JWS in its ``verify`` attribute.

Reading uses defusedxml. A document type declaration is allowed, as SVG editors (and 1EdTech's
own fixtures) write ``<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "...svg11.dtd">``; the
external DTD is never read. Entity declarations (so entity bombs and external entities),
attribute-list declarations (their defaults would add attributes the text does not show) and
external references are refused, as is input over 20 MB. Baking edits the text so that the
rest of the image stays byte for byte as it was.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..errors import BakeError

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = ["NAMESPACE", "bake_svg", "is_svg", "unbake_svg"]

NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
_TAG = f"{{{NAMESPACE}}}credential"
_SVG_START = re.compile(rb"<svg(?=[\s>/])(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.S)
_PREFIX_DECL = re.compile(
    rb"\sxmlns:([A-Za-z_][\w.-]*)\s*=\s*([\"'])https://purl\.imsglobal\.org/ob/v3p0\2"
)
_MAX_SVG = 20_000_000


def is_svg(data: bytes) -> bool:
    """Whether ``data`` looks like an SVG document."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"<svg", b"<?xml", b"<!--", b"<!DOCTYPE")) and b"<svg" in data[:65536]


class _RefusedError(Exception):
    """A declaration the reader refuses, raised from inside the XML parser."""


def _refuse_attlist(element: str, attribute: str, *_: object) -> None:
    raise _RefusedError(
        f"unsafe SVG refused: the DTD declares attribute {attribute!r} of <{element}>; its "
        "default value would change the document without appearing in it"
    )


def _unsafe(exc: Exception) -> str:
    from defusedxml.common import EntitiesForbidden, ExternalReferenceForbidden

    if isinstance(exc, EntitiesForbidden):
        where = f" (SYSTEM {exc.sysid!r})" if exc.sysid else ""
        kind = "an external entity" if exc.sysid or exc.pubid else "an XML entity"
        return (
            f"unsafe SVG refused: the DTD declares {kind} {exc.name!r}{where}; "
            "entity declarations are never expanded (entity bombs, external entities)"
        )
    if isinstance(exc, ExternalReferenceForbidden):
        return f"unsafe SVG refused: external reference {exc.sysid!r} is never loaded"
    return f"unsafe SVG refused: {type(exc).__name__}"


def _parse(data: bytes) -> Element:
    # The XML parser is loaded only for SVG input.
    from xml.etree.ElementTree import TreeBuilder

    from defusedxml import ElementTree as SafeET
    from defusedxml.common import DefusedXmlException

    if len(data) > _MAX_SVG:
        raise BakeError(f"SVG too large ({len(data)} bytes; at most {_MAX_SVG})")
    parser = SafeET.DefusedXMLParser(
        target=TreeBuilder(), forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    parser.parser.AttlistDeclHandler = _refuse_attlist
    try:
        parser.feed(data)
        root: Element = parser.close()
    except _RefusedError as exc:
        raise BakeError(str(exc)) from None
    except DefusedXmlException as exc:
        raise BakeError(_unsafe(exc)) from None
    except SafeET.ParseError as exc:
        raise BakeError(f"not a well-formed SVG: {exc}") from None
    except (LookupError, ValueError, UnicodeError) as exc:  # e.g. an unknown encoding
        raise BakeError(f"unreadable SVG: {exc}") from None
    if root.tag not in ("{http://www.w3.org/2000/svg}svg", "svg"):
        raise BakeError("not an SVG image (root element is not <svg>)")
    return root


def unbake_svg(data: bytes) -> str:
    """The credential text (JSON or compact JWS) baked into an SVG.

    :raises BakeError: not a safe, well-formed SVG; no credential, or more than one.
    """
    root = _parse(data)
    found = list(root.iter(_TAG))
    if not found:
        raise BakeError("the SVG holds no Open Badges credential (<openbadges:credential>)")
    if len(found) > 1:
        raise BakeError("the SVG holds more than one Open Badges credential")
    element = found[0]
    token = element.get("verify")
    if token:
        return token.strip()
    text = (element.text or "").strip()
    if not text:
        raise BakeError("the <openbadges:credential> element is empty")
    return text


def _remove_existing(text: bytes, prefix: bytes) -> bytes:
    name = re.escape(prefix + b":credential")
    pattern = re.compile(
        rb"\s*<" + name + rb"(?:\s(?:[^>\"']|\"[^\"]*\"|'[^']*')*)?(?:/>|>.*?</" + name + rb"\s*>)",
        re.S,
    )
    return pattern.sub(b"", text)


def bake_svg(data: bytes, credential: str) -> bytes:
    """Return the SVG with ``credential`` (JSON text or a compact JWS) baked in.

    An existing baked credential is replaced; the rest of the document is kept as it was.
    """
    _parse(data)  # refuse unsafe or broken input before editing it
    match = _SVG_START.search(data)
    if match is None:
        raise BakeError("no <svg> start tag found")
    start_tag = match.group(0)
    declared = _PREFIX_DECL.search(start_tag)
    prefix = declared.group(1) if declared else b"openbadges"
    if declared is None:
        insert_at = len(start_tag) - (2 if start_tag.endswith(b"/>") else 1)
        start_tag = (
            start_tag[:insert_at]
            + b' xmlns:openbadges="'
            + NAMESPACE.encode()
            + b'"'
            + start_tag[insert_at:]
        )
    if start_tag.endswith(b"/>"):
        raise BakeError("the <svg> element is empty; there is nothing to badge")
    body = _remove_existing(data[match.end() :], prefix)
    is_jws = not credential.lstrip().startswith("{")
    tag = prefix + b":credential"
    if is_jws:
        safe = credential.strip().encode("ascii")
        if not re.fullmatch(rb"[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*\.[A-Za-z0-9_\-]*", safe):
            raise BakeError("a JWS to bake must be a compact JWS")
        element = b"<" + tag + b' verify="' + safe + b'"/>'
    else:
        if "]]>" in credential:
            credential = credential.replace("]]>", "]]]]><![CDATA[>")
        element = b"<" + tag + b"><![CDATA[" + credential.encode("utf-8") + b"]]></" + tag + b">"
    return data[: match.start()] + start_tag + element + body
