from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from pyld import jsonld as pyld

from openmicrocred.canon import (
    Quad,
    canonicalize,
    canonicalize_document,
    parse_nquads,
    serialize_nquad,
)
from openmicrocred.errors import CanonicalizationError
from openmicrocred.jsonld import processing_options

from conftest import NOT_SAFE_AS_PRINTED, SPEC, SPEC_CREDENTIALS, load, spec_id
from strategies import achievement_credential

SUITE = Path(__file__).parent / "vectors" / "rdf-canon"
MANIFEST = json.loads((SUITE / "manifest.jsonld").read_text())["entries"]


def _run(entry: dict[str, Any]) -> Any:
    quads = parse_nquads((SUITE / entry["action"]).read_text(encoding="utf-8"))
    return canonicalize(quads, hash_algorithm=entry.get("hashAlgorithm", "sha256"))


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda e: f"{e['id']} {e['name']}")
def test_w3c_rdf_canon_suite(entry: dict[str, Any]) -> None:
    if entry["type"] == "rdfc:RDFC10NegativeEvalTest":
        with pytest.raises(CanonicalizationError, match="work limit"):
            _run(entry)
        return
    result = _run(entry)
    expected = (SUITE / entry["result"]).read_text(encoding="utf-8")
    if entry["type"] == "rdfc:RDFC10MapTest":
        assert result.issued == json.loads(expected)
    else:
        assert result.nquads == expected


def test_suite_is_complete() -> None:
    kinds = [e["type"] for e in MANIFEST]
    assert len(kinds) == 86
    assert kinds.count("rdfc:RDFC10EvalTest") == 64
    assert kinds.count("rdfc:RDFC10MapTest") == 21


def test_work_limit_is_configurable() -> None:
    entry = next(e for e in MANIFEST if e["id"] == "#test074c")
    quads = parse_nquads((SUITE / entry["action"]).read_text())
    with pytest.raises(CanonicalizationError, match=r"work limit \(5 "):
        canonicalize(quads, max_calls=5)


def test_rdfc_escaping_of_control_characters() -> None:
    s, p = ("iri", "https://example.org/s"), ("iri", "https://example.org/p")
    literal = (
        "literal",
        'a\b\f\x01\x7f"\\\n\r\tz',
        "http://www.w3.org/2001/XMLSchema#string",
        None,
    )
    line = serialize_nquad(Quad(s, p, literal))
    escaped = '"a\\b\\f\\u0001\\u007F\\"\\\\\\n\\r\\tz"'
    assert line == f"<https://example.org/s> <https://example.org/p> {escaped} .\n"
    assert parse_nquads(line)[0].object == literal


def test_bad_nquads_name_the_line() -> None:
    with pytest.raises(CanonicalizationError, match="line 2"):
        parse_nquads("<a:s> <a:p> <a:o> .\nnot a quad\n")
    with pytest.raises(ValueError, match="sha256 or sha384"):
        canonicalize([], hash_algorithm="md5")


def test_ob_and_clr_test_vectors_byte_for_byte() -> None:
    for name in ("ob3", "clr2"):
        folder = SPEC / "test-vectors" / name
        result = canonicalize_document(load(folder / "credential.unsigned.json"))
        assert result.nquads == (folder / "document-canon.txt").read_text(encoding="utf-8")


def _pyld_urdna2015(document: dict[str, Any]) -> str:
    options = processing_options()
    options.update(algorithm="URDNA2015", format="application/n-quads")
    return str(pyld.JsonLdProcessor().normalize(document, options))


@pytest.mark.parametrize(
    "path", [p for p in SPEC_CREDENTIALS if p.name not in NOT_SAFE_AS_PRINTED], ids=spec_id
)
def test_differential_against_pyld_on_spec_examples(path: Path) -> None:
    document = load(path)
    document.pop("proof", None)
    assert canonicalize_document(document).nquads == _pyld_urdna2015(document)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(achievement_credential())
def test_differential_against_pyld_on_generated_credentials(data: dict[str, Any]) -> None:
    # Generated text has no control characters, where URDNA2015 and RDFC-1.0 escape alike.
    assert canonicalize_document(data).nquads == _pyld_urdna2015(data)


def test_concurrent_canonicalization() -> None:
    docs = [load(p) for p in SPEC_CREDENTIALS if p.name not in NOT_SAFE_AS_PRINTED]
    expected = [canonicalize_document(d).nquads for d in docs]
    failures: list[int] = []

    def work(offset: int) -> None:
        for i in range(len(docs)):
            j = (i + offset) % len(docs)
            if canonicalize_document(docs[j]).nquads != expected[j]:
                failures.append(j)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


# The compiled fast path ----------------------------------------------------------------------


def _fast_and_general(document: dict[str, Any]) -> tuple[str, str] | None:
    from openmicrocred.jsonld import general_quads
    from openmicrocred.jsonld._compiled import Unsupported, fast_quads

    try:
        fast = canonicalize(fast_quads(document)).nquads
    except Unsupported:
        return None
    return fast, canonicalize(general_quads(document)).nquads


@pytest.mark.parametrize("path", SPEC_CREDENTIALS, ids=spec_id)
def test_fast_path_matches_general_path_on_fixtures(path: Path) -> None:
    document = load(path)
    document.pop("proof", None)
    pair = _fast_and_general(document)
    if path.name in NOT_SAFE_AS_PRINTED:
        assert pair is None  # outside the fast path: the general path reports the problem
        return
    assert pair is not None, "the fast path should compile every spec example"
    assert pair[0] == pair[1]


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(achievement_credential())
def test_fast_path_matches_general_path_on_generated_credentials(data: dict[str, Any]) -> None:
    pair = _fast_and_general(data)
    assert pair is not None
    assert pair[0] == pair[1]


def test_fast_path_declines_what_it_does_not_compile(basic: dict[str, Any]) -> None:
    from openmicrocred.jsonld._compiled import Unsupported, fast_quads

    mutations: tuple[Callable[[dict[str, Any]], object], ...] = (
        lambda d: d.update(undefinedTerm=1),
        lambda d: d["credentialSubject"].update(id="relative"),
        lambda d: d["credentialSubject"]["achievement"].update(name={"@value": "x"}),
        lambda d: d["credentialSubject"].update({"@context": {"x": "https://x.example/"}}),
        lambda d: d["credentialSubject"]["achievement"]["type"].append("Unknown"),
    )
    for mutate in mutations:
        document = copy.deepcopy(basic)
        mutate(document)
        with pytest.raises(Unsupported):
            fast_quads(document)
