"""A fast path from JSON-LD to RDF quads for documents within what is compiled.

General JSON-LD expansion re-processes the type-scoped contexts that Open Badges attaches to
nearly every class, and re-serialises inline contexts to look them up, for every node of
every document: that is about 90% of the time of signing or verifying a badge. This module
processes each context combination once per loader (with pyld's own context processing,
so term definitions are exactly pyld's), keeps the results, and walks a document directly
into quads following pyld's expansion rules for the features these contexts use.

Anything outside that subset (nested ``@context``, value objects, ``@graph`` containers,
language maps, ``@json``, blank-node ids, undefined terms, relative IRIs, …) raises
:class:`Unsupported`; the caller then takes the general path, which also produces the
safe-mode error with its JSON path where there is one. Both paths must give the same
canonical output; the test suite checks that differentially.
"""

from __future__ import annotations

import threading
from typing import Any

from pyld import jsonld as _pyld
from pyld.context_resolver import ContextResolver

from ..documents import DEFAULT_LOADER
from ..types import DocumentLoader, JSONObject
from .nquads import XSD_STRING, Quad, Term

__all__ = ["FastRDF", "Unsupported", "fast_quads"]

_RDF_TYPE = ("iri", _pyld.RDF_TYPE)
_RDF_FIRST = ("iri", _pyld.RDF_FIRST)
_RDF_REST = ("iri", _pyld.RDF_REST)
_RDF_NIL = ("iri", _pyld.RDF_NIL)
_UNSUPPORTED_CONTAINERS = {"@language", "@index", "@id", "@type"}


class Unsupported(Exception):  # noqa: N818 - a signal to take the general path, not an error
    """The document uses something the fast path does not compile."""


def _absolute(iri: Any) -> bool:
    return isinstance(iri, str) and not iri.startswith("_:") and bool(_pyld._is_absolute_iri(iri))


class FastRDF:
    """Compiled contexts for one loader. Thread-safe: context processing is serialised and
    its results are immutable; walking a document shares nothing between calls."""

    def __init__(self, loader: DocumentLoader = DEFAULT_LOADER) -> None:
        self._loader = loader
        self._lock = threading.RLock()
        self._processor = _pyld.JsonLdProcessor()

        def load(url: str, options: Any = None) -> Any:
            document = dict(loader(url, options))
            document.setdefault("tag", "static")
            return document

        self._options: dict[str, Any] = {
            "documentLoader": load,
            "base": None,
            "processingMode": "json-ld-1.1",
            "isFrame": False,
        }
        self._options["contextResolver"] = ContextResolver({}, load)
        self._initial = self._processor._get_initial_context(self._options)
        self._processed: dict[tuple[Any, ...], Any] = {}
        self._iris: dict[tuple[str, str, bool], Any] = {}
        self._keep: list[Any] = []  # contexts used as cache keys by id(), kept alive

    # ---------------------------------------------------------------- compiled contexts

    def _process(
        self, active: Any, local: Any, *, propagate: bool = True, override_protected: bool = False
    ) -> Any:
        key = (active["_uuid"], id(local), propagate, override_protected)
        cached = self._processed.get(key)
        if cached is not None and cached[0] is local:
            return cached[1]
        with self._lock:
            try:
                result = self._processor._process_context(
                    active,
                    local,
                    self._options,
                    override_protected=override_protected,
                    propagate=propagate,
                )
            except Exception as exc:  # any context problem: let the general path report it
                raise Unsupported(str(exc)) from None
            self._keep.append(local)
            self._processed[key] = (local, result)
        return result

    def _local(self, active: Any, contexts: Any) -> Any:
        """Process an embedded ``@context`` (a URL or a list of URLs) on ``active``."""
        if isinstance(contexts, str):
            contexts = [contexts]
        if not isinstance(contexts, list) or not all(isinstance(c, str) for c in contexts):
            raise Unsupported("only lists of context URLs are compiled")
        key = ("local", active["_uuid"], tuple(contexts))
        cached = self._processed.get(key)
        if cached is not None:
            return cached
        with self._lock:
            try:
                result = self._processor._process_context(active, list(contexts), self._options)
            except Exception as exc:
                raise Unsupported(str(exc)) from None
            self._processed[key] = result
        return result

    def _iri(self, active: Any, value: str, vocab: bool) -> Any:
        key = (active["_uuid"], value, vocab)
        cached = self._iris.get(key, self)
        if cached is not self:
            return cached
        with self._lock:
            result = self._processor._expand_iri(active, value, vocab=vocab, base=None)
        self._iris[key] = result
        return result

    @staticmethod
    def _mapping(active: Any, term: str | None) -> Any:
        if term is None:
            return None
        return active["mappings"].get(term)

    # -------------------------------------------------------------------------- walking

    def quads(self, document: JSONObject) -> list[Quad]:
        """The document's quads, or :class:`Unsupported`."""
        if not isinstance(document, dict) or "@context" not in document:
            raise Unsupported("no @context")
        walk = _Walk(self)
        walk.node(self._initial, None, document, None)
        return walk.out


class _Walk:
    __slots__ = ("fast", "graph", "n", "out")

    def __init__(self, fast: FastRDF) -> None:
        self.fast = fast
        self.out: list[Quad] = []
        self.n = 0
        self.graph: Term | None = None

    def blank(self) -> Term:
        self.n += 1
        return ("blank", f"b{self.n}")

    def node(
        self, active: Any, prop: str | None, element: dict[str, Any], type_scoped: Any
    ) -> Term:
        fast = self.fast
        # _expand: property-scoped context and reverting type-scoped contexts.
        mapping = fast._mapping(active, prop)
        property_scoped = mapping.get("@context") if mapping else None
        if type_scoped is None and "previousContext" in active:
            type_scoped = active
        must_revert = True
        if type_scoped is not None and len(element) <= 2 and "@context" not in element:
            for key in sorted(element):
                expanded = fast._iri(type_scoped, key, True)
                if expanded == "@value":
                    raise Unsupported("value object")
                if expanded == "@id" and len(element) == 1:
                    must_revert = False
                    break
        if must_revert:
            active = active.get("previousContext", active)
        if property_scoped is not None:
            active = fast._process(active, property_scoped, override_protected=True)
        # _prepare_nested_context: local context, then type-scoped contexts.
        if "@context" in element:
            active = fast._local(active, element["@context"])
        types_ctx = active
        type_values: list[str] = []
        for key in sorted(element):
            if fast._iri(active, key, True) != "@type":
                continue
            value = element[key]
            values = value if isinstance(value, list) else [value]
            if not all(isinstance(t, str) for t in values):
                raise Unsupported("non-string type")
            type_values.extend(values)
            for type_ in sorted(values):
                definition = fast._mapping(types_ctx, type_)
                scoped = definition.get("@context") if definition else None
                if scoped is not None and scoped is not False:
                    active = fast._process(active, scoped, propagate=False)
        # _expand_object
        subject: Term | None = None
        for key, value in element.items():
            if key == "@context":
                continue
            expanded = fast._iri(active, key, True)
            if expanded == "@id":
                if not isinstance(value, str):
                    raise Unsupported("non-string @id")
                iri = fast._iri(active, value, False)
                if not _absolute(iri):
                    raise Unsupported("relative or blank @id")
                subject = ("iri", iri)
        if subject is None:
            subject = self.blank()
        for type_ in type_values:
            iri = fast._iri(types_ctx, type_, True)
            if not _absolute(iri):
                raise Unsupported("undefined type")
            self.out.append(Quad(subject, _RDF_TYPE, ("iri", iri), self.graph))
        for key, value in element.items():
            if key == "@context":
                continue
            expanded = fast._iri(active, key, True)
            if expanded in ("@id", "@type"):
                continue
            if not _absolute(expanded):
                raise Unsupported(f"undefined or keyword property {key!r}")
            self.property(active, key, expanded, value, subject, type_scoped)
        return subject

    def property(
        self, active: Any, key: str, predicate_iri: str, value: Any, subject: Term, type_scoped: Any
    ) -> None:
        fast = self.fast
        definition = fast._mapping(active, key) or {}
        term_ctx = active
        scoped = definition.get("@context")
        if scoped is not None:
            term_ctx = fast._process(active, scoped, propagate=True, override_protected=True)
        container = definition.get("@container") or []
        if any(c in _UNSUPPORTED_CONTAINERS for c in container):
            raise Unsupported("container")
        values = value if isinstance(value, list) else [value]
        predicate = ("iri", predicate_iri)
        if "@graph" in container:
            # Each value is a node in a named graph of its own (e.g. "proof",
            # "verifiableCredential"); the property points at the graph's blank node.
            if "@list" in container or len(set(container) - {"@graph", "@set"}):
                raise Unsupported("graph container variant")
            for item in values:
                if item is None:
                    continue
                if not isinstance(item, dict):
                    raise Unsupported("non-object in a graph container")
                graph = self.blank()
                self.out.append(Quad(subject, predicate, graph, self.graph))
                outer, self.graph = self.graph, graph
                try:
                    self.node(term_ctx, key, item, type_scoped)
                finally:
                    self.graph = outer
            return
        objects: list[Term] = []
        for item in values:
            if item is None:
                continue
            if isinstance(item, list):
                raise Unsupported("nested array")
            if isinstance(item, dict):
                objects.append(self.node(term_ctx, key, item, type_scoped))
            else:
                objects.append(self.value(term_ctx, key, item))
        if "@list" in container:
            head = self.rdf_list(objects)
            self.out.append(Quad(subject, predicate, head, self.graph))
            return
        for obj in objects:
            self.out.append(Quad(subject, predicate, obj, self.graph))

    def rdf_list(self, items: list[Term]) -> Term:
        if not items:
            return _RDF_NIL
        head = current = self.blank()
        for i, item in enumerate(items):
            self.out.append(Quad(current, _RDF_FIRST, item, self.graph))
            following = self.blank() if i < len(items) - 1 else _RDF_NIL
            self.out.append(Quad(current, _RDF_REST, following, self.graph))
            if following is not _RDF_NIL:
                current = following
        return head

    def value(self, active: Any, key: str, value: Any) -> Term:
        fast = self.fast
        definition = fast._mapping(active, key) or {}
        type_ = definition.get("@type")
        if type_ in ("@id", "@vocab"):
            if not isinstance(value, str):
                raise Unsupported("non-string IRI value")
            iri = fast._iri(active, value, type_ == "@vocab")
            if not _absolute(iri):
                raise Unsupported("relative IRI value")
            return ("iri", iri)
        if type_ == "@json":
            raise Unsupported("@json")
        datatype = type_ if type_ not in (None, "@none") else None
        if (
            datatype is None
            and isinstance(value, str)
            and (
                "@language" in active
                or "@direction" in active
                or "@language" in definition
                or "@direction" in definition
            )
        ):
            raise Unsupported("language-tagged string")
        # The order and rules of pyld's _object_to_rdf (JSON-LD 1.1 "Object to RDF").
        if isinstance(value, bool):
            return ("literal", "true" if value else "false", datatype or _pyld.XSD_BOOLEAN, None)
        if _pyld._is_double(value):
            return (
                "literal",
                _pyld._canonicalize_double(value),
                datatype or _pyld.XSD_DOUBLE,
                None,
            )
        if datatype == _pyld.XSD_DOUBLE:
            try:
                return ("literal", _pyld._canonicalize_double(float(value)), datatype, None)
            except (ValueError, TypeError):
                return ("literal", value, datatype, None)
        if isinstance(value, int | float):
            if abs(value) >= 1e21:
                raise Unsupported("huge number")
            return ("literal", str(int(value)), datatype or _pyld.XSD_INTEGER, None)
        if isinstance(value, str):
            return ("literal", value, datatype or XSD_STRING, None)
        raise Unsupported(f"unexpected value type {type(value).__name__}")


_instances: dict[int, tuple[DocumentLoader, FastRDF]] = {}
_instances_lock = threading.Lock()


def fast_quads(document: JSONObject, *, loader: DocumentLoader = DEFAULT_LOADER) -> list[Quad]:
    """The document's quads through the compiled fast path (one :class:`FastRDF` per loader).

    :raises Unsupported: the document needs the general path.
    """
    entry = _instances.get(id(loader))
    if entry is None or entry[0] is not loader:
        with _instances_lock:
            entry = _instances.get(id(loader))
            if entry is None or entry[0] is not loader:
                entry = (loader, FastRDF(loader))
                _instances[id(loader)] = entry
    return entry[1].quads(document)
