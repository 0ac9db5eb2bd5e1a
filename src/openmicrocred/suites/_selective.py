"""Selective-disclosure primitives of W3C Data Integrity ECDSA Cryptosuites v1.0, §3.4:
JSON pointer selection, skolemization, blank-node label maps and the grouping of canonical
N-Quads (used by ``ecdsa-sd-2023``).

https://www.w3.org/TR/vc-di-ecdsa/#selective-disclosure-functions

Blank nodes are relabelled on RDF terms, not by rewriting N-Quads text, so a literal that
happens to contain ``_:c14n0`` is never touched. Canonical N-Quads are sorted by code point.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .._encoding import b64url_encode
from ..documents import DEFAULT_LOADER
from ..errors import JsonLdError, SuiteError
from ..jsonld import expand, processing_options, to_quads
from ..rdf import Quad, Term, canonicalize, serialize_nquad
from ..types import DocumentLoader, JSONObject

__all__ = [
    "SKOLEM_PREFIX",
    "Group",
    "Grouped",
    "LabelMapFactory",
    "canonical_label_map",
    "canonicalize_and_group",
    "deskolemize",
    "hmac_label_map",
    "pointer_paths",
    "relabel",
    "select_json_ld",
    "skolemize_compact",
]

SKOLEM_PREFIX = "urn:bnid:"
"""The URN scheme blank nodes are skolemized to (as the reference implementation uses)."""

LabelMapFactory = Callable[[Mapping[str, str]], dict[str, str]]
"""Turns a canonical identifier map (input label -> ``c14nN``) into a map from input labels
to the labels written out (§3.4.3, §3.4.4)."""


# ---------------------------------------------------------------------------- label maps


def hmac_label_map(hmac_key: bytes) -> LabelMapFactory:
    """§3.4.4 createHmacIdLabelMapFunction: each canonical label becomes ``u`` +
    base64url(HMAC-SHA256(key, label))."""

    def factory(canonical_ids: Mapping[str, str]) -> dict[str, str]:
        return {
            label: "u" + b64url_encode(hmac.new(hmac_key, c14n.encode(), hashlib.sha256).digest())
            for label, c14n in canonical_ids.items()
        }

    return factory


def canonical_label_map(label_map: Mapping[str, str]) -> LabelMapFactory:
    """§3.4.3 createLabelMapFunction: each canonical label becomes its entry in
    ``label_map`` (``c14nN`` -> label).

    :raises SuiteError: a canonical label has no entry.
    """

    def factory(canonical_ids: Mapping[str, str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for label, c14n in canonical_ids.items():
            if c14n not in label_map:
                raise SuiteError(f"the label map has no entry for the blank node _:{c14n}")
            out[label] = label_map[c14n]
        return out

    return factory


def relabel(quads: Iterable[Quad], label_map: Mapping[str, str]) -> list[str]:
    """§3.4.14 relabelBlankNodes: the quads as sorted, distinct N-Quads lines with every blank
    node label replaced by its entry in ``label_map``.

    :raises SuiteError: a blank node has no entry.
    """

    def term(value: Term | None) -> Term | None:
        if value is None or value[0] != "blank":
            return value
        new = label_map.get(value[1])
        if new is None:
            raise SuiteError(
                f"the blank node _:{value[1]} is not in the label map (a selection made a "
                "blank node the whole document does not have, as RDF lists do)"
            )
        return ("blank", new)

    lines = {
        serialize_nquad(Quad(term(q.subject), q.predicate, term(q.object), term(q.graph)))  # type: ignore[arg-type]
        for q in quads
    }
    return sorted(lines)


# ------------------------------------------------------------------------- JSON pointers


def pointer_paths(pointer: str) -> list[str | int]:
    """§3.4.10 jsonPointerToPaths (RFC 6901): the pointer's reference tokens, all-digit ones
    as array indexes.

    :raises SuiteError: not a JSON pointer.
    """
    if not isinstance(pointer, str) or (pointer and not pointer.startswith("/")):
        raise SuiteError(f"{pointer!r} is not a JSON pointer (it must start with '/')")
    paths: list[str | int] = []
    for token in pointer.split("/")[1:]:
        if "~" in token:
            if any(token[i + 1 : i + 2] not in ("0", "1") for i, c in enumerate(token) if c == "~"):
                raise SuiteError(f"JSON pointer {pointer!r} has an invalid '~' escape")
            paths.append(token.replace("~1", "/").replace("~0", "~"))
        else:
            paths.append(int(token) if token.isdigit() else token)
    return paths


class _Sparse(dict[int, Any]):
    """An array of a selection being built: index -> selected value, made dense at the end."""


def _initial_selection(source: Any) -> JSONObject:
    """§3.4.11 createInitialSelection: a non-blank ``id`` and the ``type`` of ``source``."""
    selection: JSONObject = {}
    if isinstance(source, dict):
        node_id = source.get("id")
        if isinstance(node_id, str) and node_id and not node_id.startswith("_:"):
            selection["id"] = node_id
        if "type" in source:
            selection["type"] = source["type"]
    return selection


def _child(container: Any, path: str | int) -> Any:
    """``container[path]`` the way the spec's JavaScript reads it; ``None`` if absent."""
    if isinstance(container, _Sparse):
        return container.get(path) if isinstance(path, int) else None
    if isinstance(container, list):
        return container[path] if isinstance(path, int) and path < len(container) else None
    if isinstance(container, dict):
        return container.get(str(path))
    return None


def _set_child(container: Any, path: str | int, value: Any) -> None:
    if isinstance(container, list | _Sparse):
        container[int(path)] = value
    else:
        container[str(path)] = value


def _select_paths(pointer: str, paths: list[str | int], document: Any, selection: Any) -> None:
    """§3.4.12 selectPaths: add the value ``paths`` reach in ``document`` to ``selection``."""
    value = document
    selected_parent = selected = selection
    for path in paths:
        selected_parent = selected
        value = _child(value, path)
        if value is None:
            raise SuiteError(f"the JSON pointer {pointer!r} does not match the document")
        selected = _child(selected_parent, path)
        if selected is None:
            selected = _Sparse() if isinstance(value, list) else _initial_selection(value)
            _set_child(selected_parent, path, selected)
    if isinstance(value, list):
        selected = copy.deepcopy(value)
    elif isinstance(value, dict):
        selected = {**selected, **copy.deepcopy(value)}
    else:
        selected = value
    _set_child(selected_parent, paths[-1], selected)


def _dense(value: Any) -> Any:
    if isinstance(value, _Sparse):
        return [_dense(value[i]) for i in sorted(value)]
    if isinstance(value, list):
        return [_dense(v) for v in value]
    if isinstance(value, dict):
        return {k: _dense(v) for k, v in value.items()}
    return value


def select_json_ld(pointers: Sequence[str], document: JSONObject) -> JSONObject | None:
    """§3.4.13 selectJsonLd: the part of a compact document that ``pointers`` select, with
    the ``id`` and ``type`` of every object on the way; ``None`` for no pointers.

    :raises SuiteError: a pointer is malformed or does not match the document.
    """
    if not pointers:
        return None
    selection = _initial_selection(document)
    selection["@context"] = copy.deepcopy(document.get("@context"))
    for pointer in pointers:
        paths = pointer_paths(pointer)
        if not paths:
            return copy.deepcopy(document)
        _select_paths(pointer, paths, document, selection)
    result: JSONObject = _dense(selection)
    return result


# ------------------------------------------------------------------------- skolemization


def _skolemize_expanded(expanded: list[Any], random: str, counter: Iterator[int]) -> list[Any]:
    """§3.4.7 skolemizeExpandedJsonLd: every node gets a ``urn:bnid:`` IRI (a blank node's
    keeps its label)."""
    out: list[Any] = []
    for element in expanded:
        if not isinstance(element, dict) or "@value" in element:
            out.append(copy.deepcopy(element))
            continue
        node: JSONObject = {}
        for prop, value in element.items():
            if isinstance(value, list):
                node[prop] = _skolemize_expanded(value, random, counter)
            else:
                node[prop] = _skolemize_expanded([value], random, counter)[0]
        if "@list" in node or "@set" in node:
            pass  # a list or set object is not a node; it can have no @id
        elif "@id" not in node:
            node["@id"] = f"{SKOLEM_PREFIX}_{random}_{next(counter)}"
        elif isinstance(node["@id"], str) and node["@id"].startswith("_:"):
            node["@id"] = SKOLEM_PREFIX + node["@id"][2:]
        out.append(node)
    return out


def skolemize_compact(
    document: JSONObject, *, loader: DocumentLoader = DEFAULT_LOADER
) -> JSONObject:
    """§3.4.8 skolemizeCompactJsonLd: ``document`` with every node named by a ``urn:bnid:``
    IRI, compacted again with its own ``@context`` (expanded in safe mode).

    :raises SafeModeError: part of the document would be lost in JSON-LD processing.
    :raises JsonLdError: compaction failed.
    """
    if "@context" not in document:
        raise SuiteError("selective disclosure needs a compact JSON-LD document with @context")
    expanded = expand(document, loader=loader)
    skolemized = _skolemize_expanded(expanded, secrets.token_hex(16), itertools.count())
    from pyld import jsonld as pyld  # only selective disclosure needs compaction

    try:
        compact: JSONObject = pyld.compact(
            skolemized, {"@context": document["@context"]}, processing_options(loader)
        )
    except pyld.JsonLdError as exc:
        raise JsonLdError(f"cannot compact the skolemized document: {exc}") from None
    return compact


def deskolemize(quads: Iterable[Quad]) -> list[Quad]:
    """§3.4.6 deskolemizeNQuads, on terms: ``urn:bnid:`` IRIs become blank nodes again."""

    def term(value: Term | None) -> Term | None:
        if value is not None and value[0] == "iri" and value[1].startswith(SKOLEM_PREFIX):
            return ("blank", value[1][len(SKOLEM_PREFIX) :])
        return value

    return [Quad(term(q.subject), q.predicate, term(q.object), term(q.graph)) for q in quads]  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ grouping


@dataclass(frozen=True)
class Group:
    """The canonical N-Quads one group of pointers selects (by index) and the others."""

    matching: dict[int, str]
    non_matching: dict[int, str]
    deskolemized: list[Quad]
    """The selection's quads, blank nodes labelled as in the skolemized document."""


@dataclass(frozen=True)
class Grouped:
    """§3.4.16's result: the relabelled canonical N-Quads, their groups and the label map."""

    nquads: list[str]
    groups: dict[str, Group]
    label_map: dict[str, str]
    """Skolemized-document blank node label -> label written in :attr:`nquads`."""


def canonicalize_and_group(
    document: JSONObject,
    label_factory: LabelMapFactory,
    groups: Mapping[str, Sequence[str]],
    *,
    loader: DocumentLoader = DEFAULT_LOADER,
) -> Grouped:
    """§3.4.16 canonicalizeAndGroup: canonicalize ``document`` with relabelled blank nodes
    and split its N-Quads by what each named list of JSON pointers selects.

    :raises SuiteError: a pointer is malformed or does not match the document.
    """
    skolemized = skolemize_compact(document, loader=loader)
    quads = deskolemize(to_quads(skolemized, loader=loader))
    label_map = label_factory(canonicalize(quads).issued)
    nquads = relabel(quads, label_map)
    out: dict[str, Group] = {}
    for name, pointers in groups.items():
        selection = select_json_ld(list(pointers), skolemized)
        selected = deskolemize(to_quads(selection, loader=loader)) if selection else []
        chosen = set(relabel(selected, label_map))
        matching = {i: nq for i, nq in enumerate(nquads) if nq in chosen}
        rest = {i: nq for i, nq in enumerate(nquads) if nq not in chosen}
        out[name] = Group(matching, rest, selected)
    return Grouped(nquads, out, label_map)
