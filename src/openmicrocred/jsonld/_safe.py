"""pyld, run in safe mode with errors named by JSON path (imported only when needed).

The general JSON-LD path behind :mod:`openmicrocred.jsonld`: documents the compiled fast path
does not cover, and the error report for documents that fail safe mode.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

from c14n.Canonicalize import canonicalize
from pyld import jsonld as _pyld
from pyld.context_resolver import ContextResolver
from pyld.resolved_context import ResolvedContext

from .._json import json_path
from ..errors import DocumentLoaderError, JsonLdError, OpenMicrocredError, SafeModeError
from ..types import DocumentLoader, JSONObject


class _PathDict(dict[str, Any]):
    """A JSON object that knows its JSON path and survives pyld's deep copy unchanged."""

    __slots__ = ("path",)

    path: tuple[int | str, ...]

    def __deepcopy__(self, memo: dict[int, Any]) -> _PathDict:
        return self


def _annotate(value: Any, path: tuple[int | str, ...]) -> Any:
    if isinstance(value, dict):
        out = _PathDict()
        out.path = path
        for key, item in value.items():
            out[key] = _annotate(item, (*path, key)) if key != "@context" else item
        return out
    if isinstance(value, list):
        return [_annotate(item, (*path, i)) for i, item in enumerate(value)]
    return value


def _is_absolute(iri: Any) -> bool:
    return isinstance(iri, str) and bool(_pyld._is_absolute_iri(iri))


class _SafeProcessor(_pyld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor with data-loss checks reported against JSON paths."""

    def __init__(self) -> None:
        super().__init__(on_property_dropped=self._dropped)
        self._stack: list[_PathDict] = []
        self._document: Any = None

    def _where(self, *extra: int | str) -> str:
        for element in reversed(self._stack):
            if isinstance(element, _PathDict):
                return json_path((*element.path, *extra))
        return json_path(extra)

    def _dropped(self, expanded_property: str | None) -> None:
        element = self._stack[-1] if self._stack else None
        key = expanded_property
        if element is not None and (key is None or key not in element):
            # A term explicitly mapped to null, or a key that expanded to something else:
            # name the element's first key that is not a keyword.
            key = next((k for k in element if not k.startswith("@")), key)
        raise SafeModeError(
            self._where(key) if key is not None else self._where(),
            f"property {key!r} is not defined by the active JSON-LD contexts, so it would "
            "be silently dropped from what is signed",
        )

    def _expand_object(
        self,
        active_ctx: Any,
        active_property: Any,
        expanded_active_property: Any,
        element: Any,
        expanded_parent: Any,
        options: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        self._stack.append(element)
        try:
            result = super()._expand_object(
                active_ctx,
                active_property,
                expanded_active_property,
                element,
                expanded_parent,
                options,
                *args,
                **kwargs,
            )
            self._check_node(active_ctx, element, expanded_parent)
            return result
        finally:
            self._stack.pop()

    def _create_term_definition(
        self, active_ctx: Any, local_ctx: Any, term: Any, *args: Any, **kwargs: Any
    ) -> Any:
        previous = None if isinstance(local_ctx, _Loaded) else active_ctx["mappings"].get(term)
        try:
            result = super()._create_term_definition(active_ctx, local_ctx, term, *args, **kwargs)
        except _pyld.JsonLdError as exc:
            if getattr(exc, "code", None) != "protected term redefinition":
                raise
            raise self._redefined(local_ctx, term) from None
        if previous is not None and _meaning(previous) != _meaning(
            active_ctx["mappings"].get(term)
        ):
            raise self._redefined(local_ctx, term)
        return result

    def _redefined(self, local_ctx: Any, term: Any) -> SafeModeError:
        which = "a context" if isinstance(local_ctx, _Loaded) else "an embedded context"
        return SafeModeError(
            _context_path(self._document, local_ctx, str(term)) or self._where("@context"),
            f"{which} redefines the term {term!r}: the JSON would show its value under a "
            "name that means something else in what is signed",
        )

    def _key_for(self, active_ctx: Any, element: Any, iri: str) -> str:
        for key in element:
            if key == iri:
                return str(key)
            try:
                if self._expand_iri(active_ctx, key, vocab=True) == iri:
                    return str(key)
            except Exception:  # noqa: S112 - best effort only, to name a path
                continue
        return iri

    def _check_node(self, active_ctx: Any, element: Any, expanded: Any) -> None:
        if not isinstance(expanded, dict):
            return
        node_id = expanded.get("@id")
        if node_id is not None:
            for value in node_id if isinstance(node_id, list) else [node_id]:
                if isinstance(value, str) and not _is_absolute(value):
                    key = self._key_for(active_ctx, element, "@id")
                    raise SafeModeError(
                        self._where(key),
                        f"{value!r} is a relative IRI; an absolute IRI is needed here",
                    )
        types = expanded.get("@type")
        if types is not None:
            key = self._key_for(active_ctx, element, "@type")
            raw = element.get(key)
            raw_list = raw if isinstance(raw, list) else [raw]
            for i, value in enumerate(types if isinstance(types, list) else [types]):
                if isinstance(value, str) and not _is_absolute(value):
                    original = raw_list[i] if i < len(raw_list) else value
                    where = self._where(key, i) if isinstance(raw, list) else self._where(key)
                    raise SafeModeError(
                        where,
                        f"type {original!r} is not defined by the active JSON-LD contexts "
                        "(add the context that defines it)",
                    )
        for prop, values in expanded.items():
            if prop.startswith("@"):
                continue
            for value in values if isinstance(values, list) else [values]:
                self._check_reference(active_ctx, element, prop, value)

    def _check_reference(self, active_ctx: Any, element: Any, prop: str, value: Any) -> None:
        # Values coerced to IRIs ("@type": "@id" / "@vocab" in the context) expand to
        # {"@id": ...}; a relative one would be dropped when converting to RDF.
        if not isinstance(value, dict):
            return
        if "@list" in value:
            for item in value["@list"]:
                self._check_reference(active_ctx, element, prop, item)
            return
        ref = value.get("@id")
        if set(value) == {"@id"} and isinstance(ref, str) and not _is_absolute(ref):
            key = self._key_for(active_ctx, element, prop)
            raise SafeModeError(
                self._where(key),
                f"{ref!r} is not an absolute IRI, nor a term the active contexts define",
            )


def _context_path(value: Any, context: Any, term: str, path: tuple[Any, ...] = ()) -> str | None:
    """The JSON path of ``term`` in the first embedded context of ``value`` equal to
    ``context`` (pyld may hand over a cached copy, so equality, not identity)."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            if (found := _context_path(item, context, term, (*path, i))) is not None:
                return found
    elif isinstance(value, dict):
        if value == context and term in value:
            return json_path((*path, term))
        for key, item in value.items():
            if (found := _context_path(item, context, term, (*path, key))) is not None:
                return found
    return None


class _BoundedCache(dict[str, Any]):
    """A small FIFO-bounded dict, used as pyld's context cache (one per thread and loader)."""

    def __init__(self, maxsize: int) -> None:
        super().__init__()
        self.maxsize = maxsize

    def __setitem__(self, key: str, value: Any) -> None:
        if key not in self and len(self) >= self.maxsize:
            del self[next(iter(self))]
        super().__setitem__(key, value)


_local = threading.local()


class _Loaded(dict[str, Any]):
    """A context object served by the document loader (a context URL), as opposed to one
    embedded in the document."""

    __slots__ = ()


def _meaning(mapping: Any) -> Any:
    if not isinstance(mapping, dict):
        return mapping
    return {k: v for k, v in mapping.items() if k != "protected"}


def _mark_loaded(contexts: Any) -> Any:
    """A copy of a loaded ``@context`` value with each context object in it (scoped ones
    included) marked as :class:`_Loaded`."""
    if isinstance(contexts, list):
        return [_mark_loaded(c) for c in contexts]
    if not isinstance(contexts, dict):
        return contexts
    out = _Loaded()
    for term, definition in contexts.items():
        if isinstance(definition, dict) and "@context" in definition:
            definition = {**definition, "@context": _mark_loaded(definition["@context"])}
        out[term] = definition
    return out


class _SafeResolver(ContextResolver):  # type: ignore[misc]
    """pyld's context resolver, caching loaded and embedded context objects apart.

    pyld caches a context object under its canonical JSON, so an embedded copy of a loaded
    context would otherwise share its entry, and its origin."""

    def resolve(self, active_ctx: Any, context: Any, base: Any, cycles: Any = None) -> Any:
        if isinstance(context, dict) and "@context" in context:
            context = context["@context"]
        resolved: list[Any] = []
        for ctx in context if isinstance(context, list) else [context]:
            if not isinstance(ctx, dict):
                resolved += super().resolve(active_ctx, ctx, base, cycles)
                continue
            origin = "loaded:" if isinstance(ctx, _Loaded) else "embedded:"
            key = origin + canonicalize(dict(ctx)).decode("utf-8")
            entry = self._get(key)
            if not entry:
                entry = self._cache_resolved_context(key, ResolvedContext(ctx), "static")
            resolved.append(entry)
        return resolved


def _resolver(loader: DocumentLoader, safe: bool) -> ContextResolver:
    # pyld's module-level context cache is shared by all threads and all loaders. Each thread
    # gets its own cache per loader instead, so two threads (or two loaders serving different
    # documents for one URL) can never see each other's partly built entries. Safe and plain
    # processing of one context differ, so they are cached apart.
    caches: dict[tuple[int, bool], tuple[DocumentLoader, _BoundedCache]] = getattr(
        _local, "caches", {}
    )
    _local.caches = caches
    entry = caches.get((id(loader), safe))
    if entry is None or entry[0] is not loader:
        entry = (loader, _BoundedCache(256))
        caches[(id(loader), safe)] = entry
    if safe:
        return _SafeResolver(entry[1], _wrap_loader(loader, mark=True))
    return ContextResolver(entry[1], _wrap_loader(loader))


def _wrap_loader(loader: DocumentLoader, *, mark: bool = False) -> Any:
    def load(url: str, options: Any = None) -> Any:
        document = dict(loader(url, options))
        if mark and isinstance(document.get("document"), dict):
            served = document["document"]
            document["document"] = {**served, "@context": _mark_loaded(served.get("@context"))}
        # "static" lets pyld keep the processed context in our per-thread, per-loader cache:
        # a context URL must always mean the same document for a given loader.
        document.setdefault("tag", "static")
        return document

    return load


def _json_ld_error(exc: Exception) -> OpenMicrocredError:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, OpenMicrocredError):
            return cause
        cause = cause.__cause__ or cause.__context__
    details = getattr(exc, "details", None)
    code = getattr(exc, "code", None)
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if code:
        message = f"{message} ({code})"
    if isinstance(details, dict) and "url" in details:
        return DocumentLoaderError(str(details["url"]), message)
    return JsonLdError(message)


def processing_options(loader: DocumentLoader, *, safe: bool = False) -> dict[str, Any]:
    """pyld options for offline processing with ``loader`` and a thread-local context cache
    (``safe``: the resolver and loader that safe mode's checks need)."""
    return {
        "documentLoader": _wrap_loader(loader, mark=safe),
        "contextResolver": _resolver(loader, safe),
        "base": None,
        "processingMode": "json-ld-1.1",
    }


def run(operation: str, document: JSONObject, loader: DocumentLoader, safe: bool) -> Any:
    """Run pyld's ``expand`` or ``to_rdf`` (in safe mode), turning its errors into ours."""
    if not isinstance(document, dict):
        raise TypeError(f"document must be a JSON object, not {type(document).__name__}")
    processor = _SafeProcessor() if safe else _pyld.JsonLdProcessor()
    source = _annotate(document, ()) if safe else copy.deepcopy(document)
    if isinstance(processor, _SafeProcessor):
        processor._document = document
    try:
        return getattr(processor, operation)(source, processing_options(loader, safe=safe))
    except OpenMicrocredError:
        raise
    except _pyld.JsonLdError as exc:
        raise _json_ld_error(exc) from exc
    except RecursionError:
        raise JsonLdError("document is nested too deeply") from None
    except Exception as exc:  # pyld raises assorted errors on hostile input
        raise JsonLdError(f"invalid JSON-LD: {type(exc).__name__}: {exc}") from exc
