"""Dereference verification methods and check what they are authorised for.

A verification method is trusted only through the document of its controller: the
``did:key`` itself, the ``did.json`` of a ``did:web``, or the controller document at an https
URL (W3C Controlled Identifiers). The method must be listed there under the proof purpose
(``assertionMethod`` for credentials) and controlled by that document's subject. A key is
never trusted merely because it appears in a URL fragment.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from .._json import as_list
from ..errors import FetchError, KeyFormatError, KeyNotPublishedError, ResolutionError
from ..fetch import Fetcher
from ..keys import Ed25519PublicKey, public_key_from_jwk, public_key_from_multibase
from .base import MethodResolver, PublicKey, VerificationMethod
from .key import did_key_document
from .web import did_web_url

__all__ = ["DEFAULT_METHODS", "Resolver"]

_KEY_TYPES = {
    "Multikey",
    "Ed25519VerificationKey2020",
    "JsonWebKey",
    "JsonWebKey2020",
    "Ed25519VerificationKey2018",
}


def _did_key(did: str, fetcher: Fetcher) -> Any:
    return did_key_document(did)


def _did_web(did: str, fetcher: Fetcher) -> Any:
    return _fetch(fetcher, did_web_url(did), did)


def _fetch(fetcher: Fetcher, url: str, base: str) -> Any:
    try:
        return fetcher.get_json(url)
    except FetchError as exc:
        raise ResolutionError(f"cannot resolve {base!r}: {exc.reason}") from None


DEFAULT_METHODS: Mapping[str, MethodResolver] = MappingProxyType({"key": _did_key, "web": _did_web})
"""The DID methods resolved by default, by method name: ``did:key`` and ``did:web``."""


class Resolver:
    """Resolves DIDs and verification methods.

    Offline by default: did:key works everywhere; did:web and https documents need a
    :class:`~openmicrocred.fetch.Fetcher` with a client (or local ``resources``).

    :param fetcher: used for did:web and https documents.
    :param documents: extra documents by URL or DID (for tests and pinned issuers).
    :param methods: the DID methods, by name (default :data:`DEFAULT_METHODS`); add one by
        passing ``{**DEFAULT_METHODS, "example": resolve_example}``.
    """

    def __init__(
        self,
        fetcher: Fetcher | None = None,
        *,
        documents: dict[str, Any] | None = None,
        methods: Mapping[str, MethodResolver] = DEFAULT_METHODS,
    ) -> None:
        self.fetcher = fetcher or Fetcher()
        self._documents = dict(documents or {})
        self._methods = dict(methods)

    def resolve(self, did_or_url: str) -> dict[str, Any]:
        """The DID document or controller document for a DID or https URL (no fragment).

        :raises ResolutionError: unsupported method, unreachable, or not a JSON object.
        """
        base = did_or_url.split("#", 1)[0]
        parts = base.split(":", 2)
        if base in self._documents:
            document = self._documents[base]
        elif parts[0] == "did" and len(parts) == 3 and parts[1] in self._methods:
            document = self._methods[parts[1]](base, self.fetcher)
        elif base.startswith("https://") or base.startswith("http://"):
            document = _fetch(self.fetcher, base, base)
        else:
            method = ":".join(base.split(":")[:2])
            raise ResolutionError(f"cannot resolve {base!r}: unsupported method {method!r}")
        if not isinstance(document, dict):
            raise ResolutionError(f"the document for {base!r} is not a JSON object")
        if document.get("id") != base:
            raise ResolutionError(
                f"the document fetched for {base!r} has id {document.get('id')!r}; it must "
                "be the identifier that was resolved"
            )
        return document

    def verification_method(
        self, method_id: str, *, purpose: str = "assertionMethod"
    ) -> VerificationMethod:
        """Dereference ``method_id`` and check it is authorised for ``purpose``.

        :raises ResolutionError: the controller document cannot be had, does not contain the
            method, or does not authorise it for ``purpose``; or the key cannot be read.
        """
        if "#" not in method_id and not method_id.startswith("did:key:"):
            raise ResolutionError(
                f"verification method {method_id!r} has no fragment; expected "
                "'<controller>#<key id>'"
            )
        controller_id = method_id.split("#", 1)[0]
        if method_id.startswith("did:key:") and "#" not in method_id:
            method_id = f"{method_id}#{method_id.removeprefix('did:key:')}"
        document = self.resolve(controller_id)
        method = self._find(document, method_id)
        if method is None:
            raise KeyNotPublishedError(
                f"{controller_id!r} does not list {method_id!r}: the issuer does not (or no "
                "longer) publish this key"
            )
        if method.get("controller") != document["id"]:
            raise ResolutionError(
                f"verification method {method_id!r} is controlled by "
                f"{method.get('controller')!r}, not by {document['id']!r}"
            )
        if not self._authorised(document, method_id, purpose):
            raise KeyNotPublishedError(
                f"{document['id']!r} does not authorise {method_id!r} for {purpose} (not, or "
                "no longer)"
            )
        return VerificationMethod(
            method_id, str(method.get("type")), document["id"], self._key(method)
        )

    def _absolute(self, document: dict[str, Any], ref: str) -> str:
        return f"{document['id']}{ref}" if ref.startswith("#") else ref

    def _find(self, document: dict[str, Any], method_id: str) -> dict[str, Any] | None:
        candidates = list(as_list(document.get("verificationMethod")))
        for relation in ("assertionMethod", "authentication"):
            candidates += [m for m in as_list(document.get(relation)) if isinstance(m, dict)]
        for method in candidates:
            if isinstance(method, dict) and self._absolute(document, str(method.get("id", ""))) == (
                method_id
            ):
                method = dict(method)
                method["id"] = method_id
                if isinstance(method.get("controller"), str):
                    method["controller"] = self._absolute(document, method["controller"])
                return method
        return None

    def _authorised(self, document: dict[str, Any], method_id: str, purpose: str) -> bool:
        for entry in as_list(document.get(purpose)):
            ref = entry.get("id") if isinstance(entry, dict) else entry
            if isinstance(ref, str) and self._absolute(document, ref) == method_id:
                return True
        return False

    @staticmethod
    def _key(method: dict[str, Any]) -> PublicKey:
        kind = method.get("type")
        if kind not in _KEY_TYPES:
            raise ResolutionError(f"unsupported verification method type {kind!r}")
        try:
            if "publicKeyMultibase" in method:
                if kind == "Ed25519VerificationKey2020":
                    return Ed25519PublicKey.from_multibase(str(method["publicKeyMultibase"]))
                return public_key_from_multibase(str(method["publicKeyMultibase"]))
            if "publicKeyJwk" in method:
                jwk = method["publicKeyJwk"]
                if isinstance(jwk, dict) and "d" in jwk:
                    raise ResolutionError("a published JWK must not contain a private key")
                return public_key_from_jwk(jwk)
        except KeyFormatError as exc:
            raise ResolutionError(f"cannot read the key of {method.get('id')!r}: {exc}") from None
        raise ResolutionError(f"verification method {method.get('id')!r} has no public key")

    def jwt_key(self, kid: str) -> PublicKey:
        """The key a VC-JWT ``kid`` names: a verification method (DID URL or https URL with
        a fragment) or an https URL serving a JWK or a JWK set.

        :raises ResolutionError: as :meth:`verification_method`, or no usable key.
        """
        if kid.startswith("did:") or "#" in kid:
            return self.verification_method(kid).key
        try:
            document = self.fetcher.get_json(kid)
        except FetchError as exc:
            raise ResolutionError(f"cannot fetch key {kid!r}: {exc.reason}") from None
        keys = document.get("keys") if isinstance(document, dict) else None
        if isinstance(keys, list):
            if len(keys) != 1:
                raise ResolutionError(f"the JWK set at {kid!r} must hold exactly one key")
            document = keys[0]
        if not isinstance(document, dict) or "d" in document:
            raise ResolutionError(f"{kid!r} does not serve a public JWK")
        try:
            return public_key_from_jwk(document)
        except KeyFormatError as exc:
            raise ResolutionError(f"cannot read the key at {kid!r}: {exc}") from None
