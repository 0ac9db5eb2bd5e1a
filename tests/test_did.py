from __future__ import annotations

import json
from typing import Any

import pytest

from httpserver import Route
from openmicrocred.did import (
    Resolver,
    did_key_document,
    did_web_document,
    did_web_url,
)
from openmicrocred.did.web import did_web_for_url
from openmicrocred.errors import ResolutionError
from openmicrocred.fetch import Fetcher
from openmicrocred.keys import Ed25519Key, Ed25519PublicKey


def test_did_key_resolves_offline() -> None:
    key = Ed25519Key.generate()
    doc = did_key_document(key.did)
    assert doc["id"] == key.did
    assert doc["assertionMethod"] == [key.verification_method]
    method = Resolver().verification_method(key.verification_method)
    assert method.key == key.public_key
    assert method.controller == key.did
    # A did:key without fragment names its own key.
    assert Resolver().verification_method(key.did).key == key.public_key
    with pytest.raises(ResolutionError):
        did_key_document("did:key:z6MkBOGUS")


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
        ("did:web:kmutt.example:issuers:1#key-1", "https://kmutt.example/issuers/1/did.json"),
    ],
)
def test_did_web_url(did: str, url: str) -> None:
    assert did_web_url(did) == url


@pytest.mark.parametrize(
    "did", ["did:web:", "did:web:a.example::x", "did:web:a.example:..", "did:key:z6Mk"]
)
def test_bad_did_web(did: str) -> None:
    with pytest.raises(ResolutionError):
        did_web_url(did)


def test_did_web_for_url() -> None:
    assert did_web_for_url("https://kmutt.example/issuers/1") == "did:web:kmutt.example:issuers:1"
    assert did_web_for_url("https://127.0.0.1:8443") == "did:web:127.0.0.1%3A8443"


def _https_did(server: Any, key: Ed25519PublicKey, path: str = "issuers/1") -> str:
    host = server.base.removeprefix("https://").replace(":", "%3A")
    did = f"did:web:{host}:{path.replace('/', ':')}"
    server.routes[f"/{path}/did.json"] = Route(json.dumps(did_web_document(did, [key])).encode())
    return did


def test_did_web_over_real_https(https_server: Any, online_fetcher: Fetcher) -> None:
    key = Ed25519Key.generate()
    did = _https_did(https_server, key.public_key)
    resolver = Resolver(online_fetcher)
    method = resolver.verification_method(f"{did}#{key.public_key.multibase}")
    assert method.key == key.public_key
    assert method.controller == did
    assert method.type == "Multikey"
    # Offline, the same DID cannot be resolved.
    with pytest.raises(ResolutionError, match="offline"):
        Resolver().verification_method(f"{did}#{key.public_key.multibase}")


def test_https_controller_document(https_server: Any, online_fetcher: Fetcher) -> None:
    key = Ed25519Key.generate()
    controller = https_server.url("/issuers/876543")
    vm = f"{controller}#{key.public_key.multibase}"
    https_server.routes["/issuers/876543"] = Route(
        json.dumps(
            {
                "@context": ["https://www.w3.org/ns/cid/v1"],
                "id": controller,
                "verificationMethod": [
                    {
                        "id": vm,
                        "type": "Multikey",
                        "controller": controller,
                        "publicKeyMultibase": key.public_key.multibase,
                    }
                ],
                "assertionMethod": [vm],
            }
        ).encode()
    )
    assert Resolver(online_fetcher).verification_method(vm).key == key.public_key


def _controller_doc(controller: str, key: Ed25519PublicKey, **changes: Any) -> dict[str, Any]:
    vm = f"{controller}#{key.multibase}"
    doc: dict[str, Any] = {
        "id": controller,
        "verificationMethod": [
            {
                "id": vm,
                "type": "Multikey",
                "controller": controller,
                "publicKeyMultibase": key.multibase,
            }
        ],
        "assertionMethod": [vm],
    }
    doc.update(changes)
    return doc


def test_key_in_fragment_is_not_trusted_without_its_document() -> None:
    key = Ed25519Key.generate().public_key
    controller = "https://issuer.example/profile"
    vm = f"{controller}#{key.multibase}"
    with pytest.raises(ResolutionError):
        Resolver().verification_method(vm)  # offline: the fragment alone is not enough
    other = Ed25519Key.generate().public_key
    doc = _controller_doc(controller, other)  # lists a different key
    with pytest.raises(ResolutionError, match="does not list"):
        Resolver(documents={controller: doc}).verification_method(vm)


def test_method_must_be_authorised_and_controlled() -> None:
    key = Ed25519Key.generate().public_key
    controller = "https://issuer.example/profile"
    vm = f"{controller}#{key.multibase}"
    not_authorised = _controller_doc(controller, key, assertionMethod=[])
    with pytest.raises(ResolutionError, match="does not authorise"):
        Resolver(documents={controller: not_authorised}).verification_method(vm)
    foreign = _controller_doc(controller, key)
    foreign["verificationMethod"][0]["controller"] = "https://evil.example/"
    with pytest.raises(ResolutionError, match="controlled by"):
        Resolver(documents={controller: foreign}).verification_method(vm)
    wrong_id = _controller_doc(controller, key, id="https://evil.example/")
    with pytest.raises(ResolutionError, match="must be the identifier"):
        Resolver(documents={controller: wrong_id}).verification_method(vm)
    relative = _controller_doc(controller, key)
    relative["verificationMethod"][0]["id"] = f"#{key.multibase}"
    relative["assertionMethod"] = [f"#{key.multibase}"]
    assert Resolver(documents={controller: relative}).verification_method(vm).key == key
    with pytest.raises(ResolutionError, match="unsupported method"):
        Resolver().verification_method("did:example:123#key-1")


def test_jsonwebkey_and_ed25519_2020_methods() -> None:
    ed = Ed25519Key.generate().public_key
    controller = "https://issuer.example/keys"
    jwk_vm = f"{controller}#jwk-1"
    legacy_vm = f"{controller}#legacy-1"
    doc = {
        "id": controller,
        "verificationMethod": [
            {
                "id": jwk_vm,
                "type": "JsonWebKey",
                "controller": controller,
                "publicKeyJwk": ed.to_jwk(),
            },
            {
                "id": legacy_vm,
                "type": "Ed25519VerificationKey2020",
                "controller": controller,
                "publicKeyMultibase": ed.multibase,
            },
        ],
        "assertionMethod": [jwk_vm, legacy_vm],
    }
    resolver = Resolver(documents={controller: doc})
    assert resolver.verification_method(jwk_vm).key == ed
    assert resolver.verification_method(legacy_vm).key == ed
    leaked = json.loads(json.dumps(doc))
    leaked["verificationMethod"][0]["publicKeyJwk"]["d"] = "AAAA"
    with pytest.raises(ResolutionError, match="private key"):
        Resolver(documents={controller: leaked}).verification_method(jwk_vm)
    odd = json.loads(json.dumps(doc))
    odd["verificationMethod"][0]["type"] = "X25519KeyAgreementKey2020"
    with pytest.raises(ResolutionError, match="unsupported verification method type"):
        Resolver(documents={controller: odd}).verification_method(jwk_vm)
