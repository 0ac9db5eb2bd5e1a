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

import re
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


_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+-.]*:[^\s]*$")  # pyld's test, less blank nodes
_CACHE_LIMIT = 50_000


def _absolute(iri: Any) -> bool:
    return isinstance(iri, str) and _ABSOLUTE.match(iri) is not None


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
        self._plans: dict[tuple[str, str], tuple[Any, ...]] = {}
        self._types: dict[tuple[str, tuple[str, ...]], tuple[Any, list[str]]] = {}
        self._keep: dict[int, Any] = {}  # contexts used as cache keys by id(), kept alive

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
            if len(self._processed) > _CACHE_LIMIT:
                self._processed.clear()
            self._keep[id(local)] = local
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
            if len(self._processed) > _CACHE_LIMIT:  # bounded even for hostile input
                self._processed.clear()
            self._processed[key] = result
        return result

    def _iri(self, active: Any, value: str, vocab: bool) -> Any:
        if not vocab:
            # Document-relative IRI expansion (of @id values) without a base: only a defined
            # prefix changes the value, so most values need no lookup (and no caching).
            prefix, colon, suffix = value.partition(":")
            if not colon or prefix == "_":
                return value
            if suffix.startswith("//") or prefix not in active["mappings"]:
                return value
        key = (active["_uuid"], value, vocab)
        cached = self._iris.get(key, self)
        if cached is not self:
            return cached
        with self._lock:
            result = self._processor._expand_iri(active, value, vocab=vocab, base=None)
            if len(self._iris) > _CACHE_LIMIT:  # hostile input cannot grow it without bound
                self._iris.clear()
            self._iris[key] = result
        return result

    def _remember(self, cache: dict[Any, Any], key: Any, value: Any) -> Any:
        with self._lock:
            if len(cache) > _CACHE_LIMIT:  # hostile input cannot grow it without bound
                cache.clear()
            cache[key] = value
        return value

    def _typed(self, active: Any, raw_values: list[Any]) -> tuple[Any, list[str]]:
        """Apply the type-scoped contexts of a node's types (in sorted order, not propagated)
        and expand the types with the context in force before them."""
        values: list[str] = []
        for raw in raw_values:
            items = raw if isinstance(raw, list) else [raw]
            if not all(isinstance(t, str) for t in items):
                raise Unsupported("non-string type")
            values.extend(items)
        key = (active["_uuid"], tuple(values))
        cached = self._types.get(key)
        if cached is not None:
            return cached
        iris = [self._iri(active, t, True) for t in values]
        if not all(_absolute(iri) for iri in iris):
            raise Unsupported("undefined type")
        result = active
        for raw in raw_values:
            items = raw if isinstance(raw, list) else [raw]
            for type_ in sorted(items):
                definition = active["mappings"].get(type_)
                scoped = definition.get("@context") if definition else None
                if scoped is not None and scoped is not False:
                    result = self._process(result, scoped, propagate=False)
        return self._remember(self._types, key, (result, iris))  # type: ignore[no-any-return]

    def _plan(self, active: Any, key: str) -> tuple[Any, ...]:
        """How a node's key is expanded in ``active``: its predicate, the context for its
        values, its container and its value coercion."""
        cache_key = (active["_uuid"], key)
        cached = self._plans.get(cache_key)
        if cached is not None:
            return cached
        plan: tuple[Any, ...]
        expanded = self._iri(active, key, True)
        if expanded == "@id":
            plan = ("id",)
        elif expanded == "@type":
            plan = ("type",)
        elif expanded == "@context":
            plan = ("context",)
        elif not _absolute(expanded):
            plan = ("unsupported", "undefined or keyword property")
        else:
            definition = active["mappings"].get(key) or {}
            term_ctx = active
            scoped = definition.get("@context")
            if scoped is not None:
                term_ctx = self._process(active, scoped, propagate=True, override_protected=True)
            container = set(definition.get("@container") or [])
            is_graph = "@graph" in container
            if container & _UNSUPPORTED_CONTAINERS or (is_graph and container - {"@graph", "@set"}):
                plan = ("unsupported", "container")
            else:
                value_def = term_ctx["mappings"].get(key) or {}
                type_ = value_def.get("@type")
                language = bool({"@language", "@direction"} & (set(term_ctx) | set(value_def)))
                if type_ == "@json":
                    plan = ("unsupported", "@json")
                else:
                    coercion = (
                        "iri" if type_ == "@id" else "vocab" if type_ == "@vocab" else "literal",
                        None if type_ in (None, "@id", "@vocab", "@none") else type_,
                        language,
                    )
                    plan = (
                        "prop",
                        ("iri", expanded),
                        term_ctx,
                        key,
                        is_graph,
                        "@list" in container,
                        coercion,
                    )
        return self._remember(self._plans, cache_key, plan)  # type: ignore[no-any-return]

    # -------------------------------------------------------------------------- walking

    def quads(self, document: JSONObject) -> list[Quad]:
        """The document's quads, or :class:`Unsupported`."""
        if not isinstance(document, dict) or "@context" not in document:
            raise Unsupported("no @context")
        walk = _Walk(self)
        try:
            walk.node(self._initial, None, document, None)
        except Unsupported:
            raise
        except Exception as exc:  # hostile input the walker did not foresee: general path
            raise Unsupported(f"{type(exc).__name__}: {exc}") from None
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
        # pyld _expand: revert type-scoped contexts, apply the property-scoped context.
        mapping = active["mappings"].get(prop) if prop is not None else None
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
        # pyld _prepare_nested_context: local context, then type-scoped contexts.
        if "@context" in element:
            active = fast._local(active, element["@context"])
        type_keys = [k for k in element if fast._iri(active, k, True) == "@type"]
        type_iris: list[str] = []
        if type_keys:
            active, type_iris = fast._typed(active, [element[k] for k in sorted(type_keys)])
        # pyld _expand_object, with each key's plan compiled once per context.
        subject: Term | None = None
        properties = []
        for key, value in element.items():
            plan = fast._plan(active, key)
            kind = plan[0]
            if kind == "prop":
                properties.append((plan, value))
            elif kind == "id":
                if not isinstance(value, str):
                    raise Unsupported("non-string @id")
                iri = fast._iri(active, value, False)
                if not _absolute(iri):
                    raise Unsupported("relative or blank @id")
                subject = ("iri", iri)
            elif kind == "type":
                if key not in type_keys:
                    raise Unsupported("type key differs between scopes")
            elif kind != "context":
                raise Unsupported(f"{plan[1]} ({key!r})")
        if subject is None:
            subject = self.blank()
        graph = self.graph
        out = self.out
        for iri in type_iris:
            out.append(Quad(subject, _RDF_TYPE, ("iri", iri), graph))
        for plan, value in properties:
            self.property(plan, value, subject, type_scoped)
        return subject

    def property(self, plan: tuple[Any, ...], value: Any, subject: Term, type_scoped: Any) -> None:
        _, predicate, term_ctx, key, is_graph, is_list, coercion = plan
        values = value if isinstance(value, list) else [value]
        if is_graph:
            # Each value is a node in a named graph of its own (e.g. "proof",
            # "verifiableCredential"); the property points at the graph's blank node.
            for item in values:
                if item is None:
                    continue
                if not isinstance(item, dict):
                    raise Unsupported("non-object in a graph container")
                named = self.blank()
                self.out.append(Quad(subject, predicate, named, self.graph))
                outer, self.graph = self.graph, named
                try:
                    self.node(term_ctx, key, item, type_scoped)
                finally:
                    self.graph = outer
            return
        objects: list[Term] = []
        for item in values:
            if item is None:
                continue
            if isinstance(item, dict):
                objects.append(self.node(term_ctx, key, item, type_scoped))
            elif isinstance(item, list):
                raise Unsupported("nested array")
            else:
                objects.append(self.value(term_ctx, coercion, item))
        if is_list:
            objects = [self.rdf_list(objects)]
        graph = self.graph
        out = self.out
        for obj in objects:
            out.append(Quad(subject, predicate, obj, graph))

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

    def value(self, active: Any, coercion: tuple[str, Any, bool], value: Any) -> Term:
        kind, datatype, language = coercion
        if kind != "literal":
            if not isinstance(value, str):
                raise Unsupported("non-string IRI value")
            iri = self.fast._iri(active, value, kind == "vocab")
            if not _absolute(iri):
                raise Unsupported("relative IRI value")
            return ("iri", iri)
        # The order and rules of pyld's _object_to_rdf (JSON-LD 1.1 "Object to RDF").
        if isinstance(value, str):
            if language and datatype is None:
                raise Unsupported("language-tagged string")
            if datatype == _pyld.XSD_DOUBLE:
                try:
                    return ("literal", _pyld._canonicalize_double(float(value)), datatype, None)
                except ValueError:
                    return ("literal", value, datatype, None)
            return ("literal", value, datatype or XSD_STRING, None)
        if isinstance(value, bool):
            return ("literal", "true" if value else "false", datatype or _pyld.XSD_BOOLEAN, None)
        if isinstance(value, int | float):
            if _pyld._is_double(value):
                return (
                    "literal",
                    _pyld._canonicalize_double(value),
                    datatype or _pyld.XSD_DOUBLE,
                    None,
                )
            if datatype == _pyld.XSD_DOUBLE:
                return ("literal", _pyld._canonicalize_double(float(value)), datatype, None)
            if abs(value) >= 1e21:
                raise Unsupported("huge number")
            return ("literal", str(int(value)), datatype or _pyld.XSD_INTEGER, None)
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
