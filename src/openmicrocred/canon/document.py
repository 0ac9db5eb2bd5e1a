"""Canonicalize a JSON-LD document: safe-mode expansion, RDF, then RDFC-1.0."""

from __future__ import annotations

from typing import Any

from ..documents import DEFAULT_LOADER
from ..jsonld import to_rdf_dataset
from ..types import DocumentLoader, JSONObject
from .fast import Unsupported, fast_quads
from .nquads import XSD_STRING, Quad, Term
from .rdfc10 import DEFAULT_MAX_CALLS, CanonicalizationResult, canonicalize

__all__ = ["canonicalize_document", "document_quads", "general_quads"]


def _term(node: dict[str, Any]) -> Term:
    kind = node["type"]
    if kind == "IRI":
        return ("iri", node["value"])
    if kind == "blank node":
        return ("blank", node["value"].removeprefix("_:"))
    return ("literal", node["value"], node.get("datatype") or XSD_STRING, node.get("language"))


def document_quads(
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


def canonicalize_document(
    document: JSONObject,
    *,
    loader: DocumentLoader = DEFAULT_LOADER,
    hash_algorithm: str = "sha256",
    max_calls: int = DEFAULT_MAX_CALLS,
    fast: bool = True,
) -> CanonicalizationResult:
    """Canonical N-Quads (RDFC-1.0) of a JSON-LD document.

    :raises SafeModeError: part of the document would be lost in JSON-LD processing.
    :raises CanonicalizationError: the work limit was exceeded.
    """
    return canonicalize(
        document_quads(document, loader=loader, fast=fast),
        hash_algorithm=hash_algorithm,
        max_calls=max_calls,
    )
