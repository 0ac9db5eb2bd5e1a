"""JSON-LD expansion in *safe mode*, offline, with thread-local context caches.

A credential's proof signs the RDF that JSON-LD processing produces, not the JSON text. Plain
JSON-LD silently drops a property that the active contexts do not define and leaves an
undefined ``type`` value or a relative IRI to be resolved against a processor-dependent base
(or dropped when converting to RDF). A verifier that then displays the JSON would show
claims that were never signed. VC Data Integrity therefore requires processors to fail
instead (``DATA_LOSS_DETECTION_ERROR``). :func:`expand` does that: every undefined property,
undefined ``type`` value and relative IRI is a :class:`SafeModeError` naming its JSON path.
"""

from __future__ import annotations

from typing import Any, cast

from ..documents import DEFAULT_LOADER
from ..rdf.nquads import XSD_STRING, Quad, Term
from ..types import DocumentLoader, JSONObject
from ._compiled import Unsupported, fast_quads

__all__ = [
    "check_safe",
    "expand",
    "general_quads",
    "processing_options",
    "to_quads",
    "to_rdf_dataset",
]


def processing_options(loader: DocumentLoader = DEFAULT_LOADER) -> dict[str, Any]:
    """pyld options for offline processing with ``loader`` and a thread-local context cache."""
    from ._safe import processing_options

    return processing_options(loader)


def expand(
    document: JSONObject,
    *,
    loader: DocumentLoader = DEFAULT_LOADER,
    safe: bool = True,
) -> list[JSONObject]:
    """Expand a JSON-LD document offline, in safe mode by default.

    :param document: the JSON-LD document (a credential, a proof configuration, ...).
    :param loader: serves the contexts; by default only the bundled ones.
    :param safe: fail on data loss (default). ``False`` gives plain JSON-LD behaviour, for
        diagnostics only.
    :raises SafeModeError: a property, ``type`` value or IRI would be lost or mis-mapped;
        the error's ``path`` names where.
    :raises DocumentLoaderError: a context is not available offline.
    :raises JsonLdError: the document is not valid JSON-LD.
    :return: the expanded document.
    """
    return cast(list[JSONObject], _run("expand", document, loader, safe))


def to_rdf_dataset(
    document: JSONObject,
    *,
    loader: DocumentLoader = DEFAULT_LOADER,
    safe: bool = True,
) -> dict[str, list[dict[str, Any]]]:
    """Convert a JSON-LD document to pyld's RDF dataset form, expanding it in safe mode.

    :raises SafeModeError: as :func:`expand`.
    :return: graph name (``"@default"`` for the default graph) -> pyld triples.
    """
    return cast(dict[str, list[dict[str, Any]]], _run("to_rdf", document, loader, safe))


def _run(operation: str, document: JSONObject, loader: DocumentLoader, safe: bool) -> Any:
    from ._safe import run  # pyld is imported only when a document needs it

    return run(operation, document, loader, safe)


def check_safe(document: JSONObject, *, loader: DocumentLoader = DEFAULT_LOADER) -> None:
    """Raise :class:`SafeModeError` if JSON-LD processing would lose part of ``document``."""
    # The compiled fast path accepts a document only if every property, type and IRI is
    # defined and absolute; anything else goes through safe-mode expansion, which names
    # the JSON path of the problem.
    try:
        fast_quads(document, loader=loader)
        return
    except Unsupported:
        pass
    expand(document, loader=loader, safe=True)


def to_quads(
    document: JSONObject, *, loader: DocumentLoader = DEFAULT_LOADER, fast: bool = True
) -> list[Quad]:
    """The RDF quads a JSON-LD document denotes (expanded in safe mode, offline).

    :param fast: use the compiled fast path when the document is within it (the default);
        ``False`` always takes the general (pyld) path. Both give the same dataset.
    """
    if fast:
        try:
            return fast_quads(document, loader=loader)
        except Unsupported:
            pass
    return general_quads(document, loader=loader)


def general_quads(document: JSONObject, *, loader: DocumentLoader = DEFAULT_LOADER) -> list[Quad]:
    """The RDF quads of a document through general JSON-LD processing (pyld, safe mode)."""
    quads: list[Quad] = []
    for graph_name, triples in to_rdf_dataset(document, loader=loader).items():
        graph: Term | None = None
        if graph_name != "@default":
            graph = (
                ("blank", graph_name.removeprefix("_:"))
                if graph_name.startswith("_:")
                else ("iri", graph_name)
            )
        for triple in triples:
            quads.append(
                Quad(
                    _term(triple["subject"]),
                    _term(triple["predicate"]),
                    _term(triple["object"]),
                    graph,
                )
            )
    return quads


def _term(node: dict[str, Any]) -> Term:
    kind = node["type"]
    if kind == "IRI":
        return ("iri", node["value"])
    if kind == "blank node":
        return ("blank", node["value"].removeprefix("_:"))
    return ("literal", node["value"], node.get("datatype") or XSD_STRING, node.get("language"))
