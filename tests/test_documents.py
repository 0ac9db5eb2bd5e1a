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
    "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld",
    "https://imsglobal.github.io/openbadges-specification/context.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context.json",
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


def test_older_ob_contexts_are_the_published_bytes() -> None:
    contexts = bundled_contexts()
    # The draft context as GitHub Pages served it 2022-06-07..2022-09-13 (gh-pages 194ee9a4),
    # byte-identical to the copy 1EdTech's validator bundled for this URL in 2022.
    draft = contexts["https://imsglobal.github.io/openbadges-specification/context.json"]
    assert draft.sha256 == "798f8159c9a51fbb02517b7667ff9ecac1b3b0a295a676d583261fa8b991ed63"
    assert "194ee9a4e4492bdb8985cfb5c41aa3ffcab602e5" in draft.source
    assert b"https://imsglobal.github.io/openbadges-specification/ob_v3p0.html#" in draft.data
    # The URL the spec text named until 2023-02: 1EdTech's validator serves the 3.0.0 file.
    alias = contexts["https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld"]
    assert alias.data == contexts["https://purl.imsglobal.org/spec/ob/v3p0/context.json"].data
    assert "digital-credentials-public-validator@38254719" in alias.source
    for ctx in (draft, alias):
        assert "speclicense" in ctx.license or "Apache-2.0" in ctx.license


def test_update_script_keeps_local_additions() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("update_contexts", REPO / "contexts/update.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    manifest = json.loads((REPO / "contexts" / "manifest.json").read_text())
    kept = module._local_entries(manifest["contexts"], {manifest["contexts"][0]["url"]})
    assert [e["url"] for e in kept] == [e["url"] for e in manifest["contexts"][1:]]
