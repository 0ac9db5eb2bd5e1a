"""A fast path from JSON-LD to RDF quads for documents within what is compiled.

General JSON-LD expansion re-processes the type-scoped contexts that Open Badges attaches to
nearly every class, and re-serialises inline contexts to look them up, for every node of
every document: that is about 90% of the time of signing or verifying a badge. This module
compiles contexts instead: every question the walk asks of an active context (what a key
expands to, which context a property or type brings in, how a value is coerced) is answered
once per loader by pyld's own context processing, so the answers are exactly pyld's, and
kept in tables keyed by small context ids. A document is then walked directly into quads
following pyld's expansion rules for the features these contexts use.

For the bundled contexts (the default loader) the tables start from a snapshot shipped with
the package (``contexts/compiled.json``, built by ``contexts/compile.py`` and checked by the
test suite against a fresh compilation), so a new process neither imports pyld nor processes
a context to sign or verify an ordinary badge. Anything the snapshot lacks is compiled on
first use, replaying how its context was derived.

Anything outside the compiled subset (nested ``@context`` objects, value objects, ``@graph``
containers other than ``proof``-style graphs, language maps, ``@json``, blank-node ids,
undefined terms, relative IRIs, …) raises :class:`Unsupported`; the caller then takes the
general path, which also produces the safe-mode error with its JSON path where there is
one. Both paths must give the same canonical output; the test suite checks that
differentially.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

from ..documents import DEFAULT_LOADER, contexts_manifest_bytes, read_bundled_file
from ..rdf.nquads import XSD_STRING, Quad, Term
from ..types import DocumentLoader, JSONObject

__all__ = [
    "SNAPSHOT_FORMAT",
    "FastRDF",
    "Unsupported",
    "bundled_snapshot",
    "compiled_for",
    "fast_quads",
]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_BOOLEAN = _XSD + "boolean"
_XSD_DOUBLE = _XSD + "double"
_XSD_INTEGER = _XSD + "integer"
_RDF_TYPE: Term = ("iri", _RDF + "type")
_RDF_FIRST: Term = ("iri", _RDF + "first")
_RDF_REST: Term = ("iri", _RDF + "rest")
_RDF_NIL: Term = ("iri", _RDF + "nil")
_UNSUPPORTED_CONTAINERS = {"@language", "@index", "@id", "@type"}
_MISSING: Any = object()
_T = TypeVar("_T")

SNAPSHOT_FORMAT = 2
"""Version of the snapshot layout (``contexts/compiled.json``)."""


class Unsupported(Exception):  # noqa: N818 - a signal to take the general path, not an error
    """The document uses something the fast path does not compile."""


_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+-.]*:[^\s]*$")  # pyld's test, less blank nodes
_DOUBLE_EXPONENT = re.compile(r"(\d)0*E\+?(-)?0*(\d)")
_CACHE_LIMIT = 50_000
# Quad(...) runs NamedTuple's Python-level __new__; building the tuple directly is the same
# value, made about twice as fast (this is most of the quads a walk emits).
_new_quad = tuple.__new__
_PLAIN_STRING = ("literal", None, False)
"""The coercion of a property whose strings are plain ``xsd:string`` literals."""


def _absolute(iri: Any) -> bool:
    return isinstance(iri, str) and _ABSOLUTE.match(iri) is not None


def _is_double(value: int | float) -> bool:
    # pyld's _is_double: a real number that is not integral.
    return isinstance(value, float) and not value.is_integer()


def _canonical_double(value: float) -> str:
    # pyld's _canonicalize_double: the canonical lexical form of xsd:double.
    return _DOUBLE_EXPONENT.sub(r"\1E\2\3", f"{value:1.15E}")


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


class _Tables:
    """Compiled answers, keyed by context ids (ints; 0 is the initial context).

    Entries are only ever added (under the owner's lock; a reader sees an entry whole or not
    at all). ``derivations[i]`` says how context ``i`` was made, so a context known only
    from a snapshot can be rebuilt in pyld when a question about it is new.
    """

    __slots__ = (
        "derivations",
        "iris",
        "locals",
        "objects",
        "plans",
        "prefixes",
        "previous",
        "processed",
        "scoped",
        "size",
        "type_terms",
        "types",
        "uuids",
    )

    def __init__(self) -> None:
        self.derivations: list[tuple[Any, ...]] = [("initial",)]
        self.previous: dict[int, int | None] = {}
        self.scoped: dict[tuple[int, str], bool] = {}
        self.prefixes: dict[tuple[int, str], bool] = {}
        self.iris: dict[tuple[int, str, bool], str | None] = {}
        self.locals: dict[tuple[int, tuple[str, ...]], int] = {}
        self.processed: dict[tuple[int, int, str, bool, bool], int] = {}
        self.types: dict[tuple[int, tuple[tuple[str, ...], ...]], tuple[int, tuple[str, ...]]] = {}
        self.plans: dict[tuple[int, str], tuple[Any, ...]] = {}
        self.type_terms: dict[int, frozenset[str]] = {}
        self.objects: dict[int, Any] = {}  # context id -> pyld active context (this process)
        self.uuids: dict[str, int] = {}  # pyld context _uuid -> context id
        self.size = 0

    # The snapshot: every table as a list of rows, in a stable order.

    def export(self) -> dict[str, Any]:
        def rows(table: dict[Any, Any]) -> list[Any]:
            return sorted(
                ([*k, v] if isinstance(k, tuple) else [k, v] for k, v in table.items()),
                key=lambda row: json.dumps(row),
            )

        return {
            "derivations": [list(d) for d in self.derivations],
            "previous": rows(self.previous),
            "scoped": rows(self.scoped),
            "prefixes": rows(self.prefixes),
            "iris": rows(self.iris),
            "locals": rows(self.locals),
            "processed": rows(self.processed),
            "types": rows(self.types),
            "plans": rows(self.plans),
            "type_terms": sorted([c, sorted(terms)] for c, terms in self.type_terms.items()),
        }

    @classmethod
    def load(cls, data: dict[str, Any]) -> _Tables:
        tables = cls()
        tables.derivations = [_tuples(d) for d in data["derivations"]]
        tables.previous = {int(c): p for c, p in data["previous"]}
        tables.scoped = {(c, t): v for c, t, v in data["scoped"]}
        tables.prefixes = {(c, p): v for c, p, v in data["prefixes"]}
        tables.iris = {(c, s, v): r for c, s, v, r in data["iris"]}
        tables.locals = {(c, tuple(u)): r for c, u, r in data["locals"]}
        tables.processed = {(t, s, n, p, o): r for t, s, n, p, o, r in data["processed"]}
        tables.types = {
            (c, tuple(map(tuple, groups))): (r[0], tuple(r[1])) for c, groups, r in data["types"]
        }
        tables.plans = {(c, k): _plan_tuple(p) for c, k, p in data["plans"]}
        tables.type_terms = {c: frozenset(terms) for c, terms in data["type_terms"]}
        return tables


def _plan_tuple(plan: list[Any]) -> tuple[Any, ...]:
    if plan[0] != "prop":
        return tuple(plan)
    kind, predicate, term_ctx, key, is_graph, is_list, coercion = plan
    kept = tuple(coercion)
    if kept == _PLAIN_STRING:
        kept = _PLAIN_STRING
    return (kind, tuple(predicate), term_ctx, key, is_graph, is_list, kept)


class FastRDF:
    """Compiled contexts for one loader. Thread-safe: compiling is serialised under a lock
    and its results are immutable; walking a document shares nothing between calls.

    :param snapshot: compiled tables to start from (see :meth:`snapshot`); they must have
        been compiled with a loader that serves the same documents as ``loader``.
    """

    def __init__(
        self, loader: DocumentLoader = DEFAULT_LOADER, *, snapshot: dict[str, Any] | None = None
    ) -> None:
        self._loader = loader
        self._lock = threading.RLock()
        self._snapshot = snapshot
        self._tables = _Tables.load(snapshot) if snapshot is not None else _Tables()
        self._processor: Any = None
        self._options: dict[str, Any] = {}

    def snapshot(self) -> dict[str, Any]:
        """The compiled tables, as JSON data that :class:`FastRDF` can start from."""
        with self._lock:
            return {"format": SNAPSHOT_FORMAT, **self._tables.export()}

    # ------------------------------------------------------------------ compiling (pyld)

    def _pyld(self) -> Any:
        """pyld's processor and options, made on the first question the tables lack."""
        if self._processor is None:
            from pyld import jsonld
            from pyld.context_resolver import ContextResolver

            loader = self._loader

            def load(url: str, options: Any = None) -> Any:
                document = dict(loader(url, options))
                document.setdefault("tag", "static")
                return document

            self._options = {
                "documentLoader": load,
                "base": None,
                "processingMode": "json-ld-1.1",
                "isFrame": False,
            }
            self._options["contextResolver"] = ContextResolver({}, load)
            self._processor = jsonld.JsonLdProcessor()
        return self._processor

    def _object(self, tables: _Tables, cid: int) -> Any:
        """The pyld active context of context ``cid``, rebuilt from its derivation if this
        process has not made it yet. Call with the lock held."""
        obj = tables.objects.get(cid)
        if obj is not None:
            return obj
        processor = self._pyld()
        derivation = tables.derivations[cid]
        kind = derivation[0]
        if kind == "initial":
            obj = processor._get_initial_context(self._options)
        elif kind == "previous":
            obj = self._object(tables, derivation[1])["previousContext"]
        elif kind == "local":
            parent = self._object(tables, derivation[1])
            obj = processor._process_context(parent, list(derivation[2]), self._options)
        else:  # "scoped": target, source, term, propagate, override
            _, target, source, term, propagate, override = derivation
            local = self._object(tables, source)["mappings"][term]["@context"]
            obj = processor._process_context(
                self._object(tables, target),
                local,
                self._options,
                propagate=propagate,
                override_protected=override,
            )
        tables.objects[cid] = obj
        tables.uuids.setdefault(obj["_uuid"], cid)
        return obj

    def _id(self, tables: _Tables, obj: Any, derivation: tuple[Any, ...]) -> int:
        """The id of a pyld active context, given a new one if it is new. Lock held."""
        cid = tables.uuids.get(obj["_uuid"])
        if cid is None:
            cid = len(tables.derivations)
            tables.derivations.append(derivation)
            tables.objects[cid] = obj
            tables.uuids[obj["_uuid"]] = cid
        return cid

    def _compile(self, tables: _Tables, table: str, key: Any, compute: Callable[[], _T]) -> _T:
        """Answer a question ``tables`` lack, with pyld, and remember the answer there.
        Reentrant: answering may ask (and compile) other questions."""
        with self._lock:
            found = getattr(tables, table).get(key, _MISSING)
            if found is not _MISSING:
                return cast(_T, found)
            try:
                value = compute()
            except Unsupported:
                raise
            except Exception as exc:  # any context problem: let the general path report it
                raise Unsupported(f"{type(exc).__name__}: {exc}") from None
            getattr(tables, table)[key] = value
            tables.size += 1
            return value

    def _current(self) -> _Tables:
        """The tables a new walk uses. Past the size limit (hostile input can ask endless new
        questions) they start over; walks already running keep their own generation."""
        tables = self._tables
        if tables.size > _CACHE_LIMIT:
            with self._lock:
                if self._tables.size > _CACHE_LIMIT:
                    self._tables = (
                        _Tables.load(self._snapshot) if self._snapshot is not None else _Tables()
                    )
                tables = self._tables
        return tables

    # ------------------------------------------------------------- questions, answered

    def previous(self, tables: _Tables, cid: int) -> int | None:
        """The context a type-scoped context reverts to (``previousContext``), if any."""
        found = tables.previous.get(cid, -1)  # context ids are never negative
        if found != -1:
            return found

        def compute() -> int | None:
            previous = self._object(tables, cid).get("previousContext")
            return None if previous is None else self._id(tables, previous, ("previous", cid))

        return self._compile(tables, "previous", cid, compute)

    def has_scoped(self, tables: _Tables, cid: int, term: str) -> bool:
        """Whether ``term`` brings a scoped context in context ``cid``."""
        key = (cid, term)
        found = tables.scoped.get(key)
        if found is not None:
            return found

        def compute() -> bool:
            definition = self._object(tables, cid)["mappings"].get(term)
            scoped = definition.get("@context") if definition else None
            if scoped is False:  # not a valid scoped context: leave it to the general path
                raise Unsupported(f"scoped context of {term!r} is false")
            return scoped is not None

        return self._compile(tables, "scoped", key, compute)

    def process(
        self, tables: _Tables, target: int, source: int, term: str, propagate: bool, override: bool
    ) -> int:
        """Apply the scoped context of ``term`` (as defined in ``source``) to ``target``."""
        key = (target, source, term, propagate, override)
        found = tables.processed.get(key)
        if found is not None:
            return found

        def compute() -> int:
            local = self._object(tables, source)["mappings"][term]["@context"]
            result = self._pyld()._process_context(
                self._object(tables, target),
                local,
                self._options,
                propagate=propagate,
                override_protected=override,
            )
            return self._id(tables, result, ("scoped", *key))

        return self._compile(tables, "processed", key, compute)

    def local(self, tables: _Tables, cid: int, contexts: Any) -> int:
        """Apply an embedded ``@context`` (a URL or a list of URLs) to context ``cid``."""
        if isinstance(contexts, str):
            contexts = [contexts]
        if not isinstance(contexts, list) or not all(isinstance(c, str) for c in contexts):
            raise Unsupported("only lists of context URLs are compiled")
        key = (cid, tuple(contexts))
        found = tables.locals.get(key)
        if found is not None:
            return found

        def compute() -> int:
            parent = self._object(tables, cid)
            result = self._pyld()._process_context(parent, list(contexts), self._options)
            return self._id(tables, result, ("local", *key))

        return self._compile(tables, "locals", key, compute)

    def iri(self, tables: _Tables, cid: int, value: str, vocab: bool) -> str | None:
        """``value`` expanded in context ``cid`` (as a vocabulary term or a document IRI)."""
        if not vocab:
            # Document-relative IRI expansion (of @id values) without a base: only a defined
            # prefix changes the value, so most values need no lookup (and no table entry).
            prefix, colon, suffix = value.partition(":")
            if not colon or prefix == "_" or suffix.startswith("//"):
                return value
            if not self.has_prefix(tables, cid, prefix):
                return value
        key = (cid, value, vocab)
        found = tables.iris.get(key, _MISSING)
        if found is not _MISSING:
            return cast("str | None", found)

        def compute() -> str | None:
            active = self._object(tables, cid)
            expanded = self._pyld()._expand_iri(active, value, vocab=vocab, base=None)
            return expanded if isinstance(expanded, str) else None

        return self._compile(tables, "iris", key, compute)

    def has_prefix(self, tables: _Tables, cid: int, prefix: str) -> bool:
        """Whether ``prefix`` is a term of context ``cid``."""
        key = (cid, prefix)
        found = tables.prefixes.get(key)
        if found is not None:
            return found

        def compute() -> bool:
            return prefix in self._object(tables, cid)["mappings"]

        return self._compile(tables, "prefixes", key, compute)

    def type_terms(self, tables: _Tables, cid: int) -> frozenset[str]:
        """The keys that mean ``@type`` in context ``cid``: ``@type`` and its aliases."""
        found = tables.type_terms.get(cid)
        if found is not None:
            return found

        def compute() -> frozenset[str]:
            mappings = self._object(tables, cid)["mappings"]
            aliases = {t for t, d in mappings.items() if d and d.get("@id") == "@type"}
            return frozenset({"@type", *aliases})

        return self._compile(tables, "type_terms", cid, compute)

    def typed(
        self, tables: _Tables, cid: int, groups: tuple[tuple[str, ...], ...]
    ) -> tuple[int, tuple[str, ...]]:
        """Apply the type-scoped contexts of a node's types (each group in sorted order, not
        propagated) and expand the types with the context in force before them."""
        key = (cid, groups)
        found = tables.types.get(key)
        if found is not None:
            return found

        def compute() -> tuple[int, tuple[str, ...]]:
            iris = tuple(self.iri(tables, cid, t, True) or "" for group in groups for t in group)
            if not all(_absolute(iri) for iri in iris):
                raise Unsupported("undefined type")
            result = cid
            for group in groups:
                for type_ in sorted(group):
                    if self.has_scoped(tables, cid, type_):
                        result = self.process(tables, result, cid, type_, False, False)
            return result, iris

        return self._compile(tables, "types", key, compute)

    def plan(self, tables: _Tables, cid: int, key: str) -> tuple[Any, ...]:
        """How a node's key is expanded in context ``cid``: its predicate, the context of its
        values, its container and its value coercion."""
        found = tables.plans.get((cid, key))
        if found is not None:
            return found
        return self._compile(tables, "plans", (cid, key), lambda: self._make_plan(tables, cid, key))

    def _make_plan(self, tables: _Tables, cid: int, key: str) -> tuple[Any, ...]:
        expanded = self.iri(tables, cid, key, True)
        if expanded == "@id":
            return ("id",)
        if expanded == "@type":
            return ("type",)
        if expanded == "@context":
            return ("context",)
        if not _absolute(expanded):
            return ("unsupported", "undefined or keyword property")
        definition = self._object(tables, cid)["mappings"].get(key) or {}
        container = set(definition.get("@container") or [])
        is_graph = "@graph" in container
        if container & _UNSUPPORTED_CONTAINERS or (is_graph and container - {"@graph", "@set"}):
            return ("unsupported", "container")
        term_ctx = cid
        if self.has_scoped(tables, cid, key):
            term_ctx = self.process(tables, cid, cid, key, True, True)
        term_obj = self._object(tables, term_ctx)
        value_def = term_obj["mappings"].get(key) or {}
        type_ = value_def.get("@type")
        if type_ == "@json":
            return ("unsupported", "@json")
        language = bool({"@language", "@direction"} & (set(term_obj) | set(value_def)))
        coercion = (
            "iri" if type_ == "@id" else "vocab" if type_ == "@vocab" else "literal",
            None if type_ in (None, "@id", "@vocab", "@none") else type_,
            language,
        )
        if coercion == _PLAIN_STRING:
            coercion = _PLAIN_STRING  # one object, so the walk can tell it by identity
        return ("prop", ("iri", expanded), term_ctx, key, is_graph, "@list" in container, coercion)

    # -------------------------------------------------------------------------- walking

    def quads(self, document: JSONObject) -> list[Quad]:
        """The document's quads, or :class:`Unsupported`."""
        if not isinstance(document, dict) or "@context" not in document:
            raise Unsupported("no @context")
        walk = _Walk(self, self._current())
        try:
            walk.node(0, None, document, None)
        except Unsupported:
            raise
        except Exception as exc:  # hostile input the walker did not foresee: general path
            raise Unsupported(f"{type(exc).__name__}: {exc}") from None
        return walk.out


class _Walk:
    __slots__ = ("fast", "graph", "n", "out", "tables")

    def __init__(self, fast: FastRDF, tables: _Tables) -> None:
        self.fast = fast
        # One walk uses one generation of tables throughout, even if they are replaced.
        self.tables = tables
        self.out: list[Quad] = []
        self.n = 0
        self.graph: Term | None = None

    def blank(self) -> Term:
        self.n += 1
        return ("blank", f"b{self.n}")

    def node(
        self, active: int, prop: str | None, element: dict[str, Any], type_scoped: int | None
    ) -> Term:
        fast, tables = self.fast, self.tables
        # pyld _expand: revert type-scoped contexts, apply the property-scoped context.
        # (The tables are read inline here and below: this walk is the hot path. Its steps
        # are split off where most nodes skip them, and _expand_object: one call a node.)
        property_scoped = False
        if prop is not None:
            found = tables.scoped.get((active, prop))
            property_scoped = fast.has_scoped(tables, active, prop) if found is None else found
        previous = tables.previous.get(active, -1)
        if previous == -1:
            previous = fast.previous(tables, active)
        if type_scoped is None and previous is not None:
            type_scoped = active
        must_revert = True
        if type_scoped is not None and len(element) <= 2 and "@context" not in element:
            must_revert = self._must_revert(type_scoped, element)
        source = active
        if must_revert and previous is not None:
            active = previous
        if property_scoped:
            assert prop is not None
            active = fast.process(tables, active, source, prop, True, True)
        # pyld _prepare_nested_context: local context, then type-scoped contexts.
        if "@context" in element:
            active = fast.local(tables, active, element["@context"])
        terms = tables.type_terms.get(active)
        if terms is None:
            terms = fast.type_terms(tables, active)
        type_keys = [k for k in element if k in terms]
        type_iris: tuple[str, ...] = ()
        if type_keys:
            groups: list[tuple[str, ...]] = []
            for k in sorted(type_keys):
                raw = element[k]
                items = raw if isinstance(raw, list) else [raw]
                if not all(isinstance(t, str) for t in items):
                    raise Unsupported("non-string type")
                groups.append(tuple(items))
            key_groups = tuple(groups)
            typed = tables.types.get((active, key_groups))
            active, type_iris = fast.typed(tables, active, key_groups) if typed is None else typed
        return self._expand_object(active, element, type_scoped, type_keys, type_iris)

    def _must_revert(self, type_scoped: int, element: dict[str, Any]) -> bool:
        """Whether a small node reverts the type-scoped context: all but an ``@id``-only
        reference do (pyld _expand); a value object is not compiled."""
        for key in sorted(element):
            expanded = self.fast.iri(self.tables, type_scoped, key, True)
            if expanded == "@value":
                raise Unsupported("value object")
            if expanded == "@id" and len(element) == 1:
                return False
        return True

    def _expand_object(
        self,
        active: int,
        element: dict[str, Any],
        type_scoped: int | None,
        type_keys: list[str],
        type_iris: tuple[str, ...],
    ) -> Term:
        # pyld _expand_object, with each key's plan compiled once per context.
        fast, tables = self.fast, self.tables
        subject: Term | None = None
        properties = []
        plans = tables.plans
        for key, value in element.items():
            plan = plans.get((active, key))
            if plan is None:
                plan = fast.plan(tables, active, key)
            kind = plan[0]
            if kind == "prop":
                properties.append((plan, value))
            elif kind == "id":
                subject = self._subject(active, value)
            elif kind == "type" and key not in type_keys:
                raise Unsupported("type key differs between scopes")
            elif kind != "context" and kind != "type":
                raise Unsupported(f"{plan[1]} ({key!r})")
        if subject is None:
            subject = self.blank()
        graph = self.graph
        out = self.out
        for iri in type_iris:
            out.append(_new_quad(Quad, (subject, _RDF_TYPE, ("iri", iri), graph)))
        for plan, value in properties:
            if plan[4] or plan[5] or isinstance(value, list):  # graph or list container, array
                self.property(plan, value, subject, type_scoped)
            elif value is not None:
                self._one(plan, value, subject, type_scoped)
        return subject

    def _subject(self, active: int, value: Any) -> Term:
        """The node's ``@id``: an absolute IRI (blank-node and relative ids are not compiled)."""
        if not isinstance(value, str):
            raise Unsupported("non-string @id")
        iri = self.fast.iri(self.tables, active, value, False)
        if iri is None or not _absolute(iri):
            raise Unsupported("relative or blank @id")
        return ("iri", iri)

    def _one(
        self, plan: tuple[Any, ...], value: Any, subject: Term, type_scoped: int | None
    ) -> None:
        """A property with one value (not a list), as most have: no lists to build."""
        _, predicate, term_ctx, key, _, _, coercion = plan
        if isinstance(value, dict):
            obj = self.node(term_ctx, key, value, type_scoped)
        elif type(value) is str and coercion is _PLAIN_STRING:
            obj = ("literal", value, XSD_STRING, None)
        else:
            obj = self.value(term_ctx, coercion, value)
        self.out.append(_new_quad(Quad, (subject, predicate, obj, self.graph)))

    def property(
        self, plan: tuple[Any, ...], value: Any, subject: Term, type_scoped: int | None
    ) -> None:
        _, predicate, term_ctx, key, is_graph, is_list, coercion = plan
        values = value if isinstance(value, list) else [value]
        if is_graph:
            self._graphs(plan, values, subject, type_scoped)
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
            out.append(_new_quad(Quad, (subject, predicate, obj, graph)))

    def _graphs(
        self, plan: tuple[Any, ...], values: list[Any], subject: Term, type_scoped: int | None
    ) -> None:
        """Each value is a node in a named graph of its own (e.g. "proof",
        "verifiableCredential"); the property points at the graph's blank node."""
        _, predicate, term_ctx, key, _, _, _ = plan
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

    def value(self, active: int, coercion: tuple[str, Any, bool], value: Any) -> Term:
        kind, datatype, language = coercion
        if kind != "literal":
            if not isinstance(value, str):
                raise Unsupported("non-string IRI value")
            iri = self.fast.iri(self.tables, active, value, kind == "vocab")
            if iri is None or not _absolute(iri):
                raise Unsupported("relative IRI value")
            return ("iri", iri)
        # The order and rules of pyld's _object_to_rdf (JSON-LD 1.1 "Object to RDF").
        if isinstance(value, str):
            if language and datatype is None:
                raise Unsupported("language-tagged string")
            if datatype == _XSD_DOUBLE:
                try:
                    return ("literal", _canonical_double(float(value)), datatype, None)
                except ValueError:
                    return ("literal", value, datatype, None)
            return ("literal", value, datatype or XSD_STRING, None)
        if isinstance(value, bool):
            return ("literal", "true" if value else "false", datatype or _XSD_BOOLEAN, None)
        if isinstance(value, int | float):
            return _number(datatype, value)
        raise Unsupported(f"unexpected value type {type(value).__name__}")


def _number(datatype: str | None, value: int | float) -> Term:
    """The literal of a JSON number (pyld's _object_to_rdf, after booleans)."""
    if _is_double(value):
        return ("literal", _canonical_double(value), datatype or _XSD_DOUBLE, None)
    if datatype == _XSD_DOUBLE:
        return ("literal", _canonical_double(float(value)), datatype, None)
    if abs(value) >= 1e21:
        raise Unsupported("huge number")
    return ("literal", str(int(value)), datatype or _XSD_INTEGER, None)


# ------------------------------------------------------------------------ shared instances

_SNAPSHOT_FILE = "compiled.json"


def bundled_snapshot() -> dict[str, Any] | None:
    """The shipped snapshot of the bundled contexts' compiled tables, or ``None`` if it is
    missing or was compiled from other contexts (``contexts/manifest.json`` differs)."""
    try:
        data = json.loads(read_bundled_file(_SNAPSHOT_FILE))
    except (OSError, ValueError):
        return None
    manifest = hashlib.sha256(contexts_manifest_bytes()).hexdigest()
    if (
        not isinstance(data, dict)
        or data.get("format") != SNAPSHOT_FORMAT
        or data.get("contexts_manifest_sha256") != manifest
    ):
        return None
    return data


_instances: dict[int, tuple[DocumentLoader, FastRDF]] = {}
_instances_lock = threading.Lock()


def compiled_for(loader: DocumentLoader = DEFAULT_LOADER) -> FastRDF:
    """The shared :class:`FastRDF` of ``loader`` (made on first use; the default loader's
    starts from the shipped snapshot)."""
    entry = _instances.get(id(loader))
    if entry is None or entry[0] is not loader:
        with _instances_lock:
            entry = _instances.get(id(loader))
            if entry is None or entry[0] is not loader:
                snapshot = bundled_snapshot() if loader is DEFAULT_LOADER else None
                try:
                    fast = FastRDF(loader, snapshot=snapshot)
                except (KeyError, TypeError, ValueError, IndexError):  # a damaged snapshot
                    fast = FastRDF(loader)
                entry = (loader, fast)
                _instances[id(loader)] = entry
    return entry[1]


def fast_quads(document: JSONObject, *, loader: DocumentLoader = DEFAULT_LOADER) -> list[Quad]:
    """The document's quads through the compiled fast path (see :func:`compiled_for`).

    :raises Unsupported: the document needs the general path.
    """
    return compiled_for(loader).quads(document)
