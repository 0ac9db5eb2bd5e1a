"""Badges written with the older OB 3.0 and CLR 2.0 contexts: read, canonicalized, verified.

The spec named other context URLs before ``context-3.0.x.json``: the draft
``https://imsglobal.github.io/openbadges-specification/context.json`` (2021-12..2022-09) and
``https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld`` (spec text 2021-11..2023-02,
issued in production). Those contexts were written for VC 1.1 (``issuanceDate``); with the
VC 2.0 context they redefine protected terms.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from openmicrocred import Ed25519Key, issue, verify
from openmicrocred.canon.document import canonicalize_document
from openmicrocred.errors import SafeModeError
from openmicrocred.jsonld import expand
from openmicrocred.jsonld._compiled import bundled_snapshot
from openmicrocred.verification import CheckStatus, Verifier

from conftest import VECTORS, load, pinned_resolver

VC1 = "https://www.w3.org/2018/credentials/v1"
VC2 = "https://www.w3.org/ns/credentials/v2"
DRAFT = "https://imsglobal.github.io/openbadges-specification/context.json"
OB_JSONLD = "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld"
OB_300 = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
CLR_200 = "https://purl.imsglobal.org/spec/clr/v2p0/context.json"
_DRAFT_VOCAB = "https://imsglobal.github.io/openbadges-specification/ob_v3p0.html#"
_VOCAB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"

# Every older OB 3.0 context URL, and the vocabulary its terms expand to.
OLD_OB_CONTEXTS = {
    DRAFT: _DRAFT_VOCAB,
    OB_JSONLD: _VOCAB,
    OB_300: _VOCAB,
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": _VOCAB,
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": _VOCAB,
    "https://imsglobal.github.io/openbadges-specification/ob_v3p0.html": _DRAFT_VOCAB,
    "https://w3c-ccg.github.io/vc-ed/plugfest-1-2022/jff-vc-edu-plugfest-1-context.json": (
        _DRAFT_VOCAB
    ),
}

KEY = Ed25519Key.from_seed(bytes(range(32)))


def _badge(context: str, *, base: str = VC1) -> dict[str, Any]:
    dates = {"issuanceDate" if base == VC1 else "validFrom": "2022-08-01T00:00:00Z"}
    return {
        "@context": [base, context],
        "id": "urn:uuid:9a5c5e1c-6f0e-4b8a-9a52-3c2d1b0e7f10",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": KEY.did, "type": ["Profile"], "name": "Example University"},
        **dates,
        "name": "Teamwork Badge",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.edu/achievements/teamwork",
                "type": ["Achievement"],
                "name": "Teamwork",
                "description": "Collaborates within a group.",
                "criteria": {"narrative": "Nominated by peers."},
            },
        },
    }


@pytest.mark.parametrize("url", sorted(OLD_OB_CONTEXTS))
def test_old_context_expands_and_canonicalizes(url: str) -> None:
    vocab = OLD_OB_CONTEXTS[url]
    badge = _badge(url)
    expanded = expand(badge)
    assert set(expanded[0]["@type"]) == {
        vocab + "OpenBadgeCredential",
        "https://www.w3.org/2018/credentials#VerifiableCredential",
    }
    fast = canonicalize_document(badge).nquads
    assert fast == canonicalize_document(badge, fast=False).nquads
    assert f"<{vocab}AchievementSubject>" in fast
    assert f"<{vocab}narrative>" in fast or f"<{vocab}Criteria>" in fast


@pytest.mark.parametrize("url", sorted(OLD_OB_CONTEXTS))
def test_badge_signed_with_an_old_context_has_a_valid_proof(url: str) -> None:
    signed = issue(_badge(url), KEY)
    report = verify(signed)
    assert report.check("proof").status is CheckStatus.PASSED  # type: ignore[union-attr]
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Leadership"
    assert verify(tampered).verdict == "tampered"


@pytest.mark.parametrize(
    "url",
    list(OLD_OB_CONTEXTS),
)
def test_badge_signed_with_an_old_context_verifies(url: str) -> None:
    report = verify(issue(_badge(url), KEY))
    assert report.verdict == "verified", [c for c in report.checks if c.blocking]


@pytest.mark.parametrize("url", [DRAFT, OB_JSONLD, OB_300])
def test_vc_11_era_contexts_are_refused_under_vc_20(url: str) -> None:
    # They redefine terms the VC 2.0 context protects (name, description, ...).
    with pytest.raises(SafeModeError, match="redefines the term"):
        issue(_badge(url, base=VC2), KEY)


@pytest.mark.parametrize(
    "ob", [OB_300, OB_JSONLD, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"]
)
def test_clr_with_the_first_clr_context_verifies(ob: str) -> None:
    badge = issue(_badge(ob), KEY)
    achievement = badge["credentialSubject"]["achievement"]
    clr = {
        "@context": [VC1, CLR_200, ob],
        "id": "urn:uuid:6c1c6a4e-9b89-4a0e-a1f1-0d3b7b6f2d11",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": KEY.did, "type": ["Profile"], "name": "Example University"},
        "issuanceDate": "2023-03-01T00:00:00Z",
        "name": "Transcript",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "type": ["ClrSubject"],
            "verifiableCredential": [badge],
            "achievement": [achievement],
            "association": [
                {
                    "type": "Association",
                    "associationType": "isParentOf",
                    "sourceId": achievement["id"],
                    "targetId": "https://example.edu/achievements/collaboration",
                }
            ],
        },
    }
    nquads = canonicalize_document(clr).nquads
    assert "<https://purl.imsglobal.org/spec/vc/clr/vocab.html#ClrSubject>" in nquads
    report = verify(issue(clr, KEY))
    assert report.verdict == "verified", [c for c in report.checks if c.blocking]
    assert [r.verdict for r in report.included] == ["verified"]


# The spec's own signed examples from earlier builds --------------------------------------------

HISTORY = VECTORS / "ob3-spec-history"
_EXAMPLES = sorted(HISTORY.glob("*.json"))


def test_history_vectors_are_present() -> None:
    assert [p.name for p in _EXAMPLES] == [
        "ob3-alignment-ce.2022-09-08.signed-ed25519-2020.json",
        "ob3-basic.2022-09-08.signed-ed25519-2020.json",
        "ob3-basic.2023-02-23.signed-ed25519-2020.json",
    ]


@pytest.mark.parametrize("path", _EXAMPLES, ids=lambda p: p.name)
def test_spec_examples_from_earlier_builds_have_valid_proofs(path: Path) -> None:
    document = load(path)
    report = Verifier(resolver=pinned_resolver(document)).verify(document)
    assert report.check("proof").status is CheckStatus.PASSED  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "path",
    _EXAMPLES,
    ids=lambda p: p.name,
)
def test_spec_examples_from_earlier_builds_verify(path: Path) -> None:
    document = load(path)
    report = Verifier(resolver=pinned_resolver(document)).verify(document)
    assert report.verdict == "verified", [c for c in report.checks if c.blocking]


def test_old_contexts_are_in_the_compiled_snapshot() -> None:
    snapshot = bundled_snapshot()
    assert snapshot is not None
    local = {u for d in snapshot["derivations"] if d[0] == "local" for u in d[2]}
    assert {DRAFT, OB_300} <= local
    # The alias serves the same bytes as OB_300; its context lists are compiled too.
    assert f'"{OB_JSONLD}"' in json.dumps(snapshot)
