"""Offline JSON-LD document loading.

openmicrocred never fetches a JSON-LD context from the network: a context decides what a
signature means, so it must be a known, pinned document. :class:`StaticLoader` serves the
contexts bundled in ``contexts/`` (listed with their SHA-256 in ``contexts/manifest.json``)
plus any documents the caller adds explicitly, and refuses every other URL.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import DocumentLoaderError
from .types import DocumentLoader, JSONObject, RemoteDocument

__all__ = [
    "DEFAULT_LOADER",
    "BundledContext",
    "ChainLoader",
    "StaticLoader",
    "bundled_contexts",
]


class BundledContext:
    """One bundled context: its URL, file bytes and provenance from the manifest."""

    __slots__ = ("data", "license", "sha256", "source", "url")

    def __init__(self, url: str, data: bytes, sha256: str, source: str, license: str) -> None:
        self.url = url
        self.data = data
        self.sha256 = sha256
        self.source = source
        self.license = license

    def __repr__(self) -> str:
        return f"BundledContext({self.url!r}, {len(self.data)} bytes)"


def _contexts_dir() -> Traversable:
    # Installed wheels carry the contexts inside the package (hatchling force-include);
    # a source checkout or editable install reads them from the repository's contexts/.
    packaged = resources.files(__package__ or "openmicrocred").joinpath("contexts")
    if packaged.is_dir():
        return packaged
    repo = Path(__file__).resolve().parents[2] / "contexts"
    if repo.is_dir():
        return repo
    raise DocumentLoaderError("contexts/", "the bundled contexts are missing from this install")


def read_bundled_file(name: str) -> bytes:
    """The bytes of a file shipped beside the bundled contexts (``manifest.json``, say).

    :raises OSError: there is no such file.
    """
    return _contexts_dir().joinpath(name).read_bytes()


@cache
def contexts_manifest_bytes() -> bytes:
    """The bytes of ``contexts/manifest.json``, which pins every bundled context by digest."""
    return read_bundled_file("manifest.json")


@cache
def bundled_contexts() -> Mapping[str, BundledContext]:
    """Return every bundled context by URL, checking each file against its manifest digest.

    :raises DocumentLoaderError: a bundled file is missing or its bytes do not match the
        SHA-256 recorded in ``contexts/manifest.json``.
    """
    folder = _contexts_dir()
    manifest = json.loads(contexts_manifest_bytes())
    out: dict[str, BundledContext] = {}
    for entry in manifest["contexts"]:
        data = folder.joinpath(entry["file"]).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry["sha256"]:
            raise DocumentLoaderError(
                entry["url"], f"bundled file {entry['file']} does not match its manifest digest"
            )
        out[entry["url"]] = BundledContext(
            entry["url"], data, digest, entry["source"], entry["license"]
        )
    return MappingProxyType(out)


class StaticLoader:
    """A document loader that serves a fixed set of documents and refuses everything else.

    By default it serves the bundled contexts. Extra documents (your own extension context, a
    DID document for a test) are added explicitly::

        loader = StaticLoader({"https://example.org/my-context.json": {"@context": {...}}})

    Instances are immutable and thread-safe; every call returns a fresh deep copy, so a caller
    (pyld included) that mutates the result cannot corrupt later loads.

    :param documents: extra documents by URL (parsed JSON objects). They override bundled ones.
    :param include_bundled: serve the bundled contexts too (default ``True``).
    """

    def __init__(
        self,
        documents: Mapping[str, JSONObject] | None = None,
        *,
        include_bundled: bool = True,
    ) -> None:
        extra: dict[str, JSONObject] = {}
        for url, doc in (documents or {}).items():
            if not isinstance(doc, dict):
                raise TypeError(f"document for {url!r} must be a JSON object, not {type(doc)}")
            extra[url] = copy.deepcopy(doc)
        self._extra = extra
        self._include_bundled = include_bundled
        self._served: Mapping[str, JSONObject] | None = None

    @property
    def _docs(self) -> Mapping[str, JSONObject]:
        # The bundled contexts are read and parsed on first use, not when the loader is made
        # (the default loader exists from import time on, and many processes never use it).
        served = self._served
        if served is None:
            docs: dict[str, JSONObject] = dict(_parsed_bundled()) if self._include_bundled else {}
            docs.update(self._extra)
            served = self._served = MappingProxyType(docs)
        return served

    @property
    def urls(self) -> frozenset[str]:
        """The URLs this loader serves."""
        return frozenset(self._docs)

    def __contains__(self, url: object) -> bool:
        return url in self._docs

    def __iter__(self) -> Iterator[str]:
        return iter(self._docs)

    def with_documents(self, documents: Mapping[str, JSONObject]) -> StaticLoader:
        """Return a new loader that also serves ``documents``."""
        merged = dict(self._docs)
        merged.update(documents)
        return StaticLoader(merged, include_bundled=False)

    def __call__(self, url: str, options: dict[str, Any] | None = None, /) -> RemoteDocument:
        doc = self._docs.get(url)
        if doc is None:
            raise DocumentLoaderError(
                url,
                "not a bundled or explicitly added document; openmicrocred never fetches "
                "JSON-LD contexts from the network (add it with StaticLoader({url: document}))",
            )
        return {"contextUrl": None, "documentUrl": url, "document": copy.deepcopy(doc)}

    def __repr__(self) -> str:
        return f"StaticLoader({len(self._docs)} documents)"


_parse_lock = threading.Lock()


@cache
def _parsed_bundled() -> Mapping[str, JSONObject]:
    with _parse_lock:
        return MappingProxyType(
            {url: json.loads(ctx.data) for url, ctx in bundled_contexts().items()}
        )


class ChainLoader:
    """Try several loaders in turn; the first one that serves the URL wins.

    :param loaders: loaders to consult, in order.
    """

    def __init__(self, *loaders: DocumentLoader) -> None:
        if not loaders:
            raise ValueError("ChainLoader needs at least one loader")
        self._loaders = loaders

    def __call__(self, url: str, options: dict[str, Any] | None = None, /) -> RemoteDocument:
        reasons: list[str] = []
        for loader in self._loaders:
            try:
                return loader(url, options)
            except DocumentLoaderError as exc:
                reasons.append(str(exc))
        raise DocumentLoaderError(url, "no loader in the chain serves it: " + "; ".join(reasons))


DEFAULT_LOADER = StaticLoader()
"""The default loader: the bundled contexts, offline."""
