"""The fast path's compiled tables: the shipped snapshot, compiling what it lacks, limits."""

from __future__ import annotations

import copy
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from openmicrocred.canon import canonicalize
from openmicrocred.documents import StaticLoader
from openmicrocred.jsonld import _compiled as fast_module
from openmicrocred.jsonld import general_quads
from openmicrocred.jsonld._compiled import FastRDF, Unsupported, _Tables, bundled_snapshot

from conftest import NOT_SAFE_AS_PRINTED, SPEC_CREDENTIALS, load

REPO = Path(__file__).resolve().parents[1]


def _compile_script() -> Any:
    spec = importlib.util.spec_from_file_location("compile_contexts", REPO / "contexts/compile.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _documents() -> list[dict[str, Any]]:
    documents = []
    for path in SPEC_CREDENTIALS:
        if path.name not in NOT_SAFE_AS_PRINTED:
            document = load(path)
            document.pop("proof", None)
            documents.append(document)
    return documents


def _canonical(fast: FastRDF, document: dict[str, Any]) -> str:
    return canonicalize(fast.quads(document)).nquads


def test_shipped_snapshot_equals_a_fresh_compilation() -> None:
    script = _compile_script()
    shipped = (REPO / "contexts" / "compiled.json").read_text(encoding="utf-8")
    assert script.render(script.build()) == shipped, "run: python contexts/compile.py"


def test_shipped_snapshot_is_used_and_loads_losslessly() -> None:
    snapshot = bundled_snapshot()
    assert snapshot is not None
    assert len(snapshot["derivations"]) > 10
    assert len(snapshot["plans"]) > 100
    exported = json.loads(json.dumps(_Tables.load(snapshot).export()))
    assert exported == {k: v for k, v in snapshot.items() if isinstance(v, list)}


def test_snapshot_is_ignored_when_the_contexts_differ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_module, "contexts_manifest_bytes", lambda: b"another manifest")
    assert bundled_snapshot() is None


def test_partial_snapshot_compiles_the_rest_exactly_as_pyld(basic: dict[str, Any]) -> None:
    # Start from tables that know only one small badge: every other document makes the fast
    # path rebuild contexts it knows only by derivation, and compile new answers from them.
    seed = FastRDF(StaticLoader())
    seed.quads(basic)
    partial = FastRDF(StaticLoader(), snapshot=json.loads(json.dumps(seed.snapshot())))
    assert partial._processor is None
    fresh = FastRDF(StaticLoader())
    compiled = 0
    for document in _documents():
        try:
            expected = _canonical(fresh, document)
        except Unsupported:
            continue
        assert _canonical(partial, document) == expected
        assert expected == canonicalize(general_quads(document)).nquads
        compiled += 1
    assert compiled >= 10
    assert partial._processor is not None  # it did have to compile


def test_answers_from_the_snapshot_need_no_pyld(basic: dict[str, Any]) -> None:
    fast = FastRDF(StaticLoader(), snapshot=bundled_snapshot())
    expected = canonicalize(general_quads(basic)).nquads
    assert _canonical(fast, basic) == expected
    assert fast._processor is None


def test_tables_start_over_past_their_limit(
    monkeypatch: pytest.MonkeyPatch, basic: dict[str, Any], complete: dict[str, Any]
) -> None:
    monkeypatch.setattr(fast_module, "_CACHE_LIMIT", 20)
    fast = FastRDF(StaticLoader(), snapshot=None)
    for document in (basic, complete, basic, complete):
        assert _canonical(fast, document) == canonicalize(general_quads(document)).nquads
    first = fast._tables
    assert first.size > 20
    assert _canonical(fast, copy.deepcopy(basic)) == canonicalize(general_quads(basic)).nquads
    assert fast._tables is not first


def test_a_new_process_verifies_a_badge_without_pyld_or_the_clr_models() -> None:
    basic = REPO / "tests" / "vectors" / "ob3-spec" / "ob3-basic.unsigned.json"
    code = (
        "import sys, json\n"
        "from openmicrocred import Ed25519Key, Verifier, add_proof\n"
        f"badge = json.load(open({str(basic)!r}))\n"
        "key = Ed25519Key.generate()\n"
        "badge['issuer'] = {'id': key.did, 'type': ['Profile'], 'name': 'I'}\n"
        "report = Verifier().verify(add_proof(badge, key))\n"
        "print(report.verdict.value, [m for m in sys.modules\n"
        "    if m.split('.')[0] == 'pyld' or m == 'openmicrocred.models.clr'])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    verdict, loaded = out.stdout.strip().split(" ", 1)
    assert loaded == "[]"
    assert verdict == "verified"
