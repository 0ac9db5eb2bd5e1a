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

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

from .._json import as_list
from ..documents import DEFAULT_LOADER
from ..errors import SafeModeError
from ..rdf.nquads import XSD_STRING, Quad, Term
from ..types import DocumentLoader, JSONObject
from ._compiled import Unsupported, fast_quads

__all__ = [
    "check_safe",
    "expand",
    "general_quads",
    "processing_options",
    "refuse_dropping_aliases",
    "shared_quads",
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
    if safe:
        # Embedded contexts are checked here only: the compiled fast path takes nothing but
        # context URLs, so a document with an embedded context always comes this way.
        refuse_dropping_aliases(document)
    from ._safe import run  # pyld is imported only when a document needs it

    return run(operation, document, loader, safe)


_ALIASABLE = frozenset({"@id", "@type"})
"""The keywords a term may stand for in safe mode: the only ones the bundled contexts alias.
A term aliasing another keyword (``"name": "@index"``, ``@nest``, ``@language``, ...) would
let a document show a value under a familiar name while taking it out of the signed graph."""


def refuse_dropping_aliases(document: JSONObject) -> None:
    """Raise :class:`SafeModeError` if an embedded context of ``document`` (at any node, or
    appended to its ``@context``) defines a term as an alias of a keyword other than ``@id``
    and ``@type``."""
    _scan_node(document, "$")


def _scan_node(value: Any, path: str) -> None:
    if isinstance(value, list):
        for i, item in enumerate(value):
            _scan_node(item, f"{path}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "@context":
                _scan_contexts(item, _child(path, key))
            else:
                _scan_node(item, _child(path, key))


def _scan_contexts(contexts: Any, path: str) -> None:
    many = isinstance(contexts, list)
    for i, context in enumerate(as_list(contexts)):
        if isinstance(context, dict):
            _scan_definitions(context, f"{path}[{i}]" if many else path)


def _scan_definitions(context: JSONObject, path: str) -> None:
    for term, definition in context.items():
        if term.startswith("@"):
            continue
        target = definition.get("@id") if isinstance(definition, dict) else definition
        if isinstance(target, str) and target.startswith("@") and target not in _ALIASABLE:
            raise SafeModeError(
                _child(path, term),
                f"the term {term!r} is defined as an alias of {target}, which would take its "
                "value out of what is signed",
            )
        if isinstance(definition, dict) and "@context" in definition:
            _scan_contexts(definition["@context"], _child(_child(path, term), "@context"))


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if key.isidentifier() else f"{path}[{json.dumps(key)}]"


# One verification asks for the quads of the same document more than once: the safe-mode
# check, then each proof's canonicalization. Inside ``shared_quads()`` the fast path's answer
# for a document is kept for the rest of the block, in a memo of this context only (this
# thread or task), so it can never be handed to another verification.
_Memo = dict[tuple[int, tuple[tuple[str, int], ...]], tuple[Any, ...]]
_memo: ContextVar[_Memo | None] = ContextVar("openmicrocred_shared_quads", default=None)


@contextmanager
def shared_quads() -> Iterator[None]:
    """Within the block, compute the fast-path quads of each document only once.

    A document is recognised by its loader and its top-level items, each value by identity
    (the memo holds those values, so their identities cannot be reused while it lives). The
    block must not change a document it has given to :func:`check_safe` or
    :func:`to_quads`: the verifier, which only reads the credential, opens one per
    verification. Nested blocks share the outer block's memo.
    """
    if _memo.get() is not None:
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def _fast(document: JSONObject, loader: DocumentLoader) -> list[Quad]:
    """:func:`fast_quads`, answered from the memo of :func:`shared_quads` when there is one.

    :raises Unsupported: the document needs the general path.
    """
    memo = _memo.get()
    if memo is None or not isinstance(document, dict):
        return fast_quads(document, loader=loader)
    key = (id(loader), tuple((k, id(v)) for k, v in document.items()))
    entry = memo.get(key)
    if entry is None or entry[0] is not loader:
        try:
            outcome: list[Quad] | Unsupported = fast_quads(document, loader=loader)
        except Unsupported as exc:
            outcome = exc
        entry = (loader, tuple(document.values()), outcome)
        memo[key] = entry
    outcome = entry[2]
    if isinstance(outcome, Unsupported):
        raise Unsupported(*outcome.args)
    return list(outcome)


def check_safe(document: JSONObject, *, loader: DocumentLoader = DEFAULT_LOADER) -> None:
    """Raise :class:`SafeModeError` if JSON-LD processing would lose part of ``document``,
    or if an embedded context aliases a keyword that drops data (see
    :func:`refuse_dropping_aliases`)."""
    # The compiled fast path accepts a document only if every property, type and IRI is
    # defined and absolute; anything else goes through safe-mode expansion, which names
    # the JSON path of the problem.
    try:
        _fast(document, loader)
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
            return _fast(document, loader)
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
