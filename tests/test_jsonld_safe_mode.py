from __future__ import annotations

import copy
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from openmicrocred.documents import StaticLoader
from openmicrocred.errors import DocumentLoaderError, JsonLdError, SafeModeError
from openmicrocred.jsonld import check_safe, expand

from conftest import NOT_SAFE_AS_PRINTED, SPEC, SPEC_CREDENTIALS, load, spec_id

OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"


@pytest.mark.parametrize("path", SPEC_CREDENTIALS, ids=spec_id)
def test_spec_examples(path: Path) -> None:
    data = load(path)
    reason = NOT_SAFE_AS_PRINTED.get(path.name)
    if reason is None:
        expanded = expand(data)
        assert expanded
        assert "@type" in expanded[0]
    else:
        with pytest.raises((SafeModeError, DocumentLoaderError), match=reason):
            check_safe(data)


def _fails(data: dict[str, Any]) -> SafeModeError:
    with pytest.raises(SafeModeError) as info:
        expand(data)
    assert info.value.code == "jsonld_safe_mode"
    return info.value


def test_undefined_property_at_top_level(basic: dict[str, Any]) -> None:
    basic["favouriteColour"] = "blue"
    err = _fails(basic)
    assert err.path == "$.favouriteColour"
    assert "not defined" in str(err)


def test_undefined_property_deep(complete: dict[str, Any]) -> None:
    complete["credentialSubject"]["achievement"]["resultDescription"][1]["rubricCriterionLevel"][0][
        "score"
    ] = 4
    err = _fails(complete)
    assert err.path == (
        "$.credentialSubject.achievement.resultDescription[1].rubricCriterionLevel[0].score"
    )


def test_undefined_property_inside_embedded_endorsement(complete: dict[str, Any]) -> None:
    complete["endorsement"][0]["credentialSubject"]["stars"] = 5
    assert _fails(complete).path == "$.endorsement[0].credentialSubject.stars"


def test_language_map_where_none_is_defined(basic: dict[str, Any]) -> None:
    basic["credentialSubject"]["achievement"]["name"] = {"en": "Teamwork", "th": "ทีม"}
    assert _fails(basic).path.startswith("$.credentialSubject.achievement.name.")


def test_undefined_type_value(basic: dict[str, Any]) -> None:
    basic["credentialSubject"]["achievement"]["type"].append("SecretAchievement")
    err = _fails(basic)
    assert err.path == "$.credentialSubject.achievement.type[1]"
    assert "SecretAchievement" in str(err)


def test_undefined_singleton_type_value(complete: dict[str, Any]) -> None:
    complete["@context"].remove("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")
    err = _fails(complete)
    assert "1EdTech" in str(err)
    assert err.path.endswith(".type")


def test_relative_iri_as_node_id(basic: dict[str, Any]) -> None:
    basic["credentialSubject"]["id"] = "learners/42"
    err = _fails(basic)
    assert err.path == "$.credentialSubject.id"
    assert "relative IRI" in str(err)


def test_relative_iri_as_reference(basic: dict[str, Any]) -> None:
    basic["issuer"] = "example-corp"
    err = _fails(basic)
    assert err.path == "$.issuer"


def test_relative_iri_in_status_list_reference(basic: dict[str, Any]) -> None:
    basic["credentialStatus"] = {
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "5",
        "statusListCredential": "status/1",
    }
    assert _fails(basic).path == "$.credentialStatus.statusListCredential"


def test_an_extension_context_makes_terms_defined(basic: dict[str, Any]) -> None:
    basic["favouriteColour"] = "blue"
    url = "https://kmutt.example/contexts/ext-v1.json"
    basic["@context"].append(url)
    loader = StaticLoader({url: {"@context": {"favouriteColour": "https://kmutt.example/ns#fc"}}})
    expanded = expand(basic, loader=loader)
    assert expanded[0]["https://kmutt.example/ns#fc"] == [{"@value": "blue"}]
    with pytest.raises(DocumentLoaderError, match=url):
        expand(basic)  # not served by the default (offline, bundled-only) loader


def test_plain_mode_shows_what_would_be_lost(basic: dict[str, Any]) -> None:
    basic["favouriteColour"] = "blue"
    expanded = expand(basic, safe=False)
    assert "favouriteColour" not in str(expanded)


def test_invalid_json_ld_is_a_clear_error(basic: dict[str, Any]) -> None:
    basic["@context"].append({"@version": 2.0})
    with pytest.raises(JsonLdError):
        expand(basic)
    with pytest.raises(TypeError):
        expand([basic])  # type: ignore[arg-type]


def test_input_is_not_modified(complete: dict[str, Any]) -> None:
    before = copy.deepcopy(complete)
    expand(complete)
    assert complete == before


def test_expansion_is_thread_safe() -> None:
    docs = [load(p) for p in SPEC_CREDENTIALS if p.name not in NOT_SAFE_AS_PRINTED]
    expected = [expand(d) for d in docs]
    bad = copy.deepcopy(docs[0])
    bad["oops"] = 1
    failures: list[str] = []

    def work(offset: int) -> None:
        for i in range(len(docs) * 2):
            j = (i + offset) % len(docs)
            if expand(docs[j]) != expected[j]:
                failures.append(f"mismatch {j}")
            try:
                expand(bad)
                failures.append("accepted a bad document")
            except SafeModeError:
                pass

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


def test_types_expand_to_ob_vocabulary(basic: dict[str, Any]) -> None:
    expanded = expand(basic)[0]
    assert OB + "OpenBadgeCredential" in expanded["@type"]


def _signed_vc11() -> dict[str, Any]:
    # VC 1.1 and the unversioned OB 3.0 context do not protect their terms.
    from openmicrocred.keys import Ed25519Key
    from openmicrocred.suites import add_proof

    key = Ed25519Key.from_seed(bytes(range(32)))
    credential = load(SPEC / "ob3-basic.unsigned.json")
    credential["@context"] = [
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    ]
    credential["issuanceDate"] = credential.pop("validFrom")
    credential["issuer"]["id"] = key.did
    signed: dict[str, Any] = add_proof(credential, key, created=datetime(2024, 1, 1, tzinfo=UTC))
    return signed


def _forged_by_alias(where: str) -> dict[str, Any]:
    # An embedded context makes "name" an alias of @index (no RDF), while the real name
    # moves to a full-IRI key. The signed graph is unchanged; the JSON shows the forged name.
    signed = _signed_vc11()
    achievement = signed["credentialSubject"]["achievement"]
    if where == "node":
        achievement["@context"] = {"name": "@index"}
    else:
        signed["@context"] = [*signed["@context"], {"name": "@index"}]
    achievement["https://schema.org/name"] = achievement.pop("name")
    achievement["name"] = "PhD, Harvard University (forged)"
    return signed


@pytest.mark.parametrize("where", ["node", "appended"])
def test_a_term_aliasing_a_dropping_keyword_is_refused(where: str) -> None:
    from openmicrocred import Verdict, verify

    forged = _forged_by_alias(where)
    with pytest.raises(SafeModeError) as info:
        check_safe(forged)
    assert "alias of @index" in str(info.value)
    report = verify(forged)
    assert not report.verified
    assert report.verdict is Verdict.TAMPERED
    jsonld = report.check("jsonld")
    assert jsonld is not None
    assert jsonld.code == "jsonld_safe_mode"


def test_aliases_of_id_and_type_stay_allowed() -> None:
    from openmicrocred.jsonld import refuse_dropping_aliases

    refuse_dropping_aliases(
        {"@context": [{"ident": "@id", "kind": {"@id": "@type"}}], "ident": "x"}
    )
    with pytest.raises(SafeModeError) as info:
        refuse_dropping_aliases({"x": [{"@context": {"t": {"@context": {"n": "@nest"}}}}]})
    assert info.value.path == '$.x[0]["@context"].t["@context"].n'


def _forged_by_swap(where: str) -> dict[str, Any]:
    # No data dropped at all: an embedded context swaps the meanings of "name" and
    # "description", and the JSON swaps their values back. The signed graph is unchanged,
    # so the proof verifies, yet the JSON shows each description as the name.
    forged = _signed_vc11()
    swapped = {
        "name": {"@id": "https://schema.org/description"},
        "description": {"@id": "https://schema.org/name"},
    }
    achievement = forged["credentialSubject"]["achievement"]
    nodes = [achievement]
    if where == "node":
        achievement["@context"] = swapped
    else:
        forged["@context"] = [*forged["@context"], swapped]
        nodes += [forged, forged["issuer"], forged["credentialSubject"]]
    for node in nodes:
        node["name"], node["description"] = node.get("description"), node.get("name")
        for key in ("name", "description"):
            if node[key] is None:
                del node[key]
    return forged


@pytest.mark.parametrize("where", ["node", "appended"])
def test_an_embedded_context_cannot_redefine_a_bundled_term(where: str) -> None:
    from openmicrocred import Verdict, verify

    forged = _forged_by_swap(where)
    # Plain JSON-LD gives the same statements as the document that was signed.
    assert _statements(forged) == _statements(_signed_vc11())
    with pytest.raises(SafeModeError) as info:
        check_safe(forged)
    assert "redefines the term 'name'" in str(info.value)
    n = len(forged["@context"]) - 1
    assert info.value.path == (
        '$.credentialSubject.achievement["@context"].name'
        if where == "node"
        else f'$["@context"][{n}].name'
    )
    report = verify(forged)
    assert report.verdict is Verdict.TAMPERED
    jsonld = report.check("jsonld")
    assert jsonld is not None
    assert jsonld.status == "failed"


def _statements(document: dict[str, Any]) -> list[tuple[str, str]]:
    from openmicrocred.jsonld import to_rdf_dataset

    dataset = to_rdf_dataset(document, safe=False)
    return sorted(
        (t["predicate"]["value"], t["object"]["value"])
        for triples in dataset.values()
        for t in triples
    )


def test_an_identical_redefinition_stays_allowed(basic: dict[str, Any]) -> None:
    same = copy.deepcopy(basic)
    same["credentialSubject"]["achievement"]["@context"] = {
        "name": {"@id": "https://schema.org/name"},
        "extra": "https://example.org/terms#extra",
    }
    same["credentialSubject"]["achievement"]["extra"] = "fine"
    check_safe(same)
    assert "https://example.org/terms#extra" in str(expand(same))


@pytest.mark.parametrize(
    "context",
    [
        # imported definitions are merged into the embedded context, which is still checked
        {"@import": "https://www.w3.org/ns/did/v1", "name": "https://schema.org/description"},
        # a new term's scoped context is embedded too
        {
            "wrap": {
                "@id": "https://example.org/wrap",
                "@context": {"name": "https://schema.org/description"},
            }
        },
    ],
    ids=["import", "scoped"],
)
def test_redefinitions_are_refused_however_they_are_nested(
    basic: dict[str, Any], context: dict[str, Any]
) -> None:
    forged = copy.deepcopy(basic)
    achievement = forged["credentialSubject"]["achievement"]
    achievement["@context"] = context
    if "wrap" in context:
        achievement["wrap"] = {"name": "shown as a name"}
    with pytest.raises(SafeModeError) as info:
        check_safe(forged)
    assert "redefines the term 'name'" in str(info.value)


def test_a_context_url_at_a_node_may_define_its_terms(basic: dict[str, Any]) -> None:
    # A bundled context referenced by URL gives its terms their published meanings.
    doc = copy.deepcopy(basic)
    doc["credentialSubject"]["achievement"]["@context"] = (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
    )
    check_safe(doc)
