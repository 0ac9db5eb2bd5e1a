"""The status checker's cache: lists kept for their ttl, lists named in ``reread`` read on
every check (verified again only when their bytes change), and a bound on how many lists
are kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from openmicrocred.fetch import Fetcher
from openmicrocred.keys import Ed25519Key
from openmicrocred.status import SQLiteStatusRegistry, publish
from openmicrocred.suites import add_proof
from openmicrocred.verification import StatusChecker, Verdict, Verifier


class _Lists(dict[str, bytes]):
    """Published lists by URL, counting reads."""

    reads = 0

    def get(self, url: str, default: Any = None) -> Any:  # what Fetcher calls
        self.reads += 1
        return super().get(url, default)


class _Issuer:
    def __init__(self, folder: Path, name: str = "a") -> None:
        self.key = Ed25519Key.generate()
        self.registry = SQLiteStatusRegistry(
            folder / f"{name}.db", base_url=f"https://{name}.example/status"
        )
        self.out = folder / name
        self.lists = _Lists()

    def issue(self, credential_id: str) -> dict[str, Any]:
        (entry,) = self.registry.allocate(credential_id, ["revocation"])
        credential = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": credential_id,
            "type": ["VerifiableCredential"],
            "issuer": self.key.did,
            "credentialSubject": {"id": "did:example:learner"},
            "credentialStatus": entry.to_json(),
        }
        return add_proof(credential, self.key)

    def publish(self) -> None:
        for item in publish(self.registry, self.out, self.key, issuer=self.key.did):
            self.lists[item.url] = item.path.read_bytes()


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs whose list proof the checkers verify, in order."""
    verified: list[str] = []
    real = StatusChecker._verified

    def spy(body: bytes, url: str, context: Any) -> Any:
        verified.append(url)
        return real(body, url, context)

    monkeypatch.setattr(StatusChecker, "_verified", staticmethod(spy))
    return verified


def test_a_reread_list_counts_at_once_and_is_verified_only_when_changed(
    tmp_path: Path, counted: list[str]
) -> None:
    issuer = _Issuer(tmp_path)
    badge = issuer.issue("urn:uuid:1")
    issuer.publish()
    checker = StatusChecker(reread=issuer.lists, default_ttl=3600)
    verifier = Verifier(fetcher=Fetcher(resources=issuer.lists), status_checker=checker)
    for _ in range(3):
        assert verifier.verify(badge).verdict is Verdict.VERIFIED
    assert issuer.lists.reads == 3  # read every time
    assert len(counted) == 1  # verified once: the bytes did not change
    issuer.registry.revoke("urn:uuid:1")
    issuer.publish()
    assert verifier.verify(badge).verdict is Verdict.REVOKED  # at once, despite the ttl
    assert len(counted) == 2


def test_a_list_not_reread_is_kept_for_its_ttl(tmp_path: Path, counted: list[str]) -> None:
    issuer = _Issuer(tmp_path)
    badge = issuer.issue("urn:uuid:1")
    issuer.publish()
    checker = StatusChecker(default_ttl=3600)
    verifier = Verifier(fetcher=Fetcher(resources=issuer.lists), status_checker=checker)
    assert verifier.verify(badge).verified
    issuer.registry.revoke("urn:uuid:1")
    issuer.publish()
    assert verifier.verify(badge).verified  # the cached list, as the ttl allows
    assert (issuer.lists.reads, len(counted)) == (1, 1)


def test_a_changed_list_that_no_longer_verifies_is_refused(tmp_path: Path) -> None:
    issuer = _Issuer(tmp_path)
    badge = issuer.issue("urn:uuid:1")
    issuer.publish()
    checker = StatusChecker(reread=issuer.lists)
    verifier = Verifier(fetcher=Fetcher(resources=issuer.lists), status_checker=checker)
    assert verifier.verify(badge).verified
    (url,) = issuer.lists
    issuer.lists[url] = issuer.lists[url].replace(b'"revocation"', b'"suspension"')
    report = verifier.verify(badge)
    assert report.verdict is not Verdict.VERIFIED
    assert any(c.code == "status_list_invalid" for c in report.checks)


def test_the_cache_keeps_at_most_max_lists(tmp_path: Path, counted: list[str]) -> None:
    issuers = [_Issuer(tmp_path, name) for name in ("a", "b", "c")]
    badges = [i.issue(f"urn:uuid:{n}") for n, i in enumerate(issuers)]
    resources: dict[str, bytes] = {}
    for issuer in issuers:
        issuer.publish()
        resources.update(issuer.lists)
    checker = StatusChecker(max_lists=2, default_ttl=3600)
    verifier = Verifier(fetcher=Fetcher(resources=resources), status_checker=checker)
    for badge in badges:
        assert verifier.verify(badge).verified
    assert len(checker._cache) == 2
    assert len(counted) == 3
    assert verifier.verify(badges[0]).verified  # evicted first (closest to expiry): again
    assert len(counted) == 4
