from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import pytest

from openmicrocred.documents import DEFAULT_LOADER, ChainLoader, StaticLoader, bundled_contexts
from openmicrocred.errors import DocumentLoaderError

REPO = Path(__file__).resolve().parents[1]
REQUIRED = [
    "https://www.w3.org/ns/credentials/v2",
    "https://www.w3.org/2018/credentials/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    "https://w3id.org/security/data-integrity/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/multikey/v1",
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/security/suites/ed25519-2020/v1",
    "https://www.w3.org/ns/credentials/status/v1",
    "https://w3id.org/vc/status-list/2021/v1",
    "https://www.w3.org/ns/credentials/examples/v2",
]


@pytest.mark.parametrize("url", REQUIRED)
def test_required_context_is_bundled(url: str) -> None:
    assert url in DEFAULT_LOADER
    doc = DEFAULT_LOADER(url)
    assert doc["documentUrl"] == url
    assert "@context" in doc["document"]


def test_manifest_digests_match_the_files() -> None:
    manifest = json.loads((REPO / "contexts" / "manifest.json").read_text())
    assert len(manifest["contexts"]) == len(bundled_contexts())
    for entry in manifest["contexts"]:
        data = (REPO / "contexts" / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
        assert len(data) == entry["bytes"]
        assert entry["source"]
        assert entry["license"]
        assert bundled_contexts()[entry["url"]].data == data


def test_vc_v2_context_is_the_recommendation_bytes() -> None:
    # The VC Data Model 2.0 Recommendation publishes this digest of the base context.
    assert (
        bundled_contexts()["https://www.w3.org/ns/credentials/v2"].sha256
        == "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"
    )


def test_unknown_url_is_refused_with_a_clear_error() -> None:
    with pytest.raises(DocumentLoaderError, match="never fetches") as info:
        DEFAULT_LOADER("https://example.org/evil-context.jsonld")
    assert info.value.url == "https://example.org/evil-context.jsonld"
    assert info.value.code == "document_not_loaded"


def test_returned_documents_are_copies() -> None:
    url = "https://www.w3.org/ns/credentials/v2"
    first = DEFAULT_LOADER(url)["document"]
    first["@context"]["VerifiableCredential"] = "https://evil.example/"
    assert DEFAULT_LOADER(url)["document"]["@context"]["VerifiableCredential"] != (
        "https://evil.example/"
    )


def test_extra_documents_and_chain() -> None:
    extra = {"https://example.org/ctx": {"@context": {"foo": "https://example.org/foo"}}}
    loader = StaticLoader(extra)
    assert loader("https://example.org/ctx")["document"] == extra["https://example.org/ctx"]
    assert "https://www.w3.org/ns/credentials/v2" in loader
    only = StaticLoader(extra, include_bundled=False)
    with pytest.raises(DocumentLoaderError):
        only("https://www.w3.org/ns/credentials/v2")
    chain = ChainLoader(only, DEFAULT_LOADER)
    assert chain("https://www.w3.org/ns/credentials/v2")["document"]
    assert chain("https://example.org/ctx")["document"]
    with pytest.raises(DocumentLoaderError, match="no loader in the chain"):
        chain("https://example.org/other")
    with pytest.raises(TypeError):
        StaticLoader({"https://example.org/x": ["not", "an", "object"]})  # type: ignore[dict-item]


def test_loader_is_thread_safe() -> None:
    urls = sorted(DEFAULT_LOADER.urls)
    expected = {u: DEFAULT_LOADER(u)["document"] for u in urls}
    failures: list[str] = []

    def work() -> None:
        for _ in range(20):
            for u in urls:
                doc = DEFAULT_LOADER(u)["document"]
                if doc != expected[u]:
                    failures.append(u)
                doc.clear()  # mutating a result must not affect anyone else

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
